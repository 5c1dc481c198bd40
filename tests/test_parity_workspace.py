"""Reading one client's figures from the model's outputs, and `clientload parity client`."""

import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from clientload.cli.app import app
from clientload.errors import ClientloadError
from clientload.parity import check_combination, give_get_menu, proposal_from_mapping
from clientload.parity.from_workspace import load_client_figures
from clientload.workspace import init_workspace

METRICS = {
    "client_id": [7, 8],
    "name": ["Stroymarket", "Other"],
    "revenue": [1_200_000.0, 500_000.0],
    "cost_of_goods": [900_000.0, 400_000.0],
    "gross_margin": [300_000.0, 100_000.0],
    "margin_rate": [0.25, 0.2],
    "load_minutes": [3000.0, 500.0],
    "activity_cost": [100_000.0, 20_000.0],
    "storage_cost": [4_000.0, 0.0],
    "financing_cost": [16_000.0, 3_000.0],
    "cost_to_serve": [120_000.0, 23_000.0],
    "contribution": [180_000.0, 77_000.0],
    "orders": [120, 20],
    "order_lines": [1200, 100],
    "quantity": [10_000.0, 2_000.0],
    "changes": [60, 0],
    "urgent_orders": [24, 0],
    "deliveries": [110, 20],
    "returns": [2, 0],
    "dso_days": [30.0, None],
    "payment_terms_days": [30, 14],
    "categories_bought": [1, 2],
    "segment": ["core", "growing"],
    "segment_reason": ["", ""],
}
# Order entry at 2 RUB a minute: 6 base minutes, 0.5 a line, 10 extra if urgent (default settings).
ORDER_ENTRY_MINUTES = 120 * 6 + 1200 * 0.5 + 24 * 10
COSTS = [
    (
        "customer_service",
        "order_entry",
        "orders",
        120,
        ORDER_ENTRY_MINUTES,
        2 * ORDER_ENTRY_MINUTES,
    ),
    ("finance", "invoicing", "orders", 120, 360, 360 * 1.5),
    ("warehouse", "picking", "order_lines", 1200, 3000, 3000 * 1.2),
    ("customer_service", "order_change", "order_changes", 60, 480, 960),
    ("warehouse", "urgent_handling", "urgent_orders", 24, 600, 720),
    ("logistics", "delivery", "deliveries", 110, 4950, 99_000),
    ("sales", "call", "interactions", 300, 1800, 8_000),
    ("direct", "storage", "direct", 0, 0, 4_000),
]


def write_outputs(root, with_assortment=True):
    out = root / "out"
    out.mkdir(parents=True)
    pq.write_table(pa.table(METRICS), out / "client_metrics.parquet")
    names = ("department", "activity", "driver", "events", "minutes", "cost")
    columns = {n: [row[i] for row in COSTS] for i, n in enumerate(names)}
    pq.write_table(
        pa.table({"client_id": [7] * len(COSTS), **columns}), out / "client_costs.parquet"
    )
    if with_assortment:
        pq.write_table(
            pa.table(
                {
                    "client_id": [7, 8, 8],
                    "category": ["Pipes", "Pipes", "Tools"],
                    "revenue": [1_200_000.0, 300_000.0, 200_000.0],
                    "gross_margin": [300_000.0, 30_000.0, 70_000.0],
                    "quantity": [10_000.0, 1_000.0, 1_000.0],
                }
            ),
            out / "client_assortment.parquet",
        )
    info = {"period_start": "2025-01-01", "period_end": "2025-12-31", "months": 12.0,
            "cost_of_capital": 0.16}  # fmt: skip
    (out / "run_info.json").write_text(json.dumps(info))
    return root


def test_unit_costs_are_the_clients_own_time_driven_costs(tmp_path):
    figures = load_client_figures(write_outputs(tmp_path), "7")
    assert figures.client_id == "7" and figures.name == "Stroymarket"
    assert figures.months == 12 and figures.cost_of_capital == 0.16
    # Base minutes only: 6 of order entry at 2.0 and 3 of invoicing at 1.5 a minute.
    assert figures.cost_per_order == pytest.approx(6 * 2 + 3 * 1.5)
    assert figures.cost_per_line == pytest.approx(3.0 + 0.5 * 2)
    assert figures.cost_per_urgent_order == pytest.approx(30 + 10 * 2)
    assert figures.cost_per_change == pytest.approx(16)
    assert figures.cost_per_delivery == pytest.approx(900)
    assert figures.interaction_cost == pytest.approx(8_000)
    assert [(c.category, c.margin_rate) for c in figures.missing_categories] == [("Tools", 0.35)]


def test_order_costs_add_back_to_the_order_activities(tmp_path):
    f = load_client_figures(write_outputs(tmp_path), "7")
    order_rows = 2 * ORDER_ENTRY_MINUTES + 360 * 1.5
    rebuilt = f.orders * f.cost_per_order + 1200 * 0.5 * 2 + f.urgent_orders * 10 * 2
    assert rebuilt == pytest.approx(order_rows)


def test_menu_from_the_workspace_restores_the_contribution(tmp_path):
    figures = load_client_figures(write_outputs(tmp_path), "7")
    for option in give_get_menu(figures, 0.02):
        if option.feasible:
            check = check_combination(
                figures, 0.02, proposal_from_mapping({option.key: option.required})
            )
            assert abs(check.surplus) < 0.01


def test_missing_dso_falls_back_to_payment_terms_and_no_assortment_means_no_mix(tmp_path):
    figures = load_client_figures(write_outputs(tmp_path, with_assortment=False), "8")
    assert figures.dso_days == 14
    assert figures.missing_categories == ()


def test_without_a_run_the_user_is_told_to_run_first(tmp_path):
    with pytest.raises(ClientloadError, match="run `clientload run"):
        load_client_figures(init_workspace(tmp_path / "ws").root, "7")
    with pytest.raises(ClientloadError, match="not a clientload workspace"):
        load_client_figures(tmp_path, "7")
    with pytest.raises(ClientloadError, match="is not a folder"):
        load_client_figures(tmp_path / "none", "7")


def test_unknown_client_is_named(tmp_path):
    with pytest.raises(ClientloadError, match="'99'"):
        load_client_figures(write_outputs(tmp_path), "99")


def test_parity_client_command_json_and_table(tmp_path):
    root = write_outputs(tmp_path)
    runner = CliRunner()
    result = runner.invoke(
        app,
        ["parity", "client", str(root), "7", "--discount", "2%", "--json", "--with", "volume=10%"],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert {"kind", "required", "explanation"} <= set(data["options"][0])
    assert data["check"]["parity_reached"] is True
    assert data["feasible"] is True and "reason" not in data
    beyond = runner.invoke(
        app, ["parity", "client", str(root), "7", "--discount", "95%", "--json", "--lang", "ru"]
    )
    assert beyond.exit_code == 0, beyond.output
    data = json.loads(beyond.output)
    assert not any(option["feasible"] for option in data["options"])
    assert data["feasible"] is False and "при скидке 95,0" in data["reason"]
    table = runner.invoke(
        app, ["parity", "client", str(root), "7", "--discount", "2%", "--lang", "ru"]
    )
    assert table.exit_code == 0 and "volume=" in table.output
