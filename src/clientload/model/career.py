"""The client career path: a ladder of levels with entry criteria and perks (`[[career.levels]]`).

A client stands on the highest level whose every criterion it meets: monthly revenue and
categories at least the level's minimum, orders per month and changes per order at most its
maximum. The next level's criteria give the gaps: revenue a month to add, categories to add,
orders a month and changes per order to cut.
"""

from __future__ import annotations

from typing import Any

import ibis
import ibis.expr.types as ir


def _meets(t: ir.Table, level: dict[str, Any]) -> ir.BooleanValue:
    return (
        (t.monthly_revenue >= float(level["min_monthly_revenue"]))
        & (t.categories_bought >= float(level["min_categories"]))
        & (t.orders_per_month <= float(level["max_orders_per_month"]))
        & (ibis.coalesce(t.changes_per_order, 0.0) <= float(level["max_changes_per_order"]))
    )


def _pick(index: ir.IntegerValue, values: list[Any], default: Any) -> ir.Value:
    return ibis.cases(*[(index == i, v) for i, v in enumerate(values)], else_=default)


def career(t: ir.Table, levels: list[dict[str, Any]]) -> ir.Table:
    """Per client: level, next level, the gaps to it and the perks it would unlock."""
    if not levels:
        return t.select(client_id=t.client_id, level=ibis.null("string")).limit(0)
    index = ibis.cases(
        *[(_meets(t, lv), i) for i, lv in reversed(list(enumerate(levels)))], else_=-1
    )
    t = t.mutate(level_number=index, next_number=index + 1)
    codes = [str(lv["code"]) for lv in levels]
    perks = [str(lv.get("perks", "")) for lv in levels]
    last = len(levels) - 1
    nxt = t.next_number
    has_next = nxt <= last

    def gap(need: ir.Value) -> ir.Value:
        return ibis.ifelse(has_next, ibis.greatest(need, 0.0), ibis.null("float64"))

    min_rev = _pick(nxt, [float(lv["min_monthly_revenue"]) for lv in levels], 0.0)
    min_cat = _pick(nxt, [float(lv["min_categories"]) for lv in levels], 0.0)
    max_ord = _pick(nxt, [float(lv["max_orders_per_month"]) for lv in levels], 0.0)
    max_chg = _pick(nxt, [float(lv["max_changes_per_order"]) for lv in levels], 0.0)
    return t.select(
        client_id=t.client_id,
        name=t.name,
        segment=t.segment,
        level=_pick(t.level_number, codes, ibis.null("string")),
        level_number=t.level_number + 1,
        next_level=_pick(nxt, codes, ibis.null("string")),
        monthly_revenue=t.monthly_revenue,
        categories_bought=t.categories_bought,
        orders_per_month=t.orders_per_month,
        changes_per_order=ibis.coalesce(t.changes_per_order, 0.0),
        revenue_gap_per_month=gap(min_rev - t.monthly_revenue),
        categories_gap=gap(min_cat - t.categories_bought),
        orders_per_month_to_cut=gap(t.orders_per_month - max_ord),
        changes_per_order_to_cut=gap(ibis.coalesce(t.changes_per_order, 0.0) - max_chg),
        perks=_pick(t.level_number, perks, ibis.literal("")),
        next_perks=_pick(nxt, perks, ibis.literal("")),
    )
