"""The Model table's columns that read the data: each client's rows of `ClientMonths` inside
the period (or the previous period) and its attributes in `Clients`.

Reading a whole table per client and figure (SUMIFS over every row) costs clients × rows × figures;
at 2,000 clients and 24 months LibreOffice 7.4 took minutes. The export writes `ClientMonths`
sorted by client, so each client's rows are one block: the block's first row is found once per
client by an exact MATCH (LibreOffice and Excel cache those lookups) and its last by a sorted
MATCH (a binary search),
and each figure is a SUMIFS over the block. Rows pasted later under the table (the next month)
break the order: every row from the first one out of order on is the "tail", summed with a
SUMIFS over the tail that also matches the client. The formulas are right in any order; the
order only makes them fast. `cm_sorted_rows` (Settings) is the length of the ordered part.
"""

from __future__ import annotations

from clientload.export.rows import MonthColumns
from clientload.export.tables import TableColumn, TableColumns

CM = "ClientMonths"
PERIOD = ("period_first_month", "period_end")
PREVIOUS = ("previous_start", "previous_end")


def cm(key: str) -> str:
    return f"{CM}[{key}]"


class Reader:
    """Formula pieces that read the client's rows; `m` is the Model table being built."""

    def __init__(self, m: TableColumns):
        self.m = m

    def _block(self, key: str) -> str:
        first, rows = self.m.this("cm_first"), self.m.this("cm_rows")
        return f"INDEX({cm(key)},{first}):INDEX({cm(key)},{first}+{rows}-1)"

    @staticmethod
    def _tail(key: str) -> str:
        return f"INDEX({cm(key)},cm_tail_first):INDEX({cm(key)},cm_all_rows)"

    def _window(self, part, window: tuple[str, str]) -> str:
        lo, hi = window
        return f'{part("month")},">="&{lo},{part("month")},"<="&{hi}'

    def total(self, key: str, window: tuple[str, str] = PERIOD) -> str:
        """The sum of a ClientMonths column over the client's rows in the window."""
        rows, cid = self.m.this("cm_rows"), self.m.this("client_id")
        block = f"SUMIFS({self._block(key)},{self._window(self._block, window)})"
        tail = (
            f"SUMIFS({self._tail(key)},{self._tail('client_id')},{cid},"
            f"{self._window(self._tail, window)})"
        )
        return f"(IF({rows}>0,{block},0)+IF(cm_has_tail,{tail},0))"

    def count(self, window: tuple[str, str] = PERIOD) -> str:
        rows, cid = self.m.this("cm_rows"), self.m.this("client_id")
        block = f"COUNTIFS({self._window(self._block, window)})"
        tail = f"COUNTIFS({self._tail('client_id')},{cid},{self._window(self._tail, window)})"
        return f"(IF({rows}>0,{block},0)+IF(cm_has_tail,{tail},0))"

    def extreme(self, fn: str, key: str) -> str:
        """The smallest (MINIFS) or largest (MAXIFS) date of a column in the rows up to the
        period's end; 0 when there is none."""
        rows, cid = self.m.this("cm_rows"), self.m.this("client_id")
        block = (
            f'_xlfn.{fn}({self._block(key)},{self._block("month")},"<="&period_end,'
            f'{self._block(key)},">0")'
        )
        tail = (
            f"_xlfn.{fn}({self._tail(key)},{self._tail('client_id')},{cid},"
            f'{self._tail("month")},"<="&period_end,{self._tail(key)},">0")'
        )
        return f"IF({rows}>0,{block},0)", f"IF(cm_has_tail,{tail},0)"  # type: ignore[return-value]

    def squares(self, key: str) -> str:
        """Σ of the squared values of the client's rows in the period (one row per month)."""
        rows, cid = self.m.this("cm_rows"), self.m.this("client_id")
        lo, hi = PERIOD
        b, t = self._block, self._tail
        block = f"SUMPRODUCT(({b('month')}>={lo})*({b('month')}<={hi})*{b(key)}^2)"
        tail = (
            f"SUMPRODUCT(({t('client_id')}={cid})*({t('month')}>={lo})*({t('month')}<={hi})"
            f"*{t(key)}^2)"
        )
        return f"(IF({rows}>0,{block},0)+IF(cm_has_tail,{tail},0))"


def data_columns(m: TableColumns, months: MonthColumns, _, thresholds) -> Reader:
    """Client lookups, the block, and every total the model reads from the rows."""
    r = Reader(m)
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
    ordered = "INDEX(ClientMonths[client_id],1):INDEX(ClientMonths[client_id],cm_sorted_rows)"
    add("cm_first", _("First row in ClientMonths"), f"IFERROR(MATCH({cid},{ordered},0),0)", width=7)
    # The ordered part is sorted by client: a sorted MATCH (binary search) finds the block's
    # last row, as Excel and LibreOffice both return the last of equal values.
    add(
        "cm_rows",
        _("Its rows in order"),
        f"IF({m.this('cm_first')}=0,0,MATCH({cid},{ordered},1)-{m.this('cm_first')}+1)",
        width=7,
    )
    add("period_rows", _("Rows in the period"), r.count(PERIOD), width=7)
    add("previous_lines", _("Sales lines in the previous period"), r.total("sales_lines", PREVIOUS))
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
    for key, label in (
        ("orders", _("Orders")),
        ("order_lines", _("Order lines")),
        ("changes", _("Order changes")),
        ("urgent_orders", _("Urgent orders")),
        ("deliveries", _("Deliveries")),
        ("returns", _("Returns")),
        ("portal_orders", _("Orders through the portal")),
        ("orders_with_source", _("Orders with a known source")),
    ):
        add(key, label, r.total(key))
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
    block_first, tail_first = r.extreme("MINIFS", "first_purchase")
    add(
        "first_in_rows",
        _("First purchase in the rows"),
        f"MIN(IF({block_first}>0,{block_first},{tail_first}),IF({tail_first}>0,{tail_first},{block_first}))",
        "date",
    )
    ever = f"INDEX(Clients[first_purchase],{m.this('client_row')})"
    add(
        "first_date",
        _("First purchase"),
        f"IF(AND({m.this('client_row')}>0,N({ever})>0,N({ever})<=period_end),{ever},"
        f'IF({m.this("first_in_rows")}>0,{m.this("first_in_rows")},""))',
        "date",
    )
    block_last, tail_last = r.extreme("MAXIFS", "last_purchase")
    add(
        "last_date",
        _("Last purchase"),
        f'IF(MAX({block_last},{tail_last})>0,MAX({block_last},{tail_last}),"")',
        "date",
    )
    given = f"INDEX(Clients[revenue_squares],{m.this('client_row')})"
    add(
        "squares_given",
        _("Σ monthly revenue² given in Clients"),
        f"IF({m.this('client_row')}>0,N({given}),0)",
        "money",
    )
    add(
        "revenue_squares",
        _("Σ monthly revenue²"),
        f"IF({m.this('squares_given')}>0,{m.this('squares_given')},{r.squares('revenue')})",
        "money",
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
