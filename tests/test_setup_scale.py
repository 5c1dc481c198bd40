"""Departments nobody has described are scaled to the company from its own sales (its currency,
its size), and a run can say so: figures on a hand-made store, written out."""

from __future__ import annotations

from datetime import date

import pytest

from clientload.settings import parse_settings
from clientload.setup.scale import months_before
from clientload.setup.warnings import department_sizing, sizing_warning
from clientload.workspace import init_workspace

SETTINGS = """
[analysis]
currency = "USD"
language = "en"

[departments.desk]
revenue_share = 0.1
utilisation = 0.5

[departments.accounts]
people = 1
cost_per_month = 3000

[activities.order_entry]
driver = "orders"
department = "desk"
minutes = 6
minutes_per_line = 1
urgent_extra_minutes = 10

[activities.call]
driver = "interactions"
type = "call"
department = "desk"
minutes = 4

[activities.invoicing]
driver = "orders"
department = "accounts"
minutes = 2
"""


def _store(tmp_path, first_day: str):
    ws = init_workspace(tmp_path / "ws", SETTINGS)
    con = ws.connect()
    con.execute("INSERT INTO sales (client_id, date, sku, quantity, revenue, order_id) VALUES"
                f" ('C1', DATE '{first_day}', 'A', 1, 1000, 'O1'),"
                f" ('C1', DATE '{first_day}', 'B', 1, 2000, 'O1'),"
                " ('C2', DATE '2025-12-31', 'A', 2, 7000, 'O2')")
    con.execute("INSERT INTO orders (order_id, client_id, created_at, urgent) VALUES"
                f" ('O1', 'C1', TIMESTAMP '{first_day} 10:00', true),"
                " ('O2', 'C2', TIMESTAMP '2025-12-31 11:00', false)")
    con.execute("INSERT INTO interactions (client_id, type, date, minutes, \"count\") VALUES"
                " ('C1', 'call', TIMESTAMP '2025-06-01 09:00', 5, 1),"
                " ('C1', 'Call', TIMESTAMP '2025-06-02 09:00', 5, 1),"
                " ('C2', 'call', TIMESTAMP '2025-06-03 09:00', NULL, 3)")
    con.close()
    return ws


def test_a_year_of_sales_sizes_a_revenue_department(tmp_path):
    ws = _store(tmp_path, "2025-01-01")
    desk = ws.settings().departments["desk"]
    # cost: 10 % of 10,000 of revenue; load: orders 6+2+10 and 6+1, calls 5+5+3×4 = 47 minutes
    assert desk.cost == pytest.approx(1000.0)
    assert desk.capacity_minutes == pytest.approx(47 / 0.5)
    assert desk.cost_per_minute == pytest.approx(1000 / 94)
    accounts = ws.settings().departments["accounts"]  # from its staff, untouched
    assert accounts.cost == 36_000 and accounts.sized_from == "staff"
    assert department_sizing(ws.settings()) == {"desk": "revenue", "accounts": "staff"}


def test_half_a_year_of_sales_is_scaled_up_to_the_settings_months(tmp_path):
    ws = _store(tmp_path, "2025-07-01")
    desk = ws.settings().departments["desk"]
    factor = 12 / (184 / (365.25 / 12))  # 184 days of sales, 2025-07-01 … 2025-12-31
    assert desk.cost == pytest.approx(1000 * factor)
    # the June calls fall before the window: the load is the two orders' 25 minutes
    assert desk.capacity_minutes == pytest.approx(25 * factor / 0.5)


def test_before_any_sales_the_departments_are_unknown_not_made_up(tmp_path):
    ws = init_workspace(tmp_path / "ws", SETTINGS)
    desk = ws.settings().departments["desk"]
    assert not desk.sized and desk.revenue_share == 0.1


def test_the_run_warning_names_the_scaled_departments_in_both_languages(tmp_path):
    warning = sizing_warning(_store(tmp_path, "2025-01-01").settings())
    assert warning["code"] == "departments_scaled_from_revenue"
    assert warning["departments"] == ["desk"]
    assert "desk 10.00% = 1,000 $, ÷ 50%" in warning["en"]
    assert "desk 10,00% = 1 000 $, ÷ 50%" in warning["ru"].replace("\xa0", " ")
    assert "`clientload init --staff`" in warning["en"]
    assert sizing_warning(parse_settings("[departments.d]\ncost = 1\ncapacity_minutes = 2\n"
                                         "[activities.a]\ndriver = 'orders'\n"
                                         "department = 'd'\nminutes = 1\n")) is None


def test_the_window_is_the_last_months_of_sales():
    assert months_before(date(2025, 12, 31), 12) == date(2025, 1, 1)
    assert months_before(date(2025, 6, 15), 12) == date(2024, 6, 16)
    assert months_before(date(2024, 3, 31), 1) == date(2024, 3, 1)


def test_a_run_says_where_each_departments_figures_come_from(tmp_path):
    from test_model_fixtures import make_workspace
    from test_model_small import small_company

    from clientload.run import run_model
    from clientload.settings import default_toml_text

    text = default_toml_text().replace(
        "[departments.sales]\ncost = 28800000                # 12 account managers, fully loaded\n"
        "capacity_minutes = 1134000     # 12 people x 1,575 practical hours x 60",
        "[departments.sales]\nrevenue_share = 0.01\nutilisation = 0.8",
    ).replace(
        "[departments.finance]\ncost = 7200000                 # 4 accountants: invoicing, "
        "collections, claims\ncapacity_minutes = 378000",
        "[departments.finance]\npeople = 2\ncost_per_month = 300000",
    )
    ws = make_workspace(tmp_path / "ws", small_company(), text)
    info = run_model(ws.root, period="2025-01:2025-12").info
    assert info["department_sizing"]["sales"] == "revenue"
    assert info["department_sizing"]["finance"] == "staff"
    assert info["department_sizing"]["warehouse"] == "amounts"
    (warning,) = [w for w in info["warnings"] if w["code"] == "departments_scaled_from_revenue"]
    assert warning["departments"] == ["sales"] and "sales" in warning["ru"]
