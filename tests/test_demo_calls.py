"""Issue 9: on a generated company, calls imported from an Asterisk file raise exactly the
clients' call load that the file holds."""

import pyarrow.parquet as pq
import pytest

from clientload.demo import import_sample_calls
from clientload.generate.into import generate_workspace
from clientload.run import run_model
from clientload.workspace import Workspace


def _call_minutes(out_dir) -> dict[str, float]:
    costs = pq.read_table(out_dir / "client_costs.parquet").to_pylist()
    return {r["client_id"]: r["minutes"] for r in costs if r["activity"] == "call"}


@pytest.fixture(scope="module")
def company(tmp_path_factory):
    root = tmp_path_factory.mktemp("calls") / "ws"
    generate_workspace(root, clients=120, lines=12_000, seed=11)
    return root


def test_imported_calls_raise_exactly_the_call_load_in_the_file(company):
    before = _call_minutes(run_model(company, keep_history=False).out_dir)
    result, expected = import_sample_calls(
        Workspace(company), calls=300, seed=3
    )
    assert result.read == result.matched + result.unmatched + result.skipped_total
    assert expected and result.matched > 0
    after = _call_minutes(run_model(company, keep_history=False).out_dir)
    for client in set(before) | set(after):
        gained = after.get(client, 0.0) - before.get(client, 0.0)
        assert gained == pytest.approx(expected.get(client, 0.0), abs=1e-6), client
    assert sum(expected.values()) == pytest.approx(result.minutes_inserted, abs=1e-6)


def test_import_command_takes_a_source(company, tmp_path):
    from datetime import datetime

    import duckdb
    from typer.testing import CliRunner

    from clientload.cli.app import app
    from clientload.sources.samples import sample_asterisk_calls, write_asterisk_master

    con = duckdb.connect(str(Workspace(company).store_path), read_only=True)
    phones = con.execute("SELECT client_id, phones FROM clients LIMIT 20").fetchall()
    con.close()
    legs, _ = sample_asterisk_calls(phones, calls=20, start=datetime(2025, 11, 3, 9), seed=5)
    master = write_asterisk_master(tmp_path / "Master.csv", legs)
    runner = CliRunner()
    ok = runner.invoke(app, ["import", str(company), str(master), "--source", "asterisk"])
    assert ok.exit_code == 0, ok.output
    assert "import from asterisk into interactions" in ok.output
    both = runner.invoke(
        app, ["import", str(company), str(master), "--source", "asterisk", "--table", "sales"]
    )
    assert both.exit_code != 0
    assert "one of them" in str(both.exception)
