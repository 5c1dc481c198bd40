"""Break-even volume for a price change (Nagle & Müller, The Strategy and Tactics of Pricing).

All rates are fractions of today's price: `margin` m is the contribution margin (price minus the
costs that the decision changes, over price), `discount` d and `increase` i are price changes.
Optional incremental fixed costs F (money over the same period as `revenue` R) enter as k = F / R.

- a discount d needs volume to grow by  u = (d + k) / (m - d); no volume is enough when d >= m;
- a volume change u allows a discount of  d = m - (m + k) / (1 + u)  ( = m·u / (1 + u) when k = 0 );
- a price increase i tolerates a volume loss of  L = (i - k) / (m + i);
- in revenue terms the change is (1 + u)(1 - d) - 1, resp. (1 - L)(1 + i) - 1.
With an elasticity e (magnitude), the expected volume change is -e × price change; the change pays
when it beats the break-even one.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from clientload.errors import ClientloadError
from clientload.parity.checks import (
    check_discount,
    check_increase,
    check_margin,
    check_non_negative,
    check_positive,
    check_volume_change,
)
from clientload.parity.text import Explanation, money, pct, signed_pct


@dataclass(frozen=True)
class VolumeBreakEven:
    """How much more must be sold at the discounted price to keep today's profit."""

    margin: float
    discount: float
    feasible: bool
    reason: str | None
    required_volume_change: float | None
    required_revenue_change: float | None
    explanation: Explanation
    incremental_fixed_cost: float = 0.0
    elasticity: float | None = None
    expected_volume_change: float | None = None
    discount_pays: bool | None = None
    expected_profit_change_rate: float | None = None  # profit change over today's revenue


@dataclass(frozen=True)
class MaxDiscount:
    """The deepest discount that a given change in volume pays for."""

    margin: float
    volume_change: float
    feasible: bool
    reason: str | None
    max_discount: float | None
    revenue_change: float | None
    explanation: Explanation
    incremental_fixed_cost: float = 0.0


@dataclass(frozen=True)
class PriceIncreaseBreakEven:
    """How much volume a price increase may lose before profit falls below today's."""

    margin: float
    increase: float
    feasible: bool
    reason: str | None
    max_volume_loss: float | None
    revenue_change: float | None
    explanation: Explanation
    incremental_fixed_cost: float = 0.0
    elasticity: float | None = None
    expected_volume_change: float | None = None
    increase_pays: bool | None = None


def fixed_cost_rate(incremental_fixed_cost: float, revenue: float | None) -> float:
    """Incremental fixed cost as a share of today's revenue (0 when there is none)."""
    check_non_negative(incremental_fixed_cost, "fixed-cost")
    if incremental_fixed_cost == 0:
        return 0.0
    if revenue is None:
        raise ClientloadError(
            "revenue: needed with fixed-cost, to put the fixed cost against sales"
        )
    return incremental_fixed_cost / check_positive(revenue, "revenue")


def profit_rate_after(
    margin: float, price_change: float, volume_change: float, k: float = 0.0
) -> float:
    """Profit change over today's revenue after a price change (−d or +i) and a volume change."""
    return (1 + volume_change) * (margin + price_change) - margin - k


def break_even_volume(
    margin: float,
    discount: float,
    *,
    incremental_fixed_cost: float = 0.0,
    revenue: float | None = None,
    elasticity: float | None = None,
) -> VolumeBreakEven:
    """Volume growth that a discount needs to keep profit: (d + F/R) / (m - d)."""
    m, d = check_margin(margin), check_discount(discount)
    k = fixed_cost_rate(incremental_fixed_cost, revenue)
    e = abs(elasticity) if elasticity is not None else None
    expected = e * d if e is not None else None
    if d >= m:
        en = (
            f"A {pct(d)} discount is at or above the {pct(m)} margin: every unit would then sell "
            f"at or below its cost, so no extra volume can bring today's profit back. "
            f"Keep the discount below {pct(m)}, or ask for something other than volume."
        )
        ru = (
            f"Скидка {pct(d, 'ru')} не меньше маржи {pct(m, 'ru')}: каждая единица будет "
            "продаваться "
            f"по себестоимости или дешевле, и никакой рост объёма не вернёт сегодняшнюю прибыль. "
            f"Держите скидку ниже {pct(m, 'ru')} или просите не объём, а другое."
        )
        return VolumeBreakEven(
            m,
            d,
            False,
            en,
            None,
            None,
            Explanation(en, ru),
            incremental_fixed_cost,
            e,
            expected,
            False if e is not None else None,
            profit_rate_after(m, -d, expected, k) if expected is not None else None,
        )
    u = (d + k) / (m - d)
    revenue_change = (1 + u) * (1 - d) - 1
    fixed_en = f" and to pay {money(incremental_fixed_cost)} of extra fixed costs" if k else ""
    fixed_ru = (
        f" и оплатить {money(incremental_fixed_cost, 'ru')} дополнительных постоянных затрат"
        if k
        else ""
    )
    en = (
        f"With a {pct(m)} margin, a {pct(d)} discount leaves {pct(m - d)} of each sale. To keep "
        f"today's profit{fixed_en}, volume must grow by {signed_pct(u)} "
        f"(revenue {signed_pct(revenue_change)} at the new price)."
    )
    ru = (
        f"При марже {pct(m, 'ru')} скидка {pct(d, 'ru')} оставляет {pct(m - d, 'ru')} с каждой "
        f"продажи. Чтобы сохранить сегодняшнюю прибыль{fixed_ru}, объём должен вырасти на "
        f"{signed_pct(u, 'ru')} (выручка {signed_pct(revenue_change, 'ru')} по новой цене)."
    )
    pays = None
    profit_rate = None
    if expected is not None:
        pays = expected > u
        profit_rate = profit_rate_after(m, -d, expected, k)
        verdict_en = "pays" if pays else "does not pay"
        verdict_ru = "окупается" if pays else "не окупается"
        en += (
            f" With an elasticity of {e:g} the discount should bring about {signed_pct(expected)} "
            f"volume, so it {verdict_en} (profit {signed_pct(profit_rate)} of today's revenue)."
        )
        ru += (
            f" При эластичности {e:g} скидка даст примерно {signed_pct(expected, 'ru')} объёма, "
            f"значит, она {verdict_ru} (прибыль {signed_pct(profit_rate, 'ru')} от сегодняшней "
            "выручки)."
        )
    return VolumeBreakEven(
        m,
        d,
        True,
        None,
        u,
        revenue_change,
        Explanation(en, ru),
        incremental_fixed_cost,
        e,
        expected,
        pays,
        profit_rate,
    )


def max_discount_for_volume(
    margin: float,
    volume_change: float,
    *,
    incremental_fixed_cost: float = 0.0,
    revenue: float | None = None,
) -> MaxDiscount:
    """The deepest discount a volume change u pays for: m - (m + F/R)/(1 + u) = m·u/(1 + u)."""
    m, u = check_margin(margin), check_volume_change(volume_change)
    k = fixed_cost_rate(incremental_fixed_cost, revenue)
    d = m - (m + k) / (1 + u)
    if d <= 0:
        en = (
            f"A volume change of {signed_pct(u)} does not add profit at a {pct(m)} margin"
            + (" after the extra fixed costs" if k else "")
            + ", so it pays for no discount; offer something else for it."
        )
        ru = (
            f"Изменение объёма на {signed_pct(u, 'ru')} при марже {pct(m, 'ru')} не добавляет "
            "прибыли"
            + (" после дополнительных постоянных затрат" if k else "")
            + ", значит, скидки оно не оплачивает; предложите за него что-то другое."
        )
        return MaxDiscount(m, u, False, en, None, None, Explanation(en, ru), incremental_fixed_cost)
    revenue_change = (1 + u) * (1 - d) - 1
    en = (
        f"If volume grows by {signed_pct(u)}, a discount of up to {pct(d, digits=2)} keeps today's "
        f"profit at a {pct(m)} margin (revenue {signed_pct(revenue_change)}). Any deeper discount "
        f"loses money even if the volume comes."
    )
    ru = (
        f"Если объём вырастет на {signed_pct(u, 'ru')}, скидка до {pct(d, 'ru', 2)} сохраняет "
        f"сегодняшнюю прибыль при марже {pct(m, 'ru')} (выручка "
        f"{signed_pct(revenue_change, 'ru')}). "
        f"Более глубокая скидка приносит убыток, даже если объём придёт."
    )
    return MaxDiscount(
        m, u, True, None, d, revenue_change, Explanation(en, ru), incremental_fixed_cost
    )


def price_increase_volume_loss(
    margin: float,
    increase: float,
    *,
    incremental_fixed_cost: float = 0.0,
    revenue: float | None = None,
    elasticity: float | None = None,
) -> PriceIncreaseBreakEven:
    """The volume a price increase may lose and still keep today's profit: (i - F/R) / (m + i)."""
    m, i = check_margin(margin), check_increase(increase)
    k = fixed_cost_rate(incremental_fixed_cost, revenue)
    e = abs(elasticity) if elasticity is not None else None
    expected = -e * i if e is not None else None
    loss = (i - k) / (m + i)
    if loss <= 0:
        en = (
            f"A {pct(i)} increase does not even cover the extra fixed costs; it loses profit "
            f"unless volume grows."
        )
        ru = (
            f"Повышение цены на {pct(i, 'ru')} не покрывает даже дополнительных постоянных затрат; "
            f"без роста объёма прибыль упадёт."
        )
        return PriceIncreaseBreakEven(
            m,
            i,
            False,
            en,
            None,
            None,
            Explanation(en, ru),
            incremental_fixed_cost,
            e,
            expected,
            False if e is not None else None,
        )
    revenue_change = (1 - loss) * (1 + i) - 1
    en = (
        f"With a {pct(m)} margin, a {pct(i)} price increase keeps profit as long as volume falls "
        f"by no more than {pct(loss)} (revenue {signed_pct(revenue_change)})."
    )
    ru = (
        f"При марже {pct(m, 'ru')} повышение цены на {pct(i, 'ru')} сохраняет прибыль, пока объём "
        f"падает не больше чем на {pct(loss, 'ru')} (выручка {signed_pct(revenue_change, 'ru')})."
    )
    pays = None
    if expected is not None:
        pays = -expected < loss
        en += (
            f" With an elasticity of {e:g} the expected loss is {pct(-expected)}: the increase "
            + ("pays." if pays else "does not pay.")
        )
        ru += f" При эластичности {e:g} ожидаемая потеря {pct(-expected, 'ru')}: повышение " + (
            "окупается." if pays else "не окупается."
        )
    return PriceIncreaseBreakEven(
        m,
        i,
        True,
        None,
        loss,
        revenue_change,
        Explanation(en, ru),
        incremental_fixed_cost,
        e,
        expected,
        pays,
    )


@dataclass(frozen=True)
class GridCell:
    """One cell of a printed table: the column's price change and the answer (None if none)."""

    price_change: float
    value: float | None
    reason: Explanation | None = None  # why there is no answer, where there is none


@dataclass(frozen=True)
class GridRow:
    margin: float
    cells: tuple[GridCell, ...]


DEFAULT_GRID_MARGINS = (0.15, 0.20, 0.25, 0.30, 0.35, 0.40, 0.50)
DEFAULT_GRID_DISCOUNTS = (0.02, 0.03, 0.05, 0.075, 0.10, 0.15, 0.20)
DEFAULT_GRID_INCREASES = (0.02, 0.03, 0.05, 0.075, 0.10, 0.15, 0.20)


def _grid(
    margins: Sequence[float],
    changes: Sequence[float],
    solve: Callable[[float, float], Any],
    answer: Callable[[Any], float | None],
) -> tuple[GridRow, ...]:
    """`solve(margin, change)` for every pair: the answer, or why there is none."""
    return tuple(
        GridRow(
            check_margin(m),
            tuple(
                GridCell(c, answer(r), None if r.feasible else r.explanation)
                for c, r in ((c, solve(m, c)) for c in changes)
            ),
        )
        for m in margins
    )


def discount_grid(
    margins: Sequence[float] = DEFAULT_GRID_MARGINS,
    discounts: Sequence[float] = DEFAULT_GRID_DISCOUNTS,
) -> tuple[GridRow, ...]:
    """Required volume change for each margin × discount; None where the discount ≥ the margin."""
    return _grid(margins, discounts, break_even_volume, lambda r: r.required_volume_change)


def price_increase_table(
    margins: Sequence[float] = DEFAULT_GRID_MARGINS,
    increases: Sequence[float] = DEFAULT_GRID_INCREASES,
) -> tuple[GridRow, ...]:
    """Tolerated volume loss for each margin × price increase."""
    return _grid(margins, increases, price_increase_volume_loss, lambda r: r.max_volume_loss)
