"""The parity calculators against published figures (Nagle & Müller; product.md) and identities."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clientload.errors import ClientloadError
from clientload.parity import (
    break_even_volume,
    cash_discount_rates,
    discount_grid,
    give_get_max_discount,
    max_discount_for_volume,
    parse_fraction,
    parse_fractions,
    plan_max_discount,
    price_increase_table,
    price_increase_volume_loss,
    profit_leverage,
)


def test_nagle_margin_30_discount_10_needs_50_percent_more_volume():
    result = break_even_volume(0.30, 0.10)
    assert result.feasible
    assert result.required_volume_change == pytest.approx(0.50)
    assert result.required_revenue_change == pytest.approx(1.5 * 0.9 - 1)


def test_margin_25_discount_5_needs_25_percent_more_volume():
    assert break_even_volume(0.25, 0.05).required_volume_change == pytest.approx(0.25)


@pytest.mark.parametrize("discount", [0.30, 0.35])
def test_a_discount_at_or_above_the_margin_has_no_break_even_volume(discount):
    result = break_even_volume(0.30, discount)
    assert not result.feasible
    assert result.required_volume_change is None
    assert "margin" in result.reason
    assert "марж" in result.explanation.ru


def test_incremental_fixed_cost_is_paid_by_extra_volume():
    # 30% margin, 10% off, 100 of revenue and 2 of extra fixed cost: (0.1 + 0.02) / 0.2 = 0.6
    result = break_even_volume(0.30, 0.10, incremental_fixed_cost=2, revenue=100)
    assert result.required_volume_change == pytest.approx(0.6)


def test_fixed_cost_without_revenue_is_refused():
    with pytest.raises(ClientloadError, match="revenue"):
        break_even_volume(0.3, 0.1, incremental_fixed_cost=5)


@given(
    margin=st.floats(0.01, 0.99),
    share=st.floats(0.0, 0.98),
    revenue=st.floats(1e3, 1e9),
    fixed=st.floats(0, 1e6),
)
def test_profit_at_the_break_even_volume_equals_profit_before(margin, share, revenue, fixed):
    discount = margin * share
    result = break_even_volume(margin, discount, incremental_fixed_cost=fixed, revenue=revenue)
    variable_cost = revenue * (1 - margin)
    before = revenue - variable_cost
    growth = 1 + result.required_volume_change
    after = revenue * growth * (1 - discount) - variable_cost * growth - fixed
    assert after == pytest.approx(before, rel=1e-9, abs=1e-6)


@given(margin=st.floats(0.01, 0.99), volume_change=st.floats(0.001, 5))
def test_max_discount_is_the_inverse_of_the_break_even_volume(margin, volume_change):
    d = max_discount_for_volume(margin, volume_change).max_discount
    assert d == pytest.approx(margin * volume_change / (1 + volume_change))
    assert break_even_volume(margin, d).required_volume_change == pytest.approx(volume_change)


def test_nagle_max_discount_for_50_percent_more_volume_at_30_margin_is_10_percent():
    assert max_discount_for_volume(0.30, 0.50).max_discount == pytest.approx(0.10)


def test_a_falling_volume_pays_for_no_discount():
    result = max_discount_for_volume(0.30, -0.10)
    assert not result.feasible and result.max_discount is None


@given(margin=st.floats(0.01, 0.99), increase=st.floats(0.001, 2))
def test_price_increase_tolerates_i_over_m_plus_i_and_keeps_profit_there(margin, increase):
    loss = price_increase_volume_loss(margin, increase).max_volume_loss
    assert loss == pytest.approx(increase / (margin + increase))
    assert (1 - loss) * (margin + increase) == pytest.approx(margin)


def test_price_increase_of_5_percent_at_30_margin_tolerates_a_seventh_less_volume():
    assert price_increase_volume_loss(0.30, 0.05).max_volume_loss == pytest.approx(1 / 7)


def test_elasticity_says_whether_the_discount_pays():
    weak = break_even_volume(0.30, 0.10, elasticity=3)  # +30% expected against +50% needed
    strong = break_even_volume(0.30, 0.10, elasticity=-6)  # sign ignored: +60%
    assert weak.expected_volume_change == pytest.approx(0.30) and weak.discount_pays is False
    assert weak.expected_profit_change_rate == pytest.approx(1.3 * 0.2 - 0.3)
    assert strong.expected_volume_change == pytest.approx(0.60) and strong.discount_pays is True
    assert price_increase_volume_loss(0.3, 0.05, elasticity=1).increase_pays is True


def test_task_2_quantity_plan_at_80_percent_and_30_margin_allows_6_percent():
    result = plan_max_discount(0.30, 0.80, "quantity")
    assert result.max_discount == pytest.approx(0.06)


def test_task_2_revenue_plan_at_80_percent_and_30_margin_allows_7_9_percent():
    result = plan_max_discount(0.30, 0.80, "revenue")
    assert result.max_discount == pytest.approx(0.06 / 0.76)
    assert round(result.max_discount, 4) == 0.0789


@given(margin=st.floats(0.01, 0.99), attainment=st.floats(0.05, 0.999))
def test_task_2_discounts_reach_the_plan_with_todays_gross_profit(margin, attainment):
    quantity = plan_max_discount(margin, attainment, "quantity").max_discount
    assert (margin - quantity) / attainment == pytest.approx(margin)
    revenue = plan_max_discount(margin, attainment, "revenue").max_discount
    growth = 1 / (attainment * (1 - revenue))  # volume that brings revenue to plan
    assert growth * (1 - revenue) * attainment == pytest.approx(1)
    assert growth * (margin - revenue) == pytest.approx(margin)


def test_task_2_against_the_planned_profit_allows_no_discount():
    result = plan_max_discount(0.30, 0.80, "revenue", "plan")
    assert not result.feasible and result.max_discount is None
    assert "planned" in result.reason


def test_task_2_extra_cost_to_serve_lowers_the_margin_of_the_extra_volume():
    assert plan_max_discount(0.30, 0.80, extra_cost_to_serve_rate=0.05).max_discount == (
        pytest.approx(0.2 * 0.25)
    )


def test_cash_discount_2_10_net_30():
    result = cash_discount_rates(0.02, 10, 30)
    assert round(result.nominal_annual_rate, 4) == 0.3724
    assert round(result.effective_annual_rate, 4) == 0.4459
    assert result.effective_annual_rate == pytest.approx((1 + 0.02 / 0.98) ** (365 / 20) - 1)


def test_give_get_formula_special_cases_from_product_md():
    r, dso = 0.16, 45
    f0 = r * dso / 365
    assert give_get_max_discount(0.3, financing_before=f0, financing_after=0) == pytest.approx(f0)
    assert give_get_max_discount(0.3, margin_after=0.34) == pytest.approx(0.04)
    assert give_get_max_discount(0.3, cost_to_serve_saving=0.02) == pytest.approx(0.02)
    assert give_get_max_discount(0.3, volume_change=0.5) == pytest.approx(0.1)


def test_profit_leverage_of_one_percent():
    result = profit_leverage(100, 70, 25)
    by_driver = {lv.driver: lv for lv in result.levers}
    assert result.profit == 5
    assert by_driver["price"].profit_change == pytest.approx(1.0)
    assert by_driver["price"].profit_change_rate == pytest.approx(0.20)
    assert by_driver["volume"].profit_change == pytest.approx(0.30)
    assert by_driver["variable_cost"].profit_change == pytest.approx(0.70)
    assert by_driver["fixed_cost"].profit_change == pytest.approx(0.25)
    assert result.levers[0].driver == "price"


def test_leverage_with_a_loss_gives_money_but_no_shares():
    result = profit_leverage(100, 80, 30)
    assert not result.feasible
    assert all(lv.profit_change_rate is None for lv in result.levers)


def test_grid_and_price_increase_table():
    rows = discount_grid([0.2, 0.3], [0.05, 0.25])
    assert rows[1].cells[0].value == pytest.approx(0.2)
    assert rows[0].cells[1].value is None  # 25% off a 20% margin
    table = price_increase_table([0.3], [0.05])
    assert table[0].cells[0].value == pytest.approx(1 / 7)


@pytest.mark.parametrize(
    ("call", "argument"),
    [
        (lambda: break_even_volume(1.5, 0.1), "margin"),
        (lambda: break_even_volume(0, 0.1), "margin"),
        (lambda: break_even_volume(0.3, -0.1), "discount"),
        (lambda: plan_max_discount(0.3, 0), "attainment"),
        (lambda: plan_max_discount(0.3, 1.2), "attainment"),
        (lambda: plan_max_discount(0.3, 0.8, "boxes"), "plan-unit"),
        (lambda: cash_discount_rates(0.02, 30, 10), "net-days"),
        (lambda: cash_discount_rates(0.02, -1, 10), "discount-days"),
        (lambda: max_discount_for_volume(0.3, -1), "volume-change"),
        (lambda: break_even_volume(math.nan, 0.1), "margin"),
    ],
)
def test_bad_input_names_the_argument(call, argument):
    with pytest.raises(ClientloadError, match=argument):
        call()


@pytest.mark.parametrize(
    ("text", "value"),
    [("0.3", 0.3), ("30%", 0.3), ("30 %", 0.3), ("0,3", 0.3), ("7.5%", 0.075), ("-10%", -0.1)],
)
def test_fractions_are_written_as_fractions_or_percentages(text, value):
    assert parse_fraction(text, "--margin") == pytest.approx(value)


def test_fraction_lists_and_bad_text():
    assert parse_fractions("20%,30 %; 0.4", "--margins") == pytest.approx([0.2, 0.3, 0.4])
    with pytest.raises(ClientloadError, match="--margin"):
        parse_fraction("thirty", "--margin")
