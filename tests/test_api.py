"""The notebook API: open a workspace, run the model, read every table as Arrow/pandas/Polars."""

from __future__ import annotations

import subprocess
import sys

import pytest
from test_model_fixtures import make_workspace
from test_model_small import SETTINGS, small_company

import clientload
from clientload.errors import ClientloadError


@pytest.fixture(scope="module")
def acme(tmp_path_factory):
    ws = make_workspace(tmp_path_factory.mktemp("acme"), small_company(), SETTINGS)
    analysis = clientload.open(ws.root)
    analysis.run(period="2025-01:2025-12")
    return analysis


def test_run_then_read_tables_in_three_forms(acme):
    metrics = acme.table("client_metrics")
    assert len(metrics) == 3 and "contribution" in metrics.columns
    frame = metrics.to_pandas()
    assert frame.set_index("client_id").loc["A", "contribution"] == pytest.approx(5_450)
    assert metrics.to_arrow().num_rows == 3
    assert metrics.to_polars().height == 3
    assert "capacity" in acme.tables()
    assert acme.run_info["period_end"] == "2025-12-31"


def test_inputs_and_history(acme):
    assert len(acme.input("sales")) == 24 * 2 + 1
    assert len(acme.history().runs) >= 1


def test_unknown_tables_say_what_there_is(acme):
    with pytest.raises(ClientloadError, match=r"the tables are: .*client_metrics"):
        acme.table("clients_metrics")
    with pytest.raises(ClientloadError, match="no input table"):
        acme.input("invoices")


def test_importing_the_package_stays_light():
    code = "import sys, clientload; print('ibis' in sys.modules, 'duckdb' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]
