"""Sales activation: with today's team, how much more can be sold, and what discount that funds.

The model (`out/activation.parquet`) frees the minutes that price-driven clients take in the
sales and service departments once they order through self-service. Two readings of that time:
- **more sales**: the *sales* department's freed hours × today's revenue per sales hour (company
  revenue ÷ hours the sales department used) is the revenue the same team could add, bounded by
  what the other departments' spare time can serve (their revenue capacity); at the company's
  gross margin rate it is gross profit. Other departments' freed hours are valued at their own
  yield — cost saved, or more orders at the margin per order — never at the sales team's;
- **a discount it funds**: the cost of the freed time, given back as a discount on the revenue of
  the clients who free it (the price-driven ones): d = freed cost ÷ their revenue, so that
  d × their revenue = freed cost and the company's profit stays as it is.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from clientload.parity.checks import check_non_negative
from clientload.parity.text import Explanation, money, number, pct


@dataclass(frozen=True)
class DepartmentActivation:
    """One row of `out/activation.parquet`: what one department frees."""

    department: str
    price_driven_clients: int
    freed_hours: float
    freed_cost: float
    revenue_per_sales_hour: float | None
    sales_department: bool = False
    potential_revenue: float | None = None
    order_capacity: float | None = None
    potential_margin: float | None = None
    revenue_capacity: float | None = None


@dataclass(frozen=True)
class Activation:
    """Freed capacity as revenue and as a discount the price-driven clients could get for free."""

    departments: tuple[DepartmentActivation, ...]
    freed_hours: float
    freed_cost: float
    potential_revenue: float
    unbounded_revenue: float
    bound_department: str | None
    potential_gross_margin: float | None
    price_driven_revenue: float
    fundable_discount: float | None
    feasible: bool
    reason: str | None
    explanation: Explanation


def activation_funding(
    departments: Iterable[DepartmentActivation],
    *,
    price_driven_revenue: float,
    gross_margin_rate: float | None = None,
) -> Activation:
    """Revenue the freed hours bring at today's revenue per sales hour, and the discount
    d = Σ freed cost / price-driven clients' revenue that the freed time pays for."""
    rows = tuple(departments)
    revenue = check_non_negative(price_driven_revenue, "price-driven revenue")
    hours = sum(check_non_negative(r.freed_hours, "freed_hours") for r in rows)
    cost = sum(check_non_negative(r.freed_cost, "freed_cost") for r in rows)
    unbounded = sum(r.potential_revenue or 0.0 for r in rows if r.sales_department)
    bounds = [
        (r.revenue_capacity, r.department)
        for r in rows
        if not r.sales_department and r.revenue_capacity is not None
    ]
    bound, where = min(bounds) if bounds else (None, None)
    potential = unbounded if bound is None else min(unbounded, bound)
    bounded_by = where if bound is not None and bound < unbounded else None
    potential_gm = potential * gross_margin_rate if gross_margin_rate is not None else None

    def result(feasible: bool, d: float | None, en: str, ru: str) -> Activation:
        return Activation(
            rows, hours, cost, potential, unbounded, bounded_by, potential_gm, revenue, d,
            feasible, None if feasible else en, Explanation(en, ru),
        )  # fmt: skip

    if hours <= 0:
        return result(
            False,
            None,
            "Self-service frees no time: there are no price-driven clients with minutes in the "
            "sales and service departments, so there is no capacity to sell more and no discount "
            "to fund.",
            "Самообслуживание не освобождает времени: нет ценовых клиентов с минутами в продажах "
            "и обслуживании — нет ни мощности для новых продаж, ни скидки, которую она оплатит.",
        )
    sales_hours = sum(r.freed_hours for r in rows if r.sales_department)
    more_en = (
        f"{number(sales_hours)} freed sales hours could sell about {money(potential)} more"
    )
    more_ru = (
        f"{number(sales_hours, 'ru')} освобождённых часов продаж могут дать около "
        f"{money(potential, 'ru')}"
    )
    if potential_gm is not None:
        more_en += f" ({money(potential_gm)} of gross profit)"
        more_ru += f" выручки ({money(potential_gm, 'ru')} валовой прибыли)"
    else:
        more_ru += " выручки"
    more_en += " at today's revenue per sales hour"
    more_ru += " по сегодняшней выручке на час работы продаж"
    if bounded_by is not None:
        more_en += (
            f", no more than the {bounded_by} department's spare time can serve (unbounded: "
            f"{money(unbounded)})"
        )
        more_ru += (
            f" — не больше, чем может обслужить свободное время подразделения «{bounded_by}» "
            f"(без этого предела: {money(unbounded, 'ru')})"
        )
    more_en += "."
    more_ru += "."
    if revenue <= 0:
        return result(
            False,
            None,
            more_en + " The price-driven clients have no revenue, so no discount can be set "
            "against it.",
            more_ru + " У ценовых клиентов нет выручки, и скидку к ней привязать нельзя.",
        )
    d = cost / revenue
    en = (
        f"{more_en} Or: the freed time costs {money(cost)}, which pays for a discount of "
        f"{pct(d, digits=2)} on the {money(revenue)} that the price-driven clients buy "
        "(freed cost ÷ their revenue), without lowering the company's profit."
    )
    ru = (
        f"{more_ru} Или: освобождённое время стоит {money(cost, 'ru')} — это оплачивает скидку "
        f"{pct(d, 'ru', 2)} на {money(revenue, 'ru')} покупок ценовых клиентов (стоимость "
        "освобождённого времени ÷ их выручка) без снижения прибыли компании."
    )
    return result(True, d, en, ru)
