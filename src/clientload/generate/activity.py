"""How much each client buys month by month, and the orders that carry those lines.

The company's volume is laid out on a client × month grid: a client's size, its persona's monthly
noise, skipped months, growth, the company's seasonality and trend. The requested number of sales
lines is then spread over the grid with one multinomial draw, so the total is exact.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from clientload.generate.personas import PERSONA_CODES, PERSONAS, assign_personas, persona_array

# Demand by calendar month (January first): a building-and-household range peaks in spring/summer.
SEASONALITY = np.array([0.72, 0.82, 0.98, 1.10, 1.22, 1.24, 1.16, 1.10, 1.04, 0.98, 0.86, 0.78])
COMPANY_GROWTH = 1.08  # the whole company's volume, year on year

_NEW = PERSONA_CODES.index("new")
_LAPSED = PERSONA_CODES.index("lapsed")
_GROWING = PERSONA_CODES.index("growing_medium")
_ORDINARY = PERSONA_CODES.index("ordinary")


@dataclass(frozen=True)
class ClientPlan:
    """Per-client behaviour, indexed by client position (client number - 1)."""

    persona: np.ndarray
    size: np.ndarray  # relative lines per active month
    first_month: np.ndarray  # month index of the first purchase
    last_month: np.ndarray  # month index after which the client buys nothing
    breadth: np.ndarray  # number of categories bought
    category_order: np.ndarray  # (clients, categories): the client's categories, preferred first
    units_log_mean: np.ndarray
    lines_per_order: np.ndarray
    manager: np.ndarray
    terms_days: np.ndarray

    @property
    def clients(self) -> int:
        return len(self.persona)

    def param(self, field: str) -> np.ndarray:
        """A persona parameter per client."""
        return persona_array(field, self.persona)


def plan_clients(
    clients: int, months: int, categories: int, managers: int, rng: np.random.Generator
) -> ClientPlan:
    """Draw every client's persona, size, tenure, range breadth, manager and payment terms."""
    persona = assign_personas(clients, rng)
    size = np.exp(
        persona_array("size_log_mean", persona)
        + persona_array("size_log_sigma", persona) * rng.standard_normal(clients)
    )
    # a quarter of ordinary clients joined during the history, growing ones in its first third
    late = (persona == _ORDINARY) & (rng.random(clients) < 0.25)
    first = np.where(late, rng.integers(1, max(months - 4, 2), clients), 0)
    first = np.where(persona == _GROWING, rng.integers(0, max(months // 3, 1), clients), first)
    first = np.where(persona == _NEW, months - 1 - rng.integers(0, 3, clients), first)
    last = np.full(clients, months - 1)
    lapsed_last = months - 1 - rng.integers(4, 11, clients)
    last = np.where(persona == _LAPSED, np.maximum(lapsed_last, 0), last)
    first = np.minimum(first, last)

    low, high = (np.array([p.breadth[i] for p in PERSONAS]) for i in (0, 1))
    share = low[persona] + (high[persona] - low[persona]) * rng.random(clients)
    breadth = np.clip(np.round(share * categories), 1, categories).astype(np.int64)
    category_order = np.argsort(rng.random((clients, categories)), axis=1).astype(np.int8)

    units = np.log(persona_array("units_per_line", persona)) + rng.normal(0, 0.3, clients)
    per_order = persona_array("lines_per_order", persona) * rng.lognormal(0, 0.2, clients)
    terms = np.empty(clients)
    for i, p in enumerate(PERSONAS):
        sel = persona == i
        terms[sel] = rng.choice(np.array(p.terms_days, dtype=np.float64), size=int(sel.sum()))
    return ClientPlan(
        persona=persona,
        size=size,
        first_month=first,
        last_month=last,
        breadth=breadth,
        category_order=category_order,
        units_log_mean=units,
        lines_per_order=np.maximum(per_order, 1.0),
        manager=rng.integers(0, managers, clients),
        terms_days=terms,
    )


RHYTHMS = ("monthly", "quarterly")


def buying_cycles(clients: int, months: int, rng: np.random.Generator) -> np.ndarray:
    """For a company whose clients buy every 3–4 months: which months (clients × months) fall on
    each client's own cycle of 3 or 4 months, from a phase of its own."""
    cycle = rng.choice(np.array([3, 4]), clients)
    phase = rng.integers(0, 4, clients) % cycle
    m = np.arange(months)
    return ((m[None, :] + phase[:, None]) % cycle[:, None]) == 0


def monthly_lines(
    plan: ClientPlan,
    month_of_year: np.ndarray,
    lines: int,
    rng: np.random.Generator,
    cycles: np.ndarray | None = None,
) -> np.ndarray:
    """Sales lines per client and month (clients × months), adding up to `lines` exactly.

    Every client gets one line in its first month, so each one has a real first purchase. With
    `cycles` (see `buying_cycles`) a client buys only in the months of its cycle.
    """
    clients, months = plan.clients, len(month_of_year)
    m = np.arange(months)
    monthly_growth = persona_array("growth", plan.persona) ** (1 / 12)
    growth = monthly_growth[:, None] ** (m[None, :] - (months - 1))
    company = SEASONALITY[month_of_year] * COMPANY_GROWTH ** ((m - (months - 1)) / 12)
    noise = np.exp(persona_array("monthly_sigma", plan.persona)[:, None]
                   * rng.standard_normal((clients, months)))
    buys = rng.random((clients, months)) < persona_array("active_share", plan.persona)[:, None]
    if cycles is not None:
        buys &= cycles
    window = (m[None, :] >= plan.first_month[:, None]) & (m[None, :] <= plan.last_month[:, None])
    intensity = plan.size[:, None] * growth * company[None, :] * noise * (buys & window)
    spread = lines - clients
    if spread < 0:
        raise ValueError(f"{lines} lines are fewer than {clients} clients; ask for more lines")
    p = (intensity / intensity.sum()).ravel()
    grid = rng.multinomial(spread, p).reshape(clients, months)
    grid[np.arange(clients), plan.first_month] += 1
    return grid


@dataclass(frozen=True)
class Orders:
    """Orders sorted by creation time; `lines` is the number of sales lines of each."""

    client: np.ndarray
    month: np.ndarray
    created: np.ndarray  # datetime64[s]
    ready: np.ndarray  # datetime64[s], NaT when not ready by the end
    shipped: np.ndarray  # datetime64[s], NaT when not shipped by the end
    lines: np.ndarray
    urgent: np.ndarray
    changes: np.ndarray
    delivery: np.ndarray  # True = delivered by us, False = picked up
    source: np.ndarray  # index into SOURCES

    def __len__(self) -> int:
        return len(self.client)


SOURCES = ("manager", "phone", "email", "portal")


def make_orders(
    plan: ClientPlan,
    grid: np.ndarray,
    month_start: np.ndarray,
    end: np.datetime64,
    rng: np.random.Generator,
    max_orders_per_month: int | None = None,
) -> Orders:
    """Split each client-month's lines into orders and give each order its day, flags and times.

    `month_start` holds the first day of every month and of the month after the last. With
    `max_orders_per_month` a client places at most that many orders in a month (a company whose
    clients order every few months places one large order each time).
    """
    clients, months = grid.shape
    expected = grid / plan.lines_per_order[:, None] * rng.lognormal(0, 0.2, grid.shape)
    if max_orders_per_month is not None:
        expected = np.minimum(expected, max_orders_per_month)
    per_cell = np.where(grid > 0, np.clip(np.round(expected), 1, grid), 0).astype(np.int64).ravel()
    cell = np.repeat(np.arange(clients * months), per_cell)
    n = len(cell)
    client, month = cell // months, cell % months

    # each order has one line; the remaining lines of its cell fall on its orders at random
    extra = grid.ravel() - per_cell
    first_order = np.cumsum(per_cell) - per_cell
    extra_cell = np.repeat(np.arange(clients * months), extra)
    pick = first_order[extra_cell] + (rng.random(len(extra_cell)) * per_cell[extra_cell]).astype(
        np.int64
    )
    lines = 1 + np.bincount(pick, minlength=n)

    days = (month_start[month + 1] - month_start[month]).astype(np.int64)
    day = month_start[month] + (rng.random(n) * days).astype("timedelta64[D]")
    weekday = (day.astype(np.int64) + 3) % 7  # 0 = Monday
    day = np.maximum(day - np.where(weekday >= 5, weekday - 4, 0).astype("timedelta64[D]"),
                     month_start[month])
    seconds = (8 * 3600 + rng.random(n) * 10 * 3600).astype("timedelta64[s]")
    created = day.astype("datetime64[s]") + seconds

    persona = plan.persona[client]
    urgent = rng.random(n) < persona_array("urgent_share", persona)
    changes = rng.poisson(persona_array("changes_per_order", persona))
    delivery = rng.random(n) < persona_array("delivery_share", persona)
    source_p = np.array([p.sources for p in PERSONAS])[persona]
    source = (rng.random(n)[:, None] > np.cumsum(source_p, axis=1)).sum(axis=1).clip(0, 3)
    hours = np.where(urgent, rng.uniform(1, 5, n), rng.uniform(3, 36, n))
    ready = created + (hours * 3600).astype("timedelta64[s]")
    shipped = ready + (rng.uniform(0.5, 30, n) * 3600).astype("timedelta64[s]")
    end_s = (end + np.timedelta64(1, "D")).astype("datetime64[s]")
    ready = np.where(ready < end_s, ready, np.datetime64("NaT"))
    shipped = np.where(shipped < end_s, shipped, np.datetime64("NaT"))

    order = np.argsort(created, kind="stable")
    return Orders(
        client=client[order],
        month=month[order],
        created=created[order],
        ready=ready[order],
        shipped=shipped[order],
        lines=lines[order],
        urgent=urgent[order],
        changes=changes[order].astype(np.int64),
        delivery=delivery[order],
        source=source[order].astype(np.int8),
    )
