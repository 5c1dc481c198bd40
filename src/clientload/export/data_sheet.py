"""The Data sheet: the period's per-client inputs, the one sheet a user replaces each period.

Values only (no formulas): revenue, cost of goods and the driver counts from which the Model sheet
recomputes every client's load and cost. Rows are sorted by revenue, largest first, ties by
client id (the engine's ranking order): the Model sheet's rank by revenue is the row number and
its cumulative revenue share a running sum.
"""

from __future__ import annotations

import math
from datetime import date, datetime

from clientload.export.book import Book
from clientload.export.grid import FIRST_ROW, HEADER_ROW, Column, Columns
from clientload.export.inputs import WorkbookInputs

SHEET = "Data"


def data_columns(book: Book, inputs: WorkbookInputs) -> Columns:
    _ = book._
    cols = Columns(SHEET)
    for key, header, width in (
        ("client_id", _("Client ID"), 12),
        ("name", _("Client"), 28),
        ("manager", _("Manager"), 16),
        ("region", _("Region"), 14),
    ):
        cols.add(Column(key, header, "text", width, kind="text"))
    money = [
        ("revenue", _("Revenue")),
        ("cost_of_goods", _("Cost of goods")),
        ("previous_revenue", _("Revenue in the previous period")),
    ]
    for key, header in money:
        cols.add(Column(key, header, "money", 14))
    # above 0: the client's margin is (partly) the assumed rate, which the group rules ignore
    cols.add(Column("assumed_lines", _("Sales lines without cost of goods")))
    cols.add(Column("quantity", _("Quantity"), "number"))
    cols.add(Column("first_date", _("First purchase"), "date", 11, kind="date"))
    cols.add(Column("last_date", _("Last purchase"), "date", 11, kind="date"))
    cols.add(Column("categories_bought", _("Categories bought")))
    cols.add(Column("payment_terms_days", _("Payment terms, days")))
    for key, header in (
        ("orders", _("Orders")),
        ("order_lines", _("Order lines")),
        ("changes", _("Order changes")),
        ("urgent_orders", _("Urgent orders")),
        ("deliveries", _("Deliveries")),
        ("returns", _("Returns")),
        ("portal_orders", _("Orders through the portal")),
        ("orders_with_source", _("Orders with a known source")),
    ):
        cols.add(Column(key, header))
    cols.add(Column("order_value", _("Value of the orders"), "money", 14))
    for i, threshold in enumerate(inputs.thresholds):
        cols.add(
            Column(f"small_orders_{i}", _("Orders below the minimum (above)"), above=threshold)
        )
    for act in inputs.interaction_activities:
        cols.add(Column(f"{act}__events", f"{act}: " + _("contacts")))
        cols.add(Column(f"{act}__recorded", f"{act}: " + _("recorded minutes"), "number1"))
        cols.add(Column(f"{act}__unrecorded", f"{act}: " + _("contacts without minutes")))
    cols.add(Column("calls", _("Calls")))
    cols.add(Column("pallet_days", _("Pallet-days in storage"), "number1"))
    cols.add(Column("value_days", _("Stock value × days in storage"), "money"))
    cols.add(Column("storage_days", _("Days with goods in storage")))
    cols.add(Column("overdue_amount_days", _("Overdue receivables, amount × days"), "money", 16))
    cols.add(Column("dso_days", _("Days sales outstanding"), "number1"))
    cols.add(Column("prev_segment", _("Group in the previous run"), "text", 12, kind="text"))
    for start in inputs.month_starts:
        cols.add(
            Column(
                f"m{start.year:04d}{start.month:02d}",
                _("Revenue") + f" {start:%Y-%m}",
                "money",
                12,
                above=datetime(start.year, start.month, 1),
            )
        )
    for c in cols.items:
        # The header row must hold unique names for an Excel table.
        if c.key.startswith("small_orders_"):
            c.header = f"{c.header} {inputs.thresholds[int(c.key.rsplit('_', 1)[1])]:g}"
    return cols


def _missing(value: object) -> bool:
    if value is None:
        return True
    try:
        return bool(isinstance(value, float) and math.isnan(value)) or value != value
    except (TypeError, ValueError):
        return False


def write_data_sheet(book: Book, inputs: WorkbookInputs, cols: Columns, as_table: bool) -> None:
    _ = book._
    sheet = book.sheet(SHEET)
    df = inputs.clients
    n = len(df)
    book.text(sheet, 0, 0, _("Data: the period's figures per client"), "title")
    book.text(
        sheet,
        1,
        0,
        _(
            "Paste a new period here (same columns, one row per client), then "
            "extend the Model sheet's rows to the same count. Values only."
        ),
        "subtitle",
    )
    for i, c in enumerate(cols.items):
        sheet.set_column(i, i, c.width)
        if isinstance(c.above, datetime):
            sheet.write_datetime(2, i, c.above, book.fmt("date"))
        elif isinstance(c.above, (int, float)):
            sheet.write_number(2, i, float(c.above), book.fmt("money"))
    sheet.set_row(HEADER_ROW, 42)
    if not as_table:
        for i, c in enumerate(cols.items):
            book.text(sheet, HEADER_ROW, i, c.header, "header")
    formats = [book.fmt(c.fmt) for c in cols.items]
    prev = inputs.history.get("previous_segments", {})
    ids = df["client_id"].tolist() if n else []
    # Each column's cells cleaned once (missing → None, dates → datetime, numbers → float), so
    # that the row loop only writes.
    columns = []
    for c in cols.items:
        raw = df[c.key].tolist() if c.key in df.columns else [None] * n
        if c.key == "prev_segment":
            columns.append(("text", [prev.get(i) for i in ids]))
        elif c.kind == "text":
            columns.append(("text", [None if _missing(v) else v for v in raw]))
        elif c.kind == "date":
            columns.append(("value", [None if _missing(v) else _as_datetime(v) for v in raw]))
        else:
            columns.append(("value", [None if _missing(v) else float(v) for v in raw]))
    write_number, write_datetime, write_blank = (
        sheet.write_number,
        sheet.write_datetime,
        sheet.write_blank,
    )
    for r in range(n):
        row = FIRST_ROW + r
        for i, (kind, values) in enumerate(columns):
            v = values[r]
            if kind == "text":
                book.text(sheet, row, i, v)
            elif v is None:
                write_blank(row, i, None, formats[i])
            elif isinstance(v, datetime):
                write_datetime(row, i, v, formats[i])
            else:
                write_number(row, i, v, formats[i])
    last = FIRST_ROW + max(n, 1) - 1
    if as_table:
        sheet.add_table(
            HEADER_ROW,
            0,
            last,
            len(cols.items) - 1,
            {
                "name": "ClientData",
                "style": "Table Style Light 9",
                "columns": [
                    {"header": c.header, "header_format": book.fmt("header")} for c in cols.items
                ],
            },
        )
    else:
        sheet.autofilter(HEADER_ROW, 0, last, len(cols.items) - 1)
    sheet.freeze_panes(FIRST_ROW, 2)
    book.print_setup(sheet, HEADER_ROW, pages_wide=3)


def _as_datetime(v) -> datetime:
    d = v.date() if hasattr(v, "date") else v
    return datetime(d.year, d.month, d.day)


def period_date(d: date) -> datetime:
    return datetime(d.year, d.month, d.day)
