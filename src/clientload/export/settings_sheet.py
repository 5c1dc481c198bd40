"""The Settings sheet: the model's assumptions as input cells, each with a defined name.

Every value a formula elsewhere uses is a named input cell here (`cpm_sales`, `act_min_picking`,
`seg_core_min_breadth` ...), so the Model sheet follows any change made on this sheet. The values
are the workspace's `clientload.toml`.
"""

from __future__ import annotations

from datetime import datetime

from clientload.export.book import Book, cell, column
from clientload.export.data_order import data_helpers
from clientload.export.rows import waiting_days
from clientload.export.settings_activities import write_activities
from clientload.export.settings_cells import (  # noqa: F401 (the names other sheets read)
    FRACTION,
    NONNEG,
    POSITIVE,
    SHEET,
    Rows,
    SettingsLayout,
    act_name,
    department_labels,
    dept_cpm,
    scalar,
    term_name,
    waits_validation,
)
from clientload.export.settings_groups import write_group_settings
from clientload.model.period import Period
from clientload.settings import Settings


def write_settings_sheet(
    book: Book, settings: Settings, period: Period, range_categories: int
) -> SettingsLayout:
    _ = book._
    sheet = book.sheet(SHEET)
    sheet.set_column(0, 0, 50)
    sheet.set_column(1, 1, 16)
    sheet.set_column(2, 9, 14)
    sheet.set_column(10, 10, 60)
    rows = Rows(book, sheet)
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

    write_activities(book, sheet, rows, settings)

    # Rates ---------------------------------------------------------------------------------
    book.text(sheet, rows.next(), 0, _("Direct costs, rates and the period"), "section")
    storage, finance = settings.section("storage"), settings.section("finance")
    scalar(
        rows,
        _("Storage: cost of a pallet for a day"),
        "pallet_day_rate",
        storage["pallet_day_rate"],
        "money2",
        NONNEG,
    )
    scalar(
        rows,
        _("Storage: share of the stock value per day"),
        "value_day_rate",
        storage["value_day_rate"],
        "number4",
        NONNEG,
    )
    waits = waiting_days(settings)
    scalar(
        rows,
        _("Goods ready but not shipped wait free for this many days"),
        "free_days",
        int(storage.get("free_days", 3)),
        "number",
        waits_validation(waits),
    )
    r = rows.next()
    book.text(
        sheet,
        r,
        0,
        _("Waiting is in the data for these numbers of days (another needs a new export):"),
        "note",
    )
    for i, t in enumerate(waits, start=1):
        sheet.write_number(r, i, t, book.fmt("number"))
    book.define("waiting_days_list", SHEET, f"$B${r + 1}:${column(len(waits))}${r + 1}")
    scalar(
        rows,
        _("Cost of capital, a year"),
        "cost_of_capital",
        finance["cost_of_capital"],
        "percent",
        FRACTION,
    )
    scalar(
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
    scalar(
        rows, _("Categories in the range"), "range_categories", range_categories, "number", NONNEG
    )
    scalar(
        rows,
        _("Sales team's share of load removed by self-service"),
        "self_service_load_reduction",
        settings.section("activation")["self_service_load_reduction"],
        "percent",
        FRACTION,
    )
    rows.next()

    groups, keys, levels = write_group_settings(book, sheet, rows, settings)
    sheet.freeze_panes(3, 0)
    book.print_setup(sheet)
    return SettingsLayout(
        departments=list(settings.departments),
        activities=list(settings.activities),
        groups=groups,
        career_levels=levels,
        policy_keys=keys,
        terms={a.name: a.terms for a in settings.activities.values()},
        waits=waits,
    )
