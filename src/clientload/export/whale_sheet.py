"""The Whale curve sheet: clients from the most to the least profitable at each percentile of
clients, the headline figures, and the searches for the cut-off amounts of the classes.

Every formula reads whole columns of the Model table, so a client added later is on the curve:
row p shows the k-th most profitable client, k = ⌈p × clients ÷ 100⌉ (LARGE), and the
contribution of those from it up. To the right, bisections find the last client of class A and B
by revenue and by contribution, and the last large client (the core rule's revenue share): the
largest rank m with S(m − 1) < share × total, S(j) the positive amount of the j largest — 20
halvings, each one LARGE and one SUMPRODUCT over the column, instead of a rank for every client.
"""

from __future__ import annotations

from clientload.export.book import Book, column

WHALE = "Whale curve"
SEARCH_STEPS = 20  # bisection steps: enough for 2**20 clients
PERCENTILES = 100
FIRST_SEARCH_COL = 11
SEARCHES = (  # (name of the cut, positive amount column, share)
    ("abc_revenue_a_cut", "revenue_pos", "seg_abc_a_share"),
    ("abc_revenue_b_cut", "revenue_pos", "seg_abc_b_share"),
    ("core_revenue_cut", "revenue_pos", "seg_core_min_revenue_share"),
    ("abc_contribution_a_cut", "contribution_pos", "seg_abc_a_share"),
    ("abc_contribution_b_cut", "contribution_pos", "seg_abc_b_share"),
)
VALUE = "Model[whale_value]"  # contribution of the clients in the analysis, text for the others
CONTRIB, ACTIVE = "Model[contribution]", "Model[active]"


def _up_to(value: str) -> str:
    """The contribution of the clients in the analysis with at least `value`."""
    return f"SUMPRODUCT(({CONTRIB}>={value})*{ACTIVE}*{CONTRIB})"


def write_whale_sheet(book: Book) -> tuple[int, int]:
    _ = book._
    sheet = book.sheet(WHALE)
    book.text(
        sheet,
        0,
        0,
        _("Whale curve: clients by contribution, cumulative, by percentile of clients"),
        "title",
    )
    top = _up_to(f"LARGE({VALUE},CEILING(co_clients*0.2,1))")
    top20 = f'=IF(co_contribution<>0,{top}/co_contribution,"")'
    peak = f'=IF(COUNTIF({VALUE},">0")>0,SUMIF({VALUE},">0"),MAX({VALUE}))'
    headlines = (  # (row, label column, value column, label, formula, format)
        (1, 2, 4, _("Top 20% of clients give"), top20, "bold_percent"),
        (1, 6, 9, _("Loss-making clients"), f'=COUNTIF({VALUE},"<0")', "bold_number"),
        (2, 2, 4, _("Peak of the curve"), peak, "bold_money"),
        (2, 6, 9, _("Their contribution"), f'=SUMIF({VALUE},"<0")', "bold_money"),
    )
    for row, label_col, value_col, label, formula, fmt in headlines:
        book.text(sheet, row, label_col, label, "note")
        sheet.write_formula(row, value_col, formula, book.fmt(fmt))
    heads = [
        _("Clients"),
        _("Row in Model"),
        _("Client ID"),
        _("Client"),
        _("Group"),
        _("Revenue"),
        _("Contribution"),
        _("Cumulative contribution"),
        _("Share of clients"),
        _("Share of total contribution"),
        None,
        _("Step"),
    ]
    for name, _amount, _share in SEARCHES:
        heads += [f"{name}: " + _("ranks from"), _("ranks to"), _("before the middle")]
    sheet.set_row(3, 30)
    widths = [7, 7, 12, 28, 12, 14, 14, 16, 10, 15, 3, 6] + [9, 9, 14] * len(SEARCHES)
    for i, h in enumerate(heads):
        sheet.set_column(i, i, widths[i])
        if h is not None:
            book.text(sheet, 3, i, h, "header")
    for k in range(1, max(PERCENTILES, SEARCH_STEPS + 2) + 1):
        row = 3 + k
        r = row + 1
        if k <= PERCENTILES:
            _percentile_row(book, sheet, k, r)
        if k <= SEARCH_STEPS + 1:
            sheet.write_number(row, FIRST_SEARCH_COL, k, book.fmt("number"))
            for j, (_name, amount, share) in enumerate(SEARCHES):
                lo = FIRST_SEARCH_COL + 1 + 3 * j
                for col, formula in _bisection_step(k, r, lo, f"Model[{amount}]", share):
                    sheet.write_formula(row, col, formula, book.fmt("number"))
        elif k == SEARCH_STEPS + 2:  # under the last step: the cut-off amounts, named
            book.text(sheet, row, FIRST_SEARCH_COL, _("Cut-off"), "label")
            for j, (name, amount, _share) in enumerate(SEARCHES):
                lo_letter = column(FIRST_SEARCH_COL + 1 + 3 * j)
                col = FIRST_SEARCH_COL + 3 + 3 * j
                sheet.write_formula(
                    row, col, f"=LARGE(Model[{amount}],{lo_letter}{r - 1})", book.fmt("money")
                )
                book.define(name, WHALE, f"${column(col)}${r}")
    sheet.freeze_panes(4, 0)
    book.print_setup(sheet, 3)
    red = book.workbook.add_format({"font_color": "#C00000"})
    sheet.conditional_format(
        4, 6, 3 + PERCENTILES, 6, {"type": "cell", "criteria": "<", "value": 0, "format": red}
    )
    return 4, 3 + PERCENTILES


def _bisection_step(k: int, r: int, lo_col: int, amount: str, share: str):
    """Cells of step k (Excel row r): from, to, and the positive amount before the middle."""
    lo, hi, s = (column(lo_col + i) for i in range(3))
    out = []
    if k == 1:
        out.append((lo_col, "=1"))
        out.append((lo_col + 1, f'=MAX(COUNTIF({amount},">0"),1)'))
    else:
        p = r - 1
        ok = f"{s}{p}<{share}*SUM({amount})"
        mid = f"INT(({lo}{p}+{hi}{p}+1)/2)"
        out.append((lo_col, f"=IF({ok},{mid},{lo}{p})"))
        out.append((lo_col + 1, f"=IF({ok},{hi}{p},{mid}-1)"))
    if k <= SEARCH_STEPS:
        mid = f"INT(({lo}{r}+{hi}{r}+1)/2)"
        out.append(
            (
                lo_col + 2,
                f"=IF({mid}<=1,0,SUMPRODUCT(({amount}>=LARGE({amount},{mid}-1))*{amount}))",
            )
        )
    return out


def _percentile_row(book: Book, sheet, k: int, r: int) -> None:
    row = r - 1
    sheet.write_formula(row, 0, f"=CEILING({k}*COUNT({VALUE})/{PERCENTILES},1)", book.fmt("number"))
    sheet.write_formula(row, 6, f"=IF(A{r}=0,0,LARGE({VALUE},A{r}))", book.fmt("money"))
    sheet.write_formula(row, 1, f"=IF(A{r}=0,0,MATCH(G{r},{VALUE},0))", book.fmt("number"))
    for col, key, fmt in (
        (2, "client_id", "text"),
        (3, "name", "text"),
        (4, "segment", "text"),
        (5, "revenue", "money"),
    ):
        sheet.write_formula(row, col, f'=IF(B{r}=0,"",INDEX(Model[{key}],B{r}))', book.fmt(fmt))
    # SUMPRODUCT, not SUMIF(">="&amount): the criterion text would round the amount to 15
    # digits and could leave the k-th client out.
    sheet.write_formula(row, 7, f"=IF(A{r}=0,0,{_up_to(f'G{r}')})", book.fmt("money"))
    sheet.write_formula(row, 8, f"=IF(A{r}=0,0,A{r}/COUNT({VALUE}))", book.fmt("percent"))
    sheet.write_formula(
        row, 9, f'=IF(SUM({CONTRIB})<>0,H{r}/SUM({CONTRIB}),"")', book.fmt("percent")
    )
