"""The report's numbers, computed from the model's output tables (pandas frames in, plain data out).

Pure functions: no files, no HTML. `html.py` reads the tables and renders what these return.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

SEGMENT_ORDER = ("core", "growing", "price_driven", "new", "lapsed")


@dataclass(frozen=True)
class Headline:
    clients: int
    revenue: float
    gross_margin: float
    cost_to_serve: float
    contribution: float
    unused_cost: float
    loss_making_clients: int
    loss_making_contribution: float


def headline(metrics: pd.DataFrame, capacity: pd.DataFrame) -> Headline:
    loss = metrics[metrics["contribution"] < 0]
    unused = capacity["unused_cost"].clip(lower=0).sum() if len(capacity) else 0.0
    return Headline(
        clients=len(metrics),
        revenue=float(metrics["revenue"].sum()),
        gross_margin=float(metrics["gross_margin"].sum()),
        cost_to_serve=float(metrics["cost_to_serve"].sum()),
        contribution=float(metrics["contribution"].sum()),
        unused_cost=float(unused),
        loss_making_clients=len(loss),
        loss_making_contribution=float(loss["contribution"].sum()),
    )


def whale_headline(curve: pd.DataFrame) -> dict[str, float | None]:
    """The whale curve in figures: `total` contribution; the share of clients at the curve's peak
    (`peak_clients`), what they earn (`peak_amount`) and, when the total is positive, as a share of
    it (`peak_profit`, else None); the share of profit of the top 20 % (`top20`, None likewise).

    `curve` is the model's `whale_curve`: clients from the most to the least profitable with
    `cumulative_contribution` and `cumulative_client_share`. The peak is found on the amounts, not
    the shares: when the clients lose money together the shares (over a negative total) fall
    while the amounts rise, and the last client would look like the peak.
    """
    if curve.empty:
        return {"total": 0.0, "peak_clients": 0.0, "peak_amount": 0.0, "peak_profit": None,
                "top20": None}
    cumulative = curve["cumulative_contribution"].astype(float)
    total = float(cumulative.iloc[-1])
    peak = int(cumulative.to_numpy().argmax())
    top20 = cumulative[curve["cumulative_client_share"] <= 0.2]
    top20_amount = float(top20.iloc[-1]) if len(top20) else 0.0
    positive = total > 0
    return {
        "total": total,
        "peak_clients": float(curve["cumulative_client_share"].iloc[peak]),
        "peak_amount": float(cumulative.iloc[peak]),
        "peak_profit": float(cumulative.iloc[peak]) / total if positive else None,
        "top20": top20_amount / total if positive else None,
    }


def groups(metrics: pd.DataFrame) -> pd.DataFrame:
    """One row per group: clients, revenue, margin, cost to serve, contribution, load hours."""
    g = metrics.groupby("segment", dropna=False).agg(
        clients=("client_id", "count"),
        revenue=("revenue", "sum"),
        gross_margin=("gross_margin", "sum"),
        cost_to_serve=("cost_to_serve", "sum"),
        contribution=("contribution", "sum"),
        load_minutes=("load_minutes", "sum"),
    )
    g["load_hours"] = g["load_minutes"] / 60
    g["contribution_rate"] = g["contribution"] / g["revenue"].where(g["revenue"] != 0)
    known = [s for s in SEGMENT_ORDER if s in g.index]
    order = known + [s for s in g.index if s not in SEGMENT_ORDER]
    return g.loc[order].reset_index()


def heaviest(heavy: pd.DataFrame, top_n: int = 20, which: str = "by_load") -> pd.DataFrame:
    """The first `top_n` of one of the model's heavy-client lists, with readable activity and
    category shares ("call 41%, picking 20%")."""
    top = heavy[heavy["list"] == which].sort_values("rank").head(top_n).copy()
    top["top_activities"] = _shares(top, "activity", "share_of_minutes")
    top["top_categories"] = _shares(top, "category", "share_of_revenue")
    return top


def _shares(frame: pd.DataFrame, prefix: str, share: str) -> list[str]:
    out = []
    for _, row in frame.iterrows():
        parts = []
        for i in (1, 2, 3):
            name = row.get(f"{prefix}_{i}")
            value = row.get(f"{prefix}_{i}_{share}")
            if isinstance(name, str) and pd.notna(value):
                parts.append(f"{name} {value:.0%}")
        out.append(", ".join(parts))
    return out


def deviations_by_rule(deviations: pd.DataFrame) -> pd.DataFrame:
    if deviations.empty or "rule" not in deviations:
        return pd.DataFrame(columns=["rule", "clients", "cost"])
    return (
        deviations.groupby("rule")
        .agg(clients=("client_id", "nunique"), cost=("cost", "sum"))
        .sort_values("cost", ascending=False)
        .reset_index()
    )
