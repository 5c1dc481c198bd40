"""The model's stages as Ibis expressions handed to a `plan.Stage` (kept, fetched, emitted).

Imported only when a stage is built: a run whose stages all come from the plan cache never
builds an expression (see `clientload.model.plan`).
"""

from __future__ import annotations

from collections.abc import Callable

import ibis
import ibis.expr.types as ir

from clientload.model import activation as activation_mod
from clientload.model import career as career_mod
from clientload.model import costing, facts, heavy, metrics, policy, segments, summary, whale
from clientload.model.orders import Waiting, client_orders, client_waiting, order_events, used_terms
from clientload.model.period import Period
from clientload.model.pipeline import CLIENT_METRICS_COLUMNS, Mid
from clientload.model.plan import Stage
from clientload.model.rhythm import bucket_revenue_sq
from clientload.model.segments import Rhythm, Sensitivity
from clientload.model.warnings import rule_checks
from clientload.settings import Settings


def build_facts(
    stage: Stage,
    store: facts.Store,
    settings: Settings,
    period: Period,
    done: Callable[[str], None],
) -> dict[str, ir.Table]:
    """The facts (one pass per input table, or over the sales' summaries) and the costing; the
    kept tables, the first outputs and the three figures the next stage needs (gaps, range,
    money). Returns the kept tables the next stage reads."""
    analysis = settings.section("analysis")
    policies = settings.section("policy")
    storage_s = settings.section("storage")
    finance_s = settings.section("finance")
    previous = period.previous()
    thresholds = policy.min_order_values(policies)

    # 1. Facts: one pass per input table.
    lines = facts.priced_lines(store, settings.assumed_margin_rate)
    # For a period of whole months the lines are read through their monthly summaries (the
    # store's, kept up to date by `clientload.summaries`, else computed here from the lines).
    summaries = (
        (store.summaries or facts.Summaries.of_lines(store))
        if facts.whole_months(period) and facts.whole_months(previous)
        else None
    )
    if summaries is not None:
        months = stage.keep("months", facts.client_months_of(
            summaries.months, period, previous, settings.assumed_margin_rate
        ))
    else:
        months = stage.keep("months", facts.client_months(lines, period, previous))
    sales = stage.keep("sales", facts.client_sales(months))
    stage.fetch("gaps", sales.filter(sales.mean_gap_days.notnull()).select("mean_gap_days"))
    order_summary = summaries.orders if summaries is not None else None
    events = order_events(
        store, store.sales, period, sales, int(analysis["new_client_months"]), order_summary
    )
    orders = stage.keep("orders", client_orders(events, settings.activities.values(), thresholds))
    waiting_limits = policy.waiting_limits(policies)
    waiting = stage.keep(
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
            order_summary,
        ),
    )
    interactions = stage.keep("interactions", facts.client_interactions(store, period))
    storage = stage.keep(
        "storage",
        facts.client_storage(
            store, period, float(storage_s["pallet_day_rate"]), float(storage_s["value_day_rate"])
        ),
    )
    receivables = stage.keep(
        "receivables",
        facts.client_receivables(
            store, period, settings.cost_of_capital, float(finance_s["default_payment_terms_days"])
        ),
    )
    assortment = stage.keep(
        "assortment",
        facts.client_assortment_of(summaries.categories, period, settings.assumed_margin_rate)
        if summaries is not None
        else facts.client_assortment(lines, period),
    )
    # Two figures the groups' rules need as numbers; asked for now, awaited when needed.
    stage.fetch(
        "range", facts.range_categories(store, lines, period, summaries).name("n").as_table()
    )
    stage.fetch("money", metrics.company_sales_totals(sales))
    stage.emit(
        "client_assortment", assortment.order_by(["client_id", ibis.desc("revenue"), "category"])
    )
    done("facts")

    # 2. Time-driven costing.
    rates = costing.department_rates(
        settings.departments, period.months, float(analysis["cost_period_months"])
    )
    ids = metrics.client_universe(sales, orders)
    drivers = ids.left_join(orders, "client_id")
    counted = [*costing.DRIVER_COLUMNS.values(), *used_terms(settings.activities.values())]
    drivers = stage.keep(
        "drivers",
        drivers.select(
            client_id=ids.client_id, **{c: ibis.coalesce(drivers[c], 0) for c in counted}
        ),
    )
    client_costs = stage.keep(
        "client_costs",
        ibis.union(
            costing.client_costs(drivers, interactions, settings.activities, rates),
            costing.direct_costs(storage, receivables, waiting),
            distinct=False,
        ),
    )
    capacity = stage.keep("capacity", costing.capacity(client_costs, rates))
    stage.emit("client_costs", client_costs.order_by(["client_id", "department", "activity"]))
    stage.emit("capacity", capacity)
    done("costs")
    return {
        "months": months, "sales": sales, "orders": orders, "waiting": waiting,
        "interactions": interactions, "storage": storage, "receivables": receivables,
        "assortment": assortment, "client_costs": client_costs, "capacity": capacity,
    }


def build_clients(
    stage: Stage,
    kept: dict[str, ir.Table],
    store: facts.Store,
    settings: Settings,
    period: Period,
    mid: Mid,
    done: Callable[[str], None],
) -> None:
    """The client P&L, the groups, the policy's deviations and the other outputs, and the
    one-row figures of the headlines, on the tables `build_facts` kept. `mid` holds the company's
    figures (their sentinels when the plan is being recorded)."""
    grouped = _groups(stage, kept, store, settings, period, mid)
    done("clients")
    client_metrics = _policy(stage, kept, grouped, settings, period)
    done("policy")
    _outputs(stage, kept, grouped, client_metrics, store, settings, period, mid)


def _groups(
    stage: Stage,
    kept: dict[str, ir.Table],
    store: facts.Store,
    settings: Settings,
    period: Period,
    mid: Mid,
) -> ir.Table:
    """The client P&L, ABC × XYZ and the groups (kept as `grouped`)."""
    analysis = settings.section("analysis")
    seg = settings.section("segments")
    finance_s = settings.section("finance")
    sens_s = settings.section("sensitivity")
    months, sales, orders, waiting = kept["months"], kept["sales"], kept["orders"], kept["waiting"]
    interactions, storage, receivables = kept["interactions"], kept["storage"], kept["receivables"]
    assortment, client_costs = kept["assortment"], kept["client_costs"]
    range_categories = mid.range_categories
    rhythm = Rhythm(
        months=mid.rhythm_months,
        company_gap_days=mid.gap_days,
        min_previous_revenue=mid.min_previous_revenue,
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
    grouped = stage.keep(
        "grouped",
        segments.assign_segments(
            classified,
            period=period,
            segments=seg,
            analysis=analysis,
            margin=mid.margin,
            range_categories=range_categories,
            rhythm=rhythm,
            sensitivity=Sensitivity(
                tuple(float(f) for f in sens_s.get("minutes_factors", (0.8, 1.2))),
                tuple(float(f) for f in sens_s.get("cost_factors", (0.9, 1.1))),
            ),
        ),
    )
    return grouped



def _policy(
    stage: Stage,
    kept: dict[str, ir.Table],
    grouped: ir.Table,
    settings: Settings,
    period: Period,
) -> ir.Table:
    """The policy's deviations (emitted) and the client metrics (kept and emitted)."""
    analysis = settings.section("analysis")
    policies = settings.section("policy")
    storage_s = settings.section("storage")
    thresholds = policy.min_order_values(policies)
    waiting_limits = policy.waiting_limits(policies)
    rates = costing.department_rates(
        settings.departments, period.months, float(analysis["cost_period_months"])
    )
    orders, waiting, client_costs = kept["orders"], kept["waiting"], kept["client_costs"]
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
    deviations = stage.keep(
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
    stage.emit("policy_deviations", deviations)
    per_client = policy.deviation_costs(deviations).rename(d_client_id="client_id")
    final = grouped.left_join(per_client, grouped.client_id == per_client.d_client_id)
    final = final.mutate(deviations_cost=ibis.coalesce(final.deviations_cost, 0.0))
    client_metrics = stage.keep(
        "client_metrics",
        final.select(*CLIENT_METRICS_COLUMNS).order_by([ibis.desc("load_minutes"), "client_id"]),
    )
    stage.emit("client_metrics", client_metrics)
    return client_metrics



def _outputs(
    stage: Stage,
    kept: dict[str, ir.Table],
    grouped: ir.Table,
    client_metrics: ir.Table,
    store: facts.Store,
    settings: Settings,
    period: Period,
    mid: Mid,
) -> None:
    """The other outputs (emitted) and the one-row figures of the headlines."""
    analysis = settings.section("analysis")
    seg = settings.section("segments")
    act_s = settings.section("activation")
    lines = facts.priced_lines(store, settings.assumed_margin_rate)
    orders, assortment = kept["orders"], kept["assortment"]
    client_costs, capacity = kept["client_costs"], kept["capacity"]
    range_categories = mid.range_categories
    top_n = int(analysis["heavy_clients_top_n"])
    heavy_list = stage.keep(
        "heavy", heavy.heavy_clients(client_metrics, client_costs, assortment, top_n)
    )
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
        stage.emit(name, expr)
    # the one-row figures last, so that no query waits for Python to ask for them
    stage.fetch("headline_row", whale.whale_headlines(curve, top_share))
    stage.fetch(
        "checks",
        orders.aggregate(
            orders_not_in_orders_table=orders.orders_not_in_table.sum(),
            orders_without_sales_lines=orders.orders_without_lines.sum(),
        ),
    )
    stage.fetch("serving", metrics.company_cost_to_serve(client_costs))
    stage.fetch(
        "group_checks",
        rule_checks(
            client_metrics,
            min_breadth=float(seg["core_min_breadth"]),
            max_cv=float(seg["core_max_cv"]),
            min_growth=float(seg["growing_min_growth"]),
            min_previous=mid.min_previous_revenue,
            min_margin_rate=mid.margin.rich_from,
        ),
    )
    stage.fetch(
        "assumed",
        client_metrics.aggregate(
            clients_with_assumed_cost=client_metrics.cost_assumed.sum(),
            clients_whose_group_depends_on_assumptions=client_metrics.count(
                where=~client_metrics.segment_stable
            ),
            clients_whose_sign_depends_on_assumptions=client_metrics.count(
                where=~client_metrics.contribution_sign_stable
            ),
            revenue_with_assumed_cost=client_metrics.revenue.sum(where=client_metrics.cost_assumed),
        ),
    )
