"""The Settings sheet: the model's assumptions as input cells, each with a defined name.

Every value a formula elsewhere uses is a named input cell here (`cpm_sales`, `act_min_picking`,
`seg_core_min_breadth` ...), so the Model sheet follows any change made on this sheet. The values
are the workspace's `clientload.toml`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from clientload.export.book import Book, cell, column, name_part
from clientload.export.data_order import data_helpers
from clientload.model.period import Period
from clientload.settings import Settings

SHEET = "Settings"

NONNEG = {
    "validate": "decimal",
    "criteria": ">=",
    "value": 0,
    "error_message": "A number, zero or more",
}
FRACTION = {
    "validate": "decimal",
    "criteria": "between",
    "minimum": 0,
    "maximum": 1,
    "error_message": "A fraction from 0 to 1 (e.g. 0.15 = 15%)",
}
POSITIVE = {
    "validate": "decimal",
    "criteria": ">",
    "value": 0,
    "error_message": "A number above zero",
}


@dataclass
class SettingsLayout:
    """What other sheets need to know about the Settings sheet's names."""

    departments: list[str]
    activities: list[str]
    groups: list[str]
    career_levels: int
    policy_keys: list[str] = field(default_factory=list)


def department_labels(_: Any) -> dict[str, str]:
    """Names shown for the default departments (a department's own `label` wins)."""
    return {
        "sales": _("Sales"),
        "customer_service": _("Customer service"),
        "warehouse": _("Warehouse"),
        "logistics": _("Logistics"),
        "finance": _("Finance"),
    }


def policy_labels(_: Any) -> dict[str, str]:
    return {
        "dedicated_manager": _("Dedicated manager"),
        "priority_shipping": _("Priority shipping"),
        "free_changes_per_order": _("Free changes per order"),
        "min_order_value": _("Minimum order value"),
        "urgent_fee": _("Fee for an urgent order"),
        "max_urgent_share": _("Largest share of urgent orders"),
        "channel": _("Ordering channel (manager | portal)"),
        "payment": _("Payment (terms | prepayment)"),
        "free_delivery": _("Free delivery"),
    }


def dept_cpm(dept: str) -> str:
    return f"cpm_{name_part(dept)}"


def act_name(kind: str, activity: str) -> str:
    return f"act_{kind}_{name_part(activity)}"


def policy_name(group: str, key: str) -> str:
    return f"pol_{name_part(group)}_{name_part(key)}"


class _Rows:
    """Writes the sheet top to bottom (constant-memory mode) and remembers the current row."""

    def __init__(self, book: Book, sheet: Any):
        self.book, self.sheet, self.row = book, sheet, 0

    def next(self, n: int = 1) -> int:
        r = self.row
        self.row += n
        return r


def _scalar(
    rows: _Rows, label: str, key: str, value: Any, fmt: str, validation: dict | None, note: str = ""
) -> None:
    book, sheet = rows.book, rows.sheet
    r = rows.next()
    book.text(sheet, r, 0, label)
    if isinstance(value, bool):
        sheet.write_boolean(r, 1, value, book.fmt("input_text"))
    elif isinstance(value, (int, float)):
        sheet.write_number(r, 1, float(value), book.fmt(f"input_{fmt}"))
    else:
        book.text(sheet, r, 1, value, "input_text")
    if validation:
        sheet.data_validation(r, 1, r, 1, validation)
    book.text(sheet, r, 2, key, "note")
    if note:
        book.text(sheet, r, 3, note, "note")
    book.define(key, SHEET, cell(r, 1, absolute=True))


def write_settings_sheet(
    book: Book, settings: Settings, period: Period, range_categories: int
) -> SettingsLayout:
    _ = book._
    sheet = book.sheet(SHEET)
    sheet.set_column(0, 0, 50)
    sheet.set_column(1, 1, 16)
    sheet.set_column(2, 8, 14)
    sheet.set_column(9, 9, 60)
    rows = _Rows(book, sheet)
    book.text(sheet, rows.next(), 0, _("Settings of the client load model"), "title")
    book.text(
        sheet,
        rows.next(),
        0,
        _(
            "Yellow cells are inputs: change them and every sheet follows. "
            "The same values as clientload.toml."
        ),
        "subtitle",
    )
    rows.next()

    # Departments ---------------------------------------------------------------------------
    analysis = settings.section("analysis")
    book.text(sheet, rows.next(), 0, _("Departments"), "section")
    r = rows.next()
    sheet.set_row(r, 30)
    for c, h in enumerate(
        [
            _("Department"),
            _("Cost"),
            _("Practical capacity, minutes"),
            _("Cost per minute"),
            _("Label"),
        ]
    ):
        book.text(sheet, r, c, h, "header")
    first = rows.row
    for dept in settings.departments.values():
        r = rows.next()
        book.text(sheet, r, 0, dept.name)
        sheet.write_number(r, 1, dept.cost, book.fmt("input_money"))
        sheet.write_number(r, 2, dept.capacity_minutes, book.fmt("input_number"))
        sheet.write_formula(
            r,
            3,
            f"=IF({cell(r, 2)}>0,{cell(r, 1)}/{cell(r, 2)},0)",
            book.fmt("money2"),
            dept.cost_per_minute,
        )
        book.text(sheet, r, 4, dept.label or department_labels(_).get(dept.name, dept.name))
        book.define(dept_cpm(dept.name), SHEET, cell(r, 3, absolute=True))
    last = rows.row - 1
    sheet.data_validation(first, 1, last, 1, NONNEG)
    sheet.data_validation(first, 2, last, 2, POSITIVE)
    book.define("dept_names", SHEET, f"$A${first + 1}:$A${last + 1}")
    book.define("dept_costs", SHEET, f"$B${first + 1}:$B${last + 1}")
    book.define("dept_capacity", SHEET, f"$C${first + 1}:$C${last + 1}")
    book.define("dept_cpm", SHEET, f"$D${first + 1}:$D${last + 1}")
    r = rows.next()
    book.text(sheet, r, 0, _("Costs and capacities cover this many months:"), "note")
    sheet.write_number(
        r, 1, float(analysis.get("cost_period_months", 12)), book.fmt("input_number")
    )
    book.define("cost_period_months", SHEET, cell(r, 1, absolute=True))
    rows.next()

    # Activities ----------------------------------------------------------------------------
    book.text(sheet, rows.next(), 0, _("Activities and their time equations"), "section")
    r = rows.next()
    sheet.set_row(r, 30)
    for c, h in enumerate(
        [
            _("Activity"),
            _("Standard minutes"),
            _("Minutes per order line"),
            _("Extra minutes if urgent"),
            _("Department"),
            _("Driver"),
            _("Interaction type"),
            _("Cost of one event"),
            _("Cost of the urgent extra"),
        ]
    ):
        book.text(sheet, r, c, h, "header")
    first = rows.row
    for act in settings.activities.values():
        r = rows.next()
        book.text(sheet, r, 0, act.name)
        sheet.write_number(r, 1, act.minutes, book.fmt("input_number2"))
        book.define(act_name("min", act.name), SHEET, cell(r, 1, absolute=True))
        if act.driver == "orders":
            sheet.write_number(r, 2, act.minutes_per_line, book.fmt("input_number2"))
            sheet.write_number(r, 3, act.urgent_extra_minutes, book.fmt("input_number2"))
            book.define(act_name("line", act.name), SHEET, cell(r, 2, absolute=True))
            book.define(act_name("urgent", act.name), SHEET, cell(r, 3, absolute=True))
        book.text(sheet, r, 4, act.department, "input_text")
        book.define(act_name("dept", act.name), SHEET, cell(r, 4, absolute=True))
        book.text(sheet, r, 5, act.driver)
        book.text(sheet, r, 6, act.type or "")
        rate = f"INDEX(dept_cpm,MATCH({cell(r, 4)},dept_names,0))"
        sheet.write_formula(r, 7, f"={cell(r, 1)}*{rate}", book.fmt("money2"))
        if act.driver == "orders":
            sheet.write_formula(r, 8, f"={cell(r, 3)}*{rate}", book.fmt("money2"))
        else:
            sheet.write_number(r, 8, 0, book.fmt("money2"))
    last = rows.row - 1
    for nm, c in (
        ("act_names", "A"),
        ("act_drivers", "F"),
        ("act_event_cost", "H"),
        ("act_urgent_cost", "I"),
    ):
        book.define(nm, SHEET, f"${c}${first + 1}:${c}${max(last, first) + 1}")
    if settings.activities:
        sheet.data_validation(first, 1, last, 3, NONNEG)
        sheet.data_validation(first, 4, last, 4, {"validate": "list", "source": "=dept_names"})
    r = rows.next()
    book.text(
        sheet,
        r,
        0,
        _(
            "An order takes standard minutes + minutes per line × lines + extra "
            "minutes if urgent. A contact takes its recorded minutes, else the "
            "standard minutes."
        ),
        "note",
    )
    for driver, label in (
        ("order_changes", _("Cost of one order change")),
        ("urgent_orders", _("Cost of one urgent order")),
        ("deliveries", _("Cost of one delivery")),
    ):
        r = rows.next()
        book.text(sheet, r, 0, label)
        formula = f'=SUMIF(act_drivers,"{driver}",act_event_cost)'
        if driver == "urgent_orders":
            formula += "+SUM(act_urgent_cost)"
        sheet.write_formula(r, 1, formula, book.fmt("money2"))
        book.define(f"unit_cost_{driver}", SHEET, cell(r, 1, absolute=True))
    rows.next()

    # Rates ---------------------------------------------------------------------------------
    book.text(sheet, rows.next(), 0, _("Direct costs, rates and the period"), "section")
    storage, finance = settings.section("storage"), settings.section("finance")
    _scalar(
        rows,
        _("Storage: cost of a pallet for a day"),
        "pallet_day_rate",
        storage["pallet_day_rate"],
        "money2",
        NONNEG,
    )
    _scalar(
        rows,
        _("Storage: share of the stock value per day"),
        "value_day_rate",
        storage["value_day_rate"],
        "number4",
        NONNEG,
    )
    _scalar(
        rows,
        _("Cost of capital, a year"),
        "cost_of_capital",
        finance["cost_of_capital"],
        "percent",
        FRACTION,
    )
    _scalar(
        rows,
        _("Payment terms when the client has none, days"),
        "default_payment_terms_days",
        finance["default_payment_terms_days"],
        "number",
        NONNEG,
    )
    rows.next()
    book.text(sheet, rows.next(), 0, _("The analysed period"), "section")
    for label, key, day in (
        (_("First day of the period"), "period_start", period.start),
        (_("Last day of the period"), "period_end", period.end),
    ):
        r = rows.next()
        book.text(sheet, r, 0, label)
        sheet.write_datetime(r, 1, datetime(day.year, day.month, day.day), book.fmt("input_date"))
        sheet.data_validation(
            r, 1, r, 1, {"validate": "date", "criteria": ">", "value": datetime(1990, 1, 1)}
        )
        book.text(sheet, r, 2, key, "note")
        book.define(key, SHEET, cell(r, 1, absolute=True))
    # The rows are whole calendar months: the period counts the months from the first day's
    # month to the last day's; the previous period is as many months just before.
    for label, key, formula, fmt in (
        (_("First month of the period"), "period_first_month",
         "=DATE(YEAR(period_start),MONTH(period_start),1)", "date"),
        (_("Months in the analysed period"), "period_months",
         "=(YEAR(period_end)*12+MONTH(period_end))-(YEAR(period_start)*12+MONTH(period_start))+1",
         "number"),
        (_("Previous period: first day"), "previous_start",
         "=EDATE(period_first_month,-period_months)", "date"),
        (_("Previous period: last day"), "previous_end", "=period_first_month-1", "date"),
    ):
        r = rows.next()
        book.text(sheet, r, 0, label)
        sheet.write_formula(r, 1, formula, book.fmt(fmt))
        book.text(sheet, r, 2, key, "note")
        book.define(key, SHEET, cell(r, 1, absolute=True))
    data_helpers(book, sheet, rows)
    _scalar(
        rows, _("Categories in the range"), "range_categories", range_categories, "number", NONNEG
    )
    _scalar(
        rows,
        _("Sales team's share of load removed by self-service"),
        "self_service_load_reduction",
        settings.section("activation")["self_service_load_reduction"],
        "percent",
        FRACTION,
    )
    rows.next()

    # Segments ------------------------------------------------------------------------------
    book.text(sheet, rows.next(), 0, _("Client groups: thresholds"), "section")
    seg = settings.section("segments")
    seg_labels = {
        "core_min_revenue_share": (
            _("Core: within the clients making this share of revenue"),
            "percent",
        ),
        "core_min_breadth": (_("Core: at least this share of the range's categories"), "percent"),
        "core_max_cv": (_("Core: variation of monthly revenue at most"), "number2"),
        "growing_min_growth": (_("Growing: revenue growth at least"), "percent"),
        "growing_min_margin_premium": (
            _("Growing: or margin rate above the company's by"),
            "percent",
        ),
        "price_driven_max_margin_rate": (
            _("Price-driven: margin rate below the company's by"),
            "percent",
        ),
        "abc_a_share": (_("ABC: class A up to this cumulative share"), "percent"),
        "abc_b_share": (_("ABC: class B up to this cumulative share"), "percent"),
        "xyz_x_max_cv": (_("XYZ: class X up to this variation"), "number2"),
        "xyz_y_max_cv": (_("XYZ: class Y up to this variation"), "number2"),
    }
    seg.setdefault("growing_includes_large", True)
    seg_labels["growing_includes_large"] = (
        _("Growing: also large clients that miss a core rule"),
        "text",
    )
    for key, value in seg.items():
        label, fmt = seg_labels.get(key, (key, "number2"))
        _scalar(
            rows,
            label,
            f"seg_{name_part(key)}",
            value,
            fmt,
            None if isinstance(value, bool) else NONNEG,
        )
    _scalar(
        rows,
        _("New: first purchase within this many months"),
        "new_client_months",
        analysis.get("new_client_months", 3),
        "number",
        NONNEG,
    )
    _scalar(
        rows,
        _("Lapsed: no purchase in this many days"),
        "lapsed_days",
        analysis.get("lapsed_days", 90),
        "number",
        NONNEG,
    )
    _scalar(
        rows,
        _("Heaviest clients: how many to list"),
        "heavy_top_n",
        analysis.get("heavy_clients_top_n", 50),
        "number",
        {"validate": "integer", "criteria": "between", "minimum": 1, "maximum": 500},
    )
    rows.next()

    # Policy --------------------------------------------------------------------------------
    policy = settings.section("policy")
    groups = list(policy)
    keys: list[str] = []
    for values in policy.values():
        keys += [k for k in values if k not in keys]
    book.text(
        sheet, rows.next(), 0, _("Client policy: the service package of each group"), "section"
    )
    r = rows.next()
    sheet.set_row(r, 30)
    book.text(sheet, r, 0, _("Rule"), "header")
    for c, g in enumerate(groups, start=1):
        book.text(sheet, r, c, g, "header")
    book.define("pol_groups", SHEET, f"$B${r + 1}:${column(len(groups))}${r + 1}")
    for key in keys:
        r = rows.next()
        book.define(f"pol_{name_part(key)}", SHEET, f"$B${r + 1}:${column(len(groups))}${r + 1}")
        book.text(sheet, r, 0, policy_labels(_).get(key, key))
        for c, g in enumerate(groups, start=1):
            value = policy[g].get(key)
            if isinstance(value, bool):
                sheet.write_boolean(r, c, value, book.fmt("input_text"))
            elif isinstance(value, (int, float)):
                fmt = (
                    "input_percent"
                    if "share" in key
                    else ("input_money" if ("value" in key or "fee" in key) else "input_number1")
                )
                sheet.write_number(r, c, float(value), book.fmt(fmt))
            else:
                book.text(sheet, r, c, value, "input_text")
            book.define(policy_name(g, key), SHEET, cell(r, c, absolute=True))
    rows.next()

    # Career ladder -------------------------------------------------------------------------
    levels = settings.section("career").get("levels", [])
    book.text(
        sheet, rows.next(), 0, _("The client career path: levels from the bottom up"), "section"
    )
    r = rows.next()
    sheet.set_row(r, 30)
    for c, h in enumerate(
        [
            _("Level"),
            _("Revenue a month at least"),
            _("Categories at least"),
            _("Orders a month at most"),
            _("Changes per order at most"),
            _("Perks"),
        ]
    ):
        book.text(sheet, r, c if c < 5 else 9, h, "header")
    first = rows.row
    for level in levels:
        r = rows.next()
        book.text(sheet, r, 0, level["code"], "input_text")
        sheet.write_number(r, 1, float(level["min_monthly_revenue"]), book.fmt("input_money"))
        sheet.write_number(r, 2, float(level["min_categories"]), book.fmt("input_number"))
        sheet.write_number(r, 3, float(level["max_orders_per_month"]), book.fmt("input_number1"))
        sheet.write_number(r, 4, float(level["max_changes_per_order"]), book.fmt("input_number2"))
        book.text(sheet, r, 9, level.get("perks", ""), "input_text")
    last = rows.row - 1
    if levels:
        sheet.data_validation(first, 1, last, 4, NONNEG)
        for nm, c in (
            ("career_code", 0),
            ("career_min_revenue", 1),
            ("career_min_categories", 2),
            ("career_max_orders", 3),
            ("career_max_changes", 4),
            ("career_perks", 9),
        ):
            book.define(nm, SHEET, f"${column(c)}${first + 1}:${column(c)}${last + 1}")
    sheet.freeze_panes(3, 0)
    book.print_setup(sheet)
    return SettingsLayout(
        departments=list(settings.departments),
        activities=list(settings.activities),
        groups=groups,
        career_levels=len(levels),
        policy_keys=keys,
    )
