"""Give-get options that are shares of a lever: portal ordering, pickup, prepayment, and the days
off payment terms. Each is solved alone for parity, like the options in `clientload.parity.options`.
"""

from __future__ import annotations

from clientload.parity.client import ClientFigures
from clientload.parity.options import Option, in_money, make_option
from clientload.parity.text import number, pct


def share_option(
    kind: str, f: ClientFigures, need: float, full_saving: float, texts: dict[str, tuple[str, str]]
) -> Option:
    """Portal, pickup and prepayment: the share of the lever that wins `need` back."""
    if full_saving <= 0:
        en, ru = texts["none"]
        return make_option(kind, kind, None, "share", 0.0, en, ru, False)
    share = need / full_saving
    if share > 1:
        en, ru = texts["short"]
        return make_option(kind, kind, None, "share", 0.0, en, ru, False, full_saving=full_saving)
    en, ru = texts["ok"]
    return make_option(
        kind,
        kind,
        share,
        "share",
        0.0,
        en.format(share=pct(share)),
        ru.format(share=pct(share, "ru")),
        True,
        full_saving=full_saving,
    )


def portal_option(f: ClientFigures, d: float, need: float) -> Option:
    full = f.portal_saving
    return share_option(
        "portal",
        f,
        need,
        full,
        {
            "none": (
                "No ordering or service work is recorded that a portal could take over.",
                "Нет работы по заказам и обслуживанию, которую мог бы взять на себя портал.",
            ),
            "short": (
                f"Even all ordering through the portal saves only {in_money(f, full, 'en')} of the "
                f"{in_money(f, need, 'en')} the discount costs over the period.",
                f"Даже все заказы через портал сэкономят лишь {in_money(f, full, 'ru')} из "
                f"{in_money(f, need, 'ru')}, которые скидка стоит за период.",
            ),
            "ok": (
                "Order through the portal / web shop: {share} of the orders it places by hand, "
                "with the edits and calls around them (all of them would save "
                f"{in_money(f, full, 'en')}).",
                "Заказывать через портал / интернет-магазин: {share} заказов, которые идут "
                "вручную, вместе с правками и звонками вокруг них (все заказы сэкономили бы "
                f"{in_money(f, full, 'ru')}).",
            ),
        },
    )


def pickup_option(f: ClientFigures, d: float, need: float) -> Option:
    full = f.deliveries * f.cost_per_delivery
    return share_option(
        "pickup",
        f,
        need,
        full,
        {
            "none": (
                "The client has no deliveries to replace with pickup.",
                "У клиента нет доставок, которые можно заменить самовывозом.",
            ),
            "short": (
                f"Even collecting every order itself saves only {in_money(f, full, 'en')} of the "
                f"{in_money(f, need, 'en')} the discount costs over the period.",
                f"Даже самовывоз всех заказов сэкономит лишь {in_money(f, full, 'ru')} из "
                f"{in_money(f, need, 'ru')}, которые скидка стоит за период.",
            ),
            "ok": (
                "Collect {share} of its deliveries itself "
                f"(each delivery costs {in_money(f, f.cost_per_delivery, 'en')}).",
                "Забирать самовывозом {share} поставок "
                f"(каждая доставка стоит {in_money(f, f.cost_per_delivery, 'ru')}).",
            ),
        },
    )


def prepayment_option(f: ClientFigures, d: float, need: float) -> Option:
    full = f.financing_rate * f.revenue * (1 - d)
    return share_option(
        "prepayment",
        f,
        need,
        full,
        {
            "none": (
                "The client already pays on delivery: there is no credit to shorten.",
                "Клиент уже платит при отгрузке: отсрочку сокращать некуда.",
            ),
            "short": (
                f"Even full prepayment saves only {in_money(f, full, 'en')} of financing "
                f"({pct(f.cost_of_capital)} a year on {number(f.dso_days, digits=0)} days) against "
                "the "
                f"{in_money(f, need, 'en')} the discount costs over the period.",
                f"Даже полная предоплата сэкономит лишь {in_money(f, full, 'ru')} на "
                "финансировании "
                f"({pct(f.cost_of_capital, 'ru')} годовых за {number(f.dso_days, 'ru', 0)} дн.) из "
                f"{in_money(f, need, 'ru')}, которые скидка стоит за период.",
            ),
            "ok": (
                "Pay {share} of its purchases in advance "
                f"(today it pays in {number(f.dso_days, digits=0)} days on average).",
                "Оплачивать вперёд {share} закупок "
                f"(сегодня платит в среднем через {number(f.dso_days, 'ru', 0)} дн.).",
            ),
        },
    )


def payment_terms_option(f: ClientFigures, d: float, need: float) -> Option:
    per_day = f.cost_of_capital / 365 * f.revenue * (1 - d)
    if per_day <= 0 or f.dso_days <= 0:
        return make_option(
            "payment_terms",
            "payment_terms",
            None,
            "days",
            f.dso_days,
            "The client already pays on delivery (or money costs nothing in the settings).",
            "Клиент уже платит при отгрузке (или стоимость капитала в настройках нулевая).",
            False,
        )
    days = need / per_day
    if days > f.dso_days:
        return make_option(
            "payment_terms",
            "payment_terms",
            None,
            "days",
            f.dso_days,
            f"It would take {number(days, digits=0)} days off payment, more than the "
            f"{number(f.dso_days, digits=0)} days it takes today.",
            f"Потребовалось бы сократить оплату на {number(days, 'ru', 0)} дн. — больше, чем "
            f"{number(f.dso_days, 'ru', 0)} дн., за которые клиент платит сегодня.",
            False,
        )
    terms = f.payment_terms_days
    new_terms_en = (
        f" (terms {number(terms, digits=0)} → {number(max(terms - days, 0), digits=0)} days)"
        if terms
        else ""
    )
    new_terms_ru = (
        f" (отсрочка {number(terms, 'ru', 0)} → {number(max(terms - days, 0), 'ru', 0)} дн.)"
        if terms
        else ""
    )
    return make_option(
        "payment_terms",
        "payment_terms",
        days,
        "days",
        f.dso_days,
        f"Pay {number(days, digits=1)} days sooner: {number(f.dso_days - days, digits=1)} days "
        f"instead of {number(f.dso_days, digits=1)}{new_terms_en}; each day is worth "
        f"{in_money(f, per_day, 'en')} at {pct(f.cost_of_capital)} a year.",
        f"Платить на {number(days, 'ru', 1)} дн. раньше: через "
        f"{number(f.dso_days - days, 'ru', 1)} дн. "
        f"вместо {number(f.dso_days, 'ru', 1)}{new_terms_ru}; каждый день стоит "
        f"{in_money(f, per_day, 'ru')} при {pct(f.cost_of_capital, 'ru')} годовых.",
        True,
        value_per_day=per_day,
    )
