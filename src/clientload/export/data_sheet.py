"""The Data sheet: the tables `Clients` (attributes) and `ClientMonths` (one row per client per
calendar month with activity), values only, side by side so that each grows down on its own.
Zeros are left as empty cells.

`ClientMonths` is written sorted by client and month: the Model reads each client's rows as one
block (fast); rows pasted under the table later are read too, only slower (see `model_data`).
"""

from __future__ import annotations

import math
from typing import Any

from clientload.export.book import Book
from clientload.export.rows import RowColumn, RowData, as_datetime, client_columns, month_columns
from clientload.export.tables import FIRST_ROW, HEADER_ROW, TableColumn, declare_table

SHEET = "Data"
# ClientMonths starts two columns after Clients' last (one stays empty): column P.
MONTHS_COL = len(client_columns(lambda text: text)) + 1


def _cells(frame: Any, cols: list[RowColumn]) -> list[tuple[str, list]]:
    """Each column's cells cleaned once: missing → None, dates → datetime, numbers → float."""
    out: list[tuple[str, list]] = []
    for c in cols:
        raw: list[Any] = frame[c.key].tolist() if c.key in frame.columns else [None] * len(frame)
        if c.kind == "text":
            out.append(("text", [None if _missing(v) else str(v) for v in raw]))
        elif c.kind in ("date", "month"):
            out.append(("value", [as_datetime(v) for v in raw]))
        else:
            out.append(("value", [None if _missing(v) else float(v) for v in raw]))
    return out


def _missing(v: object) -> bool:
    if v is None:
        return True
    try:
        return bool(isinstance(v, float) and math.isnan(v)) or v != v
    except (TypeError, ValueError):
        return False


def write_data_sheet(book: Book, rows: RowData) -> None:
    _ = book._
    sheet = book.sheet(SHEET)
    book.text(sheet, 0, 0, _("Data: the clients and their figures month by month"), "title")
    book.text(
        sheet,
        1,
        0,
        _(
            "Values only. Paste the next month's rows under ClientMonths and new clients under "
            "Clients (the headers are the columns of clientload export --rows)."
        ),
        "subtitle",
    )
    book.text(sheet, 1, MONTHS_COL, "ClientMonths", "label")
    shape = rows.columns
    labelled = month_columns(
        _, shape.thresholds, list(shape.types), list(shape.categories), shape.terms, shape.waits,
        book.lang,
    )
    parts = [
        ("Clients", 0, client_columns(_), rows.clients),
        ("ClientMonths", MONTHS_COL, labelled.items, rows.months),
    ]
    sheet.set_row(2, 42)
    for _name, first, cols, _frame in parts:
        for i, c in enumerate(cols):
            sheet.set_column(first + i, first + i, c.width)
            book.text(sheet, 2, first + i, c.label, "header")
    for name, first, cols, frame in parts:
        declare_table(
            book, sheet, name, first, [TableColumn(c.key, c.label) for c in cols], len(frame)
        )
    blocks = [
        (first, _cells(frame, cols), [book.fmt(_fmt(c)) for c in cols], len(frame))
        for _name, first, cols, frame in parts
    ]
    write_number, write_datetime = sheet.write_number, sheet.write_datetime
    height = max(max(n for *_x, n in blocks), 1)
    for r in range(height):
        row = FIRST_ROW + r
        for first, columns, formats, n in blocks:
            if r >= n:
                continue
            for i, (kind, values) in enumerate(columns):
                v = values[r]
                # Missing values and zeros stay empty cells: most of a month's figures are
                # zero, and every formula reads an empty cell as 0 (a third of the cells, and
                # of LibreOffice's time to load them).
                if not v:
                    continue
                if kind == "text":
                    book.text(sheet, row, first + i, v)
                elif hasattr(v, "year"):
                    write_datetime(row, first + i, v, formats[i])
                else:
                    write_number(row, first + i, v, formats[i])
    sheet.freeze_panes(FIRST_ROW, 1)
    book.print_setup(sheet, HEADER_ROW, pages_wide=3)


def _fmt(c: RowColumn) -> str:
    return {"month": "month", "date": "date", "text": "text"}.get(c.kind, c.fmt)
