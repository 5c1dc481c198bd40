"""The Model table's costing columns: minutes per activity from the time equations, minutes
and cost per department, storage, financing, cost to serve, contribution and the operating
metrics (Kaplan & Anderson's time-driven costing, as `clientload.model.costing`)."""

from __future__ import annotations

from clientload.export.model_data import Reader
from clientload.export.rows import MonthColumns
from clientload.export.settings_sheet import SettingsLayout, act_name, dept_cpm
from clientload.export.tables import TableColumn, TableColumns
from clientload.model.costing import DRIVER_COLUMNS


def cost_columns(
    m: TableColumns, r: Reader, months: MonthColumns, settings, layout: SettingsLayout, _
) -> None:
    def add(key: str, label: str, formula: str, fmt: str = "number", width: float = 11) -> None:
        m.add(TableColumn(key, label, fmt, width, "=" + formula))

    t = m.this
    for name, act in settings.activities.items():
        if act.driver == "orders":
            f = (
                f"{t('orders')}*{act_name('min', name)}+{t('order_lines')}*{act_name('line', name)}"
                f"+{t('urgent_orders')}*{act_name('urgent', name)}"
            )
        elif act.driver == "interactions":
            part = months.types[(act.type or "").lower().strip()]
            recorded, unrecorded = r.total("minutes_" + part), r.total("unrecorded_" + part)
            f = f"{recorded}+{unrecorded}*{act_name('min', name)}"
        else:
            f = f"{t(DRIVER_COLUMNS[act.driver])}*{act_name('min', name)}"
        add(f"act__{name}", f"{name}, " + _("min"), f, width=10)
    acts = list(settings.activities)
    add(
        "load_minutes",
        _("Load, minutes"),
        "+".join(t(f"act__{a}") for a in acts) or "0",
        "bold_number",
    )
    for dept in layout.departments:
        # The activity's department is read from Settings, so moving an activity there moves
        # its minutes here.
        terms = "+".join(f'({act_name("dept", a)}="{dept}")*{t("act__" + a)}' for a in acts)
        add(f"min__{dept}", f"{dept}, " + _("min"), terms or "0", width=10)
    for dept in layout.departments:
        add(
            f"cost__{dept}",
            f"{dept}, " + _("cost"),
            f"{t('min__' + dept)}*{dept_cpm(dept)}",
            "money",
        )
    add(
        "activity_cost",
        _("Cost of the load"),
        "+".join(t(f"cost__{d}") for d in layout.departments) or "0",
        "money",
        13,
    )
    add(
        "storage_cost",
        _("Storage"),
        f"{r.total('pallet_days')}*pallet_day_rate+{r.total('value_days')}*value_day_rate",
        "money",
    )
    add(
        "financing_cost",
        _("Financing"),
        f"{r.total('overdue_amount_days')}*cost_of_capital/365",
        "money",
    )
    add(
        "cost_to_serve",
        _("Cost to serve"),
        f"{t('activity_cost')}+{t('storage_cost')}+{t('financing_cost')}",
        "bold_money",
        14,
    )
    add(
        "contribution",
        _("Contribution"),
        f"{t('gross_margin')}-{t('cost_to_serve')}",
        "bold_money",
        14,
    )
    add(
        "contribution_rate",
        _("Contribution, %"),
        f'IF({t("revenue")}<>0,{t("contribution")}/{t("revenue")},"")',
        "percent",
    )
    add("orders_per_month", _("Orders a month"), f"{t('orders')}/period_months", "number1")
    add("monthly_revenue", _("Revenue a month"), f"{t('revenue')}/period_months", "money")
    add(
        "changes_per_order",
        _("Changes per order"),
        f"IF({t('orders')}>0,{t('changes')}/{t('orders')},0)",
        "number2",
    )
    add(
        "urgent_share",
        _("Urgent, %"),
        f'IF({t("orders")}>0,{t("urgent_orders")}/{t("orders")},"")',
        "percent",
    )
    add(
        "load_per_1000",
        _("Minutes per 1,000 of revenue"),
        f'IF({t("revenue")}<>0,{t("load_minutes")}*1000/{t("revenue")},"")',
        "number1",
    )
    add(
        "breadth",
        _("Range breadth"),
        f"{t('categories_bought')}/MAX(range_categories,1)",
        "percent",
    )
    start = f"MAX({t('first_date')},period_first_month)"
    add(
        "active_months",
        _("Months since the first purchase"),
        f'IF({t("first_date")}="","",YEAR(period_end)*12+MONTH(period_end)'
        f"-YEAR({start})*12-MONTH({start})+1)",
    )
    am, rev = t("active_months"), t("revenue")
    add(
        "cv",
        _("Variation of monthly revenue"),
        f'IF(AND({rev}>0,{am}<>""),SQRT(MAX({t("revenue_squares")}/{am}-({rev}/{am})^2,0))'
        f'/({rev}/{am}),"")',
        "number2",
    )
    prev = t("previous_revenue")
    add("growth", _("Growth"), f'IF({prev}<>0,({rev}-{prev})/{prev},"")', "percent")
