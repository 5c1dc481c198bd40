"""The heaviest clients: top N by load and by load per revenue, with what makes them heavy."""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

TOP_PARTS = 3


def _top_parts(t: ir.Table, label: str, amount: str, share_of: str) -> ir.Table:
    """Per client the top 3 `label`s by `amount`, each with its share of the client's total,
    as columns `<label>_1`, `<label>_1_share`, …"""
    window = ibis.window(group_by=t.client_id, order_by=[ibis.desc(t[amount]), t[label]])
    total = t[amount].sum().over(ibis.window(group_by=t.client_id))
    ranked = t.mutate(_n=ibis.row_number().over(window) + 1, _share=t[amount] / total)
    ranked = ranked.filter(ranked._n <= TOP_PARTS)
    columns = {}
    for k in range(1, TOP_PARTS + 1):
        columns[f"{label}_{k}"] = ranked[label].arbitrary(where=ranked._n == k)
        columns[f"{label}_{k}_{share_of}"] = ranked._share.max(where=ranked._n == k)
    return ranked.group_by(p_client_id=ranked.client_id).aggregate(**columns)


def heavy_clients(m: ir.Table, costs: ir.Table, assortment: ir.Table, top_n: int) -> ir.Table:
    """Top `top_n` clients by load minutes (`list` = by_load) and by load minutes per 1,000 of
    revenue among clients with revenue (`list` = by_load_per_revenue); each row names the
    three activities that take most of its minutes and the three categories it buys most."""
    by_load = m.mutate(
        list=ibis.literal("by_load"),
        rank=ibis.row_number().over(ibis.window(order_by=[ibis.desc(m.load_minutes), m.client_id]))
        + 1,
    )
    buyers = m.filter(m.revenue > 0)
    by_intensity = buyers.mutate(
        list=ibis.literal("by_load_per_revenue"),
        rank=ibis.row_number().over(
            ibis.window(
                order_by=[ibis.desc(buyers.load_minutes_per_1000_revenue), buyers.client_id]
            )
        )
        + 1,
    )
    cols = [
        "list",
        "rank",
        "client_id",
        "name",
        "manager",
        "segment",
        "revenue",
        "gross_margin",
        "load_minutes",
        "load_minutes_per_1000_revenue",
        "cost_to_serve",
        "contribution",
        "orders",
        "lines_per_order",
        "changes_per_order",
        "urgent_share",
        "calls",
    ]
    top = ibis.union(
        by_load.filter(by_load.rank <= top_n).select(cols),
        by_intensity.filter(by_intensity.rank <= top_n).select(cols),
        distinct=False,
    )
    load = costs.filter(costs.department != "direct")
    load = load.semi_join(top, load.client_id == top.client_id)
    activities = _top_parts(load, "activity", "minutes", "share_of_minutes")
    bought = assortment.semi_join(top, assortment.client_id == top.client_id)
    by_category = bought.group_by(["client_id", "category"]).aggregate(revenue=bought.revenue.sum())
    categories = _top_parts(
        by_category.filter(by_category.revenue > 0), "category", "revenue", "share_of_revenue"
    )
    j = top.left_join(activities, top.client_id == activities.p_client_id)
    j = j.drop("p_client_id")
    j = j.left_join(categories, j.client_id == categories.p_client_id)
    return j.drop("p_client_id").order_by(["list", "rank"])
