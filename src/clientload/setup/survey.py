"""The time survey: what each person says an activity of their department takes them (typical, a
fast and a slow case), and per activity the answers' median and spread next to the setting.

One answer per person and activity is kept (the latest); the admin applies the medians of the
typical times as the activities' standard minutes, as one kept settings change.
"""

from __future__ import annotations

import datetime as dt
import math
import statistics
from dataclasses import dataclass, field
from typing import Any

from clientload.settings import Settings
from clientload.setup.plan import read_number
from clientload.setup.toml_edit import set_key

SURVEY_TABLE = """CREATE TABLE IF NOT EXISTS time_survey (
    username VARCHAR NOT NULL,
    department VARCHAR NOT NULL,
    activity VARCHAR NOT NULL,
    typical DOUBLE NOT NULL,
    fast DOUBLE,
    slow DOUBLE,
    answered_at TIMESTAMP NOT NULL,
    PRIMARY KEY (username, activity)
)"""
MAX_MINUTES = 24 * 60


def _(message: str) -> str:
    """Marks a message for the catalogues; the page translates it."""
    return message


@dataclass(frozen=True)
class Answer:
    activity: str
    typical: float
    fast: float | None = None
    slow: float | None = None


@dataclass
class SurveyForm:
    department: str
    values: dict[str, dict[str, str]]  # activity -> typical / fast / slow as typed
    answers: list[Answer] = field(default_factory=list)
    cleared: list[str] = field(default_factory=list)  # activities answered blank
    errors: dict[str, tuple[str, dict[str, Any]]] = field(default_factory=dict)


def activities_of(settings: Settings, department: str) -> list[str]:
    return [name for name, a in settings.activities.items() if a.department == department]


def read_survey(values: dict[str, str], settings: Settings) -> SurveyForm:
    """The posted survey (fields `typical-A`, `fast-A`, `slow-A`) with every problem by field."""
    department = values.get("department", "").strip()
    form = SurveyForm(department=department, values={})
    if department not in settings.departments:
        form.errors["department"] = (_("Not among the departments: {answer}"),
                                     {"answer": department})
        return form
    for activity in activities_of(settings, department):
        typed = {k: values.get(f"{k}-{activity}", "").strip() for k in ("typical", "fast", "slow")}
        form.values[activity] = typed
        if not any(typed.values()):
            form.cleared.append(activity)
            continue
        numbers: dict[str, float | None] = {}
        for kind, text in typed.items():
            numbers[kind] = _minutes(form, f"{kind}-{activity}", text) if text else None
        if not typed["typical"]:
            form.errors[f"typical-{activity}"] = (_("Give the typical minutes"), {})
            continue
        typical, fast, slow = numbers["typical"], numbers["fast"], numbers["slow"]
        if typical is None or (typed["fast"] and fast is None) or (typed["slow"] and slow is None):
            continue
        if fast is not None and fast > typical:
            form.errors[f"fast-{activity}"] = (_("A fast case cannot take longer than the "
                                                 "typical one"), {})
            continue
        if slow is not None and slow < typical:
            form.errors[f"slow-{activity}"] = (_("A slow case cannot be quicker than the "
                                                 "typical one"), {})
            continue
        form.answers.append(Answer(activity, typical, fast, slow))
    return form


def _minutes(form: SurveyForm, field_name: str, text: str) -> float | None:
    value, problem = read_number(text)
    if value is None:
        form.errors[field_name] = problem  # type: ignore[assignment]
        return None
    if not 0 <= value <= MAX_MINUTES:
        form.errors[field_name] = (_("Minutes must be between 0 and 1440"), {})
        return None
    return value


def save_answers(con: Any, username: str, form: SurveyForm) -> int:
    """Replace the person's answers for the department's activities; the answers kept."""
    con.execute(SURVEY_TABLE)
    touched = [a.activity for a in form.answers] + form.cleared
    if touched:
        con.execute("DELETE FROM time_survey WHERE username = ? AND list_contains(?, activity)",
                    [username, touched])
    now = dt.datetime.now().replace(microsecond=0)
    for a in form.answers:
        con.execute("INSERT INTO time_survey VALUES (?, ?, ?, ?, ?, ?, ?)",
                    [username, form.department, a.activity, a.typical, a.fast, a.slow, now])
    return len(form.answers)


def my_answers(con: Any, username: str) -> tuple[str | None, dict[str, Answer]]:
    """The person's last department and their answers by activity."""
    con.execute(SURVEY_TABLE)
    rows = con.execute("SELECT department, activity, typical, fast, slow FROM time_survey"
                       " WHERE username = ? ORDER BY answered_at DESC", [username]).fetchall()
    department = rows[0][0] if rows else None
    return department, {r[1]: Answer(r[1], r[2], r[3], r[4]) for r in rows}


@dataclass(frozen=True)
class ActivitySurvey:
    """The answers about one activity beside its setting."""

    activity: str
    department: str
    current_minutes: float
    answers: list[dict[str, Any]]
    median: float | None
    q1: float | None
    q3: float | None
    fast_median: float | None
    slow_median: float | None

    @property
    def count(self) -> int:
        return len(self.answers)


def _median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def summary(con: Any, settings: Settings) -> list[ActivitySurvey]:
    """Per activity of the settings (answered or not): answers, median, quartiles."""
    con.execute(SURVEY_TABLE)
    rows = con.execute("SELECT activity, username, typical, fast, slow, answered_at"
                       " FROM time_survey ORDER BY activity, username").fetchall()
    by_activity: dict[str, list[dict[str, Any]]] = {}
    for activity, username, typical, fast, slow, when in rows:
        by_activity.setdefault(activity, []).append(
            {"username": username, "typical": typical, "fast": fast, "slow": slow,
             "answered_at": when})
    out = []
    for name, a in settings.activities.items():
        answers = by_activity.get(name, [])
        typical = sorted(float(x["typical"]) for x in answers)
        q1 = q3 = _median(typical)
        if len(typical) >= 2:
            q1, _middle, q3 = statistics.quantiles(typical, n=4, method="inclusive")
        out.append(ActivitySurvey(
            activity=name, department=a.department, current_minutes=a.minutes, answers=answers,
            median=_median(typical), q1=q1, q3=q3,
            fast_median=_median([x["fast"] for x in answers if x["fast"] is not None]),
            slow_median=_median([x["slow"] for x in answers if x["slow"] is not None]),
        ))
    return out


def apply_medians(text: str, surveys: list[ActivitySurvey]) -> tuple[str, list[str]]:
    """The settings text with each answered activity's minutes set to the median typical time;
    the activities changed."""
    changed = []
    for s in surveys:
        if s.median is None or math.isclose(s.median, s.current_minutes):
            continue
        value = round(s.median, 1) if s.median >= 10 else round(s.median, 2)
        text = set_key(text, f"activities.{s.activity}", "minutes", value,
                       comment=f"time survey: median of {s.count} answers; was "
                               f"{s.current_minutes:g}")
        changed.append(s.activity)
    return text, changed
