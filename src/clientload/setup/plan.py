"""The web Setup page's logic, free of the web: its form read into departments and activities,
the settings text they make, and the preview of what saving would change.

A department row with people and a monthly cost is sized from its staff; a row left blank keeps
its section as written. The preview needs no run: each department's new cost per minute times
the minutes of the last run's `client_costs` gives the new cost of the load.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

from clientload.settings import Settings
from clientload.settings.departments import DEFAULT_HOURS_PER_WEEK, DEFAULT_PRACTICAL_SHARE
from clientload.setup.compose import staff_section
from clientload.setup.staff import CODE, AmbiguousNumber, StaffLine, parse_number
from clientload.setup.toml_edit import (
    remove_section,
    section_text,
    sections_with_prefix,
    set_key,
)

MAX_DEPARTMENTS = 30


def _(message: str) -> str:
    """Marks a message for the catalogues; the page translates it."""
    return message


# How a department is sized, and where a kept change came from, in words (message ids).
SIZING_WORDS = {"amounts": _("cost and capacity as written"), "staff": _("from the staff"),
                "revenue": _("scaled from revenue")}
SOURCE_WORDS = {"setup": _("Setup page"), "survey": _("time survey"),
                "calibrate": _("calibration"), "settings": _("settings page"),
                "rollback": _("rollback"), "init": _("init from the staff")}


@dataclass
class SetupForm:
    """What the admin typed, kept as typed (the page shows it again), with the problems found
    per field: {field: (message id, values)}."""

    departments: list[dict[str, str]]
    activities: list[dict[str, str]]
    currency: str = ""
    errors: dict[str, tuple[str, dict[str, Any]]] = field(default_factory=dict)
    staff: list[StaffLine] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # departments left as written


def plain_number(value: float | None, lang: str) -> str:
    """A number for an input field: no thousands separator (`900,000` could be read two
    ways), the language's decimal mark."""
    if value is None:
        return ""
    text = f"{value:.2f}".rstrip("0").rstrip(".") if not float(value).is_integer() \
        else f"{value:.0f}"
    return text.replace(".", ",") if lang == "ru" else text


def form_from_settings(settings: Settings, lang: str) -> SetupForm:
    """The form as the current settings fill it (staff-sized departments with their staff)."""
    rows = []
    for name, d in settings.departments.items():
        rows.append({
            "code": name, "label": d.label,
            "people": plain_number(d.people, lang),
            "cost_per_month": plain_number(d.cost_per_month, lang),
            "hours_per_week": plain_number(d.hours_per_week, lang),
            "practical_share": f"{plain_number(d.practical_share * 100, lang)} %"
            if d.practical_share else "",
        })
    activities = [{"name": a.name, "department": a.department,
                   "minutes": plain_number(a.minutes, lang)}
                  for a in settings.activities.values()]
    return SetupForm(departments=rows, activities=activities,
                     currency=str(settings.section("analysis").get("currency", "")))


def read_form(values: dict[str, str], settings: Settings) -> SetupForm:
    """The posted form (fields `dept-K-…`, `act-NAME-…`) with every problem by field."""
    rows = []
    for k in range(MAX_DEPARTMENTS + 1):
        if f"dept-{k}-code" not in values:
            continue
        rows.append({key: values.get(f"dept-{k}-{key}", "").strip() for key in
                     ("code", "label", "people", "cost_per_month", "hours_per_week",
                      "practical_share")} | {"index": str(k)})
    activities = [{"name": name,
                   "department": values.get(f"act-{name}-department", a.department).strip(),
                   "minutes": values.get(f"act-{name}-minutes", f"{a.minutes:g}").strip()}
                  for name, a in settings.activities.items()]
    form = SetupForm(departments=rows, activities=activities,
                     currency=values.get("currency", "").strip().upper())
    if not re.fullmatch(r"[A-Z]{3}", form.currency):
        form.errors["currency"] = (_("A currency is three Latin letters (RUB, USD, EUR): "
                                     "{answer}"), {"answer": values.get("currency", "")})
    codes = []
    for row in rows:
        _read_department(row, settings, form)
        if row["code"]:
            codes.append(row["code"])
    for row in activities:
        where = f"act-{row['name']}"
        if row["department"] not in codes:
            form.errors[f"{where}-department"] = (_("Not among the departments: {answer}"),
                                                  {"answer": row["department"]})
        _number(form, f"{where}-minutes", row["minutes"], positive=False)
    return form


Problem = tuple[str, dict[str, Any]]


def read_number(text: str, share: bool = False) -> tuple[float | None, Problem | None]:
    """A number typed into a form, or the problem with it (message id and values)."""
    try:
        return parse_number(text, share), None
    except AmbiguousNumber:
        return None, (_("{answer} could be read two ways: write it without a thousands "
                        "separator or with a decimal point"), {"answer": text})
    except ValueError:
        return None, (_("Not a number: {answer}"), {"answer": text})


def _number(form: SetupForm, field_name: str, text: str, positive: bool = True,
            share: bool = False) -> float | None:
    value, problem = read_number(text, share)
    if value is None:
        form.errors[field_name] = problem  # type: ignore[assignment]
        return None
    if value < 0 or (positive and value == 0):
        form.errors[field_name] = (_("Expected a number above zero") if positive
                                   else _("Expected a number not below zero"), {})
        return None
    if share and value > 1:
        form.errors[field_name] = (_("Expected a share up to 100 %"), {})
        return None
    return value


def _read_department(row: dict[str, str], settings: Settings, form: SetupForm) -> None:
    where = f"dept-{row['index']}"
    code = row["code"]
    if not code:
        if any(row[k] for k in ("people", "cost_per_month", "label")):
            form.errors[f"{where}-code"] = (_("A department needs a code"), {})
        return
    if not CODE.match(code):
        form.errors[f"{where}-code"] = (_("Not a code (Latin letters, digits, _): {answer}"),
                                        {"answer": code})
        return
    if sum(1 for r in form.departments if r["code"] == code) > 1:
        form.errors[f"{where}-code"] = (_("Given twice: {answer}"), {"answer": code})
        return
    if not row["people"] and not row["cost_per_month"]:
        if code in settings.departments:
            form.kept.append(code)
        else:
            form.errors[f"{where}-people"] = (_("A new department needs people and a cost"), {})
        return
    people = cost = None
    if row["people"]:
        people = _number(form, f"{where}-people", row["people"])
    else:
        form.errors[f"{where}-people"] = (_("Give the number of people"), {})
    if row["cost_per_month"]:
        cost = _number(form, f"{where}-cost_per_month", row["cost_per_month"], positive=False)
    else:
        form.errors[f"{where}-cost_per_month"] = (_("Give the department's monthly cost"), {})
    hours = _number(form, f"{where}-hours_per_week",
                    row["hours_per_week"] or f"{DEFAULT_HOURS_PER_WEEK:g}")
    share = _number(form, f"{where}-practical_share",
                    row["practical_share"] or f"{DEFAULT_PRACTICAL_SHARE:g}", share=True)
    if hours is not None and hours > 168:
        form.errors[f"{where}-hours_per_week"] = (_("A week has 168 hours"), {})
        return
    if people is None or cost is None or hours is None or share is None:
        return
    form.staff.append(StaffLine(department=code, people=people, cost_per_month=cost,
                                hours_per_week=hours, practical_share=share,
                                label=row["label"]))


def setup_text(current: str, settings: Settings, form: SetupForm) -> str:
    """The settings text the form makes: staff-sized departments rewritten, kept ones as they
    were, departments no longer in the form removed, activities moved and re-timed."""
    months = float(settings.section("analysis").get("cost_period_months", 12))
    staff = {line.department: line for line in form.staff}
    text = current
    if form.currency and form.currency != settings.section("analysis").get("currency"):
        text = set_key(text, "analysis", "currency", form.currency)
    written = sections_with_prefix(current, "departments")
    for name in written:
        if name in staff:
            continue
        if name not in form.kept:
            text = remove_section(text, f"departments.{name}")
    order = [r["code"] for r in form.departments if r["code"] in staff or r["code"] in form.kept]
    for code in order:
        if code in staff:
            rendered = staff_section(staff[code], months)
            if code in written:
                text = _replace_section(text, f"departments.{code}", rendered)
            else:
                text = _insert_department(text, rendered)
    for row in form.activities:
        activity = settings.activities[row["name"]]
        section = f"activities.{row['name']}"
        if row["department"] != activity.department:
            text = set_key(text, section, "department", row["department"])
        minutes = parse_number(row["minutes"])
        if not math.isclose(minutes, activity.minutes):
            text = set_key(text, section, "minutes", minutes)
    return text


def _replace_section(text: str, section: str, rendered: str) -> str:
    old = section_text(text, section)
    return text.replace(old, rendered, 1) if old else text


def _insert_department(text: str, rendered: str) -> str:
    """A new department after the last one written (or at the end)."""
    names = sections_with_prefix(text, "departments")
    if not names:
        return text.rstrip("\n") + "\n\n" + rendered + "\n"
    last = section_text(text, f"departments.{names[-1]}")
    return text.replace(last, last.rstrip("\n") + "\n\n" + rendered, 1)


def preview(old: Settings, new: Settings, costs: list[dict[str, Any]],
            cost_to_serve: float | None) -> dict[str, Any]:
    """Each department's cost per minute before and after, and what the last run's load would
    cost at the new rates: per department and in total (`costs`: department, activity,
    minutes, cost of the last run's `client_costs`, summed)."""
    departments = []
    for name in dict.fromkeys([*old.departments, *new.departments]):
        before = old.departments.get(name)
        after = new.departments.get(name)
        departments.append({
            "department": name,
            "before": before.cost_per_minute if before and before.sized else None,
            "after": after.cost_per_minute if after and after.sized else None,
            "sized_from": after.sized_from if after else None,
        })
    load_before = sum(float(r["cost"] or 0.0) for r in costs)
    load_after = 0.0
    uncosted: list[str] = []
    for r in costs:
        activity = new.activities.get(r["activity"])
        if activity is not None:
            department = new.departments.get(activity.department)
        elif r["activity"] not in old.activities:  # a name the settings never had: its row's
            department = new.departments.get(r["department"])
        else:  # an activity the new settings drop
            department = None
        if department is None or not department.sized:
            uncosted.append(r["activity"])
            continue
        load_after += float(r["minutes"] or 0.0) * department.cost_per_minute
    change = load_after - load_before
    return {
        "departments": departments,
        "load_cost_before": load_before if costs else None,
        "load_cost_after": load_after if costs else None,
        "change": change if costs else None,
        "cost_to_serve_before": cost_to_serve,
        "cost_to_serve_after": (cost_to_serve + change) if costs and cost_to_serve is not None
        else None,
        "uncosted": sorted(set(uncosted)),
        "minutes_changed": [a for a, x in new.activities.items()
                            if a in old.activities and x.minutes != old.activities[a].minutes],
    }
