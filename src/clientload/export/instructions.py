"""The Instructions sheet: what each sheet does and how to update the workbook for a new period."""

from __future__ import annotations

from clientload.export.book import Book
from clientload.export.inputs import WorkbookInputs

INSTRUCTIONS = "Instructions"
CHARS_PER_LINE = 120  # of column B's width (110) in the workbook's 9-point font


def _lines(text: str) -> int:
    """Rows of wrapped text, for a row height that shows it all (no sheet autofit on load)."""
    return max(1, -(-len(text) // CHARS_PER_LINE))


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
                "per minute), activities and their standard minutes, rates, group "
                "thresholds, policies, the career ladder. Yellow cells are inputs."
            ),
        ),
        (
            "Data",
            _(
                "The period's figures per client: revenue, cost of goods and the counts that "
                "drive the load (orders, lines, changes, urgent orders, deliveries, returns, "
                "contacts), storage, overdue receivables, monthly revenue. Values only."
            ),
        ),
        (
            "Model",
            _(
                "Formulas only: load minutes per activity and department, cost to serve, "
                "contribution, rates, ABC/XYZ, the group, the career level and the cost of "
                "policy deviations of every client."
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
                "contribution: who earns the profit and who gives it back."
            ),
        ),
        (
            "Heaviest clients",
            _("The top N clients by load, their heaviest activity and what they buy."),
        ),
        ("Assortment", _("What each client buys by category (values of the period).")),
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
                "Groups per kept run and today, and migrations between groups: does the "
                "policy work?"
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
    book.text(sheet, row, 0, _("A new period"), "section")
    steps = [
        _(
            "1. Run the analysis for the new period (clientload run) and export a new workbook; or "
            "update this one by hand:"
        ),
        _(
            "2. On the Data sheet, paste the new period's figures over the rows (same columns), "
            "sorted by revenue, largest first (a warning above the Model sheet's rank by revenue "
            "says when they are not)."
        ),
        _(
            "3. On the Settings sheet, set the period's first and last day, its months, and the "
            "departments' cost and capacity."
        ),
        _(
            "4. If there are more clients than before, copy the Model sheet's last row down to the "
            "same number of rows; the Whale curve sheet likewise."
        ),
        _(
            "5. The other sheets follow by themselves. Change any yellow cell to test a policy: "
            "the groups, costs and gaps recalculate."
        ),
        _("Adding a department or an activity needs a new export (clientload export)."),
    ]
    for text in steps:
        row += 1
        sheet.set_row(row, 12.5 * _lines(text))
        book.text(sheet, row, 1, text, "wrap")
    book.print_setup(sheet)
