"""A run's warnings: the cases where the figures are arithmetic on a wrong premise (departments
sized for another company, a previous period the data barely cover, assumed margins), in both
languages, in run_info.json, the command's output and the report."""

from __future__ import annotations

import json
from datetime import date

from test_model_fixtures import make_workspace
from test_model_small import SETTINGS, small_company
from typer.testing import CliRunner

from clientload.cli.app import app
from clientload.model.period import parse_period
from clientload.model.warnings import (
    assumed_cost_warning,
    capacity_warning,
    coverage_warning,
    run_warnings,
)
from clientload.report import write_report

YEAR = parse_period("2025-01:2025-12")


def test_capacity_used_below_the_setting_is_a_warning_and_above_it_is_not() -> None:
    rows = [{"capacity_minutes": 600_000, "used_minutes": 1_000},
            {"capacity_minutes": 400_000, "used_minutes": 2_000}]
    warning = capacity_warning(rows, 0.05)
    assert warning is not None and warning["code"] == "low_capacity_use"
    assert "0.3%" in warning["en"] and "3,000 of 1,000,000 minutes" in warning["en"]
    assert "0,3\u00a0%" in warning["ru"]
    assert "3\u00a0000 из 1\u00a0000\u00a0000 минут" in warning["ru"]
    assert capacity_warning(rows, 0.002) is None
    assert capacity_warning([], 0.05) is None


def test_a_previous_period_partly_or_not_covered_by_the_data() -> None:
    assert coverage_warning(YEAR, date(2024, 1, 1)) is None  # the previous year is all there
    assert coverage_warning(YEAR, None) is None
    partly = coverage_warning(YEAR, date(2024, 12, 1))
    assert partly is not None and partly["code"] == "previous_period_partly_covered"
    assert "8.5%" in partly["en"] and "1.0 of 12.0 months" in partly["en"]
    assert "1,0 из 12,0 мес." in partly["ru"]
    missing = coverage_warning(YEAR, date(2025, 2, 1))
    assert missing is not None and missing["code"] == "no_previous_period"


def test_assumed_cost_names_clients_and_revenue_share() -> None:
    checks = {"clients_with_assumed_cost": 3, "revenue_with_assumed_cost": 250.0}
    warning = assumed_cost_warning(checks, clients=10, revenue=1000.0, assumed_margin_rate=0.22)
    assert warning is not None
    assert warning["en"].startswith("3 of 10 clients (25% of revenue)")
    assert "assumed 22%" in warning["en"] and "принятые 22\u00a0%" in warning["ru"]
    assert assumed_cost_warning({}, clients=10, revenue=1000.0, assumed_margin_rate=0.22) is None


def test_run_warnings_in_order_and_none_when_all_is_well() -> None:
    headlines = {"clients": 10, "revenue": 1000.0,
                 "data_checks": {"clients_with_assumed_cost": 1, "revenue_with_assumed_cost": 1}}
    found = run_warnings(
        period=YEAR, first_sales=date(2024, 6, 1), headlines=headlines,
        capacity=[{"capacity_minutes": 100, "used_minutes": 1}],
        assumed_margin_rate=0.2, low_capacity_use=0.05,
    )
    assert [w["code"] for w in found] == [
        "low_capacity_use", "previous_period_partly_covered", "assumed_cost"
    ]
    assert run_warnings(
        period=YEAR, first_sales=date(2023, 1, 1), headlines={"clients": 1, "revenue": 1.0},
        capacity=[{"capacity_minutes": 100, "used_minutes": 50}],
        assumed_margin_rate=0.2, low_capacity_use=0.05,
    ) == []


def test_a_run_writes_its_warnings_prints_them_and_the_report_shows_them(tmp_path) -> None:
    ws = make_workspace(tmp_path / "ws", small_company(), SETTINGS)
    done = CliRunner().invoke(app, ["run", str(ws.root), "--period", "2025-01:2025-12"])
    assert done.exit_code == 0, done.output
    info = json.loads((ws.out_dir / "run_info.json").read_text("utf-8"))
    # a handful of clients against the default departments, sales from 2025 only, lines
    # without cost
    codes = [w["code"] for w in info["warnings"]]
    assert codes[:3] == ["low_capacity_use", "no_previous_period", "assumed_cost"]
    # against the default departments every client loses money: no one can be growing, and
    # without a previous period no one grows
    groups = {(w["code"], w.get("group") or w.get("rule")) for w in info["warnings"][3:]}
    assert groups == {("empty_group", "growing"), ("rule_unmet", "growing_min_growth")}
    assert all({"code", "en", "ru"} <= set(w) for w in info["warnings"])
    assert "warning:" in done.output
    html = write_report(ws, tmp_path / "r.html", "ru").read_text("utf-8")
    assert "Проверьте, прежде чем доверять цифрам" in html
    assert info["warnings"][0]["ru"].split(":")[0] in html


def test_the_dashboard_shows_the_warnings_in_the_chosen_language(tmp_path) -> None:
    from fastapi.testclient import TestClient
    from test_web_support import PASSWORD, sign_in

    from clientload.run import run_model
    from clientload.web import create_app
    from clientload.web.auth import add_user

    ws = make_workspace(tmp_path / "ws", small_company(), SETTINGS)
    warnings = run_model(ws.root, period="2025-01:2025-12").info["warnings"]
    add_user(ws, "analyst", PASSWORD, "analyst")
    client = TestClient(create_app(ws.root, secret_key="test-secret"))
    assert sign_in(client, "analyst").status_code == 303
    client.get("/lang/ru?next=/dashboard")
    page = client.get("/dashboard").text
    assert "Проверьте, прежде чем доверять цифрам" in page
    assert warnings[0]["ru"].split(":")[0] in page
    client.get("/lang/en?next=/dashboard")
    assert warnings[0]["en"].split(":")[0] in client.get("/dashboard").text
