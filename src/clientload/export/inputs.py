"""The workbook's inputs: per-client driver counts for the period, read from the store.

The Data sheet holds what the Model sheet's formulas need to recompute the model: revenue, cost
of goods and, per activity, the DRIVER COUNTS (orders, lines, urgent orders, changes, deliveries,
returns, contacts with and without recorded minutes), storage pallet-days and value-days,
overdue receivables (amount × days), monthly revenue for the coefficient of variation, categories
bought and the previous period's revenue. They are computed with the model's own fact expressions
(`clientload.model.facts`) over the same period as the last `clientload run`, so they are the
model's drivers, not a second reading of the data.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from clientload.errors import ClientloadError
from clientload.model.period import Period
from clientload.settings import Settings
from clientload.workspace import Workspace, open_store_file


@dataclass
class WorkbookInputs:
    """Everything the writer needs, as plain Python and pandas objects."""

    settings: Settings
    period: Period
    months: float
    currency: str
    range_categories: int
    clients: Any  # pandas DataFrame, one row per client, by revenue (largest first), client_id
    month_starts: list[date]
    thresholds: tuple[float, ...]
    interaction_activities: list[str]
    outputs: dict[str, Any] = field(default_factory=dict)  # name → pandas DataFrame from out/
    history: dict[str, Any] = field(default_factory=dict)  # history_runs, history_clients


def _run_info(ws: Workspace) -> dict[str, Any]:
    path = ws.out_dir / "run_info.json"
    if not path.exists():
        raise ClientloadError(
            f"{path} not found: compute the model first with `clientload run {ws.root}`"
        )
    return json.loads(path.read_text("utf-8"))


def _month_starts(period: Period) -> list[date]:
    out, y, m = [], period.start.year, period.start.month
    while (y, m) <= (period.end.year, period.end.month):
        out.append(date(y, m, 1))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def _history(backend: Any) -> dict[str, Any]:
    """The kept runs and their clients, and each client's group in the run before the last."""
    try:
        runs_t, clients_t = backend.table("history_runs"), backend.table("history_clients")
    except Exception:  # no run kept yet: the tables do not exist
        return {}
    runs = backend.execute(
        runs_t.select("run_id", "run_at", "period_start", "period_end").order_by("run_id")
    )
    clients = backend.execute(clients_t)
    out: dict[str, Any] = {"runs": runs, "clients": clients, "previous_segments": {}}
    if len(runs) >= 2:
        previous = int(runs["run_id"].iloc[-2])
        prev = clients[clients["run_id"] == previous]
        out["previous_segments"] = dict(zip(prev["client_id"], prev["segment"], strict=True))
    return out


def read_inputs(ws: Workspace) -> WorkbookInputs:
    """Read the last run's period and outputs and aggregate the drivers per client."""
    import ibis
    import pandas as pd

    from clientload.model import facts, metrics, policy
    from clientload.model.orders import client_orders, order_events
    from clientload.run import store_of

    info = _run_info(ws)
    settings = ws.settings()
    period = Period(
        date.fromisoformat(info["period_start"]), date.fromisoformat(info["period_end"])
    )
    previous = period.previous()
    outputs = {}
    for name in (
        "client_metrics",
        "capacity",
        "client_assortment",
        "whale_curve",
        "career",
        "policy_deviations",
        "heavy_clients",
        "segments",
    ):
        p = ws.out_dir / f"{name}.parquet"
        if p.exists():
            outputs[name] = pd.read_parquet(p)
    if "client_metrics" not in outputs:
        raise ClientloadError(
            f"{ws.out_dir}/client_metrics.parquet not found: run `clientload run {ws.root}`"
        )
    metrics_df = outputs["client_metrics"]

    # Read-write like every other connection to the store, so that inside the web app this shares
    # the process's DuckDB instance with the requests and a recalculation (DuckDB refuses a
    # read-only and a read-write connection to one file in one process); nothing is written.
    backend = ibis.duckdb.from_connection(open_store_file(ws.store_path))
    try:
        counts = {t: backend.table(t).count().execute() for t in ("orders", "products")}
        store = store_of(backend, counts)
        finance = settings.section("finance")
        thresholds = policy.min_order_values(settings.section("policy"))
        lines = facts.priced_lines(store, settings.assumed_margin_rate)
        sales_expr = facts.client_sales(facts.client_months(lines, period, previous))
        sales = backend.execute(sales_expr)
        events = order_events(
            store, lines, period, sales_expr, int(settings.section("analysis")["new_client_months"])
        )
        orders = backend.execute(client_orders(events, settings.activities.values(), thresholds))
        contacts = backend.execute(facts.client_interactions(store, period))
        storage = backend.execute(facts.client_storage(store, period, 1.0, 1.0))
        # At a "cost of capital" of 365 a year the financing cost is the overdue amount × days.
        receivables = backend.execute(
            facts.client_receivables(
                store, period, 365.0, float(finance["default_payment_terms_days"])
            )
        )
        assortment = facts.client_assortment(lines, period)
        categories = backend.execute(metrics.categories_per_client(assortment))
        range_categories = int(backend.execute(facts.range_categories(store, lines, period)) or 0)
        cur = lines.filter(lines.date.between(ibis.literal(period.start), ibis.literal(period.end)))
        monthly = backend.execute(
            cur.group_by(
                client_id=cur.client_id, year=cur.date.year(), month=cur.date.month()
            ).aggregate(revenue=cur.revenue.sum())
        )
        history = _history(backend)
    finally:
        backend.disconnect()

    base = metrics_df[["client_id", "name", "manager", "region", "payment_terms_days"]].copy()
    df = base.merge(sales, on="client_id", how="left")
    df = df.merge(orders, on="client_id", how="left")
    df = df.merge(categories, on="client_id", how="left")
    df = df.merge(
        storage[["client_id", "pallet_days", "value_days", "storage_days"]],
        on="client_id",
        how="left",
    )
    receivables = receivables.rename(columns={"financing_cost": "overdue_amount_days"})
    df = df.merge(receivables, on="client_id", how="left")
    interaction_activities = []
    for name, act in settings.activities.items():
        if act.driver != "interactions":
            continue
        interaction_activities.append(name)
        t = contacts[contacts["type"] == (act.type or "").lower().strip()]
        t = t.rename(
            columns={
                "events": f"{name}__events",
                "recorded_minutes": f"{name}__recorded",
                "unrecorded_events": f"{name}__unrecorded",
            }
        ).drop(columns="type")
        df = df.merge(t, on="client_id", how="left")
    calls = contacts[contacts["type"] == "call"][["client_id", "events"]].rename(
        columns={"events": "calls"}
    )
    df = df.merge(calls, on="client_id", how="left")
    starts = _month_starts(period)
    if len(monthly):
        monthly["key"] = [
            f"m{y:04d}{m:02d}" for y, m in zip(monthly["year"], monthly["month"], strict=True)
        ]
        wide = monthly.pivot_table(
            index="client_id", columns="key", values="revenue", aggfunc="sum"
        ).reset_index()
        df = df.merge(wide, on="client_id", how="left")
    for s in starts:
        key = f"m{s.year:04d}{s.month:02d}"
        if key not in df:
            df[key] = 0.0
    numeric = [
        c
        for c in df.columns
        if c
        not in ("client_id", "name", "manager", "region", "first_date", "last_date", "dso_days")
    ]
    for c in numeric:
        df[c] = pd.to_numeric(df[c], errors="coerce").fillna(0.0).astype("float64")
    # Largest revenue first, ties by client id: the engine's ranking order, so that the workbook
    # ranks by revenue and sums the revenue before each client in one pass down the rows.
    df = df.sort_values(
        ["revenue", "client_id"], ascending=[False, True], kind="stable"
    ).reset_index(drop=True)
    return WorkbookInputs(
        settings=settings,
        period=period,
        months=period.months,
        currency=str(info.get("currency") or settings.section("analysis").get("currency", "RUB")),
        range_categories=range_categories,
        clients=df,
        month_starts=starts,
        thresholds=thresholds,
        interaction_activities=interaction_activities,
        outputs=outputs,
        history=history,
    )
