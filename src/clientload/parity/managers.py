"""Task 2 per manager: plan and actual sales → the largest discount that reaches the plan.

Pure: the figures come in a `ManagerFigures` (read by `parity.store`), the answer is the Task 2
formula of `plan.py` applied to the manager's own attainment a and margin m:
- the plan unit is revenue where the manager has a revenue plan for the period, else quantity;
- m is the manager's gross margin ÷ revenue (or, with `margin_source="contribution"`, the
  contribution margin of the manager's clients in the model's outputs);
- with a cost to serve known, the extra volume brings extra orders at today's revenue per order,
  each costing the manager's clients' cost per order, so it earns m − c with c = cost to serve ÷
  revenue of those clients (cost per order ÷ revenue per order).
A manager at or above plan needs no discount; against the planned profit no discount can work.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from clientload.errors import ClientloadError
from clientload.parity.plan import Benchmark, plan_max_discount
from clientload.parity.text import Explanation, money, pct, signed_pct

MarginSource = Literal["gross", "contribution"]


@dataclass(frozen=True)
class ManagerFigures:
    """One manager over the period: the plan (summed over its months) and what was sold."""

    manager: str
    revenue_plan: float | None
    quantity_plan: float | None
    margin_plan: float | None
    revenue: float
    quantity: float
    gross_margin: float
    # From the model's outputs (`out/client_metrics.parquet`), the manager's clients; None when the
    # model has not run.
    client_revenue: float | None = None
    client_contribution: float | None = None
    client_cost_to_serve: float | None = None
    client_orders: float | None = None


@dataclass(frozen=True)
class ManagerPlan:
    """The Task 2 answer for one manager, with the figures behind it."""

    manager: str
    plan_unit: str | None
    benchmark: str
    revenue_plan: float | None
    quantity_plan: float | None
    margin_plan: float | None
    revenue: float
    quantity: float
    gross_margin: float
    attainment: float | None
    margin: float | None
    margin_source: str
    feasible: bool
    reason: str | None
    max_discount: float | None
    # the volume change that reaches the plan: 1/a − 1, or 1/(a(1 − d)) − 1 for a revenue plan
    # reached at the discounted price
    volume_change: float | None
    extra_cost_to_serve_rate: float
    extra_orders: float | None
    extra_cost_to_serve: float | None
    explanation: Explanation


def _positive(value: float | None) -> bool:
    return value is not None and value > 0


def manager_plan_discount(
    figures: ManagerFigures,
    *,
    benchmark: Benchmark = "today",
    plan_unit: Literal["quantity", "revenue"] | None = None,
    margin_source: MarginSource = "gross",
    with_cost_to_serve: bool = False,
) -> ManagerPlan:
    """The largest discount on the manager's whole volume that reaches 100% of plan and keeps
    today's gross profit; `feasible=False` with the reason where no discount is needed or none
    can work."""
    if benchmark not in ("today", "plan"):
        raise ClientloadError(f"--benchmark is {benchmark!r}; expected today or plan")
    if margin_source not in ("gross", "contribution"):
        raise ClientloadError(
            f"--margin-source is {margin_source!r}; expected gross or contribution"
        )
    f = figures
    asked_unit = plan_unit
    if plan_unit is None:
        plan_unit = "revenue" if _positive(f.revenue_plan) else "quantity"
    plan_value = f.revenue_plan if plan_unit == "revenue" else f.quantity_plan
    actual = f.revenue if plan_unit == "revenue" else f.quantity
    attainment = actual / plan_value if _positive(plan_value) else None  # type: ignore[operator]

    margin: float | None = f.gross_margin / f.revenue if f.revenue > 0 else None
    if margin_source == "contribution":
        margin = (
            f.client_contribution / f.client_revenue  # type: ignore[operator]
            if _positive(f.client_revenue) and f.client_contribution is not None
            else None
        )
    cost_rate = 0.0
    if with_cost_to_serve and _positive(f.client_revenue) and f.client_cost_to_serve is not None:
        cost_rate = max(f.client_cost_to_serve / f.client_revenue, 0.0)  # type: ignore[operator]
    if margin_source == "contribution":
        cost_rate = 0.0  # the contribution margin already has the cost to serve taken off

    def answer(
        feasible: bool, en: str, ru: str, d: float | None = None, gap: float | None = None
    ) -> ManagerPlan:
        extra_orders = extra_cost = None
        if gap is not None and gap > 0:
            if _positive(f.client_orders) and _positive(f.client_revenue):
                # at the clients' revenue per order (the model's period may differ from the plan's)
                per_order = f.client_revenue / f.client_orders  # type: ignore[operator]
                extra_orders = f.revenue * gap / per_order
            if cost_rate:
                extra_cost = cost_rate * f.revenue * gap
        return ManagerPlan(
            f.manager, plan_unit if _positive(plan_value) else None, benchmark, f.revenue_plan,
            f.quantity_plan, f.margin_plan, f.revenue, f.quantity, f.gross_margin, attainment,
            margin, margin_source, feasible, None if feasible else en, d, gap, cost_rate,
            extra_orders, extra_cost, Explanation(en, ru),
        )  # fmt: skip

    who = f.manager
    if attainment is None:
        unit_en = "revenue or quantity" if asked_unit is None else plan_unit
        unit_ru = {None: "ни в выручке, ни в штуках", "revenue": "в выручке",
                   "quantity": "в штуках"}[asked_unit]  # fmt: skip
        return answer(
            False,
            f"{who} has no {unit_en} plan for the period, so there is no plan to reach.",
            f"У менеджера {who} нет плана {unit_ru} на период — выполнять нечего.",
        )
    if attainment <= 0:
        return answer(
            False,
            f"{who} sold nothing against the plan in the period; a discount on no sales pays for "
            "nothing. Look at the clients first.",
            f"Менеджер {who} ничего не продал в счёт плана за период; скидка на нулевые продажи "
            "ничего не оплатит. Сначала разберитесь с клиентами.",
        )
    if attainment >= 1:
        return answer(
            False,
            f"{who} is at {pct(attainment)} of plan: the plan is met, no discount is needed, and "
            "any discount would only lower the profit.",
            f"Менеджер {who} выполнил план на {pct(attainment, 'ru')}: скидка не нужна, любая "
            "скидка только снизит прибыль.",
        )
    if margin is None or not 0 < margin < 1:
        shown = "—" if margin is None else pct(margin)
        return answer(
            False,
            f"{who}'s margin is {shown}: with no positive margin more volume adds no profit, so "
            "it pays for no discount.",
            f"Маржа менеджера {who} — {shown.replace('.', ',')}: без положительной маржи рост "
            "объёма не даёт прибыли и скидку не оплачивает.",
        )
    result = plan_max_discount(
        margin, attainment, plan_unit, benchmark, extra_cost_to_serve_rate=cost_rate
    )
    gap = result.required_volume_change
    if result.feasible and plan_unit == "revenue":
        # at the discounted price the revenue plan needs more volume than 1/a
        gap = 1 / (attainment * (1 - result.max_discount)) - 1  # type: ignore[operator]
    en, ru = result.explanation.en, result.explanation.ru
    if result.feasible and plan_unit == "revenue":
        en += f" With the discount the volume itself grows by {signed_pct(gap)}."
        ru += f" Со скидкой сам объём вырастет на {signed_pct(gap, 'ru')}."
    if result.feasible and cost_rate:
        extra = cost_rate * f.revenue * gap
        en += f" The extra orders cost about {money(extra)} more to serve."
        ru += f" Дополнительные заказы обойдутся примерно в {money(extra, 'ru')} на обслуживание."
    return answer(result.feasible, f"{who}: {en}", f"{who}: {ru}", result.max_discount, gap)
