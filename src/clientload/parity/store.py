"""Read what per-manager Task 2 and sales activation need: the store (read-only) and `out/`.

Thin: SQL in, `ManagerFigures` / `DepartmentActivation` out; every calculation is in
`parity.managers` and `parity.activation`. A sales line belongs to its own `manager`, or to the
client's manager (`clients.manager`) when the line has none, or to "(no manager)". Its cost of
goods is filled the way the model does it: the line's cost, else the product's unit cost ×
quantity, else revenue × (1 − `margin.assumed_margin_rate`).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from clientload.errors import ClientloadError
from clientload.parity.activation import DepartmentActivation
from clientload.parity.managers import ManagerFigures

NO_MANAGER = "(no manager)"
_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")

_LINES = """
SELECT COALESCE(NULLIF(TRIM(s.manager), ''), NULLIF(TRIM(c.manager), ''), ?) AS manager,
       strftime(s.date, '%Y-%m') AS month, s.quantity, s.revenue,
       COALESCE(s.cost, p.unit_cost * s.quantity, s.revenue * (1 - ?)) AS cost
FROM sales s
LEFT JOIN clients c ON c.client_id = s.client_id
LEFT JOIN products p ON p.sku = s.sku
"""


def parse_period(text: str | None) -> tuple[str, str] | None:
    """'2025-01:2025-06' → ('2025-01', '2025-06'); one month 'YYYY-MM' is a period of one."""
    if text is None:
        return None
    parts = [p.strip() for p in str(text).split(":")]
    if len(parts) == 1:
        parts = parts * 2
    if len(parts) != 2 or not all(_MONTH.match(p) for p in parts):
        raise ClientloadError(f"--period: {text!r}; expected YYYY-MM:YYYY-MM, e.g. 2025-01:2025-06")
    if parts[0] > parts[1]:
        raise ClientloadError(f"--period: {text!r} starts after it ends")
    return parts[0], parts[1]


def _rows(con: Any, sql: str, params: list[Any]) -> list[dict[str, Any]]:
    cursor = con.execute(sql, params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _workspace(directory: str | Path) -> Any:
    from clientload.workspace import open_workspace

    ws = open_workspace(directory)
    if not ws.store_path.exists():
        raise ClientloadError(f"{ws.store_path} is missing; import sales and plans first")
    return ws


def default_period(con: Any, assumed_margin_rate: float) -> tuple[str, str]:
    """The months that have both a plan and sales: from the later start to the earlier end."""
    ((plan_first, plan_last),) = con.execute(
        "SELECT min(period), max(period) FROM plans"
    ).fetchall()
    ((sale_first, sale_last),) = con.execute(
        f"SELECT min(month), max(month) FROM ({_LINES})", [NO_MANAGER, assumed_margin_rate]
    ).fetchall()
    if plan_first is None:
        raise ClientloadError("the plans table is empty; import plans (manager, period, ...) first")
    if sale_first is None:
        raise ClientloadError("the sales table is empty; import sales first")
    start, end = max(plan_first, sale_first), min(plan_last, sale_last)
    if start > end:
        raise ClientloadError(
            f"plans cover {plan_first}..{plan_last} and sales {sale_first}..{sale_last}: no month "
            "in common; give --period"
        )
    return start, end


def _client_totals(out: Path) -> dict[str, dict[str, Any]]:
    """The manager's clients in `client_metrics.parquet`, summed; empty before the model has run."""
    path = out / "client_metrics.parquet"
    if not path.exists():
        return {}
    import duckdb

    with duckdb.connect() as con:
        rows = _rows(
            con,
            "SELECT COALESCE(NULLIF(TRIM(CAST(manager AS VARCHAR)), ''), ?) AS manager, "
            "sum(revenue) AS revenue, sum(contribution) AS contribution, "
            "sum(cost_to_serve) AS cost_to_serve, sum(orders) AS orders "
            "FROM read_parquet(?) GROUP BY 1",
            [NO_MANAGER, str(path)],
        )
    return {r["manager"]: r for r in rows}


def _optional(value: Any) -> float | None:
    return None if value is None or value != value else float(value)


def load_manager_figures(
    directory: str | Path, period: tuple[str, str] | None = None
) -> tuple[tuple[str, str], list[ManagerFigures]]:
    """Every manager with a plan or sales in the period, sorted by name; and the period used."""
    ws = _workspace(directory)
    rate = ws.settings().assumed_margin_rate
    with ws.connect(read_only=True) as con:
        start, end = period or default_period(con, rate)
        plans = _rows(
            con,
            "SELECT manager, sum(revenue_plan) AS revenue_plan, "
            "sum(quantity_plan) AS quantity_plan, sum(margin_plan) AS margin_plan "
            "FROM plans WHERE period BETWEEN ? AND ? GROUP BY manager",
            [start, end],
        )
        sales = _rows(
            con,
            f"SELECT manager, sum(revenue) AS revenue, sum(quantity) AS quantity, "
            f"sum(revenue - cost) AS gross_margin FROM ({_LINES}) "
            "WHERE month BETWEEN ? AND ? GROUP BY manager",
            [NO_MANAGER, rate, start, end],
        )
    by_plan = {r["manager"]: r for r in plans}
    by_sales = {r["manager"]: r for r in sales}
    clients = _client_totals(ws.out_dir)
    figures = []
    for manager in sorted(set(by_plan) | set(by_sales)):
        p, s, c = by_plan.get(manager, {}), by_sales.get(manager, {}), clients.get(manager, {})
        figures.append(
            ManagerFigures(
                manager=manager,
                revenue_plan=p.get("revenue_plan"),
                quantity_plan=p.get("quantity_plan"),
                margin_plan=p.get("margin_plan"),
                revenue=float(s.get("revenue") or 0.0),
                quantity=float(s.get("quantity") or 0.0),
                gross_margin=float(s.get("gross_margin") or 0.0),
                client_revenue=c.get("revenue"),
                client_contribution=c.get("contribution"),
                client_cost_to_serve=c.get("cost_to_serve"),
                client_orders=c.get("orders"),
            )
        )
    return (start, end), figures


def load_activation(
    directory: str | Path,
) -> tuple[list[DepartmentActivation], float, float | None]:
    """Rows of `out/activation.parquet`, the price-driven clients' revenue and the company's gross
    margin rate (both from `out/client_metrics.parquet`)."""
    from clientload.workspace import open_workspace

    out = open_workspace(directory).out_dir
    activation, metrics = out / "activation.parquet", out / "client_metrics.parquet"
    for path in (activation, metrics):
        if not path.exists():
            raise ClientloadError(f"{path} is missing; run `clientload run {directory}` first")
    import duckdb

    with duckdb.connect() as con:
        rows = _rows(
            con,
            "SELECT CAST(department AS VARCHAR) AS department, price_driven_clients, "
            "freed_hours, freed_cost, revenue_per_sales_hour, sales_department, "
            "potential_revenue, order_capacity, potential_margin, revenue_capacity "
            "FROM read_parquet(?) ORDER BY department",
            [str(activation)],
        )
        ((pd_revenue, revenue, gross_margin),) = con.execute(
            "SELECT sum(revenue) FILTER (WHERE segment = 'price_driven'), sum(revenue), "
            "sum(gross_margin) FROM read_parquet(?)",
            [str(metrics)],
        ).fetchall()
    departments = [
        DepartmentActivation(
            department=r["department"],
            price_driven_clients=int(r["price_driven_clients"] or 0),
            freed_hours=float(r["freed_hours"] or 0.0),
            freed_cost=float(r["freed_cost"] or 0.0),
            revenue_per_sales_hour=_optional(r["revenue_per_sales_hour"]),
            sales_department=bool(r["sales_department"]),
            potential_revenue=_optional(r["potential_revenue"]),
            order_capacity=_optional(r["order_capacity"]),
            potential_margin=_optional(r["potential_margin"]),
            revenue_capacity=_optional(r["revenue_capacity"]),
        )
        for r in rows
    ]
    margin_rate = float(gross_margin) / float(revenue) if revenue else None
    return departments, float(pd_revenue or 0.0), margin_rate
