"""The Model table's costing columns: minutes per activity from the time equations, minutes
and cost per department, storage, financing, cost to serve, contribution and the operating
metrics (Kaplan & Anderson's time-driven costing, as `clientload.model.costing`)."""

from __future__ import annotations

from clientload.export.model_reader import Reader
from clientload.export.rows import MonthColumns
from clientload.export.settings_sheet import SettingsLayout, act_name, dept_cpm, term_name
from clientload.export.tables import TableColumn, TableColumns
from clientload.model.costing import DRIVER_COLUMNS
from clientload.model.orders import term_column


def waiting_column(m: TableColumns, key: str, label: str, days: str) -> None:
    """Which of ClientMonths' waiting columns holds the days beyond `days` (0: none does; the
    Control sheet counts such settings)."""
    m.add(
        TableColumn(key, label, "number", 6, f"=IFERROR(MATCH({days},waiting_days_list,0),0)")
    )


def pick_waiting(r: Reader, k: str, kind: str) -> str:
    """The client's `kind` (waiting_days or waiting_value_days) from the k-th waiting column."""
    return f"IF({k}=0,0,{r.total_of(kind, k)})"


def waiting_columns(m: TableColumns, r: Reader, layout: SettingsLayout, _) -> None:
    """Goods ready but not shipped, waiting beyond the free days: our warehouse used as the
    client's, costed at the value-day rate (`clientload.model.orders.client_waiting`)."""
    if not layout.waits:
        m.add(TableColumn("waiting_cost", _("Cost of goods waiting in our warehouse"), "money",
                          12, "=0"))
        return
    waiting_column(m, "waiting_col", _("Waiting column of the free days"), "free_days")
    k = m.this("waiting_col")
    for key, label, fmt in (
        ("waiting_days", _("Days waiting in our warehouse"), "number"),
        ("waiting_value_days", _("Order value × days waiting"), "money"),
    ):
        m.add(TableColumn(key, label, fmt, 11, "=" + pick_waiting(r, k, key)))
    m.add(
        TableColumn(
            "waiting_cost",
            _("Cost of goods waiting in our warehouse"),
            "money",
            12,
            f"={m.this('waiting_value_days')}*value_day_rate",
        )
    )


def cost_columns(
    m: TableColumns, r: Reader, months: MonthColumns, settings, layout: SettingsLayout, _
) -> None:
    def add(key: str, label: str, formula: str, fmt: str = "number", width: float = 11) -> None:
        m.add(TableColumn(key, label, fmt, width, "=" + formula))

    t = m.this
    for name, act in settings.activities.items():
        if act.driver == "interactions":
            part = months.types[(act.type or "").lower().strip()]
            recorded, unrecorded = r.total("minutes_" + part), r.total("unrecorded_" + part)
            f = f"{recorded}+{unrecorded}*{act_name('min', name)}"
        else:
            # The time equation: base × events + Σ each term's minutes × its quantity.
            f = f"{t(DRIVER_COLUMNS[act.driver])}*{act_name('min', name)}" + "".join(
                f"+{t(term_column(act.driver, term))}*{term_name(name, term.key)}"
                for term in act.terms
            )
        add(f"act__{name}", f"{name}, " + _("min"), f, width=10)
    acts = list(settings.activities)
    # The act__ columns side by side: one range of the client's row (short formulas).
    row_acts = f"{m.table}[[#This Row],[act__{acts[0]}]:[act__{acts[-1]}]]" if acts else "0"
    add("load_minutes", _("Load, minutes"), f"SUM({row_acts})" if acts else "0", "bold_number")
    for dept in layout.departments:
        # The activity's department is read from Settings, so moving an activity there moves
        # its minutes here.
        add(
            f"min__{dept}",
            f"{dept}, " + _("min"),
            f'SUMIF(act_dept_row,"{dept}",{row_acts})' if acts else "0",
            width=10,
        )
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
    waiting_columns(m, r, layout, _)
    add(
        "storage_cost",
        _("Storage"),
        f"{r.total('pallet_days')}*pallet_day_rate+{r.total('value_days')}*value_day_rate"
        f"+{t('waiting_cost')}",
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
    # Regularity over the rhythm's periods of B months back from the period's end, from the one
    # holding the first purchase (or the period's start) on (`clientload.model.rhythm`).
    add(
        "active_buckets",
        _("Periods of the rhythm since the first purchase"),
        f'IF({am}="","",MIN(INT(({am}-1)/rhythm_months)+1,rhythm_buckets))',
    )
    ab = t("active_buckets")
    add(
        "regularity_cv",
        _("Variation of revenue over the rhythm's periods"),
        f'IF(AND({rev}>0,{ab}<>""),SQRT(MAX({t("rhythm_squares")}/{ab}-({rev}/{ab})^2,0))'
        f'/({rev}/{ab}),"")',
        "number2",
    )
    prev = t("previous_revenue")
    add("growth", _("Growth"), f'IF({prev}<>0,({rev}-{prev})/{prev},"")', "percent")
