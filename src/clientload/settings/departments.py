"""`[departments.NAME]`: a department's cost and practical capacity, given in one of three ways.

- **amounts**: `cost` and `capacity_minutes` over `analysis.cost_period_months`, as written;
- **staff**: `people`, `cost_per_month` (the whole department: pay with taxes, space, vehicles),
  `hours_per_week` (default 40) and `practical_share` (default 0.8): cost = cost_per_month ×
  months; capacity = people × hours_per_week × 52/12 weeks × months × practical_share × 60;
- **revenue**: `revenue_share` (cost as a share of the company's revenue) and `utilisation`
  (default 0.8): a department nobody has described yet, scaled to the company once its sales
  are imported (cost = revenue_share × revenue of the last `cost_period_months`, capacity = the
  load the department carries ÷ utilisation). Until then its cost and capacity are unknown (NaN):
  `Workspace.settings()` fills them from the store (see `clientload.setup.scale`).

Practical capacity is the time people can really work, about 80 % of paid hours once breaks,
training and meetings are taken off (Kaplan & Anderson, HBR 2004).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

WEEKS_PER_MONTH = 52 / 12
DEFAULT_HOURS_PER_WEEK = 40.0
DEFAULT_PRACTICAL_SHARE = 0.8
DEFAULT_UTILISATION = 0.8

DEPARTMENT_KEYS: dict[str, type | tuple[type, ...]] = {
    "cost": (int, float),
    "capacity_minutes": (int, float),
    "people": (int, float),
    "cost_per_month": (int, float),
    "hours_per_week": (int, float),
    "practical_share": (int, float),
    "revenue_share": (int, float),
    "utilisation": (int, float),
    "label": str,
    "label_ru": str,
}
FORMS = {
    "amounts": ("cost", "capacity_minutes"),
    "staff": ("people", "cost_per_month", "hours_per_week", "practical_share"),
    "revenue": ("revenue_share", "utilisation"),
}
REQUIRED = {"amounts": ("cost", "capacity_minutes"), "staff": ("people", "cost_per_month"),
            "revenue": ("revenue_share",)}


@dataclass(frozen=True)
class Department:
    """A department: its cost over the settings' period and practical capacity in minutes.

    `sized_from` says where the two numbers come from: `amounts` (written), `staff` (people, pay
    and hours) or `revenue` (scaled to the company; NaN until the store's sales fill them)."""

    name: str
    cost: float
    capacity_minutes: float
    label: str = ""
    sized_from: str = "amounts"
    people: float | None = None
    cost_per_month: float | None = None
    hours_per_week: float | None = None
    practical_share: float | None = None
    revenue_share: float | None = None
    utilisation: float | None = None
    label_ru: str = ""

    @property
    def cost_per_minute(self) -> float:
        return self.cost / self.capacity_minutes

    @property
    def sized(self) -> bool:
        """Cost and capacity are known numbers (a revenue-scaled one before the store's sales
        filled them is not)."""
        return not (math.isnan(self.cost) or math.isnan(self.capacity_minutes))


def staff_amounts(people: float, cost_per_month: float, hours_per_week: float,
                  practical_share: float, months: float) -> tuple[float, float]:
    """(cost, capacity_minutes) over `months` of a department described by its staff."""
    cost = cost_per_month * months
    capacity = people * hours_per_week * WEEKS_PER_MONTH * months * practical_share * 60.0
    return cost, capacity


def department_form(entry: dict[str, Any]) -> tuple[str | None, list[str]]:
    """Which of the three ways the entry uses, and the keys of other ways it also gives."""
    used = [form for form, keys in FORMS.items() if any(k in entry for k in keys)]
    if not used:
        return None, []
    first = used[0]
    return first, [k for form in used[1:] for k in FORMS[form] if k in entry]


def parse_department(name: str, entry: dict[str, Any], months: float, where: Any,
                     problems: list[str]) -> Department | None:
    """One checked entry (types already checked by the caller) as a Department, or None with
    every problem of it in `problems`. `where(*keys)` names a key and its line."""
    form, mixed = department_form(entry)
    if form is None:
        problems.append(f"{where('departments', name)} needs cost and capacity_minutes, or "
                        "people and cost_per_month, or revenue_share")
        return None
    if mixed:
        given = [k for k in FORMS[form] if k in entry]
        problems.append(
            f"{where('departments', name)} mixes ways of sizing a department "
            f"({', '.join(given)} and {', '.join(mixed)}): give one"
        )
        return None
    missing = [k for k in REQUIRED[form] if k not in entry]
    for key in missing:
        problems.append(f"{where('departments', name)} is missing `{key}`")
    before = len(problems)
    _check_ranges(name, entry, where, problems)
    if missing or len(problems) > before:
        return None
    label = entry.get("label", "")
    label_ru = entry.get("label_ru", "")
    if form == "amounts":
        return Department(name, float(entry["cost"]), float(entry["capacity_minutes"]), label,
                          label_ru=label_ru)
    if form == "staff":
        hours = float(entry.get("hours_per_week", DEFAULT_HOURS_PER_WEEK))
        share = float(entry.get("practical_share", DEFAULT_PRACTICAL_SHARE))
        cost, capacity = staff_amounts(float(entry["people"]), float(entry["cost_per_month"]),
                                       hours, share, months)
        return Department(name, cost, capacity, label, sized_from="staff", label_ru=label_ru,
                          people=float(entry["people"]),
                          cost_per_month=float(entry["cost_per_month"]),
                          hours_per_week=hours, practical_share=share)
    return Department(name, math.nan, math.nan, label, sized_from="revenue", label_ru=label_ru,
                      revenue_share=float(entry["revenue_share"]),
                      utilisation=float(entry.get("utilisation", DEFAULT_UTILISATION)))


def _check_ranges(name: str, entry: dict[str, Any], where: Any, problems: list[str]) -> None:
    def at(key: str) -> str:
        return where("departments", name, key)

    for key in ("cost", "cost_per_month"):
        if key in entry and entry[key] < 0:
            problems.append(f"{at(key)} must not be negative")
    for key in ("capacity_minutes", "people", "hours_per_week"):
        if key in entry and entry[key] <= 0:
            problems.append(f"{at(key)} must be more than zero")
    if "hours_per_week" in entry and entry["hours_per_week"] > 168:
        problems.append(f"{at('hours_per_week')} is {entry['hours_per_week']}; a week has 168")
    for key in ("practical_share", "utilisation"):
        if key in entry and not 0 < entry[key] <= 1:
            problems.append(f"{at(key)} is {entry[key]}; expected a fraction above 0, at most 1")
    if "revenue_share" in entry and not 0 < entry["revenue_share"] < 1:
        problems.append(
            f"{at('revenue_share')} is {entry['revenue_share']}; expected a fraction between 0 "
            "and 1"
        )
