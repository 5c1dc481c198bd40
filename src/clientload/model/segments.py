"""Client groups and the reasons in words: core, growing, price_driven, new, lapsed.

Rules, applied in this order (thresholds from the `[segments]` and `[analysis]` settings):
1. `new`: the first purchase ever is within the last `new_client_months` months of the period.
2. `lapsed`: no purchase for max(`lapsed_days`, `lapsed_gap_factor` × the client's mean gap between
   purchases, or the company's typical gap) days before the period's end (see `rhythm`).
3. `core`: among the clients that make the first `core_min_revenue_share` of revenue, buying at
   least `core_min_breadth` of the range's categories, regularly (CV of revenue over the company's
   rhythm — monthly for weekly buyers, per 4 months where clients buy every few months — at most
   `core_max_cv`).
4. `growing`: a positive contribution and either revenue up at least `growing_min_growth` on the
   previous period (counted only where the previous revenue was at least
   `growing_min_previous_share` × the mean of the clients that had any), or a margin rate at least
   `growing_min_margin_premium` above the company's, or
   (when `growing_includes_large` is true) a large client (as for core) that misses a core
   criterion and whose margin rate is above the company's minus `price_driven_max_margin_rate`.
5. `price_driven`: everyone else — small or irregular buyers whose contribution is negative or
   whose margin is no better than the company's.

A client with sales lines priced at the assumed margin (`cost_assumed`: no cost of goods) has no
margin of its own to compare: its rate is the assumption, equal to the company's when every line
is assumed. Such a margin neither earns a premium (rule 4's margin test) nor counts against a large
profitable client (rule 4's last test passes), and its reason says the margin is assumed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import ibis
import ibis.expr.types as ir

from clientload.model import rhythm as rhythm_mod
from clientload.model.cadence import MarginBar
from clientload.model.period import Period, add_months


@dataclass(frozen=True)
class Rhythm:
    """What the group rules need of the company as a whole: its rhythm in months, its typical gap
    between purchases in days, and the least previous revenue growth is measured from."""

    months: int = 1
    company_gap_days: float | None = None
    min_previous_revenue: float = 0.0


@dataclass(frozen=True)
class Sensitivity:
    """The assumptions the groups are tested against: every standard minute × each of
    `minutes_factors`, and every department's cost × each of `cost_factors` (one at a time)."""

    minutes_factors: tuple[float, ...] = (0.8, 1.2)
    cost_factors: tuple[float, ...] = (0.9, 1.1)


def variant_contributions(t: ir.Table, sensitivity: Sensitivity) -> list[ir.NumericValue]:
    """The client's contribution under each variant of the assumptions. Standard minutes × f
    change the activity cost of standard time (recorded minutes are facts); department costs × f
    change every activity's cost; storage and financing stay."""
    direct = t.storage_cost + t.financing_cost
    standard = t.standard_activity_cost
    out = [
        t.gross_margin - direct - (t.activity_cost + (f - 1.0) * standard)
        for f in sensitivity.minutes_factors
    ]
    out += [t.gross_margin - direct - f * t.activity_cost for f in sensitivity.cost_factors]
    return out


def _pct(value: ir.NumericValue) -> ir.StringValue:
    return (value * 100).round(0).cast("int64").cast("string") + ibis.literal("%")


def _num(value: ir.NumericValue, digits: int = 2) -> ir.StringValue:
    return value.round(digits).cast("string")


def _money(value: ir.NumericValue) -> ir.StringValue:
    return value.round(0).cast("int64").cast("string")


def _day_month_year(day: ir.DateValue) -> ir.StringValue:
    """A date as 01.06.2025, the Russian way (written out: `strftime` differs between engines)."""
    def two(part: ir.IntegerValue) -> ir.StringValue:
        return part.cast("string").lpad(2, "0")

    return two(day.day()) + "." + two(day.month()) + "." + day.year().cast("string")


def _in_russian(facts: dict[str, ir.Value]) -> dict[str, ir.Value]:
    """The facts written the Russian way: decimal comma, dates as day.month.year."""
    out = dict(facts)
    out["cv"] = facts["cv"].replace(".", ",")
    for key in ("first", "last"):
        out[key] = _day_month_year(facts[f"{key}_date"])
    return out


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
    margin: MarginBar,
    range_categories: int,
    rhythm: Rhythm | None = None,
    sensitivity: Sensitivity | None = None,
) -> ir.Table:
    """Add `segment`, `segment_reason` (English), `segment_reason_ru`, `lapse_after_days`,
    `days_since_purchase`, and `segment_stable` and `contribution_sign_stable` (the same under
    every variant of `sensitivity`) to client metrics that carry `revenue_share_before`."""
    rhythm = rhythm or Rhythm()
    sensitivity = sensitivity or Sensitivity()
    new_since = add_months(period.end + timedelta(days=1), -int(analysis["new_client_months"]))
    lapse_limit = rhythm_mod.lapse_limit_days(
        t.mean_gap_days,
        rhythm.company_gap_days,
        int(analysis["lapsed_days"]),
        float(analysis.get("lapsed_gap_factor", 2.0)),
    )
    days_since = ibis.literal(period.end).delta(t.last_date, unit="day")
    core_share = float(segments["core_min_revenue_share"])
    min_breadth = float(segments["core_min_breadth"])
    max_cv = float(segments["core_max_cv"])
    min_growth = float(segments["growing_min_growth"])
    large_grow = bool(segments.get("growing_includes_large", True))

    is_new = t.first_date >= ibis.literal(new_since)
    is_lapsed = t.last_date.isnull() | (days_since >= lapse_limit)
    large = (t.revenue > 0) & (t.revenue_share_before < core_share)
    broad = t.breadth >= min_breadth
    regular = t.regularity_cv <= max_cv
    is_core = large & broad & ibis.coalesce(regular, False)
    profitable = t.contribution > 0
    grows = ibis.coalesce(
        (t.growth >= min_growth) & (t.previous_revenue >= rhythm.min_previous_revenue), False
    )
    margin_known = ~ibis.coalesce(t.cost_assumed, False)
    rich = margin_known & ibis.coalesce(t.margin_rate >= margin.rich_from, False)
    large_on_way = large & (
        ~margin_known | ibis.coalesce(t.margin_rate > margin.large_from, False)
    )
    qualifies = grows | rich | (large_on_way if large_grow else ibis.literal(False))
    is_growing = profitable & qualifies

    def segment_of(growing: ir.BooleanValue) -> ir.StringValue:
        return ibis.cases(
            (is_new, "new"),
            (is_lapsed, "lapsed"),
            (is_core, "core"),
            (growing, "growing"),
            else_="price_driven",
        )

    segment = segment_of(is_growing)
    # Only `growing` against `price_driven` turns on the contribution: the groups under each
    # variant of the assumed minutes and costs, from the same facts.
    variants = variant_contributions(t, sensitivity)
    segment_stable: ir.BooleanValue = ibis.literal(True)
    sign_stable: ir.BooleanValue = ibis.literal(True)
    for contribution in variants:
        segment_stable = segment_stable & (segment_of((contribution > 0) & qualifies) == segment)
        sign_stable = sign_stable & ((contribution > 0) == profitable)

    flags = _Flags(
        is_new, is_lapsed, is_core, is_growing, large, regular, grows, rich, margin_known
    )
    reasons = _reasons(
        t, flags, lapse_limit, profitable, rhythm,
        {"share": round(core_share * 100), "range": range_categories,
         "company": margin.percent, "months": analysis["new_client_months"]},
    )  # fmt: skip
    return t.mutate(
        segment=segment,
        segment_reason=reasons["en"],
        segment_reason_ru=reasons["ru"],
        lapse_after_days=lapse_limit,
        days_since_purchase=days_since,
        segment_stable=segment_stable,
        contribution_sign_stable=sign_stable,
    )


@dataclass(frozen=True)
class _Flags:
    is_new: ir.BooleanValue
    is_lapsed: ir.BooleanValue
    is_core: ir.BooleanValue
    is_growing: ir.BooleanValue
    large: ir.BooleanValue
    regular: ir.BooleanValue
    grows: ir.BooleanValue
    rich: ir.BooleanValue
    margin_known: ir.BooleanValue


def _reasons(
    t: ir.Table,
    flags: _Flags,
    lapse_limit: ir.NumericValue,
    profitable: ir.BooleanValue,
    rhythm: Rhythm,
    numbers: dict[str, Any],
) -> dict[str, ir.StringValue]:
    """`segment_reason` in each language of `REASON_PHRASES`: the rules the client met or missed,
    with its own figures and the company's (`numbers`)."""
    facts = {
        "abc": t.abc_revenue,
        "n": t.categories_bought.cast("string"),
        "cv": _num(t.regularity_cv),
        "limit": lapse_limit.round(0).cast("int64").cast("string"),
        "margin": ibis.coalesce(_pct(t.margin_rate), ibis.literal("n/a")),
        "growth": ibis.ifelse(t.growth >= 0, ibis.literal("+"), ibis.literal("")) + _pct(t.growth),
        "contribution": ibis.ifelse(profitable, ibis.literal("+"), ibis.literal(""))
        + _money(t.contribution),
        "first": t.first_date.cast("string"),
        "last": t.last_date.cast("string"),
        "first_date": t.first_date,
        "last_date": t.last_date,
    }
    reasons = {}
    for language, words in REASON_PHRASES.items():
        bucket = (
            words["monthly"]
            if rhythm.months == 1
            else words["rhythm"].format(months=rhythm.months)
        )
        written = _in_russian(facts) if language == "ru" else facts
        reasons[language] = _reason(words, flags, written, {**numbers, "rhythm": bucket}, t)
    return reasons


# The words of `segment_reason` in each language; {name} is a fact of the client.
REASON_PHRASES: dict[str, dict[str, str]] = {
    "en": {
        "large": "top {share}% of revenue (class {abc})",
        "small": "outside the top {share}% of revenue (class {abc})",
        "buys": "buys {n} of {range} categories",
        "regular": "regular (CV {cv} {rhythm})",
        "irregular": "irregular (CV {cv} {rhythm})",
        "monthly": "month by month",
        "rhythm": "by {months}-month periods",
        "no_cv": "no regular buying",
        "margin": "margin {margin} vs company {company}%",
        "margin_assumed": "margin assumed ({margin}: no cost of goods)",
        "growth": "revenue {growth} on the previous period",
        "no_previous": "no sales in the previous period",
        "contribution": "contribution {contribution}",
        "new": "first purchase {first}, within the last {months} months",
        "lapsed": "last purchase {last}; the longest pause its rhythm allows is {limit} days",
        "never": "no purchase in the period",
    },
    "ru": {
        "large": "входит в {share}% выручки (класс {abc})",
        "small": "вне {share}% выручки (класс {abc})",
        "buys": "покупает {n} из {range} категорий",
        "regular": "покупает регулярно (CV {cv} {rhythm})",
        "irregular": "покупает нерегулярно (CV {cv} {rhythm})",
        "monthly": "по месяцам",
        "rhythm": "по периодам в {months} мес.",
        "no_cv": "нет регулярных покупок",
        "margin": "маржа {margin} при {company}% по компании",
        "margin_assumed": "маржа принята ({margin}: нет себестоимости)",
        "growth": "выручка {growth} к прошлому периоду",
        "no_previous": "не было продаж в прошлом периоде",
        "contribution": "вклад {contribution}",
        "new": "первая покупка {first}, в последние {months} мес.",
        "lapsed": "последняя покупка {last}; предел паузы по его ритму — {limit} дн.",
        "never": "нет покупок в периоде",
    },
}


def _fill(template: str, facts: dict[str, ir.Value], numbers: dict[str, Any]) -> ir.StringValue:
    """A phrase as a string expression: numbers written in, facts concatenated per client."""
    parts = re.split(r"\{(\w+)\}", template)
    out: ir.StringValue = ibis.literal("")
    for i, part in enumerate(parts):
        if i % 2 == 0:
            if part:
                out = out + ibis.literal(part)
        elif part in numbers:
            out = out + ibis.literal(str(numbers[part]))
        else:
            out = out + facts[part]
    return out


def _reason(words, f: _Flags, facts, numbers, t: ir.Table) -> ir.StringValue:
    def say(key: str) -> ir.StringValue:
        return _fill(words[key], facts, numbers)

    sep = ibis.literal(", ")
    size = ibis.ifelse(f.large, say("large"), say("small"))
    cv_text = ibis.cases(
        (t.regularity_cv.isnull(), say("no_cv")),
        (f.regular, say("regular")),
        else_=say("irregular"),
    )
    growth_text = ibis.ifelse(t.growth.isnull(), say("no_previous"), say("growth"))
    profile = size + sep + say("buys") + sep + cv_text
    return ibis.cases(
        (f.is_new, say("new")),
        (f.is_lapsed, ibis.ifelse(t.last_date.isnull(), say("never"), say("lapsed"))),
        (f.is_core, profile),
        (
            f.is_growing,
            ibis.cases((f.grows, growth_text), (f.rich, say("margin")), else_=profile)
            + sep
            + say("contribution"),
        ),
        else_=size
        + sep
        + ibis.ifelse(f.margin_known, say("margin"), say("margin_assumed"))
        + sep
        + say("contribution")
        + sep
        + say("buys"),
    )
