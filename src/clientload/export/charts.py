"""The Charts sheet: the whale curve, revenue against cost to serve, load by department."""

from __future__ import annotations

from clientload.export.book import Book
from clientload.export.tables import FIRST_ROW, TableColumns

CHARTS = "Charts"


def write_charts(
    book: Book, model: TableColumns, n: int, whale: tuple[int, int], groups: dict
) -> None:
    """The revenue × cost scatter reads the Model table's rows (Excel widens the range with the
    table; elsewhere widen the series by hand); the others read the Whale curve and Groups."""
    _ = book._
    wb = book.workbook
    sheet = book.sheet(CHARTS)
    book.text(sheet, 0, 0, _("Charts"), "title")
    first, last = whale
    chart = wb.add_chart({"type": "scatter", "subtype": "straight"})
    chart.add_series(
        {
            "name": _("Cumulative contribution, % of total"),
            "categories": ["Whale curve", first, 8, last, 8],
            "values": ["Whale curve", first, 9, last, 9],
            "line": {"color": "#2E75B6", "width": 2.25},
        }
    )
    chart.set_title({"name": _("Whale curve")})
    chart.set_x_axis(
        {"name": _("Clients, % (most profitable first)"), "num_format": "0%", "min": 0, "max": 1}
    )
    chart.set_y_axis({"name": _("Cumulative contribution, % of total"), "num_format": "0%"})
    chart.set_legend({"none": True})
    chart.set_size({"width": 620, "height": 360})
    sheet.insert_chart(2, 0, chart)

    matrix = wb.add_chart({"type": "scatter"})
    last_row = FIRST_ROW + max(n, 1) - 1
    matrix.add_series(
        {
            "name": _("Clients"),
            "categories": [
                "Model",
                FIRST_ROW,
                model.index["revenue"],
                last_row,
                model.index["revenue"],
            ],
            "values": [
                "Model",
                FIRST_ROW,
                model.index["cost_to_serve"],
                last_row,
                model.index["cost_to_serve"],
            ],
            "marker": {
                "type": "circle",
                "size": 4,
                "fill": {"color": "#ED7D31"},
                "border": {"none": True},
            },
        }
    )
    matrix.set_title({"name": _("Revenue against cost to serve")})
    matrix.set_x_axis({"name": _("Revenue"), "num_format": "#,##0", "log_base": 10})
    matrix.set_y_axis({"name": _("Cost to serve"), "num_format": "#,##0", "log_base": 10})
    matrix.set_legend({"none": True})
    matrix.set_size({"width": 620, "height": 360})
    sheet.insert_chart(2, 10, matrix)

    cap_first, cap_last = groups["capacity"]
    load = wb.add_chart({"type": "bar", "subtype": "stacked"})
    for col, name, color in (
        (4, _("Used, minutes"), "#5B9BD5"),
        (6, _("Unused, minutes"), "#D9D9D9"),
    ):
        load.add_series(
            {
                "name": name,
                "categories": ["Groups", cap_first, 0, cap_last, 0],
                "values": ["Groups", cap_first, col, cap_last, col],
                "fill": {"color": color},
            }
        )
    load.set_title({"name": _("Load by department")})
    load.set_x_axis({"num_format": "#,##0"})
    load.set_size({"width": 620, "height": 320})
    sheet.insert_chart(22, 0, load)

    g_first, g_last = groups["groups"]
    contrib = wb.add_chart({"type": "column"})
    contrib.add_series(
        {
            "name": _("Contribution"),
            "categories": ["Groups", g_first, 0, g_last, 0],
            "values": ["Groups", g_first, 7, g_last, 7],
            "fill": {"color": "#70AD47"},
            "invert_if_negative": False,
        }
    )
    contrib.set_title({"name": _("Contribution by group")})
    contrib.set_y_axis({"num_format": "#,##0"})
    contrib.set_legend({"none": True})
    contrib.set_size({"width": 620, "height": 320})
    sheet.insert_chart(22, 10, contrib)
    book.print_setup(sheet)
