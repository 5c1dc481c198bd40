"""The summary per client group: clients, revenue, margin, load, cost to serve, contribution."""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from clientload.model.labels import SEGMENT_LABELS, SEGMENT_ORDER
from clientload.model.literal import literal_table


def segment_summary(m: ir.Table) -> ir.Table:
    """One row per group with totals, shares of the company's totals and labels in ru and en."""
    g = m.group_by("segment").aggregate(
        clients=m.count(),
        revenue=m.revenue.sum(),
        gross_margin=m.gross_margin.sum(),
        load_minutes=m.load_minutes.sum(),
        cost_to_serve=m.cost_to_serve.sum(),
        contribution=m.contribution.sum(),
        deviations_cost=m.deviations_cost.sum(),
    )
    everyone = ibis.window()

    def share(column: str) -> ir.Value:
        total = g[column].sum().over(everyone)
        return ibis.ifelse(total != 0, g[column] / total, ibis.null("float64"))

    codes = list(SEGMENT_ORDER) + [c for c in SEGMENT_LABELS if c not in SEGMENT_ORDER]
    labels = literal_table(
        {
            "l_segment": ("string", codes),
            "order": ("int64", range(len(codes))),
            "label_en": ("string", [SEGMENT_LABELS[c]["en"] for c in codes]),
            "label_ru": ("string", [SEGMENT_LABELS[c]["ru"] for c in codes]),
        }
    )
    with_shares = g.mutate(
        share_of_clients=share("clients"),
        share_of_revenue=share("revenue"),
        share_of_load=share("load_minutes"),
        share_of_contribution=share("contribution"),
        margin_rate=ibis.ifelse(g.revenue != 0, g.gross_margin / g.revenue, ibis.null("float64")),
        contribution_rate=ibis.ifelse(
            g.revenue != 0, g.contribution / g.revenue, ibis.null("float64")
        ),
    )
    j = with_shares.left_join(labels, with_shares.segment == labels.l_segment)
    j = j.mutate(
        label_en=ibis.coalesce(j.label_en, j.segment),
        label_ru=ibis.coalesce(j.label_ru, j.segment),
        order=ibis.coalesce(j.order, 99),
    )
    return j.order_by(["order", "segment"]).drop("l_segment", "order")
