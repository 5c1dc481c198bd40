"""A process killed (SIGKILL: no rollback, no cleanup) in the middle of an import or a model run
leaves the store exactly as it was: same tables, same row counts, same checksum of every table.

Two ways to kill: the real command in a subprocess, killed once it shows it is mid-work;
and a child process that kills itself at a chosen point inside the store's transaction (after the
rows are written, before the commit), which a timer cannot hit reliably.

What is guaranteed about `out/` after a killed `run`: nothing beyond "some files of the last
finished run and some of the killed one, possibly one truncated file". The next finished run
rewrites every file; `run_info.json` is written last, so it never describes a run that did not
finish. The store, which the web app and the history read, is exact.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest

from clientload.ingest import import_files
from clientload.workspace import Workspace, init_workspace

SALES_ROWS = """
COPY (SELECT 'C' || (i % 5000) AS client_id, DATE '2024-01-01' + (i % 365)::INT AS date,
             'SKU' || (i % 900) AS sku, (i % 7) + 1 AS quantity,
             round(((i % 97) + 1) * 10.5, 2) AS revenue
      FROM range({n}) t(i)) TO '{path}' (HEADER)
"""


def store_state(ws: Workspace) -> dict[str, tuple[int, str]]:
    """Every table of the store: its row count and an order-independent checksum of its rows."""
    with duckdb.connect(str(ws.store_path)) as con:  # read-write: replays any WAL, like users do
        names = [r[0] for r in con.execute("SHOW TABLES").fetchall()]
        return {
            name: con.execute(
                f'SELECT count(*), coalesce(md5(string_agg(h, \'\' ORDER BY h)), \'\') FROM '
                f'(SELECT md5(CAST(t AS VARCHAR)) AS h FROM "{name}" t)'
            ).fetchone()
            for name in names
        }


def big_sales(path: Path, lines: int) -> Path:
    duckdb.execute(SALES_ROWS.format(n=lines, path=str(path).replace("'", "''"))).fetchall()
    return path


def cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "clientload.cli.app", *args]


def kill_when(command: list[str], busy: Callable[[], bool], timeout: float = 120.0) -> int:
    """Start `command`, wait until `busy()` says it is in the middle of its work, SIGKILL it.

    A sign from the work itself rather than a delay: a faster machine (or a faster release)
    finished the run before a fixed 1.5 s had passed."""
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + timeout
    while not busy():
        assert process.poll() is None, "the command finished before it could be killed"
        assert time.monotonic() < deadline, "the command never reached the point to kill it at"
        time.sleep(0.005)
    process.send_signal(signal.SIGKILL)
    return process.wait(timeout=30)


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    """A workspace with some data already in: the state a kill must leave untouched."""
    ws = init_workspace(tmp_path / "ws")
    import_files(ws, [big_sales(tmp_path / "first.csv", 1_000)], "sales")
    clients = tmp_path / "clients.csv"
    clients.write_text("client_id,name,manager\nC1,Alpha,Ivanov\nC2,Beta,Petrov\n", "utf-8")
    import_files(ws, [clients], "clients")
    return ws


@pytest.mark.slow
def test_a_killed_import_command_leaves_the_store_as_it_was(ws: Workspace, tmp_path: Path) -> None:
    before = store_state(ws)
    big = big_sales(tmp_path / "big.csv", 1_500_000)
    size = ws.store_path.stat().st_size
    # 1.5M rows are a dozen DuckDB row groups, written to the file before the commit: kill
    # when the first of them has made the file grow.
    grown = lambda: ws.store_path.stat().st_size > size  # noqa: E731
    code = kill_when(cli("import", str(ws.root), str(big), "--table", "sales"), grown)
    assert code == -signal.SIGKILL
    assert store_state(ws) == before
    assert not list(ws.rejects_dir.glob("*.csv"))  # no rejects file of a killed import
    # The store is usable and the killed file was not remembered as imported.
    again = import_files(ws, [big_sales(tmp_path / "small.csv", 500)], "sales")
    assert again.rows_loaded == 500


def die_inside(patch: str, run: str) -> str:
    """A child script that applies `patch` (which makes the process SIGKILL itself at the
    chosen point) and then does `run`."""
    return textwrap.dedent(
        """
        import os, signal
        def die(*args, **kwargs):
            os.kill(os.getpid(), signal.SIGKILL)
        """
    ) + textwrap.dedent(patch) + textwrap.dedent(run)


def test_an_import_killed_before_its_commit_leaves_the_store_as_it_was(
    ws: Workspace, tmp_path: Path
) -> None:
    """200,000 rows are more than a DuckDB row group, so they reach the database file before the
    commit (optimistic writes): the kill must leave those blocks unreferenced."""
    before = store_state(ws)
    big = big_sales(tmp_path / "big.csv", 200_000)
    script = die_inside(
        # Rejects are written inside the transaction, after the rows went in: die there.
        "from clientload.ingest import load\nload._write_rejects = die\n",
        f"""
        from pathlib import Path
        from clientload.workspace import open_workspace
        load.import_files(open_workspace({str(ws.root)!r}), [Path({str(big)!r})], "sales")
        """,
    )
    done = subprocess.run([sys.executable, "-c", script], check=False, capture_output=True)
    assert done.returncode == -signal.SIGKILL, done.stderr
    assert store_state(ws) == before


@pytest.fixture(scope="module")
def company(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small generated company, run once: history holds one run."""
    root = tmp_path_factory.mktemp("crash") / "co"
    for args in (("generate", str(root), "--clients", "60", "--lines", "6000", "--seed", "3"),
                 ("run", str(root))):
        subprocess.run(cli(*args), check=True, capture_output=True, timeout=300)
    return root


@pytest.mark.slow
def test_a_run_killed_inside_its_history_transaction_leaves_the_store_as_it_was(
    company: Path,
) -> None:
    ws = Workspace(company)
    before = store_state(ws)
    assert before["history_runs"][0] == 1
    script = die_inside(
        # The run's row is in history_runs when the clients are selected: die there.
        """
        import clientload.run as run
        real = run.append_history
        class Dying:
            def select(self, *args, **kwargs):
                die()
        run.append_history = lambda ws, info, text, clients, **kw: real(
            ws, info, text, Dying(), **kw)
        """,
        f"run.run_model({str(company)!r})\n",
    )
    done = subprocess.run([sys.executable, "-c", script], check=False, capture_output=True)
    assert done.returncode == -signal.SIGKILL, done.stderr
    assert store_state(ws) == before


def writing(staging: Path) -> bool:
    """True once the run has handed its first output to the writer: the model is half-way."""
    try:
        return any(staging.iterdir())
    except FileNotFoundError:
        return False


@pytest.mark.slow
def test_a_killed_run_command_leaves_the_store_as_it_was_and_the_next_run_mends_out(
    company: Path,
) -> None:
    ws = Workspace(company)
    before = store_state(ws)
    staging = ws.out_dir / ".writing"
    shutil.rmtree(staging, ignore_errors=True)
    code = kill_when(cli("run", str(company)), lambda: writing(staging))
    assert code == -signal.SIGKILL
    after = store_state(ws)
    if after != before:
        # Killed after the history commit (on a very fast machine): then the run is all there.
        runs, clients = after["history_runs"][0], after["history_clients"][0]
        assert runs == before["history_runs"][0] + 1
        assert clients == before["history_clients"][0] * runs // (runs - 1)
        assert {k: v for k, v in after.items() if not k.startswith("history")} == {
            k: v for k, v in before.items() if not k.startswith("history")
        }
    finished = subprocess.run(cli("run", str(company)), capture_output=True, timeout=300)
    assert finished.returncode == 0, finished.stderr
    for parquet in ws.out_dir.glob("*.parquet"):
        duckdb.execute(f"SELECT count(*) FROM read_parquet('{parquet}')").fetchall()  # whole
    assert os.path.getmtime(ws.out_dir / "run_info.json") >= max(
        os.path.getmtime(p) for p in ws.out_dir.glob("*.parquet")
    )
