"""The Groups sheet: per group what it brings and costs, ABC × XYZ, and the departments' used
and unused capacity; every figure reads whole columns of the Model table."""

from __future__ import annotations

from collections.abc import Sequence

from clientload.export.book import Book, column
from clientload.export.settings_sheet import SettingsLayout
from clientload.model.labels import SEGMENT_LABELS, SEGMENT_ORDER

GROUPS = "Groups"
SEGMENTS = list(SEGMENT_ORDER)


def _header(
    book: Book, sheet, row: int, labels: list[str], widths: Sequence[float] | None = None
) -> None:
    sheet.set_row(row, 30)  # two lines: files carry no autofit, LibreOffice keeps the height
    for i, h in enumerate(labels):
        book.text(sheet, row, i, h, "header")
        if widths:
            sheet.set_column(i, i, widths[i])


def write_groups_sheet(book: Book, layout: SettingsLayout) -> dict:
    """Per group totals and shares, the ABC × XYZ matrix and the departments' capacity.

    Returns the cell ranges the charts use."""
    _ = book._
    sheet = book.sheet(GROUPS)
    book.text(sheet, 0, 0, _("Client groups: what each group brings and costs"), "title")
    sheet.set_row(2, 30)
    heads = [
        _("Group"),
        _("Code"),
        _("Clients"),
        _("Revenue"),
        _("Gross margin"),
        _("Load, hours"),
        _("Cost to serve"),
        _("Contribution"),
        _("Policy deviations"),
        _("Share of clients"),
        _("Share of revenue"),
        _("Share of load"),
        _("Share of contribution"),
        _("Margin, %"),
        _("Contribution, %"),
    ]
    _header(book, sheet, 2, heads, [24, 12, 9, 15, 15, 11, 15, 15, 14, 10, 10, 10, 11, 9, 11])
    seg = "Model[segment]"
    sums = {
        "revenue": "D",
        "gross_margin": "E",
        "cost_to_serve": "G",
        "contribution": "H",
        "deviations_cost": "I",
    }
    first = 3
    for k, code in enumerate(SEGMENTS):
        row = first + k
        r = row + 1
        book.text(sheet, row, 0, SEGMENT_LABELS[code][book.lang], "label")
        book.text(sheet, row, 1, code)
        sheet.write_formula(row, 2, f"=COUNTIF({seg},B{r})", book.fmt("number"))
        for key, col in sums.items():
            sheet.write_formula(
                row, ord(col) - 65, f"=SUMIF({seg},B{r},Model[{key}])", book.fmt("money")
            )
        sheet.write_formula(
            row, 5, f"=SUMIF({seg},B{r},Model[load_minutes])/60", book.fmt("number")
        )
        tot = first + len(SEGMENTS) + 1
        for j, col in enumerate("CDFH"):
            sheet.write_formula(
                row, 9 + j, f"=IF({col}${tot}<>0,{col}{r}/{col}${tot},0)", book.fmt("percent")
            )
        sheet.write_formula(row, 13, f'=IF(D{r}<>0,E{r}/D{r},"")', book.fmt("percent"))
        sheet.write_formula(row, 14, f'=IF(D{r}<>0,H{r}/D{r},"")', book.fmt("percent"))
    total_row = first + len(SEGMENTS)
    book.text(sheet, total_row, 0, _("All clients"), "label")
    for c in range(2, 9):
        L = column(c)
        sheet.write_formula(
            total_row,
            c,
            f"=SUM({L}{first + 1}:{L}{total_row})",
            book.fmt("bold_number" if c in (2, 5) else "bold_money"),
        )
    sheet.write_formula(
        total_row,
        13,
        f'=IF(D{total_row + 1}<>0,E{total_row + 1}/D{total_row + 1},"")',
        book.fmt("bold_percent"),
    )
    sheet.write_formula(
        total_row,
        14,
        f'=IF(D{total_row + 1}<>0,H{total_row + 1}/D{total_row + 1},"")',
        book.fmt("bold_percent"),
    )
    sheet.conditional_format(
        first,
        7,
        total_row - 1,
        7,
        {
            "type": "cell",
            "criteria": "<",
            "value": 0,
            "format": book.workbook.add_format({"font_color": "#C00000"}),
        },
    )
    groups_range = (first, total_row - 1)

    # ABC × XYZ matrix.
    row = total_row + 2
    book.text(sheet, row, 0, _("Clients by ABC (revenue) and XYZ (regularity)"), "section")
    row += 1
    _header(book, sheet, row, ["ABC \\ XYZ", "X", "Y", "Z"])
    for a in "ABC":
        row += 1
        book.text(sheet, row, 0, a, "label")
        for j, x in enumerate("XYZ", start=1):
            sheet.write_formula(
                row,
                j,
                f'=COUNTIFS(Model[abc_revenue],"{a}",Model[xyz],"{x}",Model[active],TRUE)',
                book.fmt("number"),
            )
    sheet.conditional_format(
        row - 2,
        1,
        row,
        3,
        {"type": "2_color_scale", "min_color": "#FFFFFF", "max_color": "#5B9BD5"},
    )

    # Capacity of the departments over the period.
    row += 2
    book.text(sheet, row, 0, _("Departments: used and unused capacity in the period"), "section")
    row += 1
    _header(
        book,
        sheet,
        row,
        [
            _("Department"),
            _("Cost"),
            _("Practical capacity, minutes"),
            _("Cost per minute"),
            _("Used, minutes"),
            _("Used cost"),
            _("Unused, minutes"),
            _("Unused cost"),
            _("Utilisation"),
        ],
    )
    cap_first = row + 1
    scale = "period_months/cost_period_months"
    for i, dept in enumerate(layout.departments, start=1):
        row += 1
        r = row + 1
        book.text(sheet, row, 0, dept, "label")
        sheet.write_formula(row, 1, f"=INDEX(dept_costs,{i})*{scale}", book.fmt("money"))
        sheet.write_formula(row, 2, f"=INDEX(dept_capacity,{i})*{scale}", book.fmt("number"))
        sheet.write_formula(row, 3, f"=INDEX(dept_cpm,{i})", book.fmt("money2"))
        sheet.write_formula(row, 4, f"=SUM(Model[min__{dept}])", book.fmt("number"))
        sheet.write_formula(row, 5, f"=E{r}*D{r}", book.fmt("money"))
        sheet.write_formula(row, 6, f"=C{r}-E{r}", book.fmt("number"))
        sheet.write_formula(row, 7, f"=G{r}*D{r}", book.fmt("money"))
        sheet.write_formula(row, 8, f"=IF(C{r}>0,E{r}/C{r},0)", book.fmt("percent"))
    sheet.conditional_format(
        cap_first,
        8,
        row,
        8,
        {
            "type": "cell",
            "criteria": ">",
            "value": 1,
            "format": book.workbook.add_format({"font_color": "#C00000", "bold": True}),
        },
    )
    sheet.freeze_panes(3, 1)
    book.print_setup(sheet, 2)
    return {"groups": groups_range, "capacity": (cap_first, row)}
