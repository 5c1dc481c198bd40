"""Sales lines, written to Parquet in chunks of orders so memory stays flat at any size.

A line's category comes from the client's own categories, its SKU from the category by
popularity under the client's mix (standard, value or premium). A share of lines carries a
discount; a share are returns (negative quantity) of the previous line of the same order.
Totals per order (revenue, cost, units) are returned for receivables and plans.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from clientload.generate.activity import ClientPlan, Orders
from clientload.generate.catalog import Catalog, pick_products
from clientload.generate.tables import arrow_schema

LINES_PER_CHUNK = 1_000_000
RETURN_DAYS = (2, 21)  # a return is booked this many days after the order


@dataclass(frozen=True)
class OrderTotals:
    revenue: np.ndarray
    cost: np.ndarray
    units: np.ndarray
    returns: int  # return lines written
    return_lines: np.ndarray  # per order: its lines that are returns (negative quantity)


def chunk_bounds(
    lines_per_order: np.ndarray, target: int = LINES_PER_CHUNK
) -> list[tuple[int, int]]:
    """Order ranges holding about `target` lines each (a fixed rule, so output is seed-stable)."""
    ends = np.cumsum(lines_per_order)
    cuts = np.searchsorted(ends, np.arange(target, ends[-1] if len(ends) else 0, target)) + 1
    edges = [0, *sorted(set(cuts.tolist()) - {0, len(ends)}), len(ends)]
    return list(itertools.pairwise(edges))


def write_sales(
    path: str,
    orders: Orders,
    plan: ClientPlan,
    catalog: Catalog,
    labels: dict[str, pa.Array],
    end: np.datetime64,
    seed: int,
    progress: Callable[[int, int], None] | None = None,
) -> OrderTotals:
    """Write every order's lines to `path`; `labels` holds client_id, sku, order_id, manager."""
    n_orders = len(orders)
    revenue = np.zeros(n_orders)
    cost = np.zeros(n_orders)
    units = np.zeros(n_orders)
    return_lines = np.zeros(n_orders, dtype=np.int64)
    returns = 0
    bounds = chunk_bounds(orders.lines)
    total = int(orders.lines.sum())
    done = 0
    schema = arrow_schema("sales")
    with pq.ParquetWriter(path, schema, compression="snappy") as writer:
        for index, (a, b) in enumerate(bounds):
            rng = np.random.default_rng([seed, 101, index])
            table, totals = _chunk(orders, a, b, plan, catalog, labels, end, rng)
            writer.write_table(table.cast(schema))
            revenue[a:b], cost[a:b], units[a:b], return_lines[a:b] = totals
            returns += int(return_lines[a:b].sum())
            done += table.num_rows
            if progress:
                progress(done, total)
    return OrderTotals(revenue=revenue, cost=cost, units=units, returns=returns,
                       return_lines=return_lines)


def _chunk(
    orders: Orders,
    a: int,
    b: int,
    plan: ClientPlan,
    catalog: Catalog,
    labels: dict[str, pa.Array],
    end: np.datetime64,
    rng: np.random.Generator,
) -> tuple[pa.Table, tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]]:
    counts = orders.lines[a:b]
    n = int(counts.sum())
    order_local = np.repeat(np.arange(b - a), counts)
    position = np.arange(n) - np.repeat(np.cumsum(counts) - counts, counts)
    client = orders.client[a:b][order_local]
    persona_of = plan.param

    pick = (rng.random(n) * plan.breadth[client]).astype(np.int64)
    category = plan.category_order[client, pick].astype(np.int64)
    mix = persona_of("mix")[client].astype(np.int8)
    product = pick_products(catalog, category, mix, rng)

    # cheap items go in bigger quantities, so line values stay within a sane range
    scale = np.clip(np.sqrt(300.0 / catalog.unit_cost[product]), 0.3, 5.0)
    quantity = np.ceil(np.exp(plan.units_log_mean[client] + 0.7 * rng.standard_normal(n)) * scale)

    discounted = rng.random(n) < persona_of("discount_share")[client]
    d_low = persona_of("discount_low")[client]
    d_high = persona_of("discount_high")[client]
    discount = np.where(discounted, np.round((d_low + (d_high - d_low) * rng.random(n)) / 0.005)
                        * 0.005, 0.0)

    is_return = (position >= 1) & (rng.random(n) < persona_of("return_share")[client])
    is_return[1:] &= ~is_return[:-1]  # never return a return
    ret = np.flatnonzero(is_return)
    product[ret] = product[ret - 1]
    discount[ret] = discount[ret - 1]
    quantity[ret] = -np.ceil(rng.random(len(ret)) * quantity[ret - 1])

    price = np.round(catalog.list_price[product] * (1.0 - discount), 2)
    revenue = np.round(quantity * price, 2)
    cost = np.round(quantity * catalog.unit_cost[product] * (1 + rng.normal(0, 0.015, n)), 2)

    day = orders.created[a:b][order_local].astype("datetime64[D]")
    late = rng.integers(RETURN_DAYS[0], RETURN_DAYS[1], len(ret)).astype("timedelta64[D]")
    day[ret] = np.minimum(day[ret] + late, end)

    table = pa.table(
        {
            "client_id": labels["client_id"].take(pa.array(client)),
            "date": pa.array(day),
            "sku": labels["sku"].take(pa.array(product)),
            "quantity": quantity,
            "revenue": revenue,
            "price": price,
            "cost": cost,
            "order_id": labels["order_id"].take(pa.array(order_local + a)),
            "manager": labels["manager"].take(pa.array(plan.manager[client])),
            "discount": discount,
        }
    )
    totals = (
        np.bincount(order_local, weights=revenue, minlength=b - a),
        np.bincount(order_local, weights=cost, minlength=b - a),
        np.bincount(order_local, weights=quantity, minlength=b - a),
        np.bincount(order_local[ret], minlength=b - a),
    )
    return table, totals
