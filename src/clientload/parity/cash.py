"""Cash discount terms "d/D net N" as an annual rate of interest.

A buyer who skips a discount d to pay N days instead of D borrows (1 - d) for N - D days and pays
d for it: a rate of d / (1 - d) per period of N - D days. Simple (nominal) annual rate:
d / (1 - d) · 365 / (N - D); compounded (effective): (1 + d / (1 - d))^(365 / (N - D)) - 1.
"2/10 net 30": 37.24% nominal, 44.59% effective.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from clientload.errors import ClientloadError
from clientload.parity.checks import check_discount, check_non_negative
from clientload.parity.text import Explanation, pct


@dataclass(frozen=True)
class CashDiscount:
    """The annual rate that a cash discount's terms amount to."""

    discount: float
    discount_days: float
    net_days: float
    feasible: bool
    reason: str | None
    nominal_annual_rate: float
    effective_annual_rate: float
    explanation: Explanation
    cost_of_capital: float | None = None
    rate_above_cost_of_capital: bool | None = None


def cash_discount_rates(
    discount: float,
    discount_days: float,
    net_days: float,
    *,
    cost_of_capital: float | None = None,
) -> CashDiscount:
    """Nominal d/(1-d)·365/(N-D) and effective (1 + d/(1-d))^(365/(N-D)) - 1 annual rates."""
    d = check_discount(discount, "discount")
    days_early = check_non_negative(discount_days, "discount-days")
    days_net = check_non_negative(net_days, "net-days")
    if days_net <= days_early:
        raise ClientloadError(
            f"net-days is {days_net:g}, not after discount-days {days_early:g}; "
            "expected the net term to be longer than the discount window (e.g. 2/10 net 30)"
        )
    per_period = d / (1 - d)
    periods = 365 / (days_net - days_early)
    nominal = per_period * periods
    effective = math.expm1(periods * math.log1p(per_period))
    terms = f"{d * 100:g}/{days_early:g} net {days_net:g}"
    en = (
        f'"{terms}": paying {days_net - days_early:g} days later costs {pct(per_period, digits=2)} '
        f"of the amount, {pct(nominal, digits=2)} a year simple and {pct(effective, digits=2)} "
        f"compounded. A buyer who can borrow cheaper should take the discount; for the seller it "
        f"is the price of getting paid early."
    )
    terms_ru = (
        f"{f'{d * 100:g}'.replace('.', ',')} % при оплате за {days_early:g} дн., иначе оплата за "
        f"{days_net:g} дн."
    )
    ru = (
        f"«{terms_ru}»: оплата на {days_net - days_early:g} дн. позже стоит "
        f"{pct(per_period, 'ru', 2)} "
        f"суммы — {pct(nominal, 'ru', 2)} годовых простых и {pct(effective, 'ru', 2)} сложных. "
        f"Покупателю, который может занять дешевле, выгодно брать скидку; для продавца это цена "
        f"быстрых денег."
    )
    above = None
    if cost_of_capital is not None:
        r = check_non_negative(cost_of_capital, "cost-of-capital")
        above = effective > r
        en += f" Against a cost of capital of {pct(r)} the discount is " + (
            "more expensive money than borrowing." if above else "cheaper money than borrowing."
        )
        ru += f" При стоимости капитала {pct(r, 'ru')} такая скидка — " + (
            "деньги дороже кредита." if above else "деньги дешевле кредита."
        )
    return CashDiscount(
        d,
        days_early,
        days_net,
        True,
        None,
        nominal,
        effective,
        Explanation(en, ru),
        cost_of_capital,
        above,
    )
