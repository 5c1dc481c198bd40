"""Departments scaled to the company from its own sales, until somebody describes the staff.

A department given by `revenue_share` (what `clientload init` writes when it is told nothing
about the staff) costs that share of the revenue of the last `analysis.cost_period_months`
months of sales, and its practical capacity is the load it carries in those months (its
activities' drivers × standard minutes) ÷ its `utilisation`. Both numbers follow the company's
own size, in its own currency; the unused capacity is then an assumption (1 − utilisation), not
a measurement — which `sizing_warning` says in every run.

The load is counted as the generator's sizing counts it (`department_minutes`): the simplest
reading of each driver over the store's tables, not the model itself.
"""

from __future__ import annotations

import dataclasses
import math
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from clientload.settings import Activity, Department, Settings

DAYS_PER_MONTH = 365.25 / 12


def _driver_sql(activity: Activity) -> str:
    """SQL for an activity's minutes over the period (views p_sales, p_orders, p_interactions
    and order_lines hold the period's rows)."""
    m = float(activity.minutes)
    if activity.driver == "orders":
        return (
            f"SELECT sum({m} + {activity.minutes_per_line} * coalesce(l.n, 0)"
            f" + CASE WHEN o.urgent THEN {activity.urgent_extra_minutes} ELSE 0 END)"
            " FROM p_orders o LEFT JOIN order_lines l USING (order_id)"
        )
    if activity.driver == "order_lines":
        return f"SELECT {m} * count(*) FROM p_sales WHERE quantity > 0"
    if activity.driver == "returns":
        return f"SELECT {m} * count(*) FROM p_sales WHERE quantity < 0"
    if activity.driver == "order_changes":
        return f"SELECT {m} * sum(changes) FROM p_orders"
    if activity.driver == "urgent_orders":
        return f"SELECT {m} * count(*) FROM p_orders WHERE urgent"
    if activity.driver == "deliveries":
        return f"SELECT {m} * count(*) FROM p_orders WHERE delivery = 'delivery'"
    kind = (activity.type or activity.name).replace("'", "''")
    return (
        f"SELECT sum(coalesce(minutes, {m} * coalesce(\"count\", 1))) FROM p_interactions"
        f" WHERE lower(trim(type)) = lower('{kind}')"
    )


def department_minutes(con: Any, settings: Settings, start: date, end: date) -> dict[str, float]:
    """Minutes each department spends between `start` and `end` with the standard times, over
    the tables (or views) `sales`, `orders` and `interactions` of `con`."""
    between = f"BETWEEN DATE '{start}' AND DATE '{end}'"
    con.execute(f"CREATE OR REPLACE TEMP VIEW p_sales AS SELECT * FROM sales WHERE date {between}")
    con.execute("CREATE OR REPLACE TEMP VIEW p_orders AS SELECT * FROM orders"
                f" WHERE CAST(created_at AS DATE) {between}")
    con.execute("CREATE OR REPLACE TEMP VIEW p_interactions AS SELECT * FROM interactions"
                f" WHERE CAST(date AS DATE) {between}")
    con.execute("CREATE OR REPLACE TEMP TABLE order_lines AS SELECT order_id, count(*) AS n"
                " FROM sales WHERE quantity > 0 GROUP BY order_id")
    used = dict.fromkeys(settings.departments, 0.0)
    for activity in settings.activities.values():
        row = con.execute(_driver_sql(activity)).fetchone()
        used[activity.department] += float(row[0] or 0.0) if row else 0.0
    return used


@dataclasses.dataclass(frozen=True)
class CompanyScale:
    """The company's last `months` of sales: revenue, each department's load, and how many
    months the data really cover (fewer when the sales begin later)."""

    start: date
    end: date
    revenue: float
    load: dict[str, float]
    covered_months: float


def months_before(end: date, months: int) -> date:
    """The first day of the `months` months that end on `end` (2025-12-31, 12 → 2025-01-01)."""
    import calendar

    index = end.year * 12 + end.month - 1 - months
    year, month = divmod(index, 12)
    day = min(end.day, calendar.monthrange(year, month + 1)[1])
    return date(year, month + 1, day) + timedelta(days=1)


def company_scale(con: Any, settings: Settings) -> CompanyScale | None:
    """Revenue and load of the last `cost_period_months` months of sales; None without sales."""
    months = int(settings.section("analysis").get("cost_period_months", 12))
    first, last = con.execute("SELECT min(date), max(date) FROM sales").fetchone()
    if last is None:
        return None
    window = months_before(last, months)
    start = max(window, first)
    (revenue,) = con.execute("SELECT coalesce(sum(revenue), 0) FROM sales WHERE date BETWEEN ?"
                             " AND ?", [start, last]).fetchone()
    load = department_minutes(con, settings, start, last)
    # sales that begin inside the window cover only part of it: scale them up to the months
    covered = float(months) if first <= window else ((last - start).days + 1) / DAYS_PER_MONTH
    return CompanyScale(start=start, end=last, revenue=float(revenue), load=load,
                        covered_months=covered)


def scale_departments(settings: Settings, scale: CompanyScale) -> Settings:
    """The settings with every revenue-sized department's cost and capacity filled in."""
    months = float(settings.section("analysis").get("cost_period_months", 12))
    factor = months / scale.covered_months if scale.covered_months > 0 else 1.0
    sized: dict[str, Department] = {}
    rates = []
    for name, d in settings.departments.items():
        if d.sized_from != "revenue":
            sized[name] = d
            continue
        cost = (d.revenue_share or 0.0) * scale.revenue * factor
        used = scale.load.get(name, 0.0) * factor
        capacity = used / (d.utilisation or 1.0) if used > 0 else math.nan
        sized[name] = dataclasses.replace(d, cost=cost, capacity_minutes=capacity)
        if used > 0 and cost > 0:
            rates.append(cost / capacity)
    # a department no driver loads: its capacity does not change any client's cost (nothing is
    # used); give it the others' average cost per minute so tables show a sensible rate
    rate = sum(rates) / len(rates) if rates else 1.0
    for name, d in sized.items():
        if d.sized_from == "revenue" and math.isnan(d.capacity_minutes):
            capacity = d.cost / rate if d.cost > 0 else 1.0
            sized[name] = dataclasses.replace(d, capacity_minutes=capacity)
    return dataclasses.replace(settings, departments=sized)


_CACHE: dict[tuple[Any, ...], Settings] = {}


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return (stat.st_mtime_ns, stat.st_size)


def scaled_settings(store_path: Path, settings_text: str, settings: Settings) -> Settings:
    """`settings` with revenue-sized departments filled from the store (unchanged when the
    store has no sales yet). Cached per store state, since pages read the settings often; while
    another process holds the store, the last figures for the same settings serve."""
    from clientload.workspace import StoreInUse

    wal = store_path.with_name(store_path.name + ".wal")
    key = (str(store_path), settings_text, _stamp(store_path), _stamp(wal))
    if key in _CACHE:
        return _CACHE[key]
    try:
        con = _read(store_path)
    except StoreInUse:
        earlier = [v for k, v in _CACHE.items() if k[:2] == key[:2]]
        if earlier:
            return earlier[-1]
        raise
    try:
        scale = company_scale(con, settings)
    finally:
        con.close()
    result = scale_departments(settings, scale) if scale is not None else settings
    if len(_CACHE) > 32:
        _CACHE.clear()
    _CACHE[key] = result
    return result


def _read(store_path: Path) -> Any:
    """The store opened read-write, as the web app opens it (DuckDB allows one configuration per
    file and process); read-only where this process already holds it so."""
    import duckdb

    from clientload.workspace import open_store_file

    try:
        return open_store_file(store_path)
    except duckdb.ConnectionException:
        return open_store_file(store_path, read_only=True)
