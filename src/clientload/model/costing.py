"""Time-driven activity-based costing (Kaplan & Anderson, HBR 2004).

Cost per minute of a department = its cost ÷ its practical capacity (both over the analysed
period). An activity's minutes come from its driver and time equation; its cost = minutes × the
department's cost per minute. Capacity no client used stays in `capacity` as unused; it is never
spread over clients.
"""

from __future__ import annotations

from dataclasses import dataclass

import ibis
import ibis.expr.types as ir

from clientload.model.literal import literal_table
from clientload.model.orders import term_column
from clientload.settings.loader import Activity, Department

# How each non-interaction driver is counted in the per-client drivers table.
DRIVER_COLUMNS = {
    "orders": "orders",
    "order_lines": "order_lines",
    "order_changes": "changes",
    "urgent_orders": "urgent_orders",
    "deliveries": "deliveries",
    "returns": "returns",
}


@dataclass(frozen=True)
class DepartmentRate:
    """A department over the analysed period: cost and capacity scaled, and its minute's cost."""

    name: str
    cost: float
    capacity_minutes: float

    @property
    def cost_per_minute(self) -> float:
        return self.cost / self.capacity_minutes


def department_rates(
    departments: dict[str, Department], period_months: float, cost_period_months: float
) -> dict[str, DepartmentRate]:
    """Scale each department's cost and capacity from the settings' months to the period's.

    The cost per minute does not change with the scaling; the unused capacity does.
    """
    scale = period_months / cost_period_months
    return {
        name: DepartmentRate(name, d.cost * scale, d.capacity_minutes * scale)
        for name, d in departments.items()
    }


def activity_minutes(activity: Activity, drivers: ir.Table) -> tuple[ir.Value, ir.Value]:
    """Events and minutes of a driver-counted activity, per client row of `drivers`.

    The time equation: minutes × events + Σ each term's minutes × its quantity (the term columns
    of `drivers`, see `clientload.model.orders`): linear, so summing per order and per client
    give the same.
    """
    events = drivers[DRIVER_COLUMNS[activity.driver]]
    minutes = events * activity.minutes
    for term in activity.terms:
        minutes = minutes + drivers[term_column(activity.driver, term)] * term.minutes
    return events, minutes


def _activity_table(chosen: dict[str, Activity]) -> ir.Table:
    """The names of the chosen activities with their department, driver and interaction type."""
    return literal_table(
        {
            "a_activity": ("string", list(chosen)),
            "a_department": ("string", [a.department for a in chosen.values()]),
            "a_driver": ("string", [a.driver for a in chosen.values()]),
            "a_type": ("string", [(a.type or "").lower().strip() for a in chosen.values()]),
        }
    )


def _cost_rows(
    t: ir.Table,
    chosen: dict[str, Activity],
    rates: dict[str, DepartmentRate],
    equation,
) -> ir.Table:
    """Each row of `t` (facts joined to an activity) costed by its activity's own equation.

    The equations stay literal per activity (a CASE on the activity's name), so the arithmetic
    is exactly that of one query per activity, in one query.
    """
    events_minutes = {name: equation(a, t) for name, a in chosen.items()}

    def by_activity(pick) -> ir.Value:
        return ibis.cases(*[(t.a_activity == name, pick(name)) for name in chosen])

    part = t.select(
        client_id=t.client_id,
        department=t.a_department,
        activity=t.a_activity,
        driver=t.a_driver,
        events=by_activity(lambda name: events_minutes[name][0].cast("float64")),
        minutes=by_activity(lambda name: events_minutes[name][1].cast("float64")),
        cost=by_activity(
            lambda name: (
                events_minutes[name][1] * rates[chosen[name].department].cost_per_minute
            ).cast("float64")
        ),
        # the minutes recorded on interactions (the rest are standard minutes, the assumption
        # the sensitivity of the groups varies)
        recorded_minutes=(
            t.recorded_minutes.cast("float64") if "recorded_minutes" in t.columns
            else ibis.literal(0.0)
        ),
    )
    return part.filter((part.events > 0) | (part.minutes > 0))


def _interaction_minutes(activity: Activity, t: ir.Table) -> tuple[ir.Value, ir.Value]:
    """Interactions take their recorded minutes, and the standard minutes where none were."""
    return t.events, t.recorded_minutes + t.unrecorded_events * activity.minutes


def client_costs(
    drivers: ir.Table,
    interactions: ir.Table,
    activities: dict[str, Activity],
    rates: dict[str, DepartmentRate],
) -> ir.Table:
    """One row per client, activity: department, activity, driver, events, minutes, cost, and
    the recorded minutes among them.

    Interactions of an activity's `type` take their own minutes where recorded and the standard
    minutes for the rest. Built as two joins of the per-client facts with a small table of the
    activities (not a union of one query per activity), so that compiling and planning do not
    grow with the number of activities.
    """
    counted = {n: a for n, a in activities.items() if a.driver != "interactions"}
    typed = {n: a for n, a in activities.items() if a.driver == "interactions"}
    parts = []
    if counted:
        d = drivers.cross_join(_activity_table(counted))
        parts.append(_cost_rows(d, counted, rates, activity_minutes))
    if typed:
        names = _activity_table(typed)
        i = interactions.join(names, interactions.type == names.a_type)
        parts.append(_cost_rows(i, typed, rates, _interaction_minutes))
    if not parts:
        return drivers.select(
            client_id=drivers.client_id,
            department=ibis.literal(""),
            activity=ibis.literal(""),
            driver=ibis.literal(""),
            events=ibis.literal(0.0),
            minutes=ibis.literal(0.0),
            cost=ibis.literal(0.0),
            recorded_minutes=ibis.literal(0.0),
        ).limit(0)
    return parts[0] if len(parts) == 1 else ibis.union(*parts, distinct=False)


def direct_costs(storage: ir.Table, financing: ir.Table, waiting: ir.Table) -> ir.Table:
    """Storage, goods waiting ready but unshipped, and financing as cost rows of department
    "direct" (no minutes)."""

    def rows(t: ir.Table, activity: str, cost: ir.Value, events: ir.Value) -> ir.Table:
        part = t.select(
            client_id=t.client_id,
            department=ibis.literal("direct"),
            activity=ibis.literal(activity),
            driver=ibis.literal("direct"),
            events=events.cast("float64"),
            minutes=ibis.literal(0.0),
            cost=cost.cast("float64"),
            recorded_minutes=ibis.literal(0.0),
        )
        return part.filter(part.cost != 0)

    return ibis.union(
        rows(storage, "storage", storage.storage_cost, storage.pallet_days + storage.value_days),
        rows(waiting, "waiting", waiting.waiting_cost, waiting.waiting_days),
        rows(financing, "financing", financing.financing_cost, ibis.literal(0.0)),
        distinct=False,
    )


def capacity(costs: ir.Table, rates: dict[str, DepartmentRate]) -> ir.Table:
    """Per department: cost, capacity, cost per minute, used and unused minutes and cost.

    Used + unused = capacity (minutes and cost). A department whose clients used more than its
    practical capacity gets negative unused capacity and `over_capacity` true.
    """
    departments = literal_table(
        {
            "department": ("string", list(rates)),
            "cost": ("float64", [r.cost for r in rates.values()]),
            "capacity_minutes": ("float64", [r.capacity_minutes for r in rates.values()]),
            "cost_per_minute": ("float64", [r.cost_per_minute for r in rates.values()]),
        }
    )
    used = (
        costs.filter(costs.department != "direct")
        .group_by(u_department=costs.department)
        .aggregate(used_minutes=costs.minutes.sum())
    )
    j = departments.left_join(used, departments.department == used.u_department)
    used_minutes = ibis.coalesce(j.used_minutes, 0.0)
    out = j.select(
        department=j.department,
        cost=j.cost,
        capacity_minutes=j.capacity_minutes,
        cost_per_minute=j.cost_per_minute,
        used_minutes=used_minutes,
        used_cost=used_minutes * j.cost_per_minute,
        unused_minutes=j.capacity_minutes - used_minutes,
        unused_cost=(j.capacity_minutes - used_minutes) * j.cost_per_minute,
        utilisation=used_minutes / j.capacity_minutes,
        over_capacity=used_minutes > j.capacity_minutes,
    )
    return out.order_by("department")
