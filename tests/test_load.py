"""Load on the real server: concurrent managers log interactions through the HTTP API on loopback
while client cards keep being read. Every entry is stored exactly once, nothing answers 5xx, and
the latencies are printed (not asserted: timings belong in bench/).

uvicorn runs in a subprocess on 127.0.0.1 with a free port. 20 clients; each logs
`CLIENTLOAD_LOAD_PER_CLIENT` interactions. The issue asks for 1,000 each (20,000); with the group
commit the shared 2-core test machine manages about 90 entries a second, so 20,000 take about
3.5 minutes and CI runs 300 each (6,000, about a minute). The full size:
`CLIENTLOAD_LOAD_PER_CLIENT=1000 uv run pytest tests/test_load.py -s`.
"""

from __future__ import annotations

import asyncio
import os
import re
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import httpx
import pytest
from test_web_support import PASSWORD, make_workspace

from clientload.web.auth import add_user

CLIENTS = 20
ACCOUNTS = 4  # 5 sessions each: every argon2 hash costs a fraction of a second to make
PER_CLIENT = int(os.environ.get("CLIENTLOAD_LOAD_PER_CLIENT", "300"))
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(tmp_path: Path):
    ws = make_workspace(tmp_path / "ws")
    for k in range(ACCOUNTS):
        add_user(ws, f"manager{k}", PASSWORD, "manager", "Ivanov")
    port = free_port()
    code = (
        "import uvicorn; from clientload.web import create_app; "
        f"uvicorn.run(create_app({str(ws.root)!r}, secret_key='load'), host='127.0.0.1', "
        f"port={port}, log_level='warning')"
    )
    process = subprocess.Popen([sys.executable, "-c", code])
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            httpx.get(base + "/login", timeout=1)
            break
        except httpx.TransportError:
            assert process.poll() is None and time.monotonic() < deadline, "server did not start"
            time.sleep(0.1)
    yield base, ws
    process.terminate()
    process.wait(timeout=30)


async def signed_in(base: str, username: str) -> tuple[httpx.AsyncClient, str]:
    client = httpx.AsyncClient(base_url=base, timeout=60)
    token = TOKEN.search((await client.get("/login")).text).group(1)
    response = await client.post("/login", data={"username": username, "password": PASSWORD,
                                                  "csrf_token": token})
    assert response.status_code == 303
    return client, TOKEN.search((await client.get("/log")).text).group(1)


async def log_many(base: str, k: int, latencies: list[float], statuses: list[int]) -> None:
    client, token = await signed_in(base, f"manager{k % ACCOUNTS}")
    try:
        for n in range(PER_CLIENT):
            entry = {"client_id": "C00001" if n % 2 else "C00002", "type": "call",
                     "department": "sales", "minutes": str(1 + n % 30), "date": "2026-03-02",
                     "note": f"client {k} entry {n}", "csrf_token": token}
            started = time.perf_counter()
            response = await client.post("/log", data=entry)
            latencies.append(time.perf_counter() - started)
            statuses.append(response.status_code)
    finally:
        await client.aclose()


async def read_cards(base: str, writing: asyncio.Event, statuses: list[int]) -> int:
    client, _ = await signed_in(base, "analyst")
    reads = 0
    try:
        while writing.is_set() or reads < 3:
            for path in ("/clients/C00001.json", "/clients/C00002", "/dashboard.json"):
                statuses.append((await client.get(path)).status_code)
                reads += 1
    finally:
        await client.aclose()
    return reads


async def load(base: str) -> tuple[list[float], list[int], list[int], int, float]:
    latencies: list[float] = []
    writes: list[int] = []
    reads: list[int] = []
    writing = asyncio.Event()
    writing.set()
    started = time.perf_counter()
    reader = asyncio.create_task(read_cards(base, writing, reads))
    await asyncio.gather(*(log_many(base, k, latencies, writes) for k in range(CLIENTS)))
    elapsed = time.perf_counter() - started
    writing.clear()
    read_count = await reader
    return latencies, writes, reads, read_count, elapsed


@pytest.mark.slow
def test_concurrent_managers_log_every_interaction_exactly_once(server) -> None:
    base, ws = server
    latencies, writes, reads, read_count, elapsed = asyncio.run(load(base))
    assert len(writes) == CLIENTS * PER_CLIENT
    assert set(writes) == {303}, sorted(set(writes))
    assert read_count >= 3 and all(s == 200 for s in reads), sorted(set(reads))
    cuts = statistics.quantiles(latencies, n=20)
    print(f"\n{len(writes)} interactions from {CLIENTS} clients in {elapsed:.1f} s "
          f"({len(writes) / elapsed:.0f}/s); latency p50 {statistics.median(latencies) * 1000:.0f}"
          f" ms, p95 {cuts[18] * 1000:.0f} ms, max {max(latencies) * 1000:.0f} ms; "
          f"{read_count} card reads meanwhile")
    with duckdb.connect(str(ws.store_path), read_only=True) as con:
        stored = con.execute(
            "SELECT count(*), count(DISTINCT _line), count(DISTINCT note) FROM interactions i "
            "JOIN imports m ON m.import_id = i._import_id WHERE m.file = 'web form'"
        ).fetchone()
    total = CLIENTS * PER_CLIENT
    assert stored == (total, total, total)  # every entry once, each with its own number
