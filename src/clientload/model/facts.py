"""Facts per client read from the input tables: one aggregation pass per fact table.

Everything here is an Ibis expression over the store's tables, free of any one engine's SQL, so
that the same expressions run on DuckDB and on Spark. Each function returns a small per-client
(or per-order, per-client-and-type) table; the pipeline materialises those and builds the rest of
the model on them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import ibis
import ibis.expr.types as ir

from clientload.model.period import Period


@dataclass(frozen=True)
class Store:
    """The input tables as Ibis tables, with which optional ones hold rows."""

    sales: ir.Table
    clients: ir.Table
    products: ir.Table
    orders: ir.Table
    interactions: ir.Table
    storage: ir.Table
    receivables: ir.Table
    has_orders: bool = False
    has_products: bool = False
    # the sales lines summarised per client and month (`Summaries`), kept in the store
    summaries: Summaries | None = None


@dataclass(frozen=True)
class Summaries:
    """The sales lines summed per client and month (`month_summary`), per client, order and
    month (`order_summary`) and per client, month and category (`category_summary`).

    Everything the model reads of the lines for a period of whole months is a sum, a count, a
    minimum or a maximum over these rows, or a count of distinct days (a day lies in one month, so
    distinct days add up across months). Costs are kept as the lines' known cost and the revenue
    of lines without one, so that `assumed_margin_rate` applies when the model reads them.
    """

    months: ir.Table
    orders: ir.Table
    categories: ir.Table

    @classmethod
    def of_lines(cls, store: Store) -> Summaries:
        """The summaries as expressions over the lines (a store that keeps none)."""
        costed = costed_lines(store)
        return cls(month_summary(costed), order_summary(store.sales), category_summary(costed))


def _between(value: ir.Value, period: Period) -> ir.BooleanValue:
    return value.between(ibis.literal(period.start), ibis.literal(period.end))


def _month_index(day: ir.DateValue) -> ir.IntegerValue:
    return day.year() * 12 + day.month()


def whole_months(period: Period) -> bool:
    """Whether the period starts on a month's first day and ends on a month's last day."""
    after_end = period.end + timedelta(days=1)
    return period.start.day == 1 and after_end.day == 1


def costed_lines(store: Store) -> ir.Table:
    """Sales lines with their known cost of goods (`known_cost`: the line's own `cost`, else the
    product's `unit_cost` × quantity; NULL when neither), `cost_assumed`, category and brand."""
    s = store.sales
    p = store.products.select(
        p_sku="sku",
        unit_cost="unit_cost",
        category=ibis.coalesce(store.products.category, ibis.literal("(no category)")),
        brand=ibis.coalesce(store.products.brand, ibis.literal("(no brand)")),
    )
    j = s.left_join(p, s.sku == p.p_sku)
    return j.select(
        client_id=j.client_id,
        date=j.date,
        sku=j.sku,
        quantity=j.quantity,
        revenue=j.revenue,
        known_cost=ibis.coalesce(j.cost, j.unit_cost * j.quantity),
        cost_assumed=j.cost.isnull() & j.unit_cost.isnull(),
        category=ibis.coalesce(j.category, ibis.literal("(no category)")),
    )


def month_summary(costed: ir.Table) -> ir.Table:
    """Per client and month (year × 12 + month): what `client_months` sums, with the cost split
    into the known cost and the revenue of lines whose cost is assumed."""
    t = costed
    bought = t.quantity > 0
    return t.group_by(client_id=t.client_id, month=_month_index(t.date)).aggregate(
        revenue=t.revenue.sum(),
        known_cost=t.known_cost.sum(),
        assumed_revenue=t.revenue.sum(where=t.cost_assumed),
        quantity=t.quantity.sum(),
        assumed_lines=t.count(where=t.cost_assumed),
        first_date=t.date.min(),
        last_date=t.date.max(),
        purchase_days=t.date.nunique(where=bought),
        first_purchase=t.date.min(where=bought),
        last_purchase=t.date.max(where=bought),
    )


def order_summary(sales: ir.Table) -> ir.Table:
    """Per client, order (or, without one, day), month and sign of the quantity: the lines,
    units (positive for returns too), value, value of the lines with goods, and first date."""
    t = sales
    back = t.quantity < 0
    return t.group_by(
        client_id=t.client_id,
        order_id=t.order_id,
        day=ibis.ifelse(t.order_id.isnull(), t.date, ibis.null("date")),
        month=_month_index(t.date),
        returned=back,
    ).aggregate(
        lines=t.count(),
        quantity=ibis.ifelse(back, -t.quantity, t.quantity).sum(),
        value=t.revenue.sum(),
        value_positive=t.revenue.sum(where=t.quantity > 0),
        first_date=t.date.min(),
    )


def category_summary(costed: ir.Table) -> ir.Table:
    """Per client, month and category: revenue, the margin of lines with a known cost, the
    revenue of lines whose cost is assumed, units and lines."""
    t = costed
    return t.group_by(
        client_id=t.client_id, month=_month_index(t.date), category=t.category
    ).aggregate(
        revenue=t.revenue.sum(),
        known_margin=(t.revenue - t.known_cost).sum(),
        assumed_revenue=t.revenue.sum(where=t.cost_assumed),
        quantity=t.quantity.sum(),
        lines=t.count(),
    )


def month_number(day: date) -> ir.IntegerValue:
    """year × 12 + month of a date of the period, computed by the engine from the date's literal
    (folded to a constant before the query runs) rather than written as a number: the model's
    SQL then holds the period only as dates, which a plan compiled for one period can shift to
    another (`clientload.model.period.stand_in`)."""
    literal = ibis.literal(day)
    return literal.year() * 12 + literal.month()


def client_months_of(
    summary: ir.Table, period: Period, previous: Period, assumed_margin_rate: float
) -> ir.Table:
    """`client_months` from the month summary (periods of whole months)."""
    t = summary.filter(summary.month <= month_number(period.end))
    bucket = ibis.cases(
        (t.month >= month_number(period.start), t.month),
        (t.month >= month_number(previous.start), 0),
        else_=-1,
    )
    cost = ibis.coalesce(t.known_cost, 0.0) + ibis.coalesce(t.assumed_revenue, 0.0) * (
        1.0 - assumed_margin_rate
    )
    return t.group_by(client_id=t.client_id, bucket=bucket).aggregate(
        revenue=t.revenue.sum(),
        cost_of_goods=cost.sum(),
        quantity=t.quantity.sum(),
        assumed_lines=t.assumed_lines.sum(),
        first_date=t.first_date.min(),
        last_date=t.last_date.max(),
        purchase_days=t.purchase_days.sum(),
        first_purchase=t.first_purchase.min(),
        last_purchase=t.last_purchase.max(),
    )


def client_assortment_of(
    summary: ir.Table, period: Period, assumed_margin_rate: float
) -> ir.Table:
    """`client_assortment` from the category summary (periods of whole months)."""
    t = summary.filter(
        summary.month.between(month_number(period.start), month_number(period.end))
    )
    margin = ibis.coalesce(t.known_margin, 0.0) + ibis.coalesce(
        t.assumed_revenue, 0.0
    ) * assumed_margin_rate
    return t.group_by(["client_id", "category"]).aggregate(
        revenue=t.revenue.sum(),
        gross_margin=margin.sum(),
        quantity=t.quantity.sum(),
        lines=t.lines.sum(),
    )


def priced_lines(store: Store, assumed_margin_rate: float) -> ir.Table:
    """Sales lines with their cost of goods filled in and the line's category and brand.

    Cost of goods: the line's own `cost`; else the product's `unit_cost` × quantity; else revenue ×
    (1 − assumed margin rate), and the line is marked `cost_assumed`.
    """
    s = store.sales
    p = store.products.select(
        p_sku="sku",
        unit_cost="unit_cost",
        category=ibis.coalesce(store.products.category, ibis.literal("(no category)")),
        brand=ibis.coalesce(store.products.brand, ibis.literal("(no brand)")),
    )
    j = s.left_join(p, s.sku == p.p_sku)
    assumed = j.cost.isnull() & j.unit_cost.isnull()
    cost = ibis.coalesce(j.cost, j.unit_cost * j.quantity, j.revenue * (1.0 - assumed_margin_rate))
    return j.select(
        client_id=j.client_id,
        date=j.date,
        sku=j.sku,
        order_id=j.order_id,
        quantity=j.quantity,
        revenue=j.revenue,
        cost_of_goods=cost,
        cost_assumed=assumed,
        category=ibis.coalesce(j.category, ibis.literal("(no category)")),
        brand=ibis.coalesce(j.brand, ibis.literal("(no brand)")),
    )


def client_months(lines: ir.Table, period: Period, previous: Period) -> ir.Table:
    """Per client and bucket: the month index (year × 12 + month) for lines of the period, 0 for
    the previous period, −1 before — revenue, cost, quantity, assumed lines, first and last
    dates, and the purchase days (distinct dates with goods bought) with their first and last.

    One pass over the lines up to the period's end. Clients × about 14 rows: small, kept.
    """
    upto = lines.filter(lines.date <= ibis.literal(period.end))
    bucket = ibis.cases(
        (_between(upto.date, period), _month_index(upto.date)),
        (_between(upto.date, previous), 0),
        else_=-1,
    )
    bought = upto.quantity > 0
    # Every aggregate here is computed for each of the ~10 lines per group: only what the client
    # figures need (a client is active when it has any group in the two periods).
    return upto.group_by(client_id=upto.client_id, bucket=bucket).aggregate(
        revenue=upto.revenue.sum(),
        cost_of_goods=upto.cost_of_goods.sum(),
        quantity=upto.quantity.sum(),
        assumed_lines=upto.count(where=upto.cost_assumed),
        first_date=upto.date.min(),
        last_date=upto.date.max(),
        purchase_days=upto.date.nunique(where=bought),
        first_purchase=upto.date.min(where=bought),
        last_purchase=upto.date.max(where=bought),
    )


def client_sales(months: ir.Table) -> ir.Table:
    """Per client: the period's sales, the previous period's revenue, first and last purchase,
    the sums behind the coefficient of variation of monthly revenue, and the buying rhythm.

    The rhythm is read over the previous period and the period together: the purchase days and
    the mean gap between them, (last − first purchase day) ÷ (purchase days − 1).
    """
    b = months
    current = b.bucket > 0
    window = b.bucket >= 0
    revenue = ibis.coalesce(b.revenue, 0.0)
    t = (
        b.group_by("client_id")
        .aggregate(
            revenue=ibis.coalesce(revenue.sum(where=current), 0.0),
            cost_of_goods=ibis.coalesce(b.cost_of_goods.sum(where=current), 0.0),
            quantity=ibis.coalesce(b.quantity.sum(where=current), 0.0),
            assumed_lines=ibis.coalesce(b.assumed_lines.sum(where=current), 0),
            previous_revenue=ibis.coalesce(revenue.sum(where=b.bucket == 0), 0.0),
            recent_buckets=b.count(where=window),
            first_date=b.first_date.min(),
            last_date=b.last_date.max(),
            monthly_revenue_sq=ibis.coalesce((revenue * revenue).sum(where=current), 0.0),
            purchase_days=ibis.coalesce(b.purchase_days.sum(where=window), 0),
            window_first_purchase=b.first_purchase.min(where=window),
            window_last_purchase=b.last_purchase.max(where=window),
        )
        .filter(lambda t: t.recent_buckets > 0)
    )
    span = t.window_last_purchase.delta(t.window_first_purchase, unit="day")
    return t.mutate(
        mean_gap_days=ibis.ifelse(
            t.purchase_days >= 2,
            span.cast("float64") / (t.purchase_days - 1).cast("float64"),
            ibis.null("float64"),
        )
    ).drop("window_first_purchase", "window_last_purchase")


def client_interactions(store: Store, period: Period) -> ir.Table:
    """Per client and interaction type: events (`count`, default 1), the minutes recorded on
    rows that have them, and the events of rows without minutes (they take the standard time).

    Undated rows are counted in every period: a log without dates is still load.
    """
    i = store.interactions
    i = i.filter(i.date.isnull() | _between(i.date.date(), period))
    events = ibis.coalesce(i["count"], 1)
    raw = i.group_by(client_id=i.client_id, raw_type=i.type).aggregate(
        events=events.sum(),
        recorded_minutes=ibis.coalesce(i.minutes.sum(where=i.minutes.notnull()), 0.0),
        unrecorded_events=ibis.coalesce(events.sum(where=i.minutes.isnull()), 0),
    )
    # Types are matched case- and space-insensitively; normalising after the first grouping
    # touches a few rows per client instead of every interaction.
    return raw.group_by(client_id=raw.client_id, type=raw.raw_type.lower().strip()).aggregate(
        events=raw.events.sum(),
        recorded_minutes=raw.recorded_minutes.sum(),
        unrecorded_events=raw.unrecorded_events.sum(),
    )


def client_storage(store: Store, period: Period, pallet_day_rate: float, value_day_rate: float):
    """Per client: pallet-days, value-days (rows with a value but no pallets) and storage cost.

    Each storage row is one client and day; its pallets (or value) are held for that day.
    """
    s = store.storage.filter(_between(store.storage.date, period))
    by_value = s.pallets.isnull()
    held = (ibis.coalesce(s.pallets, 0.0) > 0) | (ibis.coalesce(s.value, 0.0) > 0)
    agg = s.group_by("client_id").aggregate(
        pallet_days=ibis.coalesce(s.pallets.sum(), 0.0),
        value_days=ibis.coalesce(s.value.sum(where=by_value), 0.0),
        storage_days=s.date.nunique(where=held),
    )
    return agg.mutate(
        storage_cost=agg.pallet_days * pallet_day_rate + agg.value_days * value_day_rate
    )


def client_receivables(
    store: Store, period: Period, cost_of_capital: float, default_terms_days: float
) -> ir.Table:
    """Per client: financing cost of overdue receivables and days sales outstanding.

    An invoice is overdue from its due date (or, without one, its issue date + the client's
    payment terms) until it is paid (or, unpaid, past the period's end). Only overdue days
    inside the period count: financing cost = Σ overdue days in period × amount ×
    cost of capital / 365. DSO = the amount-weighted days from issue to payment (or to the
    period's end when unpaid) of invoices issued in the period.
    """
    r = store.receivables
    c = store.clients.select(c_client_id="client_id", terms="payment_terms_days")
    j = r.left_join(c, r.client_id == c.c_client_id)
    terms = ibis.coalesce(j.terms, float(default_terms_days)).round(0).cast("int32")
    due = ibis.coalesce(j.due_date, j.issued_date + terms.as_interval("D"))
    issued = ibis.coalesce(j.issued_date, j.due_date - terms.as_interval("D"))
    after_end = ibis.literal(period.end + timedelta(days=1))
    late_from = ibis.greatest(due, ibis.literal(period.start))
    late_until = ibis.least(ibis.coalesce(j.paid_date, after_end), after_end)
    late_days = late_until.delta(late_from, unit="day")
    overdue_days = ibis.greatest(ibis.coalesce(late_days, 0), 0)
    amount = ibis.coalesce(j.amount, 0.0)
    in_period = _between(issued, period)
    paid_after = ibis.coalesce(j.paid_date, ibis.literal(period.end)).delta(issued, unit="day")
    agg = j.group_by("client_id").aggregate(
        overdue_amount_days=(overdue_days * amount).sum(),
        invoiced=amount.sum(where=in_period),
        invoiced_days=(amount * ibis.greatest(paid_after, 0)).sum(where=in_period),
    )
    return agg.select(
        "client_id",
        financing_cost=ibis.coalesce(agg.overdue_amount_days, 0.0) * (cost_of_capital / 365.0),
        dso_days=ibis.ifelse(
            agg.invoiced > 0, agg.invoiced_days / agg.invoiced, ibis.null("float64")
        ),
    )


def client_assortment(lines: ir.Table, period: Period) -> ir.Table:
    """What each client bought in the period by category (brands and SKUs: see
    `client_assortment_sku`, kept for the heaviest clients because at scale the client × brand
    table is as large as the sales)."""
    cur = lines.filter(_between(lines.date, period))
    return cur.group_by(["client_id", "category"]).aggregate(
        revenue=cur.revenue.sum(),
        gross_margin=(cur.revenue - cur.cost_of_goods).sum(),
        quantity=cur.quantity.sum(),
        lines=cur.count(),
    )


def client_assortment_sku(lines: ir.Table, period: Period, clients: ir.Table) -> ir.Table:
    """What the given clients (the heaviest) bought in the period, SKU by SKU."""
    cur = lines.filter(_between(lines.date, period))
    cur = cur.semi_join(clients, cur.client_id == clients.client_id)
    return cur.group_by(["client_id", "category", "brand", "sku"]).aggregate(
        revenue=cur.revenue.sum(),
        gross_margin=(cur.revenue - cur.cost_of_goods).sum(),
        quantity=cur.quantity.sum(),
        lines=cur.count(),
    )


def range_categories(
    store: Store, lines: ir.Table, period: Period, summaries: Summaries | None = None
) -> ir.Value:
    """The number of categories in the range: the products table's, else those sold."""
    if store.has_products:
        return store.products.category.nunique()
    if summaries is not None:
        c = summaries.categories
        c = c.filter(c.month.between(month_number(period.start), month_number(period.end)))
        return c.category.nunique()
    cur = lines.filter(_between(lines.date, period))
    return cur.category.nunique()
