"""The Model sheet: the Excel table `Model`, one row per client.

`client_id` is a value; every other column is a calculated column (one formula for all rows, so
that in Excel a row added to the table fills itself): the rows' totals in the period
(`model_data`), costing (`model_costs`), classes and groups (`model_groups`), career and policy
(`model_policy`). Company totals stand above their columns and have names (`co_revenue`, ...).
"""

from __future__ import annotations

from clientload.export.book import Book, column
from clientload.export.model_costs import cost_columns
from clientload.export.model_data import data_columns
from clientload.export.model_groups import group_columns
from clientload.export.model_policy import career_columns, policy_columns
from clientload.export.rows import MonthColumns
from clientload.export.settings_sheet import SettingsLayout
from clientload.export.tables import FIRST_ROW, HEADER_ROW, TableColumns, declare_table

SHEET = "Model"


def model_columns(
    book: Book, settings, layout: SettingsLayout, months: MonthColumns, summed: bool = False
) -> TableColumns:
    _ = book._
    m = TableColumns("Model")
    reader = data_columns(m, months, _, months.thresholds, summed)
    cost_columns(m, reader, months, settings, layout, _)
    group_columns(m, _, book.lang)
    career_columns(m, layout, _)
    policy_columns(m, reader, settings, layout, months.thresholds, _, book.lang)
    m.check()
    return m


# Totals above their columns; the company's revenue and margin for the groups' rules are read
# from ClientMonths (the period's rows), not from Model: LibreOffice's threaded calculation
# reports a false circular reference for a column reading a total of other Model columns.
_PERIOD_ROWS = 'ClientMonths[month],">="&period_first_month,ClientMonths[month],"<="&period_end'
TOTALS = (
    ("co_clients", "name", "=COUNTIF(Model[active],TRUE)", "bold_number"),
    ("co_revenue", "revenue", "=SUM(Model[revenue])", "bold_money"),
    ("co_gross_margin", "gross_margin", "=SUM(Model[gross_margin])", "bold_money"),
    (
        "co_margin_rate",
        "margin_rate",
        f"=IFERROR((SUMIFS(ClientMonths[revenue],{_PERIOD_ROWS})-SUMIFS(ClientMonths[cost_of_goods],"
        f"{_PERIOD_ROWS}))/SUMIFS(ClientMonths[revenue],{_PERIOD_ROWS}),0)",
        "bold_percent",
    ),
    ("co_cost_to_serve", "cost_to_serve", "=SUM(Model[cost_to_serve])", "bold_money"),
    ("co_contribution", "contribution", "=SUM(Model[contribution])", "bold_money"),
    ("co_load_minutes", "load_minutes", "=SUM(Model[load_minutes])", "bold_number"),
)


def shareable(formula: str) -> bool:
    """Whether Excel can keep a formula as a shared one: no range operator (`:`) outside a
    structured reference's brackets or a string. Excel's shared formulas cannot hold one
    ([MS-XLS] 2.5.198.118 SharedParsedFormula: no PtgRange, no PtgMemFunc); a run of rows
    `INDEX(...):INDEX(...)` is written in each cell."""
    depth, quoted = 0, False
    for ch in formula:
        if ch == '"':
            quoted = not quoted
        elif quoted:
            continue
        elif ch == "[":
            depth += 1
        elif ch == "]":
            depth -= 1
        elif ch == ":" and depth == 0:
            return False
    return True


def write_model_sheet(book: Book, m: TableColumns, ids: list[str]) -> None:
    _ = book._
    sheet = book.sheet(SHEET)
    book.text(sheet, 0, 0, _("Model: every figure is a formula over Data and Settings"), "title")
    book.text(sheet, 1, 0, _("All clients"), "label")
    for name, key, formula, fmt in TOTALS:
        idx = m.index[key]
        sheet.write_formula(1, idx, formula, book.fmt(fmt))
        book.define(name, SHEET, f"${column(idx)}$2")
    sheet.set_row(2, 42)
    for i, c in enumerate(m.items):
        sheet.set_column(i, i, c.width)
        book.text(sheet, 2, i, c.label, "header")
    declare_table(book, sheet, "Model", 0, m.items, len(ids))
    formats = [book.fmt(c.fmt) for c in m.items]
    formulas = [c.formula for c in m.items]
    for i, f in enumerate(formulas):
        if f is not None and shareable(f):
            sheet.share_column(i, FIRST_ROW, FIRST_ROW + max(len(ids), 1) - 1)
    write = sheet.write_formula
    for k, client in enumerate(ids or [None]):
        row = FIRST_ROW + k
        for i, f in enumerate(formulas):
            if f is None:
                book.text(sheet, row, i, client)
            else:
                write(row, i, f, formats[i])
    sheet.freeze_panes(FIRST_ROW, 3)
    book.print_setup(sheet, HEADER_ROW, pages_wide=4)
    last = FIRST_ROW + max(len(ids), 1) - 1
    idx = m.index["contribution"]
    red = book.workbook.add_format({"font_color": "#C00000", "bg_color": "#FCE4D6"})
    sheet.conditional_format(
        FIRST_ROW, idx, last, idx, {"type": "cell", "criteria": "<", "value": 0, "format": red}
    )
    idx = m.index["load_minutes"]
    sheet.conditional_format(
        FIRST_ROW, idx, last, idx, {"type": "data_bar", "bar_color": "#9DC3E6"}
    )
