"""The client P&L and its operating metrics: revenue → gross margin → cost to serve → contribution.

Built on the materialised per-client facts; one row per client that bought in the period or the
previous one, or used any of the company's time or money in the period.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from clientload.model import rhythm as rhythm_mod
from clientload.model.facts import month_number
from clientload.model.period import Period


def client_universe(*tables: ir.Table) -> ir.Table:
    """Every client that appears in any of the per-client fact tables."""
    ids = [t.select("client_id") for t in tables]
    return ibis.union(*ids, distinct=True)


def _ratio(numerator: ir.NumericValue, denominator: ir.NumericValue) -> ir.NumericValue:
    """numerator ÷ denominator, NULL where the denominator is zero or missing."""
    return ibis.ifelse(denominator != 0, numerator / denominator, ibis.null("float64"))


def _z(value: ir.Value, zero: float | int = 0) -> ir.Value:
    return ibis.coalesce(value, zero)


def company_sales_totals(sales: ir.Table) -> ir.Table:
    """One row: the company's revenue and gross margin in the period — the sums of the client
    P&L's columns (every client of `sales` is a row of the P&L)."""
    return sales.aggregate(
        revenue=ibis.coalesce(sales.revenue.sum(), 0.0),
        margin=ibis.coalesce((sales.revenue - sales.cost_of_goods).sum(), 0.0),
        # the mean previous revenue of the clients that had any: growth's yardstick
        previous_revenue_sum=sales.previous_revenue.sum(where=sales.previous_revenue > 0),
        previous_revenue_clients=sales.count(where=sales.previous_revenue > 0),
    )


def _cost_kinds(costs: ir.Table) -> dict[str, ir.BooleanValue]:
    """Which `client_costs` rows make each part of the cost to serve: the departments'
    activities, and the direct costs of storage and financing (an activity that a company names
    "storage" in one of its departments stays an activity)."""
    direct = costs.department == "direct"
    return {
        "activity_cost": ~direct,
        # goods waiting ready but unshipped are storage too: our warehouse used as the client's
        "storage_cost": direct & costs.activity.isin(("storage", "waiting")),
        "financing_cost": direct & (costs.activity == "financing"),
    }


def company_cost_to_serve(costs: ir.Table) -> ir.Table:
    """One row: the sum of the clients' cost to serve, read from `client_costs` with the P&L's
    own parts (every client there is a row of the P&L)."""
    parts = [ibis.coalesce(costs.cost.sum(where=rows), 0.0) for rows in _cost_kinds(costs).values()]
    return costs.aggregate(cost_to_serve=parts[0] + parts[1] + parts[2])


def client_pnl(
    *,
    universe: ir.Table,
    clients: ir.Table,
    sales: ir.Table,
    orders: ir.Table,
    costs: ir.Table,
    calls: ir.Table,
    storage: ir.Table,
    receivables: ir.Table,
    categories: ir.Table,
    rhythm: ir.Table,
    waiting: ir.Table,
    range_categories: int,
    period: Period,
    rhythm_months: int,
    default_terms_days: float,
) -> ir.Table:
    """Join the facts into one row per client and derive the P&L and the operating metrics.

    `costs` is `client_costs` (activities and direct costs); `calls` has the client's call events;
    `rhythm` the Σ of squared revenue per `rhythm_months` bucket; `waiting` the goods it left
    ready but unshipped in our warehouse.
    """
    months = period.months
    by_kind = _cost_parts(costs)
    c = clients.select(
        c_client_id="client_id",
        name="name",
        manager="manager",
        region="region",
        terms="payment_terms_days",
    )
    u = universe
    parts = [
        (c, "c_client_id"),
        (sales.rename(s_client_id="client_id"), "s_client_id"),
        (orders.rename(o_client_id="client_id"), "o_client_id"),
        (by_kind, "k_client_id"),
        (calls.rename(l_client_id="client_id"), "l_client_id"),
        (storage.rename(t_client_id="client_id"), "t_client_id"),
        (receivables.rename(r_client_id="client_id"), "r_client_id"),
        (categories.rename(g_client_id="client_id"), "g_client_id"),
        (rhythm.rename(h_client_id="client_id"), "h_client_id"),
        (waiting.rename(w_client_id="client_id"), "w_client_id"),
    ]
    j = u
    for table, key in parts:
        j = j.left_join(table, u.client_id == table[key])
    revenue = _z(j.revenue, 0.0)
    cost_of_goods = _z(j.cost_of_goods, 0.0)
    gross_margin = revenue - cost_of_goods
    activity_cost = _z(j.activity_cost, 0.0)
    storage_cost = _z(j.storage_cost, 0.0)
    financing_cost = _z(j.financing_cost, 0.0)
    cost_to_serve = activity_cost + storage_cost + financing_cost
    load_minutes = _z(j.load_minutes, 0.0)
    orders_n = _z(j.orders, 0)
    first_date = j.first_date
    cv, regularity, tenure = _regularity(j, revenue, period, rhythm_months)
    categories_bought = _z(j.categories_bought, 0)
    previous_revenue = _z(j.previous_revenue, 0.0)
    return j.select(
        client_id=u.client_id,
        name=ibis.coalesce(j.name, u.client_id),
        manager=j.manager,
        region=j.region,
        revenue=revenue,
        cost_of_goods=cost_of_goods,
        gross_margin=gross_margin,
        margin_rate=_ratio(gross_margin, revenue),
        cost_assumed=_z(j.assumed_lines, 0) > 0,
        load_minutes=load_minutes,
        activity_cost=activity_cost,
        standard_activity_cost=_z(j.standard_activity_cost, 0.0),
        storage_cost=storage_cost,
        financing_cost=financing_cost,
        cost_to_serve=cost_to_serve,
        contribution=gross_margin - cost_to_serve,
        contribution_rate=_ratio(gross_margin - cost_to_serve, revenue),
        orders=orders_n,
        order_lines=_z(j.order_lines, 0),
        quantity=_z(j.quantity, 0.0),
        changes=_z(j.changes, 0),
        urgent_orders=_z(j.urgent_orders, 0),
        deliveries=_z(j.deliveries, 0),
        returns=_z(j.returns, 0),
        returned_orders=_z(j.returned_orders, 0),
        new_client_orders=_z(j.new_client_orders, 0),
        calls=_z(j.calls, 0),
        portal_orders=_z(j.portal_orders, 0),
        orders_with_source=_z(j.orders_with_source, 0),
        orders_per_month=orders_n / months,
        average_order_value=_ratio(_z(j.order_value, 0.0), orders_n),
        lines_per_order=_ratio(_z(j.order_lines, 0), orders_n),
        changes_per_order=_ratio(_z(j.changes, 0), orders_n),
        urgent_share=_ratio(_z(j.urgent_orders, 0), orders_n),
        calls_per_order=_ratio(_z(j.calls, 0), orders_n),
        load_minutes_per_1000_revenue=_ratio(load_minutes * 1000.0, revenue),
        margin_per_load_hour=_ratio(gross_margin, load_minutes / 60.0),
        storage_days=_z(j.storage_days, 0),
        waiting_orders=_z(j.waiting_orders, 0),
        waiting_days=_z(j.waiting_days, 0),
        waiting_value_days=_z(j.waiting_value_days, 0.0),
        dso_days=j.dso_days,
        payment_terms_days=ibis.coalesce(j.terms, float(default_terms_days)),
        categories_bought=categories_bought,
        breadth=categories_bought / max(range_categories, 1),
        monthly_revenue=revenue / months,
        cv_monthly_revenue=cv,
        regularity_cv=regularity,
        purchase_days=_z(j.purchase_days, 0),
        mean_gap_days=j.mean_gap_days,
        tenure_months=tenure,
        first_date=first_date,
        last_date=j.last_date,
        previous_revenue=previous_revenue,
        growth=_ratio(revenue - previous_revenue, previous_revenue),
    )


def _cost_parts(costs: ir.Table) -> ir.Table:
    """Per client: its minutes, the cost of its activities, storage and financing (`_cost_kinds`)
    and the part of the activities' cost from standard minutes rather than recorded ones."""
    kind = _cost_kinds(costs)
    standard_share = (costs.minutes - costs.recorded_minutes) / costs.minutes
    standard = ibis.ifelse(costs.minutes > 0, costs.cost * standard_share, 0.0)
    return costs.group_by(k_client_id=costs.client_id).aggregate(
        load_minutes=costs.minutes.sum(),
        standard_activity_cost=standard.sum(where=kind["activity_cost"]),
        **{name: costs.cost.sum(where=rows) for name, rows in kind.items()},
    )


def _regularity(
    j: ir.Table, revenue: ir.NumericValue, period: Period, rhythm_months: int
) -> tuple[ir.NumericValue, ir.NumericValue, ir.IntegerValue]:
    """The CV of monthly revenue over the months since the client's first purchase in the
    period (XYZ), the CV over the rhythm's B-month buckets (the groups' regularity), and the
    tenure in whole months."""
    first_date = j.first_date
    active_from = ibis.greatest(first_date, ibis.literal(period.start))
    active_months = (
        month_number(period.end)
        - (active_from.year() * 12 + active_from.month())
        + 1
    )
    mean = revenue / active_months
    variance = _z(j.monthly_revenue_sq, 0.0) / active_months - mean * mean
    cv = ibis.ifelse(
        (revenue > 0) & active_months.notnull(),
        ibis.greatest(variance, 0.0).sqrt() / mean,
        ibis.null("float64"),
    )
    active_buckets = rhythm_mod.active_buckets(first_date, period, rhythm_months)
    regularity = rhythm_mod.regularity_cv(revenue, j.rhythm_revenue_sq, active_buckets)
    tenure = ibis.ifelse(
        first_date.notnull(),
        month_number(period.end) - (first_date.year() * 12 + first_date.month()),
        ibis.null("int64"),
    )
    return cv, regularity, tenure


def calls_per_client(interactions: ir.Table) -> ir.Table:
    """Call events per client (interactions of type `call`)."""
    t = interactions.filter(interactions.type == "call")
    return t.group_by("client_id").aggregate(calls=t.events.sum())


def categories_per_client(assortment: ir.Table) -> ir.Table:
    """How many categories each client bought (net quantity above zero) in the period."""
    a = assortment.group_by(["client_id", "category"]).aggregate(q=assortment.quantity.sum())
    return a.group_by("client_id").aggregate(categories_bought=a.category.nunique(where=a.q > 0))


def abc_class(t: ir.Table, column: str, a_share: float, b_share: float) -> ir.StringValue:
    """ABC class by cumulative share of a positive amount, largest first.

    A client is in A while the share of the clients before it is below `a_share` (so the client
    that crosses the line is still A), B below `b_share`, C after; zero or negative amounts are C.
    """
    amount = ibis.greatest(_z(t[column], 0.0), 0.0)
    window = ibis.window(order_by=[ibis.desc(amount), t.client_id], preceding=None, following=0)
    running = amount.sum().over(window)
    total = amount.sum().over(ibis.window())
    before = _ratio(running - amount, total)
    return ibis.cases(
        (amount <= 0, "C"),
        (before < a_share, "A"),
        (before < b_share, "B"),
        else_="C",
    )


def xyz_class(cv: ir.NumericValue, x_max_cv: float, y_max_cv: float) -> ir.StringValue:
    """XYZ class by the coefficient of variation of monthly revenue: steady X, Y, erratic Z."""
    return ibis.cases((cv <= x_max_cv, "X"), (cv <= y_max_cv, "Y"), else_="Z")
