"""Interactions (calls, e-mails, meetings, ...) and goods held in our warehouse, per client.

Interactions are counted per client, month and type from the persona's rates per order and per
month, then spread over the month's working hours. Most rows carry their own minutes; some do
not (the standard time applies) and some group several events (`count` > 1, no minutes).
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from clientload.generate.activity import ClientPlan, Orders
from clientload.generate.people import STAFF
from clientload.generate.tables import arrow_schema, labelled, to_table

# (type, department of the default activities, rate per order, rate per month, median minutes,
#  spread of minutes (lognormal sigma))
INTERACTION_TYPES: tuple[tuple[str, str, str, str, float, float], ...] = (
    ("call", "sales", "calls_per_order", "calls_per_month", 5.0, 0.6),
    ("email", "sales", "emails_per_order", "emails_per_month", 3.5, 0.5),
    ("meeting", "sales", "", "meetings_per_month", 80.0, 0.3),
    ("visit", "sales", "", "visits_per_month", 160.0, 0.3),
    ("inquiry", "customer_service", "inquiries_per_order", "", 13.0, 0.5),
    ("complaint", "customer_service", "complaints_per_order", "", 35.0, 0.5),
    ("claim", "finance", "", "claims_per_month", 50.0, 0.5),
)
DEPARTMENTS = ("sales", "customer_service", "finance")
NO_MINUTES_SHARE = 0.2  # rows without a recorded duration
GROUPED_SHARE = 0.08  # call and e-mail rows that stand for several events
NOTES = {
    "complaint": ("брак упаковки", "недовложение", "опоздание доставки", "пересорт"),
    "claim": ("просрочка оплаты", "расхождение в акте сверки", "возврат денег"),
}


CLIENTS_PER_CHUNK = 5_000  # interactions are drawn and written for this many clients at a time


def write_interactions(
    path: str,
    plan: ClientPlan,
    orders: Orders,
    month_start: np.ndarray,
    end: np.datetime64,
    labels: dict[str, pa.Array],
    seed: int,
) -> int:
    """Write every interaction row of the company to `path`; returns the number of rows.

    Drawn in blocks of clients (each with its own seeded stream) so memory stays flat.
    """
    clients, months = plan.clients, len(month_start) - 1
    orders_per_cell = np.bincount(
        orders.client * months + orders.month, minlength=clients * months
    ).reshape(clients, months)
    staff = [name for names in STAFF.values() for name in names]
    employees = pa.concat_arrays([labels["manager"], pa.array(staff)])
    schema = arrow_schema("interactions")
    rows = 0
    with pq.ParquetWriter(path, schema, compression="snappy") as writer:
        for index, first in enumerate(range(0, clients, CLIENTS_PER_CHUNK)):
            block = np.arange(first, min(first + CLIENTS_PER_CHUNK, clients))
            rng = np.random.default_rng([seed, 202, index])
            table = _interactions(
                plan, block, orders_per_cell[block], month_start, end, labels, employees, rng
            )
            writer.write_table(table)
            rows += table.num_rows
    return rows


def _interactions(
    plan: ClientPlan,
    block: np.ndarray,
    orders_per_cell: np.ndarray,
    month_start: np.ndarray,
    end: np.datetime64,
    labels: dict[str, pa.Array],
    employees: pa.Array,
    rng: np.random.Generator,
) -> pa.Table:
    """The interactions of the clients in `block`, sorted by client and time."""
    clients, months = len(block), len(month_start) - 1
    m = np.arange(months)
    # the relationship runs from the first purchase to a few months after the last one
    window = (m[None, :] >= plan.first_month[block, None]) & (
        m[None, :] <= plan.last_month[block, None] + 2
    )
    cells, kinds = [], []
    for type_code, (_, _, per_order, per_month, _, _) in enumerate(INTERACTION_TYPES):
        rate = np.zeros((clients, months))
        if per_order:
            rate += plan.param(per_order)[block, None] * orders_per_cell
        if per_month:
            rate += plan.param(per_month)[block, None] * window
        events = rng.poisson(rate).ravel()
        cells.append(np.repeat(np.arange(clients * months), events))
        kinds.append(np.full(int(events.sum()), type_code, dtype=np.int8))
    cell = np.concatenate(cells)
    kind = np.concatenate(kinds)
    n = len(cell)
    local, month = cell // months, cell % months

    days = (month_start[month + 1] - month_start[month]).astype(np.int64)
    moment = (month_start[month].astype("datetime64[s]")
              + (rng.random(n) * days).astype("timedelta64[D]")
              + (9 * 3600 + rng.random(n) * 9 * 3600).astype("timedelta64[s]"))
    end_s = (end + np.timedelta64(1, "D")).astype("datetime64[s]") - np.timedelta64(1, "s")
    moment = np.minimum(moment, end_s)

    median = np.array([t[4] for t in INTERACTION_TYPES])[kind]
    sigma = np.array([t[5] for t in INTERACTION_TYPES])[kind]
    minutes = np.round(median * np.exp(sigma * rng.standard_normal(n)), 1)
    groupable = np.isin(kind, (0, 1))
    count = np.where(groupable & (rng.random(n) < GROUPED_SHARE), rng.integers(2, 6, n), 1)
    no_minutes = (count > 1) | (rng.random(n) < NO_MINUTES_SHARE)

    # sales contacts are logged by the client's manager, the rest by the department's staff
    client = block[local]
    employee = plan.manager[client].astype(np.int64)
    departments = [t[1] for t in INTERACTION_TYPES]
    department = np.array([list(DEPARTMENTS).index(d) for d in departments])[kind]
    offset = len(labels["manager"])
    for dept, staff in STAFF.items():
        sel = np.flatnonzero(department == DEPARTMENTS.index(dept))
        employee[sel] = offset + rng.integers(0, len(staff), len(sel))
        offset += len(staff)

    note_code = np.full(n, -1, dtype=np.int64)
    offset = 0
    for kind_code, (name, *_rest) in enumerate(INTERACTION_TYPES):
        if name in NOTES:
            sel = np.flatnonzero(kind == kind_code)
            note_code[sel] = offset + rng.integers(0, len(NOTES[name]), len(sel))
            offset += len(NOTES[name])

    seconds = (moment - moment.min() if n else moment).astype(np.int64)
    order = np.argsort(local.astype(np.int64) << 32 | seconds, kind="stable")
    note = note_code[order]
    note_texts = pa.array([text for name in NOTES for text in NOTES[name]])
    return to_table(
        "interactions",
        {
            "client_id": labels["client_id"].take(pa.array(client[order])),
            "type": labelled(kind[order], [t[0] for t in INTERACTION_TYPES]),
            "date": pa.array(moment[order], pa.timestamp("us")),
            "minutes": pa.array(minutes[order], mask=no_minutes[order]),
            "count": count[order],
            "department": labelled(department[order], list(DEPARTMENTS)),
            "employee": employees.take(pa.array(employee[order])),
            "note": pa.DictionaryArray.from_arrays(
                pa.array(np.maximum(note, 0), mask=note < 0), note_texts
            ).dictionary_decode(),
        },
    )


def storage_table(
    plan: ClientPlan,
    end: np.datetime64,
    labels: dict[str, pa.Array],
    month_start: np.ndarray,
    rng: np.random.Generator,
) -> pa.Table:
    """Daily pallets (and their value) held for clients that keep goods with us."""
    median = plan.param("storage_pallets")
    holders = np.flatnonzero(median > 0)
    base = median[holders] * rng.lognormal(0, 0.5, len(holders))
    first_day = month_start[plan.first_month[holders]]
    last_day = np.where(plan.last_month[holders] >= len(month_start) - 2, end,
                        month_start[plan.last_month[holders] + 1] - np.timedelta64(1, "D"))
    days = (last_day - first_day).astype(np.int64) + 1
    who = np.repeat(np.arange(len(holders)), days)
    offset = np.arange(len(who)) - np.repeat(np.cumsum(days) - days, days)
    date = first_day[who] + offset.astype("timedelta64[D]")
    phase = rng.random(len(holders))
    day_of_year = (date - date.astype("datetime64[Y]")).astype(np.int64)
    wave = 1 + 0.3 * np.sin(2 * np.pi * (day_of_year / 365.0 + phase[who]))
    pallets = np.maximum(np.round(base[who] * wave * rng.lognormal(0, 0.08, len(who))), 0.0)
    per_pallet = rng.lognormal(np.log(60000), 0.3, len(holders))
    return to_table(
        "storage",
        {
            "client_id": labels["client_id"].take(pa.array(holders[who])),
            "date": pa.array(date),
            "pallets": pallets,
            "value": np.round(pallets * per_pallet[who], 2),
        },
    )
