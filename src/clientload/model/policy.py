"""Client policy: where the service a client consumes breaks its group's rules, and the cost.

Each group's package lives in `[policy.<segment>]`. Unit costs come from the activities' time
equations at the departments' cost per minute, so a deviation costs what handling it costs.
Groups without a policy section (e.g. `new`, `lapsed`) have no deviations.
"""

from __future__ import annotations

from typing import Any

import ibis
import ibis.expr.types as ir

from clientload.model.costing import DepartmentRate
from clientload.settings.loader import Activity


def unit_cost(
    activities: dict[str, Activity], rates: dict[str, DepartmentRate], driver: str
) -> float:
    """Cost of one event of a driver: Σ standard minutes × cost per minute of its activities.

    For `urgent_orders` the orders' `urgent_extra_minutes` count too: that time is urgency's.
    """
    total = 0.0
    for a in activities.values():
        rate = rates[a.department].cost_per_minute
        if a.driver == driver:
            total += a.minutes * rate
        if driver == "urgent_orders" and a.driver == "orders":
            total += a.urgent_extra_minutes * rate
    return total


def min_order_values(policies: dict[str, dict[str, Any]]) -> tuple[float, ...]:
    """The distinct minimum order values the policies set (the orders pass counts under each)."""
    return tuple(sorted({float(p.get("min_order_value", 0)) for p in policies.values()}))


def policy_deviations(
    m: ir.Table,
    *,
    policies: dict[str, dict[str, Any]],
    thresholds: tuple[float, ...],
    change_cost: float,
    urgent_cost: float,
    delivery_cost: float,
    cost_of_capital: float,
) -> ir.Table:
    """One row per client and broken rule: client_id, segment, rule, actual, allowed,
    excess_events, cost.

    `m` is client metrics with `order_handling_cost` (orders-driven cost per order) and the
    `small_orders_<i>` counts for each threshold.
    """
    parts: list[ir.Table] = []

    def add(segment: str, rule: str, actual, allowed, excess, cost) -> None:
        t = m.filter(m.segment == segment)
        part = t.select(
            client_id=t.client_id,
            segment=t.segment,
            rule=ibis.literal(rule),
            actual=ibis.literal(actual).cast("float64")
            if not isinstance(actual, ir.Value)
            else actual.cast("float64"),
            allowed=ibis.literal(float(allowed))
            if not isinstance(allowed, ir.Value)
            else allowed.cast("float64"),
            excess_events=excess.cast("float64"),
            cost=cost.cast("float64"),
        )
        parts.append(part.filter(part.excess_events > 0))

    for segment, p in policies.items():
        free = float(p.get("free_changes_per_order", 0))
        add(
            segment,
            "order_changes",
            m.changes,
            m.orders * free,
            m.changes - m.orders * free,
            (m.changes - m.orders * free) * change_cost,
        )
        share = float(p.get("max_urgent_share", 1.0))
        allowed_urgent = (m.orders * share).floor()
        add(
            segment,
            "urgent_share",
            ibis.coalesce(m.urgent_share, 0.0),
            share,
            m.urgent_orders - allowed_urgent,
            (m.urgent_orders - allowed_urgent) * urgent_cost,
        )
        minimum = float(p.get("min_order_value", 0))
        if minimum > 0:
            small = m[f"small_orders_{thresholds.index(minimum)}"]
            add(
                segment,
                "min_order_value",
                small,
                0,
                small,
                small * ibis.coalesce(m.order_handling_cost, 0.0),
            )
        if p.get("channel") == "portal":
            off_portal = m.orders_with_source - m.portal_orders
            add(
                segment,
                "channel",
                off_portal,
                0,
                off_portal,
                off_portal * ibis.coalesce(m.order_handling_cost, 0.0),
            )
        if p.get("free_delivery") is False:
            add(
                segment,
                "free_delivery",
                m.deliveries,
                0,
                m.deliveries,
                m.deliveries * delivery_cost,
            )
        if p.get("payment") == "prepayment":
            dso = ibis.coalesce(m.dso_days, 0.0)
            add(
                segment,
                "payment",
                dso,
                0,
                dso.ceil(),
                m.revenue * dso / 365.0 * cost_of_capital,
            )
    if not parts:
        return m.select(
            client_id=m.client_id,
            segment=m.segment,
            rule=ibis.literal(""),
            actual=ibis.literal(0.0),
            allowed=ibis.literal(0.0),
            excess_events=ibis.literal(0.0),
            cost=ibis.literal(0.0),
        ).limit(0)
    return ibis.union(*parts, distinct=False).order_by([ibis.desc("cost"), "client_id", "rule"])


def deviation_costs(deviations: ir.Table) -> ir.Table:
    """Per client: the total cost of its policy deviations."""
    return deviations.group_by("client_id").aggregate(deviations_cost=deviations.cost.sum())
