"""Column specifications for the per-client sheets (Data, Model): key, header, format, cells.

A sheet of per-client rows is a list of `Column`s; each knows how to write its cell in a given
row. Keys give the column letters that formulas on other columns and sheets refer to.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from clientload.export.book import column

HEADER_ROW = 3  # rows 0–2: title, notes and the helper row above the headers
FIRST_ROW = HEADER_ROW + 1


@dataclass
class Column:
    key: str
    header: str
    fmt: str = "number"
    width: float = 12
    formula: Callable[[int], str] | None = None  # Excel row number (1-based) → formula
    above: str | float | None = None  # helper value written in the row above the header
    kind: str = "number"  # number | text | date | bool (for value columns)


class Columns:
    """An ordered set of columns with their letters."""

    def __init__(self, sheet_name: str):
        self.sheet_name = sheet_name
        self.items: list[Column] = []
        self.index: dict[str, int] = {}

    def add(self, col: Column) -> Column:
        if col.key in self.index:
            raise ValueError(f"column {col.key} twice on {self.sheet_name}")
        self.index[col.key] = len(self.items)
        self.items.append(col)
        return col

    def letter(self, key: str) -> str:
        return column(self.index[key])

    def ref(self, key: str, row: int, other_sheet: bool = False) -> str:
        prefix = f"'{self.sheet_name}'!" if other_sheet else ""
        return f"{prefix}{self.letter(key)}{row}"

    def range(self, key: str, n: int) -> str:
        """Absolute range of a column over the n client rows, with the sheet name."""
        c = self.letter(key)
        return f"'{self.sheet_name}'!${c}${FIRST_ROW + 1}:${c}${FIRST_ROW + max(n, 1)}"
