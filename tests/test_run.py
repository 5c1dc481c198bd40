"""`clientload run` and `clientload history`: files in out/, run_info.json, the history kept in
the store, and one-line errors for what a user can fix."""

from __future__ import annotations

import json

import pyarrow.parquet as pq
import pytest
from test_model_fixtures import make_workspace
from test_model_small import SETTINGS, small_company
from typer.testing import CliRunner

from clientload.cli.app import app
from clientload.errors import ClientloadError
from clientload.model.pipeline import OUTPUT_TABLES
from clientload.run import read_history, run_model

PARITY_COLUMNS = {
    "client_metrics": (
        "client_id name manager region revenue cost_of_goods gross_margin margin_rate "
        "cost_assumed load_minutes activity_cost storage_cost financing_cost cost_to_serve "
        "contribution contribution_rate orders order_lines quantity changes urgent_orders "
        "deliveries returns calls orders_per_month average_order_value lines_per_order "
        "changes_per_order urgent_share calls_per_order load_minutes_per_1000_revenue "
        "margin_per_load_hour storage_days dso_days payment_terms_days categories_bought "
        "breadth cv_monthly_revenue xyz_class abc_revenue abc_contribution tenure_months "
        "first_date last_date previous_revenue growth segment segment_reason"
    ),
    "client_costs": "client_id department activity driver events minutes cost",
    "capacity": (
        "department cost capacity_minutes cost_per_minute used_minutes used_cost "
        "unused_minutes unused_cost utilisation over_capacity"
    ),
    "client_assortment": "client_id category revenue gross_margin quantity",
    "policy_deviations": "client_id segment rule actual allowed excess_events cost",
}


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    return make_workspace(tmp_path_factory.mktemp("ws"), small_company(), SETTINGS)


@pytest.fixture(scope="module")
def first_run(workspace):
    return run_model(workspace.root, period="2025-01:2025-12")


def test_every_table_is_written_as_csv_and_parquet(first_run):
    out = first_run.out_dir
    for name in OUTPUT_TABLES:
        assert (out / f"{name}.csv").stat().st_size > 0
        assert pq.read_table(out / f"{name}.parquet").num_rows == first_run.info["rows"][name]


def test_output_columns_the_other_parts_read(first_run):
    for name, columns in PARITY_COLUMNS.items():
        have = set(pq.read_schema(first_run.out_dir / f"{name}.parquet").names)
        assert set(columns.split()) <= have, name


def test_run_info(first_run):
    info = json.loads((first_run.out_dir / "run_info.json").read_text("utf-8"))
    assert (info["period_start"], info["period_end"]) == ("2025-01-01", "2025-12-31")
    assert (info["previous_period_start"], info["previous_period_end"]) == (
        "2024-01-01",
        "2024-12-31",
    )
    assert info["months"] == 12 and info["engine"] == "duckdb"
    assert info["cost_of_capital"] == 0.365 and info["currency"] == "RUB"
    assert len(info["settings_sha256"]) == 64
    assert info["rows"]["client_metrics"] == 3
    assert info["headlines"]["whale"]["loss_making_clients"] == 1
    assert set(info["timings"]) >= {"facts", "costs", "clients", "policy", "outputs", "total"}


def test_history_keeps_each_run_and_shows_migrations(workspace, first_run):
    # A later look at the first half only: A's steady buying still makes it core; C is active.
    run_model(workspace.root, period="2025-01:2025-06")
    h = read_history(workspace.root)
    assert [r["run_id"] for r in h.runs] == [first_run.info["run_id"], first_run.info["run_id"] + 1]
    groups = {(g["run_id"], g["segment"]): g["clients"] for g in h.groups}
    assert groups[(first_run.info["run_id"], "core")] == 1
    moved = {(m["from_segment"], m["to_segment"]) for m in h.migrations}
    assert ("lapsed", "lapsed") not in moved
    assert all(m["clients"] > 0 for m in h.migrations)


def test_cli_run_prints_a_summary_and_history(workspace):
    runner = CliRunner()
    res = runner.invoke(app, ["run", str(workspace.root), "--period", "2025-01:2025-12"])
    assert res.exit_code == 0, res.output
    assert "contribution" in res.output and "core" in res.output
    res = runner.invoke(app, ["history", str(workspace.root)])
    assert res.exit_code == 0 and "core" in res.output and "migrations" in res.output


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"period": "2025-13:2025-12"}, "expected YYYY-MM-DD or YYYY-MM"),
        ({"period": "2025-06"}, "expected START:END"),
        ({"period": "2025-06:2025-01"}, "before the start"),
        ({"period": "2019-01:2019-12"}, "no clients with sales or activity"),
        ({"engine": "pandas"}, "expected one of duckdb, spark"),
    ],
)
def test_errors_a_user_can_fix(workspace, kwargs, message):
    with pytest.raises(ClientloadError, match=message):
        run_model(workspace.root, keep_history=False, **kwargs)


def test_an_empty_store_says_what_to_import(tmp_path):
    ws = make_workspace(tmp_path / "empty", {})
    with pytest.raises(ClientloadError, match="no sales in the store"):
        run_model(ws.root)
