"""What the browser tests share: Debian's Chromium driven by Playwright, a live server in a thread,
and where screenshots go. The `browser` and `images` fixtures are in conftest.py."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
DOCS_IMAGES = Path(__file__).resolve().parents[1] / "docs" / "img"
PASSWORD = "browser-test-pw"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serving(app: Any) -> Iterator[str]:
    """The app served by uvicorn on a free local port in a thread; its base URL."""
    import uvicorn

    port = free_port()
    instance = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port,
                                             log_level="warning"))
    thread = threading.Thread(target=instance.run, daemon=True)
    thread.start()
    deadline = time.time() + 20
    while not instance.started and time.time() < deadline:
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        instance.should_exit = True
        thread.join(10)


def browser_company(root: Path) -> dict[str, Any]:
    """A generated distributor, computed, with an admin and a manager: the workspace, the
    manager's largest client and another manager's."""
    import duckdb

    from clientload.generate.into import generate_workspace
    from clientload.run import run_model
    from clientload.web.auth import add_user
    from clientload.workspace import open_workspace

    generate_workspace(root, clients=60, lines=3000, seed=7, months=13)
    run_model(root)
    ws = open_workspace(root)
    metrics = str(ws.out_dir / "client_metrics.parquet")
    managers = [m for (m,) in duckdb.execute(
        "SELECT manager FROM read_parquet(?) GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 2",
        [metrics]).fetchall()]
    own, foreign = (duckdb.execute(
        "SELECT client_id FROM read_parquet(?) WHERE manager = ? ORDER BY revenue DESC LIMIT 1",
        [metrics, m]).fetchone()[0] for m in managers)
    add_user(ws, "admin", PASSWORD, "admin")
    add_user(ws, "manager", PASSWORD, "manager", managers[0])
    return {"ws": ws, "own_client": own, "foreign_client": foreign}
