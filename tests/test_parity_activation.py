"""Sales activation: freed capacity turned into revenue, and the discount the freed time funds."""

import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from clientload.cli.app import app
from clientload.parity.activation import DepartmentActivation, activation_funding
from clientload.workspace import init_workspace

SALES = DepartmentActivation("sales", 12, freed_hours=300.0, freed_cost=30_000.0,
                             revenue_per_sales_hour=20_000.0, sales_department=True,
                             potential_revenue=300 * 20_000.0)  # fmt: skip
# Service hours are worth orders at the margin per order, never the sales team's revenue per hour;
# its spare time can carry 9 million of revenue at today's load.
SERVICE = DepartmentActivation("customer_service", 12, freed_hours=100.0, freed_cost=10_000.0,
                               revenue_per_sales_hour=None, order_capacity=400.0,
                               potential_margin=400 * 500.0,
                               revenue_capacity=9_000_000.0)  # fmt: skip


def test_freed_sales_hours_sell_at_todays_revenue_per_hour_and_all_fund_cost_over_revenue():
    result = activation_funding(
        [SALES, SERVICE], price_driven_revenue=1_000_000.0, gross_margin_rate=0.25
    )
    assert result.feasible is True and result.reason is None
    assert result.freed_hours == 400 and result.freed_cost == 40_000
    # only the sales hours sell: 300 × 20,000, not 400 × 20,000
    assert result.potential_revenue == pytest.approx(300 * 20_000)
    assert result.bound_department is None  # the service's spare time carries 9 M > 6 M
    assert result.potential_gross_margin == pytest.approx(0.25 * 6_000_000)
    # d = freed cost ÷ the price-driven clients' revenue: 40,000 / 1,000,000
    assert result.fundable_discount == pytest.approx(0.04)
    assert "4.00%" in result.explanation.en and "4,00" in result.explanation.ru


def test_more_sales_are_bounded_by_what_the_other_departments_can_serve():
    tight = DepartmentActivation("warehouse", 0, 0.0, 0.0, None, revenue_capacity=2_500_000.0)
    result = activation_funding([SALES, SERVICE, tight], price_driven_revenue=1_000_000.0)
    assert result.unbounded_revenue == pytest.approx(6_000_000)
    assert result.potential_revenue == pytest.approx(2_500_000)
    assert result.bound_department == "warehouse"
    assert "warehouse" in result.explanation.en and "warehouse" in result.explanation.ru


def test_the_funded_discount_gives_back_exactly_the_cost_of_the_freed_time():
    result = activation_funding([SALES], price_driven_revenue=750_000.0)
    assert result.fundable_discount * 750_000.0 == pytest.approx(SALES.freed_cost)
    assert result.potential_gross_margin is None


def test_no_freed_time_is_feasible_false_with_a_reason():
    idle = DepartmentActivation("sales", 0, 0.0, 0.0, 20_000.0, sales_department=True)
    result = activation_funding([idle], price_driven_revenue=1_000_000.0)
    assert result.feasible is False and "frees no time" in result.reason
    assert result.fundable_discount is None


def test_price_driven_clients_without_revenue_fund_no_discount_but_the_hours_still_sell():
    result = activation_funding([SALES], price_driven_revenue=0.0)
    assert result.feasible is False and result.fundable_discount is None
    assert result.potential_revenue == pytest.approx(6_000_000)


def write_outputs(root):
    out = root / "out"
    out.mkdir()
    pq.write_table(
        pa.table({
            "department": ["customer_service", "sales"],
            "price_driven_clients": [2, 2],
            "price_driven_minutes": [6000.0 / 0.7, 18000.0 / 0.7],
            "self_service_load_reduction": [0.7, 0.7],
            "freed_minutes": [6000.0, 18000.0],
            "freed_hours": [100.0, 300.0],
            "freed_cost": [10_000.0, 30_000.0],
            "revenue_per_sales_hour": [None, 20_000.0],
            "sales_department": [False, True],
            "potential_revenue": [None, 6_000_000.0],
            "order_capacity": [400.0, None],
            "potential_margin": [200_000.0, 1_500_000.0],
            "revenue_capacity": [9_000_000.0, 12_000_000.0],
        }),
        out / "activation.parquet",
    )  # fmt: skip
    pq.write_table(
        pa.table({
            "client_id": ["a", "b", "c"],
            "revenue": [600_000.0, 400_000.0, 3_000_000.0],
            "gross_margin": [120_000.0, 80_000.0, 800_000.0],
            "segment": ["price_driven", "price_driven", "core"],
        }),
        out / "client_metrics.parquet",
    )  # fmt: skip


def test_the_command_reads_the_models_outputs_and_prints_json(tmp_path):
    ws = init_workspace(tmp_path / "ws")
    write_outputs(ws.root)
    result = CliRunner().invoke(app, ["parity", "activation", str(ws.root), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["fundable_discount"] == pytest.approx(40_000 / 1_000_000)
    assert data["potential_revenue"] == pytest.approx(6_000_000)
    assert data["potential_gross_margin"] == pytest.approx(6_000_000 * 0.25)  # company 1.0M/4.0M
    assert [d["department"] for d in data["departments"]] == ["customer_service", "sales"]


def test_the_table_in_russian(tmp_path):
    ws = init_workspace(tmp_path / "ws")
    write_outputs(ws.root)
    result = CliRunner().invoke(app, ["parity", "activation", str(ws.root), "--lang", "ru"])
    assert result.exit_code == 0, result.output
    assert "Активация продаж" in result.output and "Итого" in result.output


def test_before_the_model_has_run_the_command_says_so(tmp_path, monkeypatch, capsys):
    import sys

    from clientload.cli.app import main

    ws = init_workspace(tmp_path / "ws")
    monkeypatch.setattr(sys, "argv", ["clientload", "parity", "activation", str(ws.root)])
    with pytest.raises(SystemExit) as exit_:
        main()
    assert exit_.value.code == 2
    assert "clientload run" in capsys.readouterr().err


@pytest.mark.slow
def test_end_to_end_on_a_generated_company(tmp_path):
    from clientload.generate.into import generate_workspace
    from clientload.run import run_model

    root = tmp_path / "ws"
    generate_workspace(root, clients=80, lines=10_000)
    run_model(root)
    activation = CliRunner().invoke(app, ["parity", "activation", str(root), "--json"])
    assert activation.exit_code == 0, activation.output
    data = json.loads(activation.output)
    assert data["freed_hours"] > 0 and data["potential_revenue"] > 0
    assert data["fundable_discount"] == pytest.approx(
        data["freed_cost"] / data["price_driven_revenue"]
    )
    plans = CliRunner().invoke(
        app, ["parity", "plan", str(root), "--by-manager", "--cost-to-serve", "--json"]
    )
    assert plans.exit_code == 0, plans.output
    rows = json.loads(plans.output)["rows"]
    assert rows and all(r["feasible"] or r["reason"] for r in rows)
    # the generated plans are set above what was achieved: every manager is below plan
    assert all(0 < r["attainment"] < 1 for r in rows if r["plan_unit"])
