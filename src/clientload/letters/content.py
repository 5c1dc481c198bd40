"""What a client letter says: the text and figures, in the client's language, from plain data.

Pure: the inputs are the client's rows of the model's results (`client_metrics`, `client_costs`,
`policy_deviations`, `career`), its group's `[policy.<segment>]` and the career ladder
(`[[career.levels]]`); the output is a `Letter` of finished sentences and formatted figures that a
template only lays out. No files, no HTML.

The tone is the one a sales director would sign: no client is "bad"; the letter says what the
client's level includes, what its way of working takes from us, and how to reach the next level.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from clientload.i18n import format_money, format_number, format_percent, translator
from clientload.letters.ladder import Step, ladder, level_name, level_perks
from clientload.model.labels import client_facing_label, rule_label

Row = dict[str, Any]


@dataclass(frozen=True)
class Figure:
    label: str
    value: str
    note: str = ""


@dataclass(frozen=True)
class Letter:
    lang: str
    client_id: str
    client_name: str
    manager: str
    segment: str
    date: str
    subject: str
    greeting: str
    intro: str
    group: str
    level: str
    perks: str
    policy: list[str]
    work_intro: str
    figures: list[Figure]
    drivers: str
    deviations: list[Figure]
    next_level: str
    next_perks: str
    steps: list[str]
    ladder: list[Step]
    closing: str
    signature: str
    company: str = ""
    titles: dict[str, str] = field(default_factory=dict)


def _value(row: Row | None, key: str, default: float = 0.0) -> float:
    """A number from a result row; missing or NaN reads as `default`."""
    value = (row or {}).get(key)
    if value is None:
        return default
    try:
        number = float(value)
    except (TypeError, ValueError):
        return default
    return default if math.isnan(number) else number


def _activity_names(_: Callable[[str], str]) -> dict[str, str]:
    """The default activities as a client would name them (settings may add others)."""
    return {
        "order_entry": _("taking and entering your orders"),
        "order_change": _("changes to orders already placed"),
        "inquiry": _("questions to our customer service"),
        "complaint": _("complaints"),
        "claim": _("claims"),
        "invoicing": _("invoices and documents"),
        "delivery": _("deliveries"),
        "call": _("phone calls with your manager"),
        "email": _("e-mails"),
        "visit": _("visits"),
        "meeting": _("meetings"),
        "urgent_handling": _("urgent orders"),
        "picking": _("picking order lines in the warehouse"),
        "return": _("returns"),
        "storage": _("storing your goods in our warehouse"),
        "financing": _("payment terms (money in receivables)"),
    }


def policy_lines(policy: Row, payment_terms_days: float | None, lang: str,
                 currency: str) -> list[str]:
    """The group's service package (`[policy.<segment>]`) as sentences for the client."""
    _ = translator(lang)
    money = lambda v: format_money(v, lang, currency)  # noqa: E731
    if not policy:
        return [_("Our standard terms of service apply to your orders.")]
    lines: list[str] = []
    if policy.get("channel") == "portal":
        lines.append(_("You order through our web portal: prices, stock and order status "
                       "around the clock, without waiting for a call back."))
    elif policy.get("dedicated_manager"):
        lines.append(_("A dedicated account manager takes care of your orders."))
    else:
        lines.append(_("Your orders are taken by your manager and our sales desk."))
    if policy.get("priority_shipping"):
        lines.append(_("Your orders are shipped first."))
    free_changes = int(_value(policy, "free_changes_per_order"))
    if free_changes > 0:
        lines.append(_("Up to {n} changes to an order are free of charge.").format(n=free_changes))
    else:
        lines.append(_("Orders are shipped as placed; please check them before sending."))
    minimum = _value(policy, "min_order_value")
    if minimum > 0:
        lines.append(_("Minimum order: {amount}.").format(amount=money(minimum)))
    urgent_share = _value(policy, "max_urgent_share")
    fee = _value(policy, "urgent_fee")
    if urgent_share > 0:
        lines.append(_("Urgent orders: up to {share} of your orders.").format(
            share=format_percent(urgent_share, lang, 0)))
    if fee > 0:
        lines.append(_("An urgent order costs {amount}.").format(amount=money(fee)))
    elif urgent_share <= 0:
        lines.append(_("Urgent orders are not part of the package."))
    if policy.get("payment") == "prepayment":
        lines.append(_("Payment: prepayment."))
    elif payment_terms_days:
        lines.append(_("Payment: {days} days after delivery.").format(
            days=format_number(payment_terms_days, lang)))
    if policy.get("free_delivery") is False:
        lines.append(_("Delivery is charged at cost; pickup from our warehouse is free."))
    else:
        lines.append(_("Delivery is free of charge."))
    return lines


def main_drivers(costs: list[Row], top: int = 3) -> list[tuple[str, float]]:
    """The activities that cost most to serve the client, with their share of its cost."""
    by_activity: dict[str, float] = {}
    for row in costs:
        by_activity[str(row.get("activity"))] = (by_activity.get(str(row.get("activity")), 0.0)
                                                 + _value(row, "cost"))
    total = sum(v for v in by_activity.values() if v > 0)
    if total <= 0:
        return []
    ranked = sorted(((k, v) for k, v in by_activity.items() if v > 0), key=lambda kv: -kv[1])
    return [(activity, cost / total) for activity, cost in ranked[:top]]


def way_of_working(metrics: Row, policy: Row, costs: list[Row], months: float, lang: str,
                   currency: str) -> tuple[str, list[Figure], str]:
    """(the opening sentence, the client's figures with what its package includes, the drivers)."""
    _ = translator(lang)
    revenue = _value(metrics, "revenue")
    cost_to_serve = _value(metrics, "cost_to_serve")
    hours = _value(metrics, "load_minutes") / 60
    intro = _("Over the last {months} months, serving you took about {hours} hours of our "
              "team's time. Together with storage and payment terms this is worth {cost}, "
              "or {share} of your purchases.").format(
        months=format_number(months, lang), hours=format_number(hours, lang),
        cost=format_money(cost_to_serve, lang, currency),
        share=format_percent(cost_to_serve / revenue, lang) if revenue > 0 else "—")
    orders = _value(metrics, "orders")
    included = int(_value(policy, "free_changes_per_order")) if policy else None
    urgent_allowed = _value(policy, "max_urgent_share") if policy else None
    figures = [
        Figure(_("Orders per month"), format_number(_value(metrics, "orders_per_month"), lang, 1),
               _("average order {amount}").format(amount=format_money(
                   _value(metrics, "average_order_value"), lang, currency))),
        Figure(_("Changes per order"), format_number(_value(metrics, "changes_per_order"), lang, 2),
               _("{n} included").format(n=included) if included is not None else ""),
        Figure(_("Urgent orders"), format_percent(_value(metrics, "urgent_share"), lang, 0),
               _("up to {share} included").format(share=format_percent(urgent_allowed, lang, 0))
               if urgent_allowed is not None else ""),
        Figure(_("Deliveries"), format_number(_value(metrics, "deliveries"), lang),
               _("{orders} orders").format(orders=format_number(orders, lang))),
        Figure(_("Cost to serve"), format_money(cost_to_serve, lang, currency),
               _("{amount} per order").format(amount=format_money(cost_to_serve / orders, lang,
                                                                 currency)) if orders else ""),
    ]
    names = _activity_names(_)
    drivers = main_drivers(costs)
    text = ""
    if drivers:
        parts = [f"{names.get(a, a.replace('_', ' '))} ({format_percent(s, lang, 0)})"
                 for a, s in drivers]
        text = _("Most of this goes to {items}.").format(items=", ".join(parts))
    return intro, figures, text


def deviation_lines(deviations: list[Row], lang: str, currency: str) -> list[Figure]:
    """The client's departures from its package that cost us most, politely named."""
    ranked = sorted(deviations, key=lambda r: -_value(r, "cost"))
    return [Figure(rule_label(str(r.get("rule")), lang),
                   format_money(_value(r, "cost"), lang, currency))
            for r in ranked if _value(r, "cost") > 0][:4]


def next_steps(career: Row | None, next_level: Row | None, lang: str,
               currency: str) -> list[str]:
    """The concrete steps to the next level: each gap of the model's `career` row as a sentence."""
    if not career or not next_level:
        return []
    _ = translator(lang)
    steps: list[str] = []
    revenue_gap = _value(career, "revenue_gap_per_month")
    if revenue_gap > 0:
        now = _value(career, "monthly_revenue")
        steps.append(_("Buy for {target} a month (today {now}, {gap} more).").format(
            target=format_money(now + revenue_gap, lang, currency),
            now=format_money(now, lang, currency),
            gap=format_money(revenue_gap, lang, currency)))
    categories_gap = _value(career, "categories_gap")
    if categories_gap > 0:
        now = _value(career, "categories_bought")
        steps.append(_("Buy from {target} categories of our range (today {now}).").format(
            target=format_number(now + categories_gap, lang),
            now=format_number(now, lang)))
    if _value(career, "orders_per_month_to_cut") > 0:
        steps.append(_("Combine purchases into at most {target} orders a month "
                       "(today {now}).").format(
            target=format_number(_value(next_level, "max_orders_per_month"), lang),
            now=format_number(_value(career, "orders_per_month"), lang, 1)))
    if _value(career, "changes_per_order_to_cut") > 0:
        steps.append(_("Send orders complete: at most {target} changes per order "
                       "(today {now}).").format(
            target=format_number(_value(next_level, "max_changes_per_order"), lang, 1),
            now=format_number(_value(career, "changes_per_order"), lang, 2)))
    if _value(career, "regularity_cv_to_cut") > 0:
        steps.append(_("Buy steadily: in every period of your usual rhythm, in similar amounts, "
                       "without long pauses."))
    return steps


def build_letter(*, metrics: Row, costs: list[Row], deviations: list[Row], career: Row | None,
                 policy: Row, levels: list[Row], months: float, lang: str, currency: str = "RUB",
                 company: str = "", today: dt.date | None = None) -> Letter:
    """The whole letter for one client (see the module docstring for the inputs)."""
    _ = translator(lang)
    today = today or dt.date.today()
    by_code = {str(lv.get("code")): lv for lv in levels}
    level = by_code.get(str((career or {}).get("level")))
    upcoming = by_code.get(str((career or {}).get("next_level")))
    segment = str(metrics.get("segment") or "")
    name = str(metrics.get("name") or metrics.get("client_id"))
    manager = str(metrics.get("manager") or "")
    terms = _value(metrics, "payment_terms_days", 0.0) or None
    work_intro, figures, drivers = way_of_working(metrics, policy, costs, months, lang, currency)
    steps = next_steps(career, upcoming, lang, currency)
    if upcoming and not steps:
        steps = [_("You already meet the criteria; the new level applies from the next review.")]
    return Letter(
        lang=lang, client_id=str(metrics.get("client_id")), client_name=name, manager=manager,
        segment=segment,
        date=today.strftime("%d.%m.%Y") if lang == "ru" else today.strftime("%d %B %Y"),
        subject=_("Your service level and how to reach the next one"),
        greeting=_("Dear partners,"),
        intro=_("Thank you for working with us. We serve every client by clear rules: each "
                "level of our partnership has its own service, and we want you to know yours "
                "and what the next level gives."),
        group=client_facing_label(segment, lang),
        level=level_name(level, lang),
        perks=level_perks(level, lang),
        policy=policy_lines(policy, terms, lang, currency),
        work_intro=work_intro, figures=figures, drivers=drivers,
        deviations=deviation_lines(deviations, lang, currency),
        next_level=level_name(upcoming, lang),
        next_perks=level_perks(upcoming, lang),
        steps=steps,
        ladder=ladder(levels, career, lang, currency),
        closing=(_("{manager}, your manager, will be glad to discuss these steps with you.")
                 .format(manager=manager) if manager else
                 _("Your manager will be glad to discuss these steps with you.")),
        signature=_("Yours sincerely,"),
        company=company,
        titles={
            "level": _("Your level and the service it includes"),
            "work": _("What our work together takes today"),
            "deviations": _("Beyond your package"),
            "next": _("Your next level: {level}").format(level=level_name(upcoming, lang)),
            "top": _("You are at our highest level. Thank you for the partnership."),
            "group": _("Client group"),
            "career": _("Level"),
            "perks": _("Included"),
            "next_perks": _("What the next level gives"),
            "client": _("Client"),
            "manager": _("Manager"),
            "steps": _("What it takes"),
            "sales_team": _("Sales department"),
            "ladder": _("Our partnership levels"),
            "step": _("Level"),
            "asks": _("What it asks"),
            "gives": _("What it gives"),
            "here": _("you are here"),
            "next_step": _("your next step"),
        },
    )
