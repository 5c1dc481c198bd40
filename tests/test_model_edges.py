"""Stores with only the required table: orders derived from sales, no products, no interactions."""

from __future__ import annotations

import datetime as dt

import pytest
from test_model_fixtures import by_client, compute

SETTINGS = """
[analysis]
cost_period_months = 12

[departments.desk]
cost = 1200
capacity_minutes = 1200

[activities.order_entry]
driver = "orders"
department = "desk"
minutes = 10
minutes_per_line = 1

[activities.return]
driver = "returns"
department = "desk"
minutes = 5
"""


def _sales():
    d = dt.date(2025, 3, 3)
    return [
        # two lines without an order id on one day: one order
        {"client_id": "a", "date": d, "sku": "x", "quantity": 1.0, "revenue": 100.0},
        {"client_id": "a", "date": d, "sku": "y", "quantity": 2.0, "revenue": 100.0},
        # another day: another order; a return on it is not an order line
        {
            "client_id": "a",
            "date": d + dt.timedelta(days=1),
            "sku": "x",
            "quantity": 1.0,
            "revenue": 50.0,
            "order_id": "7",
        },
        {
            "client_id": "a",
            "date": d + dt.timedelta(days=1),
            "sku": "x",
            "quantity": -1.0,
            "revenue": -50.0,
            "order_id": "7",
        },
        {"client_id": "b", "date": d, "sku": "z", "quantity": 1.0, "revenue": 10.0},
    ]


@pytest.fixture(scope="module")
def result():
    return compute({"sales": _sales()}, SETTINGS, "2025-03:2025-03")


def test_orders_derived_from_sales(result):
    a = by_client(result.tables["client_metrics"])["a"]
    assert (a["orders"], a["order_lines"], a["returns"]) == (2, 3, 1)
    # 2 orders × 10 + 3 lines × 1 + 1 return × 5
    assert a["load_minutes"] == pytest.approx(28)
    # a month of a year's department: cost and capacity scaled by 1/12 → 1 a minute still
    (desk,) = result.tables["capacity"].to_pylist()
    assert desk["capacity_minutes"] == pytest.approx(100)
    assert a["activity_cost"] == pytest.approx(28)


def test_without_products_every_line_has_the_assumed_margin(result):
    a = by_client(result.tables["client_metrics"])["a"]
    assert a["cost_assumed"] is True
    assert a["gross_margin"] == pytest.approx(200 * 0.22)
    categories = {r["category"] for r in result.tables["client_assortment"].to_pylist()}
    assert categories == {"(no category)"}


def test_new_clients_are_new(result):
    segments = {c: r["segment"] for c, r in by_client(result.tables["client_metrics"]).items()}
    assert segments == {"a": "new", "b": "new"}


def test_a_department_over_capacity_is_flagged_not_hidden():
    tight = SETTINGS.replace("capacity_minutes = 1200", "capacity_minutes = 120")
    result = compute({"sales": _sales()}, tight, "2025-03:2025-03")
    (desk,) = result.tables["capacity"].to_pylist()
    # a month of 120 minutes a year is 10 minutes; the clients used 28 + 11
    assert desk["capacity_minutes"] == pytest.approx(10)
    assert desk["used_minutes"] == pytest.approx(39)
    assert desk["unused_minutes"] == pytest.approx(-29)
    assert desk["over_capacity"] is True
    assert desk["used_cost"] + desk["unused_cost"] == pytest.approx(desk["cost"])
    assert result.headlines["over_capacity_departments"] == ["desk"]


def test_orders_the_two_tables_do_not_share_are_counted():
    rows = {
        "sales": _sales(),
        "orders": [
            {"order_id": "7", "client_id": "a", "urgent": True},
            {"order_id": "8", "client_id": "a", "created_at": dt.datetime(2025, 3, 9)},
        ],
    }
    result = compute(rows, SETTINGS, "2025-03:2025-03")
    a = by_client(result.tables["client_metrics"])["a"]
    # the lines without an id (one order), order 7 (urgent), order 8 (no lines)
    assert (a["orders"], a["urgent_orders"]) == (3, 1)
    assert result.headlines["data_checks"] == {
        "orders_not_in_orders_table": 0,
        "orders_without_sales_lines": 1,
        # no cost anywhere: every client's margin is the assumed one
        "clients_with_assumed_cost": 2,
        "revenue_with_assumed_cost": pytest.approx(210.0),
    }


def _no_cost_company():
    """Every line without cost (the assumed 22 % everywhere, so the company's margin is 22 %
    too): a large, profitable, irregular buyer and a small regular one, the same both years."""
    rows = []
    for year in (2024, 2025):
        for month, amount in ((1, 10_000.0), (6, 50_000.0), (12, 40_000.0)):
            rows.append({"client_id": "big", "date": dt.date(year, month, 20), "sku": "x",
                         "quantity": 1.0, "revenue": amount})
        for month in range(1, 13):
            rows.append({"client_id": "small", "date": dt.date(year, month, 5), "sku": "x",
                         "quantity": 1.0, "revenue": 100.0})
    return rows


def test_an_assumed_margin_does_not_make_a_large_profitable_client_price_driven():
    """Seen on Northwind (no cost data): the largest class-A client was `price_driven` because
    its assumed 22 % was not above the company's assumed 22 %."""
    result = compute({"sales": _no_cost_company()}, SETTINGS, "2025-01:2025-12")
    clients = by_client(result.tables["client_metrics"])
    big, small = clients["big"], clients["small"]
    assert big["cost_assumed"] and small["cost_assumed"]
    assert big["contribution"] > 0 and big["cv_monthly_revenue"] > 0.5  # not core: irregular
    assert big["segment"] == "growing"
    assert small["segment"] == "price_driven"
    assert "margin assumed (22%: no cost of goods)" in small["segment_reason"]
    assert "маржа принята (22%: нет себестоимости)" in small["segment_reason_ru"]
