"""`clientload.toml` for a new company: departments from its staff (or scaled from its revenue
until it describes them), the template's activities assigned to those departments, and the
company's currency, name and language. Everything else is the documented template."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from clientload.settings import Settings, parse_settings
from clientload.setup.staff import StaffLine
from clientload.setup.toml_edit import remove_section, replace_sections, set_key, toml_value

# Placeholders for a company that has not described its staff: each department's cost as a share
# of revenue — the shares the template's departments have in the revenue of the synthetic
# distributor they were sized for (92 M of 2.8 bn a year) — and the share of its practical
# capacity its load is taken to fill (as in that company). Not benchmarks: a start in the
# company's own currency and size, until the staff are entered.
REVENUE_SHARES = {"sales": 0.01, "customer_service": 0.0045, "warehouse": 0.0085,
                  "logistics": 0.007, "finance": 0.0025}
UTILISATION = {"sales": 0.78, "customer_service": 0.86, "warehouse": 0.82, "logistics": 0.75,
               "finance": 0.72}
DEFAULT_UTILISATION = 0.8


@dataclass(frozen=True)
class ActivityChoice:
    """A template activity kept for the company: the department doing it and its minutes."""

    name: str
    department: str
    minutes: float


def activity_plan(template: Settings, staff: list[StaffLine]
                  ) -> tuple[list[ActivityChoice], list[str]]:
    """The template's activities on the staff's departments: where a staff line lists its
    activities they go there, the others stay with a department of the same name; an activity
    with neither is left out, and said."""
    listed = {a: line.department for line in staff for a in (line.activities or ())}
    present = {line.department for line in staff}
    kept, notes = [], []
    for name, activity in template.activities.items():
        department = listed.get(name) or (activity.department
                                          if activity.department in present else None)
        if department is None:
            notes.append(f"activity {name} left out: its department {activity.department} is "
                         "not in the staff list (name it in a department's `activities`)")
            continue
        kept.append(ActivityChoice(name, department, activity.minutes))
    return kept, notes


def staff_section(line: StaffLine, months: float) -> str:
    cost, capacity = line.amounts(months)
    rows = [f"[departments.{line.department}]"]
    if line.label:
        rows.append(f"label = {toml_value(line.label)}")
    rows += [
        f"people = {toml_value(line.people)}",
        f"cost_per_month = {toml_value(round(line.cost_per_month, 2))}".ljust(31)
        + "# the whole department: pay with taxes, space, vehicles",
        f"hours_per_week = {toml_value(line.hours_per_week)}",
        f"practical_share = {toml_value(line.practical_share)}".ljust(31)
        + "# of paid time really available for work",
        # the file's comments are English, as the template's
        f"# over {months:g} months: cost {cost:,.0f}, capacity {capacity:,.0f} minutes, "
        f"{cost / capacity:,.2f} a minute",
    ]
    return "\n".join(rows)


def _revenue_section(name: str, months: float) -> str:
    share = REVENUE_SHARES.get(name, 0.005)
    utilisation = UTILISATION.get(name, DEFAULT_UTILISATION)
    return "\n".join([
        f"[departments.{name}]",
        f"revenue_share = {toml_value(share)}".ljust(31)
        + f"# until the staff are entered: cost = this share of {months:g} months' revenue ...",
        f"utilisation = {toml_value(utilisation)}".ljust(31)
        + "# ... and capacity = the load it carries / this",
    ])


def compose_settings(template: str, staff: list[StaffLine] | None = None,
                     activities: list[ActivityChoice] | None = None,
                     analysis: dict[str, Any] | None = None) -> str:
    """The settings text: departments from `staff` (None: every template department scaled
    from revenue), the chosen activities (None: the template's), and the `[analysis]` values
    given."""
    text = template
    for key, value in (analysis or {}).items():
        if value is not None:
            text = set_key(text, "analysis", key, value)
    parsed = parse_settings(template, "<template>")
    months = float(parsed.section("analysis").get("cost_period_months", 12))
    if staff is None:
        rendered = "\n\n".join(_revenue_section(name, months) for name in parsed.departments)
    else:
        rendered = "\n\n".join(staff_section(line, months) for line in staff)
    text = replace_sections(text, "departments", rendered)
    if activities is not None:
        chosen = {a.name: a for a in activities}
        for name, activity in parsed.activities.items():
            section = f"activities.{name}"
            if name not in chosen:
                text = remove_section(text, section)
                continue
            choice = chosen[name]
            if choice.department != activity.department:
                text = set_key(text, section, "department", choice.department)
            if choice.minutes != activity.minutes:
                text = set_key(text, section, "minutes", choice.minutes)
    return text
