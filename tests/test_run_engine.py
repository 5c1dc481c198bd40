"""The DuckDB engine's queued queries and the output writer: a failure anywhere leaves `out/` as
the previous run left it, an error in a query reaches the caller, and a run needs no pandas."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import ibis
import pytest
from test_model_fixtures import make_workspace
from test_model_small import SETTINGS, small_company

from clientload.engines.duckdb import open_duckdb
from clientload.model import pipeline
from clientload.model.literal import literal_table
from clientload.run import run_model


@pytest.fixture()
def workspace(tmp_path):
    return make_workspace(tmp_path / "ws", small_company(), SETTINGS)


def _snapshot(out_dir):
    return {p.name: p.read_bytes() for p in sorted(out_dir.iterdir()) if p.is_file()}


def test_a_run_that_fails_half_way_leaves_the_previous_outputs(workspace, monkeypatch):
    run_model(workspace.root, period="2025-01:2025-12")
    before = _snapshot(workspace.out_dir)
    real = pipeline.policy.policy_deviations

    def broken(*args, **kwargs):  # after the assortment and client costs were emitted
        raise RuntimeError("boom in the policy stage")

    monkeypatch.setattr(pipeline.policy, "policy_deviations", broken)
    with pytest.raises(RuntimeError, match="boom"):
        run_model(workspace.root, period="2025-03:2025-12")
    monkeypatch.setattr(pipeline.policy, "policy_deviations", real)
    assert _snapshot(workspace.out_dir) == before
    assert not (workspace.out_dir / ".writing").exists()


def test_a_run_lets_go_of_each_output_once_written_and_reads_it_back_on_request(workspace):
    """The run keeps row counts, not tables; `RunResult.tables` reads `out/` lazily and gives
    exactly what the model handed to the writer (same schema, same rows)."""
    from clientload.model.facts import Store
    from clientload.model.period import parse_period

    backend = open_duckdb(workspace.store_path)
    handed = {}
    try:
        names = ("sales", "clients", "products", "orders", "interactions", "storage",
                 "receivables")
        store = Store(**{n: backend.table(n) for n in names}, has_orders=True, has_products=True)
        with pytest.raises(ValueError, match="on_output"):
            pipeline.compute_model(backend, store, workspace.settings(),
                                   parse_period("2025-01:2025-12"), keep_outputs=False)
        model = pipeline.compute_model(
            backend, store, workspace.settings(), parse_period("2025-01:2025-12"),
            on_output=handed.__setitem__, keep_outputs=False,
        )
    finally:
        backend.disconnect()
    assert set(model.tables) == {"capacity", "activation"}  # the ones the headlines read
    assert model.rows == {name: handed[name].num_rows for name in pipeline.OUTPUT_TABLES}

    result = run_model(workspace.root, period="2025-01:2025-12", keep_history=False)
    assert list(result.tables) == list(pipeline.OUTPUT_TABLES)
    assert result.info["rows"] == model.rows
    for name in pipeline.OUTPUT_TABLES:
        assert result.tables[name].equals(handed[name], check_metadata=False), name
    with pytest.raises(KeyError):
        result.tables["sales"]


def test_a_failing_query_reaches_the_caller_and_its_dependents(workspace):
    backend = open_duckdb(workspace.store_path)
    try:
        sales = backend.table("sales")
        bad = sales.select(x=sales.client_id.cast("int64"))  # client ids are not integers
        kept = backend.create_table("_bad", bad, temp=True)  # queued: fails in a worker
        later = backend.fetch_later(kept.select(y=kept.x + 1))  # depends on it
        with pytest.raises(Exception, match=r"(?i)conver|cast"):
            later.result(timeout=60)
        with pytest.raises(Exception, match=r"(?i)conver|cast"):
            backend.to_pyarrow(kept.count())
    finally:
        backend.disconnect()


def test_kept_tables_have_the_types_ibis_declares(workspace):
    backend = open_duckdb(workspace.store_path)
    try:
        sales = backend.table("sales")
        per_client = sales.group_by("client_id").aggregate(
            lines=sales.count(), quantity=sales.quantity.sum()
        )
        kept = backend.create_table("_per_client", per_client, temp=True)
        result = backend.to_pyarrow(kept)
        assert result.schema == per_client.schema().to_pyarrow()
        assert result.num_rows == backend.to_pyarrow(sales.client_id.nunique()).as_py()
        total = backend.to_pyarrow(kept.lines.sum()).as_py()
        assert total == backend.to_pyarrow(sales.count()).as_py()
    finally:
        backend.disconnect()


def test_literal_tables():
    con = ibis.duckdb.connect()
    t = literal_table(
        {"a": ("string", ["x", "y"]), "b": ("float64", [1, 2.5]), "c": ("int64", [3, 4])}
    )
    assert con.to_pyarrow(t.order_by("a")).to_pylist() == [
        {"a": "x", "b": 1.0, "c": 3},
        {"a": "y", "b": 2.5, "c": 4},
    ]
    empty = literal_table({"a": ("string", []), "b": ("float64", [])})
    assert con.to_pyarrow(empty).num_rows == 0
    assert dict(empty.schema().items()) == {"a": ibis.dtype("string"), "b": ibis.dtype("float64")}
    with pytest.raises(ValueError, match="rows"):
        literal_table({"a": ("string", ["x"]), "b": ("float64", [])})


def test_a_run_does_not_import_pandas(workspace):
    """pandas costs 0.25 s to import and a run needs none of it (pyarrow imports it as soon as
    it builds an array from a Python list: the model's constant tables are SQL literals)."""
    code = textwrap.dedent(
        f"""
        import sys
        from clientload.run import run_model
        run_model({str(workspace.root)!r}, period="2025-01:2025-12", keep_history=False)
        print("pandas" in sys.modules)
        """
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip().splitlines()[-1] == "False"


def test_a_run_shares_the_store_with_the_web_apps_connections(workspace):
    """Inside the web app a recalculation runs while requests open the store read-write: both
    use the process's one DuckDB instance, and the model's kept tables leave nothing behind."""
    import duckdb

    from clientload.web.store import connect_store

    request = connect_store(workspace)  # a request holding the store while the run starts
    try:
        result = run_model(workspace.root, period="2025-01:2025-12", keep_history=False)
        assert result.info["rows"]["client_metrics"] > 0
        backend = open_duckdb(workspace.store_path)
        try:
            kept = backend.create_table("_kept", backend.table("clients"), temp=True)
            request.execute("CREATE TABLE web_note (x INTEGER)")  # a write meanwhile
            request.execute("INSERT INTO web_note VALUES (1)")
            assert backend.to_pyarrow(kept.count()).as_py() > 0
        finally:
            backend.disconnect()
        catalogs = {row[0] for row in request.execute("SHOW DATABASES").fetchall()}
        assert not any(name.startswith("clientload_model_") for name in catalogs)
        assert request.execute("SELECT count(*) FROM web_note").fetchone()[0] == 1
    finally:
        request.close()
    assert (
        duckdb.connect(str(workspace.store_path))
        .execute("SELECT count(*) FROM web_note")
        .fetchone()[0]
        == 1
    )


def test_the_workbooks_inputs_are_read_while_a_request_holds_the_store(workspace):
    from clientload.export.inputs import read_inputs
    from clientload.web.store import connect_store

    run_model(workspace.root, period="2025-01:2025-12", keep_history=False)
    request = connect_store(workspace)
    try:
        inputs = read_inputs(workspace)
        assert inputs is not None
        request.execute("SELECT count(*) FROM sales").fetchone()
    finally:
        request.close()


def test_a_store_held_by_another_process_is_one_line_and_exit_2(workspace):
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys, time\n"
            f"con = duckdb.connect({str(workspace.store_path)!r})\n"
            "print('held', flush=True)\n"
            "time.sleep(60)\n",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        done = subprocess.run(
            [sys.executable, "-m", "clientload.cli.app", "run", str(workspace.root)],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 2, done.stderr
        assert "in use by another process" in done.stderr
        assert "Traceback" not in done.stderr
        assert len(done.stderr.strip().splitlines()) == 1
    finally:
        holder.kill()
        holder.wait()


def test_the_web_apps_writes_wait_while_it_recalculates(workspace, monkeypatch):
    """Several connections read for the model: a write committed half-way would reach some of
    its tables and not others, so the app's writes wait for the recalculation."""
    import threading

    import clientload.run
    from clientload.web.jobs import model_runner
    from clientload.web.store import WRITE_LOCK

    seen = {}

    def run_model(root, progress=None):
        outcome = {}
        other = threading.Thread(target=lambda: outcome.update(got=WRITE_LOCK.acquire(timeout=0)))
        other.start()
        other.join()
        seen["writer_got_the_lock"] = outcome["got"]
        if outcome["got"]:
            WRITE_LOCK.release()

    monkeypatch.setattr(clientload.run, "run_model", run_model)
    model_runner(workspace, lambda *args: None)
    assert seen == {"writer_got_the_lock": False}
    assert WRITE_LOCK.acquire(timeout=0)
    WRITE_LOCK.release()


@pytest.mark.parametrize("picking_name", ["picking", "storage"])
def test_the_cost_to_serve_headline_is_the_sum_of_the_clients(tmp_path, picking_name):
    """Even when a department's activity is named like a direct cost ("storage"): it stays an
    activity, the client's storage cost is the pallets' only, and the headline adds up."""
    settings = SETTINGS.replace("[activities.picking]", f"[activities.{picking_name}]")
    ws = make_workspace(tmp_path / "ws", small_company(), settings)
    result = run_model(ws.root, period="2025-01:2025-12", keep_history=False)
    clients = result.tables["client_metrics"].to_pylist()
    total = sum(c["cost_to_serve"] for c in clients)
    assert result.info["headlines"]["cost_to_serve"] == pytest.approx(total, rel=1e-12)
    a = next(c for c in clients if c["client_id"] == "A")
    assert a["storage_cost"] == pytest.approx(20)  # 10 pallet-days at 2, as in test_model_small
    costs = result.tables["client_costs"].to_pylist()
    warehouse = sum(
        r["cost"] for r in costs if r["client_id"] == "A" and r["department"] == "warehouse"
    )
    assert a["activity_cost"] == pytest.approx(
        sum(r["cost"] for r in costs if r["client_id"] == "A" and r["department"] != "direct")
    )
    assert warehouse > 0


def test_the_duckdb_settings_bound_memory_and_threads(workspace):
    backend = open_duckdb(workspace.store_path, memory_limit="256MB", threads=1)
    try:
        limit, threads = backend.con.execute(
            "SELECT current_setting('memory_limit'), current_setting('threads')"
        ).fetchone()
        assert limit.startswith(("244", "256")) and int(threads) == 1
    finally:
        backend.disconnect()
    settings = (
        workspace.settings_path.read_text("utf-8")
        + '\n[duckdb]\nmemory_limit = "300MB"\nthreads = 1\n'
    )
    workspace.settings_path.write_text(settings, "utf-8")
    assert run_model(workspace.root, keep_history=False).info["rows"]["client_metrics"] > 0


@pytest.mark.parametrize(
    ("memory_limit", "threads", "message"),
    [
        ("lots", 0, "duckdb.memory_limit"),
        ("1GB'; DROP TABLE sales; --", 0, "memory_limit"),
        ("", -2, "duckdb.threads"),
    ],
)
def test_wrong_duckdb_settings_are_named(workspace, memory_limit, threads, message):
    from clientload.errors import ClientloadError

    with pytest.raises(ClientloadError, match=message):
        open_duckdb(workspace.store_path, memory_limit=memory_limit, threads=threads)
