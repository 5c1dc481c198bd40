"""Client personas: the behaviours planted in the synthetic distributor, with their parameters.

Each persona is a set of plain numbers (how much a client buys, how it orders, talks, pays and
stores goods) chosen so that its signature is unmistakable to a load model. The values are
relative: `size` scales lines per active month against an ordinary client, and the generator
rescales everything so the company has the requested number of sales lines.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Persona:
    code: str
    share: float  # share of clients
    size_log_mean: float  # log of lines per active month, relative to an ordinary client
    size_log_sigma: float  # spread of size between clients of the persona
    units_per_line: float  # median units on a line
    lines_per_order: float
    breadth: tuple[float, float]  # share of the range's categories it buys (low, high)
    mix: int  # product choice: 0 standard, 1 value (low margin), 2 premium (high margin)
    monthly_sigma: float  # month-to-month noise of volume (lognormal sigma)
    active_share: float  # probability of buying at all in a given month
    growth: float  # volume of the last 12 months / the previous 12
    urgent_share: float
    changes_per_order: float
    delivery_share: float
    sources: tuple[float, float, float, float]  # manager, phone, email, portal
    discount_share: float  # share of lines with a discount
    discount_range: tuple[float, float]
    return_share: float  # share of lines that are returns
    calls_per_order: float
    calls_per_month: float
    emails_per_order: float
    emails_per_month: float
    meetings_per_month: float
    visits_per_month: float
    inquiries_per_order: float
    complaints_per_order: float
    claims_per_month: float
    terms_days: tuple[int, ...]  # payment terms drawn from these
    late_share: float  # share of invoices paid after the due date
    late_days_mean: float  # mean delay of a late payment
    storage_pallets: float  # median pallets held in our warehouse (0 = none)

    @property
    def discount_low(self) -> float:
        return self.discount_range[0]

    @property
    def discount_high(self) -> float:
        return self.discount_range[1]


def _persona(code: str, share: float, **overrides: object) -> Persona:
    base: dict[str, object] = dict(
        size_log_mean=0.0,
        size_log_sigma=1.0,
        units_per_line=5.0,
        lines_per_order=20.0,
        breadth=(0.3, 0.7),
        mix=0,
        monthly_sigma=0.35,
        active_share=0.85,
        growth=1.0,
        urgent_share=0.05,
        changes_per_order=0.05,
        delivery_share=0.4,
        sources=(0.45, 0.25, 0.2, 0.1),
        discount_share=0.15,
        discount_range=(0.02, 0.07),
        return_share=0.006,
        calls_per_order=0.5,
        calls_per_month=1.5,
        emails_per_order=0.8,
        emails_per_month=1.2,
        meetings_per_month=0.05,
        visits_per_month=0.015,
        inquiries_per_order=0.03,
        complaints_per_order=0.005,
        claims_per_month=0.12,
        terms_days=(14, 21, 30),
        late_share=0.3,
        late_days_mean=8.0,
        storage_pallets=0.0,
    )
    base.update(overrides)
    return Persona(code=code, share=share, **base)  # type: ignore[arg-type]


PERSONAS: tuple[Persona, ...] = (
    _persona(
        "disciplined_large", 0.03,
        size_log_mean=1.7, size_log_sigma=0.3, units_per_line=14.0, lines_per_order=45.0,
        breadth=(0.85, 1.0), monthly_sigma=0.08, active_share=1.0, growth=1.05,
        urgent_share=0.01, changes_per_order=0.03, delivery_share=0.6,
        sources=(0.2, 0.05, 0.35, 0.4), discount_share=0.3, discount_range=(0.02, 0.05),
        return_share=0.003, calls_per_order=0.3, calls_per_month=2.0, emails_per_order=0.5,
        emails_per_month=3.0, meetings_per_month=0.3, visits_per_month=0.1,
        inquiries_per_order=0.02, complaints_per_order=0.003, claims_per_month=0.01,
        terms_days=(30, 45), late_share=0.03, late_days_mean=2.0,
    ),
    _persona(
        "demanding_large", 0.02,
        size_log_mean=1.4, size_log_sigma=0.3, units_per_line=12.0, lines_per_order=6.0,
        breadth=(0.4, 0.7), monthly_sigma=0.2, active_share=1.0, growth=1.05,
        urgent_share=0.3, changes_per_order=1.0, delivery_share=0.9,
        sources=(0.3, 0.5, 0.15, 0.05), discount_share=0.3, discount_range=(0.03, 0.08),
        return_share=0.015, calls_per_order=1.0, calls_per_month=10.0, emails_per_order=0.8,
        emails_per_month=8.0, meetings_per_month=0.5, visits_per_month=0.15,
        inquiries_per_order=0.2, complaints_per_order=0.04, claims_per_month=0.3,
        terms_days=(30,), late_share=0.3, late_days_mean=8.0,
    ),
    _persona(
        "warehouse_user", 0.05,
        size_log_mean=0.6, size_log_sigma=0.6, units_per_line=10.0, lines_per_order=22.0,
        breadth=(0.4, 0.8), monthly_sigma=0.25, active_share=0.95, storage_pallets=14.0,
    ),
    _persona(
        "growing_medium", 0.12,
        size_log_mean=0.4, size_log_sigma=0.5, units_per_line=6.0, lines_per_order=18.0,
        breadth=(0.4, 0.7), mix=2, monthly_sigma=0.25, active_share=0.95, growth=2.2,
        discount_share=0.1, discount_range=(0.02, 0.05), late_share=0.2,
    ),
    _persona(
        "price_hunter", 0.30,
        size_log_mean=-0.6, size_log_sigma=0.8, units_per_line=4.0, lines_per_order=8.0,
        breadth=(0.1, 0.25), mix=1, monthly_sigma=0.6, active_share=0.6, growth=0.8,
        urgent_share=0.08, changes_per_order=0.15, delivery_share=0.25,
        sources=(0.15, 0.65, 0.15, 0.05), discount_share=0.85, discount_range=(0.1, 0.2),
        return_share=0.015, calls_per_order=1.3, calls_per_month=0.5, emails_per_order=0.3,
        emails_per_month=0.3, meetings_per_month=0.0, visits_per_month=0.0,
        inquiries_per_order=0.06, complaints_per_order=0.01, claims_per_month=0.6,
        terms_days=(0, 7, 14), late_share=0.7, late_days_mean=25.0,
    ),
    _persona(
        "chatty", 0.05,
        size_log_mean=-0.3, size_log_sigma=0.7, units_per_line=4.0, lines_per_order=14.0,
        calls_per_order=1.5, calls_per_month=18.0, emails_per_order=2.0, emails_per_month=20.0,
        meetings_per_month=0.8, visits_per_month=0.25, inquiries_per_order=0.3,
        complaints_per_order=0.03,
    ),
    _persona("new", 0.04, size_log_sigma=0.9),
    _persona("lapsed", 0.04, size_log_mean=-0.3, active_share=0.7),
    _persona("ordinary", 0.0),  # the rest
)

PERSONA_CODES: tuple[str, ...] = tuple(p.code for p in PERSONAS)


def persona_counts(clients: int) -> np.ndarray:
    """Clients per persona (in `PERSONAS` order): the shares, at least one each, rest ordinary."""
    counts = np.array([max(1, round(p.share * clients)) for p in PERSONAS[:-1]], dtype=np.int64)
    ordinary = clients - counts.sum()
    if ordinary < 5:
        raise ValueError(f"{clients} clients are too few for every persona; ask for at least 60")
    return np.append(counts, ordinary)


def assign_personas(clients: int, rng: np.random.Generator) -> np.ndarray:
    """Persona index per client, shuffled so client ids say nothing about behaviour."""
    codes = np.repeat(np.arange(len(PERSONAS), dtype=np.int8), persona_counts(clients))
    return rng.permutation(codes)


def persona_array(field: str, persona: np.ndarray) -> np.ndarray:
    """A scalar persona parameter looked up per client (or per row) from its persona index."""
    values = np.array([getattr(p, field) for p in PERSONAS], dtype=np.float64)
    return values[persona]
