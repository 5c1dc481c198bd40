"""The client P&L written the idiomatic Polars way: the bench's third opinion on speed.

The same figures as `bench/pandas_model.py`, by the same rules, and so the same as `clientload run`
for one period and the same settings: per client revenue, cost of goods, gross margin, minutes and
cost by department (time-driven: minutes × the department's cost per minute), storage and financing
cost, cost to serve and contribution. It reads the workspace's input tables as Parquet
(`clientload.engines.spark.export_parquet` writes them) and does what a Polars user would write: one
lazy query over `pl.scan_parquet`, expressions and joins (the activities too: a small table joined
to the drivers), collected once at the end. Polars plans it whole (only the columns used are read,
the period filters go into the scans) and runs it on every core. Only the two results become
pandas frames, so that `pandas_model.compare` checks them.

    uv run python bench/polars_model.py DIR [--period 2025-01:2025-12]

`bench/bench_engine.py` times it beside `bench/pandas_model.py` and the run.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pandas as pd
import polars as pl

from clientload.model.period import Period
from clientload.settings import Settings


def _scan(parquet: Path, table: str, columns: list[str]) -> pl.LazyFrame:
    return pl.scan_parquet(parquet / table).select(columns)


def _in_period(day: pl.Expr, period: Period) -> pl.Expr:
    return day.is_between(period.start, period.end)


def priced_lines(parquet: Path, period: Period, assumed_margin_rate: float) -> pl.LazyFrame:
    """The period's sales lines with cost of goods: the line's, else unit cost × quantity, else
    revenue × (1 − assumed margin)."""
    sales = _scan(
        parquet, "sales", ["client_id", "date", "order_id", "quantity", "revenue", "cost", "sku"]
    ).filter(_in_period(pl.col("date"), period))
    products = _scan(parquet, "products", ["sku", "unit_cost"]).unique("sku", keep="first")
    # The lines keep their file order through the join: an order's client is the one on its first
    # line (pandas' "first"), which only means something in that order.
    lines = sales.join(products, on="sku", how="left", maintain_order="left")
    return lines.with_columns(
        cost_of_goods=pl.coalesce(
            pl.col("cost"),
            pl.col("unit_cost") * pl.col("quantity"),
            pl.col("revenue") * (1.0 - assumed_margin_rate),
        )
    )


def order_drivers(parquet: Path, lines: pl.LazyFrame, period: Period) -> pl.LazyFrame:
    """Per client: orders, order lines, changes, urgent orders and deliveries in the period."""
    per_order = (
        lines.filter(pl.col("quantity") >= 0)
        .with_columns(
            order_key=pl.coalesce(
                pl.col("order_id"),
                pl.concat_str(
                    [pl.col("client_id"), pl.col("date").dt.strftime("%Y-%m-%d")], separator="|"
                ),
            )
        )
        # pandas' group-by leaves lines without a key out; Polars would pool them into one order.
        .drop_nulls("order_key")
        .group_by("order_key")
        .agg(
            # pandas' "first" is the first non-null value, Polars' the first value.
            s_client_id=pl.col("client_id").drop_nulls().first(),
            lines=pl.len(),
            s_date=pl.col("date").min(),
        )
    )
    orders = _scan(
        parquet, "orders", ["order_id", "client_id", "created_at", "urgent", "changes", "delivery"]
    )
    # No branch for an empty orders table (pandas needs one: its string methods fail on a column
    # that is all missing): joined to nothing, every order takes its lines' client and first day
    # and counts no change, no urgency and no delivery, which is what pandas' branch gives.
    both = per_order.join(
        orders, left_on="order_key", right_on="order_id", how="full", coalesce=True
    )
    delivered = pl.col("delivery").str.strip_chars().str.to_lowercase() == "delivery"
    return (
        both.with_columns(
            client_id=pl.coalesce("client_id", "s_client_id"),
            day=pl.coalesce(pl.col("created_at").dt.date(), "s_date"),
        )
        .filter(_in_period(pl.col("day"), period))
        # sums skip nulls, which is pandas' fillna(0) / fillna(False) before its sums
        .group_by("client_id")
        .agg(
            orders=pl.len(),
            order_lines=pl.col("lines").sum(),
            order_changes=pl.col("changes").sum(),
            urgent_orders=pl.col("urgent").sum(),
            deliveries=delivered.sum(),
        )
    )


def interaction_minutes(parquet: Path, period: Period) -> pl.LazyFrame:
    """Per client and type: events, recorded minutes, events without minutes."""
    i = _scan(parquet, "interactions", ["client_id", "type", "date", "minutes", "count"])
    return (
        i.filter(pl.col("date").is_null() | _in_period(pl.col("date").dt.date(), period))
        .with_columns(
            type=pl.col("type").str.strip_chars().str.to_lowercase(),
            events=pl.col("count").fill_null(1),
        )
        .group_by("client_id", "type")
        .agg(
            events=pl.col("events").sum(),
            recorded_minutes=pl.col("minutes").sum(),
            unrecorded_events=pl.col("events").filter(pl.col("minutes").is_null()).sum(),
        )
    )


def _activities(settings: Settings) -> pl.LazyFrame:
    """The settings' activities as a table: the driver (or interaction type) that counts its
    events, its minutes per event, per order line and per urgent order, its department's rate."""
    rows = []
    for name, activity in settings.activities.items():
        orders = activity.driver == "orders"
        rows.append(
            {
                "activity": name,
                "department": activity.department,
                "driver": activity.driver,
                "type": (activity.type or "").strip().lower()
                if activity.driver == "interactions"
                else None,
                "per_event": float(activity.minutes),
                # only the orders driver has lines and urgency to add
                "per_line": float(activity.minutes_per_line) if orders else 0.0,
                "per_urgent": float(activity.urgent_extra_minutes) if orders else 0.0,
                "rate": settings.departments[activity.department].cost_per_minute,
            }
        )
    return pl.LazyFrame(
        rows,
        schema={
            "activity": pl.String,
            "department": pl.String,
            "driver": pl.String,
            "type": pl.String,
            "per_event": pl.Float64,
            "per_line": pl.Float64,
            "per_urgent": pl.Float64,
            "rate": pl.Float64,
        },
    )


def activity_costs(
    drivers: pl.LazyFrame, interactions: pl.LazyFrame, settings: Settings
) -> pl.LazyFrame:
    """One row per client and activity: department, minutes, cost (minutes × cost per minute)."""
    activities = _activities(settings)
    # One row per client and driver, its order lines and urgent orders beside it, joined to the
    # activities. A select per activity (pandas_model's loop) makes Polars plan the drivers (down to
    # the sales scan) once per activity: 5.3 s instead of 1.2 s at 10M lines.
    counted = (
        drivers.select(
            "client_id",
            pl.exclude("client_id").cast(pl.Float64),
            lines=pl.col("order_lines").cast(pl.Float64),
            urgent=pl.col("urgent_orders").cast(pl.Float64),
        )
        .unpivot(
            index=["client_id", "lines", "urgent"], variable_name="driver", value_name="events"
        )
        .join(activities, on="driver")
        .with_columns(
            minutes=pl.col("events") * pl.col("per_event")
            + pl.col("lines") * pl.col("per_line")
            + pl.col("urgent") * pl.col("per_urgent")
        )
    )
    told = interactions.join(activities, on="type").with_columns(
        pl.col("events").cast(pl.Float64),
        minutes=pl.col("recorded_minutes") + pl.col("unrecorded_events") * pl.col("per_event"),
    )
    columns = ["client_id", "events", "minutes", "department", "activity", "rate"]
    return (
        pl.concat([counted.select(columns), told.select(columns)])
        .filter((pl.col("events") > 0) | (pl.col("minutes") > 0))
        .select(
            "client_id",
            "events",
            "minutes",
            "department",
            "activity",
            cost=pl.col("minutes") * pl.col("rate"),
        )
    )


def storage_cost(parquet: Path, period: Period, settings: Settings) -> pl.LazyFrame:
    """Per client: pallet-days × pallet rate + value-days (rows without pallets) × value rate."""
    rates = settings.section("storage")
    pallets, value = pl.col("pallets"), pl.col("value")
    cost = pallets.fill_null(0.0) * float(rates["pallet_day_rate"]) + pl.when(
        pallets.is_null()
    ).then(value).otherwise(0.0).fill_null(0.0) * float(rates["value_day_rate"])
    return (
        _scan(parquet, "storage", ["client_id", "date", "pallets", "value"])
        .filter(_in_period(pl.col("date"), period))
        .group_by("client_id")
        .agg(storage_cost=cost.sum())
    )


def financing_cost(parquet: Path, period: Period, settings: Settings) -> pl.LazyFrame:
    """Per client: overdue days inside the period × amount × cost of capital / 365."""
    finance = settings.section("finance")
    r = _scan(
        parquet, "receivables", ["client_id", "amount", "issued_date", "due_date", "paid_date"]
    )
    terms = _scan(parquet, "clients", ["client_id", "payment_terms_days"]).unique(
        "client_id", keep="first"
    )
    # Polars rounds half to even by default, as pandas (numpy) does: 30.5 days is 30.
    days = (
        pl.col("payment_terms_days")
        .fill_null(float(finance["default_payment_terms_days"]))
        .round()
        .cast(pl.Int64)
    )
    due = pl.coalesce(pl.col("due_date"), pl.col("issued_date") + pl.duration(days=days))
    after_end = period.end + timedelta(days=1)
    late_from = due.fill_null(period.start).clip(lower_bound=period.start)
    late_until = pl.col("paid_date").fill_null(after_end).clip(upper_bound=after_end)
    overdue = (late_until - late_from).dt.total_days().clip(lower_bound=0)
    money_days = overdue * pl.col("amount").fill_null(0.0)
    return (
        r.join(terms, on="client_id", how="left")
        .group_by("client_id")
        .agg(financing_cost=money_days.sum() * settings.cost_of_capital / 365.0)
    )


def client_pnl(
    parquet: Path, settings: Settings, period: Period
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(per client P&L, per client and department minutes and cost)."""
    lines = priced_lines(parquet, period, settings.assumed_margin_rate)
    sales = lines.group_by("client_id").agg(pl.col("revenue").sum(), pl.col("cost_of_goods").sum())
    returns = lines.filter(pl.col("quantity") < 0).group_by("client_id").agg(returns=pl.len())
    drivers = (
        order_drivers(parquet, lines, period)
        .join(returns, on="client_id", how="full", coalesce=True)
        .with_columns(pl.exclude("client_id").fill_null(0))
    )
    costs = activity_costs(drivers, interaction_minutes(parquet, period), settings)
    by_department = costs.group_by("client_id", "department").agg(
        pl.col("minutes").sum(), pl.col("cost").sum()
    )
    per_client = costs.group_by("client_id").agg(
        load_minutes=pl.col("minutes").sum(), activity_cost=pl.col("cost").sum()
    )
    # Stacked and summed rather than joined: a client missing from a part sums to 0 there, which
    # is pandas' outer concat and fillna(0).
    pnl = (
        pl.concat(
            [
                sales,
                per_client,
                storage_cost(parquet, period, settings),
                financing_cost(parquet, period, settings),
            ],
            how="diagonal",
        )
        .group_by("client_id")
        .sum()
        .with_columns(gross_margin=pl.col("revenue") - pl.col("cost_of_goods"))
        .with_columns(
            cost_to_serve=pl.col("activity_cost")
            + pl.col("storage_cost")
            + pl.col("financing_cost")
        )
        .with_columns(contribution=pl.col("gross_margin") - pl.col("cost_to_serve"))
    )
    # Each of pandas' group-bys drops a null client; rows without a client never reach another
    # client's figures here, so dropping their group at the end is the same.
    pnl_frame, department_frame = pl.collect_all(
        [pnl.drop_nulls("client_id"), by_department.drop_nulls("client_id")]
    )
    return pnl_frame.to_pandas(), department_frame.to_pandas()


def main() -> None:
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from pandas_model import main as command_line

    command_line(client_pnl, __doc__.splitlines()[0])


if __name__ == "__main__":
    main()
