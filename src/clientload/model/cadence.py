"""The company's figures the groups read as numbers: the buying rhythm (the typical gap and the
bucket length, see `rhythm`) and the margin rate's bars.

Plain Python, no Ibis: the model reads these between its queries, and a run whose queries come
from the plan cache (`clientload.model.plan`) never imports Ibis.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from clientload.model.period import Period

DAYS_PER_MONTH = 365.25 / 12
RHYTHM_CHOICES = (1, 2, 3, 4, 6, 12)


def typical_gap(mean_gaps: Iterable[float | None]) -> float | None:
    """The median of the clients' mean gaps in days (None when no client bought twice)."""
    gaps = [float(g) for g in mean_gaps if g is not None and g == g]
    return statistics.median(gaps) if gaps else None


def calendar_months(period: Period) -> int:
    """The calendar months the period touches."""
    return (period.end.year * 12 + period.end.month) - (
        period.start.year * 12 + period.start.month
    ) + 1


def rhythm_months(gap_days: float | None, period: Period, setting: int = 0) -> int:
    """The length in months of the buckets regularity is measured on (see the module)."""
    if setting > 0:
        return int(setting)
    if gap_days is None:
        return 1
    longest = max(1, calendar_months(period) // 3)
    chosen = 1
    for months in RHYTHM_CHOICES:
        if months > longest:
            break
        chosen = months
        if months * DAYS_PER_MONTH >= gap_days:
            break
    return chosen


# Margin rates are ratios of sums whose float rounding depends on the order the rows are added
# (a store filled by `pull` and one by `import` sum the same lines in another order): a client at
# exactly the company's rate must not fall on either side of a bar by 2e-16.
MARGIN_TOLERANCE = 1e-9


@dataclass(frozen=True)
class MarginBar:
    """The company's margin rate as the groups read it: `growing` on margin from `rich_from`
    (the rate plus `growing_min_margin_premium`), large clients on their way from above
    `large_from` (the rate minus `price_driven_max_margin_rate`), both less generous by
    `MARGIN_TOLERANCE`, and the rate in whole percent for the reasons."""

    rich_from: float
    large_from: float
    percent: int

    @classmethod
    def of(cls, company_margin_rate: float, segments: dict[str, Any]) -> MarginBar:
        return cls(
            rich_from=company_margin_rate
            + float(segments["growing_min_margin_premium"])
            - MARGIN_TOLERANCE,
            large_from=company_margin_rate
            - float(segments.get("price_driven_max_margin_rate", 0.0))
            + MARGIN_TOLERANCE,
            percent=round(company_margin_rate * 100),
        )
