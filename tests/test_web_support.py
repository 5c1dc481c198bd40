"""A small workspace built by code for the web tests: three clients of two managers, their
costs, the capacity and accounts of every role. Imported by the test_web* modules."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from clientload.web.auth import add_user
from clientload.workspace import Workspace, init_workspace

PASSWORD = "correct horse battery"
EVIL_NAME = '<script>alert("x")</script> ООО Ромашка'

CLIENTS = [
    # client_id, name, manager, region, segment, revenue, cost of goods, load minutes, cost to serve
    ("C00001", "ООО Альфа", "Ivanov", "Moscow", "core", 1_200_000.0, 900_000.0, 900.0, 40_000.0),
    ("C00002", EVIL_NAME, "Ivanov", "Kazan", "price_driven", 300_000.0, 270_000.0, 2400.0,
     95_000.0),
    ("C00003", "=SUM(1+1) Beta Ltd", "Petrov", "Moscow", "growing", 800_000.0, 560_000.0, 600.0,
     25_000.0),
]
DEPARTMENTS = ("sales", "customer_service", "warehouse")


def write_table(path: Path, rows: list[dict]) -> None:
    pq.write_table(pa.Table.from_pylist(rows), path)


def metrics_rows(load_factor: float = 1.0) -> list[dict]:
    out = []
    for cid, name, manager, region, segment, revenue, cogs, minutes, cts in CLIENTS:
        margin = revenue - cogs
        out.append({
            "client_id": cid, "name": name, "manager": manager, "region": region,
            "revenue": revenue, "cost_of_goods": cogs, "gross_margin": margin,
            "margin_rate": margin / revenue, "load_minutes": minutes * load_factor,
            "cost_to_serve": cts * load_factor, "contribution": margin - cts * load_factor,
            "contribution_rate": (margin - cts * load_factor) / revenue, "orders": 12,
            "segment": segment, "segment_reason": f"rule for {segment}",
        })
    return out


def write_results(ws: Workspace, load_factor: float = 1.0) -> None:
    """The model's output tables as `clientload run` writes them, scaled by `load_factor`."""
    ws.out_dir.mkdir(exist_ok=True)
    write_table(ws.out_dir / "client_metrics.parquet", metrics_rows(load_factor))
    costs = []
    for cid, *_rest, minutes, cts in CLIENTS:
        for i, department in enumerate(DEPARTMENTS):
            share = (3 - i) / 6
            costs.append({"client_id": cid, "department": department,
                          "activity": f"{department}_work", "driver": "orders", "events": 10,
                          "minutes": minutes * share * load_factor,
                          "cost": cts * share * load_factor})
    write_table(ws.out_dir / "client_costs.parquet", costs)
    write_table(ws.out_dir / "capacity.parquet", [
        {"department": d, "cost": 1_000_000.0, "capacity_minutes": 100_000.0,
         "cost_per_minute": 10.0, "used_minutes": 60_000.0, "used_cost": 600_000.0,
         "unused_minutes": 40_000.0, "unused_cost": 400_000.0, "utilisation": 0.6,
         "over_capacity": False} for d in DEPARTMENTS])
    write_table(ws.out_dir / "client_assortment.parquet", [
        {"client_id": c[0], "category": category, "revenue": c[5] * share, "gross_margin": 1.0,
         "quantity": 10.0}
        for c in CLIENTS for category, share in (("Paper", 0.6), ("=HYPERLINK()", 0.4))])
    write_table(ws.out_dir / "policy_deviations.parquet", [
        {"client_id": "C00002", "segment": "price_driven", "rule": "max_urgent_share",
         "actual": 0.3, "allowed": 0.0, "excess_events": 4, "cost": 1200.0}])
    write_table(ws.out_dir / "career.parquet", [
        {"client_id": "C00001", "level": "partner", "next_level": "key",
         "gap_monthly_revenue": 500000.0}])


def make_workspace(root: Path) -> Workspace:
    ws = init_workspace(root)
    write_results(ws)
    add_user(ws, "admin", PASSWORD, "admin")
    add_user(ws, "analyst", PASSWORD, "analyst")
    add_user(ws, "ivanov", PASSWORD, "manager", "Ivanov")
    add_user(ws, "petrov", PASSWORD, "manager", "Petrov")
    return ws


def sign_in(client, username: str, password: str = PASSWORD, next_path: str = "/dashboard"):
    """Sign in through the form as a browser would: fetch the page, send back its token."""
    import re

    page = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    return client.post("/login", data={"username": username, "password": password,
                                       "csrf_token": token, "next": next_path},
                       follow_redirects=False)


def csrf_of(client, path: str = "/log") -> str:
    """The session's CSRF token, as a signed-in page carries it in its forms."""
    import re

    return re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).text).group(1)
