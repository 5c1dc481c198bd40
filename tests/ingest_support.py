"""Helpers of the importer's tests: queries on a workspace's store, workbooks made by code."""

from __future__ import annotations

from pathlib import Path

import duckdb

from clientload.workspace import Workspace


def stored(ws: Workspace, sql: str) -> list[tuple]:
    with duckdb.connect(str(ws.store_path), read_only=True) as con:
        return con.execute(sql).fetchall()


def workbook(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    """An .xlsx with the given sheets, each a list of rows (the first one the headers)."""
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path))
    for name, rows in sheets.items():
        sheet = book.add_worksheet(name)
        for r, row in enumerate(rows):
            sheet.write_row(r, 0, row)
    book.close()
    return path
