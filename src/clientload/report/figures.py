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


def whale_curve(metrics: pd.DataFrame) -> pd.DataFrame:
    """Clients from the most to the least profitable; cumulative contribution as a share of the total.

    The curve rises above 100 % and falls back to it at the right end: the hump is the profit that
    the loss-making tail destroys (Cooper & Kaplan).
    """
    ordered = metrics.sort_values("contribution", ascending=False, kind="stable").reset_index(drop=True)
    total = ordered["contribution"].sum()
    n = len(ordered)
    cumulative = ordered["contribution"].cumsum()
    return pd.DataFrame(
        {
            "client_share": (pd.Series(range(1, n + 1)) / n) if n else pd.Series(dtype=float),
            "cumulative_contribution_share": cumulative / total if total else cumulative * 0,
        }
    )


def whale_headline(curve: pd.DataFrame) -> tuple[float, float, float]:
    """(share of clients at the peak, peak share of profit, share of profit at the top 20 %)."""
    if curve.empty:
        return 0.0, 0.0, 0.0
    peak = curve["cumulative_contribution_share"].idxmax()
    top20 = curve[curve["client_share"] <= 0.2]
    top20_share = float(top20["cumulative_contribution_share"].iloc[-1]) if len(top20) else 0.0
    return (
        float(curve["client_share"].iloc[peak]),
        float(curve["cumulative_contribution_share"].iloc[peak]),
        top20_share,
    )


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
    order = [s for s in SEGMENT_ORDER if s in g.index] + [s for s in g.index if s not in SEGMENT_ORDER]
    return g.loc[order].reset_index()


def heaviest(metrics: pd.DataFrame, costs: pd.DataFrame, top_n: int = 20) -> pd.DataFrame:
    """The clients that take the most time, each with the three activities that make it heavy."""
    top = metrics.nlargest(top_n, "load_minutes")
    timed = costs[(costs["client_id"].isin(top["client_id"])) & (costs["minutes"] > 0)]
    ranked = timed.sort_values(["client_id", "minutes"], ascending=[True, False])
    leaders = ranked.groupby("client_id").head(3)
    shares = leaders.merge(
        timed.groupby("client_id")["minutes"].sum().rename("total"), on="client_id"
    )
    shares["label"] = shares["activity"] + " " + (shares["minutes"] / shares["total"] * 100).round(
        0
    ).astype(int).astype(str) + "%"
    labels = shares.groupby("client_id")["label"].agg(", ".join).rename("top_activities")
    return top.merge(labels, on="client_id", how="left")


def deviations_by_rule(deviations: pd.DataFrame) -> pd.DataFrame:
    if deviations.empty or "rule" not in deviations:
        return pd.DataFrame(columns=["rule", "clients", "cost"])
    return (
        deviations.groupby("rule")
        .agg(clients=("client_id", "nunique"), cost=("cost", "sum"))
        .sort_values("cost", ascending=False)
        .reset_index()
    )
