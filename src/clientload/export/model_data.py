"""The Model table's columns that read the data: each client's rows of `ClientMonths` inside
the period (or the previous period) and its attributes in `Clients` (how: `model_reader`).
"""

from __future__ import annotations

from clientload.export.model_reader import BOTH, PERIOD, PREVIOUS, UPTO, Reader, cma, tail_name
from clientload.export.rows import MonthColumns, driver_labels, order_counts, squares_column
from clientload.export.tables import TableColumn, TableColumns
from clientload.model.rhythm import RHYTHM_CHOICES


def both(m: TableColumns, key: str, label: str, fn: str, block: str, tail: str, _) -> None:
    """A date of the block and of the rows after the ordered part in two helper columns, and
    the smallest (MIN) or largest (MAX) of them in `key`; 0 is none (short formulas: each part
    is written once)."""
    if tail == "0":
        m.add(TableColumn(key, label, "date", 11, "=" + block))
        return
    b, t = m.this(f"{key}_block"), m.this(f"{key}_tail")
    m.add(TableColumn(f"{key}_block", label + " " + _("(ordered rows)"), "date", 11, "=" + block))
    m.add(TableColumn(f"{key}_tail", label + " " + _("(rows after them)"), "date", 11, "=" + tail))
    formula = f"MAX({b},{t})" if fn == "MAX" else f"MIN(IF({b}>0,{b},{t}),IF({t}>0,{t},{b}))"
    m.add(TableColumn(key, label, "date", 11, "=" + formula))


def extremes(m: TableColumns, r: Reader, _) -> None:
    """The first and last purchase: `Clients[first_purchase]` (the first ever, at export) when
    not after the period's end, else the first in the rows up to it; the last in the rows."""
    first = r.extreme("MIN", "first_purchase", UPTO)
    both(m, "first_in_rows", _("First purchase in the rows"), "MIN", *first, _)
    ever = f"INDEX(Clients[first_purchase],{m.this('client_row')})"
    rows_first = m.this("first_in_rows")
    m.add(
        TableColumn(
            "first_date",
            _("First purchase"),
            "date",
            11,
            f"=IF(AND({m.this('client_row')}>0,N({ever})>0,N({ever})<=period_end),{ever},"
            f'IF({rows_first}>0,{rows_first},""))',
        )
    )
    both(m, "last_in_rows", _("Last purchase"), "MAX", *r.extreme("MAX", "last_purchase", UPTO), _)
    last = m.this("last_in_rows")
    m.add(TableColumn("last_date", _("Last purchase"), "date", 11, f'=IF({last}>0,{last},"")'))


def data_columns(
    m: TableColumns, months: MonthColumns, _, thresholds, summed: bool = False
) -> Reader:
    """Client lookups, the block, and every total the model reads from the rows."""
    r = Reader(m, summed)
    cid = m.this("client_id")

    def add(key: str, label: str, formula: str, fmt: str = "number", width: float = 11) -> None:
        m.add(TableColumn(key, label, fmt, width, "=" + formula))

    m.add(TableColumn("client_id", _("Client ID"), "text", 12))
    add("client_row", _("Row in Clients"), f"IFERROR(MATCH({cid},Clients[client_id],0),0)", width=7)
    add(
        "name",
        _("Client"),
        f'IF({m.this("client_row")}>0,INDEX(Clients[name],{m.this("client_row")})&"",{cid}&"")',
        "text",
        26,
    )
    # The ordered part is sorted by client: an exact MATCH finds the block's first row (cached
    # lookups), a sorted MATCH (binary search) its last, as Excel and LibreOffice both return
    # the last of equal values.
    add(
        "cm_first",
        _("First row in ClientMonths"),
        f"IFERROR(MATCH({cid},cm_ordered_ids,0),0)",
        width=7,
    )
    t = m.this
    add(
        "cm_rows",
        _("Its rows in order"),
        f"IF({t('cm_first')}=0,0,MATCH({cid},cm_ordered_ids,1)-{t('cm_first')}+1)",
        width=7,
    )
    month = cma("month")
    block = f"INDEX({month},{t('cm_first')}+1):INDEX({month},{t('cm_first')}+{t('cm_rows')})"

    def before(day: str) -> str:
        """How many of the block's rows have a month before `day` (sorted MATCH on months)."""
        return f"IF({t('cm_rows')}>0,IFERROR(MATCH({day},{block},1),0),0)"

    add("before_previous", _("Block rows before the previous period"), before("previous_start-1"))
    add("before_period", _("Block rows before the period"), before("period_first_month-1"))
    add("upto_rows", _("Block rows up to the period's end"), before("period_end"))
    bp, bq, up = t("before_period"), t("before_previous"), t("upto_rows")
    add("p_rows", _("Rows of the period in the block"), f"{up}-{bp}")
    add("q_rows", _("Rows of the previous period in the block"), f"{bp}-{bq}")
    add("w_rows", _("Rows of both periods in the block"), f"{up}-{bq}")
    # Each window's run as rows of the columns with their header (`cma_`): 1 (the header,
    # read as nothing) when the run is empty.
    first = t("cm_first")
    for key, label, rows, start, end in (
        ("p", _("The period's rows: first and last"), "p_rows", bp, up),
        ("q", _("The previous period's rows: first and last"), "q_rows", bq, bp),
        ("w", _("Both periods' rows: first and last"), "w_rows", bq, up),
        ("u", _("The rows up to the period's end: first and last"), "upto_rows", "0", up),
    ):
        has = f"{t(rows)}>0"
        add(f"{key}_row1", label, f"IF({has},{first}+{start}+1,1)", width=7)
        add(f"{key}_rowN", label, f"IF({has},{first}+{end},1)", width=7)
    if not summed:
        # The rows after the ordered part: how many are the client's, and the first of them.
        tail_ids = tail_name("client_id")
        add(
            "t_rows",
            _("Its rows after the ordered ones"),
            f"IF(cm_has_tail,COUNTIF({tail_ids},{cid}),0)",
        )
        add(
            "t_first",
            _("The first of them"),
            f"IF({t('t_rows')}>0,MATCH({cid},{tail_ids},0),0)",
        )
        add("t_many", _("Several rows after the ordered ones"), f"{t('t_rows')}>1", "text")
        add(
            "t_month",
            _("Its one row after them: month"),
            f"IF({t('t_rows')}=1,N(INDEX({tail_name('month')},{t('t_first')})),0)",
            "month",
        )
        one_month = t("t_month")
        # The row of that one row among the columns with their header, where it falls in the
        # window; 1 (the header, read as nothing) where it does not.
        for key, label, since, until in (
            ("t_row_p", _("Its one row after them, in the period"), "period_first_month",
             "period_end"),
            ("t_row_q", _("Its one row after them, in the previous period"), "previous_start",
             "previous_end"),
            ("t_row_w", _("Its one row after them, in both periods"), "previous_start",
             "period_end"),
            ("t_row_u", _("Its one row after them, up to the period's end"), "1", "period_end"),
        ):
            add(
                key,
                label,
                f"IF(AND({one_month}>={since},{one_month}<={until}),"
                f"cm_tail_first+{t('t_first')},1)",
                width=7,
            )
        for key, label, column in (
            ("t_month1", _("Its one row after them in the period: month"), "month"),
            ("t_revenue1", _("Its one row after them in the period: revenue"), "revenue"),
        ):
            fmt = "month" if column == "month" else "money"
            add(key, label, f"N(INDEX({cma(column)},{t('t_row_p')}))", fmt)
    add("period_rows", _("Rows in the period"), r.count(PERIOD), width=7)
    add(
        "previous_lines",
        _("Sales lines in the previous period"),
        r.total("sales_lines", PREVIOUS),
    )
    add(
        "active",
        _("In the analysis"),
        f"OR({m.this('period_rows')}>0,{m.this('previous_lines')}>0)",
        "text",
        7,
    )
    add("revenue", _("Revenue"), r.total("revenue"), "money", 14)
    add("cost_of_goods", _("Cost of goods"), r.total("cost_of_goods"), "money", 14)
    add(
        "gross_margin",
        _("Gross margin"),
        f"{m.this('revenue')}-{m.this('cost_of_goods')}",
        "money",
        14,
    )
    add(
        "margin_rate",
        _("Margin, %"),
        f'IF({m.this("revenue")}<>0,{m.this("gross_margin")}/{m.this("revenue")},"")',
        "percent",
    )
    add("assumed_lines", _("Sales lines without cost of goods"), r.total("assumed_lines"))
    for key, label in order_counts(_):
        add(key, label, r.total(key))
    drivers = driver_labels(_)
    for key, (driver, term) in months.terms.items():
        add(key, f"{drivers.get(driver, driver)}: {term.text}", r.total(key), "number1")
    for i, threshold in enumerate(thresholds):
        add(
            f"small_orders_{i}", _("Orders below") + f" {threshold:g}", r.total(f"small_orders_{i}")
        )
    add("calls", _("Calls"), r.total(f"contacts_{months.types['call']}"))
    add("invoiced", _("Invoiced"), r.total("invoiced"), "money")
    dso = (
        f"({r.total('invoiced_paid_days')}+period_end*{r.total('unpaid_invoiced')}"
        f"-{r.total('unpaid_amount_x_issue_day')})/{m.this('invoiced')}"
    )
    add("dso_days", _("Days sales outstanding"), f'IF({m.this("invoiced")}>0,{dso},"")', "number1")
    for category, key in months.categories.items():
        add(f"bought__{key}", _("Bought") + f": {category}", f"--({r.total(key)}>0)", width=6)
    bought = "+".join(m.this(f"bought__{k}") for k in months.categories.values()) or "0"
    add("categories_bought", _("Categories bought"), bought)
    extremes(m, r, _)
    row = m.this("client_row")

    def given(b: int) -> str:
        return f"IF({row}>0,N(INDEX(Clients[{squares_column(b)}],{row})),0)"

    add(
        "revenue_squares",
        _("Σ monthly revenue²"),
        given(1) if summed else r.squares("revenue"),
        "money",
    )
    if summed:
        picked = "0"
        for b in reversed(RHYTHM_CHOICES):
            picked = f"IF(rhythm_months={b},{given(b)},{picked})"
    else:
        picked = f"IF(rhythm_months=1,{m.this('revenue_squares')},{r.bucket_squares('revenue')})"
    add("rhythm_squares", _("Σ revenue² per period of the rhythm"), picked, "money")
    # The buying rhythm over the previous period and the period: days with goods bought and
    # the mean gap between them (`clientload.model.facts.client_sales`).
    add(
        "purchase_days",
        _("Days with goods bought (previous period and period)"),
        r.total("purchase_days", BOTH),
    )
    for key, label, fn in (
        ("first_bought", _("First day with goods bought"), "MIN"),
        ("last_bought", _("Last day with goods bought"), "MAX"),
    ):
        both(m, key, label, fn, *r.extreme(fn, key, BOTH), _)
    days = m.this("purchase_days")
    add(
        "mean_gap_days",
        _("Mean gap between purchases, days"),
        f'IF({days}>=2,({m.this("last_bought")}-{m.this("first_bought")})/({days}-1),"")',
        "number1",
    )
    add(
        "previous_revenue",
        _("Revenue in the previous period"),
        r.total("revenue", PREVIOUS),
        "money",
    )
    add(
        "previous_group",
        _("Group in the previous run"),
        f'IF({m.this("client_row")}>0,INDEX(Clients[previous_group],{m.this("client_row")})&"","")',
        "text",
    )
    return r
