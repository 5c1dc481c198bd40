"""Sales activation: the time moving price-driven clients to self-service frees, and its worth.

Per department named in `activation.departments`: the price-driven clients' minutes there ×
`self_service_load_reduction` are freed. They are valued at the sales team's revenue per hour:
the company's revenue ÷ the hours the sales department (`activation.sales_department`) used.
"""

from __future__ import annotations

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
    """Per department: price-driven clients and minutes, freed minutes, hours and cost, and the
    revenue those hours would bring at the sales team's revenue per hour."""
    price_driven = m.filter(m.segment == "price_driven").select(p_client_id="client_id")
    load = costs.join(price_driven, costs.client_id == price_driven.p_client_id)
    load = load.filter(load.department.isin(departments))
    per_department = load.group_by(l_department=load.department).aggregate(
        price_driven_clients=load.client_id.nunique(),
        price_driven_minutes=load.minutes.sum(),
    )
    totals = m.aggregate(company_revenue=m.revenue.sum())
    sales = capacity.filter(capacity.department == sales_department)
    sales = sales.aggregate(sales_minutes=sales.used_minutes.sum())
    cap = capacity.filter(capacity.department.isin(departments))
    j = cap.left_join(per_department, cap.department == per_department.l_department)
    j = j.cross_join(totals).cross_join(sales)
    per_hour = ibis.ifelse(
        ibis.coalesce(j.sales_minutes, 0.0) > 0,
        j.company_revenue / (j.sales_minutes / 60.0),
        ibis.null("float64"),
    )
    minutes = ibis.coalesce(j.price_driven_minutes, 0.0)
    freed = minutes * reduction
    return j.select(
        department=j.department,
        price_driven_clients=ibis.coalesce(j.price_driven_clients, 0),
        price_driven_minutes=minutes,
        self_service_load_reduction=ibis.literal(reduction),
        freed_minutes=freed,
        freed_hours=freed / 60.0,
        freed_cost=freed * j.cost_per_minute,
        revenue_per_sales_hour=per_hour,
        potential_revenue=freed / 60.0 * per_hour,
    ).order_by("department")
