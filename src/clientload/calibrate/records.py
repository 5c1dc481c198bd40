"""What the store records about time: durations by interaction type, and per employee and day the
timesheet's minutes next to the driver counts of the work that employee did that day.

Employees are matched case- and space-insensitively across `timesheets.employee`,
`orders.employee` and `interactions.employee`. An order belongs to the day it was created (else
the day of its first line); an interaction to its date. Interactions with recorded minutes are
not a driver: their minutes are known, so they are taken off the day's timesheet minutes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np

from clientload.calibrate.terms import Term


@dataclass(frozen=True)
class Durations:
    """Recorded durations of one interaction type (minutes per event)."""

    type: str
    events: int
    q1: float
    median: float
    q3: float
    mean: float


def recorded_durations(con: Any, types: list[str], start: date | None = None,
                       end: date | None = None) -> dict[str, Durations]:
    """Median and quartiles of the minutes per event of each type's rows that record them."""
    if not types:
        return {}
    where, params = _dated("CAST(date AS DATE)", start, end)
    rows = con.execute(
        "SELECT t, count(*), quantile_cont(m, [0.25, 0.5, 0.75]), avg(m) FROM ("
        "  SELECT lower(trim(type)) AS t, minutes / greatest(coalesce(\"count\", 1), 1) AS m"
        "  FROM interactions WHERE minutes IS NOT NULL AND minutes >= 0"
        f"  {where}) WHERE list_contains(?, t) GROUP BY t",
        [*params, [t.lower().strip() for t in types]],
    ).fetchall()
    return {
        t: Durations(type=t, events=int(n), q1=float(q[0]), median=float(q[1]), q3=float(q[2]),
                     mean=float(mean))
        for t, n, q, mean in rows
    }


def _dated(column: str, start: date | None, end: date | None) -> tuple[str, list[Any]]:
    clauses, params = [], []
    if start is not None:
        clauses.append(f"{column} >= ?")
        params.append(start)
    if end is not None:
        clauses.append(f"{column} <= ?")
        params.append(end)
    return ("AND " + " AND ".join(clauses)) if clauses else "", params


@dataclass
class EmployeeDays:
    """One row per employee and day of the timesheets (within the period)."""

    employee: np.ndarray  # the employee's key (lower-cased, trimmed)
    day: np.ndarray  # datetime64[D]
    department: np.ndarray  # the settings' department, or "" when not known
    minutes: np.ndarray  # the timesheet's minutes
    recorded: np.ndarray  # minutes of the employee's interactions with recorded durations
    counts: dict[str, np.ndarray]  # term label -> the count that employee-day
    uncounted: dict[str, str] = field(default_factory=dict)  # term label -> why not countable
    names: dict[str, str] = field(default_factory=dict)  # employee key -> a spelling as given

    def __len__(self) -> int:
        return len(self.minutes)


def employee_days(con: Any, terms: list[Term], departments: list[str], new_client_months: int,
                  start: date | None = None, end: date | None = None) -> EmployeeDays:
    """The timesheets' employee-days with every term's count and the recorded minutes."""
    where, params = _dated("date", start, end)
    con.execute(
        "CREATE OR REPLACE TEMP TABLE cal_days AS SELECT lower(trim(employee)) AS emp, date AS day,"
        " sum(minutes) AS minutes, mode(nullif(lower(trim(department)), '')) AS dept,"
        " min(employee) AS name FROM timesheets WHERE employee IS NOT NULL AND date IS NOT NULL"
        f" AND minutes IS NOT NULL {where} GROUP BY 1, 2",
        params,
    )
    columns, column_params, uncounted = _order_columns(terms, new_client_months)
    _order_counts(con, columns, column_params)
    types = sorted({t.interaction_type.lower().strip() for t in terms
                    if t.driver == "interactions" and t.interaction_type})
    per_type = ", ".join(
        f"coalesce(sum(coalesce(\"count\", 1)) FILTER (WHERE minutes IS NULL"
        f" AND lower(trim(type)) = ?), 0) AS t{k}"
        for k in range(len(types))
    )
    con.execute(
        "CREATE OR REPLACE TEMP TABLE cal_calls AS SELECT lower(trim(employee)) AS emp,"
        " CAST(date AS DATE) AS day, coalesce(sum(minutes), 0) AS recorded"
        f"{', ' + per_type if types else ''} FROM interactions"
        " WHERE employee IS NOT NULL AND date IS NOT NULL GROUP BY 1, 2",
        types,
    )
    order_cols = "".join(f", coalesce(o.c{i}, 0) AS c{i}" for i in range(len(columns)))
    type_cols = "".join(f", coalesce(i.t{k}, 0) AS t{k}" for k in range(len(types)))
    frame = con.execute(
        "SELECT d.emp, d.day, d.minutes, d.dept, d.name, coalesce(i.recorded, 0) AS recorded"
        f"{order_cols}{type_cols} FROM cal_days d"
        " LEFT JOIN cal_orders o ON o.emp = d.emp AND o.day = d.day"
        " LEFT JOIN cal_calls i ON i.emp = d.emp AND i.day = d.day"
        " ORDER BY d.day, d.emp"
    ).fetchnumpy()
    department = _departments(con, frame, departments)
    counts: dict[str, np.ndarray] = {}
    for i, label in enumerate(columns):
        counts[label] = np.asarray(frame[f"c{i}"], dtype=np.float64)
    for term in terms:
        if term.driver == "interactions" and term.interaction_type:
            k = types.index(term.interaction_type.lower().strip())
            counts[term.label] = np.asarray(frame[f"t{k}"], dtype=np.float64)
    return EmployeeDays(
        employee=np.asarray(frame["emp"], dtype=object),
        day=np.asarray(frame["day"]).astype("datetime64[D]"),
        department=department,
        minutes=np.asarray(frame["minutes"], dtype=np.float64),
        recorded=np.asarray(frame["recorded"], dtype=np.float64),
        counts=counts,
        uncounted=uncounted,
        names={e: n for e, n in zip(frame["emp"], frame["name"], strict=True)},
    )


def _order_columns(terms: list[Term], new_client_months: int
                   ) -> tuple[list[str], list[tuple[str, list[Any]]], dict[str, str]]:
    """The order-counted terms as SQL columns; the rest (not countable per order) with why."""
    labels: list[str] = []
    params: list[tuple[str, list[Any]]] = []
    uncounted: dict[str, str] = {}
    for term in terms:
        if term.driver == "interactions":
            continue
        sql = term.order_sql(new_client_months)
        if sql is None:
            uncounted[term.label] = f"a {term.kind} term {term.name!r} of the {term.driver} driver"
            continue
        labels.append(term.label)
        params.append(sql)
    return labels, params, uncounted


def _order_counts(con: Any, labels: list[str], sqls: list[Any]) -> None:
    """`cal_orders`: per employee and day, the sum of each term's per-order count."""
    con.execute(
        "CREATE OR REPLACE TEMP TABLE cal_lines AS SELECT order_id,"
        " count(*) FILTER (WHERE quantity >= 0) AS lines,"
        " coalesce(sum(quantity) FILTER (WHERE quantity >= 0), 0) AS quantity,"
        " count(*) FILTER (WHERE quantity < 0) AS return_lines, min(date) AS first_line"
        " FROM sales WHERE order_id IS NOT NULL GROUP BY order_id"
    )
    con.execute(
        "CREATE OR REPLACE TEMP TABLE cal_first AS SELECT client_id, min(date) AS first_purchase"
        " FROM sales GROUP BY client_id"
    )
    sums = ", ".join(f"sum({sql}) AS c{i}" for i, (sql, _) in enumerate(sqls)) or "0 AS none"
    params = [p for _, ps in sqls for p in ps]
    con.execute(
        "CREATE OR REPLACE TEMP TABLE cal_orders AS WITH o AS ("
        "  SELECT lower(trim(x.employee)) AS emp,"
        "   coalesce(CAST(x.created_at AS DATE), l.first_line) AS day,"
        "   coalesce(l.lines, 0) AS lines, coalesce(l.quantity, 0) AS quantity,"
        "   coalesce(l.return_lines, 0) AS return_lines, x.changes, x.urgent, x.delivery,"
        "   x.source, x.returned, f.first_purchase"
        "  FROM orders x LEFT JOIN cal_lines l USING (order_id)"
        "  LEFT JOIN cal_first f ON f.client_id = x.client_id"
        "  WHERE x.employee IS NOT NULL AND trim(x.employee) <> '')"
        f" SELECT o.emp, o.day, {sums} FROM o GROUP BY 1, 2",
        params,
    )


def _departments(con: Any, frame: dict[str, Any], departments: list[str]) -> np.ndarray:
    """Each row's department: the timesheet's, else the one the employee's interactions name
    most; "" when neither is among the settings' departments."""
    known = {d.lower(): d for d in departments}
    fallback = dict(con.execute(
        "SELECT lower(trim(employee)), mode(lower(trim(department))) FROM interactions"
        " WHERE employee IS NOT NULL AND department IS NOT NULL GROUP BY 1"
    ).fetchall())
    out = []
    for emp, dept in zip(frame["emp"], frame["dept"], strict=True):
        name = dept if isinstance(dept, str) and dept else fallback.get(emp) or ""
        out.append(known.get(name, ""))
    return np.array(out, dtype=object)
