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

from clientload.export.rows import MonthColumns, driver_labels, order_counts, squares_column
from clientload.export.tables import TableColumn, TableColumns
from clientload.model.rhythm import RHYTHM_CHOICES

CM = "ClientMonths"
PERIOD = ("period_first_month", "period_end")
PREVIOUS = ("previous_start", "previous_end")


def cm(key: str) -> str:
    return f"{CM}[{key}]"


def tail_name(key: str) -> str:
    """The defined name of a column's rows after the ordered part (short formulas: LibreOffice
    parses every cell's formula, and these ranges would be most of their text)."""
    return f"cmt_{key}"


def define_tail_names(book, keys: list[str], blocks: dict[str, list[str]]) -> None:
    """`cmt_<column>` for every column, and for each block of adjacent columns read as one
    (`blocks`: name → its columns) `cm_<name>` and `cmt_<name>`."""
    for key in keys:
        book.workbook.define_name(
            tail_name(key), f"=INDEX({cm(key)},cm_tail_first):INDEX({cm(key)},cm_all_rows)"
        )
    for name, columns in blocks.items():
        whole = f"{CM}[[{columns[0]}]:[{columns[-1]}]]"
        book.workbook.define_name(f"cm_{name}", "=" + whole)
        book.workbook.define_name(
            f"cmt_{name}",
            f"=INDEX({whole},cm_tail_first,1):INDEX({whole},cm_all_rows,{len(columns)})",
        )


class Reader:
    """Formula pieces that read the client's rows; `m` is the Model table being built.

    In the ordered part a client's rows are sorted by month, so the rows of a window are a
    run inside the block: `p_from`/`p_rows` (the period), `q_from`/`q_rows` (the previous
    period), `upto_rows` (the block's rows up to the period's end), found by sorted MATCHes on
    the block's months. A figure is then a plain SUM over that run; rows after the ordered part
    (`cm_has_tail`) are added by SUMIFS matching the client and the window.
    """

    def __init__(self, m: TableColumns, summed: bool = False):
        self.m = m
        # The pre-summed form has at most one row per client and window and takes no pasted
        # rows: a figure is that row's value (formulas a fifth as long, for the largest bases).
        self.summed = summed

    def _run(self, key: str, start: str, rows: str) -> str:
        return f"INDEX({cm(key)},{start}):INDEX({cm(key)},{start}+{rows}-1)"

    def _block(self, key: str) -> str:
        return self._run(key, self.m.this("cm_first"), self.m.this("cm_rows"))

    def _window_run(self, key: str, window: tuple[str, str]) -> tuple[str, str]:
        start, rows = ("p_from", "p_rows") if window == PERIOD else ("q_from", "q_rows")
        rows_ref = self.m.this(rows)
        return rows_ref, self._run(key, self.m.this(start), rows_ref)

    @staticmethod
    def _tail(key: str) -> str:
        return tail_name(key)

    def _tail_window(self, window: tuple[str, str]) -> str:
        lo, hi = window
        t, cid = self._tail, self.m.this("client_id")
        return f'{t("client_id")},{cid},{t("month")},">="&{lo},{t("month")},"<="&{hi}'

    def before(self, day: str) -> str:
        """How many of the block's rows have a month before `day` (a month's first day)."""
        rows = self.m.this("cm_rows")
        return f"IF({rows}>0,IFERROR(MATCH({day}-1,{self._block('month')},1),0),0)"

    def _tail_part(self, window: tuple[str, str], one: str, many: str) -> str:
        """The tail's share: none, the client's one row there (O(1), the usual case after a
        month pasted), or `many` (a SUMIFS-like scan) when it has several."""
        if self.summed:
            return "0"
        t = self.m.this
        flag = t("t_one_p" if window == PERIOD else "t_one_q")
        return f"IF({t('t_rows')}=0,0,IF({t('t_rows')}=1,IF({flag},{one},0),{many}))"

    def total(self, key: str, window: tuple[str, str] = PERIOD) -> str:
        """The sum of a ClientMonths column over the client's rows in the window."""
        rows, run = self._window_run(key, window)
        if self.summed:
            start = self.m.this("p_from" if window == PERIOD else "q_from")
            return f"IF({rows}>0,N(INDEX({cm(key)},{start})),0)"
        one = f"N(INDEX({self._tail(key)},{self.m.this('t_first')}))"
        tail = self._tail_part(
            window, one, f"SUMIFS({self._tail(key)},{self._tail_window(window)})"
        )
        return f"(IF({rows}>0,SUM({run}),0)+{tail})"

    def count(self, window: tuple[str, str] = PERIOD) -> str:
        rows = self.m.this("p_rows" if window == PERIOD else "q_rows")
        return f"({rows}+{self._tail_part(window, '1', f'COUNTIFS({self._tail_window(window)})')})"

    def extreme(self, fn: str, key: str) -> tuple[str, str]:
        """The smallest (MIN) or largest (MAX) date of a column in the rows up to the period's
        end, from the block and from the tail; 0 where there is none."""
        upto = self.m.this("upto_rows")
        run = self._run(key, self.m.this("cm_first"), upto)
        t, cid, m = self._tail, self.m.this("client_id"), self.m.this
        many = (
            f"_xlfn.{fn}IFS({t(key)},{t('client_id')},{cid},"
            f'{t("month")},"<="&period_end,{t(key)},">0")'
        )
        month = f"INDEX({t('month')},{m('t_first')})"
        value = f"N(INDEX({t(key)},{m('t_first')}))"
        one = f"IF(AND(ISNUMBER({month}),N({month})<=period_end),{value},0)"
        tail = "0" if self.summed else f"IF({m('t_rows')}=0,0,IF({m('t_rows')}=1,{one},{many}))"
        return f"IF({upto}>0,{fn}({run}),0)", tail

    def window_extreme(self, fn: str, key: str) -> tuple[str, str]:
        """The smallest (MIN) or largest (MAX) value of a column over the client's rows of the
        previous period and the period (the rhythm's window), from the block and from the
        tail; 0 where there is none. In the block the previous period's run is followed by the
        period's."""
        m = self.m.this
        rows = f"({m('q_rows')}+{m('p_rows')})"
        block = f"IF({rows}>0,{fn}({self._run(key, m('q_from'), rows)}),0)"
        if self.summed:
            return block, "0"
        t = self._tail
        lo, hi = PREVIOUS[0], PERIOD[1]
        many = (
            f"_xlfn.{fn}IFS({t(key)},{t('client_id')},{m('client_id')},"
            f'{t("month")},">="&{lo},{t("month")},"<="&{hi},{t(key)},">0")'
        )
        one = f"IF(OR({m('t_one_p')},{m('t_one_q')}),N(INDEX({t(key)},{m('t_first')})),0)"
        return block, f"IF({m('t_rows')}=0,0,IF({m('t_rows')}=1,{one},{many}))"

    def total_of(self, block: str, k: str, window: tuple[str, str] = PERIOD) -> str:
        """As `total`, of the k-th column of a block of ClientMonths columns (a defined name,
        `cm_<block>`; its rows after the ordered part `cmt_<block>`): one formula reads the
        column a Settings value picks."""
        rows, start = (
            (self.m.this("p_rows"), self.m.this("p_from"))
            if window == PERIOD
            else (self.m.this("q_rows"), self.m.this("q_from"))
        )
        cells, tail = f"cm_{block}", f"cmt_{block}"
        if self.summed:
            return f"IF({rows}>0,N(INDEX({cells},{start},{k})),0)"
        run = f"INDEX({cells},{start},{k}):INDEX({cells},{start}+{rows}-1,{k})"
        one = f"N(INDEX({tail},{self.m.this('t_first')},{k}))"
        many = f"SUMIFS(INDEX({tail},0,{k}),{self._tail_window(window)})"
        return f"(IF({rows}>0,SUM({run}),0)+{self._tail_part(window, one, many)})"

    def bucket_squares(self, key: str) -> str:
        """Σ over the rhythm's periods (`rhythm_starts`–`rhythm_ends` on Settings) of the
        squared sum of a column over the client's rows in each: SUMIFS with the periods as
        criteria gives one sum per period. The run is read from its first row (`p_first`, at
        least one row: an empty run counts 0); the client's one row after the ordered part
        falls in its period, several are summed by SUMIFS matching the client."""
        m = self.m.this
        first, n = m("p_first"), m("p_n")

        def run(col: str) -> str:
            return f"INDEX({cm(col)},{first}):INDEX({cm(col)},{first}+{n}-1)"

        periods = '">="&rhythm_starts,{},"<="&rhythm_ends'
        sums = (
            f"({m('p_rows')}>0)*SUMIFS({run(key)},{run('month')},"
            + periods.format(run("month"))
            + ")"
        )
        if self.summed:
            return f"SUMPRODUCT(({sums})^2)"
        t = self._tail
        tails = (
            f"SUMIFS({t(key)},{t('client_id')},{m('client_id')},{t('month')},"
            + periods.format(t("month"))
            + ")"
        )
        one = f"({m('t_month1')}>=rhythm_starts)*({m('t_month1')}<=rhythm_ends)*{m('t_revenue1')}"
        return (
            f"IF({m('t_rows')}>1,SUMPRODUCT(({sums}+{tails})^2),SUMPRODUCT(({sums}+{one})^2))"
        )

    def squares(self, key: str) -> str:
        """Σ of the squared values of the client's rows in the period (one row per month)."""
        rows, run = self._window_run(key, PERIOD)
        lo, hi = PERIOD
        t, cid = self._tail, self.m.this("client_id")
        many = (
            f"SUMPRODUCT(({t('client_id')}={cid})*({t('month')}>={lo})*({t('month')}<={hi})"
            f"*{t(key)}^2)"
        )
        one = f"N(INDEX({t(key)},{self.m.this('t_first')}))^2"
        return f"(IF({rows}>0,SUMSQ({run}),0)+{self._tail_part(PERIOD, one, many)})"


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
    first = r.extreme("MIN", "first_purchase")
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
    both(m, "last_in_rows", _("Last purchase"), "MAX", *r.extreme("MAX", "last_purchase"), _)
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
    first = m.this("cm_first")
    add("before_previous", _("Block rows before the previous period"), r.before("previous_start"))
    add("before_period", _("Block rows before the period"), r.before("period_first_month"))
    upto = f"IF({m.this('cm_rows')}>0,IFERROR(MATCH(period_end,{r._block('month')},1),0),0)"
    add("upto_rows", _("Block rows up to the period's end"), upto)
    add("p_from", _("First row of the period"), f"{first}+{m.this('before_period')}")
    add(
        "p_rows",
        _("Rows of the period in the block"),
        f"{m.this('upto_rows')}-{m.this('before_period')}",
    )
    add("q_from", _("First row of the previous period"), f"{first}+{m.this('before_previous')}")
    add(
        "q_rows",
        _("Rows of the previous period in the block"),
        f"{m.this('before_period')}-{m.this('before_previous')}",
    )
    # The period's run as a range that always exists (a row at least), for SUMIFS over it.
    add("p_first", _("First row of the period (at least 1)"), f"MAX({m.this('p_from')},1)")
    add("p_n", _("Rows of the period (at least 1)"), f"MAX({m.this('p_rows')},1)")
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
            f"IF({m.this('t_rows')}>0,MATCH({cid},{tail_ids},0),0)",
        )
        tail_month = f"INDEX({tail_name('month')},{m.this('t_first')})"
        for key, label, (lo, hi) in (
            ("t_one_p", _("Its one row after them is in the period"), PERIOD),
            ("t_one_q", _("Its one row after them is in the previous period"), PREVIOUS),
        ):
            add(
                key,
                label,
                f"IF({m.this('t_rows')}=1,AND(ISNUMBER({tail_month}),{tail_month}>={lo},"
                f"{tail_month}<={hi}),FALSE)",
                "text",
            )
        one_p = m.this("t_one_p")
        month1 = f"IF({one_p},N({tail_month}),0)"
        add("t_month1", _("Its one row after them: month"), month1, "month")
        add(
            "t_revenue1",
            _("Its one row after them: revenue"),
            f"IF({one_p},N(INDEX({tail_name('revenue')},{m.this('t_first')})),0)",
            "money",
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
        f"{r.total('purchase_days')}+{r.total('purchase_days', PREVIOUS)}",
    )
    for key, label, fn in (
        ("first_bought", _("First day with goods bought"), "MIN"),
        ("last_bought", _("Last day with goods bought"), "MAX"),
    ):
        both(m, key, label, fn, *r.window_extreme(fn, key), _)
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
