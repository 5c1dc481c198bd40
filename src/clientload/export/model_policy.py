"""The Model table's career and policy columns: the client's level on the career ladder and
the gaps to the next one (`clientload.model.career`), and the cost of each deviation from its
group's rules (`clientload.model.policy`)."""

from __future__ import annotations

from clientload.export.model_costs import pick_waiting, waiting_column
from clientload.export.model_reader import Reader
from clientload.export.settings_sheet import SettingsLayout, act_name
from clientload.export.tables import TableColumn, TableColumns
from clientload.model.labels import rule_label

POLICY_RULES = (
    "order_changes",
    "urgent_share",
    "min_order_value",
    "channel",
    "free_delivery",
    "payment",
    "max_waiting_days",
)
RULE_KEYS = {
    "order_changes": "free_changes_per_order",
    "urgent_share": "max_urgent_share",
    "min_order_value": "min_order_value",
    "channel": "channel",
    "free_delivery": "free_delivery",
    "payment": "payment",
    "max_waiting_days": "max_waiting_days",
}


def career_columns(m: TableColumns, layout: SettingsLayout, _) -> None:
    """The client's level: the highest level listing its group, else (a group no level lists)
    the highest whose four criteria it meets; the gaps to the next level are that level's
    criteria, and where the next level holds core clients what the core rule asks too: the
    smallest large client's revenue a month, ⌈core breadth × range⌉ categories, regularity
    within core_max_cv (`clientload.model.career`)."""
    levels = layout.career_levels
    if not levels:
        return
    t = m.this

    def add(key: str, label: str, formula: str, fmt: str, width: float = 10) -> None:
        m.add(TableColumn(key, label, fmt, width, "=" + formula))

    def meets(i: int) -> str:
        return (
            f"AND({t('monthly_revenue')}>=INDEX(career_min_revenue,{i}),"
            f"{t('categories_bought')}>=INDEX(career_min_categories,{i}),"
            f"{t('orders_per_month')}<=INDEX(career_max_orders,{i}),"
            f"{t('changes_per_order')}<=INDEX(career_max_changes,{i}))"
        )

    add(
        "career_group_col",
        _("Column of the group on the ladder"),
        f"IFERROR(MATCH({t('segment')},career_group_codes,0),0)",
        "number",
        6,
    )
    col = t("career_group_col")
    by_group = "0"
    for i in range(1, levels + 1):
        by_group = f"IF(INDEX(career_groups,{i},{col})=TRUE,{i},{by_group})"
    add(
        "level_of_group",
        _("Highest level listing the group"),
        f"IF({col}=0,0,{by_group})",
        "number",
        7,
    )
    by_criteria = "0"
    for i in range(1, levels + 1):
        by_criteria = f"IF({meets(i)},{i},{by_criteria})"
    of_group = t("level_of_group")
    add(
        "level_number",
        _("Career level, number"),
        f"IF({of_group}>0,{of_group},{by_criteria})",
        "number",
        7,
    )
    ln = t("level_number")
    nxt = f"{ln}<ROWS(career_code)"
    core_next = f"IF({nxt},INDEX(career_core,{ln}+1)=TRUE,FALSE)"
    add("level", _("Career level"), f'IF({ln}=0,"",INDEX(career_code,{ln}))&""', "text")
    add("next_level", _("Next level"), f'IF({nxt},INDEX(career_code,{ln}+1)&"","")', "text")
    revenue_need = (
        f"IF({core_next},MAX(INDEX(career_min_revenue,{ln}+1),core_revenue_cut/period_months),"
        f"INDEX(career_min_revenue,{ln}+1))"
    )
    add(
        "revenue_gap",
        _("Revenue a month to add"),
        f'IF({nxt},MAX({revenue_need}-{t("monthly_revenue")},0),"")',
        "money",
    )
    categories_need = (
        f"IF({core_next},MAX(INDEX(career_min_categories,{ln}+1),"
        f"CEILING(seg_core_min_breadth*MAX(range_categories,1),1)),"
        f"INDEX(career_min_categories,{ln}+1))"
    )
    add(
        "categories_gap",
        _("Categories to add"),
        f'IF({nxt},MAX({categories_need}-{t("categories_bought")},0),"")',
        "number",
    )
    add(
        "orders_to_cut",
        _("Orders a month to cut"),
        f'IF({nxt},MAX({t("orders_per_month")}-INDEX(career_max_orders,{ln}+1),0),"")',
        "number1",
    )
    add(
        "changes_to_cut",
        _("Changes per order to cut"),
        f'IF({nxt},MAX({t("changes_per_order")}-INDEX(career_max_changes,{ln}+1),0),"")',
        "number2",
    )
    add(
        "regularity_to_cut",
        _("Variation of revenue to cut"),
        f'IF({core_next},MAX(N({t("regularity_cv")})-seg_core_max_cv,0),"")',
        "number2",
    )
    add(
        "next_perks",
        _("The next level unlocks"),
        f'IF({nxt},INDEX(career_perks,{ln}+1)&"","")',
        "text",
        30,
    )


def policy_columns(
    m: TableColumns,
    reader: Reader,
    settings,
    layout: SettingsLayout,
    thresholds: tuple[float, ...],
    _,
    lang: str,
) -> None:
    rules = [r for r in POLICY_RULES if RULE_KEYS[r] in layout.policy_keys]
    if not rules:
        return
    t = m.this

    def add(key: str, label: str, formula: str, fmt: str, width: float = 12) -> None:
        m.add(TableColumn(key, label, fmt, width, "=" + formula))

    order_acts = [a for a, act in settings.activities.items() if act.driver == "orders"]
    parts = (
        "+".join(
            f"{t('act__' + a)}*INDEX(dept_cpm,MATCH({act_name('dept', a)},dept_names,0))"
            for a in order_acts
        )
        or "0"
    )
    add(
        "order_handling_cost",
        _("Cost of handling one order"),
        f"IF({t('orders')}>0,({parts})/{t('orders')},0)",
        "money2",
    )
    add(
        "policy_col",
        _("Policy column"),
        f"IFERROR(MATCH({t('segment')},pol_groups,0),0)",
        "number",
        6,
    )
    pc = t("policy_col")

    def param(key: str) -> str:
        return f"INDEX(pol_{key},{pc})"

    small = "0"
    for i, threshold in reversed(list(enumerate(thresholds))):
        small = f"IF({param('min_order_value')}={threshold!r},{t(f'small_orders_{i}')},{small})"
    formulas = {
        "order_changes": (
            f"MAX({t('changes')}-{t('orders')}*{param('free_changes_per_order')},0)"
            "*unit_cost_order_changes"
        ),
        "urgent_share": (
            f"MAX({t('urgent_orders')}-INT({t('orders')}*{param('max_urgent_share')}),0)"
            "*unit_cost_urgent_orders"
        ),
        "min_order_value": (
            f"IF({param('min_order_value')}>0,{small}*{t('order_handling_cost')},0)"
        ),
        "channel": (
            f'IF({param("channel")}="portal",MAX({t("orders_with_source")}-'
            f"{t('portal_orders')},0)*{t('order_handling_cost')},0)"
        ),
        "free_delivery": (f"IF({param('free_delivery')},0,{t('deliveries')}*unit_cost_deliveries)"),
        "payment": (
            f'IF(AND({param("payment")}="prepayment",N({t("dso_days")})>0),'
            f"{t('revenue')}*N({t('dso_days')})/365*cost_of_capital,0)"
        ),
    }
    if "max_waiting_days" in rules:
        # Days beyond the group's allowance (never shorter than the free days), costed at the
        # value-day rate (`clientload.model.policy`); a group without the rule has none.
        limit = param("max_waiting_days")
        add(
            "waiting_allowed_days",
            _("Days goods may wait in our warehouse"),
            f'IF(AND({pc}>0,ISNUMBER({limit})),MAX({limit},free_days),"")',
            "number",
            8,
        )
        waiting_column(
            m, "waiting_col_allowed", _("Waiting column of the allowed days"),
            t("waiting_allowed_days"),
        )
        add(
            "waiting_value_days_over",
            _("Order value × days waiting beyond the allowed"),
            pick_waiting(reader, t("waiting_col_allowed"), "waiting_value_days"),
            "money",
        )
        formulas["max_waiting_days"] = f"{t('waiting_value_days_over')}*value_day_rate"
    for rule in rules:
        add(
            f"dev__{rule}",
            _("Deviation: ") + rule_label(rule, lang),
            f"IF({pc}=0,0,{formulas[rule]})",
            "money",
        )
    add(
        "deviations_cost",
        _("Cost of policy deviations"),
        "+".join(t(f"dev__{r}") for r in rules),
        "bold_money",
        13,
    )
