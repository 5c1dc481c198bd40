"""Read one client's figures for the give-get menu from the model's outputs in `DIR/out/`.

The only module of the parity package that touches files. It turns the client's rows of
`client_metrics`, `client_costs` (and `client_assortment` where present) into unit costs at the
client's own time-driven rates: for each activity, rate = its cost / its minutes, and an order's
own minutes are the base minutes of the order time equation in the settings, so the minutes that
belong to lines and to urgency are priced with lines and urgent orders, not with orders.
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from clientload.errors import ClientloadError
from clientload.parity.client import CategoryMargin, ClientFigures

if TYPE_CHECKING:
    from clientload.settings import Settings

METRICS_COLUMNS = (
    "client_id", "revenue", "gross_margin", "cost_to_serve", "contribution", "orders",
    "order_lines", "quantity", "changes", "urgent_orders", "deliveries",
)  # fmt: skip
COSTS_COLUMNS = ("client_id", "department", "activity", "driver", "events", "minutes", "cost")


def _query(sql: str, params: list[Any]) -> list[dict[str, Any]]:
    """Run one query over parquet files with an in-memory DuckDB (no pandas, fast to start)."""
    import duckdb

    with duckdb.connect() as con:
        cursor = con.execute(sql, params)
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _columns(path: Path) -> list[str]:
    return [r["name"] for r in _query("SELECT name FROM parquet_schema(?)", [str(path)])]


def _rows(path: Path, client_id: str, columns: tuple[str, ...]) -> list[dict[str, Any]]:
    """The client's rows of one parquet file; client ids compare as text (1 == '1')."""
    present = set(_columns(path))
    missing = [c for c in columns if c not in present]
    if missing:
        listed = ", ".join(missing)
        raise ClientloadError(f"{path}: missing column(s) {listed}; run the model again")
    return _query(
        "SELECT * FROM read_parquet(?) WHERE CAST(client_id AS VARCHAR) = ?",
        [str(path), str(client_id)],
    )


def _number(value: Any, default: float = 0.0) -> float:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return default
    return float(value)


def _run_info(out: Path) -> dict[str, Any]:
    path = out / "run_info.json"
    if not path.exists():
        raise ClientloadError(f"{path} is missing; run `clientload run {out.parent}` first")
    try:
        return json.loads(path.read_text("utf-8"))
    except json.JSONDecodeError as exc:
        raise ClientloadError(f"{path}: not valid JSON ({exc})") from None


def _settings(root: Path) -> Settings:
    from clientload.settings import load_settings

    return load_settings(root / "clientload.toml")


def unit_costs(cost_rows: list[dict[str, Any]], metrics: dict[str, Any], settings: Settings
               ) -> dict[str, float]:  # fmt: skip
    """Cost per order, line, change, urgent order and delivery, and the interactions' cost."""
    by_driver: dict[str, float] = defaultdict(float)
    per_order = per_line_extra = per_urgent_extra = 0.0
    orders = _number(metrics.get("orders"))
    for row in cost_rows:
        driver, cost = row.get("driver"), _number(row.get("cost"))
        if driver != "orders":
            by_driver[str(driver)] += cost
            continue
        activity = settings.activities.get(str(row.get("activity")))
        minutes = _number(row.get("minutes"))
        if activity is None or minutes <= 0:
            # Not in today's settings: the average cost per order is the best we have.
            per_order += cost / orders if orders else 0.0
            continue
        rate = cost / minutes
        per_order += activity.minutes * rate
        per_line_extra += activity.minutes_per_line * rate
        per_urgent_extra += activity.urgent_extra_minutes * rate

    def per(driver: str, count_column: str) -> float:
        count = _number(metrics.get(count_column))
        return by_driver[driver] / count if count else 0.0

    return {
        "cost_per_order": per_order,
        "cost_per_line": per("order_lines", "order_lines") + per_line_extra,
        "cost_per_change": per("order_changes", "changes"),
        "cost_per_urgent_order": per("urgent_orders", "urgent_orders") + per_urgent_extra,
        "cost_per_delivery": per("deliveries", "deliveries"),
        "interaction_cost": by_driver["interactions"],
    }


def category_margins(path: Path) -> dict[str, float]:
    """The company's margin rate on each category it sells (from `client_assortment`)."""
    if not path.exists():
        return {}
    rows = _query(
        "SELECT category, sum(revenue) AS revenue, sum(gross_margin) AS gross_margin "
        "FROM read_parquet(?) WHERE category IS NOT NULL GROUP BY category ORDER BY category",
        [str(path)],
    )
    return {
        str(r["category"]): _number(r["gross_margin"]) / _number(r["revenue"])
        for r in rows
        if _number(r["revenue"]) > 0
    }


def missing_categories(path: Path, client_id: str) -> tuple[CategoryMargin, ...]:
    """Categories the client does not buy, with the company's margin rate on each."""
    if not path.exists():
        return ()
    bought = _query(
        "SELECT DISTINCT category FROM read_parquet(?) "
        "WHERE CAST(client_id AS VARCHAR) = ? AND revenue > 0",
        [str(path), str(client_id)],
    )
    return not_bought(category_margins(path), {str(r["category"]) for r in bought})


def not_bought(margins: dict[str, float], bought: set[str]) -> tuple[CategoryMargin, ...]:
    """The categories of `margins` the client does not buy, with the company's margin rate."""
    return tuple(CategoryMargin(c, rate) for c, rate in margins.items() if c not in bought)


def load_client_figures(directory: str | Path, client_id: str) -> ClientFigures:
    """The client's figures from `DIR/out/`, priced at its own time-driven costs."""
    from clientload.workspace import open_workspace

    root = Path(directory)
    out = root / "out"
    metrics_path = out / "client_metrics.parquet"
    if not metrics_path.exists():
        open_workspace(root)  # "not a folder / not a workspace" before "no model results"
        raise ClientloadError(
            f"{metrics_path} is missing: no model results; run `clientload run {root}` first"
        )
    info = _run_info(out)
    found = _rows(metrics_path, client_id, METRICS_COLUMNS)
    if not found:
        raise ClientloadError(f"CLIENT_ID: client {client_id!r} is not in {metrics_path}")
    costs_path = out / "client_costs.parquet"
    cost_rows = _rows(costs_path, client_id, COSTS_COLUMNS) if costs_path.exists() else []
    return client_figures(
        found[0],
        cost_rows,
        missing_categories(out / "client_assortment.parquet", client_id),
        info,
        _settings(root),
        where=out,
    )


def client_figures(
    metrics: dict[str, Any],
    cost_rows: list[dict[str, Any]],
    missing: tuple[CategoryMargin, ...],
    info: dict[str, Any],
    settings: Settings,
    where: Path | str = "out",
) -> ClientFigures:
    """A client's figures for the give-get menu from its rows of `client_metrics` and
    `client_costs`, the categories it does not buy and the run's info: the one assembly that the
    command (reading the files) and the web app (reading its tables in memory) share."""
    terms = metrics.get("payment_terms_days")
    terms_days = None if terms is None else _number(terms, 0.0)
    dso = _number(metrics.get("dso_days"), terms_days or 0.0)
    months = _number(info.get("months"))
    if months <= 0:
        raise ClientloadError(f"{where}/run_info.json: months is {months:g}; expected more than 0")
    analysis = settings.section("analysis")
    activation = settings.section("activation")
    return ClientFigures(
        client_id=str(metrics["client_id"]),
        name=str(metrics.get("name") or ""),
        revenue=_number(metrics["revenue"]),
        gross_margin=_number(metrics["gross_margin"]),
        cost_to_serve=_number(metrics["cost_to_serve"]),
        contribution=_number(metrics["contribution"]),
        months=months,
        orders=_number(metrics["orders"]),
        order_lines=_number(metrics["order_lines"]),
        changes=_number(metrics["changes"]),
        urgent_orders=_number(metrics["urgent_orders"]),
        deliveries=_number(metrics["deliveries"]),
        quantity=_number(metrics["quantity"]),
        dso_days=max(dso, 0.0),
        payment_terms_days=terms_days,
        cost_of_capital=_number(info.get("cost_of_capital"), settings.cost_of_capital),
        portal_saving_share=float(activation.get("self_service_load_reduction", 0.7)),
        missing_categories=missing,
        currency=str(info.get("currency") or analysis.get("currency", "")),
        portal_orders=_number(metrics.get("portal_orders")),
        **unit_costs(cost_rows, metrics, settings),
    )
