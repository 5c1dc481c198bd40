"""The plan cache: a run with the same code, settings, period and engine replays the SQL the
previous one compiled (no Ibis imported), with the company's new figures written in, and gives
the same tables as a run that builds every query."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap

import pytest
from output_compare import out_differences
from test_model_fixtures import make_workspace
from test_model_small import SETTINGS, small_company

from clientload.engines.duckdb import open_duckdb
from clientload.model import pipeline
from clientload.model.period import parse_period
from clientload.model.pipeline import OUTPUT_TABLES
from clientload.run import PLANS_DIR, run_model, store_of

PERIOD = "2025-01:2025-12"


@pytest.fixture()
def workspace(tmp_path):
    return make_workspace(tmp_path / "ws", small_company(), SETTINGS)


def _run(ws):
    return run_model(ws.root, period=PERIOD, keep_history=False).info


def test_the_second_run_replays_both_stages_and_gives_the_same_tables(workspace, tmp_path):
    first = _run(workspace)
    assert first["timings"]["plan_cached"] == []
    assert len(list((workspace.root / PLANS_DIR).glob("*.json"))) == 2
    shutil.copytree(workspace.out_dir, tmp_path / "built")
    second = _run(workspace)
    assert second["timings"]["plan_cached"] == ["facts", "clients"]
    assert out_differences(tmp_path / "built", workspace.out_dir, OUTPUT_TABLES) == []
    assert second["headlines"] == first["headlines"]


def test_new_figures_of_the_company_replay_the_plan_with_their_values(workspace, tmp_path):
    """More sales in the period change the company's margin rate, previous revenue per client
    and typical gap: the plan is replayed with them, and the tables are those of a run that
    compiles every query afresh."""
    _run(workspace)
    before = json.loads((workspace.out_dir / "run_info.json").read_text("utf-8"))
    con = workspace.connect()
    try:
        con.execute(
            "INSERT INTO sales (client_id, date, sku, quantity, revenue, cost, order_id) VALUES "
            "('A', DATE '2025-06-20', 'S1', 3, 900, 100, 'A6b'), "
            "('B', DATE '2024-06-20', 'S1', 1, 50, 45, 'B-old')"
        )
    finally:
        con.close()
    replayed = _run(workspace)
    assert replayed["timings"]["plan_cached"] == ["facts", "clients"]
    assert replayed["headlines"]["margin_rate"] != before["headlines"]["margin_rate"]
    shutil.copytree(workspace.out_dir, tmp_path / "replayed")
    shutil.rmtree(workspace.root / PLANS_DIR)
    built = _run(workspace)
    assert built["timings"]["plan_cached"] == []
    assert out_differences(tmp_path / "replayed", workspace.out_dir, OUTPUT_TABLES) == []
    assert replayed["headlines"] == built["headlines"]


class _Recording:
    """The DuckDB engine, noting the SQL of every query it is given."""

    def __init__(self, backend):
        self.backend = backend
        self.sql: list[str] = []

    def __getattr__(self, name):
        return getattr(self.backend, name)

    def submit_keep(self, name, sql, inputs):
        self.sql.append(sql)
        return self.backend.submit_keep(name, sql, inputs)

    def submit_fetch(self, sql, schema, inputs):
        self.sql.append(sql)
        return self.backend.submit_fetch(sql, schema, inputs)


def _queries(ws, plans, period: str = PERIOD) -> list[str]:
    from clientload.run import _store_facts

    counts, _, _ = _store_facts(ws)
    backend = _Recording(open_duckdb(ws.store_path))
    try:
        pipeline.compute_model(
            backend, store_of(backend, counts), ws.settings(), parse_period(period), plans=plans
        )
    finally:
        backend.disconnect()
    return backend.sql


# whole months: a year, one ending in a leap February (and a previous period holding one), a
# leap February alone, two years, a quarter ending in June, a year ending in a 30-day month
WHOLE_MONTHS = [
    "2025-01:2025-12", "2024-03:2025-02", "2024-02:2024-02", "2023-10:2025-09",
    "2025-04:2025-06", "2024-12:2025-11",
]


@pytest.mark.parametrize("period", WHOLE_MONTHS)
def test_the_sentinels_give_the_sql_the_figures_would(workspace, tmp_path, monkeypatch, period):
    """Every query compiled for the stand-in period with the sentinel figures, once its dates are
    moved and the figures written in, is text for text the query compiled for the period with
    the company's figures."""
    replaced = _queries(workspace, tmp_path / "plans", period)
    plans = " ".join(json.dumps(json.loads(p.read_text()))
                     for p in (tmp_path / "plans").glob("*.json"))
    assert "MAKE_DATE(8888, 12, 31)" in plans
    monkeypatch.setattr(pipeline, "_with_sentinels", lambda mid: None)
    monkeypatch.setattr(pipeline, "stand_in", lambda period: None)
    compiled = _queries(workspace, None, period)
    assert len(replaced) == len(compiled) > 30
    assert replaced == compiled
    if period == PERIOD:
        assert str(pipeline._SENTINEL_RICH) in plans
    assert "MAKE_DATE(8" not in " ".join(replaced)


def test_a_period_a_month_later_replays_the_plan(workspace, tmp_path):
    """A new month of data moves the default period by a month: same length, so the plan
    compiled for the first period is replayed with its dates moved, and the tables are those
    of a run that compiles every query for the new period."""
    _run(workspace)
    later = "2025-02:2026-01"
    moved = run_model(workspace.root, period=later, keep_history=False).info
    assert moved["timings"]["plan_cached"] == ["facts", "clients"]
    shutil.copytree(workspace.out_dir, tmp_path / "moved")
    shutil.rmtree(workspace.root / PLANS_DIR)
    built = run_model(workspace.root, period=later, keep_history=False).info
    assert built["timings"]["plan_cached"] == []
    assert out_differences(tmp_path / "moved", workspace.out_dir, OUTPUT_TABLES) == []
    assert moved["headlines"] == built["headlines"]


def test_changed_settings_or_period_compile_again(workspace):
    _run(workspace)
    other = run_model(workspace.root, period="2025-02:2025-12", keep_history=False).info
    assert other["timings"]["plan_cached"] == []
    text = workspace.settings_path.read_text("utf-8")
    assert "assumed_margin_rate = 0.25" in text
    workspace.settings_path.write_text(
        text.replace("assumed_margin_rate = 0.25", "assumed_margin_rate = 0.3"), "utf-8"
    )
    assert _run(workspace)["timings"]["plan_cached"] == []
    assert _run(workspace)["timings"]["plan_cached"] == ["facts", "clients"]


def test_a_replayed_run_imports_neither_ibis_nor_pandas(workspace):
    """Not even after new sales lines: the month they fall in is summarised again with the SQL
    the store keeps (`clientload.summaries`), and the model's plan is replayed."""
    _run(workspace)
    con = workspace.connect()
    try:
        con.execute(
            "INSERT INTO sales (client_id, date, sku, quantity, revenue, cost, order_id) VALUES "
            "('A', DATE '2025-06-21', 'S1', 2, 600, 80, 'A6c')"
        )
    finally:
        con.close()
    code = textwrap.dedent(
        f"""
        import sys
        from clientload.run import run_model
        info = run_model({str(workspace.root)!r}, period={PERIOD!r}).info
        print(info["timings"]["plan_cached"], info["summaries"]["months_recomputed"],
              "ibis" in sys.modules, "pandas" in sys.modules)
        """
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip().splitlines()[-1] == "['facts', 'clients'] 1 False False"
