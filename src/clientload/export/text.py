"""User text in the workbook: written as text, never read as a formula.

A client name such as `=HYPERLINK(...)`, `+7 495 ...` or `@acme` must stay the name. Every such
value goes through `write_text`: stored as a string cell (never a formula), and when it begins with
a character that a spreadsheet would take as the start of a formula (`=`, `+`, `-`, `@`, a tab or a
carriage return) the cell also gets the "quote prefix" style — Excel's and LibreOffice's own
leading-apostrophe marker — so that editing the cell, or copying it elsewhere, keeps it text. The
visible text and the stored value stay exactly the user's text.
"""

from __future__ import annotations

from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def needs_quote_prefix(text: str) -> bool:
    """True when a spreadsheet would read `text` typed into a cell as a formula."""
    return text.startswith(FORMULA_STARTS)


def write_text(
    sheet: Any, row: int, col: int, value: object, fmt: Any = None, quoted: Any = None
) -> None:
    """Write `value` as text; `quoted` is the format (with quote_prefix) used for risky text."""
    if value is None:
        sheet.write_blank(row, col, None, fmt)
        return
    text = str(value)
    if text == "":
        sheet.write_blank(row, col, None, fmt)
        return
    sheet.write_string(
        row, col, text, quoted if (quoted is not None and needs_quote_prefix(text)) else fmt
    )
