"""How fast the web app lists, filters, sorts and opens clients at 50,000 clients.

Writes a synthetic `client_metrics` / `client_costs` of N clients into a temporary workspace and
times the JSON pages in-process. Run: `uv run python bench/bench_web.py [N]`.
"""

from __future__ import annotations

import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

warnings.filterwarnings("ignore")


def build(root: Path, n: int) -> None:
    from clientload.web.auth import add_user
    from clientload.workspace import init_workspace

    ws = init_workspace(root)
    rng = np.random.default_rng(1)
    revenue = rng.lognormal(13, 1.2, n)
    cts = revenue * rng.uniform(0.01, 0.3, n)
    margin = revenue * rng.uniform(0.1, 0.4, n)
    ids = [f"C{i:06d}" for i in range(n)]
    ws.out_dir.mkdir(exist_ok=True)
    pq.write_table(pa.table({
        "client_id": ids, "name": [f"Client {i}" for i in range(n)],
        "manager": [f"Manager {i % 40}" for i in range(n)],
        "region": [f"Region {i % 12}" for i in range(n)],
        "segment": rng.choice(["core", "growing", "price_driven", "new", "lapsed"], n),
        "revenue": revenue, "cost_of_goods": revenue - margin, "gross_margin": margin,
        "margin_rate": margin / revenue, "load_minutes": cts / 20, "cost_to_serve": cts,
        "contribution": margin - cts, "contribution_rate": (margin - cts) / revenue,
        "orders": rng.integers(1, 200, n),
    }), ws.out_dir / "client_metrics.parquet")
    departments = ["sales", "customer_service", "warehouse", "logistics", "finance"]
    pq.write_table(pa.table({
        "client_id": np.repeat(ids, 5), "department": departments * n,
        "activity": departments * n, "events": np.ones(5 * n), "minutes": np.repeat(cts / 100, 5),
        "cost": np.repeat(cts / 5, 5),
    }), ws.out_dir / "client_costs.parquet")
    add_user(ws, "analyst", "bench password", "analyst")


def main(n: int = 50_000) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
    from fastapi.testclient import TestClient
    from test_web_support import sign_in

    from clientload.web import create_app

    root = Path(tempfile.mkdtemp()) / "ws"
    build(root, n)
    client = TestClient(create_app(root))
    sign_in(client, "analyst", "bench password")
    for url in ("/clients.json", "/clients.json?sort=margin_rate&order=asc&page=400",
                "/clients.json?q=Client%204999&segment=core", "/clients.json?manager=Manager%207",
                "/dashboard.json", "/clients/C012345.json", "/heavy.json"):
        client.get(url)  # warm
        started = time.perf_counter()
        for _ in range(5):
            assert client.get(url).status_code == 200
        print(f"{url:55} {(time.perf_counter() - started) / 5 * 1000:7.1f} ms")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 50_000)
