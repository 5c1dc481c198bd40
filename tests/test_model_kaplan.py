"""Kaplan & Anderson's published example (HBR 2004), built through settings and a tiny store.

One department costs $560,000 with 700,000 practical minutes: $0.80 a minute. 49,000 orders ×
8 min, 1,400 inquiries × 44 min and 2,500 credit checks × 50 min use 578,600 minutes ($462,880)
and leave 121,400 minutes ($97,120) unused.
"""

from __future__ import annotations

import datetime as dt

import pytest
from test_model_fixtures import compute

SETTINGS = """
[analysis]
cost_period_months = 12

[departments.customer_service]
cost = 560000
capacity_minutes = 700000

[activities.order_handling]
driver = "orders"
department = "customer_service"
minutes = 8

[activities.inquiry]
driver = "interactions"
type = "inquiry"
department = "customer_service"
minutes = 44

[activities.credit_check]
driver = "interactions"
type = "credit_check"
department = "customer_service"
minutes = 50
"""


def _store():
    day = dt.datetime(2025, 3, 1)
    orders = [
        {"order_id": f"o{i}", "client_id": f"c{i % 7}", "created_at": day} for i in range(49_000)
    ]
    sales = [
        {
            "client_id": "c0",
            "date": dt.date(2025, 3, 1),
            "sku": "x",
            "quantity": 1.0,
            "revenue": 100.0,
            "cost": 60.0,
            "order_id": "o0",
        }
    ]
    interactions = [
        {"client_id": f"c{i % 7}", "type": "inquiry", "date": day, "count": 100} for i in range(14)
    ] + [
        {"client_id": f"c{i % 7}", "type": "credit_check", "date": day, "count": 500}
        for i in range(5)
    ]
    return {"orders": orders, "sales": sales, "interactions": interactions}


@pytest.fixture(scope="module")
def result():
    return compute(_store(), SETTINGS, "2025-01:2025-12")


def test_kaplan_anderson_cost_per_minute_used_and_unused_capacity(result):
    (desk,) = result.tables["capacity"].to_pylist()
    assert desk["cost_per_minute"] == pytest.approx(0.80)
    assert desk["used_minutes"] == pytest.approx(578_600)
    assert desk["used_cost"] == pytest.approx(462_880)
    assert desk["unused_minutes"] == pytest.approx(121_400)
    assert desk["unused_cost"] == pytest.approx(97_120)
    assert desk["over_capacity"] is False


def test_kaplan_anderson_unit_costs_of_each_activity(result):
    costs = result.tables["client_costs"].to_pylist()
    per_activity: dict[str, list[float]] = {}
    for row in costs:
        events, cost = per_activity.setdefault(row["activity"], [0.0, 0.0])
        per_activity[row["activity"]] = [events + row["events"], cost + row["cost"]]
    assert per_activity["order_handling"][0] == 49_000
    assert per_activity["inquiry"][0] == 1_400
    assert per_activity["credit_check"][0] == 2_500
    # $6.40 an order, $35.20 an inquiry, $40.00 a credit check
    assert per_activity["order_handling"][1] / 49_000 == pytest.approx(6.40)
    assert per_activity["inquiry"][1] / 1_400 == pytest.approx(35.20)
    assert per_activity["credit_check"][1] / 2_500 == pytest.approx(40.00)
