"""`generate_company`: the whole synthetic distributor, one Parquet file per input table.

The steps, each drawing from its own seeded random stream: the product range, the clients and
their personas, the client × month volume grid, orders, sales lines (written in chunks),
interactions, storage, receivables, plans, and who took each order with the staff's timesheets
(`timesheets.py`). `personas.parquet` records the planted behaviour
of every client as ground truth for tests; it is not an input table.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from clientload.generate import activity, catalog, finance, people, service, timesheets
from clientload.generate import lines as sales_lines
from clientload.generate.personas import PERSONA_CODES, PERSONAS
from clientload.generate.tables import labelled, numbered, to_table
from clientload.progress import ProgressFn

DEFAULT_END = date(2025, 12, 31)  # fixed, so the same seed gives the same data on any day
INPUT_TABLES = (
    "clients", "products", "orders", "sales", "interactions", "storage", "receivables", "plans",
    "timesheets",
)
STAFF_STREAM = 303  # who took each order and the timesheets: a stream of their own


@dataclass(frozen=True)
class GeneratedCompany:
    """Where the generated files are and how many rows each holds."""

    out_dir: Path
    files: dict[str, Path]  # input table -> its Parquet file, in import order
    personas_file: Path
    rows: dict[str, int]
    start: date
    end: date
    months: int
    seed: int
    clients: int
    lines: int
    notes: list[str] = field(default_factory=list)


def _calendar(end: date, months: int) -> tuple[np.ndarray, list[str]]:
    """First day of each month (and the day after `end`), and the months as YYYY-MM."""
    last = np.datetime64(f"{end.year:04d}-{end.month:02d}", "M")
    month = last - np.arange(months - 1, -1, -1)
    starts = np.append(month.astype("datetime64[D]"), np.datetime64(end) + np.timedelta64(1, "D"))
    return starts, [str(m) for m in month]


def check_size(clients: int, lines_wanted: int, months: int) -> None:
    if clients < 60:
        raise ValueError(f"--clients {clients}: at least 60 clients are needed for every persona")
    if lines_wanted < 10 * clients:
        raise ValueError(
            f"--lines {lines_wanted}: at least 10 lines per client are needed ({10 * clients})"
        )
    if not 12 <= months <= 120:
        raise ValueError(f"--months {months}: expected 12 to 120 months of history")


def generate_company(
    out_dir: Path,
    clients: int,
    lines: int,
    seed: int = 42,
    months: int = 24,
    end: date | None = None,
    progress: ProgressFn | None = None,
    rhythm: str = "monthly",
) -> GeneratedCompany:
    """Generate a distributor of `clients` clients and `lines` sales lines over `months` months.

    Deterministic per `seed` (and `end`, by default 2025-12-31). `rhythm`: "monthly" (clients
    order through the month, most months) or "quarterly" (each client orders once every 3–4
    months, one large order each time). Raises ValueError on sizes it cannot honour.
    """
    check_size(clients, lines, months)
    if rhythm not in activity.RHYTHMS:
        raise ValueError(f"--rhythm {rhythm!r}: expected one of {', '.join(activity.RHYTHMS)}")
    end = end or DEFAULT_END
    report = progress or (lambda stage, done, total: None)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    streams = [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(8)]
    month_start, periods = _calendar(end, months)
    end64 = np.datetime64(end)
    steps = 7
    report("generate", 0, steps)

    cat = catalog.make_catalog(catalog.product_count(lines), streams[0])
    n_managers = people.manager_count(clients)
    plan = activity.plan_clients(clients, months, len(catalog.CATEGORIES), n_managers, streams[1])
    month_of_year = month_start[:-1].astype("datetime64[M]").astype(np.int64) % 12
    quarterly = rhythm == "quarterly"
    # a stream of its own, so that the monthly company stays what it was for every seed
    cycles = (
        activity.buying_cycles(clients, months, np.random.default_rng([seed, 7919]))
        if quarterly
        else None
    )
    grid = activity.monthly_lines(plan, month_of_year, lines, streams[2], cycles)
    orders = activity.make_orders(
        plan, grid, month_start, end64, streams[3], max_orders_per_month=1 if quarterly else None
    )
    report("generate", 1, steps)

    id_width = max(5, len(str(clients)))
    order_width = max(7, len(str(len(orders))))
    labels = {
        "client_id": numbered("C", np.arange(1, clients + 1), id_width),
        "sku": numbered("SKU-", np.arange(1, cat.size + 1), 5),
        "order_id": numbered("ORD-", np.arange(1, len(orders) + 1), order_width),
        "invoice": numbered("INV-", np.arange(1, len(orders) + 1), order_width),
        "manager": pa.array(list(people.MANAGERS[:n_managers])),
    }
    files = {name: out_dir / f"{name}.parquet" for name in INPUT_TABLES}
    rows: dict[str, int] = {}

    def write(name: str, table: pa.Table) -> None:
        pq.write_table(table, files[name], compression="snappy")
        rows[name] = table.num_rows

    write("clients", _clients_table(plan, labels, streams[4]))
    write("products", _products_table(cat, labels))
    staff_rng = np.random.default_rng([seed, STAFF_STREAM])
    takers = timesheets.order_takers(orders, month_start[0], end64, staff_rng)
    operators = pa.array(list(people.STAFF["customer_service"]))
    write("orders", _orders_table(orders, labels, operators.take(pa.array(takers))))
    report("generate", 2, steps)

    totals = sales_lines.write_sales(
        str(files["sales"]), orders, plan, cat, labels, end64, seed,
        progress=lambda done, total: report("sales", done, total),
    )
    rows["sales"] = int(orders.lines.sum())
    report("generate", 3, steps)
    rows["interactions"] = service.write_interactions(
        str(files["interactions"]), plan, orders, month_start, end64, labels, seed
    )
    report("generate", 4, steps)
    write("storage", service.storage_table(plan, end64, labels, month_start, streams[6]))
    report("generate", 5, steps)
    write("receivables", finance.receivables_table(plan, orders, totals, end64, labels, streams[7]))
    write("plans", finance.plans_table(plan, orders, totals, periods, labels, streams[7]))
    write("timesheets", timesheets.timesheets_table(
        orders, takers, totals.return_lines, str(files["interactions"]),
        list(people.MANAGERS[:n_managers]), month_start[0], end64, staff_rng,
    ))
    report("generate", 6, steps)

    personas_file = out_dir / "personas.parquet"
    pq.write_table(_personas_table(plan, labels), personas_file)
    report("generate", steps, steps)
    first = month_start[0].astype(object)
    return GeneratedCompany(
        out_dir=out_dir,
        files=files,
        personas_file=personas_file,
        rows=rows,
        start=first,
        end=end,
        months=months,
        seed=seed,
        clients=clients,
        lines=rows["sales"],
        notes=[f"{totals.returns} return lines"],
    )


def _clients_table(
    plan: activity.ClientPlan, labels: dict[str, pa.Array], rng: np.random.Generator
) -> pa.Table:
    n = plan.clients
    ordinary = np.flatnonzero(plan.persona == PERSONA_CODES.index("ordinary"))
    names = people.client_names(n, ordinary[: len(people.ESCAPE_BAIT)], rng)
    phones, emails = people.client_contacts(n, rng)
    region_p = np.array([r[1] for r in people.REGIONS])
    region = rng.choice(len(people.REGIONS), size=n, p=region_p / region_p.sum())
    channel = rng.integers(0, len(people.CHANNELS), n)
    return to_table(
        "clients",
        {
            "client_id": labels["client_id"],
            "name": names,
            "manager": labels["manager"].take(pa.array(plan.manager)),
            "region": labelled(region, [r[0] for r in people.REGIONS]),
            "channel": labelled(channel, list(people.CHANNELS)),
            "payment_terms_days": plan.terms_days,
            "phones": phones,
            "emails": emails,
        },
    )


def _products_table(cat: catalog.Catalog, labels: dict[str, pa.Array]) -> pa.Table:
    return to_table(
        "products",
        {
            "sku": labels["sku"],
            "name": catalog.product_names(cat),
            "category": labelled(cat.category, [c[0] for c in catalog.CATEGORIES]),
            "brand": labelled(cat.brand, [b[0] for b in catalog.BRANDS]),
            "unit_cost": cat.unit_cost,
        },
    )


def _orders_table(
    orders: activity.Orders, labels: dict[str, pa.Array], employee: pa.Array
) -> pa.Table:
    return to_table(
        "orders",
        {
            "order_id": labels["order_id"],
            "client_id": labels["client_id"].take(pa.array(orders.client)),
            "created_at": pa.array(orders.created, pa.timestamp("us")),
            "shipped_at": pa.array(orders.shipped, pa.timestamp("us"),
                                   mask=np.isnat(orders.shipped)),
            "ready_at": pa.array(orders.ready, pa.timestamp("us"), mask=np.isnat(orders.ready)),
            "urgent": orders.urgent,
            "changes": orders.changes,
            "delivery": labelled(orders.delivery.astype(np.int64), ["pickup", "delivery"]),
            "source": labelled(orders.source, list(activity.SOURCES)),
            "employee": employee,
        },
    )


def _personas_table(plan: activity.ClientPlan, labels: dict[str, pa.Array]) -> pa.Table:
    """Ground truth: each client's persona and the parameters planted for it."""
    return pa.table(
        {
            "client_id": labels["client_id"],
            "persona": labelled(plan.persona, list(PERSONA_CODES)),
            "size": plan.size,
            "lines_per_order": plan.lines_per_order,
            "categories": plan.breadth,
            "first_month": plan.first_month,
            "last_month": plan.last_month,
            "payment_terms_days": plan.terms_days,
            "storage_pallets": plan.param("storage_pallets"),
            "growth": plan.param("growth"),
        }
    )


__all__ = ["INPUT_TABLES", "PERSONAS", "GeneratedCompany", "generate_company"]

