"""The options of the give-get menu, each solved alone for parity with today's contribution.

The discount alone costs  need = d·R·(1 - f0)  over the period (f0 = r·DSO/365: a smaller invoice
also ties up less money). Each function below solves one lever for the amount that wins `need`
back, in the client's own units, with the money of `clientload.parity.client.deal_effects`, so that
`check_combination` with the option's `key=required` lands on parity to the cent.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from clientload.parity.checks import check_discount
from clientload.parity.client import ClientFigures
from clientload.parity.text import Explanation, money, number, pct

# What a unit of sales (a fraction of revenue) must still earn after the discount for more of it
# to pay: a margin rate equal to the discount, each rounded as floats, leaves ±1e-17 and would ask
# for 10^15 times today's volume, which the deal's check then cannot price to the cent.
EARNS_FLOOR = 1e-9


@dataclass(frozen=True)
class Option:
    """One thing the client can give that, alone, pays for the discount."""

    # volume | orders | changes | urgent | portal | pickup | payment_terms | prepayment | mix
    kind: str
    key: str  # the name to use in `--with KEY=VALUE` (mix:CATEGORY for mix)
    required: float | None  # the value to pass with the key, in `unit`
    unit: str
    current: float | None  # today's value in the same unit, where there is one
    feasible: bool
    reason: str | None
    explanation: Explanation
    details: dict[str, float] = field(default_factory=dict)
    category: str | None = None


def discount_cost(figures: ClientFigures, discount: float) -> float:
    """What the discount alone takes from the contribution over the period."""
    return check_discount(discount) * figures.revenue * (1 - figures.financing_rate)


# Russian text writes the rouble as its sign, as the rest of the Russian pages do ("7 945 ₽")
_SIGNS_RU = {"RUB": "₽", "RUR": "₽"}


def in_money(f: ClientFigures, amount: float, lang: str) -> str:
    unit = _SIGNS_RU.get(f.currency, f.currency) if lang == "ru" else f.currency
    return money(amount, lang) + (f" {unit}" if unit else "")


def make_option(
    kind: str,
    key: str,
    required: float | None,
    unit: str,
    current: float | None,
    en: str,
    ru: str,
    ok: bool,
    **details: float,
) -> Option:
    return Option(
        kind,
        key,
        required if ok else None,
        unit,
        current,
        ok,
        None if ok else en,
        Explanation(en, ru),
        dict(details),
    )


def volume_option(f: ClientFigures, d: float, need: float) -> Option:
    unit_margin = (f.margin_rate - d) - f.financing_rate * (1 - d)
    if unit_margin <= EARNS_FLOOR:
        return make_option(
            "volume",
            "volume",
            None,
            "fraction",
            0.0,
            f"The {pct(d)} discount is at or above what a sale earns for this client "
            f"({pct(f.margin_rate - f.financing_rate)} after financing): more of the same cannot "
            "pay for it.",
            f"Скидка {pct(d, 'ru')} не меньше того, что приносит продажа этому клиенту "
            f"({pct(f.margin_rate - f.financing_rate, 'ru')} после финансирования): больший объём "
            "её не окупит.",
            False,
        )
    u = need / (f.revenue * unit_margin)
    revenue_month = f.per_month(f.revenue * u * (1 - d))
    quantity_month = f.per_month(f.quantity * u)
    return make_option(
        "volume",
        "volume",
        u,
        "fraction",
        0.0,
        f"Buy {pct(u)} more of what it buys today: {in_money(f, revenue_month, 'en')} "
        f"and {number(quantity_month)} units more a month at the new price, in the same orders.",
        f"Покупать на {pct(u, 'ru')} больше того же: {in_money(f, revenue_month, 'ru')} и "
        f"{number(quantity_month, 'ru')} ед. в месяц больше по новой цене, в тех же заказах.",
        True,
        extra_revenue_per_month=revenue_month,
        extra_quantity_per_month=quantity_month,
    )


def orders_option(f: ClientFigures, d: float, need: float) -> Option:
    per_order = f.cost_per_order + f.deliveries_per_order * f.cost_per_delivery
    now = f.per_month(f.orders)
    if per_order <= 0 or f.orders <= 0:
        en, ru = (
            "No order handling cost is recorded for this client.",
            "У клиента нет затрат на обработку заказов.",
        )
        return make_option("orders", "orders", None, "orders per month", now, en, ru, False)
    after = f.orders - need / per_order
    if after < 1:
        return make_option(
            "orders",
            "orders",
            None,
            "orders per month",
            now,
            "Even one order for the whole period would save only "
            f"{in_money(f, (f.orders - 1) * per_order, 'en')} "
            f"of the {in_money(f, need, 'en')} the discount costs over the period.",
            "Даже один заказ за весь период сэкономит лишь "
            f"{in_money(f, (f.orders - 1) * per_order, 'ru')} "
            f"из {in_money(f, need, 'ru')}, которые скидка стоит за период.",
            False,
        )
    per_month = f.per_month(after)
    order_value = f.revenue / after
    return make_option(
        "orders",
        "orders",
        per_month,
        "orders per month",
        now,
        f"Order less often: {number(per_month)} orders a month instead of {number(now)}, "
        f"{in_money(f, order_value, 'en')} an order on average (each order and its delivery costs "
        f"{in_money(f, per_order, 'en')} to handle).",
        f"Заказывать реже: {number(per_month, 'ru')} заказа в месяц вместо {number(now, 'ru')}, "
        f"в среднем {in_money(f, order_value, 'ru')} за заказ (обработка заказа с доставкой стоит "
        f"{in_money(f, per_order, 'ru')}).",
        True,
        average_order_value=order_value,
        saving_per_order=per_order,
    )


def changes_option(f: ClientFigures, d: float, need: float) -> Option:
    now = f.changes / f.orders if f.orders else 0.0
    if f.cost_per_change <= 0 or f.changes <= 0:
        return make_option(
            "changes",
            "changes",
            None,
            "changes per order",
            now,
            "The client makes no costed order changes to cut.",
            "У клиента нет изменений заказов, которые можно сократить.",
            False,
        )
    after = f.changes - need / f.cost_per_change
    if after < 0:
        return make_option(
            "changes",
            "changes",
            None,
            "changes per order",
            now,
            "Even no changes at all would save only "
            f"{in_money(f, f.changes * f.cost_per_change, 'en')} "
            f"of the {in_money(f, need, 'en')} the discount costs over the period.",
            "Даже полный отказ от изменений сэкономит лишь "
            f"{in_money(f, f.changes * f.cost_per_change, 'ru')} "
            f"из {in_money(f, need, 'ru')}, которые скидка стоит за период.",
            False,
        )
    per_order = after / f.orders
    return make_option(
        "changes",
        "changes",
        per_order,
        "changes per order",
        now,
        f"Change orders less: {number(per_order, digits=2)} changes per order instead of "
        f"{number(now, digits=2)} (each costs {in_money(f, f.cost_per_change, 'en')}).",
        f"Реже менять заказы: {number(per_order, 'ru', 2)} изменения на заказ вместо "
        f"{number(now, 'ru', 2)} (каждое стоит {in_money(f, f.cost_per_change, 'ru')}).",
        True,
        saving_per_change=f.cost_per_change,
    )


def urgent_option(f: ClientFigures, d: float, need: float) -> Option:
    now = f.per_month(f.urgent_orders)
    if f.cost_per_urgent_order <= 0 or f.urgent_orders <= 0:
        return make_option(
            "urgent",
            "urgent",
            None,
            "urgent orders per month",
            now,
            "The client places no urgent orders to cut.",
            "У клиента нет срочных заказов, которые можно сократить.",
            False,
        )
    after = f.urgent_orders - need / f.cost_per_urgent_order
    if after < 0:
        return make_option(
            "urgent",
            "urgent",
            None,
            "urgent orders per month",
            now,
            "Even no urgent orders would save only "
            f"{in_money(f, f.urgent_orders * f.cost_per_urgent_order, 'en')} "
            f"of the {in_money(f, need, 'en')} the discount costs over the period.",
            f"Даже полный отказ от срочных заказов сэкономит лишь "
            f"{in_money(f, f.urgent_orders * f.cost_per_urgent_order, 'ru')} из "
            f"{in_money(f, need, 'ru')}.",
            False,
        )
    per_month = f.per_month(after)
    return make_option(
        "urgent",
        "urgent",
        per_month,
        "urgent orders per month",
        now,
        f"Plan ahead: {number(per_month)} urgent orders a month instead of {number(now)} "
        f"(each costs {in_money(f, f.cost_per_urgent_order, 'en')} extra).",
        f"Планировать заранее: {number(per_month, 'ru')} срочных заказа в месяц вместо "
        f"{number(now, 'ru')} (каждый стоит {in_money(f, f.cost_per_urgent_order, 'ru')} сверху).",
        True,
    )


def mix_option(
    f: ClientFigures, d: float, need: float, category: str, margin_rate: float
) -> Option:
    key = f"mix:{category}"
    lines_cost = f.cost_per_line / f.line_value if f.line_value else 0.0
    earns = (margin_rate - d) - f.financing_rate * (1 - d) - lines_cost
    if earns <= EARNS_FLOOR:
        option = make_option(
            "mix",
            key,
            None,
            "revenue per month",
            0.0,
            f"{category} earns {pct(margin_rate)}, no more than the {pct(d)} discount and the cost "
            f"of serving it: adding it does not pay for the discount.",
            f"Категория «{category}» даёт маржу {pct(margin_rate, 'ru')}, не больше скидки "
            f"{pct(d, 'ru')} и затрат на обслуживание: её добавление скидку не окупает.",
            False,
            margin_rate=margin_rate,
        )
    else:
        per_month = f.per_month(need / earns)
        option = make_option(
            "mix",
            key,
            per_month,
            "revenue per month",
            0.0,
            f"Add {category}, which it does not buy from us yet ({pct(margin_rate)} margin): "
            f"{in_money(f, per_month, 'en')} a month at list price "
            f"({in_money(f, per_month * (1 - d), 'en')} after the discount).",
            f"Добавить категорию «{category}», которую клиент у нас пока не покупает (маржа "
            f"{pct(margin_rate, 'ru')}): "
            f"{in_money(f, per_month, 'ru')} в месяц по прайсу "
            f"({in_money(f, per_month * (1 - d), 'ru')} со скидкой).",
            True,
            margin_rate=margin_rate,
        )
    return replace(option, category=category)
