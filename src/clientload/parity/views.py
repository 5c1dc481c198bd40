"""Rich tables for per-manager Task 2 and sales activation; the command line prints them.

Only layout: numbers come formatted from `text.py`, words in the chosen language. Rich is imported
inside the functions so that importing the parity package stays light.
"""

from __future__ import annotations

from typing import Any

from clientload.parity.activation import Activation
from clientload.parity.managers import ManagerPlan
from clientload.parity.text import money, number, pct


def _pct(value: float | None, lang: str, digits: int = 1) -> str:
    return "—" if value is None else pct(value, lang, digits)


def _money(value: float | None, lang: str) -> str:
    return "—" if value is None else money(value, lang)


def managers_table(rows: list[ManagerPlan], period: str, lang: str) -> Any:
    """One line per manager: plan, actual, attainment, margin, the largest discount."""
    from rich.table import Table

    ru = lang == "ru"
    title = (
        f"Скидка для выполнения плана по менеджерам, {period}"
        if ru
        else f"Discount to reach the plan, by manager, {period}"
    )
    table = Table(title=title)
    headers = (
        ("Менеджер", "План в", "План", "Факт", "Выполнение", "Маржа", "Наибольшая скидка",
         "Доп. обслуживание")
        if ru
        else ("Manager", "Plan in", "Plan", "Actual", "Attainment", "Margin", "Largest discount",
              "Extra cost to serve")
    )  # fmt: skip
    for i, header in enumerate(headers):
        table.add_column(header, justify="left" if i < 2 else "right")
    units = {"revenue": ("revenue", "выручка"), "quantity": ("quantity", "штуки")}
    for r in rows:
        plan = r.revenue_plan if r.plan_unit == "revenue" else r.quantity_plan
        actual = r.revenue if r.plan_unit == "revenue" else r.quantity
        if r.max_discount is not None:
            discount = pct(r.max_discount, lang, 2)
        elif (r.attainment or 0) >= 1:
            discount = "не нужна" if ru else "not needed"
        else:
            discount = "—"
        table.add_row(
            r.manager,
            units[r.plan_unit][ru] if r.plan_unit else "—",
            _money(plan, lang),
            money(actual, lang) if r.plan_unit else "—",
            _pct(r.attainment, lang),
            _pct(r.margin, lang),
            discount,
            _money(r.extra_cost_to_serve, lang),
        )
    return table


def activation_table(result: Activation, lang: str) -> Any:
    """Per department: freed hours, their cost, and their worth at the department's own yield
    (sales: revenue; others: more orders); then the bounded total."""
    from rich.table import Table

    ru = lang == "ru"
    table = Table(title="Активация продаж" if ru else "Sales activation")
    headers = (
        ("Отдел", "Ценовых клиентов", "Освобождено часов", "Стоимость времени",
         "Выручка на час продаж", "Возможная выручка", "Ещё заказов",
         "Свободное время несёт выручку")
        if ru
        else ("Department", "Price-driven clients", "Freed hours", "Cost of the time",
              "Revenue per sales hour", "Potential revenue", "More orders",
              "Spare time carries revenue")
    )  # fmt: skip
    for i, header in enumerate(headers):
        table.add_column(header, justify="left" if i == 0 else "right")
    for d in result.departments:
        table.add_row(
            d.department,
            str(d.price_driven_clients),
            number(d.freed_hours, lang),
            money(d.freed_cost, lang),
            _money(d.revenue_per_sales_hour, lang),
            _money(d.potential_revenue, lang),
            "—" if d.order_capacity is None else number(d.order_capacity, lang),
            _money(d.revenue_capacity, lang),
        )
    table.add_row(
        "Итого" if ru else "Total",
        "",
        number(result.freed_hours, lang),
        money(result.freed_cost, lang),
        "",
        money(result.potential_revenue, lang),
        "",
        "",
        style="bold",
    )
    return table
