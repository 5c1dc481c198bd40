"""Invariants of the method on small random stores (hypothesis).

Used + unused cost = department cost; the clients' cost to serve adds up to the used cost plus
the direct costs; contribution = gross margin − cost to serve, client by client; every client
has a group and a reason.
"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_model_fixtures import by_client, compute

from clientload.model.labels import SEGMENT_LABELS

CLIENTS = ["c1", "c2", "c3", "c4"]
day = st.dates(dt.date(2024, 1, 1), dt.date(2025, 12, 31))
money = st.floats(1, 5_000, allow_nan=False)

sale = st.fixed_dictionaries(
    {
        "client_id": st.sampled_from(CLIENTS),
        "date": day,
        "sku": st.sampled_from(["s1", "s2", "s3", "nosuch"]),
        "quantity": st.sampled_from([1.0, 2.0, 5.0, -1.0]),
        "revenue": money,
        "cost": st.one_of(st.none(), money),
        "order_id": st.one_of(st.none(), st.sampled_from(["o1", "o2", "o3", "o4", "o5"])),
    }
)
order = st.fixed_dictionaries(
    {
        "order_id": st.sampled_from(["o1", "o2", "o3", "o9"]),
        "client_id": st.sampled_from(CLIENTS),
        "created_at": st.one_of(
            st.none(), st.datetimes(dt.datetime(2025, 1, 1), dt.datetime(2025, 12, 31))
        ),
        "urgent": st.one_of(st.none(), st.booleans()),
        "changes": st.one_of(st.none(), st.integers(0, 5)),
        "delivery": st.sampled_from([None, "delivery", "pickup"]),
        "source": st.sampled_from([None, "portal", "phone"]),
    }
)
interaction = st.fixed_dictionaries(
    {
        "client_id": st.sampled_from([*CLIENTS, "c9"]),
        "type": st.sampled_from(["call", "email", "meeting", "claim", "fax"]),
        "date": st.one_of(
            st.none(), st.datetimes(dt.datetime(2024, 6, 1), dt.datetime(2025, 12, 31))
        ),
        "minutes": st.one_of(st.none(), st.floats(0, 120)),
        "count": st.one_of(st.none(), st.integers(1, 4)),
    }
)
stock = st.fixed_dictionaries(
    {
        "client_id": st.sampled_from(CLIENTS),
        "date": day,
        "pallets": st.one_of(st.none(), st.floats(0, 10)),
        "value": st.one_of(st.none(), st.floats(0, 100_000)),
    }
)
invoice = st.fixed_dictionaries(
    {
        "client_id": st.sampled_from(CLIENTS),
        "amount": money,
        "issued_date": st.one_of(st.none(), day),
        "due_date": st.one_of(st.none(), day),
        "paid_date": st.one_of(st.none(), day),
    }
)
store = st.fixed_dictionaries(
    {
        "sales": st.lists(sale, min_size=1, max_size=25),
        "orders": st.lists(order, max_size=5, unique_by=lambda o: o["order_id"]),
        "interactions": st.lists(interaction, max_size=10),
        "storage": st.lists(stock, max_size=6),
        "receivables": st.lists(invoice, max_size=5),
        "products": st.just(
            [{"sku": "s1", "category": "a", "unit_cost": 3.0}, {"sku": "s2", "category": "b"}]
        ),
        "clients": st.just([{"client_id": "c1", "payment_terms_days": 10.0}]),
    }
)


@pytest.mark.slow
@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=store)
def test_the_books_balance(rows):
    result = compute(rows, "", "2025-01:2025-12")
    capacity = result.tables["capacity"].to_pylist()
    for dept in capacity:
        assert dept["used_cost"] + dept["unused_cost"] == pytest.approx(dept["cost"])
        assert dept["used_minutes"] + dept["unused_minutes"] == pytest.approx(
            dept["capacity_minutes"]
        )
    clients = by_client(result.tables["client_metrics"])
    direct = sum(c["storage_cost"] + c["financing_cost"] for c in clients.values())
    used = sum(d["used_cost"] for d in capacity)
    total = sum(c["cost_to_serve"] for c in clients.values())
    assert total == pytest.approx(used + direct, abs=1e-6)

    per_client: dict[str, float] = {}
    for row in result.tables["client_costs"].to_pylist():
        per_client[row["client_id"]] = per_client.get(row["client_id"], 0.0) + row["cost"]
    for client_id, c in clients.items():
        assert c["contribution"] == pytest.approx(c["gross_margin"] - c["cost_to_serve"])
        assert per_client.get(client_id, 0.0) == pytest.approx(c["cost_to_serve"], abs=1e-6)
        assert c["segment"] in SEGMENT_LABELS
        assert c["segment_reason"]
    assert {r["client_id"] for r in result.tables["whale_curve"].to_pylist()} == set(clients)
