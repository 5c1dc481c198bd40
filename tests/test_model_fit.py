"""The model fits a real company's facts: time equations with terms, returned orders, goods waiting
ready in our warehouse, and what a run says about rows it does not count. Every figure is worked
by hand below.

Desk: 12,000 for 12,000 minutes over the year (1 a minute). Period: 2025; new_client_months 3.

Order handling follows Hunter's published equation, 5 + 15·(new client) + 3·(lines) + 10·(rush):
- N (first purchase 10 Nov 2025): N1 on 10 Nov, 2 lines, urgent → 5 + 15 + 6 + 10 = 36;
  N2 on 5 Dec, 1 line → 5 + 15 + 3 = 23. Total 59 minutes.
- O (a client since March 2024): O1 on 1 Feb, 4 lines → 5 + 12 = 17; O2 on 1 Jun, 1 line,
  urgent → 5 + 3 + 10 = 18. Total 35 (its March 2024 order is outside the period).
- Y (first purchase 15 Jan 2025): Y1 on 15 Jan and Y2 on 20 Mar are within 3 months of it →
  5 + 15 + 3 = 23 each; Y3 on 1 May is not → 8. Total 54: "new client" is the order's, not the
  client's group (Y is not `new` at the year's end).
Dispatch = 10, − 4 when `delivery == 'pickup'`, + 2 when `source != 'portal'` (a missing source is
not 'portal'): N1 (delivery, phone) 12, N2 (pickup, portal) 6 → N 18; O1 (pickup, no source) 8,
O2 (delivery, portal) 10 → O 18; Y's three orders (nothing known) 12 each → Y 36.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from test_model_fixtures import by_client, compute, make_workspace

D = dt.date

SETTINGS = """
[analysis]
cost_period_months = 12
new_client_months = 3

[departments.desk]
cost = 12000
capacity_minutes = 12000

[activities.order_handling]
driver = "orders"
department = "desk"
minutes = 5
terms = [
  { per = "lines", minutes = 3 },
  { when = "new_client", minutes = 15 },
  { when = "urgent", minutes = 10 },
]

[activities.dispatch]
driver = "orders"
department = "desk"
minutes = 10
terms = [
  { when = "delivery == 'pickup'", minutes = -4 },
  { when = "source != 'portal'", minutes = 2 },
]

[activities.return]
driver = "returns"
department = "desk"
minutes = 30

[storage]
value_day_rate = 0.001
free_days = 3
"""


def _line(client, day, order, n=1, revenue=100.0, quantity=1.0):
    return [
        {"client_id": client, "date": day, "sku": f"s{i % 3}", "quantity": quantity,
         "revenue": revenue, "cost": 60.0 * quantity, "order_id": order}
        for i in range(n)
    ]


def hunter_company() -> dict:
    sales = [
        *_line("N", D(2025, 11, 10), "N1", 2), *_line("N", D(2025, 12, 5), "N2"),
        *_line("O", D(2024, 3, 1), "O0"), *_line("O", D(2025, 2, 1), "O1", 4),
        *_line("O", D(2025, 6, 1), "O2"),
        *_line("Y", D(2025, 1, 15), "Y1"), *_line("Y", D(2025, 3, 20), "Y2"),
        *_line("Y", D(2025, 5, 1), "Y3"),
    ]
    orders = [
        {"order_id": "N1", "client_id": "N", "urgent": True, "delivery": "delivery",
         "source": "phone"},
        {"order_id": "N2", "client_id": "N", "delivery": "pickup", "source": "portal"},
        {"order_id": "O0", "client_id": "O"},
        {"order_id": "O1", "client_id": "O", "delivery": "pickup"},
        {"order_id": "O2", "client_id": "O", "urgent": True, "delivery": "delivery",
         "source": "portal"},
        *({"order_id": f"Y{i}", "client_id": "Y"} for i in (1, 2, 3)),
    ]
    return {"sales": sales, "orders": orders}


@pytest.fixture(scope="module")
def hunter():
    return compute(hunter_company(), SETTINGS)


def _minutes(result, activity: str) -> dict[str, float]:
    rows = result.tables["client_costs"].to_pylist()
    return {r["client_id"]: r["minutes"] for r in rows if r["activity"] == activity}


def test_hunters_equation_reproduces_exactly(hunter):
    assert _minutes(hunter, "order_handling") == pytest.approx({"N": 59, "O": 35, "Y": 54})
    costs = hunter.tables["client_costs"].to_pylist()
    events = {r["client_id"]: r["events"] for r in costs if r["activity"] == "order_handling"}
    assert events == {"N": 2, "O": 2, "Y": 3}
    metrics = by_client(hunter.tables["client_metrics"])
    assert metrics["Y"]["new_client_orders"] == 2 and metrics["O"]["new_client_orders"] == 0
    assert metrics["N"]["segment"] == "new" and metrics["Y"]["segment"] != "new"


def test_a_pickup_term_and_a_not_equal_term(hunter):
    assert _minutes(hunter, "dispatch") == pytest.approx({"N": 18, "O": 18, "Y": 36})


def test_the_costs_are_the_minutes_at_the_desks_rate(hunter):
    metrics = by_client(hunter.tables["client_metrics"])
    assert metrics["N"]["activity_cost"] == pytest.approx(59 + 18)
    assert metrics["Y"]["load_minutes"] == pytest.approx(54 + 36)


def test_the_shorthands_are_the_same_terms():
    text = SETTINGS.replace(
        """terms = [
  { per = "lines", minutes = 3 },
  { when = "new_client", minutes = 15 },
  { when = "urgent", minutes = 10 },
]""",
        """minutes_per_line = 3
urgent_extra_minutes = 10
terms = [{ when = "new_client", minutes = 15 }]""",
    )
    assert text != SETTINGS
    result = compute(hunter_company(), text)
    assert _minutes(result, "order_handling") == pytest.approx({"N": 59, "O": 35, "Y": 54})


def test_an_unknown_term_is_one_clear_error():
    from clientload.settings import SettingsError, parse_settings

    with pytest.raises(SettingsError) as error:
        parse_settings(SETTINGS.replace('when = "urgent"', 'when = "rush"'))
    assert "activities.order_handling.terms" in str(error.value)
    assert "'rush'" in str(error.value) and "urgent" in str(error.value)


# Returns: R1 is flagged returned (its own negative line is that return, not another); R2 is not
# flagged and two of its lines came back; one more negative line has no order at all.
# returns = 1 + 2 + 1 = 4, at 30 minutes = 120.
def returns_company() -> dict:
    sales = [
        *_line("R", D(2025, 4, 1), "R1", 2), *_line("R", D(2025, 4, 9), "R1", 1, -100.0, -1.0),
        *_line("R", D(2025, 5, 1), "R2", 3), *_line("R", D(2025, 5, 20), "R2", 2, -100.0, -1.0),
        *_line("R", D(2025, 6, 1), None, 1, -50.0, -1.0),
    ]
    orders = [
        {"order_id": "R1", "client_id": "R", "returned": True},
        {"order_id": "R2", "client_id": "R"},
    ]
    return {"sales": sales, "orders": orders}


def test_returned_orders_count_once_with_the_return_lines_of_other_orders():
    result = compute(returns_company(), SETTINGS)
    r = by_client(result.tables["client_metrics"])["R"]
    assert r["returns"] == 4 and r["returned_orders"] == 1
    assert _minutes(result, "return") == pytest.approx({"R": 120})
    assert r["orders"] == 2  # a returned order was still handled


def test_a_returned_term_adds_to_the_returned_orders_only():
    text = SETTINGS.replace(
        '{ when = "urgent", minutes = 10 },', '{ when = "urgent", minutes = 10 },\n'
        '  { when = "returned", minutes = 7 },'
    )
    result = compute(returns_company(), text)
    # R1: 5 + 3×2 + 7 = 18; R2: 5 + 3×3 = 14 (R's first purchase is in April: new until July,
    # so both are a new client's orders too: + 15 each)
    assert _minutes(result, "order_handling") == pytest.approx({"R": 18 + 14 + 30})


# Waiting: W's order W1 (value 1,000) was ready on 1 November and shipped on 1 December: 30 days,
# of which 3 are free, so 27 days × 1,000 × 0.001 = 27 of storage. S's order was shipped the day
# it was ready: nothing. With a group allowing 10 days, the 20 days beyond are a deviation costing
# 20. (Both also bought in 2024, so that neither is `new` nor `lapsed`, groups without a policy.)
def waiting_company() -> dict:
    return {
        "sales": [*_line("W", D(2024, 6, 1), "W0"), *_line("S", D(2024, 6, 1), "S0"),
                  *_line("W", D(2025, 11, 1), "W1", 1, 1000.0),
                  *_line("S", D(2025, 11, 1), "S1", 1, 1000.0)],
        "orders": [
            {"order_id": "W1", "client_id": "W", "ready_at": dt.datetime(2025, 11, 1, 9),
             "shipped_at": dt.datetime(2025, 12, 1, 15)},
            {"order_id": "S1", "client_id": "S", "ready_at": dt.datetime(2025, 11, 1, 9),
             "shipped_at": dt.datetime(2025, 11, 1, 17)},
        ],
    }


def test_goods_waiting_ready_in_our_warehouse_are_storage():
    policy = "".join(
        f"\n[policy.{g}]\nmax_waiting_days = 10\n" for g in ("core", "growing", "price_driven")
    )
    result = compute(waiting_company(), SETTINGS + policy)
    metrics = by_client(result.tables["client_metrics"])
    w, s = metrics["W"], metrics["S"]
    assert (w["waiting_orders"], w["waiting_days"]) == (1, 27)
    assert w["waiting_value_days"] == pytest.approx(27_000)
    assert w["storage_cost"] == pytest.approx(27)
    assert (s["waiting_days"], s["storage_cost"]) == (0, 0)
    costs = [r for r in result.tables["client_costs"].to_pylist() if r["activity"] == "waiting"]
    assert [(r["client_id"], r["cost"]) for r in costs] == [("W", pytest.approx(27))]
    late = [r for r in result.tables["policy_deviations"].to_pylist()
            if r["rule"] == "max_waiting_days"]
    assert [(r["client_id"], r["excess_events"], r["allowed"]) for r in late] == [("W", 20, 10)]
    assert late[0]["cost"] == pytest.approx(20)


def test_goods_not_yet_shipped_wait_until_the_period_ends():
    company = waiting_company()
    company["orders"][0]["shipped_at"] = None
    company["orders"][0]["ready_at"] = dt.datetime(2025, 12, 1)
    result = compute(company, SETTINGS)
    w = by_client(result.tables["client_metrics"])["W"]
    # ready 1 Dec, free until 4 Dec, waiting 4–31 Dec inside the period: 28 days
    assert w["waiting_days"] == 28 and w["storage_cost"] == pytest.approx(28)


def test_rows_outside_the_period_are_counted_and_said(tmp_path):
    from clientload.run import run_model

    rows = hunter_company()
    rows["interactions"] = [
        {"client_id": "O", "type": "call", "date": dt.datetime(2025, 12, 30)},
        *({"client_id": "O", "type": "call", "date": dt.datetime(2026, 1, 5)} for _ in range(12)),
        {"client_id": "O", "type": "call", "date": dt.datetime(2024, 6, 1)},
    ]
    rows["orders"].append({"order_id": "L1", "client_id": "O",
                           "created_at": dt.datetime(2026, 1, 2)})
    ws = make_workspace(tmp_path / "ws", rows, SETTINGS)
    info = run_model(ws.root, period="2025-01:2025-12").info
    saved = json.loads((ws.out_dir / "run_info.json").read_text("utf-8"))
    assert saved["outside_period"] == info["outside_period"]
    outside = info["outside_period"]
    assert outside["interactions"] == {"before": 1, "after": 12}
    assert outside["orders"] == {"before": 0, "after": 1}  # O0 has no date of its own
    assert outside["sales"] == {"before": 1, "after": 0}
    assert outside["clients"] == {"before": 0, "after": 0}
    assert set(outside) >= {"sales", "orders", "interactions", "storage", "receivables", "plans",
                            "timesheets", "clients", "products"}
    (late,) = [w for w in info["warnings"] if w["code"] == "rows_after_period"]
    assert "1 order, 12 interactions dated after 2025-12-31 are not counted" in late["en"]
    assert "12 контактов" in late["ru"] and "1 заказ" in late["ru"] and "31.12.2025" in late["ru"]


def test_the_default_period_is_whole_months_so_later_calls_of_the_last_month_count(tmp_path):
    from clientload.run import run_model

    rows = hunter_company()
    rows["interactions"] = [{"client_id": "N", "type": "call", "date": dt.datetime(2025, 12, 20)}]
    settings = SETTINGS + '\n[activities.call]\ndriver = "interactions"\ntype = "call"\n' \
        'department = "desk"\nminutes = 6\n'
    ws = make_workspace(tmp_path / "ws", rows, settings)
    info = run_model(ws.root).info  # the last sale is on 5 December
    assert (info["period_start"], info["period_end"]) == ("2025-01-01", "2025-12-31")
    assert info["outside_period"]["interactions"] == {"before": 0, "after": 0}
    assert _minutes_from(ws, "call") == {"N": 6}


def _minutes_from(ws, activity):
    import pyarrow.parquet as pq

    rows = pq.read_table(ws.out_dir / "client_costs.parquet").to_pylist()
    return {r["client_id"]: r["minutes"] for r in rows if r["activity"] == activity}


def test_a_client_whose_group_turns_on_the_assumed_minutes_is_not_stable():
    """G (a 61 % margin on 12 one-line orders of 150) earns 12 × 92 = 1,104 of margin against
    960 of cost to serve (order entry 12 × 7 min × 10 = 840, picking 12 × 2 min × 5 = 120):
    growing, by 144. With every standard minute × 1.2 its cost is 1,152 and it loses 48 —
    price-driven; with costs × 1.1 (1,056) it still earns 48. No other client's group moves."""
    from test_model_small import SETTINGS as SMALL
    from test_model_small import small_company

    company = small_company()
    for month in range(1, 13):
        company["sales"].append({"client_id": "G", "date": D(2025, month, 20), "sku": "p1",
                                 "quantity": 1.0, "revenue": 150.0, "cost": 58.0,
                                 "order_id": f"G{month}"})
        company["orders"].append({"order_id": f"G{month}", "client_id": "G"})
    result = compute(company, SMALL)
    rows = by_client(result.tables["client_metrics"])
    assert rows["G"]["segment"] == "growing"
    assert rows["G"]["contribution"] == pytest.approx(144)
    unstable = {c for c, r in rows.items() if not r["segment_stable"]}
    assert unstable == {"G"}
    assert {c for c, r in rows.items() if not r["contribution_sign_stable"]} == {"G"}
    assert result.headlines["sensitivity"]["clients_whose_group_depends"] == 1
    # only × 1.2 minutes moves it: with the minutes kept and costs × 1.1 it stays growing
    steady = compute(company, SMALL + "\n[sensitivity]\nminutes_factors = [0.8]\n")
    assert by_client(steady.tables["client_metrics"])["G"]["segment_stable"] is True
