"""Plotly chart specifications (plain dicts of `data` and `layout`) for the pages.

They are built here as data, sent to the page as JSON and drawn there by the local plotly.js, so
the JSON form of a page carries its charts too.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from clientload.web import i18n

COLOURS = {
    "core": "#2f7d4f", "growing": "#3a6ea5", "price_driven": "#c0504d", "new": "#8a6fb0",
    "lapsed": "#999999",
}
FONT = {"family": "system-ui, -apple-system, Segoe UI, Roboto, sans-serif", "size": 12}
# whole numbers with the language's thousands separator, never "1.2M" or "3k"
AMOUNT_AXIS = {"tickformat": ",.0f", "exponentformat": "none", "automargin": True}


def _layout(title: str, **extra: Any) -> dict[str, Any]:
    return {"title": {"text": title, "font": {"size": 14}}, "font": FONT,
            "margin": {"l": 60, "r": 20, "t": 40, "b": 50}, "height": 320,
            "paper_bgcolor": "rgba(0,0,0,0)", "plot_bgcolor": "rgba(0,0,0,0)", **extra}


def whale_curve(points: list[dict[str, float]], _: Callable[[str], str]) -> dict[str, Any]:
    return {
        "data": [{"type": "scatter", "mode": "lines", "line": {"color": "#3a6ea5", "width": 2},
                  "x": [p["client_share"] for p in points],
                  "y": [p["cumulative_contribution"] for p in points],
                  "name": _("Cumulative contribution")}],
        "layout": _layout(_("Whale curve"),
                          xaxis={"title": {"text": _("Share of clients (by contribution)")},
                                 "tickformat": ".0%"},
                          yaxis={"title": {"text": _("Cumulative contribution")},
                                 **AMOUNT_AXIS}),
    }


def group_matrix(groups: list[dict[str, Any]], lang: str,
                 _: Callable[[str], str]) -> dict[str, Any]:
    """Each group a bubble: revenue against cost to serve, its size the margin. One trace per
    group, named in the legend (labels written on the chart overlap where groups lie close)."""
    biggest = max((abs(g["gross_margin"] or 0) for g in groups), default=1) or 1
    return {
        "data": [{
            "type": "scatter", "mode": "markers",
            "name": i18n.segment_label(g["segment"], lang),
            "x": [g["revenue"]], "y": [g["cost_to_serve"]],
            "marker": {"size": [max(8.0, 60 * abs(g["gross_margin"] or 0) / biggest)],
                       "color": COLOURS.get(g["segment"], "#666"), "opacity": 0.75},
            "customdata": [g["clients"]],
            "hovertemplate": "%{fullData.name}<br>" + _("Clients") + ": %{customdata}"
                             "<extra></extra>",
        } for g in groups],
        "layout": _layout(_("Groups: revenue vs cost to serve") + "<br><sup>"
                          + _("bubble size is the margin") + "</sup>",
                          showlegend=True, height=380,
                          legend={"orientation": "h", "x": 0, "y": -0.3, "yanchor": "top"},
                          xaxis={"title": {"text": _("Revenue")}, **AMOUNT_AXIS},
                          yaxis={"title": {"text": _("Cost to serve")}, **AMOUNT_AXIS}),
    }


def department_load(capacity: list[dict[str, Any]], _: Callable[[str], str],
                    term: Callable[[str], str] = str) -> dict[str, Any]:
    names = [term(c["department"]) for c in capacity]
    return {
        "data": [
            {"type": "bar", "name": _("Used"), "x": names,
             "y": [round((c.get("used_minutes") or 0) / 60) for c in capacity],
             "marker": {"color": "#3a6ea5"}},
            {"type": "bar", "name": _("Unused"), "x": names,
             "y": [round((c.get("unused_minutes") or 0) / 60) for c in capacity],
             "marker": {"color": "#d9d9d9"}},
        ],
        "layout": _layout(_("Load by department"), barmode="stack",
                          xaxis={"automargin": True},
                          yaxis={"title": {"text": _("Load, hours")}, **AMOUNT_AXIS}),
    }


def waterfall(client: dict[str, Any], costs_by_department: list[dict[str, Any]],
              _: Callable[[str], str], term: Callable[[str], str] = str) -> dict[str, Any]:
    """Revenue → gross margin → cost to serve by department → contribution."""
    labels = [_("Revenue"), _("Cost of goods"), _("Gross margin")]
    values = [client.get("revenue") or 0, -(client.get("cost_of_goods") or 0), 0]
    measures = ["absolute", "relative", "total"]
    for row in costs_by_department:
        labels.append(term(str(row["department"])))
        values.append(-(row["cost"] or 0))
        measures.append("relative")
    labels.append(_("Contribution"))
    values.append(0)
    measures.append("total")
    return {
        "data": [{"type": "waterfall", "x": labels, "y": values, "measure": measures,
                  "connector": {"line": {"color": "#bbb"}},
                  "increasing": {"marker": {"color": "#2f7d4f"}},
                  "decreasing": {"marker": {"color": "#c0504d"}},
                  "totals": {"marker": {"color": "#3a6ea5"}}}],
        "layout": _layout(_("Client P&L"), showlegend=False,
                          xaxis={"automargin": True, "tickangle": -30}, yaxis=AMOUNT_AXIS),
    }


def bars(rows: list[dict[str, Any]], label: str, value: str, title: str,
         colour: str = "#3a6ea5", name: Callable[[str], str] = str) -> dict[str, Any]:
    return {
        "data": [{"type": "bar", "orientation": "h", "y": [name(str(r[label])) for r in rows],
                  "x": [r[value] or 0 for r in rows], "marker": {"color": colour}}],
        "layout": _layout(title, yaxis={"automargin": True, "autorange": "reversed"},
                          xaxis=AMOUNT_AXIS, height=max(200, 40 + 24 * len(rows))),
    }


def runs_by_group(groups: list[dict[str, Any]], value: str, title: str, lang: str,
                  run: str = "run") -> dict[str, Any]:
    """One line per client group: `value` (clients, deviations cost, …) run by run."""
    by_segment: dict[str, list[dict[str, Any]]] = {}
    for row in groups:
        by_segment.setdefault(str(row.get("segment")), []).append(row)
    return {
        "data": [{"type": "scatter", "mode": "lines+markers",
                  "name": i18n.segment_label(segment, lang),
                  "line": {"color": COLOURS.get(segment, "#666")},
                  "x": [r["run_id"] for r in rows], "y": [r.get(value) or 0 for r in rows]}
                 for segment, rows in by_segment.items()],
        "layout": _layout(title, xaxis={"title": {"text": run}, "dtick": 1},
                          yaxis=AMOUNT_AXIS),
    }
