"""The buying rhythm: how often the company's clients buy, and each client's own.

A distributor whose clients order weekly and a wholesaler whose clients order every few months
need different yardsticks for "regular" and "gone quiet". Both are read from the data:

- a client's **mean gap** = (last − first purchase day) ÷ (purchase days − 1), over the previous
  period and the period together (two purchase days at least);
- the company's **typical gap** G = the median of its clients' mean gaps;
- the **rhythm** B, in months: `segments.rhythm_months`, or when 0 the shortest of 1, 2, 3, 4, 6
  and 12 months that holds a typical gap (B × 30.44 days ≥ G), but no longer than a third of the
  period, so that regularity is always judged on three periods at least;
- **regularity** = the coefficient of variation of the client's revenue over B-month buckets
  counted back from the period's end, from the bucket of its first purchase. With B = 1 it is the
  CV of monthly revenue; where clients buy every 3–4 months it is the CV of revenue per 4 months,
  in which a client buying in its rhythm is steady;
- a client has **lapsed** when its last purchase is at least max(`analysis.lapsed_days`,
  `analysis.lapsed_gap_factor` × its mean gap, or G without one) days before the period's end.
"""

from __future__ import annotations

import math

import ibis
import ibis.expr.types as ir

from clientload.model.cadence import (  # noqa: F401  (the rules read without Ibis)
    DAYS_PER_MONTH,
    RHYTHM_CHOICES,
    calendar_months,
    rhythm_months,
    typical_gap,
)
from clientload.model.facts import month_number
from clientload.model.period import Period


def buckets(period: Period, months: int) -> int:
    """How many B-month buckets, counted back from the period's end, cover the period."""
    return math.ceil(calendar_months(period) / months)


def bucket_revenue_sq(client_months: ir.Table, period: Period, months: int) -> ir.Table:
    """Per client: Σ over B-month buckets of (revenue in the bucket)², for regularity."""
    t = client_months.filter(client_months.bucket > 0)
    k = ((month_number(period.end) - t.bucket) / months).floor().cast("int64")
    per_bucket = t.group_by(client_id=t.client_id, k=k).aggregate(r=ibis.coalesce(
        t.revenue.sum(), 0.0
    ))
    return per_bucket.group_by("client_id").aggregate(rhythm_revenue_sq=(
        per_bucket.r * per_bucket.r
    ).sum())


def active_buckets(
    first_date: ir.DateValue, period: Period, months: int
) -> ir.IntegerValue:
    """The B-month buckets from the one holding the client's first purchase (or the period's
    start, if earlier) to the period's end."""
    since = ibis.greatest(first_date, ibis.literal(period.start))
    index = since.year() * 12 + since.month()
    k = ((month_number(period.end) - index) / months).floor().cast("int64")
    return ibis.least(k + 1, buckets(period, months))


def regularity_cv(
    revenue: ir.NumericValue, revenue_sq: ir.NumericValue, active: ir.IntegerValue
) -> ir.NumericValue:
    """The CV of revenue over the active buckets (NULL without revenue)."""
    mean = revenue / active
    variance = ibis.coalesce(revenue_sq, 0.0) / active - mean * mean
    return ibis.ifelse(
        (revenue > 0) & active.notnull(),
        ibis.greatest(variance, 0.0).sqrt() / mean,
        ibis.null("float64"),
    )


def lapse_limit_days(
    mean_gap: ir.NumericValue, company_gap: float | None, lapsed_days: int, gap_factor: float
) -> ir.NumericValue:
    """Days without a purchase after which a client has lapsed: its own rhythm × the factor
    (the company's where it has none), never less than `lapsed_days`."""
    own = ibis.coalesce(mean_gap, ibis.literal(company_gap, type="float64"))
    return ibis.greatest(
        ibis.coalesce(own * gap_factor, float(lapsed_days)), float(lapsed_days)
    )
