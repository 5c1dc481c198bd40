"""Groups that follow each company's buying rhythm, and the warnings when the rules fit no one.

A distributor whose clients order weekly is judged month by month; a company whose clients order
every 3–4 months by 4-month periods, and a client still buying in its own rhythm has not lapsed.
"""

from __future__ import annotations

import json
from datetime import date

import pyarrow.parquet as pq
import pytest
from test_model_fixtures import by_client, compute
from test_model_small import SETTINGS as SMALL_SETTINGS
from test_model_small import small_company

from clientload.model.period import Period
from clientload.model.rhythm import rhythm_months, typical_gap
from clientload.model.warnings import group_warnings

YEAR = Period(date(2025, 1, 1), date(2025, 12, 31))


@pytest.mark.parametrize(
    ("gap", "months"),
    [(None, 1), (7.0, 1), (30.0, 1), (45.0, 2), (65.4, 3), (91.0, 3), (100.0, 4), (197.0, 4)],
)
def test_the_rhythm_holds_a_typical_gap_and_leaves_three_periods_at_least(gap, months):
    assert rhythm_months(gap, YEAR) == months


def test_a_short_period_caps_the_rhythm_and_a_setting_wins():
    half = Period(date(2025, 7, 1), date(2025, 12, 31))
    assert rhythm_months(100.0, half) == 2
    assert rhythm_months(7.0, YEAR, setting=3) == 3
    assert typical_gap([10.0, None, 30.0, float("nan"), 20.0]) == 20.0
    assert typical_gap([None]) is None


def _groups(root):
    metrics = pq.read_table(root / "out" / "client_metrics.parquet").to_pylist()
    personas = pq.read_table(root / "data" / "generated" / "personas.parquet").to_pylist()
    persona = {p["client_id"]: p["persona"] for p in personas}
    return [(persona[m["client_id"]], m["segment"], m) for m in metrics]


def _share(flags) -> float:
    flags = list(flags)
    return sum(flags) / len(flags)


@pytest.fixture(scope="module")
def quarterly(tmp_path_factory):
    from clientload.generate.into import generate_workspace
    from clientload.run import run_model

    root = tmp_path_factory.mktemp("quarterly") / "ws"
    generate_workspace(root, clients=400, lines=40_000, seed=11, rhythm="quarterly")
    info = run_model(root).info
    return root, info


def test_a_company_buying_every_few_months_is_judged_by_its_rhythm(quarterly):
    root, info = quarterly
    rhythm = info["headlines"]["rhythm"]
    assert rhythm["months"] == 4 and 90 <= rhythm["typical_gap_days"] <= 130
    groups = _groups(root)
    disciplined = [s for p, s, _ in groups if p == "disciplined_large"]
    assert _share(s == "core" for s in disciplined) >= 0.75
    # clients that keep buying in their rhythm have not lapsed
    large = [s for p, s, _ in groups if p in ("disciplined_large", "demanding_large")]
    assert not [s for s in large if s == "lapsed"]
    # a small client's buying month can draw no lines at all (the lines are spread at random by
    # size), so now and then a steady client really has gone quiet for 9 months
    steady = [s for p, s, _ in groups if p in ("warehouse_user", "growing_medium")]
    assert _share(s == "lapsed" for s in steady) <= 0.03
    # an ordinary client skips a month it would buy in 15 % of the time: two cycles in a row
    # (9–12 months silent) is a real break in its rhythm, and rare
    ordinary = [s for p, s, _ in groups if p == "ordinary"]
    assert _share(s == "lapsed" for s in ordinary) <= 0.05
    planted = [s for p, s, _ in groups if p == "lapsed"]
    assert _share(s == "lapsed" for s in planted) >= 0.5
    # ...which the monthly yardstick of before could not see: their monthly revenue varies a lot
    cv = [m["cv_monthly_revenue"] for p, _, m in groups if p == "disciplined_large"]
    assert min(cv) > 1.0
    codes = {w["code"] for w in info["warnings"]}
    assert "empty_group" not in codes and "lapsed_revenue" not in codes


def test_a_company_buying_every_week_is_judged_month_by_month(tmp_path):
    from clientload.generate.into import generate_workspace
    from clientload.run import run_model

    generate_workspace(tmp_path / "ws", clients=100, lines=100_000, seed=5)
    info = run_model(tmp_path / "ws").info
    assert info["headlines"]["rhythm"]["months"] == 1
    assert info["headlines"]["rhythm"]["typical_gap_days"] < 20
    metrics = pq.read_table(tmp_path / "ws" / "out" / "client_metrics.parquet").to_pylist()
    # month by month, regularity is the CV of monthly revenue
    for m in metrics:
        if m["regularity_cv"] is not None:
            assert m["regularity_cv"] == pytest.approx(m["cv_monthly_revenue"])


def test_growth_from_a_tiny_base_does_not_make_a_client_growing():
    company = small_company()
    # D bought for 10 last year and 5,000 this year: +49,900 %, from almost nothing
    company["sales"] += [
        {"client_id": "D", "date": date(2024, 6, 1), "sku": "p3", "quantity": 1.0,
         "revenue": 10.0, "order_id": "D0"},
        *({"client_id": "D", "date": date(2025, m, 3), "sku": "p3", "quantity": 1.0,
           "revenue": 500.0, "order_id": f"D{m}"} for m in range(3, 13)),
    ]
    rows = by_client(compute(company, SMALL_SETTINGS).tables["client_metrics"])
    assert rows["D"]["growth"] > 100
    assert rows["D"]["segment"] != "growing" or "revenue +" not in rows["D"]["segment_reason"]


def test_the_warnings_say_which_rule_no_client_meets_and_who_comes_closest():
    company = small_company()
    company["products"].append({"sku": "p9", "category": "z", "brand": "ours"})
    settings = SMALL_SETTINGS.replace(
        "heavy_clients_top_n = 2", "heavy_clients_top_n = 2\nlapsed_max_revenue_share = 0.01"
    ) + "\n[segments]\ncore_min_breadth = 1.0\n"
    result = compute(company, settings)
    h = result.headlines
    found = group_warnings(h["group_checks"], h["group_limits"], h["rhythm"]["months"], 0.01)
    by_code = {}
    for w in found:
        by_code.setdefault(w["code"], []).append(w)
    # A, the only large client, misses core's breadth, and its margin (30 %) is under the
    # company's (30.8 %): no one is growing either
    assert [w["group"] for w in by_code["empty_group"]] == ["core", "growing"]
    (breadth,) = [w for w in by_code["rule_unmet"] if w["rule"] == "core_min_breadth"]
    # A buys 2 of the 3 categories: 67 %, the closest to the 100 % asked
    assert "the closest is client A with 67%" in breadth["en"]
    assert "ближе всех клиент A: 67\u00a0%" in breadth["ru"]
    # C (lapsed) bought 400 of the year's 26,800: 1.5 % > 1 %
    (lapsed,) = by_code["lapsed_revenue"]
    assert "1.5%" in lapsed["en"] and "1,5\u00a0%" in lapsed["ru"]


def test_the_run_writes_the_warnings_into_run_info(quarterly):
    root, info = quarterly
    saved = json.loads((root / "out" / "run_info.json").read_text("utf-8"))
    assert saved["warnings"] == info["warnings"]
    assert saved["headlines"]["rhythm"]["months"] == 4
