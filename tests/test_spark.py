"""The same model on Spark: every output table equals DuckDB's (same rows, amounts to the cent).

A generated company (200 clients, 30,000 lines, fixed seed) runs through `compute_model` once on
the DuckDB store and once on PySpark in local mode over the store's Parquet copy. Needs PySpark
(the `spark` extra) and Java 17+; skipped without them.
"""

from __future__ import annotations

import math
import shutil
from typing import Any

import pyarrow as pa
import pytest

pytest.importorskip("pyspark")
if not shutil.which("java"):
    pytest.skip("Spark needs Java 17+ on PATH", allow_module_level=True)

from clientload.engines.spark import export_parquet, open_spark, store_stamp
from clientload.errors import ClientloadError
from clientload.generate.into import generate_workspace
from clientload.model.period import parse_period
from clientload.model.pipeline import OUTPUT_TABLES, compute_model
from clientload.run import _store_facts, run_model

pytestmark = [pytest.mark.slow, pytest.mark.spark]

CENT = 0.005


@pytest.fixture(scope="module")
def engines(tmp_path_factory):
    """(workspace, DuckDB's run, Spark's tables for the same period)."""
    generated = generate_workspace(tmp_path_factory.mktemp("spark"), 200, 30_000, seed=3)
    ws = generated.workspace
    duck = run_model(ws.root, keep_history=False)
    period = parse_period(f"{duck.info['period_start']}:{duck.info['period_end']}")
    counts, _, _ = _store_facts(ws)
    backend, store = open_spark(ws, counts)
    try:
        spark = compute_model(backend, store, ws.settings(), period)
    finally:
        backend.disconnect()
    return ws, duck, spark


def _sort_key(row: dict[str, Any], columns: list[str]) -> tuple:
    """Rows in a stable order, with amounts rounded so that a last-digit difference does not
    reorder them."""
    key = []
    for c in columns:
        v = row[c]
        if isinstance(v, float):
            v = None if math.isnan(v) else round(v, 1)
        key.append((v is None, "" if v is None else str(v) if not isinstance(v, float) else v))
    return tuple(key)


def _differences(name: str, duck: pa.Table, spark: pa.Table) -> list[str]:
    """Where two output tables differ: columns, types, row count, then values cell by cell."""
    if duck.schema.names != spark.schema.names:
        return [f"{name}: columns {duck.schema.names} vs {spark.schema.names}"]
    problems = [
        f"{name}.{f.name}: {f.type} vs {spark.schema.field(f.name).type}"
        for f in duck.schema
        if f.type != spark.schema.field(f.name).type
    ]
    if duck.num_rows != spark.num_rows:
        return [*problems, f"{name}: {duck.num_rows} rows vs {spark.num_rows}"]
    columns = duck.schema.names
    exact = [c for c in columns if not pa.types.is_floating(duck.schema.field(c).type)]
    order = exact + [c for c in columns if c not in exact]
    left = sorted(duck.to_pylist(), key=lambda r: _sort_key(r, order))
    right = sorted(spark.to_pylist(), key=lambda r: _sort_key(r, order))
    for a, b in zip(left, right, strict=True):
        for c in columns:
            x, y = a[c], b[c]
            if isinstance(x, float) and isinstance(y, float):
                same = (math.isnan(x) and math.isnan(y)) or abs(x - y) <= CENT + 1e-9 * abs(x)
            else:
                same = x == y
            if not same:
                problems.append(f"{name}.{c}: {x!r} vs {y!r} in {a}")
                break
        if len(problems) > 5:
            break
    return problems


@pytest.mark.parametrize("name", OUTPUT_TABLES)
def test_every_output_table_is_the_same_on_spark(engines, name):
    _, duck, spark = engines
    assert _differences(name, duck.tables[name], spark.tables[name]) == []


def test_headlines_are_the_same_on_spark(engines):
    _, duck, spark = engines
    assert spark.headlines["clients"] == duck.info["headlines"]["clients"]
    assert spark.headlines["total_contribution"] == pytest.approx(
        duck.info["headlines"]["total_contribution"], abs=0.01
    )


def test_the_parquet_copy_is_rewritten_only_when_the_store_changes(engines):
    ws, _, _ = engines
    stamp = store_stamp(ws)
    sales = ws.root / "data" / "parquet" / "sales" / "part-0.parquet"
    written = sales.stat().st_mtime_ns
    export_parquet(ws)
    assert sales.stat().st_mtime_ns == written
    con = ws.connect()
    try:
        con.execute("DELETE FROM storage WHERE rowid IN (SELECT min(rowid) FROM storage)")
    finally:
        con.close()
    assert store_stamp(ws) != stamp
    export_parquet(ws)
    assert sales.stat().st_mtime_ns != written


def test_clientload_run_engine_spark(engines):
    """`run_model(engine="spark")` once `clientload.run` opens the Spark engine."""
    ws, _, _ = engines
    try:
        result = run_model(ws.root, engine="spark", keep_history=False)
    except ClientloadError as exc:
        if "not available yet" in str(exc):
            pytest.skip("clientload.run does not open the Spark engine yet")
        raise
    assert result.info["engine"] == "spark"
    assert result.tables["client_metrics"].num_rows > 0


@pytest.fixture(scope="module")
def fit_engines(tmp_path_factory):
    """A hand-made company using every kind of time-equation term, returned orders and goods
    waiting ready in our warehouse: DuckDB's run and Spark's tables for the year 2025."""
    from test_model_fit import SETTINGS, hunter_company, returns_company, waiting_company
    from test_model_fixtures import make_workspace

    rows: dict[str, list] = {"sales": [], "orders": []}
    for part in (hunter_company(), returns_company(), waiting_company()):
        for table, values in part.items():
            rows[table] += values
    settings = SETTINGS.replace(
        '{ when = "urgent", minutes = 10 },',
        '{ when = "urgent", minutes = 10 },\n  { when = "returned", minutes = 7 },\n'
        '  { per = "quantity", minutes = 0.5 },\n  { when = "changed", minutes = 4 },',
    ) + "".join(f"\n[policy.{g}]\nmax_waiting_days = 10\n" for g in ("core", "growing"))
    ws = make_workspace(tmp_path_factory.mktemp("fit") / "ws", rows, settings)
    duck = run_model(ws.root, period="2025-01:2025-12", keep_history=False)
    counts, _, _ = _store_facts(ws)
    backend, store = open_spark(ws, counts)
    try:
        spark = compute_model(backend, store, ws.settings(), parse_period("2025-01:2025-12"))
    finally:
        backend.disconnect()
    return duck, spark


@pytest.mark.parametrize("name", OUTPUT_TABLES)
def test_terms_returns_and_waiting_are_the_same_on_spark(fit_engines, name):
    duck, spark = fit_engines
    assert _differences(name, duck.tables[name], spark.tables[name]) == []
    if name == "client_metrics":
        waiting = {r["client_id"]: r["waiting_days"] for r in spark.tables[name].to_pylist()}
        assert waiting["W"] == 27
