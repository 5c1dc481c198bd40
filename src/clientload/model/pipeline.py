"""The model from store to output tables: facts, costing, the client P&L, groups and the rest.

`compute_model` takes an Ibis backend holding the input tables, the settings and the period, and
returns every output table as Arrow plus the headline figures. Only small per-client tables are
materialised (kept on the same backend, as its engine keeps tables); the fact tables are each
read once. An engine with `fetch_later` (DuckDB) runs the queries while this builds the next.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from clientload.model import activation as activation_mod
from clientload.model import career as career_mod
from clientload.model import costing, facts, heavy, metrics, policy, segments, summary, whale
from clientload.model.orders import Waiting, client_orders, client_waiting, order_events, used_terms
from clientload.model.period import Period
from clientload.model.rhythm import bucket_revenue_sq, rhythm_months, typical_gap
from clientload.model.segments import Rhythm, Sensitivity
from clientload.model.warnings import rule_checks
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


@dataclass
class ModelResult:
    """The output tables as Arrow (all of them, unless the caller took them as they came), their
    row counts, the headline figures and the time each stage took."""

    tables: dict[str, pa.Table]
    headlines: dict[str, Any]
    timings: dict[str, float] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)


class _Materialiser:
    """Keeps intermediate per-client tables on the backend (`create_table(temp=True)`: a temporary
    table, a Spark view, or a table the DuckDB engine queues)."""

    def __init__(self, backend: Any):
        self.backend = backend
        self.names: list[str] = []
        self.seconds: dict[str, float] = {}

    def __call__(self, name: str, expr: ir.Table) -> ir.Table:
        table_name = f"_clientload_{name}"
        self.names.append(table_name)
        started = time.perf_counter()
        table = self.backend.create_table(table_name, expr, temp=True, overwrite=True)
        self.seconds[name] = round(time.perf_counter() - started, 3)
        return table


def _first(result: Future) -> dict[str, Any]:
    """The first row of a pending one-row result, when it comes."""
    rows = result.result().to_pylist()
    return rows[0] if rows else {}


def compute_model(
    backend: Any,
    store: facts.Store,
    settings: Settings,
    period: Period,
    progress: ProgressFn | None = None,
    on_output: Callable[[str, pa.Table], None] | None = None,
    keep_outputs: bool = True,
) -> ModelResult:
    """Run the whole model for `period` on `backend` (the tables of `store` live there).

    `on_output(name, table)` is called as soon as each output table is final, before the rest of
    the model is computed: the caller can write it while the engine works on. With
    `keep_outputs=False` the model lets go of each table once `on_output` has it, and the result
    holds only their row counts: at 50 million lines the outputs are 0.57 GB of Arrow, which
    otherwise all stay in memory until the last one is done.
    """
    if not keep_outputs and on_output is None:
        raise ValueError("keep_outputs=False needs on_output: the tables would be lost")
    report = progress or no_progress
    keep = _Materialiser(backend)
    timings: dict[str, float] = {}
    pending: dict[str, Future] = {}

    def later(expr: ir.Table) -> Future:
        """A result; with an engine that queues queries, computed while Python goes on."""
        fetch_later = getattr(backend, "fetch_later", None)
        if fetch_later is not None:
            return fetch_later(expr)
        future: Future = Future()
        future.set_result(backend.to_pyarrow(expr))
        return future

    def emit(name: str, expr: ir.Table) -> None:
        """Fetch an output table and hand it to `on_output` as soon as it is there."""
        future = later(expr)
        if on_output is None:
            pending[name] = future
            return
        handed: Future = Future()  # the table, or only its row count when the caller keeps it

        def hand_over(fetched: Future) -> None:
            try:
                table = fetched.result()
                on_output(name, table)
                handed.set_result(table if keep_outputs or name in _NEEDED else table.num_rows)
            except BaseException as error:  # raised again where the results are collected
                handed.set_exception(error)

        future.add_done_callback(hand_over)
        pending[name] = handed

    clock = time.perf_counter()

    def done(stage: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        timings[stage] = round(now - clock, 3)
        clock = now
        report("model", STAGES.index(stage) + 1, len(STAGES))

    analysis = settings.section("analysis")
    seg = settings.section("segments")
    policies = settings.section("policy")
    storage_s = settings.section("storage")
    finance_s = settings.section("finance")
    act_s = settings.section("activation")
    sens_s = settings.section("sensitivity")
    previous = period.previous()
    thresholds = policy.min_order_values(policies)

    # 1. Facts: one pass per input table.
    lines = facts.priced_lines(store, settings.assumed_margin_rate)
    months = keep("months", facts.client_months(lines, period, previous))
    sales = keep("sales", facts.client_sales(months))
    gaps_pending = later(sales.filter(sales.mean_gap_days.notnull()).select("mean_gap_days"))
    events = order_events(
        store, store.sales, period, sales, int(analysis["new_client_months"])
    )
    orders = keep("orders", client_orders(events, settings.activities.values(), thresholds))
    waiting_limits = policy.waiting_limits(policies)
    waiting = keep(
        "waiting",
        client_waiting(
            store,
            store.sales,
            period,
            Waiting(
                int(storage_s.get("free_days", 3)),
                float(storage_s["value_day_rate"]),
                waiting_limits,
            ),
        ),
    )
    interactions = keep("interactions", facts.client_interactions(store, period))
    storage = keep(
        "storage",
        facts.client_storage(
            store, period, float(storage_s["pallet_day_rate"]), float(storage_s["value_day_rate"])
        ),
    )
    receivables = keep(
        "receivables",
        facts.client_receivables(
            store, period, settings.cost_of_capital, float(finance_s["default_payment_terms_days"])
        ),
    )
    assortment = keep("assortment", facts.client_assortment(lines, period))
    # Two figures the groups' rules need as numbers; asked for now, awaited when needed.
    range_pending = later(facts.range_categories(store, lines, period).name("n").as_table())
    money_pending = later(metrics.company_sales_totals(sales))
    emit("client_assortment", assortment.order_by(["client_id", ibis.desc("revenue"), "category"]))
    done("facts")

    # 2. Time-driven costing.
    rates = costing.department_rates(
        settings.departments, period.months, float(analysis["cost_period_months"])
    )
    ids = metrics.client_universe(sales, orders)
    drivers = ids.left_join(orders, "client_id")
    counted = [*costing.DRIVER_COLUMNS.values(), *used_terms(settings.activities.values())]
    drivers = keep(
        "drivers",
        drivers.select(
            client_id=ids.client_id, **{c: ibis.coalesce(drivers[c], 0) for c in counted}
        ),
    )
    client_costs = keep(
        "client_costs",
        ibis.union(
            costing.client_costs(drivers, interactions, settings.activities, rates),
            costing.direct_costs(storage, receivables, waiting),
            distinct=False,
        ),
    )
    capacity = keep("capacity", costing.capacity(client_costs, rates))
    emit("client_costs", client_costs.order_by(["client_id", "department", "activity"]))
    emit("capacity", capacity)
    done("costs")

    # 3. The client P&L, ABC × XYZ and the groups.
    range_categories = int(_first(range_pending).get("n") or 0)
    money = _first(money_pending)
    company_revenue = _float(money.get("revenue")) or 0.0
    company_margin = _float(money.get("margin")) or 0.0
    company_margin_rate = company_margin / company_revenue if company_revenue else 0.0
    previous_clients = int(money.get("previous_revenue_clients") or 0)
    company_gap = typical_gap(gaps_pending.result().column("mean_gap_days").to_pylist())
    rhythm = Rhythm(
        months=rhythm_months(company_gap, period, int(seg.get("rhythm_months", 0))),
        company_gap_days=company_gap,
        min_previous_revenue=float(seg.get("growing_min_previous_share", 0.0))
        * ((_float(money.get("previous_revenue_sum")) or 0.0) / previous_clients
           if previous_clients else 0.0),
    )
    universe = metrics.client_universe(sales, orders, interactions, client_costs)
    categories = metrics.categories_per_client(assortment)
    # Not kept: the groups' query below reads it once; the company totals come from the facts.
    pnl = metrics.client_pnl(
        universe=universe,
        clients=store.clients,
        sales=sales,
        orders=orders,
        costs=client_costs,
        calls=metrics.calls_per_client(interactions),
        storage=storage,
        receivables=receivables,
        categories=categories,
        rhythm=bucket_revenue_sq(months, period, rhythm.months),
        waiting=waiting,
        range_categories=range_categories,
        period=period,
        rhythm_months=rhythm.months,
        default_terms_days=float(finance_s["default_payment_terms_days"]),
    )
    classified = pnl.mutate(
        abc_revenue=metrics.abc_class(pnl, "revenue", seg["abc_a_share"], seg["abc_b_share"]),
        abc_contribution=metrics.abc_class(
            pnl, "contribution", seg["abc_a_share"], seg["abc_b_share"]
        ),
        xyz_class=metrics.xyz_class(
            pnl.cv_monthly_revenue, seg["xyz_x_max_cv"], seg["xyz_y_max_cv"]
        ),
        revenue_share_before=segments.revenue_share_before(pnl),
    )
    grouped = keep(
        "grouped",
        segments.assign_segments(
            classified,
            period=period,
            segments=seg,
            analysis=analysis,
            company_margin_rate=company_margin_rate,
            range_categories=range_categories,
            rhythm=rhythm,
            sensitivity=Sensitivity(
                tuple(float(f) for f in sens_s.get("minutes_factors", (0.8, 1.2))),
                tuple(float(f) for f in sens_s.get("cost_factors", (0.9, 1.1))),
            ),
        ),
    )
    done("clients")

    # 4. Client policy.
    handling = client_costs.filter(client_costs.driver == "orders")
    handling = handling.group_by(h_client_id=handling.client_id).aggregate(
        order_cost=handling.cost.sum()
    )
    small = orders.select("client_id", *[f"small_orders_{i}" for i in range(len(thresholds))])
    small = small.rename(s_client_id="client_id")
    over = [f"waiting{kind}_over_{i}" for i in range(len(waiting_limits))
            for kind in ("_days", "_value_days")]
    late = waiting.select(w_client_id=waiting.client_id, **{c: waiting[c] for c in over})
    with_counts = (
        grouped.left_join(small, grouped.client_id == small.s_client_id)
        .left_join(handling, grouped.client_id == handling.h_client_id)
        .left_join(late, grouped.client_id == late.w_client_id)
    )
    with_counts = with_counts.mutate(
        order_handling_cost=ibis.ifelse(
            with_counts.orders > 0,
            ibis.coalesce(with_counts.order_cost, 0.0) / with_counts.orders,
            ibis.null("float64"),
        ),
        **{
            f"small_orders_{i}": ibis.coalesce(with_counts[f"small_orders_{i}"], 0)
            for i in range(len(thresholds))
        },
        orders_with_source=ibis.coalesce(with_counts.orders_with_source, 0),
        **{c: ibis.coalesce(with_counts[c], 0) for c in over},
    )
    deviations = keep(
        "deviations",
        policy.policy_deviations(
            with_counts,
            policies=policies,
            thresholds=thresholds,
            change_cost=policy.unit_cost(settings.activities, rates, "order_changes"),
            urgent_cost=policy.unit_cost(settings.activities, rates, "urgent_orders"),
            delivery_cost=policy.unit_cost(settings.activities, rates, "deliveries"),
            cost_of_capital=settings.cost_of_capital,
            limits=waiting_limits,
            value_day_rate=float(storage_s["value_day_rate"]),
        ),
    )
    emit("policy_deviations", deviations)
    per_client = policy.deviation_costs(deviations).rename(d_client_id="client_id")
    final = grouped.left_join(per_client, grouped.client_id == per_client.d_client_id)
    final = final.mutate(deviations_cost=ibis.coalesce(final.deviations_cost, 0.0))
    client_metrics = keep(
        "client_metrics",
        final.select(*CLIENT_METRICS_COLUMNS).order_by([ibis.desc("load_minutes"), "client_id"]),
    )
    emit("client_metrics", client_metrics)
    done("policy")

    # 5. The other outputs.
    top_n = int(analysis["heavy_clients_top_n"])
    heavy_list = keep("heavy", heavy.heavy_clients(client_metrics, client_costs, assortment, top_n))
    curve = whale.whale_curve(client_metrics)
    top_share = float(analysis.get("whale_top_share", 0.2))
    out: dict[str, ir.Table] = {
        "client_assortment_sku": facts.client_assortment_sku(
            lines, period, heavy_list.select("client_id").distinct()
        ).order_by(["client_id", ibis.desc("revenue"), "sku"]),
        "heavy_clients": heavy_list,
        "whale_curve": curve,
        "career": career_mod.career(
            client_metrics,
            settings.section("career").get("levels", []),
            career_mod.CoreRule(
                monthly_revenue=grouped.aggregate(
                    core_monthly_revenue=grouped.revenue.min(
                        where=(grouped.revenue > 0)
                        & (grouped.revenue_share_before < float(seg["core_min_revenue_share"]))
                    )
                    / period.months
                ),
                categories=float(seg["core_min_breadth"]) * max(range_categories, 1),
                max_cv=float(seg["core_max_cv"]),
            ),
        ).order_by("client_id"),
        "segments": summary.segment_summary(client_metrics),
        "activation": activation_mod.sales_activation(
            client_metrics,
            client_costs,
            capacity,
            departments=list(act_s.get("departments", ["sales", "customer_service"])),
            reduction=float(act_s["self_service_load_reduction"]),
            sales_department=str(act_s.get("sales_department", "sales")),
        ),
    }
    for name, expr in out.items():
        emit(name, expr)
    # the one-row figures last, so that no query waits for Python to ask for them
    headline_row = later(whale.whale_headlines(curve, top_share))
    checks = later(
        orders.aggregate(
            orders_not_in_orders_table=orders.orders_not_in_table.sum(),
            orders_without_sales_lines=orders.orders_without_lines.sum(),
        )
    )
    serving = later(metrics.company_cost_to_serve(client_costs))
    group_limits = {
        "core_min_breadth": float(seg["core_min_breadth"]),
        "core_max_cv": float(seg["core_max_cv"]),
        "growing_min_growth": float(seg["growing_min_growth"]),
        "growing_min_previous_revenue": rhythm.min_previous_revenue,
        "growing_min_margin_premium": company_margin_rate
        + float(seg["growing_min_margin_premium"]),
    }
    group_checks = later(
        rule_checks(
            client_metrics,
            min_breadth=group_limits["core_min_breadth"],
            max_cv=group_limits["core_max_cv"],
            min_growth=group_limits["growing_min_growth"],
            min_previous=rhythm.min_previous_revenue,
            min_margin_rate=group_limits["growing_min_margin_premium"],
        )
    )
    assumed = later(
        client_metrics.aggregate(
            clients_with_assumed_cost=client_metrics.cost_assumed.sum(),
            clients_whose_group_depends_on_assumptions=client_metrics.count(
                where=~client_metrics.segment_stable
            ),
            clients_whose_sign_depends_on_assumptions=client_metrics.count(
                where=~client_metrics.contribution_sign_stable
            ),
            revenue_with_assumed_cost=client_metrics.revenue.sum(where=client_metrics.cost_assumed),
        )
    )
    collected = {name: pending[name].result() for name in OUTPUT_TABLES}
    pending.clear()
    tables = {k: v for k, v in collected.items() if not isinstance(v, int)}
    rows = {k: v if isinstance(v, int) else v.num_rows for k, v in collected.items()}
    done("outputs")
    headlines = _headlines(
        _first(headline_row),
        tables["capacity"].to_pylist(),
        company_revenue,
        company_margin_rate,
    )
    data_checks = {**_first(checks), **_first(assumed)}
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
    headlines["cost_to_serve"] = _float(_first(serving).get("cost_to_serve")) or 0.0
    headlines["whale"]["top_client_share"] = top_share
    headlines["activation"] = activation_mod.activation_headline(
        tables["activation"].to_pylist()
    )
    headlines["group_checks"] = _first(group_checks)
    headlines["group_limits"] = group_limits
    headlines["rhythm"] = {
        "months": rhythm.months,
        "typical_gap_days": company_gap,
        "min_previous_revenue": rhythm.min_previous_revenue,
    }
    for name in keep.names:
        backend.drop_table(name, force=True)
    return ModelResult(
        tables=tables,
        headlines=headlines,
        # an engine that queues queries times them itself: the keep() calls return at once
        timings={**timings, "tables": dict(getattr(backend, "seconds", None) or keep.seconds)},
        rows=rows,
    )


def _headlines(whale_row, capacity_rows, company_revenue: float, margin_rate: float) -> dict:
    """The figures a director reads first: totals, the whale curve, unused capacity."""
    clients = int(_float(whale_row["clients"]) or 0)
    total = _float(whale_row["total_contribution"]) or 0.0
    top = _float(whale_row["top_clients_contribution"]) or 0.0
    peak = _float(whale_row["peak_contribution"]) or 0.0
    losers = int(_float(whale_row["loss_making_clients"]) or 0)
    unused_cost = sum(_float(r["unused_cost"]) or 0.0 for r in capacity_rows)
    over = [str(r["department"]) for r in capacity_rows if r["over_capacity"]]
    return {
        "clients": clients,
        "revenue": company_revenue,
        "margin_rate": margin_rate,
        "total_contribution": total,
        "unused_capacity_cost": unused_cost,
        "profit_after_unused_capacity": total - unused_cost,
        "over_capacity_departments": over,
        "whale": {
            "top_client_share": 0.2,
            # shares of a negative total would rank the losses as the "peak": none then
            "top_clients_profit_share": top / total if total > 0 else None,
            "peak_contribution": peak,
            "peak_profit_share": peak / total if total > 0 else None,
            "peak_client_share": _float(whale_row["peak_client_share"]),
            "loss_making_clients": losers,
            "loss_making_share": losers / clients if clients else None,
            "loss_making_cost": _float(whale_row["loss_making_cost"]) or 0.0,
        },
    }


def _float(value: Any) -> float | None:
    return None if value is None or value != value else float(value)
