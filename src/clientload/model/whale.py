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
    """One row: total contribution, what the top `top_share` of clients give, the peak of the
    curve, and the count, share and cost of loss-making clients."""
    n = curve.count()
    top = curve.cumulative_client_share <= top_share
    return curve.aggregate(
        clients=n,
        total_contribution=curve.contribution.sum(),
        top_clients_contribution=curve.contribution.sum(where=top),
        peak_contribution=curve.cumulative_contribution.max(),
        peak_client_share=curve.cumulative_client_share.max(
            where=curve.contribution > 0
        ),
        loss_making_clients=curve.count(where=curve.contribution < 0),
        loss_making_cost=-curve.contribution.sum(where=curve.contribution < 0),
    )
