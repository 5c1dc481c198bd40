"""The whale curve (Cooper & Kaplan): clients by contribution, cumulative, and its headlines.

Sorted from the most to the least profitable client, cumulative contribution climbs above the
total profit (the "whale's hump") and the loss-making tail brings it back down.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir


def whale_curve(m: ir.Table) -> ir.Table:
    """rank, client, contribution, cumulative contribution, share of clients and of profit."""
    order = [ibis.desc(m.contribution), m.client_id]
    running = ibis.window(order_by=order, preceding=None, following=0)
    everyone = ibis.window()
    total = m.contribution.sum().over(everyone)
    count = m.count().over(everyone)
    rank = ibis.row_number().over(ibis.window(order_by=order)) + 1
    cumulative = m.contribution.sum().over(running)
    return m.select(
        rank=rank,
        client_id=m.client_id,
        name=m.name,
        segment=m.segment,
        revenue=m.revenue,
        contribution=m.contribution,
        cumulative_contribution=cumulative,
        cumulative_client_share=rank / count,
        cumulative_profit_share=ibis.ifelse(total != 0, cumulative / total, ibis.null("float64")),
    ).order_by("rank")


def whale_headlines(curve: ir.Table, top_share: float = 0.2) -> ir.Table:
    """One row: total contribution, what the top `top_share` of clients give (the first
    ⌈n × top_share⌉ by contribution), the peak of the curve, and the count and cost of
    loss-making clients."""
    ranked = curve.mutate(_top=curve.rank <= (curve.count().over(ibis.window()) * top_share).ceil())
    return ranked.aggregate(
        clients=ranked.count(),
        total_contribution=ranked.contribution.sum(),
        top_clients_contribution=ranked.contribution.sum(where=ranked._top),
        peak_contribution=ranked.cumulative_contribution.max(),
        peak_client_share=ranked.cumulative_client_share.max(where=ranked.contribution > 0),
        loss_making_clients=ranked.count(where=ranked.contribution < 0),
        loss_making_cost=-ranked.contribution.sum(where=ranked.contribution < 0),
    )
