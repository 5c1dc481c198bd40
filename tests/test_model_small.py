"""A three-client company worked by hand: every figure below follows from the method.

Desk: 120,000 for 12,000 minutes (10 a minute); warehouse 60,000 for 12,000 (5 a minute).
Order entry = 6 min + 1 per line + 10 if urgent (desk); picking 2 min a line (warehouse); a call
5 min (desk) unless its own minutes are recorded. Storage 2 a pallet-day; cost of capital 36.5 %
(0.001 a day). Period: the year 2025.

- A (large, steady): an order a month of two lines (1,000 each at cost 700) → revenue 24,000,
  margin 7,200; order entry 12×6 + 24×1 = 96 min (960), picking 48 min (240), calls 7 + 3×5 =
  22 min (220); 10 pallet-days (20); an invoice of 10,000 due 1 Dec unpaid → 31 days × 10,000 ×
  0.001 = 310. Cost to serve 1,750, contribution 5,450.
- B (small, busy): two orders a month of one line (100, product cost 60), 6 urgent, all by
  phone, half delivered → revenue 2,400, margin 960; order entry 24×6 + 24 + 6×10 = 228 min
  (2,280), picking 48 min (240), 10 calls × 5 = 50 min (500). Cost 3,020, contribution −2,060.
- C (gone quiet): one order in June, one line of 400 without any cost → assumed margin 25 %:
  margin 100; 7 + 2 min (70 + 10). Contribution 20.
"""

from __future__ import annotations

import datetime as dt

import pytest
from test_model_fixtures import by_client, compute

SETTINGS = """
[analysis]
cost_period_months = 12
heavy_clients_top_n = 2

[departments.desk]
cost = 120000
capacity_minutes = 12000

[departments.warehouse]
cost = 60000
capacity_minutes = 12000

[activities.order_entry]
driver = "orders"
department = "desk"
minutes = 6
minutes_per_line = 1
urgent_extra_minutes = 10

[activities.picking]
driver = "order_lines"
department = "warehouse"
minutes = 2

[activities.call]
driver = "interactions"
type = "call"
department = "desk"
minutes = 5

[storage]
pallet_day_rate = 2

[finance]
cost_of_capital = 0.365

[margin]
assumed_margin_rate = 0.25

[activation]
departments = ["desk"]
sales_department = "desk"
"""


def small_company() -> dict:
    sales, orders = [], []
    for month in range(1, 13):
        oid = f"A{month}"
        orders.append({"order_id": oid, "client_id": "A", "source": "manager",
                       "delivery": "delivery"})
        for sku in ("p1", "p2"):
            sales.append({"client_id": "A", "date": dt.date(2025, month, 15), "sku": sku,
                          "quantity": 1.0, "revenue": 1000.0, "cost": 700.0, "order_id": oid})
        for half in (0, 1):
            oid = f"B{month}-{half}"
            orders.append({"order_id": oid, "client_id": "B", "source": "phone",
                           "urgent": month <= 6 and half == 0,
                           "delivery": "delivery" if half == 0 else "pickup"})
            sales.append({"client_id": "B", "date": dt.date(2025, month, 5 + 10 * half),
                          "sku": "p3", "quantity": 1.0, "revenue": 100.0, "order_id": oid})
    orders.append({"order_id": "C1", "client_id": "C"})
    sales.append({"client_id": "C", "date": dt.date(2025, 6, 1), "sku": "zz",
                  "quantity": 1.0, "revenue": 400.0, "order_id": "C1"})
    return {
        "sales": sales,
        "orders": orders,
        "products": [
            {"sku": "p1", "category": "x", "brand": "ours"},
            {"sku": "p2", "category": "y", "brand": "ours"},
            {"sku": "p3", "category": "x", "brand": "theirs", "unit_cost": 60.0},
        ],
        "clients": [
            {"client_id": "A", "name": "Alpha", "payment_terms_days": 30},
            {"client_id": "B", "name": "Beta"},
        ],
        "interactions": [
            {"client_id": "A", "type": "call", "date": dt.datetime(2025, 2, 1), "minutes": 7.0},
            {"client_id": "A", "type": "Call", "date": dt.datetime(2025, 3, 1), "count": 3},
            {"client_id": "B", "type": "call", "date": dt.datetime(2025, 4, 1), "count": 10},
            {"client_id": "B", "type": "call", "date": dt.datetime(2024, 4, 1), "count": 99},
        ],
        "storage": [
            {"client_id": "A", "date": dt.date(2025, 5, d), "pallets": 1.0} for d in range(1, 11)
        ],
        "receivables": [
            {"client_id": "A", "invoice": "i1", "amount": 10000.0,
             "issued_date": dt.date(2025, 11, 1), "due_date": dt.date(2025, 12, 1)},
        ],
    }


@pytest.fixture(scope="module")
def result():
    return compute(small_company(), SETTINGS, "2025-01:2025-12")


@pytest.fixture(scope="module")
def clients(result):
    return by_client(result.tables["client_metrics"])


def test_client_pnl_by_hand(clients):
    a, b, c = clients["A"], clients["B"], clients["C"]
    assert (a["revenue"], a["gross_margin"]) == (24_000, 7_200)
    assert a["load_minutes"] == pytest.approx(96 + 48 + 22)
    assert a["activity_cost"] == pytest.approx(960 + 240 + 220)
    assert a["storage_cost"] == pytest.approx(20)
    assert a["financing_cost"] == pytest.approx(310)
    assert a["cost_to_serve"] == pytest.approx(1_750)
    assert a["contribution"] == pytest.approx(5_450)
    assert b["gross_margin"] == pytest.approx(960)
    assert b["cost_to_serve"] == pytest.approx(3_020)
    assert b["contribution"] == pytest.approx(-2_060)
    assert c["gross_margin"] == pytest.approx(100)
    assert c["cost_assumed"] is True and a["cost_assumed"] is False
    assert c["contribution"] == pytest.approx(20)


def test_operating_metrics(clients):
    a, b = clients["A"], clients["B"]
    assert a["orders"] == 12 and a["orders_per_month"] == pytest.approx(1)
    assert a["lines_per_order"] == pytest.approx(2)
    assert a["average_order_value"] == pytest.approx(2_000)
    assert a["calls"] == 4 and b["calls"] == 10  # "Call" counts as call; 2024 is outside
    assert b["urgent_share"] == pytest.approx(0.25)
    assert b["deliveries"] == 12
    assert a["storage_days"] == 10
    assert a["categories_bought"] == 2 and a["breadth"] == pytest.approx(1.0)
    assert a["cv_monthly_revenue"] == pytest.approx(0.0)
    assert a["load_minutes_per_1000_revenue"] == pytest.approx(166 / 24)
    assert a["margin_per_load_hour"] == pytest.approx(7_200 / (166 / 60))
    assert a["name"] == "Alpha" and clients["C"]["name"] == "C"


def test_groups_and_their_reasons(clients):
    assert clients["A"]["segment"] == "core"
    assert clients["A"]["segment_reason"] == (
        "top 80% of revenue (class A), buys 2 of 2 categories, regular (CV 0.0 month by month)"
    )
    assert clients["B"]["segment"] == "price_driven"
    assert "class B" in clients["B"]["segment_reason"]
    assert "contribution -2060" in clients["B"]["segment_reason"]
    assert clients["C"]["segment"] == "lapsed"
    assert clients["C"]["segment_reason"] == (
        "last purchase 2025-06-01; the longest pause its rhythm allows is 90 days"
    )
    assert (clients["A"]["abc_revenue"], clients["B"]["abc_revenue"]) == ("A", "B")
    assert clients["A"]["xyz_class"] == "X"


def test_capacity_by_hand(result):
    cap = {r["department"]: r for r in result.tables["capacity"].to_pylist()}
    assert cap["desk"]["used_minutes"] == pytest.approx(118 + 278 + 7)
    assert cap["desk"]["unused_cost"] == pytest.approx((12_000 - 403) * 10)
    assert cap["warehouse"]["used_minutes"] == pytest.approx(98)
    assert cap["warehouse"]["utilisation"] == pytest.approx(98 / 12_000)


def test_policy_deviations_of_a_price_driven_client(result):
    rows = {(r["client_id"], r["rule"]): r for r in result.tables["policy_deviations"].to_pylist()}
    assert {k[0] for k in rows} == {"B"}  # core A keeps its rules; lapsed C has no policy
    # no urgent orders allowed: 6 × 10 extra minutes × 10 a minute
    assert rows[("B", "urgent_share")]["excess_events"] == 6
    assert rows[("B", "urgent_share")]["cost"] == pytest.approx(600)
    # every order is under the 30,000 minimum: 24 × the 95 that handling one costs B
    assert rows[("B", "min_order_value")]["cost"] == pytest.approx(24 * 95)
    assert rows[("B", "channel")]["excess_events"] == 24
    assert rows[("B", "free_delivery")]["excess_events"] == 12
    assert clients_deviation_cost(result) == pytest.approx(600 + 2 * 24 * 95)


def clients_deviation_cost(result) -> float:
    return by_client(result.tables["client_metrics"])["B"]["deviations_cost"]


def test_whale_curve_and_headlines(result):
    curve = result.tables["whale_curve"].to_pylist()
    assert [r["client_id"] for r in curve] == ["A", "C", "B"]
    assert curve[0]["cumulative_profit_share"] == pytest.approx(5_450 / 3_410)
    assert curve[-1]["cumulative_contribution"] == pytest.approx(3_410)
    whale = result.headlines["whale"]
    assert whale["loss_making_clients"] == 1
    assert whale["loss_making_cost"] == pytest.approx(2_060)
    assert whale["top_clients_profit_share"] == pytest.approx(5_450 / 3_410)


def test_heaviest_clients_and_what_makes_them_heavy(result):
    heavy = [r for r in result.tables["heavy_clients"].to_pylist() if r["list"] == "by_load"]
    assert [r["client_id"] for r in heavy] == ["B", "A"]
    assert heavy[0]["activity_1"] == "order_entry"
    assert heavy[0]["activity_1_share_of_minutes"] == pytest.approx(228 / 326)
    assert heavy[1]["category_1"] == "x" and heavy[1]["category_1_share_of_revenue"] == 0.5
    intense = [r for r in result.tables["heavy_clients"].to_pylist()
               if r["list"] == "by_load_per_revenue"]
    assert [r["client_id"] for r in intense] == ["B", "C"]  # 136 and 22.5 minutes per 1,000
    skus = {(r["client_id"], r["sku"]) for r in result.tables["client_assortment_sku"].to_pylist()}
    assert skus == {("A", "p1"), ("A", "p2"), ("B", "p3"), ("C", "zz")}


def test_career_follows_the_groups_and_gives_the_gaps_to_the_next_level(result):
    career = by_client(result.tables["career"])
    a, b, c = career["A"], career["B"], career["C"]
    # A is core, so it stands on the key level (the top: no next), whose criteria it does not
    # all keep yet: 2,000 a month against 600,000, and 2 categories against 6.
    assert (a["level"], a["level_number"], a["next_level"]) == ("key", 3, None)
    assert a["conditions_unmet"] == 2
    assert a["revenue_gap_per_month"] is None
    # B is price-driven: the first step; partner asks 150,000 a month (B: 2,400 / 12 = 200) and
    # 3 categories (B buys 1).
    assert (b["level"], b["next_level"]) == ("start", "partner")
    assert b["revenue_gap_per_month"] == pytest.approx(150_000 - 200)
    assert b["categories_gap"] == pytest.approx(2)
    assert b["orders_per_month_to_cut"] == 0
    assert "Personal manager" in b["next_perks"]
    assert (c["level"], c["levels"]) == ("start", 3)  # lapsed clients come back to the start


def test_sales_activation_frees_price_driven_time(result):
    rows = {r["department"]: r for r in result.tables["activation"].to_pylist()}
    desk, warehouse = rows["desk"], rows["warehouse"]
    assert desk["price_driven_minutes"] == pytest.approx(278)
    assert desk["freed_minutes"] == pytest.approx(0.7 * 278)
    # revenue 26,800 over the desk's 403 used minutes (the desk is the sales department here)
    assert desk["revenue_per_sales_hour"] == pytest.approx(26_800 / (403 / 60))
    assert desk["potential_revenue"] == pytest.approx(0.7 * 278 / 60 * 26_800 / (403 / 60))
    # the warehouse frees nothing (not in activation.departments); its spare time: 12,000 − 98
    # used minutes carry (11,902 / 98) × 26,800 of revenue at today's load
    assert warehouse["freed_minutes"] == 0 and warehouse["revenue_per_sales_hour"] is None
    assert warehouse["revenue_capacity"] == pytest.approx(11_902 / 98 * 26_800)
    assert result.headlines["activation"]["revenue"] == pytest.approx(desk["potential_revenue"])


def test_segment_summary_adds_up(result):
    rows = {r["segment"]: r for r in result.tables["segments"].to_pylist()}
    assert set(rows) == {"core", "price_driven", "lapsed"}
    assert rows["core"]["label_ru"] == "Правильные клиенты"
    assert sum(r["contribution"] for r in rows.values()) == pytest.approx(3_410)


def test_reasons_in_russian_too(clients):
    assert clients["A"]["segment_reason_ru"] == (
        "входит в 80% выручки (класс A), покупает 2 из 2 категорий, покупает регулярно "
        "(CV 0,0 по месяцам)"
    )
    assert clients["C"]["segment_reason_ru"] == (
        "последняя покупка 01.06.2025; предел паузы по его ритму — 90 дн."
    )
