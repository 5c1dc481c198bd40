"""Client groups and the reasons in words: core, growing, price_driven, new, lapsed.

Rules, applied in this order (thresholds from the `[segments]` and `[analysis]` settings):
1. `new`: the first purchase ever is within the last `new_client_months` months of the period.
2. `lapsed`: no purchase in the last `lapsed_days` days of the period.
3. `core`: among the clients that make the first `core_min_revenue_share` of revenue, buying at
   least `core_min_breadth` of the range's categories, regularly (CV of monthly revenue at most
   `core_max_cv`).
4. `growing`: a positive contribution and either revenue up at least `growing_min_growth` on the
   previous period, or a margin rate at least `growing_min_margin_premium` above the company's, or
   (when `growing_includes_large` is true) a large client (as for core) that misses a core
   criterion and whose margin rate is above the company's minus `price_driven_max_margin_rate`.
5. `price_driven`: everyone else — small or irregular buyers whose contribution is negative or
   whose margin is no better than the company's.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import ibis
import ibis.expr.types as ir

from clientload.model.period import Period, add_months


def _pct(value: ir.NumericValue) -> ir.StringValue:
    return (value * 100).round(0).cast("int64").cast("string") + ibis.literal("%")


def _num(value: ir.NumericValue, digits: int = 2) -> ir.StringValue:
    return value.round(digits).cast("string")


def _money(value: ir.NumericValue) -> ir.StringValue:
    return value.round(0).cast("int64").cast("string")


def revenue_share_before(t: ir.Table) -> ir.NumericValue:
    """The share of company revenue made by the clients above this one (largest first)."""
    amount = ibis.greatest(ibis.coalesce(t.revenue, 0.0), 0.0)
    window = ibis.window(order_by=[ibis.desc(amount), t.client_id], preceding=None, following=0)
    total = amount.sum().over(ibis.window())
    return ibis.ifelse(total > 0, (amount.sum().over(window) - amount) / total, 1.0)


def assign_segments(
    t: ir.Table,
    *,
    period: Period,
    segments: dict[str, Any],
    analysis: dict[str, Any],
    company_margin_rate: float,
    range_categories: int,
) -> ir.Table:
    """Add `segment` and `segment_reason` to client metrics that carry `revenue_share_before`."""
    new_since = add_months(period.end + timedelta(days=1), -int(analysis["new_client_months"]))
    lapsed_before = period.end - timedelta(days=int(analysis["lapsed_days"]) - 1)
    core_share = float(segments["core_min_revenue_share"])
    min_breadth = float(segments["core_min_breadth"])
    max_cv = float(segments["core_max_cv"])
    min_growth = float(segments["growing_min_growth"])
    premium = float(segments["growing_min_margin_premium"])
    large_grow = bool(segments.get("growing_includes_large", True))
    price_gap = float(segments.get("price_driven_max_margin_rate", 0.0))

    is_new = t.first_date >= ibis.literal(new_since)
    is_lapsed = t.last_date.isnull() | (t.last_date < ibis.literal(lapsed_before))
    large = (t.revenue > 0) & (t.revenue_share_before < core_share)
    broad = t.breadth >= min_breadth
    regular = t.cv_monthly_revenue <= max_cv
    is_core = large & broad & ibis.coalesce(regular, False)
    profitable = t.contribution > 0
    grows = ibis.coalesce(t.growth >= min_growth, False)
    rich = ibis.coalesce(t.margin_rate >= company_margin_rate + premium, False)
    large_on_way = large & ibis.coalesce(t.margin_rate > company_margin_rate - price_gap, False)
    is_growing = profitable & (grows | rich | (large_on_way if large_grow else ibis.literal(False)))

    segment = ibis.cases(
        (is_new, "new"),
        (is_lapsed, "lapsed"),
        (is_core, "core"),
        (is_growing, "growing"),
        else_="price_driven",
    )

    top = ibis.literal(f"top {round(core_share * 100)}% of revenue")
    buys = (
        ibis.literal("buys ")
        + t.categories_bought.cast("string")
        + ibis.literal(f" of {range_categories} categories")
    )
    cv_text = ibis.ifelse(
        t.cv_monthly_revenue.isnull(),
        ibis.literal("no regular buying"),
        ibis.ifelse(regular, ibis.literal("regular"), ibis.literal("irregular"))
        + ibis.literal(" (CV ")
        + _num(t.cv_monthly_revenue)
        + ibis.literal(")"),
    )
    size = ibis.ifelse(
        large,
        top + ibis.literal(" (class ") + t.abc_revenue + ibis.literal(")"),
        ibis.literal("outside the ")
        + top
        + ibis.literal(" (class ")
        + t.abc_revenue
        + ibis.literal(")"),
    )
    margin_text = (
        ibis.literal("margin ")
        + ibis.coalesce(_pct(t.margin_rate), ibis.literal("n/a"))
        + ibis.literal(f" vs company {round(company_margin_rate * 100)}%")
    )
    growth_text = ibis.ifelse(
        t.growth.isnull(),
        ibis.literal("no sales in the previous period"),
        ibis.literal("revenue ")
        + ibis.ifelse(t.growth >= 0, ibis.literal("+"), ibis.literal(""))
        + _pct(t.growth)
        + ibis.literal(" on the previous period"),
    )
    contribution_text = ibis.ifelse(
        profitable,
        ibis.literal("contribution +") + _money(t.contribution),
        ibis.literal("contribution ") + _money(t.contribution),
    )
    sep = ibis.literal(", ")
    reason = ibis.cases(
        (
            is_new,
            ibis.literal("first purchase ")
            + t.first_date.cast("string")
            + ibis.literal(f", within the last {analysis['new_client_months']} months"),
        ),
        (
            is_lapsed,
            ibis.ifelse(
                t.last_date.isnull(),
                ibis.literal("no purchase in the period"),
                ibis.literal("last purchase ")
                + t.last_date.cast("string")
                + ibis.literal(f", none in the last {analysis['lapsed_days']} days"),
            ),
        ),
        (is_core, size + sep + buys + sep + cv_text),
        (
            is_growing,
            ibis.cases(
                (grows, growth_text),
                (rich, margin_text),
                else_=size + sep + buys + sep + cv_text,
            )
            + sep
            + contribution_text,
        ),
        else_=size + sep + margin_text + sep + contribution_text + sep + buys,
    )
    return t.mutate(segment=segment, segment_reason=reason)
