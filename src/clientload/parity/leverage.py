"""Profit leverage: what a 1% improvement in each driver does to the company's profit.

For a P&L with revenue R, variable costs V and fixed costs F, profit is P = R - V - F. A change of
x (1% by default) moves profit by
- price:          x·R          (the same volume sold dearer)
- volume:         x·(R - V)    (more units at today's contribution)
- variable cost:  x·V          (cheaper purchasing or handling per unit)
- fixed cost:     x·F
each also shown as a share of profit. Price is nearly always the strongest lever (Nagle & Müller).
"""

from __future__ import annotations

from dataclasses import dataclass

from clientload.parity.checks import check_non_negative, check_positive, check_share
from clientload.parity.text import Explanation, money, pct, signed_pct


@dataclass(frozen=True)
class Lever:
    """One driver improved by the step: the profit gained in money and as a share of profit."""

    driver: str  # price | volume | variable_cost | fixed_cost
    profit_change: float
    profit_change_rate: float | None  # over today's profit; None when profit is not positive


@dataclass(frozen=True)
class ProfitLeverage:
    revenue: float
    variable_costs: float
    fixed_costs: float
    step: float
    profit: float
    feasible: bool
    reason: str | None
    levers: tuple[Lever, ...]
    explanation: Explanation


LEVER_NAMES = {
    "price": ("price", "цена"),
    "volume": ("volume", "объём"),
    "variable_cost": ("variable cost", "переменные затраты"),
    "fixed_cost": ("fixed cost", "постоянные затраты"),
}


def profit_leverage(
    revenue: float, variable_costs: float, fixed_costs: float, *, step: float = 0.01
) -> ProfitLeverage:
    """Profit change from a `step` improvement in price, volume, variable and fixed cost."""
    r = check_positive(revenue, "revenue")
    v = check_non_negative(variable_costs, "variable-costs")
    f = check_non_negative(fixed_costs, "fixed-costs")
    x = check_share(step, "step")
    profit = r - v - f
    changes = {
        "price": x * r,
        "volume": x * (r - v),
        "variable_cost": x * v,
        "fixed_cost": x * f,
    }
    positive = profit > 0
    levers = tuple(
        Lever(name, change, change / profit if positive else None)
        for name, change in sorted(changes.items(), key=lambda kv: -kv[1])
    )
    if not positive:
        en = (
            f"Profit is {money(profit)}, not positive, so a change cannot be read as a share of "
            "it; "
            f"in money, {pct(x)} better price adds {money(changes['price'])}."
        )
        ru = (
            f"Прибыль {money(profit, 'ru')} не положительна, долю от неё не посчитать; в деньгах "
            f"цена лучше на {pct(x, 'ru')} добавляет {money(changes['price'], 'ru')}."
        )
        return ProfitLeverage(r, v, f, x, profit, False, en, levers, Explanation(en, ru))
    parts_en = ", ".join(
        f"{LEVER_NAMES[lv.driver][0]} {signed_pct(lv.profit_change_rate or 0)}" for lv in levers
    )
    parts_ru = ", ".join(
        f"{LEVER_NAMES[lv.driver][1]} {signed_pct(lv.profit_change_rate or 0, 'ru')}"
        for lv in levers
    )
    en = (
        f"Profit today is {money(profit)}. Improving each driver by {pct(x)} changes profit by: "
        f"{parts_en}. A discount works the same lever backwards: {pct(x)} off the price costs "
        f"{pct(changes['price'] / profit)} of profit."
    )
    ru = (
        f"Прибыль сегодня {money(profit, 'ru')}. Улучшение каждого фактора на {pct(x, 'ru')} "
        "меняет "
        f"прибыль: {parts_ru}. Скидка действует тем же рычагом в обратную сторону: {pct(x, 'ru')} "
        f"от цены стоят {pct(changes['price'] / profit, 'ru')} прибыли."
    )
    return ProfitLeverage(r, v, f, x, profit, True, None, levers, Explanation(en, ru))
