"""The model from store to output tables: facts, costing, the client P&L, groups and the rest.

`compute_model` takes an Ibis backend holding the input tables, the settings and the period, and
returns every output table as Arrow plus the headline figures. Only small per-client tables are
materialised (kept on the same backend, as its engine keeps tables); the fact tables are each
read once. The queries come in two stages (`clientload.model.stages`), recorded as SQL and kept
in a plan cache for the next run with the same settings, period and engine
(`clientload.model.plan`); between the stages this module reads the company's figures the second
stage needs. An engine that queues queries (DuckDB) runs them while Python builds the next.

Nothing here imports Ibis: a run whose stages come from the plan cache never does.
"""

from __future__ import annotations

import hashlib
import json
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from clientload.model.cadence import MarginBar, rhythm_months, typical_gap
from clientload.model.headlines import activation_headline, as_float, company_headlines
from clientload.model.period import Period, stand_in
from clientload.model.plan import PlanCache, Queries, code_version, plan_key
from clientload.progress import ProgressFn, no_progress
from clientload.settings import Settings

OUTPUT_TABLES = (
    "client_metrics",
    "client_costs",
    "capacity",
    "client_assortment",
    "client_assortment_sku",
    "heavy_clients",
    "whale_curve",
    "policy_deviations",
    "career",
    "segments",
    "activation",
)

CLIENT_METRICS_COLUMNS = (
    "client_id",
    "name",
    "manager",
    "region",
    "segment",
    "segment_reason",
    "segment_reason_ru",
    "segment_stable",
    "contribution_sign_stable",
    "revenue",
    "cost_of_goods",
    "gross_margin",
    "margin_rate",
    "cost_assumed",
    "load_minutes",
    "activity_cost",
    "storage_cost",
    "financing_cost",
    "cost_to_serve",
    "contribution",
    "contribution_rate",
    "deviations_cost",
    "orders",
    "order_lines",
    "quantity",
    "changes",
    "urgent_orders",
    "deliveries",
    "returns",
    "returned_orders",
    "new_client_orders",
    "calls",
    "portal_orders",
    "orders_per_month",
    "average_order_value",
    "lines_per_order",
    "changes_per_order",
    "urgent_share",
    "calls_per_order",
    "load_minutes_per_1000_revenue",
    "margin_per_load_hour",
    "storage_days",
    "waiting_orders",
    "waiting_days",
    "waiting_value_days",
    "dso_days",
    "payment_terms_days",
    "categories_bought",
    "breadth",
    "monthly_revenue",
    "cv_monthly_revenue",
    "regularity_cv",
    "purchase_days",
    "mean_gap_days",
    "days_since_purchase",
    "lapse_after_days",
    "xyz_class",
    "abc_revenue",
    "abc_contribution",
    "tenure_months",
    "first_date",
    "last_date",
    "previous_revenue",
    "growth",
)

STAGES = ("facts", "costs", "clients", "policy", "outputs")
# the output the model itself reads at the end (one row per department)
_NEEDED = frozenset({"capacity", "activation"})
# the tables the first stage keeps, which the second reads
FACT_TABLES = (
    "months", "sales", "orders", "waiting", "interactions", "storage", "receivables",
    "assortment", "client_costs", "capacity",
)


@dataclass
class ModelResult:
    """The output tables as Arrow (all of them, unless the caller took them as they came), their
    row counts, the headline figures and the time each stage took."""

    tables: dict[str, Any]
    headlines: dict[str, Any]
    timings: dict[str, Any] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class StoreShape:
    """What of the store shapes the model's queries: which optional inputs hold rows, and
    whether the sales' monthly summaries are kept."""

    has_orders: bool
    has_products: bool
    summaries: bool


@dataclass(frozen=True)
class Mid:
    """The company's figures the second stage needs, read from the first stage's results."""

    range_categories: int
    rhythm_months: int
    gap_days: float | None
    min_previous_revenue: float
    margin: MarginBar


# Numbers the second stage's SQL is compiled with in place of the company's figures, replaced by
# their values before each run (see `clientload.model.plan`): unlike any real figure's literal.
_SENTINEL_GAP = 271828.1828459045
_SENTINEL_PREVIOUS = 314159.2653589793
_SENTINEL_RICH = 161803.39887498948
_SENTINEL_LARGE = 141421.35623730951
_SENTINEL_PERCENT = 918273645


def _with_sentinels(mid: Mid) -> tuple[Mid, dict[str, str]] | None:
    """`mid` with sentinels for its figures and the text replacing each; None when a figure is
    not a finite number (the stage is then built with the figures and not kept)."""
    floats = [mid.min_previous_revenue, mid.margin.rich_from, mid.margin.large_from]
    if mid.gap_days is not None:
        floats.append(mid.gap_days)
    if not all(math.isfinite(f) for f in floats):
        return None
    values = {
        repr(_SENTINEL_PREVIOUS): repr(float(mid.min_previous_revenue)),
        repr(_SENTINEL_RICH): repr(float(mid.margin.rich_from)),
        repr(_SENTINEL_LARGE): repr(float(mid.margin.large_from)),
        f"'{_SENTINEL_PERCENT}'": f"'{int(mid.margin.percent)}'",
    }
    if mid.gap_days is not None:
        values[repr(_SENTINEL_GAP)] = repr(float(mid.gap_days))
    sentinel = Mid(
        range_categories=mid.range_categories,
        rhythm_months=mid.rhythm_months,
        gap_days=None if mid.gap_days is None else _SENTINEL_GAP,
        min_previous_revenue=_SENTINEL_PREVIOUS,
        margin=MarginBar(_SENTINEL_RICH, _SENTINEL_LARGE, _SENTINEL_PERCENT),
    )
    return sentinel, values


def _first(queries: Queries, name: str) -> dict[str, Any]:
    """The first row of a one-row result."""
    rows = queries.result(name).to_pylist()
    return rows[0] if rows else {}


def _shape(store: Any) -> StoreShape:
    return StoreShape(store.has_orders, store.has_products, store.summaries is not None)


def compute_model(
    backend: Any,
    store: Any,
    settings: Settings,
    period: Period,
    progress: ProgressFn | None = None,
    on_output: Callable[[str, Any], None] | None = None,
    keep_outputs: bool = True,
    plans: Path | None = None,
    shape: StoreShape | None = None,
) -> ModelResult:
    """Run the whole model for `period` on `backend` (the tables of `store` live there).

    `store` is a `facts.Store`, or a function giving one (called only when a stage is built,
    not replayed; `shape` then says what it holds). `plans`: the folder of the plan cache (none:
    every query is built and compiled).

    `on_output(name, table)` is called as soon as each output table is final, before the rest of
    the model is computed: the caller can write it while the engine works on. With
    `keep_outputs=False` the model lets go of each table once `on_output` has it, and the result
    holds only their row counts: at 50 million lines the outputs are 0.57 GB of Arrow, which
    otherwise all stay in memory until the last one is done.
    """
    if not keep_outputs and on_output is None:
        raise ValueError("keep_outputs=False needs on_output: the tables would be lost")
    report = progress or no_progress
    get_store = store if callable(store) else (lambda: store)
    shape = shape or _shape(store)
    q = Queries(backend, PlanCache(plans) if plans else None, on_output, keep_outputs, _NEEDED)
    timings: dict[str, Any] = {}
    clock = time.perf_counter()

    def done(stage: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        timings[stage] = round(now - clock, 3)
        clock = now
        report("model", STAGES.index(stage) + 1, len(STAGES))

    base: list[Any] = []
    # Queries are built for `built_period`: a stand-in for a period of whole months, whose
    # dates each query's text has moved to the real period's before it runs (`stand_in`), so
    # that the plan serves the next month's period too.
    built_period, rewrite = period, None
    if q.cache is not None:
        settings_text = json.dumps(settings.raw, sort_keys=True, default=str)
        moved = stand_in(period)
        if moved is not None:
            built_period, rewrite = moved
        base = [
            code_version(),
            getattr(backend, "plan_engine", type(backend).__name__),
            hashlib.sha256(settings_text.encode("utf-8")).hexdigest(),
            built_period.start.isoformat(),
            built_period.end.isoformat(),
            [shape.has_orders, shape.has_products, shape.summaries],
        ]

    # 1. The facts and the costing.
    first = q.stage("facts", plan_key(*base, "facts"), rewrite=rewrite)
    kept: dict[str, Any] = {}
    if not first.replayed:
        from clientload.model.stages import build_facts

        kept = build_facts(first, get_store(), settings, built_period, done)
    else:
        done("facts")
        done("costs")
    first.close()

    # 2. The company's figures the groups need, then the clients, the policy and the outputs.
    mid, company_revenue, company_margin = _company_figures(q, settings, period)
    company_gap = mid.gap_days
    built = mid
    values: dict[str, str] = {}
    marked = _with_sentinels(mid) if q.cache is not None else None
    if marked is not None:
        built, values = marked
    second = q.stage(
        "clients",
        plan_key(*base, "clients", mid.range_categories, mid.rhythm_months, company_gap is None),
        values,
        cacheable=q.cache is not None and marked is not None,
        rewrite=rewrite,
    )
    if not second.replayed:
        from clientload.model.stages import build_clients

        tables = kept or {name: q.handle(name) for name in FACT_TABLES}
        build_clients(second, tables, get_store(), settings, built_period, built, done)
    else:
        done("clients")
        done("policy")
    second.close()

    collected = {name: q.result(name) for name in OUTPUT_TABLES}
    tables_out = {k: v for k, v in collected.items() if not isinstance(v, int)}
    rows = {k: v if isinstance(v, int) else v.num_rows for k, v in collected.items()}
    done("outputs")
    headlines = _headlines(q, settings, tables_out, company_revenue, company_margin, mid)
    q.drop_kept()
    return ModelResult(
        tables=tables_out,
        headlines=headlines,
        # an engine that queues queries times them itself: the keeps return at once
        timings={
            **timings,
            "tables": dict(getattr(backend, "seconds", None) or q.seconds),
            "plan_cached": list(q.replayed),
        },
        rows=rows,
    )


def _company_figures(q: Queries, settings: Settings, period: Period) -> tuple[Mid, float, float]:
    """The figures of the whole company the second stage needs (the first stage's results: the
    range of categories, the typical gap between purchases and the rhythm, the least previous
    revenue for growth, the margin bars), and the company's revenue and margin."""
    seg = settings.section("segments")
    money = _first(q, "money")
    company_revenue = as_float(money.get("revenue")) or 0.0
    company_margin = as_float(money.get("margin")) or 0.0
    company_margin_rate = company_margin / company_revenue if company_revenue else 0.0
    previous_clients = int(money.get("previous_revenue_clients") or 0)
    company_gap = typical_gap(q.result("gaps").column("mean_gap_days").to_pylist())
    mid = Mid(
        range_categories=int(_first(q, "range").get("n") or 0),
        rhythm_months=rhythm_months(company_gap, period, int(seg.get("rhythm_months", 0))),
        gap_days=company_gap,
        min_previous_revenue=float(seg.get("growing_min_previous_share", 0.0))
        * ((as_float(money.get("previous_revenue_sum")) or 0.0) / previous_clients
           if previous_clients else 0.0),
        margin=MarginBar.of(company_margin_rate, seg),
    )  # fmt: skip
    return mid, company_revenue, company_margin


def _headlines(
    q: Queries,
    settings: Settings,
    tables: dict[str, Any],
    company_revenue: float,
    company_margin: float,
    mid: Mid,
) -> dict[str, Any]:
    analysis = settings.section("analysis")
    seg = settings.section("segments")
    sens_s = settings.section("sensitivity")
    company_margin_rate = company_margin / company_revenue if company_revenue else 0.0
    headlines = company_headlines(
        _first(q, "headline_row"),
        tables["capacity"].to_pylist(),
        company_revenue,
        company_margin_rate,
    )
    data_checks = {**_first(q, "checks"), **_first(q, "assumed")}
    minutes_factors = [float(f) for f in sens_s.get("minutes_factors", (0.8, 1.2))]
    cost_factors = [float(f) for f in sens_s.get("cost_factors", (0.9, 1.1))]
    headlines["sensitivity"] = {
        "minutes_factors": minutes_factors,
        "cost_factors": cost_factors,
        "minutes_spread": max((abs(f - 1) for f in minutes_factors), default=0.0),
        "cost_spread": max((abs(f - 1) for f in cost_factors), default=0.0),
        "clients_whose_group_depends": int(
            data_checks.pop("clients_whose_group_depends_on_assumptions") or 0
        ),
        "clients_whose_sign_depends": int(
            data_checks.pop("clients_whose_sign_depends_on_assumptions") or 0
        ),
    }
    headlines["data_checks"] = data_checks
    headlines["gross_margin"] = company_margin
    headlines["cost_to_serve"] = as_float(_first(q, "serving").get("cost_to_serve")) or 0.0
    headlines["whale"]["top_client_share"] = float(analysis.get("whale_top_share", 0.2))
    headlines["activation"] = activation_headline(tables["activation"].to_pylist())
    headlines["group_checks"] = _first(q, "group_checks")
    headlines["group_limits"] = {
        "core_min_breadth": float(seg["core_min_breadth"]),
        "core_max_cv": float(seg["core_max_cv"]),
        "growing_min_growth": float(seg["growing_min_growth"]),
        "growing_min_previous_revenue": mid.min_previous_revenue,
        "growing_min_margin_premium": mid.margin.rich_from,
    }
    headlines["rhythm"] = {
        "months": mid.rhythm_months,
        "typical_gap_days": mid.gap_days,
        "min_previous_revenue": mid.min_previous_revenue,
    }
    return headlines
