"""Departments sized to a generated company, the settings text that carries them, and the CLI."""

from __future__ import annotations

import subprocess
import sys

import duckdb
import pytest
from typer.testing import CliRunner

from clientload.cli.app import app
from clientload.generate import generate_company, suggested_departments, used_minutes
from clientload.generate.sizing import sized_settings_text, target_utilisation
from clientload.settings import default_settings, default_toml_text, parse_settings


@pytest.fixture(scope="module")
def company(tmp_path_factory):
    return generate_company(tmp_path_factory.mktemp("sized"), 200, 20_000, seed=5)


def test_suggested_departments_fill_to_the_target_at_the_default_cost_per_minute(company):
    settings = default_settings()
    used = used_minutes(company, settings)
    sized = suggested_departments(company, settings)
    assert set(sized) == set(settings.departments)
    for name, (cost, capacity) in sized.items():
        assert used[name] > 0
        assert used[name] / capacity == pytest.approx(target_utilisation(name), abs=0.03)
        assert 0.7 <= target_utilisation(name) <= 0.9
        per_minute = settings.departments[name].cost_per_minute
        assert cost / capacity == pytest.approx(per_minute, rel=0.02)


def test_the_used_minutes_count_each_driver_with_its_standard_time(company):
    settings = parse_settings(
        """
[departments.desk]
cost = 100
capacity_minutes = 100

[activities.order_entry]
driver = "orders"
department = "desk"
minutes = 6
minutes_per_line = 0.5
urgent_extra_minutes = 10

[activities.inquiry]
driver = "interactions"
type = "inquiry"
department = "desk"
minutes = 15
"""
    )
    con = duckdb.connect()
    start = f"DATE '{company.end}' - INTERVAL 364 DAY"
    expected = con.execute(
        f"""WITH o AS (SELECT * FROM '{company.files["orders"]}' WHERE created_at >= {start}),
                 l AS (SELECT order_id, count(*) AS n FROM '{company.files["sales"]}'
                       WHERE quantity > 0 GROUP BY 1),
                 i AS (SELECT * FROM '{company.files["interactions"]}'
                       WHERE type = 'inquiry' AND date >= {start})
            SELECT (SELECT sum(6 + 0.5 * n + 10 * urgent::INT) FROM o JOIN l USING (order_id))
                 + (SELECT sum(coalesce(minutes, 15 * count)) FROM i)"""
    ).fetchone()[0]
    assert used_minutes(company, settings)["desk"] == pytest.approx(expected)


@pytest.mark.slow
def test_at_the_default_size_the_default_departments_are_well_but_not_over_used(tmp_path):
    company = generate_company(tmp_path, 1000, 1_000_000, seed=42)
    settings = default_settings()
    used = used_minutes(company, settings)
    for name, department in settings.departments.items():
        assert 0.6 <= used[name] / department.capacity_minutes <= 0.95, name


def test_only_department_values_change_in_the_settings_text():
    template = default_toml_text()
    sized = {"sales": (1_234_000.0, 50_000.0), "finance": (99_000.0, 4_000.0)}
    text = sized_settings_text(template, sized)
    settings = parse_settings(text)
    assert settings.departments["sales"].cost == 1_234_000
    assert settings.departments["sales"].capacity_minutes == 50_000
    assert settings.departments["finance"].capacity_minutes == 4_000
    assert settings.departments["warehouse"] == default_settings().departments["warehouse"]
    changed = [
        (old, new)
        for old, new in zip(template.splitlines(), text.splitlines(), strict=True)
        if old != new
    ]
    assert len(changed) == 4
    assert all(old.split("=")[0] == new.split("=")[0] for old, new in changed)


def test_generate_command_creates_sizes_and_imports(tmp_path):
    workspace = tmp_path / "ws"
    result = CliRunner().invoke(
        app, ["generate", str(workspace), "--clients", "100", "--lines", "5000", "--seed", "9"]
    )
    assert result.exit_code == 0, result.output
    assert (workspace / "data" / "generated" / "personas.parquet").exists()
    settings = parse_settings((workspace / "clientload.toml").read_text("utf-8"))
    assert settings.departments["sales"] != default_settings().departments["sales"]
    with duckdb.connect(str(workspace / "clientload.duckdb"), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM sales").fetchone() == (5000,)
        assert con.execute("SELECT count(*) FROM clients").fetchone() == (100,)
    assert "sales" in result.output and "5,000" in result.output
    again = CliRunner().invoke(app, ["generate", str(workspace), "--clients", "100"])
    assert again.exit_code != 0
    assert "already holds 5,000 sales lines" in str(again.exception)


def test_generate_command_refuses_a_company_too_small_in_one_line(tmp_path):
    run = subprocess.run(
        [sys.executable, "-c", "from clientload.cli.app import main; main()",
         "generate", str(tmp_path / "ws"), "--clients", "10"],
        capture_output=True, text=True, check=False,
    )
    assert run.returncode == 2
    assert run.stderr.strip() == (
        "error: --clients 10: at least 60 clients are needed for every persona"
    )
    assert not (tmp_path / "ws").exists()
