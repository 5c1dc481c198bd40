"""The Settings sheet's groups: the thresholds of the group rules, the buying rhythm computed
from the data, each group's policy and the career ladder with the groups on each level.

The rhythm cells are `clientload.model.rhythm` as formulas: the company's typical gap between
purchases (`typical_gap_days`, the median of the clients' mean gaps), the rhythm B in months
(`rhythm_months`: `seg_rhythm_months`, or when 0 the shortest of 1, 2, 3, 4, 6, 12 months that
holds the typical gap, at most a third of the period), and the B-month periods counted back from
the period's end (`rhythm_starts`, `rhythm_ends`) over which each client's regularity is read.
"""

from __future__ import annotations

from typing import Any

from clientload.export.book import Book, cell, column, name_part
from clientload.export.rows import waiting_days
from clientload.export.settings_cells import (
    NONNEG,
    SHEET,
    Rows,
    policy_name,
    scalar,
    waits_validation,
)
from clientload.model.labels import SEGMENT_ORDER
from clientload.model.rhythm import DAYS_PER_MONTH, RHYTHM_CHOICES

# Periods of B months the Settings list (B ≥ 2; B = 1 reads every month): 36 cover 6 years at B=2.
RHYTHM_PERIODS = 36


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
        "max_waiting_days": _("Goods may wait ready in our warehouse, days"),
    }


def _seg_labels(_: Any) -> dict[str, tuple[str, str]]:
    return {
        "core_min_revenue_share": (
            _("Core: within the clients making this share of revenue"),
            "percent",
        ),
        "core_min_breadth": (_("Core: at least this share of the range's categories"), "percent"),
        "core_max_cv": (
            _("Core: variation of revenue over the rhythm's periods at most"),
            "number2",
        ),
        "rhythm_months": (
            _("Rhythm: regularity over periods of this many months (0: from the data)"),
            "number",
        ),
        "growing_min_growth": (_("Growing: revenue growth at least"), "percent"),
        "growing_min_previous_share": (
            _("Growing: growth counts from a previous revenue of this share of the mean"),
            "percent",
        ),
        "growing_min_margin_premium": (
            _("Growing: or margin rate above the company's by"),
            "percent",
        ),
        "growing_includes_large": (_("Growing: also large clients that miss a core rule"), "text"),
        "price_driven_max_margin_rate": (
            _("Price-driven: margin rate below the company's by"),
            "percent",
        ),
        "abc_a_share": (_("ABC: class A up to this cumulative share"), "percent"),
        "abc_b_share": (_("ABC: class B up to this cumulative share"), "percent"),
        "xyz_x_max_cv": (_("XYZ: class X up to this variation"), "number2"),
        "xyz_y_max_cv": (_("XYZ: class Y up to this variation"), "number2"),
    }


def write_group_settings(
    book: Book, sheet: Any, rows: Rows, settings: Any
) -> tuple[list[str], list[str], int]:
    """The thresholds, the rhythm, the policies and the ladder; returns the policy's groups and
    keys and the number of career levels."""
    _thresholds(book, rows, settings)
    _rhythm(book, sheet, rows)
    groups, keys = _policy(book, sheet, rows, settings)
    levels = _career(book, sheet, rows, settings)
    _rhythm_periods(book, sheet, rows)
    return groups, keys, levels


def _thresholds(book: Book, rows: Rows, settings: Any) -> None:
    _ = book._
    analysis = settings.section("analysis")
    book.text(rows.sheet, rows.next(), 0, _("Client groups: thresholds"), "section")
    seg = settings.section("segments")
    # The formulas read these even where the settings leave them out (the engine's defaults).
    seg.setdefault("growing_includes_large", True)
    seg.setdefault("rhythm_months", 0)
    seg.setdefault("growing_min_previous_share", 0.0)
    labels = _seg_labels(_)
    for key, value in seg.items():
        label, fmt = labels.get(key, (key, "number2"))
        scalar(
            rows,
            label,
            f"seg_{name_part(key)}",
            value,
            fmt,
            None if isinstance(value, bool) else NONNEG,
        )
    for label, key, value, fmt, validation in (
        (
            _("New: first purchase within this many months"),
            "new_client_months",
            analysis.get("new_client_months", 3),
            "number",
            NONNEG,
        ),
        (
            _("Lapsed: no purchase in at least this many days ..."),
            "lapsed_days",
            analysis.get("lapsed_days", 90),
            "number",
            NONNEG,
        ),
        (
            _("... and in this many of its own mean gaps between purchases (else the typical)"),
            "lapsed_gap_factor",
            analysis.get("lapsed_gap_factor", 2.0),
            "number2",
            NONNEG,
        ),
        (
            _("Heaviest clients: how many to list"),
            "heavy_top_n",
            analysis.get("heavy_clients_top_n", 50),
            "number",
            {"validate": "integer", "criteria": "between", "minimum": 1, "maximum": 500},
        ),
    ):
        scalar(rows, label, key, value, fmt, validation)
    rows.next()


def _rhythm(book: Book, sheet: Any, rows: Rows) -> None:
    """The company's buying rhythm, computed from the Model's rows (see the module)."""
    _ = book._
    book.text(sheet, rows.next(), 0, _("The buying rhythm (computed from the data)"), "section")
    choices = "rhythm_choices"
    longest = f"INDEX({choices},MATCH(MAX(1,INT(period_months/3)),{choices},1))"
    holds = (
        f"INDEX({choices},MIN(SUMPRODUCT(--({choices}*{DAYS_PER_MONTH!r}<typical_gap_days))+1,"
        f"ROWS({choices})))"
    )
    for label, key, formula, fmt in (
        (
            _("Typical gap between purchases, days (median of the clients' mean gaps)"),
            "typical_gap_days",
            '=IFERROR(MEDIAN(Model[mean_gap_days]),"")',
            "number1",
        ),
        (
            _("Rhythm: regularity is read over periods of this many months"),
            "rhythm_months",
            f'=IF(seg_rhythm_months>0,INT(seg_rhythm_months),IF(typical_gap_days="",1,'
            f"MIN({longest},{holds})))",
            "number",
        ),
        (
            _("Periods of the rhythm in the analysed period"),
            "rhythm_buckets",
            "=CEILING(period_months/rhythm_months,1)",
            "number",
        ),
        (
            _("Growing: the least previous revenue growth counts from"),
            "growing_min_previous_revenue",
            '=seg_growing_min_previous_share*IFERROR(SUMIF(Model[previous_revenue],">0")'
            '/COUNTIF(Model[previous_revenue],">0"),0)',
            "money",
        ),
    ):
        r = rows.next()
        book.text(sheet, r, 0, label)
        sheet.write_formula(r, 1, formula, book.fmt(fmt))
        book.text(sheet, r, 2, key, "note")
        book.define(key, SHEET, cell(r, 1, absolute=True))
    rows.next()


def _policy(book: Book, sheet: Any, rows: Rows, settings: Any) -> tuple[list[str], list[str]]:
    _ = book._
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
    labels = policy_labels(_)
    for key in keys:
        r = rows.next()
        book.define(f"pol_{name_part(key)}", SHEET, f"$B${r + 1}:${column(len(groups))}${r + 1}")
        book.text(sheet, r, 0, labels.get(key, key))
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
        if key == "max_waiting_days" and groups:
            sheet.data_validation(r, 1, r, len(groups), waits_validation(waiting_days(settings)))
    rows.next()
    return groups, keys


def _career(book: Book, sheet: Any, rows: Rows, settings: Any) -> int:
    """The ladder: per level its criteria, the groups whose clients stand on it (TRUE under the
    group's code) and its perks."""
    _ = book._
    levels = settings.section("career").get("levels", [])
    book.text(
        sheet, rows.next(), 0, _("The client career path: levels from the bottom up"), "section"
    )
    r = rows.next()
    book.text(
        sheet,
        r,
        5,
        _("Groups on the level (TRUE: the group's clients stand on it; none: by the criteria)"),
        "note",
    )
    r = rows.next()
    sheet.set_row(r, 30)
    heads = [
        _("Level"),
        _("Revenue a month at least"),
        _("Categories at least"),
        _("Orders a month at most"),
        _("Changes per order at most"),
    ]
    for c, h in enumerate(heads):
        book.text(sheet, r, c, h, "header")
    # The groups' codes as headers: the Model matches its `segment` against them.
    codes = list(SEGMENT_ORDER)
    for j, code in enumerate(codes):
        book.text(sheet, r, 5 + j, code, "header")
    book.define("career_group_codes", SHEET, f"$F${r + 1}:${column(4 + len(codes))}${r + 1}")
    book.text(sheet, r, 10, _("Perks"), "header")
    first = rows.row
    for level in levels:
        r = rows.next()
        book.text(sheet, r, 0, level["code"], "input_text")
        sheet.write_number(r, 1, float(level["min_monthly_revenue"]), book.fmt("input_money"))
        sheet.write_number(r, 2, float(level["min_categories"]), book.fmt("input_number"))
        sheet.write_number(r, 3, float(level["max_orders_per_month"]), book.fmt("input_number1"))
        sheet.write_number(r, 4, float(level["max_changes_per_order"]), book.fmt("input_number2"))
        listed = level.get("segments") or []
        for j, code in enumerate(codes):
            sheet.write_boolean(r, 5 + j, code in listed, book.fmt("input_text"))
        book.text(sheet, r, 10, level.get("perks", ""), "input_text")
    last = rows.row - 1
    if levels:
        sheet.data_validation(first, 1, last, 4, NONNEG)
        sheet.data_validation(
            first, 5, last, 4 + len(codes), {"validate": "list", "source": ["TRUE", "FALSE"]}
        )
        for nm, c in (
            ("career_code", 0),
            ("career_min_revenue", 1),
            ("career_min_categories", 2),
            ("career_max_orders", 3),
            ("career_max_changes", 4),
            ("career_perks", 10),
        ):
            book.define(nm, SHEET, f"${column(c)}${first + 1}:${column(c)}${last + 1}")
        book.define(
            "career_groups", SHEET, f"$F${first + 1}:${column(4 + len(codes))}${last + 1}"
        )
        core = column(5 + codes.index("core"))
        book.define("career_core", SHEET, f"${core}${first + 1}:${core}${last + 1}")
    rows.next()
    return len(levels)


def _rhythm_periods(book: Book, sheet: Any, rows: Rows) -> None:
    """The rhythm's choices, and its B-month periods counted back from the period's end: the
    k-th from the month k·B before the last month back B months, cut at the period's start
    (a period wholly before it is empty: its first month is after its last)."""
    _ = book._
    book.text(
        sheet, rows.next(), 0, _("The rhythm's periods, counted back from the end"), "section"
    )
    r = rows.next()
    for c, h in enumerate(
        [_("Period"), _("First month"), _("Last month"), _("Rhythms to choose from, months")]
    ):
        book.text(sheet, r, c, h, "header")
    first = rows.row
    end_month = "DATE(YEAR(period_end),MONTH(period_end),1)"
    for k in range(RHYTHM_PERIODS):
        r = rows.next()
        sheet.write_number(r, 0, k + 1, book.fmt("number"))
        sheet.write_formula(
            r,
            1,
            f"=MAX(EDATE({end_month},-({k}*rhythm_months+rhythm_months-1)),period_first_month)",
            book.fmt("month"),
        )
        sheet.write_formula(r, 2, f"=EDATE({end_month},-{k}*rhythm_months)", book.fmt("month"))
        if k < len(RHYTHM_CHOICES):
            sheet.write_number(r, 3, RHYTHM_CHOICES[k], book.fmt("number"))
    last = rows.row - 1
    book.define("rhythm_starts", SHEET, f"$B${first + 1}:$B${last + 1}")
    book.define("rhythm_ends", SHEET, f"$C${first + 1}:$C${last + 1}")
    book.define(
        "rhythm_choices", SHEET, f"$D${first + 1}:$D${first + len(RHYTHM_CHOICES)}"
    )
