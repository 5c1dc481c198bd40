"""The client career path: a ladder of levels with entry criteria and perks (`[[career.levels]]`),
telling the same story as the groups.

Each level names the groups whose clients stand on it (`segments`): by default `start` holds the
price-driven clients — and the new ones, who start there, and the lapsed ones, who come back
there —, `partner` the growing clients and `key` the core ones. So a core client is never on the
first step, and a client moves up the ladder exactly when it moves up the groups. A level without
`segments` places clients by its criteria alone (the highest level whose every criterion they
meet), as a ladder that stands apart from the groups.

A level's criteria — monthly revenue and categories at least its minimum, orders per month and
changes per order at most its maximum — are what it asks of its clients. For the next level the
gaps are its criteria and, where the next level holds core clients, what the core rule asks:
revenue of the smallest client within the core share of revenue, the categories of
`core_min_breadth`, and regularity within `core_max_cv`. A client that breaks a criterion of its
own level is counted in `conditions_unmet`: its group puts it there, the criterion is its next task.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import ibis
import ibis.expr.types as ir


@dataclass(frozen=True)
class CoreRule:
    """What the core group asks, for the gaps of a client whose next level holds core clients."""

    monthly_revenue: ir.Table | None = None  # one row: `core_monthly_revenue`, the smallest
    categories: float = 0.0
    max_cv: float | None = None


def _meets(t: ir.Table, level: dict[str, Any]) -> ir.BooleanValue:
    return (
        (t.monthly_revenue >= float(level["min_monthly_revenue"]))
        & (t.categories_bought >= float(level["min_categories"]))
        & (t.orders_per_month <= float(level["max_orders_per_month"]))
        & (ibis.coalesce(t.changes_per_order, 0.0) <= float(level["max_changes_per_order"]))
    )


def _unmet(t: ir.Table, level: dict[str, Any]) -> ir.IntegerValue:
    """How many of a level's criteria a client breaks."""
    broken = [
        t.monthly_revenue < float(level["min_monthly_revenue"]),
        t.categories_bought < float(level["min_categories"]),
        t.orders_per_month > float(level["max_orders_per_month"]),
        ibis.coalesce(t.changes_per_order, 0.0) > float(level["max_changes_per_order"]),
    ]
    total: ir.IntegerValue = ibis.literal(0)
    for condition in broken:
        total = total + ibis.ifelse(condition, 1, 0)
    return total


def _pick(index: ir.IntegerValue, values: list[Any], default: Any) -> ir.Value:
    return ibis.cases(*[(index == i, v) for i, v in enumerate(values)], else_=default)


def level_of_segment(levels: list[dict[str, Any]], segment: str) -> int | None:
    """The index of the highest level that lists the group, None if none does."""
    found = [i for i, lv in enumerate(levels) if segment in (lv.get("segments") or [])]
    return found[-1] if found else None


def _level_index(t: ir.Table, levels: list[dict[str, Any]]) -> ir.IntegerValue:
    by_criteria = ibis.cases(
        *[(_meets(t, lv), i) for i, lv in reversed(list(enumerate(levels)))], else_=-1
    )
    groups = sorted({g for lv in levels for g in (lv.get("segments") or [])})
    if not groups:
        return by_criteria
    return ibis.cases(
        *[(t.segment == g, level_of_segment(levels, g)) for g in groups], else_=by_criteria
    )


def career(t: ir.Table, levels: list[dict[str, Any]], core: CoreRule | None = None) -> ir.Table:
    """Per client: level, next level, the gaps to it, the criteria of its own level it breaks
    and the perks."""
    if not levels:
        return t.select(client_id=t.client_id, level=ibis.null("string")).limit(0)
    core = core or CoreRule()
    if core.monthly_revenue is not None:
        t = t.cross_join(core.monthly_revenue)
        core_revenue = ibis.coalesce(t.core_monthly_revenue, 0.0)
    else:
        core_revenue = ibis.literal(0.0)
    t = t.mutate(level_number=_level_index(t, levels))
    t = t.mutate(next_number=t.level_number + 1)
    codes = [str(lv["code"]) for lv in levels]
    perks = [str(lv.get("perks", "")) for lv in levels]
    last = len(levels) - 1
    nxt = t.next_number
    has_next = nxt <= last
    holds_core = [i for i, lv in enumerate(levels) if "core" in (lv.get("segments") or [])]
    next_is_core = nxt.isin(holds_core) if holds_core else ibis.literal(False)

    def gap(need: ir.Value) -> ir.Value:
        return ibis.ifelse(has_next, ibis.greatest(need, 0.0), ibis.null("float64"))

    min_rev = _pick(nxt, [float(lv["min_monthly_revenue"]) for lv in levels], 0.0)
    min_rev = ibis.ifelse(next_is_core, ibis.greatest(min_rev, core_revenue), min_rev)
    min_cat = _pick(nxt, [float(lv["min_categories"]) for lv in levels], 0.0)
    min_cat = ibis.ifelse(
        next_is_core, ibis.greatest(min_cat, float(math.ceil(core.categories))), min_cat
    )
    max_ord = _pick(nxt, [float(lv["max_orders_per_month"]) for lv in levels], 0.0)
    max_chg = _pick(nxt, [float(lv["max_changes_per_order"]) for lv in levels], 0.0)
    unmet = ibis.cases(
        *[(t.level_number == i, _unmet(t, lv)) for i, lv in enumerate(levels)], else_=0
    )
    cv_to_cut = (
        ibis.ifelse(
            has_next & next_is_core,
            ibis.greatest(ibis.coalesce(t.regularity_cv, 0.0) - core.max_cv, 0.0),
            ibis.null("float64"),
        )
        if core.max_cv is not None
        else ibis.null("float64")
    )
    return t.select(
        client_id=t.client_id,
        name=t.name,
        segment=t.segment,
        level=_pick(t.level_number, codes, ibis.null("string")),
        level_number=t.level_number + 1,
        levels=ibis.literal(len(levels)),
        next_level=_pick(nxt, codes, ibis.null("string")),
        monthly_revenue=t.monthly_revenue,
        categories_bought=t.categories_bought,
        orders_per_month=t.orders_per_month,
        changes_per_order=ibis.coalesce(t.changes_per_order, 0.0),
        regularity_cv=t.regularity_cv,
        revenue_gap_per_month=gap(min_rev - t.monthly_revenue),
        categories_gap=gap(min_cat - t.categories_bought),
        orders_per_month_to_cut=gap(t.orders_per_month - max_ord),
        changes_per_order_to_cut=gap(ibis.coalesce(t.changes_per_order, 0.0) - max_chg),
        regularity_cv_to_cut=cv_to_cut,
        conditions_unmet=unmet,
        perks=_pick(t.level_number, perks, ibis.literal("")),
        next_perks=_pick(nxt, perks, ibis.literal("")),
    )
