"""The run's headline figures from the model's one-row results: plain Python, no Ibis (a run whose
queries come from the plan cache never imports it)."""

from __future__ import annotations

from typing import Any


def as_float(value: Any) -> float | None:
    return None if value is None or value != value else float(value)


def company_headlines(
    whale_row: dict, capacity_rows: list[dict], company_revenue: float, margin_rate: float
) -> dict:
    """The figures a director reads first: totals, the whale curve, unused capacity."""
    clients = int(as_float(whale_row["clients"]) or 0)
    total = as_float(whale_row["total_contribution"]) or 0.0
    top = as_float(whale_row["top_clients_contribution"]) or 0.0
    peak = as_float(whale_row["peak_contribution"]) or 0.0
    losers = int(as_float(whale_row["loss_making_clients"]) or 0)
    unused_cost = sum(as_float(r["unused_cost"]) or 0.0 for r in capacity_rows)
    over = [str(r["department"]) for r in capacity_rows if r["over_capacity"]]
    return {
        "clients": clients,
        "revenue": company_revenue,
        "margin_rate": margin_rate,
        "total_contribution": total,
        "unused_capacity_cost": unused_cost,
        "profit_after_unused_capacity": total - unused_cost,
        "over_capacity_departments": over,
        "whale": {
            "top_client_share": 0.2,
            # shares of a negative total would rank the losses as the "peak": none then
            "top_clients_profit_share": top / total if total > 0 else None,
            "peak_contribution": peak,
            "peak_profit_share": peak / total if total > 0 else None,
            "peak_client_share": as_float(whale_row["peak_client_share"]),
            "loss_making_clients": losers,
            "loss_making_share": losers / clients if clients else None,
            "loss_making_cost": as_float(whale_row["loss_making_cost"]) or 0.0,
        },
    }


def activation_headline(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The revenue the freed sales hours could bring, bounded by the other departments' spare time:
    min(potential revenue, the smallest revenue capacity of another department)."""
    potential = sum(float(r["potential_revenue"] or 0.0) for r in rows if r["sales_department"])
    hours = sum(float(r["freed_hours"] or 0.0) for r in rows if r["sales_department"])
    bounds = [
        (float(r["revenue_capacity"]), str(r["department"]))
        for r in rows
        if not r["sales_department"] and r["revenue_capacity"] is not None
    ]
    bound, where = min(bounds) if bounds else (None, None)
    return {
        "freed_sales_hours": hours,
        "potential_revenue": potential,
        "bound_revenue": bound,
        "bound_department": where,
        "revenue": potential if bound is None else min(potential, bound),
    }
