"""The Instructions sheet: what each sheet does and the monthly procedure in four steps."""

from __future__ import annotations

from clientload.export.book import Book
from clientload.export.inputs import WorkbookInputs

INSTRUCTIONS = "Instructions"
CHARS_PER_LINE = 120  # of column B's width (110) in the workbook's 9-point font


def _lines(text: str) -> int:
    """Rows of wrapped text, for a row height that shows it all (no sheet autofit on load)."""
    return max(1, -(-len(text) // CHARS_PER_LINE))


def form_text(_, inputs: WorkbookInputs) -> str:
    """Which form the data are in, in words."""
    if inputs.form == "months":
        return _(
            "The data are month by month: ClientMonths holds one row per client per calendar "
            "month with activity, for the period and the previous period of as many months."
        )
    why = (
        _("the period is not whole calendar months")
        if inputs.form_reason == "partial_months"
        else _("the base is larger than the month-by-month form recalculates in minutes")
    )
    return (
        _(
            "The data are pre-summed: ClientMonths holds one row per client for the period "
            "(dated its first month) and one for the previous period, because"
        )
        + f" {why}. "
        + _(
            "A new month cannot be added to this file: run the analysis and export again "
            "(clientload export)."
        )
    )


def write_instructions(book: Book, inputs: WorkbookInputs, n: int) -> None:
    _ = book._
    sheet = book.sheet(INSTRUCTIONS)
    sheet.set_column(0, 0, 22)
    sheet.set_column(1, 1, 110)
    sheet.hide_gridlines(2)
    book.text(sheet, 0, 0, _("Client load model: the live workbook"), "title")
    book.text(
        sheet,
        1,
        0,
        _("Period")
        + f": {inputs.period.start} – {inputs.period.end}; "
        + _("clients")
        + f": {n}; "
        + _("currency")
        + f": {inputs.currency}",
        "subtitle",
    )
    sheets = [
        (
            "Settings",
            _(
                "The model's assumptions: departments' cost and practical capacity (→ cost "
                "per minute), activities and their time equations (base minutes and each "
                "term's minutes), rates and the free days of goods waiting ready, the period "
                "(period_start, period_end), group thresholds, the buying rhythm computed from "
                "the data, policies, the career ladder with the groups on each level. Yellow "
                "cells are inputs."
            ),
        ),
        (
            "Data",
            _(
                "Two tables of values: Clients (name, manager, region, channel, payment terms, "
                "first purchase, previous group) and ClientMonths (per client and month: "
                "revenue, cost of goods, days with purchases, orders, lines, changes, urgent "
                "orders, deliveries, returns, the quantity of each term of the time equations, "
                "contacts and minutes per type, storage, goods waiting ready in our warehouse, "
                "receivables, quantity per category)."
            ),
        ),
        (
            "Model",
            _(
                "The table Model, one row per client: the client's id, then formulas only: "
                "its rows of the period, load minutes per activity and department, cost to "
                "serve, contribution, rates, ABC/XYZ, the group, the career level and the cost "
                "of policy deviations."
            ),
        ),
        (
            "Groups",
            _(
                "Per group: clients, revenue, margin, load, cost to serve, contribution and "
                "shares; the ABC × XYZ matrix; used and unused capacity per department."
            ),
        ),
        (
            "Whale curve",
            _(
                "Clients from the most to the least profitable with cumulative "
                "contribution, at each percentile of clients: who earns the profit and who "
                "gives it back."
            ),
        ),
        (
            "Heaviest clients",
            _("The top N clients by load, their heaviest activity and what they buy."),
        ),
        ("Assortment", _("What each client buys by category (values of the exported period).")),
        ("Policy", _("Per group and rule: clients that break their group's rules and the cost.")),
        ("Career path", _("The ladder of levels and how many clients stand on each.")),
        (
            "Parity",
            _(
                "Profitability parity: the volume a discount needs, the largest discount "
                "for a plan, cash-discount terms, give-get, the margin × discount grid."
            ),
        ),
        (
            "Control",
            _(
                "Checks of the data (every row of the period counted), groups per kept run "
                "and today, and migrations between groups: does the policy work?"
            ),
        ),
        ("History", _("The kept runs' clients (values), read by the Control sheet.")),
        (
            "Charts",
            _(
                "Whale curve, revenue against cost to serve, load by department, "
                "contribution by group."
            ),
        ),
    ]
    row = 3
    book.text(sheet, row, 0, _("Sheet"), "header")
    book.text(sheet, row, 1, _("What it holds"), "header")
    for name, text in sheets:
        row += 1
        sheet.set_row(row, 12.5 * _lines(text))
        book.text(sheet, row, 0, name, "label")
        book.text(sheet, row, 1, text, "wrap")
    row += 2
    book.text(sheet, row, 0, _("The data"), "section")
    row += 1
    text = form_text(_, inputs)
    sheet.set_row(row, 12.5 * _lines(text))
    book.text(sheet, row, 1, text, "wrap")
    if inputs.rows.undated_interactions:
        row += 1
        text = (
            _(
                "Interactions without a date are not in ClientMonths (the engine counts them in "
                "every period):"
            )
            + f" {inputs.rows.undated_interactions}"
        )
        sheet.set_row(row, 12.5 * _lines(text))
        book.text(sheet, row, 1, text, "wrap")
    row += 2
    book.text(sheet, row, 0, _("Every month"), "section")
    steps = [
        _(
            "1. Paste the new month's rows under the table ClientMonths on the Data sheet "
            "(clientload export DIR --rows FOLDER --period YYYY-MM:YYYY-MM writes them, with "
            "the table's own headers; or a 1С report of sales by client by month in the same "
            "columns, the month as a date). In Excel the table grows by itself; in LibreOffice "
            "widen it with Data ▸ Define Range (ClientMonths ▸ the new last row ▸ Modify)."
        ),
        _(
            "2. Add new clients under the table Clients, and for each a row under the table "
            "Model with only its client_id: in Excel the row fills itself with the formulas; "
            "elsewhere copy the row above and type the id over its client_id (and widen the "
            "Model range as in step 1)."
        ),
        _(
            "3. On the Settings sheet set period_start and period_end (whole months: the first "
            "day of the first month and the last day of the last month), and the departments' "
            "cost and capacity if they changed."
        ),
        _(
            "4. Read the Control sheet: the checks of the data must show 0 rows left out "
            "(a row whose client has no Model row, a month that is not a date); then the "
            "groups and migrations."
        ),
        _(
            "Adding a department, an activity, a term of a time equation, a contact type, a "
            "category, a minimum order value or a number of days goods may wait needs a new "
            "export (clientload export): the columns follow the settings."
        ),
    ]
    for text in steps:
        row += 1
        sheet.set_row(row, 12.5 * _lines(text))
        book.text(sheet, row, 1, text, "wrap")
    book.print_setup(sheet)
