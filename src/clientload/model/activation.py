"""Sales activation: the time moving price-driven clients to self-service frees, and its worth,
each department's hours valued at that department's own yield.

Per department: the price-driven clients' minutes there × `self_service_load_reduction` are freed
when the department is named in `activation.departments` (none elsewhere). Then:

- the **sales** department's freed hours (`activation.sales_department`) can sell more: at the
  sales team's revenue per hour (company revenue ÷ the hours the sales department used) they are
  `potential_revenue`, and at the company's gross margin rate `potential_margin`;
- any **other** department's freed minutes are cost that can be saved (`freed_cost`) or room for
  more orders: freed minutes ÷ its minutes per order (its used minutes ÷ the company's orders) =
  `order_capacity`, worth `potential_margin` = order capacity × the gross margin per order;
- every department's spare time — unused capacity plus what is freed — carries at today's load
  `revenue_capacity` = (unused + freed minutes) ÷ used minutes × company revenue.

The headline (see `activation_headline`) is the sales team's potential revenue, bounded by the
smallest revenue capacity of the other departments: more sales need their time too. No
department's hours are valued at another's yield.
"""

from __future__ import annotations

from typing import Any

import ibis
import ibis.expr.types as ir


def sales_activation(
    m: ir.Table,
    costs: ir.Table,
    capacity: ir.Table,
    *,
    departments: list[str],
    reduction: float,
    sales_department: str,
) -> ir.Table:
    """One row per department of `capacity`: what self-service frees there and what it is worth."""
    price_driven = m.filter(m.segment == "price_driven").select(p_client_id="client_id")
    load = costs.join(price_driven, costs.client_id == price_driven.p_client_id)
    load = load.filter(load.department.isin(departments))
    per_department = load.group_by(l_department=load.department).aggregate(
        price_driven_clients=load.client_id.nunique(),
        price_driven_minutes=load.minutes.sum(),
    )
    totals = m.aggregate(
        company_revenue=m.revenue.sum(),
        company_margin=m.gross_margin.sum(),
        company_orders=m.orders.sum(),
    )
    sales = capacity.filter(capacity.department == sales_department)
    sales = sales.aggregate(sales_minutes=sales.used_minutes.sum())
    j = capacity.left_join(per_department, capacity.department == per_department.l_department)
    j = j.cross_join(totals).cross_join(sales)
    is_sales = j.department == sales_department
    minutes = ibis.coalesce(j.price_driven_minutes, 0.0)
    freed = minutes * reduction
    sales_minutes = ibis.coalesce(j.sales_minutes, 0.0)
    per_hour = ibis.ifelse(
        is_sales & (sales_minutes > 0),
        j.company_revenue / (sales_minutes / 60.0),
        ibis.null("float64"),
    )
    margin_rate = ibis.ifelse(
        j.company_revenue != 0, j.company_margin / j.company_revenue, ibis.null("float64")
    )
    orders = ibis.coalesce(j.company_orders, 0).cast("float64")
    per_order = ibis.ifelse(orders > 0, j.used_minutes / orders, ibis.null("float64"))
    margin_per_order = ibis.ifelse(orders > 0, j.company_margin / orders, ibis.null("float64"))
    order_capacity = ibis.ifelse(
        ~is_sales & (per_order > 0), freed / per_order, ibis.null("float64")
    )
    potential_revenue = ibis.ifelse(is_sales, freed / 60.0 * per_hour, ibis.null("float64"))
    return j.select(
        department=j.department,
        sales_department=is_sales,
        price_driven_clients=ibis.coalesce(j.price_driven_clients, 0),
        price_driven_minutes=minutes,
        self_service_load_reduction=ibis.literal(reduction),
        freed_minutes=freed,
        freed_hours=freed / 60.0,
        freed_cost=freed * j.cost_per_minute,
        revenue_per_sales_hour=per_hour,
        potential_revenue=potential_revenue,
        minutes_per_order=per_order,
        order_capacity=order_capacity,
        margin_per_order=margin_per_order,
        potential_margin=ibis.ifelse(
            is_sales, potential_revenue * margin_rate, order_capacity * margin_per_order
        ),
        unused_minutes=j.unused_minutes,
        revenue_capacity=ibis.ifelse(
            j.used_minutes > 0,
            (ibis.greatest(j.unused_minutes, 0.0) + freed) / j.used_minutes * j.company_revenue,
            ibis.null("float64"),
        ),
    ).order_by("department")


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
