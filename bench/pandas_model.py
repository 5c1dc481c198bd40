"""The client P&L written the straightforward pandas way: the bench's second opinion on speed.

Same figures as `clientload run` for one period and the same settings: per client revenue,
cost of goods, gross margin, minutes and cost by department (time-driven: minutes × the
department's cost per minute), storage and financing cost, cost to serve and contribution. It reads
the workspace's input tables as Parquet (`clientload.engines.spark.export_parquet` writes them) and
does what an analyst would write in a notebook: merges and group-bys, no tricks.

    uv run python bench/pandas_model.py DIR [--period 2025-01:2025-12]

`bench/bench_scale.py` times it against the model and checks on a small company that both give
the same numbers (`compare`).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd

from clientload.model.period import Period
from clientload.settings import Settings


def _read(parquet: Path, table: str, columns: list[str]) -> pd.DataFrame:
    return pd.read_parquet(parquet / table, columns=columns)


def _in_period(dates: pd.Series, period: Period) -> pd.Series:
    day = pd.to_datetime(dates)
    return day.between(pd.Timestamp(period.start), pd.Timestamp(period.end))


def priced_lines(parquet: Path, period: Period, assumed_margin_rate: float) -> pd.DataFrame:
    """The period's sales lines with cost of goods: the line's, else unit cost × quantity, else
    revenue × (1 − assumed margin)."""
    sales = _read(
        parquet, "sales", ["client_id", "date", "order_id", "quantity", "revenue", "cost", "sku"]
    )
    sales = sales[_in_period(sales["date"], period)]
    products = _read(parquet, "products", ["sku", "unit_cost"]).drop_duplicates("sku")
    lines = sales.merge(products, on="sku", how="left")
    lines["cost_of_goods"] = (
        lines["cost"]
        .fillna(lines["unit_cost"] * lines["quantity"])
        .fillna(lines["revenue"] * (1.0 - assumed_margin_rate))
    )
    return lines


def order_drivers(parquet: Path, lines: pd.DataFrame, period: Period) -> pd.DataFrame:
    """Per client: orders, order lines, changes, urgent orders and deliveries in the period."""
    sold = lines[lines["quantity"] >= 0].copy()
    sold["order_key"] = sold["order_id"].fillna(
        sold["client_id"] + "|" + pd.to_datetime(sold["date"]).dt.strftime("%Y-%m-%d")
    )
    per_order = sold.groupby("order_key").agg(
        s_client_id=("client_id", "first"), lines=("sku", "size"), s_date=("date", "min")
    )
    orders = _read(
        parquet, "orders", ["order_id", "client_id", "created_at", "urgent", "changes", "delivery"]
    )
    if len(orders):
        orders = orders.set_index("order_id")
        both = per_order.join(orders, how="outer")
        both["client_id"] = both["client_id"].fillna(both["s_client_id"])
        both["day"] = (
            pd.to_datetime(both["created_at"]).dt.normalize().fillna(pd.to_datetime(both["s_date"]))
        )
        both = both[both["day"].between(pd.Timestamp(period.start), pd.Timestamp(period.end))]
        both["lines"] = both["lines"].fillna(0)
        both["changes"] = both["changes"].fillna(0)
        both["urgent"] = both["urgent"].fillna(False).astype(bool)
        both["delivered"] = both["delivery"].str.strip().str.lower().eq("delivery")
    else:
        both = per_order.rename(columns={"s_client_id": "client_id"})
        both["changes"] = 0
        both["urgent"] = False
        both["delivered"] = False
    return both.groupby("client_id").agg(
        orders=("lines", "size"),
        order_lines=("lines", "sum"),
        order_changes=("changes", "sum"),
        urgent_orders=("urgent", "sum"),
        deliveries=("delivered", "sum"),
    )


def interaction_minutes(parquet: Path, period: Period) -> pd.DataFrame:
    """Per client and type: events, recorded minutes, events without minutes."""
    i = _read(parquet, "interactions", ["client_id", "type", "date", "minutes", "count"])
    i = i[i["date"].isna() | _in_period(pd.to_datetime(i["date"]).dt.normalize(), period)].copy()
    i["type"] = i["type"].str.strip().str.lower()
    i["events"] = i["count"].fillna(1)
    i["unrecorded"] = i["events"].where(i["minutes"].isna(), 0)
    return i.groupby(["client_id", "type"], as_index=False).agg(
        events=("events", "sum"),
        recorded_minutes=("minutes", "sum"),
        unrecorded_events=("unrecorded", "sum"),
    )


def activity_costs(
    drivers: pd.DataFrame, interactions: pd.DataFrame, settings: Settings
) -> pd.DataFrame:
    """One row per client and activity: department, minutes, cost (minutes × cost per minute)."""
    parts = []
    for name, activity in settings.activities.items():
        rate = settings.departments[activity.department].cost_per_minute
        if activity.driver == "interactions":
            t = interactions[interactions["type"] == (activity.type or "").strip().lower()]
            part = pd.DataFrame(
                {
                    "client_id": t["client_id"],
                    "events": t["events"],
                    "minutes": t["recorded_minutes"] + t["unrecorded_events"] * activity.minutes,
                }
            )
        else:
            events = drivers[activity.driver]
            minutes = events * activity.minutes
            if activity.driver == "orders":
                minutes = (
                    minutes
                    + drivers["order_lines"] * activity.minutes_per_line
                    + drivers["urgent_orders"] * activity.urgent_extra_minutes
                )
            part = pd.DataFrame(
                {
                    "client_id": drivers.index,
                    "events": events.to_numpy(),
                    "minutes": minutes.to_numpy(),
                }
            )
        part = part[(part["events"] > 0) | (part["minutes"] > 0)]
        parts.append(
            part.assign(department=activity.department, activity=name, cost=part["minutes"] * rate)
        )
    return pd.concat(parts, ignore_index=True)


def storage_cost(parquet: Path, period: Period, settings: Settings) -> pd.Series:
    """Per client: pallet-days × pallet rate + value-days (rows without pallets) × value rate."""
    rates = settings.section("storage")
    s = _read(parquet, "storage", ["client_id", "date", "pallets", "value"])
    s = s[_in_period(s["date"], period)]
    cost = s["pallets"].fillna(0.0) * float(rates["pallet_day_rate"]) + s["value"].where(
        s["pallets"].isna(), 0.0
    ).fillna(0.0) * float(rates["value_day_rate"])
    return cost.groupby(s["client_id"]).sum()


def financing_cost(parquet: Path, period: Period, settings: Settings) -> pd.Series:
    """Per client: overdue days inside the period × amount × cost of capital / 365."""
    finance = settings.section("finance")
    r = _read(
        parquet, "receivables", ["client_id", "amount", "issued_date", "due_date", "paid_date"]
    )
    terms = _read(parquet, "clients", ["client_id", "payment_terms_days"])
    r = r.merge(terms.drop_duplicates("client_id"), on="client_id", how="left")
    days = r["payment_terms_days"].fillna(float(finance["default_payment_terms_days"])).round()
    due = pd.to_datetime(r["due_date"]).fillna(
        pd.to_datetime(r["issued_date"]) + pd.to_timedelta(days, unit="D")
    )
    after_end = pd.Timestamp(period.end) + pd.Timedelta(days=1)
    late_from = due.fillna(pd.Timestamp(period.start)).clip(lower=pd.Timestamp(period.start))
    late_until = pd.to_datetime(r["paid_date"]).fillna(after_end).clip(upper=after_end)
    overdue = (late_until - late_from).dt.days.clip(lower=0)
    money_days = overdue * r["amount"].fillna(0.0)
    return money_days.groupby(r["client_id"]).sum() * settings.cost_of_capital / 365.0


def client_pnl(
    parquet: Path, settings: Settings, period: Period
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(per client P&L, per client and department minutes and cost)."""
    lines = priced_lines(parquet, period, settings.assumed_margin_rate)
    sales = lines.groupby("client_id").agg(
        revenue=("revenue", "sum"), cost_of_goods=("cost_of_goods", "sum")
    )
    returns = lines[lines["quantity"] < 0].groupby("client_id").size().rename("returns")
    drivers = order_drivers(parquet, lines, period).join(returns, how="outer").fillna(0)
    costs = activity_costs(drivers, interaction_minutes(parquet, period), settings)
    by_department = costs.groupby(["client_id", "department"], as_index=False)[
        ["minutes", "cost"]
    ].sum()
    per_client = costs.groupby("client_id").agg(
        load_minutes=("minutes", "sum"), activity_cost=("cost", "sum")
    )
    pnl = pd.concat(
        [
            sales,
            per_client,
            storage_cost(parquet, period, settings).rename("storage_cost"),
            financing_cost(parquet, period, settings).rename("financing_cost"),
        ],
        axis=1,
    ).fillna(0.0)
    pnl["gross_margin"] = pnl["revenue"] - pnl["cost_of_goods"]
    pnl["cost_to_serve"] = pnl["activity_cost"] + pnl["storage_cost"] + pnl["financing_cost"]
    pnl["contribution"] = pnl["gross_margin"] - pnl["cost_to_serve"]
    pnl.index.name = "client_id"
    return pnl.reset_index(), by_department


FIGURES = (
    "revenue",
    "gross_margin",
    "load_minutes",
    "activity_cost",
    "storage_cost",
    "financing_cost",
    "cost_to_serve",
    "contribution",
)


def compare(pnl: pd.DataFrame, by_department: pd.DataFrame, out_dir: Path) -> list[str]:
    """Differences (over a cent, or a hundredth of a minute) between these figures and the
    model's `out/client_metrics` and `out/client_costs`; empty when they agree."""
    model = pd.read_parquet(out_dir / "client_metrics.parquet", columns=["client_id", *FIGURES])
    both = model.merge(pnl, on="client_id", how="outer", suffixes=("_model", "_pandas"))
    both = both.fillna(0.0)
    problems = []
    for figure in FIGURES:
        gap = (both[f"{figure}_model"] - both[f"{figure}_pandas"]).abs()
        for row in both[gap > 0.005].head(3).itertuples():
            problems.append(
                f"{row.client_id} {figure}: model {getattr(row, figure + '_model')}"
                f" pandas {getattr(row, figure + '_pandas')}"
            )
    costs = pd.read_parquet(out_dir / "client_costs.parquet")
    costs = costs[costs["department"] != "direct"]
    model_dept = costs.groupby(["client_id", "department"], as_index=False)[
        ["minutes", "cost"]
    ].sum()
    both = model_dept.merge(
        by_department, on=["client_id", "department"], how="outer", suffixes=("_model", "_pandas")
    ).fillna(0.0)
    for figure in ("minutes", "cost"):
        gap = (both[f"{figure}_model"] - both[f"{figure}_pandas"]).abs()
        for row in both[gap > 0.005].head(3).itertuples():
            problems.append(
                f"{row.client_id} {row.department} {figure}: model "
                f"{getattr(row, figure + '_model')} pandas "
                f"{getattr(row, figure + '_pandas')}"
            )
    return problems


def main(pnl_of=None, description: str = "") -> None:
    """The command line of this module, and of `polars_model` with its `client_pnl` (`pnl_of`)."""
    import json

    from clientload.model.period import parse_period
    from clientload.workspace import open_workspace

    parser = argparse.ArgumentParser(description=description or __doc__.splitlines()[0])
    parser.add_argument("directory", type=Path)
    parser.add_argument("--period", help="START:END; default: the last run's period")
    args = parser.parse_args()
    ws = open_workspace(args.directory)
    if args.period:
        period = parse_period(args.period)
    else:
        info = json.loads((ws.out_dir / "run_info.json").read_text("utf-8"))
        period = parse_period(f"{info['period_start']}:{info['period_end']}")
    from clientload.engines.spark import export_parquet

    pnl, _ = (pnl_of or client_pnl)(export_parquet(ws), ws.settings(), period)
    print(pnl.sort_values("contribution").to_string(max_rows=20))
    print(f"clients {len(pnl)}, contribution {np.round(pnl['contribution'].sum(), 2)}")


if __name__ == "__main__":
    main()
