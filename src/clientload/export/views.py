"""Sheets that read the Model sheet: groups, whale curve, heaviest clients, policy, career path.

All formulas, so they follow any change in Settings. The per-client whale curve looks each rank
up with MATCH on the Model sheet's rank by contribution (unique: ties broken by row order); above
WHALE_CLIENT_LIMIT clients it is drawn at percentiles with LARGE.
"""

from __future__ import annotations

from clientload.export.book import Book, column
from clientload.export.grid import FIRST_ROW, Columns
from clientload.export.inputs import WorkbookInputs
from clientload.export.model_sheet import POLICY_RULES, WHALE_CLIENT_LIMIT
from clientload.export.settings_sheet import SettingsLayout
from clientload.model.labels import SEGMENT_LABELS, SEGMENT_ORDER, rule_label

GROUPS, WHALE, HEAVY, POLICY, CAREER, ASSORTMENT = (
    "Groups",
    "Whale curve",
    "Heaviest clients",
    "Policy",
    "Career path",
    "Assortment",
)
SEGMENTS = list(SEGMENT_ORDER)


def _header(
    book: Book, sheet, row: int, labels: list[str], widths: list[float] | None = None
) -> None:
    sheet.set_row(row, 30)  # two lines: files carry no autofit, LibreOffice keeps the height
    for i, h in enumerate(labels):
        book.text(sheet, row, i, h, "header")
        if widths:
            sheet.set_column(i, i, widths[i])


def write_groups_sheet(book: Book, layout: SettingsLayout, model: Columns, n: int) -> dict:
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
    seg = model.range("segment", n)
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
            if key in model.index:
                sheet.write_formula(
                    row,
                    ord(col) - 65,
                    f"=SUMIF({seg},B{r},{model.range(key, n)})",
                    book.fmt("money"),
                )
        sheet.write_formula(
            row, 5, f"=SUMIF({seg},B{r},{model.range('load_minutes', n)})/60", book.fmt("number")
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
                f'=COUNTIFS({model.range("abc_revenue", n)},"{a}",{model.range("xyz", n)},"{x}")',
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
        sheet.write_formula(row, 4, f"=SUM({model.range('min__' + dept, n)})", book.fmt("number"))
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


SEARCH_STEPS = 20  # bisection steps: enough for 2**20 clients


def write_whale_sheet(book: Book, model: Columns, n: int) -> tuple[int, int]:
    """Clients from the most to the least profitable, cumulative contribution and shares.

    Up to WHALE_CLIENT_LIMIT clients one row per client (by the Model sheet's rank); above, one
    row per percentile of clients (LARGE and SUMIF over the contribution column: 100 scans of
    it instead of a ranking of every client against every other). To the right, the bisection
    that finds the last client of classes A and B by contribution for the Model sheet.
    """
    _ = book._
    sheet = book.sheet(WHALE)
    per_client = n <= WHALE_CLIENT_LIMIT
    title = (
        _("Whale curve: clients by contribution, cumulative")
        if per_client
        else _("Whale curve: clients by contribution, cumulative, by percentile of clients")
    )
    book.text(sheet, 0, 0, title, "title")
    contrib, pos = model.range("contribution", n), model.range("contribution_pos", n)
    top20 = (
        f"=IF(co_contribution<>0,SUMPRODUCT(({contrib}>=LARGE({contrib},"
        f'CEILING(co_clients*0.2,1)))*{contrib})/co_contribution,"")'
    )
    # The peak of the cumulative curve is the sum of the positive contributions (the largest
    # contribution when none is positive).
    peak = f'=IF(COUNTIF({contrib},">0")>0,SUMIF({contrib},">0"),MAX({contrib}))'
    last_step = 4 + SEARCH_STEPS  # 0-based row of the bisection's result
    headlines = (  # (row, label column, value column, label, formula, format)
        (1, 2, 4, _("Top 20% of clients give"), top20, "bold_percent"),
        (1, 6, 9, _("Loss-making clients"), f'=COUNTIF({contrib},"<0")', "bold_number"),
        (
            1,
            11,
            14,
            _("Class A by contribution from"),
            f"=LARGE({contrib},M{last_step + 1})",
            "bold_money",
        ),
        (2, 2, 4, _("Peak of the curve"), peak, "bold_money"),
        (2, 6, 9, _("Their contribution"), f'=SUMIF({contrib},"<0")', "bold_money"),
        (
            2,
            11,
            14,
            _("Class B by contribution from"),
            f"=LARGE({contrib},P{last_step + 1})",
            "bold_money",
        ),
    )
    for row, label_col, value_col, label, formula, fmt in headlines:
        book.text(sheet, row, label_col, label, "note")
        sheet.write_formula(row, value_col, formula, book.fmt(fmt))
    book.define("abc_contribution_a_cut", WHALE, "$O$2")
    book.define("abc_contribution_b_cut", WHALE, "$O$3")
    heads = [
        _("Rank") if per_client else _("Clients"),
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
        _("A: ranks from"),
        _("A: ranks to"),
        _("A: before the middle"),
        _("B: ranks from"),
        _("B: ranks to"),
        _("B: before the middle"),
    ]
    sheet.set_row(3, 30)
    widths = [7, 7, 12, 28, 12, 14, 14, 16, 10, 15, 3, 6, 9, 9, 14, 9, 9, 14]
    for i, h in enumerate(heads):
        sheet.set_column(i, i, widths[i])
        if h is not None:
            book.text(sheet, 3, i, h, "header")
    rows = n if per_client else 100
    search = _bisection(contrib, pos)
    for k in range(1, max(rows, SEARCH_STEPS + 1) + 1):
        row = 3 + k
        r = row + 1
        if k <= rows:
            _whale_row(book, sheet, model, n, k, rows, per_client)
        if k <= SEARCH_STEPS + 1:
            for col, formula in search(k, r):
                sheet.write_formula(row, col, formula, book.fmt("number"))
    sheet.freeze_panes(4, 0)
    book.print_setup(sheet, 3)
    sheet.autofilter(3, 0, 3 + max(rows, 1), 9)
    sheet.conditional_format(
        4,
        6,
        3 + max(rows, 1),
        6,
        {
            "type": "cell",
            "criteria": "<",
            "value": 0,
            "format": book.workbook.add_format({"font_color": "#C00000"}),
        },
    )
    return 4, 3 + rows


def _bisection(contrib: str, pos: str):
    """Cells of step k (Excel row r) of the search for the last rank of classes A and B.

    Class A holds the ranks whose clients before them have less than `abc_a_share` of the
    positive contribution: the largest rank m with S(m - 1) < share × total, where S(j), the
    positive contribution of the j largest, is SUMIF over the j-th largest amount. Each step
    halves [from, to]; after SEARCH_STEPS steps `from` is that rank.
    """

    def cells(k: int, r: int) -> list[tuple[int, str]]:
        out = [(11, f"={k}")]
        for lo, hi, s, share in (
            ("M", "N", "O", "seg_abc_a_share"),
            ("P", "Q", "R", "seg_abc_b_share"),
        ):
            if k == 1:
                out.append((ord(lo) - 65, "=1"))
                out.append((ord(hi) - 65, f'=MAX(COUNTIF({contrib},">0"),1)'))
            else:
                p = r - 1
                ok = f'{s}{p}<{share}*SUMIF({contrib},">0")'
                mid = f"INT(({lo}{p}+{hi}{p}+1)/2)"
                out.append((ord(lo) - 65, f"=IF({ok},{mid},{lo}{p})"))
                out.append((ord(hi) - 65, f"=IF({ok},{hi}{p},{mid}-1)"))
            if k <= SEARCH_STEPS:
                mid = f"INT(({lo}{r}+{hi}{r}+1)/2)"
                out.append(
                    (
                        ord(s) - 65,
                        f"=IF({mid}<=1,0,SUMPRODUCT(({contrib}>=LARGE({contrib},{mid}-1))*{pos}))",
                    )
                )
        return out

    return cells


def _whale_row(book: Book, sheet, model: Columns, n: int, k: int, rows: int, per_client: bool):
    row = 3 + k
    r = row + 1
    contrib = model.range("contribution", n)
    if per_client:
        sheet.write_number(row, 0, k, book.fmt("number"))
        rank = model.range("rank_contribution", n)
        sheet.write_formula(row, 1, f"=MATCH(A{r},{rank},0)", book.fmt("number"))
    else:
        sheet.write_formula(row, 0, f"=CEILING({k}*COUNT({contrib})/100,1)", book.fmt("number"))
        sheet.write_formula(row, 1, f"=MATCH(G{r},{contrib},0)", book.fmt("number"))
    for col, key, fmt in (
        (2, "client_id", "text"),
        (3, "name", "text"),
        (4, "segment", "text"),
        (5, "revenue", "money"),
    ):
        sheet.write_formula(row, col, f"=INDEX({model.range(key, n)},B{r})", book.fmt(fmt))
    if per_client:
        sheet.write_formula(row, 6, f"=INDEX({contrib},B{r})", book.fmt("money"))
        sheet.write_formula(row, 7, f"=G{r}" if k == 1 else f"=H{r - 1}+G{r}", book.fmt("money"))
        # The total is the last cumulative figure; not co_contribution, see model_sheet
        # (LibreOffice's false Err:522 through a total cell).
        total = f"$H${4 + rows}"
        sheet.write_formula(row, 8, f"=A{r}/ROWS($A$5:$A${4 + rows})", book.fmt("percent"))
    else:
        # The k-th largest contribution and the sum of those from it up (clients with the same
        # contribution as the k-th are all counted). SUMPRODUCT, not SUMIF(">="&amount): the
        # criterion text would round the amount to 15 digits and could leave the k-th out.
        sheet.write_formula(row, 6, f"=LARGE({contrib},A{r})", book.fmt("money"))
        sheet.write_formula(row, 7, f"=SUMPRODUCT(({contrib}>=G{r})*{contrib})", book.fmt("money"))
        total = f"SUM({contrib})"
        sheet.write_formula(row, 8, f"=A{r}/COUNT({contrib})", book.fmt("percent"))
    sheet.write_formula(row, 9, f'=IF({total}<>0,H{r}/{total},"")', book.fmt("percent"))


def assortment_rows(inputs: WorkbookInputs):
    """client × category (brands summed), each client's categories by revenue, largest first."""
    a = inputs.outputs.get("client_assortment")
    if a is None or not len(a):
        return None
    g = a.groupby(["client_id", "category"], as_index=False)[
        ["revenue", "gross_margin", "quantity"]
    ].sum()
    g["_neg"] = -g["revenue"]
    return (
        g.sort_values(["client_id", "_neg", "category"]).drop(columns="_neg").reset_index(drop=True)
    )


def write_heavy_sheet(
    book: Book, inputs: WorkbookInputs, model: Columns, n: int, assortment_n: int
) -> None:
    """The top N clients by load, what makes them heavy, and what they buy (top 3 categories)."""
    _ = book._
    sheet = book.sheet(HEAVY)
    top = min(n, max(int(inputs.settings.section("analysis").get("heavy_clients_top_n", 50)), 1))
    book.text(
        sheet, 0, 0, _("The heaviest clients: the most minutes of the company's time"), "title"
    )
    book.text(
        sheet,
        1,
        0,
        _("Top N by load (N in Settings). The categories come from the Assortment sheet."),
        "subtitle",
    )
    acts = list(inputs.settings.activities)
    heads = [
        _("Rank"),
        _("Row in Model"),
        _("Client ID"),
        _("Client"),
        _("Group"),
        _("Revenue"),
        _("Load, hours"),
        _("Minutes per 1,000 of revenue"),
        _("Cost to serve"),
        _("Contribution"),
        _("Heaviest activity"),
        _("Its share of the load"),
    ]
    cats = []
    if assortment_n:
        for k in (1, 2, 3):
            cats += [_("Category") + f" {k}", _("Share of revenue") + f" {k}"]
    sheet.set_row(3, 30)
    _header(
        book,
        sheet,
        3,
        heads + cats,
        [6, 7, 12, 28, 12, 14, 10, 11, 14, 14, 16, 10] + [16, 9] * (len(cats) // 2),
    )
    load = model.range("load_minutes", n)
    first_row = FIRST_ROW + 1
    first_act = model.letter(f"act__{acts[0]}")
    for k in range(1, top + 1):
        row, r = 3 + k, 4 + k
        sheet.write_formula(row, 0, f'=IF({k}<=heavy_top_n,{k},"")', book.fmt("number"))
        # The k-th largest load; among clients with the same load, row order (client id), as
        # the engine. An array formula over the top N rows only: no rank column over all
        # clients (which would cost a scan of every client per client).
        value = f"LARGE({load},A{r})"
        ties_before = f"A{r}-SUMPRODUCT(--({load}>{value}))"
        sheet.write_array_formula(
            row,
            1,
            row,
            1,
            f'{{=IF(A{r}="","",SMALL(IF({load}={value},ROW({load})-{first_row - 1}),'
            f"{ties_before}))}}",
            book.fmt("number"),
        )
        for col, key, fmt in (
            (2, "client_id", "text"),
            (3, "name", "text"),
            (4, "segment", "text"),
            (5, "revenue", "money"),
            (6, "load_minutes", "number"),
            (7, "load_per_1000", "number1"),
            (8, "cost_to_serve", "money"),
            (9, "contribution", "money"),
        ):
            div = "/60" if key == "load_minutes" else ""
            sheet.write_formula(
                row, col, f'=IF(B{r}="","",INDEX({model.range(key, n)},B{r}){div})', book.fmt(fmt)
            )
        acts_row = f"OFFSET(Model!${first_act}$5,B{r}-1,0,1,{len(acts)})"
        sheet.write_formula(
            row,
            10,
            f'=IF(B{r}="","",INDEX(act_names,MATCH(MAX({acts_row}),{acts_row},0)))',
            book.fmt("text"),
        )
        sheet.write_formula(
            row, 11, f'=IF(OR(B{r}="",G{r}=0),"",MAX({acts_row})/(G{r}*60))', book.fmt("percent")
        )
        if assortment_n:
            ids = f"'{ASSORTMENT}'!$A$5:$A${4 + assortment_n}"
            catr = f"'{ASSORTMENT}'!$B$5:$B${4 + assortment_n}"
            rev = f"'{ASSORTMENT}'!$C$5:$C${4 + assortment_n}"
            pos = f"MATCH(C{r},{ids},0)"
            for j in range(3):
                at = f"{pos}+{j}"
                ok = f'AND(B{r}<>"",ISNUMBER({pos}),IFERROR(INDEX({ids},{at})=C{r},FALSE))'
                sheet.write_formula(
                    row, 12 + 2 * j, f'=IF({ok},INDEX({catr},{at}),"")', book.fmt("text")
                )
                sheet.write_formula(
                    row,
                    13 + 2 * j,
                    f'=IF(AND({ok},F{r}<>0),INDEX({rev},{at})/F{r},"")',
                    book.fmt("percent"),
                )
    sheet.freeze_panes(4, 4)
    book.print_setup(sheet, 3)
    sheet.conditional_format(4, 6, 3 + top, 6, {"type": "data_bar", "bar_color": "#F4B183"})


def write_assortment_sheet(book: Book, rows) -> int:
    """What each client buys by category (values from the run), largest first per client."""
    _ = book._
    sheet = book.sheet(ASSORTMENT)
    book.text(sheet, 0, 0, _("Assortment: what each client buys, by category"), "title")
    book.text(sheet, 1, 0, _("Values of the period, sorted by client and revenue."), "subtitle")
    _header(
        book,
        sheet,
        3,
        [_("Client ID"), _("Category"), _("Revenue"), _("Gross margin"), _("Quantity")],
        [12, 24, 14, 14, 12],
    )
    if rows is None:
        return 0
    fm, fn = book.fmt("money"), book.fmt("number")
    for i, rec in enumerate(rows.itertuples(index=False)):
        row = 4 + i
        book.text(sheet, row, 0, rec.client_id)
        book.text(sheet, row, 1, rec.category)
        sheet.write_number(row, 2, float(rec.revenue), fm)
        sheet.write_number(row, 3, float(rec.gross_margin), fm)
        sheet.write_number(row, 4, float(rec.quantity), fn)
    sheet.autofilter(3, 0, 3 + max(len(rows), 1), 4)
    sheet.freeze_panes(4, 1)
    book.print_setup(sheet, 3)
    return len(rows)


def write_policy_sheet(book: Book, layout: SettingsLayout, model: Columns, n: int) -> None:
    """Per group and rule: how many clients break it and what it costs."""
    _ = book._
    sheet = book.sheet(POLICY)
    book.text(sheet, 0, 0, _("Client policy: where service breaks the group's rules"), "title")
    book.text(
        sheet,
        1,
        0,
        _(
            "Each group's rules are on the Settings sheet; per client in the "
            "Model sheet's Deviation columns."
        ),
        "subtitle",
    )
    rules = [r for r in POLICY_RULES if f"dev__{r}" in model.index]
    groups = layout.groups
    heads = [_("Rule")]
    for g in groups:
        heads += [f"{g}: " + _("clients"), f"{g}: " + _("cost")]
    sheet.set_row(3, 30)
    _header(book, sheet, 3, heads, [34] + [11, 14] * len(groups))
    seg = model.range("segment", n)
    for i, rule in enumerate(rules):
        row = 4 + i
        book.text(sheet, row, 0, rule_label(rule, book.lang), "label")
        dev = model.range(f"dev__{rule}", n)
        for j, g in enumerate(groups):
            sheet.write_formula(
                row, 1 + 2 * j, f'=COUNTIFS({seg},"{g}",{dev},">0")', book.fmt("number")
            )
            sheet.write_formula(row, 2 + 2 * j, f'=SUMIF({seg},"{g}",{dev})', book.fmt("money"))
    row = 4 + len(rules)
    book.text(sheet, row, 0, _("All rules"), "label")
    for j in range(len(groups)):
        c = column(2 + 2 * j)
        sheet.write_formula(row, 2 + 2 * j, f"=SUM({c}5:{c}{row})", book.fmt("bold_money"))
    sheet.freeze_panes(4, 1)
    book.print_setup(sheet, 3)


def write_career_sheet(book: Book, layout: SettingsLayout, model: Columns, n: int) -> None:
    """The ladder (from Settings) with the clients on each level, per group."""
    _ = book._
    sheet = book.sheet(CAREER)
    book.text(sheet, 0, 0, _("The client career path"), "title")
    book.text(
        sheet,
        1,
        0,
        _(
            "Levels and criteria are on the Settings sheet; each client's level, "
            "next level and gaps are in the Model sheet."
        ),
        "subtitle",
    )
    heads = [
        _("Level"),
        _("Revenue a month at least"),
        _("Categories at least"),
        _("Orders a month at most"),
        _("Changes per order at most"),
        _("Clients"),
    ]
    heads += [SEGMENT_LABELS[s][book.lang] for s in SEGMENTS] + [_("Perks")]
    sheet.set_row(3, 30)
    _header(book, sheet, 3, heads, [14, 14, 11, 11, 11, 9] + [12] * len(SEGMENTS) + [60])
    if "level" not in model.index:
        return
    lvl, seg = model.range("level", n), model.range("segment", n)
    for i in range(1, layout.career_levels + 1):
        row, r = 3 + i, 4 + i
        for col, name, fmt in (
            (0, "career_code", "label"),
            (1, "career_min_revenue", "money"),
            (2, "career_min_categories", "number"),
            (3, "career_max_orders", "number1"),
            (4, "career_max_changes", "number2"),
        ):
            sheet.write_formula(
                row, col, f"=INDEX({name},{i})" + ('&""' if col == 0 else ""), book.fmt(fmt)
            )
        sheet.write_formula(row, 5, f"=COUNTIF({lvl},A{r})", book.fmt("bold_number"))
        for j, s in enumerate(SEGMENTS):
            sheet.write_formula(
                row, 6 + j, f'=COUNTIFS({lvl},A{r},{seg},"{s}")', book.fmt("number")
            )
        sheet.write_formula(
            row, 6 + len(SEGMENTS), f'=INDEX(career_perks,{i})&""', book.fmt("wrap")
        )
    sheet.freeze_panes(4, 1)
    book.print_setup(sheet, 3)
