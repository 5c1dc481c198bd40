"""The month facts behind `ClientMonths`: the engine's fact expressions, one calendar month at
a time, in one query per fact table.

Orders and returns (`clientload.model.orders`: `order_events` and `client_orders`, with every
time-equation term), goods waiting ready (`client_waiting`), interactions, storage and overdue
receivables are the engine's fact expressions run on each month as the period (a union of one
plan per month), so a month's row holds exactly what the engine counts for that month; sales
lines, categories and the invoices behind days sales outstanding are grouped by month here with
the engine's pricing of the lines.

Sums over months equal the engine's period where each order's lines fall in the month of its
day (an order's lines are read in the period it belongs to; a month sees only its own lines),
and a return's lines in one month where `new_client` is a term of the returns.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

from clientload.export.rows import month_starts
from clientload.model.period import Period, add_months


@dataclass
class MonthFacts:
    frame: Any  # pandas: client_id, month and the facts (per type / category: `kind__name`)
    clients: Any  # pandas: the clients of the rows with their attributes
    categories: list[str]
    undated_interactions: int


def _months(window: Period, summed: bool) -> list[Period]:
    if summed:
        return [window]
    return [
        Period(max(start, window.start), min(add_months(start, 1) - timedelta(days=1), window.end))
        for start in month_starts(window.start, window.end)
    ]


def _per_month(backend: Any, make, months: list[Period]):
    """One query: `make(period)` for each month, with the month's first day as `month`."""
    import ibis

    parts = [make(p).mutate(month=ibis.literal(p.start)) for p in months]
    return backend.execute(parts[0] if len(parts) == 1 else ibis.union(*parts, distinct=False))


def _orders(backend, store, settings, window: Period, thresholds, months: list[Period]):
    """Per client and month: `client_orders` of the month's `order_events`. An order is a new
    client's by the first sales line up to the window's end, as in the engine's run for a
    period ending there."""
    import ibis

    from clientload.model.orders import client_orders, order_events

    s = store.sales
    upto = s.filter(s.date <= ibis.literal(window.end))
    first = upto.group_by("client_id").aggregate(first_date=upto.date.min())
    first = backend.create_table("_clientload_book_first", first, temp=True, overwrite=True)
    new_months = int(settings.section("analysis").get("new_client_months", 3))
    activities = list(settings.activities.values())
    try:
        return _per_month(
            backend,
            lambda p: client_orders(
                order_events(store, s, p, first, new_months), activities, thresholds
            ),
            months,
        )
    finally:
        backend.drop_table("_clientload_book_first", force=True)


def _waiting(backend, store, settings, waits: tuple[int, ...], months: list[Period]):
    """Per client and month: for each t of `waits`, the days goods waited ready beyond t that
    fall in the month and the order value × those days (`client_waiting`)."""
    from clientload.model.orders import Waiting, client_waiting

    free = min(waits)  # every t is at least the free days: days beyond max(t, free) = beyond t
    got = _per_month(
        backend,
        lambda p: client_waiting(store, store.sales, p, Waiting(free, 1.0, waits)),
        months,
    )
    out = got[["client_id", "month"]].copy()
    for i, t in enumerate(waits):
        out[f"waiting_days_{t}"] = got[f"waiting_days_over_{i}"]
        out[f"waiting_value_days_{t}"] = got[f"waiting_value_days_over_{i}"]
    return out


def read_month_facts(
    con: Any,
    settings: Any,
    window: Period,
    thresholds: tuple[float, ...],
    types: list[str],
    waits: tuple[int, ...] = (),
    *,
    summed: bool = False,
) -> MonthFacts:
    import ibis
    import pandas as pd

    from clientload.model import facts
    from clientload.run import store_of

    backend = ibis.duckdb.from_connection(con)
    counts = {t: backend.table(t).count().execute() for t in ("orders", "products")}
    store = store_of(backend, counts)
    interactions = store.interactions
    undated = int(interactions.filter(interactions.date.isnull()).count().execute())
    store = replace(store, interactions=interactions.filter(interactions.date.notnull()))
    months = _months(window, summed)
    month_of = (lambda d: ibis.literal(window.start)) if summed else (lambda d: d.truncate("M"))

    lines = facts.priced_lines(store, settings.assumed_margin_rate)
    cur = lines.filter(lines.date.between(ibis.literal(window.start), ibis.literal(window.end)))
    cur = cur.mutate(month=month_of(cur.date).cast("date"))
    sales = backend.execute(
        cur.group_by(["client_id", "month"]).aggregate(
            revenue=cur.revenue.sum(),
            cost_of_goods=cur.cost_of_goods.sum(),
            quantity=cur.quantity.sum(),
            sales_lines=cur.count(),
            assumed_lines=cur.count(where=cur.cost_assumed),
            first_purchase=cur.date.min(),
            last_purchase=cur.date.max(),
            purchase_days=cur.date.nunique(where=cur.quantity > 0),
            first_bought=cur.date.min(where=cur.quantity > 0),
            last_bought=cur.date.max(where=cur.quantity > 0),
        )
    )
    by_category = backend.execute(
        cur.group_by(["client_id", "month", "category"]).aggregate(q=cur.quantity.sum())
    )
    orders = _orders(backend, store, settings, window, thresholds, months)
    waiting = _waiting(backend, store, settings, waits, months) if waits else None
    contacts = _per_month(backend, lambda p: facts.client_interactions(store, p), months)
    storage = _per_month(backend, lambda p: facts.client_storage(store, p, 1.0, 1.0), months)
    finance = settings.section("finance")
    terms = float(finance["default_payment_terms_days"])
    # At a cost of capital of 365 a year the financing cost is the overdue amount × days.
    overdue = _per_month(
        backend, lambda p: facts.client_receivables(store, p, 365.0, terms), months
    )
    invoices = backend.execute(_invoices(store, window, terms, month_of))

    keys = ["client_id", "month"]
    frame = sales
    orders = orders.drop(columns=["orders_not_in_table", "orders_without_lines"])
    frame = frame.merge(orders, on=keys, how="outer")
    if waits:
        frame = frame.merge(waiting, on=keys, how="outer")
    contacts = contacts[contacts["type"].isin(types)]
    if len(contacts):
        wide = contacts.pivot_table(
            index=keys,
            columns="type",
            values=["events", "recorded_minutes", "unrecorded_events"],
            aggfunc="sum",
        )
        names = {
            "events": "contacts",
            "recorded_minutes": "minutes",
            "unrecorded_events": "unrecorded",
        }
        wide.columns = [f"{names[a]}__{b}" for a, b in wide.columns]
        frame = frame.merge(wide.reset_index(), on=keys, how="outer")
    frame = frame.merge(
        storage[[*keys, "pallet_days", "value_days", "storage_days"]], on=keys, how="outer"
    )
    overdue = overdue.rename(columns={"financing_cost": "overdue_amount_days"})
    frame = frame.merge(overdue[[*keys, "overdue_amount_days"]], on=keys, how="outer")
    frame = frame.merge(invoices, on=keys, how="outer")
    # Every category of the range or ever sold, not only this window's: the columns of rows
    # exported for another period must be the same.
    categories = sorted(
        str(c) for c in backend.execute(lines.select("category").distinct())["category"].dropna()
    )
    if len(by_category):
        wide = by_category.pivot_table(index=keys, columns="category", values="q", aggfunc="sum")
        wide.columns = [f"qty__{c}" for c in wide.columns]
        frame = frame.merge(wide.reset_index(), on=keys, how="outer")
    dates = ("first_purchase", "last_purchase", "first_bought", "last_bought")
    numeric = [c for c in frame.columns if c not in (*keys, *dates)]
    for c in numeric:
        frame[c] = pd.to_numeric(frame[c], errors="coerce").fillna(0.0).astype("float64")
    # Only months with activity: a row whose every figure is zero says nothing.
    active = (frame[numeric] != 0).any(axis=1) | frame["first_purchase"].notna()
    frame = frame[active].copy()
    frame["month"] = pd.to_datetime(frame["month"]).dt.date
    clients = _clients(backend, store, sorted(frame["client_id"].unique()), window)
    return MonthFacts(frame, clients, categories, undated)


def _invoices(store, window: Period, default_terms: float, month_of):
    """Per client and month of issue: what days sales outstanding needs (see the module)."""
    import ibis

    r = store.receivables
    c = store.clients.select(c_client_id="client_id", terms="payment_terms_days")
    j = r.left_join(c, r.client_id == c.c_client_id)
    terms = ibis.coalesce(j.terms, default_terms).round(0).cast("int32")
    due = ibis.coalesce(j.due_date, j.issued_date + terms.as_interval("D"))
    issued = ibis.coalesce(j.issued_date, due - terms.as_interval("D"))
    amount = ibis.coalesce(j.amount, 0.0)
    t = j.mutate(_issued=issued.cast("date"), _amount=amount)
    t = t.filter(t._issued.between(ibis.literal(window.start), ibis.literal(window.end)))
    paid_days = ibis.greatest(t.paid_date.delta(t._issued, unit="day"), 0)
    issue_day = t._issued.delta(ibis.literal(date(1899, 12, 30)), unit="day")
    unpaid = t.paid_date.isnull()
    t = t.mutate(month=month_of(t._issued).cast("date"))
    return t.group_by(["client_id", "month"]).aggregate(
        invoiced=t._amount.sum(),
        invoiced_paid_days=(t._amount * paid_days).sum(where=~unpaid),
        unpaid_invoiced=t._amount.sum(where=unpaid),
        unpaid_amount_x_issue_day=(t._amount * issue_day).sum(where=unpaid),
    )


def _clients(backend, store, ids: list[str], window: Period):
    """The rows' clients: attributes, and the first purchase ever up to the window's end."""
    import ibis
    import pandas as pd

    c = backend.execute(
        store.clients.select(
            "client_id", "name", "manager", "region", "channel", "payment_terms_days"
        )
    )
    s = store.sales
    first = backend.execute(
        s.filter(s.date <= ibis.literal(window.end))
        .group_by("client_id")
        .aggregate(first_purchase=s.date.min())
    )
    out = pd.DataFrame({"client_id": ids})
    out = out.merge(c.drop_duplicates("client_id"), on="client_id", how="left")
    out = out.merge(first, on="client_id", how="left")
    out["payment_terms_days"] = pd.to_numeric(out["payment_terms_days"], errors="coerce")
    return out
