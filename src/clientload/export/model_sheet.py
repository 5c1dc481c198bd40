"""The Model sheet: formulas only, one row per client of the Data sheet.

Load minutes per activity from the time equations and the Settings sheet's standard minutes;
minutes and cost per department at its cost per minute; storage and financing; contribution and
rates; ABC, XYZ and the group by the engine's rules (`clientload.model.segments`); the career
level and its gaps; the cost of each policy deviation. The Data sheet is sorted by revenue
(largest first, ties by client id, the engine's order), so the rank by revenue is the row number
and the revenue before a client a running sum. ABC by contribution compares each contribution
with the last A and B clients' contribution, found once on the Whale curve sheet; the rank by
contribution (RANK + COUNTIFS, ties by row order; quadratic) is there only up to
WHALE_CLIENT_LIMIT clients, for the per-client whale curve.
"""

from __future__ import annotations

from clientload.export.book import Book, column
from clientload.export.grid import FIRST_ROW, HEADER_ROW, Column, Columns
from clientload.export.inputs import WorkbookInputs
from clientload.export.settings_sheet import SettingsLayout, act_name, dept_cpm
from clientload.model.costing import DRIVER_COLUMNS
from clientload.model.labels import SEGMENT_LABELS, rule_label

SHEET = "Model"
WHALE_CLIENT_LIMIT = 5_000  # above: the whale curve at percentiles, no rank by contribution

POLICY_RULES = (
    "order_changes",
    "urgent_share",
    "min_order_value",
    "channel",
    "free_delivery",
    "payment",
)
RULE_KEYS = {
    "order_changes": "free_changes_per_order",
    "urgent_share": "max_urgent_share",
    "min_order_value": "min_order_value",
    "channel": "channel",
    "free_delivery": "free_delivery",
    "payment": "payment",
}


def model_columns(
    book: Book, inputs: WorkbookInputs, layout: SettingsLayout, data: Columns
) -> Columns:
    _ = book._
    n = len(inputs.clients)
    cols = Columns(SHEET)

    def D(key: str, r: int) -> str:
        return data.ref(key, r, other_sheet=True)

    def M(key: str, r: int) -> str:
        return cols.ref(key, r)

    def R(key: str) -> str:
        return cols.range(key, n)

    def add(key: str, header: str, fmt: str, formula, width: float = 12, above=None) -> None:
        cols.add(Column(key, header, fmt, width, formula=formula, above=above))

    add("client_id", _("Client ID"), "text", lambda r: f'={D("client_id", r)}&""', 12)
    add("name", _("Client"), "text", lambda r: f'={D("name", r)}&""', 26)
    add("revenue", _("Revenue"), "money", lambda r: f"={D('revenue', r)}", 14)
    add(
        "gross_margin",
        _("Gross margin"),
        "money",
        lambda r: f"={D('revenue', r)}-{D('cost_of_goods', r)}",
        14,
    )
    add(
        "margin_rate",
        _("Margin, %"),
        "percent",
        lambda r: f'=IF({M("revenue", r)}<>0,{M("gross_margin", r)}/{M("revenue", r)},"")',
    )

    acts = inputs.settings.activities
    for name, act in acts.items():
        if act.driver == "orders":

            def f(r, a=name):
                return (
                    f"={D('orders', r)}*{act_name('min', a)}+{D('order_lines', r)}*"
                    f"{act_name('line', a)}+{D('urgent_orders', r)}*{act_name('urgent', a)}"
                )
        elif act.driver == "interactions":

            def f(r, a=name):
                return f"={D(a + '__recorded', r)}+{D(a + '__unrecorded', r)}*{act_name('min', a)}"
        else:

            def f(r, a=name, d=DRIVER_COLUMNS[act.driver]):
                return f"={D(d, r)}*{act_name('min', a)}"

        add(
            f"act__{name}",
            f"{name}, " + _("min"),
            "number",
            f,
            10,
            above=f"={act_name('dept', name)}",
        )
    first_act, last_act = (cols.letter(f"act__{a}") for a in (next(iter(acts)), list(acts)[-1]))
    add(
        "load_minutes",
        _("Load, minutes"),
        "bold_number",
        lambda r: f"=SUM({first_act}{r}:{last_act}{r})",
        12,
    )
    for dept in layout.departments:

        def f(r, d=dept):
            return (
                f'=SUMIF(${first_act}${HEADER_ROW}:${last_act}${HEADER_ROW},"{d}",'
                f"{first_act}{r}:{last_act}{r})"
            )

        add(f"min__{dept}", f"{dept}, " + _("min"), "number", f, 10)
    for dept in layout.departments:
        add(
            f"cost__{dept}",
            f"{dept}, " + _("cost"),
            "money",
            lambda r, d=dept: f"={M('min__' + d, r)}*{dept_cpm(d)}",
            12,
        )
    first_cost, last_cost = (
        cols.letter(f"cost__{d}") for d in (layout.departments[0], layout.departments[-1])
    )
    add(
        "activity_cost",
        _("Cost of the load"),
        "money",
        lambda r: f"=SUM({first_cost}{r}:{last_cost}{r})",
        13,
    )
    add(
        "storage_cost",
        _("Storage"),
        "money",
        lambda r: f"={D('pallet_days', r)}*pallet_day_rate+{D('value_days', r)}*value_day_rate",
    )
    add(
        "financing_cost",
        _("Financing"),
        "money",
        lambda r: f"={D('overdue_amount_days', r)}*cost_of_capital/365",
    )
    add(
        "cost_to_serve",
        _("Cost to serve"),
        "bold_money",
        lambda r: f"={M('activity_cost', r)}+{M('storage_cost', r)}+{M('financing_cost', r)}",
        14,
    )
    add(
        "contribution",
        _("Contribution"),
        "bold_money",
        lambda r: f"={M('gross_margin', r)}-{M('cost_to_serve', r)}",
        14,
    )
    add(
        "contribution_rate",
        _("Contribution, %"),
        "percent",
        lambda r: f'=IF({M("revenue", r)}<>0,{M("contribution", r)}/{M("revenue", r)},"")',
    )
    # Operating metrics.
    add(
        "orders_per_month",
        _("Orders a month"),
        "number1",
        lambda r: f"={D('orders', r)}/period_months",
    )
    add(
        "monthly_revenue",
        _("Revenue a month"),
        "money",
        lambda r: f"={M('revenue', r)}/period_months",
    )
    add(
        "changes_per_order",
        _("Changes per order"),
        "number2",
        lambda r: f"=IF({D('orders', r)}>0,{D('changes', r)}/{D('orders', r)},0)",
    )
    add(
        "urgent_share",
        _("Urgent, %"),
        "percent",
        lambda r: f'=IF({D("orders", r)}>0,{D("urgent_orders", r)}/{D("orders", r)},"")',
    )
    add(
        "load_per_1000",
        _("Minutes per 1,000 of revenue"),
        "number1",
        lambda r: f'=IF({M("revenue", r)}<>0,{M("load_minutes", r)}*1000/{M("revenue", r)},"")',
    )
    add(
        "breadth",
        _("Range breadth"),
        "percent",
        lambda r: f"={D('categories_bought', r)}/MAX(range_categories,1)",
    )
    first_month = data.letter(f"m{inputs.month_starts[0]:%Y%m}")
    last_month = data.letter(f"m{inputs.month_starts[-1]:%Y%m}")

    def active_months(r: int) -> str:
        start = f"MAX({D('first_date', r)},period_start)"
        return (
            f'=IF({D("first_date", r)}="","",YEAR(period_end)*12+MONTH(period_end)'
            f"-YEAR({start})*12-MONTH({start})+1)"
        )

    add("active_months", _("Months since the first purchase"), "number", active_months)

    def cv(r: int) -> str:
        am, rev = M("active_months", r), M("revenue", r)
        sumsq = f"SUMSQ(Data!{first_month}{r}:{last_month}{r})"
        return (
            f'=IF(AND({rev}>0,{am}<>""),SQRT(MAX({sumsq}/{am}-({rev}/{am})^2,0))/({rev}/{am}),"")'
        )

    add("cv", _("Variation of monthly revenue"), "number2", cv)
    add(
        "growth",
        _("Growth"),
        "percent",
        lambda r: (
            f"=IF({D('previous_revenue', r)}<>0,({M('revenue', r)}-"
            f'{D("previous_revenue", r)})/{D("previous_revenue", r)},"")'
        ),
    )
    # Ranks and cumulative shares, ties broken by row order. The Data sheet is sorted by revenue
    # (largest first, ties by client id, the engine's order), so the rank by revenue is the row
    # number and the revenue before a client is a running sum: linear in the clients. The check
    # above the rank column says when pasted data is not in that order.
    add("row_no", _("Row"), "number", lambda r: "=ROW()", 6)
    rank_labels = {
        "rank_revenue": _("Rank by revenue"),
        "rank_contribution": _("Rank by contribution"),
    }
    abc_labels = {"abc_revenue": _("ABC by revenue"), "abc_contribution": _("ABC by contribution")}
    rev = data.letter("revenue")
    if n >= 2:
        unsorted = (
            f"SUMPRODUCT(--(Data!${rev}${FIRST_ROW + 1}:${rev}${FIRST_ROW + n - 1}"
            f"<Data!${rev}${FIRST_ROW + 2}:${rev}${FIRST_ROW + n}))"
        )
        sort_check = f'=IF({unsorted}>0,"{_("Sort Data by revenue!")}","")'
    else:
        sort_check = '=""'
    add(
        "rank_revenue",
        rank_labels["rank_revenue"],
        "number",
        lambda r: f"=ROW()-{FIRST_ROW}",
        8,
        above=sort_check,
    )
    # The rank by contribution lists the clients on the Whale curve sheet, up to
    # WHALE_CLIENT_LIMIT clients (above, that sheet shows percentiles and needs no rank). The tie
    # count is a COUNTIFS over whole columns (row number below this one), not a COUNTIF over a
    # growing range: LibreOffice caches lookups over a whole range, ten times faster there.

    def rank_contribution(r: int) -> str:
        own = M("contribution", r)
        before = f'COUNTIFS({R("contribution")},{own},{R("row_no")},"<"&{M("row_no", r)})'
        return f"=RANK({own},{R('contribution')},0)+{before}"

    if n <= WHALE_CLIENT_LIMIT:
        add("rank_contribution", rank_labels["rank_contribution"], "number", rank_contribution, 8)
    # The positive revenue of the clients above: the previous row's figure plus its amount. The
    # amount and the total are read from the Data sheet's values: LibreOffice's threaded
    # calculation gives #VALUE! for a running sum that reads another formula column of this sheet.
    add(
        "revenue_before",
        _("Revenue of the clients before"),
        "money",
        lambda r: (
            "=0"
            if r == FIRST_ROW + 1
            else f"={M('revenue_before', r - 1)}+MAX({D('revenue', r - 1)},0)"
        ),
        12,
        above=f'=SUMIF(Data!${rev}${FIRST_ROW + 1}:${rev}${FIRST_ROW + max(n, 1)},">0")',
    )
    total_pos = f"${cols.letter('revenue_before')}${HEADER_ROW}"
    add(
        "before_revenue",
        _("Share of the clients before"),
        "percent",
        # A total of zero (no positive amount) puts every client after the line, as the engine.
        lambda r: f"=IFERROR({M('revenue_before', r)}/{total_pos},1)",
        10,
    )

    for key, amount in (("revenue_pos", "revenue"), ("contribution_pos", "contribution")):
        add(key, _("Counted in ABC"), "money", lambda r, a=amount: f"=MAX({M(a, r)},0)", 12)
    before = lambda r: M("before_revenue", r)  # noqa: E731
    add(
        "abc_revenue",
        abc_labels["abc_revenue"],
        "text",
        lambda r: (
            f'=IF({M("revenue_pos", r)}<=0,"C",IF({before(r)}<seg_abc_a_share,"A",'
            f'IF({before(r)}<seg_abc_b_share,"B","C")))'
        ),
        8,
    )
    # By contribution: the last A (B) client's contribution is found once, by a bisection on the
    # Whale curve sheet (abc_contribution_a_cut, _b_cut); a client is A from that amount up.
    # Odd and even rows compare in mirrored order so that no two neighbours are the same
    # formula: LibreOffice then computes them one by one, not as a threaded group, which reports
    # a false circular reference (#VALUE!) for a group reading a cell over the contributions.

    def abc_contribution(r: int) -> str:
        own = M("contribution", r)
        a, b = (
            (f"{own}>=abc_contribution_a_cut", f"{own}>=abc_contribution_b_cut")
            if r % 2
            else (f"abc_contribution_a_cut<={own}", f"abc_contribution_b_cut<={own}")
        )
        return f'=IF({M("contribution_pos", r)}<=0,"C",IF({a},"A",IF({b},"B","C")))'

    add("abc_contribution", abc_labels["abc_contribution"], "text", abc_contribution, 8)
    add(
        "xyz",
        "XYZ",
        "text",
        lambda r: (
            f'=IF({M("cv", r)}="","Z",IF({M("cv", r)}<=seg_xyz_x_max_cv,"X",'
            f'IF({M("cv", r)}<=seg_xyz_y_max_cv,"Y","Z")))'
        ),
        6,
    )
    # The group, by the engine's rules in their order.
    add(
        "is_new",
        _("New"),
        "text",
        lambda r: (
            f'=AND({D("first_date", r)}<>"",{D("first_date", r)}>='
            f"EDATE(period_end+1,-new_client_months))"
        ),
        7,
    )
    add(
        "is_lapsed",
        _("Lapsed"),
        "text",
        lambda r: f'=OR({D("last_date", r)}="",{D("last_date", r)}<period_end-(lapsed_days-1))',
        7,
    )
    add(
        "is_large",
        _("Large"),
        "text",
        lambda r: f"=AND({M('revenue', r)}>0,{M('before_revenue', r)}<seg_core_min_revenue_share)",
        7,
    )
    add(
        "is_core",
        _("Core rules met"),
        "text",
        lambda r: (
            f"=AND({M('is_large', r)},{M('breadth', r)}>=seg_core_min_breadth,"
            f'{M("cv", r)}<>"",N({M("cv", r)})<=seg_core_max_cv)'
        ),
        7,
    )
    # The company's margin by name: its total depends on the Data sheet alone, which
    # LibreOffice's threaded calculation handles (unlike totals of computed columns).
    company_margin = "co_margin_rate"
    add(
        "is_growing",
        _("Growing rules met"),
        "text",
        lambda r: (
            # IF, not AND, so that the company's margin is summed for profitable clients only.
            # An assumed margin (lines without cost) earns no premium and does not count against
            # a large client: the engine's `margin_known`.
            f'=IF({M("contribution", r)}>0,OR(AND({M("growth", r)}<>"",'
            f'N({M("growth", r)})>=seg_growing_min_growth),AND({D("assumed_lines", r)}=0,'
            f'{M("margin_rate", r)}<>"",'
            f"N({M('margin_rate', r)})>={company_margin}+seg_growing_min_margin_premium),"
            f'AND(seg_growing_includes_large,{M("is_large", r)},OR({D("assumed_lines", r)}>0,'
            f'AND({M("margin_rate", r)}<>"",'
            f"N({M('margin_rate', r)})>{company_margin}-seg_price_driven_max_margin_rate)))),"
            "FALSE)"
        ),
        7,
    )
    add(
        "segment",
        _("Group"),
        "bold_text",
        lambda r: (
            f'=IF({M("is_new", r)},"new",IF({M("is_lapsed", r)},"lapsed",'
            f'IF({M("is_core", r)},"core",IF({M("is_growing", r)},"growing",'
            f'"price_driven"))))'
        ),
        12,
    )
    lang = book.lang

    def label(r: int) -> str:
        out = '"' + SEGMENT_LABELS["price_driven"][lang] + '"'
        for code in ("lapsed", "new", "growing", "core"):
            out = f'IF({M("segment", r)}="{code}","{SEGMENT_LABELS[code][lang]}",{out})'
        return "=" + out

    add("segment_label", _("Group name"), "text", label, 20)
    _career_columns(book, cols, layout, add, M)
    _policy_columns(book, inputs, layout, cols, data, add, D, M)
    return cols


def _career_columns(book, cols, layout, add, M) -> None:
    _ = book._
    levels = layout.career_levels
    if not levels:
        return

    def meets(r: int, i: int) -> str:
        return (
            f"AND({M('monthly_revenue', r)}>=INDEX(career_min_revenue,{i}),"
            f"Data!{{cat}}{r}>=INDEX(career_min_categories,{i}),"
            f"{M('orders_per_month', r)}<=INDEX(career_max_orders,{i}),"
            f"{M('changes_per_order', r)}<=INDEX(career_max_changes,{i}))"
        )

    def level_number(r: int) -> str:
        out = "0"
        for i in range(1, levels + 1):
            out = f"IF({meets(r, i)},{i},{out})"
        return "=" + out

    add("level_number", _("Career level, number"), "number", level_number, 7)
    ln = lambda r: M("level_number", r)  # noqa: E731
    add(
        "level",
        _("Career level"),
        "text",
        lambda r: f'=IF({ln(r)}=0,"",INDEX(career_code,{ln(r)}))&""',
        10,
    )
    nxt = lambda r: f"{ln(r)}<ROWS(career_code)"  # noqa: E731
    add(
        "next_level",
        _("Next level"),
        "text",
        lambda r: f'=IF({nxt(r)},INDEX(career_code,{ln(r)}+1)&"","")',
        10,
    )
    add(
        "revenue_gap",
        _("Revenue a month to add"),
        "money",
        lambda r: (
            f'=IF({nxt(r)},MAX(INDEX(career_min_revenue,{ln(r)}+1)-{M("monthly_revenue", r)},0),"")'
        ),
    )
    add(
        "categories_gap",
        _("Categories to add"),
        "number",
        lambda r: f'=IF({nxt(r)},MAX(INDEX(career_min_categories,{ln(r)}+1)-Data!{{cat}}{r},0),"")',
    )
    add(
        "orders_to_cut",
        _("Orders a month to cut"),
        "number1",
        lambda r: (
            f'=IF({nxt(r)},MAX({M("orders_per_month", r)}-INDEX(career_max_orders,{ln(r)}+1),0),"")'
        ),
    )
    add(
        "changes_to_cut",
        _("Changes per order to cut"),
        "number2",
        lambda r: (
            f"=IF({nxt(r)},MAX({M('changes_per_order', r)}-"
            f'INDEX(career_max_changes,{ln(r)}+1),0),"")'
        ),
    )
    add(
        "next_perks",
        _("The next level unlocks"),
        "text",
        lambda r: f'=IF({nxt(r)},INDEX(career_perks,{ln(r)}+1)&"","")',
        30,
    )


def _policy_columns(book, inputs, layout, cols, data, add, D, M) -> None:
    _ = book._
    rules = [r for r in POLICY_RULES if RULE_KEYS[r] in layout.policy_keys]
    if not rules:
        return
    order_acts = [a for a, act in inputs.settings.activities.items() if act.driver == "orders"]

    def handling(r: int) -> str:
        parts = (
            "+".join(
                f"{M('act__' + a, r)}*INDEX(dept_cpm,MATCH({act_name('dept', a)},dept_names,0))"
                for a in order_acts
            )
            or "0"
        )
        return f"=IF({D('orders', r)}>0,({parts})/{D('orders', r)},0)"

    add("order_handling_cost", _("Cost of handling one order"), "money2", handling)
    add(
        "policy_col",
        _("Policy column"),
        "number",
        lambda r: f"=IFERROR(MATCH({M('segment', r)},pol_groups,0),0)",
        6,
    )
    pc = lambda r: M("policy_col", r)  # noqa: E731

    def rule_param(key: str, r: int) -> str:
        return f"INDEX(pol_{key},{pc(r)})"

    small_first = small_last = None
    if inputs.thresholds:
        small_first = data.letter("small_orders_0")
        small_last = data.letter(f"small_orders_{len(inputs.thresholds) - 1}")
    formulas = {
        "order_changes": lambda r: (
            f"MAX({D('changes', r)}-{D('orders', r)}*{rule_param('free_changes_per_order', r)},0)"
            f"*unit_cost_order_changes"
        ),
        "urgent_share": lambda r: (
            f"MAX({D('urgent_orders', r)}-INT({D('orders', r)}*"
            f"{rule_param('max_urgent_share', r)}),0)*unit_cost_urgent_orders"
        ),
        "min_order_value": lambda r: (
            (
                f"IF({rule_param('min_order_value', r)}>0,IFERROR(INDEX(Data!${small_first}{r}:"
                f"${small_last}{r},MATCH({rule_param('min_order_value', r)},Data!${small_first}$3:"
                f"${small_last}$3,0)),0)*{M('order_handling_cost', r)},0)"
            )
            if small_first
            else "0"
        ),
        "channel": lambda r: (
            f'IF({rule_param("channel", r)}="portal",MAX({D("orders_with_source", r)}-'
            f"{D('portal_orders', r)},0)*{M('order_handling_cost', r)},0)"
        ),
        "free_delivery": lambda r: (
            f"IF({rule_param('free_delivery', r)},0,{D('deliveries', r)}*unit_cost_deliveries)"
        ),
        "payment": lambda r: (
            f'IF(AND({rule_param("payment", r)}="prepayment",N({D("dso_days", r)})>0),'
            f"{M('revenue', r)}*N({D('dso_days', r)})/365*cost_of_capital,0)"
        ),
    }
    for rule in rules:
        add(
            f"dev__{rule}",
            _("Deviation: ") + rule_label(rule, book.lang),
            "money",
            lambda r, f=formulas[rule]: f"=IF({pc(r)}=0,0,{f(r)})",
            12,
        )
    first, last = cols.letter(f"dev__{rules[0]}"), cols.letter(f"dev__{rules[-1]}")
    add(
        "deviations_cost",
        _("Cost of policy deviations"),
        "bold_money",
        lambda r: f"=SUM({first}{r}:{last}{r})",
        13,
    )


# A row number no formula can hold otherwise: each column's formula is built once with it and
# the rows are written by joining the pieces around it (building 4 million formulas through the
# column's closures took most of the writing time at 50,000 clients).
_ROW_MARK = "987654321"


def _row_template(formula, cat: str) -> list[str] | None:
    """The column's formula split around the row number, `{cat}` filled in; None when the
    formula refers to other rows (it is then built row by row)."""
    text = formula(int(_ROW_MARK)).replace("{cat}", cat)
    following = formula(int(_ROW_MARK) + 1).replace("{cat}", cat)
    if following != text.replace(_ROW_MARK, str(int(_ROW_MARK) + 1)):
        return None
    return text.split(_ROW_MARK)


def write_model_sheet(book: Book, cols: Columns, data: Columns, n: int) -> None:
    _ = book._
    sheet = book.sheet(SHEET)
    cat = data.letter("categories_bought")
    book.text(sheet, 0, 0, _("Model: every figure is a formula over Data and Settings"), "title")
    # Company totals stand above their own columns (row 2); other sheets read them by name.
    totals = (
        ("co_clients", "client_id", f"=COUNTA({cols.range('client_id', n)})", "bold_number"),
        ("co_revenue", "revenue", f"=SUM({cols.range('revenue', n)})", "bold_money"),
        ("co_gross_margin", "gross_margin", f"=SUM({cols.range('gross_margin', n)})", "bold_money"),
        (
            "co_margin_rate",
            "margin_rate",
            "=IF(co_revenue<>0,co_gross_margin/co_revenue,0)",
            "bold_percent",
        ),
        ("co_contribution", "contribution", f"=SUM({cols.range('contribution', n)})", "bold_money"),
        ("co_revenue_pos", "revenue_pos", f"=SUM({cols.range('revenue_pos', n)})", "money"),
        (
            "co_contribution_pos",
            "contribution_pos",
            f"=SUM({cols.range('contribution_pos', n)})",
            "money",
        ),
    )
    book.text(sheet, 1, 1, _("All clients"), "label")
    for name, key, formula, fmt in totals:
        idx = cols.index[key]
        sheet.write_formula(1, idx, formula, book.fmt(fmt))
        book.define(name, SHEET, f"${column(idx)}$2")
    for i, c in enumerate(cols.items):
        sheet.set_column(i, i, c.width)
        if isinstance(c.above, str):
            sheet.write_formula(2, i, c.above, book.fmt("note"))
    sheet.set_row(HEADER_ROW, 42)
    for i, c in enumerate(cols.items):
        book.text(sheet, HEADER_ROW, i, c.header, "header")
    formats = [book.fmt(c.fmt) for c in cols.items]
    templates = [_row_template(c.formula, cat) for c in cols.items]
    write = sheet.write_formula
    for k in range(n):
        row = FIRST_ROW + k
        r = str(row + 1)
        for i, parts in enumerate(templates):
            if parts is None:
                formula = cols.items[i].formula(row + 1).replace("{cat}", cat)
            else:
                formula = r.join(parts)
            write(row, i, formula, formats[i])
    last = FIRST_ROW + max(n, 1) - 1
    sheet.autofilter(HEADER_ROW, 0, last, len(cols.items) - 1)
    sheet.freeze_panes(FIRST_ROW, 2)
    book.print_setup(sheet, HEADER_ROW, pages_wide=4)
    for key in ("contribution",):
        idx = cols.index[key]
        sheet.conditional_format(
            FIRST_ROW,
            idx,
            last,
            idx,
            {
                "type": "cell",
                "criteria": "<",
                "value": 0,
                "format": book.workbook.add_format(
                    {"font_color": "#C00000", "bg_color": "#FCE4D6"}
                ),
            },
        )
    idx = cols.index["load_minutes"]
    sheet.conditional_format(
        FIRST_ROW, idx, last, idx, {"type": "data_bar", "bar_color": "#9DC3E6"}
    )
    for name in (
        "client_id",
        "revenue",
        "gross_margin",
        "cost_to_serve",
        "contribution",
        "load_minutes",
        "segment",
        "rank_contribution",
        "rank_load",
        "deviations_cost",
        "level",
        "next_level",
        "monthly_revenue",
        "categories_gap",
        "revenue_gap",
        "abc_revenue",
        "xyz",
        "name",
        "load_per_1000",
        "margin_rate",
        "contribution_rate",
    ):
        if name in cols.index:
            ref = cols.range(name, n).split("!", 1)[1]
            book.define(f"m_{name}", SHEET, ref)
