"""`clientload calibrate`: standard minutes estimated from recorded durations and timesheets.

`calibrate_workspace(ws)` reads the store and returns a `Calibration` (one row per activity term
and method, the fit of each department's regression, and the activities the data cannot
identify); `apply_estimates` writes the chosen estimates into `clientload.toml`. See
docs/setup.md for how to read and when to trust them.
"""

from __future__ import annotations

from datetime import date

from clientload.calibrate.estimate import (
    DURATIONS,
    TIMESHEETS,
    Calibration,
    DepartmentFit,
    Estimate,
    Thresholds,
    from_durations,
    from_timesheets,
)
from clientload.calibrate.terms import Term, activity_terms
from clientload.settings import Settings
from clientload.workspace import Workspace

__all__ = [
    "DURATIONS",
    "TIMESHEETS",
    "Calibration",
    "DepartmentFit",
    "Estimate",
    "Term",
    "Thresholds",
    "activity_terms",
    "calibrate_workspace",
]


def calibrate_workspace(ws: Workspace, settings: Settings | None = None,
                        start: date | None = None, end: date | None = None) -> Calibration:
    """Estimate every activity term from the store's records (between `start` and `end` when
    given)."""
    from clientload.calibrate.records import employee_days, recorded_durations

    settings = settings or ws.settings()
    thresholds = Thresholds.from_settings(settings.section("calibration"))
    terms = [t for a in settings.activities.values() for t in activity_terms(a)]
    types = sorted({t.interaction_type for t in terms if t.interaction_type})
    months = int(settings.section("analysis").get("new_client_months", 3))
    con = ws.connect(read_only=True)
    try:
        durations = recorded_durations(con, types, start, end)
        days = employee_days(con, terms, list(settings.departments), months, start, end)
    finally:
        con.close()
    notes = []
    unplaced = int((days.department == "").sum())
    if unplaced:
        employees = sorted({days.names.get(e, e) for e in days.employee[days.department == ""]})
        shown = ", ".join(employees[:5]) + (" …" if len(employees) > 5 else "")
        notes.append(
            f"{unplaced:,} timesheet employee-days of {len(employees)} employees ({shown}) are "
            "not used: their department is not among the settings' departments (give it in "
            "timesheets.department)"
        )
    if len(days) == 0:
        notes.append("no timesheets in the store: only recorded durations can be used "
                     "(import them with --table timesheets)")
    regression, fits = from_timesheets(terms, days, thresholds)
    measured = from_durations(terms, durations, thresholds)
    order = {t.label: i for i, t in enumerate(terms)}
    rows = sorted(regression + measured,
                  key=lambda e: (order[f"{e.activity} · {e.term}"], e.method != TIMESHEETS))
    return Calibration(estimates=rows, fits=fits, notes=notes)
