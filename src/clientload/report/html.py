"""Render the report: read `out/`, compute the figures, draw Plotly charts, fill the template.

The file embeds Plotly's JavaScript once, so it opens with the network unplugged; every value that
came from the data passes through Jinja's autoescaping.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pandas as pd

from clientload.errors import ClientloadError
from clientload.i18n import check_language, format_money, format_number, format_percent, translator
from clientload.model.labels import term_label
from clientload.report import figures
from clientload.workspace import Workspace

SEGMENT_COLOURS = {
    "core": "#1b7f4b",
    "growing": "#2f6fb3",
    "price_driven": "#c0392b",
    "new": "#8e7cc3",
    "lapsed": "#999999",
}


def _read(ws: Workspace, name: str, required: bool = True) -> pd.DataFrame:
    path = ws.out_dir / f"{name}.parquet"
    if not path.exists():
        if required:
            raise ClientloadError(f"{path} is missing: run `clientload run {ws.root}` first")
        return pd.DataFrame()
    return pd.read_parquet(path)


def write_report(ws: Workspace, path: Path, lang: str | None = None) -> Path:
    """Write the HTML report of the last run to `path` and return it."""
    settings = ws.settings()
    lang = check_language(lang or settings.section("analysis").get("language", "en"))
    currency = settings.section("analysis").get("currency", "RUB")
    _ = translator(lang)
    metrics = _read(ws, "client_metrics")
    heavy_lists = _read(ws, "heavy_clients")
    curve = _read(ws, "whale_curve")
    capacity = _read(ws, "capacity")
    deviations = _read(ws, "policy_deviations", required=False)
    activation = _read(ws, "activation", required=False)
    info_path = ws.out_dir / "run_info.json"
    info = json.loads(info_path.read_text("utf-8")) if info_path.exists() else {}

    money = lambda v: format_money(v, lang, currency)  # noqa: E731
    head = figures.headline(metrics, capacity)
    whale_figures = figures.whale_headline(curve)
    group_table = figures.groups(metrics)
    heavy = figures.heaviest(heavy_lists)
    by_rule = figures.deviations_by_rule(deviations)
    labels = segment_labels(lang)

    charts = {
        "whale": _whale_chart(curve, _),
        "matrix": _matrix_chart(metrics, labels, _),
        "departments": _department_chart(capacity, _),
    }
    from jinja2 import Environment, PackageLoader, select_autoescape

    env = Environment(
        loader=PackageLoader("clientload.report", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
    )
    env.filters["money"] = money
    env.filters["number"] = lambda v, d=0: format_number(v, lang, d)
    env.filters["percent"] = lambda v: format_percent(v, lang)
    import plotly.offline

    html = env.get_template("report.html.j2").render(
        _=_,
        lang=lang,
        title=_("Client load report"),
        workspace=ws.root.resolve().name,
        info=info,
        generated=datetime.now().strftime("%Y-%m-%d %H:%M"),
        head=head,
        whale=whale_figures,
        groups=group_table.to_dict("records"),
        segment_labels=labels,
        capacity=capacity.to_dict("records"),
        heavy=heavy.to_dict("records"),
        deviations=by_rule.to_dict("records"),
        activation=activation.to_dict("records"),
        activation_headline=info.get("headlines", {}).get("activation"),
        term=lambda code: term_label(code, lang),
        rule_labels=rule_labels(lang),
        charts=charts,
        plotly_js=plotly.offline.get_plotlyjs(),
    )
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(html, "utf-8")
    return path


def segment_labels(lang: str) -> dict[str, str]:
    _ = translator(lang)
    return {
        "core": _("Core clients"),
        "growing": _("Growing clients"),
        "price_driven": _("Price-driven clients"),
        "new": _("New clients"),
        "lapsed": _("Lapsed clients"),
    }


def rule_labels(lang: str) -> dict[str, str]:
    """Readable names of the policy rules the model checks (`policy_deviations.rule`)."""
    _ = translator(lang)
    return {
        "order_changes": _("Order changes beyond the free ones"),
        "urgent_share": _("Urgent orders above the allowed share"),
        "min_order_value": _("Orders below the minimum order value"),
        "channel": _("Orders placed by hand instead of the portal"),
        "free_delivery": _("Deliveries where the group pays for delivery"),
        "payment": _("Credit where the group prepays"),
        "priority_shipping": _("Priority shipping outside the group's package"),
        "dedicated_manager": _("A dedicated manager outside the group's package"),
    }


def _figure_html(fig) -> str:
    fig.update_layout(margin=dict(l=50, r=20, t=30, b=50), height=380, template="plotly_white")
    return fig.to_html(full_html=False, include_plotlyjs=False, config={"displaylogo": False})


def _whale_chart(curve: pd.DataFrame, _) -> str:
    import plotly.graph_objects as go

    fig = go.Figure(
        go.Scatter(
            x=curve["cumulative_client_share"] * 100,
            y=curve["cumulative_profit_share"] * 100,
            mode="lines",
            line=dict(color="#2f6fb3", width=3),
            name=_("Cumulative contribution"),
        )
    )
    fig.add_hline(y=100, line_dash="dot", line_color="#888")
    fig.update_xaxes(title=_("Clients, % (most profitable first)"))
    fig.update_yaxes(title=_("Cumulative contribution, % of total"))
    return _figure_html(fig)


def _matrix_chart(metrics: pd.DataFrame, labels: dict[str, str], _) -> str:
    import plotly.graph_objects as go

    fig = go.Figure()
    margin = metrics["gross_margin"].clip(lower=0)
    scale = float(margin.max()) or 1.0
    for segment, part in metrics.groupby("segment"):
        fig.add_trace(
            go.Scatter(
                x=part["revenue"],
                y=part["cost_to_serve"],
                mode="markers",
                name=labels.get(segment, segment),
                marker=dict(
                    size=(part["gross_margin"].clip(lower=0) / scale * 40 + 4),
                    color=SEGMENT_COLOURS.get(segment, "#555"),
                    opacity=0.6,
                ),
                text=part.get("name", part["client_id"]),
                hovertemplate="%{text}<br>%{x:,.0f} / %{y:,.0f}<extra></extra>",
            )
        )
    fig.update_xaxes(title=_("Revenue"), type="log")
    fig.update_yaxes(title=_("Cost to serve"), type="log")
    return _figure_html(fig)


def _department_chart(capacity: pd.DataFrame, _) -> str:
    import plotly.graph_objects as go

    fig = go.Figure(
        [
            go.Bar(
                x=capacity["department"],
                y=capacity["used_minutes"] / 60,
                name=_("Used hours"),
                marker_color="#2f6fb3",
            ),
            go.Bar(
                x=capacity["department"],
                y=capacity["unused_minutes"].clip(lower=0) / 60,
                name=_("Unused hours"),
                marker_color="#cccccc",
            ),
        ]
    )
    fig.update_layout(barmode="stack")
    fig.update_yaxes(title=_("Hours in the period"))
    return _figure_html(fig)
