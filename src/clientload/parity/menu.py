"""Task 1: the give-get menu. We accept the client's discount; what do we ask in return?

`give_get_menu` lists every option that alone restores today's contribution of the client (see
`clientload.parity.options`); `check_combination` prices any mix of options the user proposes and
says how far over or under parity it lands, per period and per month.
"""

from __future__ import annotations

from dataclasses import dataclass

from clientload.parity.checks import check_discount
from clientload.parity.client import ClientFigures, DealEffects, Proposal, deal_effects
from clientload.parity.options import (
    Option,
    changes_option,
    discount_cost,
    in_money,
    mix_option,
    orders_option,
    urgent_option,
    volume_option,
)
from clientload.parity.options_channel import (
    payment_terms_option,
    pickup_option,
    portal_option,
    prepayment_option,
)
from clientload.parity.text import Explanation

PARITY_TOLERANCE = 0.005  # half a cent: below this the deal is at parity


@dataclass(frozen=True)
class CombinationCheck:
    """Is the proposed deal at parity, and how far over (+) or under (−) per period and month."""

    discount: float
    proposal: Proposal
    parity_reached: bool
    contribution_before: float
    contribution_after: float
    surplus: float
    surplus_per_month: float
    effects: DealEffects
    explanation: Explanation
    feasible: bool = True
    reason: str | None = None


def give_get_menu(figures: ClientFigures, discount: float) -> list[Option]:
    """Every option that alone keeps the client's contribution where it is today."""
    d = check_discount(discount)
    need = discount_cost(figures, d)
    options = [
        make(figures, d, need)
        for make in (
            volume_option,
            orders_option,
            changes_option,
            urgent_option,
            portal_option,
            pickup_option,
            payment_terms_option,
            prepayment_option,
        )
    ]
    mixes = sorted(figures.missing_categories, key=lambda c: -c.margin_rate)
    options += [mix_option(figures, d, need, c.category, c.margin_rate) for c in mixes]
    return options


def check_combination(
    figures: ClientFigures, discount: float, proposal: Proposal
) -> CombinationCheck:
    """Price a proposed deal: the contribution after, and the surplus (+) or gap (−) to parity."""
    effects = deal_effects(figures, discount, proposal)
    surplus = effects.total
    after = figures.contribution + surplus
    reached = surplus >= -PARITY_TOLERANCE
    per_month = figures.per_month(surplus)
    f = figures
    if reached:
        en = (
            f"Parity reached: the deal leaves {in_money(f, abs(per_month), 'en')} a month "
            f"{'more' if surplus >= 0 else 'less'} than today (contribution "
            f"{in_money(f, f.contribution, 'en')} → {in_money(f, after, 'en')} over the period)."
        )
        ru = (
            f"Паритет достигнут: сделка даёт на {in_money(f, abs(per_month), 'ru')} в месяц "
            f"{'больше' if surplus >= 0 else 'меньше'}, чем сегодня (вклад "
            f"{in_money(f, f.contribution, 'ru')} → {in_money(f, after, 'ru')} за период)."
        )
    else:
        en = (
            f"Not at parity: the deal loses {in_money(f, -per_month, 'en')} a month against today "
            f"(contribution {in_money(f, f.contribution, 'en')} → {in_money(f, after, 'en')} over "
            "the "
            f"period). Ask for more in return or give a smaller discount."
        )
        ru = (
            f"Паритет не достигнут: сделка теряет {in_money(f, -per_month, 'ru')} в месяц "
            f"(вклад {in_money(f, f.contribution, 'ru')} → {in_money(f, after, 'ru')} за период). "
            f"Попросите больше взамен или дайте меньшую скидку."
        )
    return CombinationCheck(
        check_discount(discount),
        proposal,
        reached,
        figures.contribution,
        after,
        surplus,
        per_month,
        effects,
        Explanation(en, ru),
        reason=None if reached else en,
    )
