"""Task 2: managers are at a share a of the plan and ask for a discount to reach 100%.

The discount d is given on the whole volume and the target is the full plan. The question is the
largest d that leaves gross profit no lower than the benchmark.

Benchmark "today" (the default): today's gross profit, m per unit of today's revenue.
- Plan in quantity: reaching it means volume × 1/a, so (1/a)(m - d) >= m  →  d <= (1 - a)·m.
- Plan in revenue at the discounted price: volume × 1/(a(1 - d)), so
  (m - d) / (a(1 - d)) >= m  →  d <= (1 - a)·m / (1 - a·m).
An extra cost to serve c per unit of revenue of the *extra* volume (more orders to take, pick and
deliver) acts like a lower margin on that volume: m is replaced by (m - c) in both results.

Benchmark "plan": the gross profit the plan itself promised (full plan at today's price). Any
discount on the plan volume falls short of it, so no discount is possible.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from clientload.errors import ClientloadError
from clientload.parity.checks import check_attainment, check_margin, check_non_negative
from clientload.parity.text import Explanation, pct, signed_pct

PlanUnit = Literal["quantity", "revenue"]
Benchmark = Literal["today", "plan"]


@dataclass(frozen=True)
class PlanDiscount:
    """The largest discount that reaches 100% of plan without losing the benchmark profit."""

    margin: float
    attainment: float
    plan_unit: str
    benchmark: str
    feasible: bool
    reason: str | None
    max_discount: float | None
    required_volume_change: float
    explanation: Explanation
    extra_cost_to_serve_rate: float = 0.0


def plan_max_discount(
    margin: float,
    attainment: float,
    plan_unit: PlanUnit = "quantity",
    benchmark: Benchmark = "today",
    *,
    extra_cost_to_serve_rate: float = 0.0,
) -> PlanDiscount:
    """Largest discount reaching the plan: (1-a)(m-c) for a quantity plan, /(1-a(m-c)) for "
    "revenue."""
    m, a = check_margin(margin), check_attainment(attainment)
    c = check_non_negative(extra_cost_to_serve_rate, "extra-cost-to-serve")
    if plan_unit not in ("quantity", "revenue"):
        raise ClientloadError(f"plan-unit is {plan_unit!r}; expected quantity or revenue")
    if benchmark not in ("today", "plan"):
        raise ClientloadError(f"benchmark is {benchmark!r}; expected today or plan")
    volume_gap = 1 / a - 1  # volume growth the plan needs at today's price

    def infeasible(en: str, ru: str) -> PlanDiscount:
        return PlanDiscount(
            m, a, plan_unit, benchmark, False, en, None, volume_gap, Explanation(en, ru), c
        )

    if benchmark == "plan":
        return infeasible(
            "Against the planned gross profit no discount is possible: the plan already assumes "
            "the full volume at today's price, so any discount on that volume earns less than "
            "planned. Compare with today's gross profit instead (--benchmark today).",
            "Относительно плановой валовой прибыли скидка невозможна: план уже предполагает весь "
            "объём по сегодняшней цене, и любая скидка на этот объём даёт меньше плана. "
            "Сравнивайте с сегодняшней валовой прибылью (--benchmark today).",
        )
    if a == 1:
        return infeasible(
            "The plan is already met: there is no extra volume to pay for a discount, so any "
            "discount only lowers the profit.",
            "План уже выполнен: дополнительного объёма, который оплатил бы скидку, нет, и любая "
            "скидка только снизит прибыль.",
        )
    extra_margin = m - c
    if extra_margin <= 0:
        return infeasible(
            f"The extra volume costs {pct(c)} of its revenue to serve, at or above the {pct(m)} "
            f"margin: growing to plan adds no profit, so it pays for no discount.",
            f"Дополнительный объём стоит в обслуживании {pct(c, 'ru')} своей выручки — не меньше "
            f"маржи {pct(m, 'ru')}: рост до плана не добавляет прибыли и скидку не оплачивает.",
        )
    if plan_unit == "quantity":
        d = (1 - a) * extra_margin
        formula = "(1 − a)·m"
    else:
        d = (1 - a) * extra_margin / (1 - a * extra_margin)
        formula = "(1 − a)·m / (1 − a·m)"
    unit_en = "units" if plan_unit == "quantity" else "revenue at the discounted price"
    unit_ru = "в штуках" if plan_unit == "quantity" else "в выручке по цене со скидкой"
    cost_en = f", after {pct(c)} extra cost to serve," if c else ""
    cost_ru = f" с учётом {pct(c, 'ru')} доп. стоимости обслуживания" if c else ""
    en = (
        f"At {pct(a)} of a plan in {unit_en} and a {pct(m)} margin{cost_en} the largest discount "
        f"that reaches 100% of plan and keeps today's gross profit is {pct(d, digits=2)} "
        f"({formula}); volume must grow by {signed_pct(volume_gap)} at today's price. A deeper "
        f"discount reaches the plan but earns less than today."
    )
    ru = (
        f"При выполнении плана {unit_ru} на {pct(a, 'ru')} и марже {pct(m, 'ru')}{cost_ru} "
        f"наибольшая скидка, с которой план выполняется на 100 % без потери сегодняшней валовой "
        f"прибыли, — {pct(d, 'ru', 2)} ({formula}); объём должен вырасти на "
        f"{signed_pct(volume_gap, 'ru')}. Более глубокая скидка даст план, но меньше прибыли, чем "
        "сегодня."
    )
    return PlanDiscount(
        m, a, plan_unit, benchmark, True, None, d, volume_gap, Explanation(en, ru), c
    )
