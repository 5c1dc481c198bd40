"""Task 1: each give-get option alone restores the client's contribution to the cent."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clientload.errors import ClientloadError
from clientload.parity import (
    CategoryMargin,
    ClientFigures,
    Proposal,
    check_combination,
    give_get_menu,
    parse_proposal,
    proposal_from_mapping,
)
from clientload.parity.menu import discount_cost


def a_client(**changes) -> ClientFigures:
    """A year of a mid-sized client: 1.2m revenue at 25%, 120 orders, 30 days to pay."""
    figures = dict(
        client_id="C1", name="Stroymarket", revenue=1_200_000, gross_margin=300_000,
        cost_to_serve=120_000, contribution=180_000, months=12, orders=120, order_lines=1200,
        changes=60, urgent_orders=24, deliveries=110, quantity=10_000, dso_days=30,
        cost_of_capital=0.16, cost_per_order=300, cost_per_line=40, cost_per_change=200,
        cost_per_urgent_order=700, cost_per_delivery=900, interaction_cost=20_000,
        payment_terms_days=30, currency="RUB",
        missing_categories=(CategoryMargin("Tools", 0.35), CategoryMargin("Cement", 0.03)),
    )  # fmt: skip
    figures.update(changes)
    return ClientFigures(**figures)


def by_key(options):
    return {o.key: o for o in options}


def test_menu_lists_every_kind_in_the_clients_own_units():
    options = by_key(give_get_menu(a_client(), 0.03))
    assert {o.kind for o in options.values()} == {
        "volume", "orders", "changes", "urgent", "portal", "pickup", "payment_terms",
        "prepayment", "mix",
    }  # fmt: skip
    need = 0.03 * 1_200_000 * (1 - 0.16 * 30 / 365)
    volume = options["volume"]
    # (1 + u)[(m - d) - f(1 - d)] = m - f with m = 25%, d = 3%, f = 0.16·30/365
    f0 = 0.16 * 30 / 365
    assert volume.required == pytest.approx((0.25 - f0) / ((0.22) - f0 * 0.97) - 1)
    assert volume.details["extra_quantity_per_month"] == pytest.approx(
        10_000 * volume.required / 12
    )
    orders = options["orders"]
    per_order = 300 + 110 / 120 * 900  # entry and invoicing plus the deliveries that go with it
    assert orders.required == pytest.approx((120 - need / per_order) / 12)
    assert options["pickup"].required == pytest.approx(need / (110 * 900))
    assert options["mix:Tools"].category == "Tools"


def test_options_that_cannot_pay_say_why():
    options = by_key(give_get_menu(a_client(), 0.03))
    assert not options["changes"].feasible  # all 60 changes are worth 12,000 of 35,527
    assert "12,000" in options["changes"].reason
    assert not options["mix:Cement"].feasible  # 3% margin against a 3% discount
    assert options["changes"].required is None


def test_a_discount_above_the_margin_leaves_no_volume_option():
    option = by_key(give_get_menu(a_client(), 0.3))["volume"]
    assert not option.feasible and option.reason


def test_a_combination_is_priced_over_and_under_parity():
    client = a_client()
    under = check_combination(client, 0.03, Proposal(volume=0.05))
    assert not under.parity_reached and under.surplus < 0
    assert under.surplus == pytest.approx(under.effects.total)
    over = check_combination(client, 0.03, parse_proposal("volume=10%,orders=6,pickup=0.5"))
    assert over.parity_reached and over.surplus > 0
    assert over.surplus_per_month == pytest.approx(over.surplus / 12)
    assert over.contribution_after == pytest.approx(180_000 + over.surplus)
    assert "Паритет достигнут" in over.explanation.ru


def test_nothing_given_for_the_discount_loses_exactly_its_cost():
    check = check_combination(a_client(), 0.05, Proposal())
    assert check.surplus == pytest.approx(-discount_cost(a_client(), 0.05))


@pytest.mark.parametrize(
    ("text", "argument"),
    [
        ("payment_terms=45", "payment_terms"),
        ("portal=150%", "portal"),
        ("colour=red", "colour"),
        ("mix:Cables=1000", "mix:Cables"),
        ("orders", "orders"),
    ],
)
def test_bad_proposals_name_the_item(text, argument):
    with pytest.raises(ClientloadError, match=argument):
        check_combination(a_client(), 0.03, parse_proposal(text))


money = st.floats(0, 5e6)
counts = st.floats(0, 5000)


@st.composite
def clients(draw):
    revenue = draw(st.floats(1e4, 1e8))
    orders = draw(st.floats(1, 5000))
    return a_client(
        revenue=revenue,
        gross_margin=revenue * draw(st.floats(0.02, 0.8)),
        orders=orders,
        order_lines=orders * draw(st.floats(1, 30)),
        changes=draw(counts),
        urgent_orders=draw(st.floats(0, orders)),
        deliveries=orders * draw(st.floats(0, 1)),
        quantity=draw(st.floats(1, 1e6)),
        months=draw(st.floats(1, 24)),
        dso_days=draw(st.floats(0, 120)),
        cost_of_capital=draw(st.floats(0, 0.4)),
        cost_per_order=draw(st.floats(0, 2000)),
        cost_per_line=draw(st.floats(0, 200)),
        cost_per_change=draw(st.floats(0, 1000)),
        cost_per_urgent_order=draw(st.floats(0, 3000)),
        cost_per_delivery=draw(st.floats(0, 5000)),
        interaction_cost=draw(money),
        portal_saving_share=draw(st.floats(0, 1)),
        missing_categories=(CategoryMargin("A", draw(st.floats(0, 0.9))),),
    )


@settings(max_examples=300, deadline=None)
@given(client=clients(), discount=st.floats(0.001, 0.5))
def test_each_option_alone_restores_the_contribution_to_the_cent(client, discount):
    for option in give_get_menu(client, discount):
        if not option.feasible:
            continue
        check = check_combination(
            client, discount, proposal_from_mapping({option.key: option.required})
        )
        assert abs(check.contribution_after - client.contribution) < 0.01, option.kind
        assert check.parity_reached


def test_a_discount_equal_to_the_margin_rate_asks_no_volume():
    """Found by the test above: a margin rate and a discount equal but for the floats' last bit
    left 1e-17 of margin a unit, and the menu asked for 8·10^15 times the volume, which the
    check could not price to the cent. More of the same cannot pay for such a discount."""
    client = a_client(revenue=71582788.83196223, gross_margin=16777216.13249115,
                      cost_of_capital=0.0, missing_categories=(CategoryMargin("A", 0.234375),))
    options = by_key(give_get_menu(client, 0.234375))
    assert not options["volume"].feasible
    assert not options["mix:A"].feasible
    for option in options.values():
        if option.feasible:
            check = check_combination(
                client, 0.234375, proposal_from_mapping({option.key: option.required})
            )
            assert abs(check.contribution_after - client.contribution) < 0.01, option.kind


def test_russian_explanations_write_the_rouble_sign_and_english_ones_the_code():
    from clientload.parity.options import in_money

    assert in_money(a_client(), 7945.0, "ru") == "7\u00a0945 ₽"
    assert in_money(a_client(), 7945.0, "en") == "7,945 RUB"
    assert in_money(a_client(currency="USD"), 10.0, "ru") == "10 USD"
