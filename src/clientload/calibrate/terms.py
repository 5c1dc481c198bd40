"""The standard minutes an estimate can replace: each activity's base and its time-equation terms.

A term is named as in the settings: `base` for the minutes per event, else the term's `per`
(`lines`, `quantity`, `changes`) or `when` (`urgent`, `changed`, `returned`, `new_client`,
`delivery == 'pickup'`, …). The shorthands `minutes_per_line` and `urgent_extra_minutes` are the
`lines` and `urgent` terms. For each term this module also says how to count it for one order
taken by an employee (an SQL expression over the order's columns), which is what a timesheet
regression needs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any

from clientload.settings import Activity

# A driver counted on orders: the per-order count of its events, in SQL over `o` (the order
# with its lines' counts: lines, quantity, return_lines, day, first_purchase).
ORDER_DRIVERS = {
    "orders": "1",
    "order_lines": "o.lines",
    "order_changes": "coalesce(o.changes, 0)",
    "urgent_orders": "CASE WHEN o.urgent THEN 1 ELSE 0 END",
    "deliveries": "CASE WHEN lower(trim(o.delivery)) = 'delivery' THEN 1 ELSE 0 END",
    # a returned order once, else its negative lines (never the same return twice)
    "returns": "CASE WHEN o.returned THEN 1 ELSE o.return_lines END",
}
PER = {
    "lines": "o.lines",
    "quantity": "o.quantity",
    "changes": "coalesce(o.changes, 0)",
}
WHEN = {
    "urgent": "coalesce(o.urgent, false)",
    "changed": "coalesce(o.changes, 0) > 0",
    "returned": "coalesce(o.returned, false) OR o.return_lines > 0",
    "new_client": "o.day < o.first_purchase + to_months(CAST(? AS INTEGER))",
}
COMPARED_COLUMNS = ("delivery", "source")
_COMPARISON = re.compile(r"^\s*(\w+)\s*(==|!=)\s*'([^']*)'\s*$")
SHORTHANDS = {"minutes_per_line": ("per", "lines"), "urgent_extra_minutes": ("when", "urgent")}


@dataclass(frozen=True)
class Term:
    """One standard time of an activity: its base minutes or one term of its equation."""

    activity: str
    department: str
    driver: str
    name: str  # "base", or the term's per / when
    kind: str  # "base" | "per" | "when"
    minutes: float  # the current setting
    interaction_type: str | None = None
    setting_key: str = "minutes"  # where --apply writes it: a key, or "terms"
    params: tuple[Any, ...] = field(default=())

    @property
    def label(self) -> str:
        return f"{self.activity} · {self.name}"

    def order_sql(self, new_client_months: int) -> tuple[str, list[Any]] | None:
        """The per-order count of this term for an order-counted activity, with its SQL
        parameters; None when it cannot be counted on orders."""
        if self.driver not in ORDER_DRIVERS:
            return None
        base = ORDER_DRIVERS[self.driver]
        if self.kind == "base":
            return base, []
        if self.driver != "orders":
            return None  # terms of other drivers: not counted per order here
        if self.kind == "per":
            return (PER[self.name], []) if self.name in PER else None
        condition = when_sql(self.name)
        if condition is None:
            return None
        sql, params = condition
        params = [new_client_months if p is _MONTHS else p for p in params]
        return f"CASE WHEN {sql} THEN 1 ELSE 0 END", params


_MONTHS = object()  # placeholder for analysis.new_client_months in WHEN's parameters


def when_sql(name: str) -> tuple[str, list[Any]] | None:
    """SQL for a `when` condition over the order `o`, with parameters; None if unknown."""
    if name in WHEN:
        return WHEN[name], ([_MONTHS] if "?" in WHEN[name] else [])
    match = _COMPARISON.match(name)
    if match and match.group(1) in COMPARED_COLUMNS:
        column, operator, value = match.groups()
        op = "=" if operator == "==" else "<>"
        return f"coalesce(lower(trim(o.{column})) {op} lower(?), false)", [value]
    return None


def _term_entries(activity: Activity) -> list[tuple[str, str, float, str]]:
    """(kind, name, minutes, setting key) of the activity's terms, in the settings' order.

    Reads the `terms` list where the settings have one (dicts or objects with per/when and
    minutes), and the shorthands that are set."""
    found: list[tuple[str, str, float, str]] = []
    for entry in getattr(activity, "terms", None) or ():
        get = entry.get if isinstance(entry, dict) else lambda k, e=entry: getattr(e, k, None)
        kind = "per" if get("per") else "when"
        found.append((kind, str(get(kind)), float(get("minutes") or 0.0),
                      str(get("source") or "terms")))
    named = {(k, n) for k, n, _, _ in found}
    for key, (kind, name) in SHORTHANDS.items():
        value = float(getattr(activity, key, 0.0) or 0.0)
        if activity.driver == "orders" and value and (kind, name) not in named:
            found.append((kind, name, value, key))
    return found


def activity_terms(activity: Activity) -> list[Term]:
    """The base and every term the settings give an activity (a shorthand set to 0 is no term:
    calibration estimates what the model uses)."""
    base = Term(activity=activity.name, department=activity.department, driver=activity.driver,
                name="base", kind="base", minutes=float(activity.minutes),
                interaction_type=(activity.type or None))
    terms = [base]
    for kind, name, minutes, key in _term_entries(activity):
        terms.append(replace(base, name=name, kind=kind, minutes=minutes, setting_key=key))
    return terms
