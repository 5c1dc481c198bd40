"""How a Model row reads its client's rows of `ClientMonths`: formula pieces and the defined
names they use.

Reading a whole table per client and figure (SUMIFS over every row) costs clients × rows ×
figures; at 2,000 clients and 24 months LibreOffice 7.4 took minutes. The export writes
`ClientMonths` sorted by client and month, so each client's rows are one block and the rows of
a window (the period, the previous period, both, or all up to the period's end) a run inside
it, found once per client by MATCHes (`model_data`); each figure is then a plain SUM over its
run. Rows pasted under the table later (the next month) come after the ordered part: a client's
one row there is read directly, several by SUMIFS matching the client and the window.

The runs are read from `cma_<column>` = `ClientMonths[[#All],[<column>]]`, the column with its
header: row r of the table is row r + 1 there, and an empty run points at row 1, the header,
which SUM, MIN, MAX and SUMSQ skip and N() reads as 0. So no figure needs a guard for an empty
run, and the formulas stay short (LibreOffice compiles every cell's formula: its text is most
of the time a large workbook takes to open).
"""

from __future__ import annotations

from dataclasses import dataclass

from clientload.export.tables import TableColumns

CM = "ClientMonths"


@dataclass(frozen=True)
class Window:
    """A window of months: the Model columns holding the run's first and last row (in
    `cma_` rows), the row of the client's one row after the ordered part when it falls in the
    window (1: none), how many rows of the block it has, and the SUMIFS criteria on months."""

    first: str
    last: str
    tail_row: str
    rows: str
    since: str | None
    until: str


PERIOD = Window("p_row1", "p_rowN", "t_row_p", "p_rows", "p_ge", "p_le")
PREVIOUS = Window("q_row1", "q_rowN", "t_row_q", "q_rows", "q_ge", "q_le")
# the previous period and the period together: the buying rhythm's window
BOTH = Window("w_row1", "w_rowN", "t_row_w", "w_rows", "q_ge", "p_le")
# every row up to the period's end: the first and last purchase
UPTO = Window("u_row1", "u_rowN", "t_row_u", "upto_rows", None, "p_le")


def cm(key: str) -> str:
    return f"{CM}[{key}]"


def cma(key: str) -> str:
    """The column with its header (see the module)."""
    return f"cma_{key}"


def tail_name(key: str) -> str:
    """The column's rows after the ordered part."""
    return f"cmt_{key}"


def define_reader_names(book, keys: list[str], blocks: dict[str, list[str]]) -> None:
    """`cma_<column>` and `cmt_<column>` for every column; for each block of adjacent columns
    read as one (`blocks`: name → its columns) `cma_<name>` and `cmt_<name>`; and
    `cm_ordered_ids`, the client ids of the ordered part."""
    define = book.workbook.define_name
    define(
        "cm_ordered_ids",
        f"=INDEX({cm('client_id')},1):INDEX({cm('client_id')},cm_sorted_rows)",
    )
    for key in keys:
        define(cma(key), f"={CM}[[#All],[{key}]]")
        define(tail_name(key), f"=INDEX({cm(key)},cm_tail_first):INDEX({cm(key)},cm_all_rows)")
    for name, columns in blocks.items():
        data = f"{CM}[[{columns[0]}]:[{columns[-1]}]]"
        define(cma(name), f"={CM}[[#All],[{columns[0]}]:[{columns[-1]}]]")
        define(
            tail_name(name),
            f"=INDEX({data},cm_tail_first,1):INDEX({data},cm_all_rows,{len(columns)})",
        )


class Reader:
    """Formula pieces that read the client's rows; `m` is the Model table being built.

    `summed`: the pre-summed form, one row per client and window, and no rows pasted after the
    ordered part: a figure is that row's value.
    """

    def __init__(self, m: TableColumns, summed: bool = False):
        self.m = m
        self.summed = summed

    def _run(self, column: str, w: Window, k: str | None = None) -> str:
        t = self.m.this
        at = "" if k is None else f",{k}"
        return f"INDEX({column},{t(w.first)}{at}):INDEX({column},{t(w.last)}{at})"

    def _criteria(self, w: Window) -> str:
        """The SUMIFS criteria of the client's rows after the ordered part in the window."""
        t = tail_name
        since = f"{t('month')},{w.since}," if w.since else ""
        return f"{t('client_id')},{self.m.this('client_id')},{since}{t('month')},{w.until}"

    def _many(self, formula: str) -> str:
        """`formula` where the client has several rows after the ordered part, else 0."""
        return f"IF({self.m.this('t_many')},{formula},0)"

    def total(self, key: str, w: Window = PERIOD) -> str:
        """The sum of a ClientMonths column over the client's rows in the window."""
        t = self.m.this
        if self.summed and w is not BOTH:
            return f"N(INDEX({cma(key)},{t(w.first)}))"
        block = f"SUM({self._run(cma(key), w)})"
        if self.summed:
            return block
        one = f"N(INDEX({cma(key)},{t(w.tail_row)}))"
        many = self._many(f"SUMIFS({tail_name(key)},{self._criteria(w)})")
        return f"({block}+{one}+{many})"

    def total_of(self, block: str, k: str, w: Window = PERIOD) -> str:
        """As `total`, of the k-th column of a block of adjacent columns (`cma_<block>`): one
        formula reads the column a Settings value picks."""
        t = self.m.this
        if self.summed:
            return f"N(INDEX({cma(block)},{t(w.first)},{k}))"
        run = f"SUM({self._run(cma(block), w, k)})"
        one = f"N(INDEX({cma(block)},{t(w.tail_row)},{k}))"
        many = self._many(f"SUMIFS(INDEX({tail_name(block)},0,{k}),{self._criteria(w)})")
        return f"({run}+{one}+{many})"

    def count(self, w: Window = PERIOD) -> str:
        """The client's rows in the window."""
        t = self.m.this
        if self.summed:
            return t(w.rows)
        many = self._many(f"COUNTIFS({self._criteria(w)})")
        return f"({t(w.rows)}+({t(w.tail_row)}>1)+{many})"

    def extreme(self, fn: str, key: str, w: Window) -> tuple[str, str]:
        """The smallest (MIN) or largest (MAX) value of a column in the client's rows of the
        window, from the block and from the rows after it (0 where there is none)."""
        block = f"{fn}({self._run(cma(key), w)})"
        if self.summed:
            return block, "0"
        one = f"N(INDEX({cma(key)},{self.m.this(w.tail_row)}))"
        many = self._many(
            f'_xlfn.{fn}IFS({tail_name(key)},{self._criteria(w)},{tail_name(key)},">0")'
        )
        return block, f"{one}+{many}"

    def squares(self, key: str) -> str:
        """Σ of the squared values of the client's rows in the period (one row per month)."""
        t = self.m.this
        one = f"N(INDEX({cma(key)},{t(PERIOD.tail_row)}))^2"
        tail = tail_name
        many = self._many(
            f"SUMPRODUCT(({tail('client_id')}={t('client_id')})*({tail('month')}>="
            f"period_first_month)*({tail('month')}<=period_end)*{tail(key)}^2)"
        )
        return f"(SUMSQ({self._run(cma(key), PERIOD)})+{one}+{many})"

    def bucket_squares(self, key: str) -> str:
        """Σ over the rhythm's periods (`rhythm_starts`–`rhythm_ends` on Settings) of the
        squared sum of a column over the client's rows in each: SUMIFS with the periods as
        criteria gives one sum per period. The client's one row after the ordered part falls
        in its period (`t_month1`, `t_revenue1`); several are summed by SUMIFS."""
        t = self.m.this
        periods = '">="&rhythm_starts,{0},"<="&rhythm_ends'
        months = self._run(cma("month"), PERIOD)
        sums = f"SUMIFS({self._run(cma(key), PERIOD)},{months}," + periods.format(months) + ")"
        tail = tail_name
        tails = (
            f"SUMIFS({tail(key)},{tail('client_id')},{t('client_id')},{tail('month')},"
            + periods.format(tail("month"))
            + ")"
        )
        one = f"({t('t_month1')}>=rhythm_starts)*({t('t_month1')}<=rhythm_ends)*{t('t_revenue1')}"
        return (
            f"IF({t('t_many')},SUMPRODUCT(({sums}+{tails})^2),SUMPRODUCT(({sums}+{one})^2))"
        )
