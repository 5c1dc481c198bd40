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
from clientload.model.literal import literal_table
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


def waiting_limits(policies: dict[str, dict[str, Any]]) -> tuple[int, ...]:
    """The distinct `max_waiting_days` the policies set: days a group's goods may wait ready but
    unshipped in our warehouse (the orders pass counts the days beyond each)."""
    return tuple(
        sorted({int(p["max_waiting_days"]) for p in policies.values() if "max_waiting_days" in p})
    )


def _as_float(value) -> ir.Value:
    if isinstance(value, ir.Value):
        return value.cast("float64")
    return ibis.literal(float(value)).cast("float64")


def policy_deviations(
    m: ir.Table,
    *,
    policies: dict[str, dict[str, Any]],
    thresholds: tuple[float, ...],
    change_cost: float,
    urgent_cost: float,
    delivery_cost: float,
    cost_of_capital: float,
    limits: tuple[int, ...] = (),
    value_day_rate: float = 0.0,
) -> ir.Table:
    """One row per client and broken rule: client_id, segment, rule, actual, allowed,
    excess_events, cost.

    `m` is client metrics with `order_handling_cost` (orders-driven cost per order), the
    `small_orders_<i>` counts for each threshold, and the `waiting_days_over_<i>` and
    `waiting_value_days_over_<i>` of goods waiting beyond each of `limits`. Each client is
    joined to its group's rules (a small table) and each rule's figures are picked by a CASE on
    group and rule: one query whatever the number of groups and rules.
    """
    # (segment, rule) → a function of the joined table giving actual, allowed, excess, cost
    rules: dict[tuple[str, str], Any] = {}
    for segment, p in policies.items():
        free = float(p.get("free_changes_per_order", 0))
        rules[segment, "order_changes"] = lambda t, free=free: (
            t.changes,
            t.orders * free,
            t.changes - t.orders * free,
            (t.changes - t.orders * free) * change_cost,
        )
        share = float(p.get("max_urgent_share", 1.0))
        rules[segment, "urgent_share"] = lambda t, share=share: (
            ibis.coalesce(t.urgent_share, 0.0),
            share,
            t.urgent_orders - (t.orders * share).floor(),
            (t.urgent_orders - (t.orders * share).floor()) * urgent_cost,
        )
        minimum = float(p.get("min_order_value", 0))
        if minimum > 0:
            column = f"small_orders_{thresholds.index(minimum)}"
            rules[segment, "min_order_value"] = lambda t, column=column: (
                t[column],
                0,
                t[column],
                t[column] * ibis.coalesce(t.order_handling_cost, 0.0),
            )
        if p.get("channel") == "portal":
            rules[segment, "channel"] = lambda t: (
                t.orders_with_source - t.portal_orders,
                0,
                t.orders_with_source - t.portal_orders,
                (t.orders_with_source - t.portal_orders)
                * ibis.coalesce(t.order_handling_cost, 0.0),
            )
        if p.get("free_delivery") is False:
            rules[segment, "free_delivery"] = lambda t: (
                t.deliveries,
                0,
                t.deliveries,
                t.deliveries * delivery_cost,
            )
        if "max_waiting_days" in p:
            i = limits.index(int(p["max_waiting_days"]))
            days, value_days = f"waiting_days_over_{i}", f"waiting_value_days_over_{i}"
            allowed = int(p["max_waiting_days"])
            rules[segment, "max_waiting_days"] = lambda t, d=days, v=value_days, a=allowed: (
                t[d],
                a,
                t[d],
                t[v] * value_day_rate,
            )
        if p.get("payment") == "prepayment":
            rules[segment, "payment"] = lambda t: (
                ibis.coalesce(t.dso_days, 0.0),
                0,
                ibis.coalesce(t.dso_days, 0.0).ceil(),
                t.revenue * ibis.coalesce(t.dso_days, 0.0) / 365.0 * cost_of_capital,
            )
    if not rules:
        return m.select(
            client_id=m.client_id,
            segment=m.segment,
            rule=ibis.literal(""),
            actual=ibis.literal(0.0),
            allowed=ibis.literal(0.0),
            excess_events=ibis.literal(0.0),
            cost=ibis.literal(0.0),
        ).limit(0)
    table = literal_table(
        {
            "p_segment": ("string", [segment for segment, _ in rules]),
            "p_rule": ("string", [rule for _, rule in rules]),
        }
    )
    t = m.join(table, m.segment == table.p_segment)
    figures = {key: fn(t) for key, fn in rules.items()}

    def pick(index: int) -> ir.Value:
        return ibis.cases(
            *[
                ((t.p_segment == segment) & (t.p_rule == rule), _as_float(values[index]))
                for (segment, rule), values in figures.items()
            ]
        )

    part = t.select(
        client_id=t.client_id,
        segment=t.segment,
        rule=t.p_rule,
        actual=pick(0),
        allowed=pick(1),
        excess_events=pick(2),
        cost=pick(3),
    )
    return part.filter(part.excess_events > 0).order_by([ibis.desc("cost"), "client_id", "rule"])


def deviation_costs(deviations: ir.Table) -> ir.Table:
    """Per client: the total cost of its policy deviations."""
    return deviations.group_by("client_id").aggregate(deviations_cost=deviations.cost.sum())
