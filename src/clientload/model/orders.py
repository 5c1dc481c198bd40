"""Orders and returns as events of the time equations, and the goods waiting in our warehouse.

One row per order of the period and per return (an order flagged `returned`, or the negative sales
lines of an order that is not) carries what a time equation can read: its lines, units and changes,
whether it is urgent, changed, returned or from a new client, and its delivery and source codes.
Summed per client, these rows give each driver's events and each term's quantity, so an activity's
minutes are base × events + Σ term minutes × term quantity (exact, as every term is linear).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

import ibis
import ibis.expr.types as ir

from clientload.model.facts import month_number
from clientload.model.period import Period
from clientload.settings.loader import Activity
from clientload.settings.terms import Term


def _between(value: ir.Value, period: Period) -> ir.BooleanValue:
    return value.between(ibis.literal(period.start), ibis.literal(period.end))


def _code(column: ir.StringValue) -> ir.StringValue:
    """A code column compared as the import writes codes: trimmed, lower case; missing is ''."""
    return ibis.coalesce(column.lower().strip(), ibis.literal(""))


def _order_attributes(store) -> ir.Table:
    o = store.orders
    return o.select(
        order_id=o.order_id,
        o_client_id=o.client_id,
        created=o.created_at.date(),
        urgent=ibis.coalesce(o.urgent, False),
        changes=ibis.coalesce(o.changes, 0),
        delivery=_code(o.delivery),
        source=_code(o.source),
        returned=ibis.coalesce(o.returned, False),
    )


def _per_order(
    lines: ir.Table, period: Period, summary: ir.Table | None
) -> tuple[ir.Table, ir.Table]:
    """The period's orders (lines with a quantity ≥ 0) and returns (negative lines), grouped by
    client, order, and day where the order is empty: from the lines, or from `order_summary`
    for a period of whole months."""
    if summary is not None:
        first = month_number(period.start)
        last = month_number(period.end)
        t = summary.filter(summary.month.between(first, last))
        sold = t.filter(~t.returned)
        per_order = sold.group_by(
            s_client_id=sold.client_id, s_order_id=sold.order_id, s_day=sold.day
        ).aggregate(
            lines=sold.lines.sum(),
            quantity=sold.quantity.sum(),
            value=sold.value.sum(),
            s_date=sold.first_date.min(),
        )
        back = t.filter(t.returned)
        per_return = back.group_by(
            client_id=back.client_id, order_id=back.order_id, r_day=back.day
        ).aggregate(
            events=back.lines.sum(), quantity=back.quantity.sum(), day=back.first_date.min()
        )
        return per_order, per_return
    in_period = lines.filter(_between(lines.date, period))
    sold = in_period.filter(in_period.quantity >= 0)
    # Grouping by three plain keys is much faster than by one concatenated string key.
    per_order = sold.group_by(
        s_client_id=sold.client_id,
        s_order_id=sold.order_id,
        s_day=ibis.ifelse(sold.order_id.isnull(), sold.date, ibis.null("date")),
    ).aggregate(
        lines=sold.count(),
        quantity=sold.quantity.sum(),
        value=sold.revenue.sum(),
        s_date=sold.date.min(),
    )
    back = in_period.filter(in_period.quantity < 0)
    per_return = back.group_by(
        client_id=back.client_id,
        order_id=back.order_id,
        r_day=ibis.ifelse(back.order_id.isnull(), back.date, ibis.null("date")),
    ).aggregate(
        events=back.count(), quantity=(-back.quantity).sum(), day=back.date.min()
    )
    return per_order, per_return


def order_events(
    store,
    lines: ir.Table,
    period: Period,
    first_purchase: ir.Table,
    new_client_months: int,
    summary: ir.Table | None = None,
) -> ir.Table:
    """The period's orders and returns, one row each, with what the time equations read.

    Orders come from the sales lines of the period (returns excluded): one per `order_id`, or,
    where it is empty, one per client and date. Where the `orders` table has rows, each order
    takes its urgency, changes, delivery, source and `returned` flag from there, and belongs to
    the period by its `created_at` when given, else by the date of its lines. A return is an
    order flagged `returned` (counted once, by the order's date) or, for an order not flagged,
    each negative sales line of the period; a return is never counted twice.

    `first_purchase` holds each client's `first_date`: an order within `new_client_months` of it
    is a new client's. `lines` may be the raw sales table: only client, date, order, quantity
    and revenue are read; with `summary` (`facts.order_summary`, for a period of whole months)
    the lines are not read.
    """
    per_order, per_return = _per_order(lines, period, summary)
    if store.has_orders:
        attrs = _order_attributes(store)
        j = per_order.outer_join(attrs, per_order.s_order_id == attrs.order_id)
        orders = j.select(
            client_id=ibis.coalesce(j.o_client_id, j.s_client_id),
            day=ibis.coalesce(j.created, j.s_date),
            kind=ibis.literal("order"),
            events=ibis.literal(1),
            lines=ibis.coalesce(j.lines, 0),
            quantity=ibis.coalesce(j.quantity, 0.0),
            value=ibis.coalesce(j.value, 0.0),
            urgent=ibis.coalesce(j.urgent, False),
            changes=ibis.coalesce(j.changes, 0),
            delivery=ibis.coalesce(j.delivery, ibis.literal("")),
            source=ibis.coalesce(j.source, ibis.literal("")),
            returned=ibis.coalesce(j.returned, False),
            # data checks: sales under an order id the orders table lacks; orders without lines
            not_in_table=j.s_order_id.notnull() & j.order_id.isnull(),
            without_lines=j.s_client_id.isnull(),
        )
        orders = orders.filter(_between(orders.day, period))
        # negative lines of an order flagged `returned` are that return, already counted
        flagged = attrs.filter(attrs.returned).select(f_order_id=attrs.order_id)
        per_return = per_return.anti_join(flagged, per_return.order_id == flagged.f_order_id)
        r = per_return.left_join(attrs, per_return.order_id == attrs.order_id)
        returns = r.select(
            client_id=r.client_id,
            day=r.day,
            kind=ibis.literal("return"),
            events=r.events,
            lines=r.events,
            quantity=r.quantity,
            value=ibis.literal(0.0),
            urgent=ibis.coalesce(r.urgent, False),
            changes=ibis.coalesce(r.changes, 0),
            delivery=ibis.coalesce(r.delivery, ibis.literal("")),
            source=ibis.coalesce(r.source, ibis.literal("")),
            returned=ibis.literal(True),
            not_in_table=ibis.literal(False),
            without_lines=ibis.literal(False),
        )
    else:
        orders = per_order.select(
            client_id=per_order.s_client_id,
            day=per_order.s_date,
            kind=ibis.literal("order"),
            events=ibis.literal(1),
            lines=per_order.lines,
            quantity=per_order.quantity,
            value=per_order.value,
            urgent=ibis.literal(False),
            changes=ibis.literal(0),
            delivery=ibis.literal(""),
            source=ibis.literal(""),
            returned=ibis.literal(False),
            not_in_table=ibis.literal(False),
            without_lines=ibis.literal(False),
        )
        returns = per_return.select(
            client_id=per_return.client_id,
            day=per_return.day,
            kind=ibis.literal("return"),
            events=per_return.events,
            lines=per_return.events,
            quantity=per_return.quantity,
            value=ibis.literal(0.0),
            urgent=ibis.literal(False),
            changes=ibis.literal(0),
            delivery=ibis.literal(""),
            source=ibis.literal(""),
            returned=ibis.literal(True),
            not_in_table=ibis.literal(False),
            without_lines=ibis.literal(False),
        )
    types = {"events": "int64", "lines": "int64", "changes": "int64", "quantity": "float64",
             "value": "float64"}
    orders, returns = (
        t.mutate(**{c: t[c].cast(kind) for c, kind in types.items()}) for t in (orders, returns)
    )
    events = ibis.union(orders, returns, distinct=False)
    first = first_purchase.select(f_client_id="client_id", first_date="first_date")
    j = events.left_join(first, events.client_id == first.f_client_id)
    # "within N months of the first purchase": before the same day N months on
    new_until = j.first_date + ibis.interval(months=int(new_client_months))
    return j.select(
        *[c for c in events.columns],
        new_client=ibis.coalesce(j.day < new_until, False),
    )


def driver_events(t: ir.Table, driver: str) -> ir.IntegerValue:
    """The events of `driver` that one row of `order_events` holds."""
    order = t.kind == "order"
    if driver == "orders":
        return ibis.ifelse(order, 1, 0)
    if driver == "order_lines":
        return ibis.ifelse(order, t.lines, 0)
    if driver == "order_changes":
        return ibis.ifelse(order, t.changes, 0)
    if driver == "urgent_orders":
        return ibis.ifelse(order & t.urgent, 1, 0)
    if driver == "deliveries":
        return ibis.ifelse(order & (t.delivery == "delivery"), 1, 0)
    if driver == "returns":
        return ibis.ifelse(order, ibis.ifelse(t.returned, 1, 0), t.events)
    raise ValueError(f"not an order driver: {driver!r}")


def condition(t: ir.Table, term: Term) -> ir.BooleanValue:
    """Whether a row of `order_events` meets a term's condition."""
    if term.flag == "urgent":
        return t.urgent
    if term.flag == "new_client":
        return t.new_client
    if term.flag == "changed":
        return t.changes > 0
    if term.flag == "returned":
        return t.returned
    column = t[str(term.column)]
    same = column == ibis.literal(str(term.code))
    return same if term.op == "==" else ~same


def term_quantity(t: ir.Table, driver: str, term: Term) -> ir.NumericValue:
    """What a term multiplies on one row: the order's size for `per` (where the driver has
    events on it), the driver's events where the condition holds for `when`."""
    events = driver_events(t, driver)
    if term.per:
        size = {"lines": t.lines, "quantity": t.quantity, "changes": t.changes}[term.per]
        return ibis.ifelse(events > 0, size.cast("float64"), 0.0)
    return ibis.ifelse(condition(t, term), events, 0).cast("float64")


def term_column(driver: str, term: Term) -> str:
    """The per-client column holding a term's quantity for a driver."""
    return f"{driver}__{term.key}"


def used_terms(activities: Iterable[Activity]) -> dict[str, tuple[str, Term]]:
    """Every (driver, term) pair the activities use, by its column name."""
    out: dict[str, tuple[str, Term]] = {}
    for activity in activities:
        for term in activity.terms:
            out.setdefault(term_column(activity.driver, term), (activity.driver, term))
    return out


def client_orders(
    events: ir.Table,
    activities: Iterable[Activity],
    min_order_values: tuple[float, ...],
) -> ir.Table:
    """Per client: orders, their lines, changes, urgent orders, deliveries, returns, portal use,
    the count of orders under each minimum order value a policy sets, and the quantity of every
    time-equation term the activities use."""
    t = events
    order = t.kind == "order"
    small = {
        f"small_orders_{i}": t.count(where=order & (t.value < threshold))
        for i, threshold in enumerate(min_order_values)
    }
    terms = {
        column: term_quantity(t, driver, term).sum()
        for column, (driver, term) in used_terms(activities).items()
    }
    return t.group_by("client_id").aggregate(
        orders=t.count(where=order),
        order_lines=t.lines.sum(where=order),
        order_value=t.value.sum(where=order),
        order_quantity=t.quantity.sum(where=order),
        changes=t.changes.sum(where=order),
        urgent_orders=t.count(where=order & t.urgent),
        deliveries=t.count(where=order & (t.delivery == "delivery")),
        returns=driver_events(t, "returns").sum(),
        returned_orders=t.count(where=order & t.returned),
        new_client_orders=t.count(where=order & t.new_client),
        portal_orders=t.count(where=order & (t.source == "portal")),
        orders_with_source=t.count(where=order & (t.source != "")),
        orders_not_in_table=t.count(where=order & t.not_in_table),
        orders_without_lines=t.count(where=order & t.without_lines),
        **small,
        **terms,
    )


@dataclass(frozen=True)
class Waiting:
    """How goods ready but not shipped are charged: free days, and the rate per value-day."""

    free_days: int
    value_day_rate: float
    limits: tuple[int, ...] = ()  # the groups' max_waiting_days, for the policy's deviations


def client_waiting(
    store, lines: ir.Table, period: Period, waiting: Waiting, summary: ir.Table | None = None
) -> ir.Table:
    """Per client: goods ready but not shipped — our warehouse used as the client's.

    An order with `ready_at` waits from then until `shipped_at` (or, not yet shipped, past the
    period's end). Days beyond `free_days` are storage: each such day inside the period costs
    the order's value (its sales lines) × `value_day_rate`. For each policy limit L the days
    beyond max(L, free_days) are counted too (the deviations of groups allowing L days).
    """
    o = store.orders.filter(store.orders.ready_at.notnull())
    after_end = period.end + timedelta(days=1)
    ready = o.ready_at.date()
    until = ibis.least(
        ibis.coalesce(o.shipped_at.date(), ibis.literal(after_end)), ibis.literal(after_end)
    )
    o = o.select(w_order_id=o.order_id, client_id=o.client_id, ready=ready, until=until)
    o = o.filter(o.until > o.ready + ibis.interval(days=waiting.free_days))
    o = o.filter(o.until > ibis.literal(period.start))
    if summary is not None:  # `facts.order_summary`: the same sums, fewer rows
        sold = summary.filter(~summary.returned)
        sold = sold.semi_join(o, sold.order_id == o.w_order_id)
        value = sold.group_by(v_order_id=sold.order_id).aggregate(
            value=sold.value_positive.sum()
        )
    else:
        sold = lines.filter(lines.quantity > 0)
        sold = sold.semi_join(o, sold.order_id == o.w_order_id)
        value = sold.group_by(v_order_id=sold.order_id).aggregate(value=sold.revenue.sum())
    j = o.left_join(value, o.w_order_id == value.v_order_id)
    order_value = ibis.coalesce(j.value, 0.0)

    def days_beyond(limit: int) -> ir.IntegerValue:
        start = ibis.greatest(j.ready + ibis.interval(days=limit), ibis.literal(period.start))
        return ibis.greatest(j.until.delta(start, unit="day"), 0)

    charged = days_beyond(waiting.free_days)
    over = {}
    for i, limit in enumerate(waiting.limits):
        days = days_beyond(max(limit, waiting.free_days))
        over[f"waiting_days_over_{i}"] = days.sum()
        over[f"waiting_value_days_over_{i}"] = (days * order_value).sum()
    agg = j.group_by("client_id").aggregate(
        waiting_orders=j.count(where=charged > 0),
        waiting_days=charged.sum(),
        waiting_value_days=(charged * order_value).sum(),
        **over,
    )
    return agg.mutate(waiting_cost=agg.waiting_value_days * waiting.value_day_rate)
