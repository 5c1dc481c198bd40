"""Receivables (one invoice per order, paid with persona-dependent delays) and sales plans."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from clientload.generate.activity import ClientPlan, Orders
from clientload.generate.lines import OrderTotals
from clientload.generate.tables import labelled, to_table

PLAN_STRETCH = (1.0, 1.25)  # plans are set this far above what was then achieved


def receivables_table(
    plan: ClientPlan,
    orders: Orders,
    totals: OrderTotals,
    end: np.datetime64,
    labels: dict[str, pa.Array],
    rng: np.random.Generator,
) -> pa.Table:
    """An invoice per order: issued when shipped, due after the client's terms, paid early or late.

    Payments that would fall after the end of the data are left unpaid (no `paid_date`).
    """
    n = len(orders)
    created = orders.created.astype("datetime64[D]")
    shipped = orders.shipped.astype("datetime64[D]")
    issued = np.where(np.isnat(shipped), created, shipped)
    terms = plan.terms_days[orders.client].astype(np.int64)
    due = issued + terms.astype("timedelta64[D]")
    late = rng.random(n) < plan.param("late_share")[orders.client]
    delay = np.where(
        late,
        np.ceil(rng.exponential(plan.param("late_days_mean")[orders.client])),
        -np.floor(rng.random(n) * np.minimum(terms, 5)),
    ).astype(np.int64)
    paid = due + delay.astype("timedelta64[D]")
    unpaid = paid > end
    return to_table(
        "receivables",
        {
            "client_id": labels["client_id"].take(pa.array(orders.client)),
            "invoice": labels["invoice"],
            "amount": np.round(totals.revenue, 2),
            "issued_date": pa.array(issued),
            "due_date": pa.array(due),
            "paid_date": pa.array(paid, mask=unpaid),
        },
    )


def plans_table(
    plan: ClientPlan,
    orders: Orders,
    totals: OrderTotals,
    periods: list[str],
    labels: dict[str, pa.Array],
    rng: np.random.Generator,
) -> pa.Table:
    """Revenue, quantity and margin plans per manager and month, 100-125 % of the actual."""
    managers, months = len(labels["manager"]), len(periods)
    cell = plan.manager[orders.client] * months + orders.month
    size = managers * months

    def actual(weights: np.ndarray) -> np.ndarray:
        return np.bincount(cell, weights=weights, minlength=size)

    stretch = rng.uniform(*PLAN_STRETCH, size)
    manager = np.repeat(np.arange(managers), months)
    period = np.tile(np.arange(months), managers)
    return to_table(
        "plans",
        {
            "manager": labels["manager"].take(pa.array(manager)),
            "period": labelled(period, periods),
            "revenue_plan": np.round(actual(totals.revenue) * stretch, -3),
            "quantity_plan": np.round(actual(totals.units) * stretch, -1),
            "margin_plan": np.round(actual(totals.revenue - totals.cost) * stretch, -3),
        },
    )
