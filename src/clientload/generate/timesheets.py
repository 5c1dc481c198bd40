"""Who took each order, and each employee's daily minutes on client work, from known true times.

The generated staff spend `TRUE_MINUTES` on their activities (deliberately not the default
settings' standard minutes, so that an estimate can be told from the setting it replaces):

- customer service operators take the orders (`orders.employee`): an order costs
  7.5 + 0.8 × its lines + 12 if urgent minutes, each change 6 minutes, each one ±30 % around
  that (lognormal, mean exact);
- every interaction costs its recorded `minutes`; a row without them costs `count` durations
  drawn like the recorded ones of its type (so the mean, not the median, is the true time of an
  unrecorded event);
- each working day adds `OTHER_MINUTES` (± 10) of client work no record shows;
- the timesheet says the day's total ± 4 %, rounded to 5 minutes.

Operators, managers and accountants are on duty on a working day with probability
`ON_DUTY`; only as many operators take orders as the volume needs (about `ORDERS_PER_OPERATOR`
a day, 2 to 8 of them). The warehouse and logistics keep no timesheets, so their activities
cannot be estimated from them — which `clientload calibrate` has to say.

Every number here comes from its own random stream, so the other tables do not change.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from clientload.generate.activity import Orders
from clientload.generate.people import STAFF
from clientload.generate.service import INTERACTION_TYPES
from clientload.generate.tables import labelled, to_table

# activity of the default settings -> term -> true minutes ("base" per event, "lines" per order
# line, "urgent" for an urgent order)
TRUE_MINUTES: dict[str, dict[str, float]] = {
    "order_entry": {"base": 7.5, "lines": 0.8, "urgent": 12.0},
    "order_change": {"base": 6.0},
}
EVENT_SIGMA = 0.3  # spread of one order's or change's time around its equation
OTHER_MINUTES = 40.0  # unrecorded client work per employee and working day (the intercept)
OTHER_SIGMA = 10.0
REPORTING_NOISE = 0.04  # a timesheet's total is off by this share (normal, sd)
ROUND_TO = 5.0
ON_DUTY = 0.92
ORDERS_PER_OPERATOR = 15.0


def true_interaction_minutes() -> dict[str, dict[str, float]]:
    """Per interaction type: the median (what recorded durations show) and the mean (the true
    time of an event without recorded minutes) of its lognormal duration."""
    return {
        kind: {"median": median, "mean": median * float(np.exp(sigma**2 / 2))}
        for kind, _dept, _po, _pm, median, sigma in INTERACTION_TYPES
    }


def _working_days(start: np.datetime64, end: np.datetime64) -> np.ndarray:
    days = np.arange(start, end + np.timedelta64(1, "D"), dtype="datetime64[D]")
    return days[(days.astype(np.int64) + 3) % 7 < 5]


def order_takers(
    orders: Orders, start: np.datetime64, end: np.datetime64, rng: np.random.Generator
) -> np.ndarray:
    """The operator (index into STAFF["customer_service"]) who took each order: one on duty that
    day, the busier ones more often."""
    operators = STAFF["customer_service"]
    workdays = _working_days(start, end)
    per_day = len(orders) / max(len(workdays), 1)
    takers = int(np.clip(round(per_day / ORDERS_PER_OPERATOR), 2, len(operators)))
    weight = rng.lognormal(0.0, 0.3, takers)
    day = orders.created.astype("datetime64[D]")
    index = (day - start).astype(np.int64)
    n_days = int((end - start).astype(np.int64)) + 1
    on_duty = rng.random((n_days, takers)) < ON_DUTY
    on_duty[~on_duty.any(axis=1), 0] = True  # somebody always takes the day's orders
    chance = on_duty[index] * weight[None, :]
    cumulative = np.cumsum(chance, axis=1)
    pick = (rng.random(len(orders)) * cumulative[:, -1])[:, None] > cumulative
    return pick.sum(axis=1).astype(np.int64)


def order_minutes(
    orders: Orders, return_lines: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """The true minutes of each order: its equation and its changes, each with its own spread."""
    truth = TRUE_MINUTES
    lines = orders.lines - return_lines
    equation = (truth["order_entry"]["base"] + truth["order_entry"]["lines"] * lines
                + truth["order_entry"]["urgent"] * orders.urgent)
    spread = np.exp(EVENT_SIGMA * rng.standard_normal(len(orders)) - EVENT_SIGMA**2 / 2)
    changes = orders.changes.astype(np.float64)
    # the sum of `changes` independent changes: mean exact, spread shrinking with their number
    change_spread = np.exp(EVENT_SIGMA / np.sqrt(np.maximum(changes, 1))
                           * rng.standard_normal(len(orders))
                           - EVENT_SIGMA**2 / (2 * np.maximum(changes, 1)))
    return equation * spread + truth["order_change"]["base"] * changes * change_spread


def _interaction_minutes(
    path: str, employees: dict[str, int], start: np.datetime64, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(employee, day index, true minutes) of every interaction row logged by a known employee."""
    table = pq.read_table(path, columns=["type", "date", "minutes", "count", "employee"])
    kinds = pa.array([t[0] for t in INTERACTION_TYPES])
    median = np.array([t[4] for t in INTERACTION_TYPES])
    sigma = np.array([t[5] for t in INTERACTION_TYPES])
    kind = pc.index_in(table["type"], value_set=kinds).to_numpy(zero_copy_only=False)
    kind = kind.astype(np.int64)  # every generated type is among them
    # `employees` is ordered by index, so a name's position in it is its index
    who = pc.fill_null(pc.index_in(table["employee"], value_set=pa.array(list(employees))), -1)
    who = who.to_numpy(zero_copy_only=False).astype(np.int64)
    day = (table["date"].to_numpy().astype("datetime64[D]") - start).astype(np.int64)
    recorded = table["minutes"].to_numpy(zero_copy_only=False)
    count = table["count"].to_numpy(zero_copy_only=False).astype(np.int64)
    unrecorded = np.isnan(recorded)
    # an unrecorded row of `count` events: that many draws of its type's duration
    events = np.where(unrecorded, count, 0)
    row = np.repeat(np.arange(len(kind)), events)
    drawn = median[kind[row]] * np.exp(sigma[kind[row]] * rng.standard_normal(len(row)))
    minutes = np.where(unrecorded, 0.0, recorded) + np.bincount(
        row, weights=drawn, minlength=len(kind)
    )
    keep = who >= 0
    return who[keep], day[keep], minutes[keep]


def timesheets_table(
    orders: Orders,
    takers: np.ndarray,
    return_lines: np.ndarray,
    interactions_path: str,
    managers: list[str],
    start: np.datetime64,
    end: np.datetime64,
    rng: np.random.Generator,
) -> pa.Table:
    """One row per employee and day on duty or with recorded work: the day's client minutes."""
    departments = {"sales": list(managers), **{d: list(n) for d, n in STAFF.items()}}
    names = [name for staff in departments.values() for name in staff]
    department_of = np.array([k for k, staff in enumerate(departments.values()) for _ in staff])
    index = {name: k for k, name in enumerate(names)}
    n_days = int((end - start).astype(np.int64)) + 1

    minutes = np.zeros((len(names), n_days))
    worked = np.zeros((len(names), n_days), dtype=bool)
    offset = index[STAFF["customer_service"][0]]
    order_day = (orders.created.astype("datetime64[D]") - start).astype(np.int64)
    np.add.at(minutes, (offset + takers, order_day), order_minutes(orders, return_lines, rng))
    worked[offset + takers, order_day] = True
    who, day, spent = _interaction_minutes(interactions_path, index, start, rng)
    inside = (day >= 0) & (day < n_days)
    np.add.at(minutes, (who[inside], day[inside]), spent[inside])
    worked[who[inside], day[inside]] = True

    workday = np.zeros(n_days, dtype=bool)
    workday[(_working_days(start, end) - start).astype(np.int64)] = True
    worked |= (rng.random(worked.shape) < ON_DUTY) & workday[None, :]
    other = np.maximum(OTHER_MINUTES + OTHER_SIGMA * rng.standard_normal(worked.shape), 0.0)
    total = (minutes + other) * (1 + REPORTING_NOISE * rng.standard_normal(worked.shape))
    reported = np.maximum(np.round(total / ROUND_TO) * ROUND_TO, 0.0)

    person, day_index = np.nonzero(worked.T)[::-1]  # by day, then employee
    return to_table(
        "timesheets",
        {
            "employee": labelled(person, names),
            "date": pa.array(start + day_index.astype("timedelta64[D]")),
            "minutes": reported[person, day_index],
            "department": labelled(department_of[person], list(departments)),
        },
    )
