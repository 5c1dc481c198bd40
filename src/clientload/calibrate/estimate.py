"""Standard minutes estimated from the company's own records, with how far to trust each.

Two methods, each giving one row per activity term it can speak to:

- **durations**: where interactions record their minutes (telephony, the log form), the mean
  minutes per event of each type (the estimate: a standard time stands for events without
  minutes, whose total is right only with the mean), with the median and the quartiles (`low`,
  `high`: the spread of single events, not an interval of the mean);
- **timesheets**: per department, a non-negative least-squares regression of each employee-day's
  timesheet minutes (less the minutes its interactions record) on the counts of the work that
  employee did that day — orders taken, their lines, changes, urgent orders, interactions
  without recorded minutes, … — with an intercept for the day's client work no record shows.
  Each coefficient is minutes per driver event, with a 95 % interval from resampling days.

A term the data cannot identify (its driver never occurs on a timesheet day, occurs too rarely,
or moves in lockstep with another term) gets a row that says so and no estimate.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from clientload.calibrate.nnls import collinear_groups, fit_by_day
from clientload.calibrate.records import Durations, EmployeeDays
from clientload.calibrate.terms import Term

DURATIONS = "durations"
TIMESHEETS = "timesheets"


@dataclass(frozen=True)
class Thresholds:
    """`[calibration]` settings: when an estimate counts and when it is trusted."""

    min_days: int = 20  # employee-days on which a driver occurs, for the regression to use it
    min_durations: int = 30  # recorded durations of a type, for their median to be applied
    trusted_interval: float = 0.25  # a regression estimate is applied when its 95 % interval
    #                                 lies within ± this share of it
    resamples: int = 400  # bootstrap resamples of days

    @classmethod
    def from_settings(cls, section: dict[str, Any]) -> Thresholds:
        return cls(**{k: type(getattr(cls, k))(v) for k, v in section.items()
                      if k in cls.__dataclass_fields__})


@dataclass(frozen=True)
class Estimate:
    """One row of the calibration: a term, its current setting and what the data say."""

    activity: str
    term: str
    department: str
    current_minutes: float
    estimated_minutes: float | None
    low: float | None
    high: float | None
    method: str
    observations: int
    identified: bool
    trusted: bool
    note: str = ""
    details: dict[str, Any] = field(default_factory=dict)
    kind: str = "base"  # base | per | when: where --apply writes it, with setting_key
    setting_key: str = "minutes"

    @property
    def key(self) -> tuple[str, str]:
        return (self.activity, self.term)


@dataclass(frozen=True)
class DepartmentFit:
    """How a department's regression fits: R², the days and employees it rests on, and the
    intercept (client minutes per employee-day that no counted driver explains)."""

    department: str
    employee_days: int
    days: int
    employees: int
    r_squared: float | None
    other_minutes: float | None
    other_low: float | None
    other_high: float | None


@dataclass
class Calibration:
    estimates: list[Estimate]
    fits: list[DepartmentFit]
    notes: list[str]

    def chosen(self) -> dict[tuple[str, str], Estimate]:
        """What `--apply` writes, per term: the regression's estimate where it is trusted, else
        the median of recorded durations where there are enough of them."""
        out: dict[tuple[str, str], Estimate] = {}
        for e in self.estimates:
            if e.method == TIMESHEETS and e.trusted:
                out[e.key] = e
        for e in self.estimates:
            if e.method == DURATIONS and e.trusted and e.key not in out:
                out[e.key] = e
        return out

    def unidentified(self) -> list[str]:
        """Activities none of whose terms any method could estimate."""
        seen: dict[str, bool] = {}
        for e in self.estimates:
            seen[e.activity] = seen.get(e.activity, False) or e.identified
        return [a for a, ok in seen.items() if not ok]

    def as_json(self) -> dict[str, Any]:
        keys = ("activity", "term", "current_minutes", "estimated_minutes", "low", "high",
                "method", "observations")
        chosen = self.chosen()
        rows = []
        for e in self.estimates:
            row = {k: _rounded(getattr(e, k)) for k in keys}
            row.update(department=e.department, identified=e.identified, trusted=e.trusted,
                       applied=chosen.get(e.key) is e, note=e.note,
                       **{k: _rounded(v) for k, v in e.details.items()})
            rows.append(row)
        return {
            "activities": rows,
            "fits": [{k: _rounded(v) for k, v in asdict(f).items()} for f in self.fits],
            "unidentified": self.unidentified(),
            "notes": list(self.notes),
        }


def _rounded(value: Any) -> Any:
    if isinstance(value, float):
        return None if value != value else round(value, 4)
    return value


def from_durations(terms: list[Term], durations: dict[str, Durations],
                   thresholds: Thresholds) -> list[Estimate]:
    """A row per interaction activity whose type has recorded durations."""
    out = []
    for term in terms:
        if term.kind != "base" or term.driver != "interactions" or not term.interaction_type:
            continue
        found = durations.get(term.interaction_type.lower().strip())
        if found is None:
            continue
        enough = found.events >= thresholds.min_durations
        # The standard time stands for events without their own minutes, so their total is
        # right only with the mean; the median and quartiles show a typical event and spread.
        note = (f"mean of {found.events:,} recorded durations; median {found.median:.3g}, "
                f"quartiles {found.q1:.3g}-{found.q3:.3g}"
                if enough else
                f"only {found.events} recorded durations (at least "
                f"{thresholds.min_durations} are needed)")
        out.append(Estimate(
            activity=term.activity, term=term.name, department=term.department,
            current_minutes=term.minutes, estimated_minutes=found.mean, low=found.q1,
            high=found.q3, method=DURATIONS, observations=found.events, identified=enough,
            trusted=enough, note=note,
            details={"median_minutes": found.median, "mean_minutes": found.mean},
        ))
    return out


def from_timesheets(terms: list[Term], days: EmployeeDays, thresholds: Thresholds
                    ) -> tuple[list[Estimate], list[DepartmentFit]]:
    """Per department with timesheets, the regression; a row for every one of its terms."""
    estimates: list[Estimate] = []
    fits: list[DepartmentFit] = []
    by_department: dict[str, list[Term]] = {}
    for term in terms:
        by_department.setdefault(term.department, []).append(term)
    for department, own in by_department.items():
        rows = days.department == department
        if not rows.any():
            estimates += [_missing(t, f"no timesheets of the {department} department")
                          for t in own]
            continue
        found, fit = _department(department, own, days, rows, thresholds)
        estimates += found
        fits.append(fit)
    return estimates, fits


def _missing(term: Term, why: str) -> Estimate:
    return Estimate(activity=term.activity, term=term.name, department=term.department,
                    current_minutes=term.minutes, estimated_minutes=None, low=None, high=None,
                    method=TIMESHEETS, observations=0, identified=False, trusted=False, note=why,
                    kind=term.kind, setting_key=term.setting_key)


def _department(department: str, terms: list[Term], days: EmployeeDays, rows: np.ndarray,
                thresholds: Thresholds) -> tuple[list[Estimate], DepartmentFit]:
    """One department's regression and a row per term: estimated, or why not."""
    out: dict[str, Estimate] = {}
    used: list[Term] = []
    for term in terms:
        if term.label in days.uncounted:
            out[term.label] = _missing(term, f"cannot be counted per employee: "
                                             f"{days.uncounted[term.label]}")
            continue
        occurs = int((days.counts[term.label][rows] > 0).sum())
        if occurs == 0:
            out[term.label] = _missing(term, f"never occurs in the work of {department}'s "
                                             "employees on their timesheet days")
        elif occurs < thresholds.min_days:
            out[term.label] = _missing(term, f"occurs on only {occurs} employee-days "
                                             f"(at least {thresholds.min_days} are needed)")
        else:
            used.append(term)
    x = np.column_stack([np.ones(int(rows.sum()))]
                        + [days.counts[t.label][rows] for t in used])
    merged: dict[int, list[int]] = {}  # kept column -> columns it stands for
    for group in collinear_groups(x):
        keep, *dropped = group
        merged[keep] = dropped
        for column in dropped:
            term = used[column - 1]
            partner = "the daily other time" if keep == 0 else used[keep - 1].label
            out[term.label] = _missing(term, f"moves in lockstep with {partner}: the data "
                                             "cannot tell their minutes apart")
    columns = [0] + [c for c in range(1, x.shape[1])
                     if not any(c in d for d in merged.values())]
    y = days.minutes[rows] - days.recorded[rows]
    fit = fit_by_day(x[:, columns], y, days.day[rows], resamples=thresholds.resamples)
    for position, column in enumerate(columns[1:], start=1):
        term = used[column - 1]
        estimate = float(fit.coefficients[position])
        low, high = float(fit.low[position]), float(fit.high[position])
        events = days.counts[term.label][rows]
        combined = merged.get(column)
        trusted = (not combined and estimate > 0
                   and max(estimate - low, high - estimate) <= thresholds.trusted_interval
                   * estimate)
        note = f"{int(events.sum()):,} events on {int((events > 0).sum()):,} employee-days"
        if combined:
            note += "; carries the minutes of " + ", ".join(used[c - 1].label for c in combined)
        out[term.label] = Estimate(
            activity=term.activity, term=term.name, department=department,
            current_minutes=term.minutes, estimated_minutes=estimate, low=low, high=high,
            method=TIMESHEETS, observations=int((events > 0).sum()), identified=not combined,
            trusted=trusted, note=note,
            details={"events": float(events.sum()), "r_squared": fit.r_squared},
            kind=term.kind, setting_key=term.setting_key,
        )
    employees = len(set(days.employee[rows].tolist()))
    summary = DepartmentFit(
        department=department, employee_days=fit.rows, days=fit.days, employees=employees,
        r_squared=fit.r_squared, other_minutes=float(fit.coefficients[0]),
        other_low=float(fit.low[0]), other_high=float(fit.high[0]),
    )
    return [out[t.label] for t in terms], summary
