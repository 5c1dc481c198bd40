"""How fast the web app answers on a real company: the client card, the clients list, the dashboard.

Server time per page is the app's own `Server-Timing` header (from the request reaching the app to
its answer), beside the whole request as FastAPI's in-process test client sees it (which adds the
test client's own thread hand-offs); on a warm server (each page asked once before timing), as p50
and p95 over `--repeat` requests. The cards are asked for different clients, as a sales team
would: each client's first view, which reads its latest contacts from the store.

    uv run python bench/bench_web.py                       # 1,000 clients, generated and run here
    uv run python bench/bench_web.py --clients 50000 --lines 2000000
    uv run python bench/bench_web.py --workspace DIR       # a workspace already run

Prints one line per page and the machine's load average, so that figures taken while other work
runs are read as such.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

warnings.filterwarnings("ignore")
PASSWORD = "bench password"


def prepare(args: argparse.Namespace) -> Path:
    from clientload.generate.into import generate_workspace
    from clientload.run import run_model

    if args.workspace:
        return Path(args.workspace)
    root = Path(tempfile.mkdtemp()) / "ws"
    started = time.perf_counter()
    generate_workspace(root, args.clients, args.lines, seed=1)
    run_model(root)
    print(f"generated and run {args.clients:,} clients / {args.lines:,} lines in "
          f"{time.perf_counter() - started:.1f} s")
    return root


def _p50_p95(values: list[float]) -> tuple[float, float]:
    values = sorted(values)
    return statistics.median(values), values[min(len(values) - 1, round(0.95 * (len(values) - 1)))]


def timed(client, urls: list[str], repeat: int) -> tuple[float, float, float, float]:
    """p50 and p95 in milliseconds of the server's own time (its `Server-Timing` header) and of
    the whole request seen by the in-process client, asking each URL in turn."""
    server, whole = [], []
    for i in range(repeat):
        url = urls[i % len(urls)]
        started = time.perf_counter()
        response = client.get(url)
        whole.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code, response.text[:300])
        server.append(float(response.headers["server-timing"].split("dur=")[1]))
    return (*_p50_p95(server), *_p50_p95(whole))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--workspace", help="a workspace already run (skips generating)")
    parser.add_argument("--repeat", type=int, default=40)
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
    import pyarrow.parquet as pq
    from fastapi.testclient import TestClient
    from test_web_support import sign_in

    from clientload.web import create_app
    from clientload.web.auth import add_user
    from clientload.workspace import open_workspace

    root = prepare(args)
    ws = open_workspace(root)
    with contextlib.suppress(Exception):  # the account is there from an earlier run
        add_user(ws, "bench", PASSWORD, "analyst")
    ids = pq.read_table(ws.out_dir / "client_metrics.parquet", columns=["client_id"])
    ids = ids.column("client_id").to_pylist()
    step = max(1, len(ids) // args.repeat)
    cards = [f"/clients/{cid}" for cid in ids[::step][: args.repeat]]
    pages = {
        "client card (HTML)": cards,
        "client card (JSON)": [f"{c}.json" for c in cards],
        "client card, discount 7 %": [f"{c}?discount=7" for c in cards],
        "clients list": ["/clients", "/clients?sort=margin_rate&order=asc&page=40",
                         "/clients?segment=core", "/clients?q=C000"],
        "dashboard": ["/dashboard"],
    }
    client = TestClient(create_app(root))
    assert sign_in(client, "bench", PASSWORD).status_code == 303
    for urls in pages.values():
        for url in urls[:3]:
            client.get(url)  # warm
    print(f"{len(ids):,} clients; load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    print(f"{'':28} {'server time':>26}   {'with the test client':>26}")
    for name, urls in pages.items():
        p50, p95, w50, w95 = timed(client, urls, args.repeat)
        print(f"{name:28} p50 {p50:6.1f} ms  p95 {p95:6.1f} ms   "
              f"p50 {w50:6.1f} ms  p95 {w95:6.1f} ms")


if __name__ == "__main__":
    main()
