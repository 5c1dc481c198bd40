"""Task 2 per manager: the plans table and actual sales → each manager's largest discount."""

import json
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from clientload.cli.app import app, main
from clientload.errors import ClientloadError
from clientload.parity.managers import ManagerFigures, manager_plan_discount
from clientload.parity.store import load_manager_figures, parse_period
from clientload.workspace import init_workspace


def figures(**changes):
    """A manager at 80% of a 1,000,000 revenue plan and 80% of a 100-unit plan, margin 30%."""
    base = dict(
        manager="Ivanov", revenue_plan=1_000_000.0, quantity_plan=100.0, margin_plan=300_000.0,
        revenue=800_000.0, quantity=80.0, gross_margin=240_000.0,
    )  # fmt: skip
    return ManagerFigures(**{**base, **changes})


def test_published_figures_a_08_m_30_give_6_0_and_7_9_percent():
    by_quantity = manager_plan_discount(figures(), plan_unit="quantity")
    by_revenue = manager_plan_discount(figures())  # a revenue plan is used where there is one
    assert by_quantity.attainment == pytest.approx(0.8) and by_quantity.margin == pytest.approx(0.3)
    assert by_quantity.max_discount == pytest.approx(0.06)
    assert by_revenue.plan_unit == "revenue"
    assert round(by_revenue.max_discount, 3) == 0.079
    # the revenue plan reached at the discounted price takes 1/(a(1 − d)) of today's volume
    assert by_revenue.volume_change == pytest.approx(1 / (0.8 * (1 - 0.06 / 0.76)) - 1)


def test_at_the_largest_discount_the_manager_keeps_todays_gross_profit():
    f = figures()
    d = manager_plan_discount(f).max_discount
    volume = 1 / (0.8 * (1 - d))  # revenue plan reached at the discounted price
    assert volume * f.revenue * (0.3 - d) == pytest.approx(f.gross_margin)


@pytest.mark.parametrize("sold", [1_000_000.0, 1_150_000.0])
def test_a_manager_at_or_above_plan_needs_no_discount(sold):
    result = manager_plan_discount(figures(revenue=sold, gross_margin=0.3 * sold))
    assert result.feasible is False and result.max_discount is None
    assert "no discount is needed" in result.reason
    assert "скидка не нужна" in result.explanation.ru


def test_against_the_planned_profit_no_discount_can_work():
    result = manager_plan_discount(figures(), benchmark="plan")
    assert result.feasible is False and "planned gross profit" in result.reason


def test_a_manager_without_a_plan_or_without_sales_has_a_reason():
    no_plan = manager_plan_discount(figures(revenue_plan=None, quantity_plan=None))
    no_sales = manager_plan_discount(figures(revenue=0.0, quantity=0.0, gross_margin=0.0))
    assert no_plan.feasible is False and "no revenue or quantity plan" in no_plan.reason
    assert no_sales.feasible is False and "sold nothing" in no_sales.reason


def test_extra_orders_at_the_clients_cost_to_serve_lower_the_discount():
    # cost to serve 5% of revenue: the extra volume earns 25%, (1 − 0.8)·0.25 = 5.0%
    f = figures(client_revenue=2_000_000.0, client_cost_to_serve=100_000.0, client_orders=400)
    result = manager_plan_discount(f, plan_unit="quantity", with_cost_to_serve=True)
    assert result.max_discount == pytest.approx(0.05)
    assert result.extra_cost_to_serve == pytest.approx(0.05 * 800_000 * 0.25)
    assert result.extra_orders == pytest.approx(800_000 * 0.25 / 5_000)  # 5,000 per order
    by_revenue = manager_plan_discount(f, with_cost_to_serve=True)
    assert by_revenue.max_discount == pytest.approx(0.05 / (1 - 0.8 * 0.25))  # 6.25%


def test_the_contribution_margin_replaces_the_gross_one_when_asked():
    f = figures(client_revenue=2_000_000.0, client_contribution=400_000.0)
    result = manager_plan_discount(f, plan_unit="quantity", margin_source="contribution")
    assert result.margin == pytest.approx(0.2) and result.max_discount == pytest.approx(0.04)


SALES = [
    # client, date, sku, quantity, revenue, cost, manager
    ("c1", "2025-01-10", "s1", 40, 400_000.0, 280_000.0, "Ivanov"),
    ("c1", "2025-02-10", "s1", 20, 200_000.0, None, None),  # no manager: the client's; unit cost
    ("c2", "2025-03-05", "s2", 20, 200_000.0, 140_000.0, "Ivanov"),
    ("c3", "2025-02-01", "s2", 60, 1_200_000.0, 840_000.0, "Petrov"),
    ("c3", "2025-06-01", "s2", 99, 9_999_999.0, 0.0, "Petrov"),  # outside the plans' months
]
PLANS = [
    ("Ivanov", "2025-01", 300_000.0, 30.0),
    ("Ivanov", "2025-02", 300_000.0, 30.0),
    ("Ivanov", "2025-03", 400_000.0, 40.0),
    ("Petrov", "2025-02", 1_000_000.0, 50.0),
    ("Sidorov", "2025-03", 500_000.0, 10.0),
]


@pytest.fixture
def workspace(tmp_path):
    ws = init_workspace(tmp_path / "ws")
    with ws.connect() as con:
        con.executemany(
            "INSERT INTO clients (client_id, name, manager) VALUES (?, ?, ?)",
            [("c1", "One", "Ivanov"), ("c2", "Two", "Ivanov"), ("c3", "Three", "Petrov")],
        )
        con.execute("INSERT INTO products (sku, unit_cost) VALUES ('s1', 7000), ('s2', 14000)")
        con.executemany(
            "INSERT INTO sales (client_id, date, sku, quantity, revenue, cost, manager) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            SALES,
        )
        con.executemany(
            "INSERT INTO plans (manager, period, revenue_plan, quantity_plan) VALUES (?, ?, ?, ?)",
            PLANS,
        )
    return ws.root


def test_the_store_gives_each_managers_plan_and_sales_over_the_common_months(workspace):
    (start, end), rows = load_manager_figures(workspace)
    assert (start, end) == ("2025-01", "2025-03")
    by = {f.manager: f for f in rows}
    assert set(by) == {"Ivanov", "Petrov", "Sidorov"}
    ivanov = by["Ivanov"]
    assert ivanov.revenue_plan == 1_000_000 and ivanov.revenue == 800_000
    assert ivanov.gross_margin == pytest.approx(240_000)  # the line without cost: 20 × 7000
    assert by["Petrov"].revenue == 1_200_000  # June is outside the period
    assert by["Sidorov"].revenue == 0


def test_a_period_narrows_plan_and_sales_alike(workspace):
    _, rows = load_manager_figures(workspace, parse_period("2025-02:2025-02"))
    ivanov = {f.manager: f for f in rows}["Ivanov"]
    assert ivanov.revenue_plan == 300_000 and ivanov.revenue == 200_000


@pytest.mark.parametrize("text", ["2025-13:2025-14", "2025-03:2025-01", "jan"])
def test_a_bad_period_names_the_argument(text):
    with pytest.raises(ClientloadError, match="--period"):
        parse_period(text)


def test_by_manager_json_has_one_row_per_manager(workspace):
    result = CliRunner().invoke(app, ["parity", "plan", str(workspace), "--by-manager", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["period"] == "2025-01:2025-03"
    rows = {r["manager"]: r for r in data["rows"]}
    assert rows["Ivanov"]["feasible"] is True
    assert rows["Ivanov"]["max_discount"] == pytest.approx(0.06 / 0.76)
    petrov = rows["Petrov"]
    assert petrov["feasible"] is False and "no discount is needed" in petrov["reason"]
    assert rows["Sidorov"]["feasible"] is False and rows["Sidorov"]["reason"]


def test_by_manager_table_in_russian_and_quantity_plans(workspace):
    args = ["parity", "plan", str(workspace), "--by-manager", "--plan-unit", "quantity"]
    result = CliRunner().invoke(app, [*args, "--lang", "ru"])
    assert result.exit_code == 0, result.output
    assert "Менеджер" in result.output and "не нужна" in result.output
    assert "6,00" in result.output  # Ivanov: 80 of 100 units at 30% → (1 − 0.8)·0.3


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["--by-manager"], "DIR"),
        (["--by-manager", "--period", "2025-1"], "--period"),
        (["--by-manager", "--plan-unit", "boxes"], "--plan-unit"),
        (["--by-manager", "--benchmark", "yesterday"], "--benchmark"),
        (["--margin", "30%", "--attainment", "80%"], "--plan-unit"),
    ],
)
def test_bad_input_is_exit_2_naming_the_argument(monkeypatch, capsys, workspace, args, named):
    directory = [] if args[0] == "--margin" or named == "DIR" else [str(workspace)]
    monkeypatch.setattr(sys, "argv", ["clientload", "parity", "plan", *directory, *args])
    with pytest.raises(SystemExit) as exit_:
        main()
    err = capsys.readouterr().err
    assert exit_.value.code == 2
    assert named in err and len(err.strip().splitlines()) == 1


def test_the_plan_calculator_still_imports_no_data_library():
    code = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "from clientload.cli.app import app\n"
        "r = CliRunner().invoke(app, ['parity', 'plan', '--margin', '30%', '--attainment', "
        "'80%', '--plan-unit', 'revenue'])\n"
        "assert r.exit_code == 0, r.output\n"
        "print([m for m in ('duckdb', 'ibis', 'pandas', 'numpy', 'pyarrow', 'polars') if m in "
        "sys.modules])\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
