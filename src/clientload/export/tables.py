"""Excel tables in the workbook: columns with a key (the table header), a label shown above it
and, for a calculated column, one formula for every row.

Formulas refer to the same row in the explicit form `Model[[#This Row],[key]]`: LibreOffice 7.4
computes XlsxWriter's rewrite of the `[@key]` shorthand as #N/A. Whole columns are `Table[key]`.
Tables are also written in XlsxWriter's constant-memory mode: the table is declared when its
header row is reached (only headers) and the cells follow row by row.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from xlsxwriter.utility import xl_range

from clientload.export.book import Book

HEADER_ROW = 3  # rows 0–2: title, notes or totals, labels
FIRST_ROW = HEADER_ROW + 1


def this(table: str, key: str) -> str:
    return f"{table}[[#This Row],[{key}]]"


def whole(table: str, key: str) -> str:
    return f"{table}[{key}]"


@dataclass
class TableColumn:
    key: str
    label: str
    fmt: str = "number"
    width: float = 11
    formula: str | None = None  # the calculated column's formula (with "="); None: values


@dataclass
class TableColumns:
    """An ordered set of table columns."""

    table: str
    items: list[TableColumn] = field(default_factory=list)
    index: dict[str, int] = field(default_factory=dict)

    def add(self, col: TableColumn) -> TableColumn:
        if col.key in self.index:
            raise ValueError(f"column {col.key} twice in {self.table}")
        self.index[col.key] = len(self.items)
        self.items.append(col)
        return col

    def this(self, key: str) -> str:
        return this(self.table, key)

    def whole(self, key: str) -> str:
        return whole(self.table, key)

    def check(self) -> None:
        """Every column a formula reads exists (formulas may read columns added after them)."""
        import re

        for c in self.items:
            for key in re.findall(rf"{self.table}\[\[#This Row\],\[(\w+)\]\]", c.formula or ""):
                if key not in self.index:
                    raise KeyError(f"{self.table}[{c.key}] reads a column {key} that is not there")


def declare_table(
    book: Book, sheet: Any, name: str, first_col: int, cols: list[TableColumn], rows: int
) -> None:
    """Declare the table (header row HEADER_ROW, `rows` data rows, at least one) and write its
    headers; the caller writes the cells, row by row."""
    last_row = HEADER_ROW + max(rows, 1)
    # XlsxWriter records every cell of a table's range (its check that tables do not overlap):
    # 8 million entries at 50,000 clients, seconds and a gigabyte. It is given the header and
    # one row, and the table's range is set to the whole below; the tables here lie side by
    # side, each in its own columns.
    first_last = HEADER_ROW + 1
    memory = sheet.constant_memory
    if memory and sheet.previous_row < HEADER_ROW:
        sheet._write_single_row(HEADER_ROW)  # the rows above go to disk; the headers follow
    sheet.constant_memory = False  # XlsxWriter refuses tables there; the headers come in order
    try:
        sheet.add_table(
            HEADER_ROW,
            first_col,
            first_last,
            first_col + len(cols) - 1,
            {
                "name": name,
                "style": "Table Style Light 9",
                "columns": [{"header": c.key, "header_format": book.fmt("header")} for c in cols],
            },
        )
    finally:
        sheet.constant_memory = memory
    if memory:  # the headers again, as the streamed rows' inline strings
        for i, c in enumerate(cols):
            sheet.write_string(HEADER_ROW, first_col + i, c.key, book.fmt("header"))
    table = sheet.tables[-1]
    last_col = first_col + len(cols) - 1
    table["range"] = xl_range(HEADER_ROW, first_col, last_row, last_col)
    table["a_range"] = table["range"]
    if "autofilter" in table:
        table["autofilter"] = table["range"]
    for spec, col in zip(table["columns"], cols, strict=True):
        if col.formula:
            spec["formula"] = col.formula[1:] if col.formula.startswith("=") else col.formula
