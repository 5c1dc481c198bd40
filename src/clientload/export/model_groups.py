"""The Model table's classes and groups: ABC by revenue and contribution, XYZ, and the group by
the engine's rules in their order (`clientload.model.segments`).

Ranks are not columns: a client is in class A (B) or among the large clients when its amount is
at least the cut-off amount that the Whale curve sheet finds once by bisection over the whole
column (`abc_revenue_a_cut`, `core_revenue_cut`, ...). Clients tied with the cut-off client are
all in, where the engine would split them by client id.
"""

from __future__ import annotations

from clientload.export.tables import TableColumn, TableColumns
from clientload.model.cadence import MARGIN_TOLERANCE
from clientload.model.labels import SEGMENT_LABELS


def group_columns(m: TableColumns, _, lang: str) -> None:
    def add(key: str, label: str, formula: str, fmt: str = "text", width: float = 7) -> None:
        m.add(TableColumn(key, label, fmt, width, "=" + formula))

    t = m.this
    active = t("active")
    add("revenue_pos", _("Counted in ABC"), f"IF({active},MAX({t('revenue')},0),0)", "money", 12)
    add(
        "contribution_pos",
        _("Counted in ABC"),
        f"IF({active},MAX({t('contribution')},0),0)",
        "money",
        12,
    )
    # The contribution of the clients in the analysis, text for the others: LARGE, COUNT and
    # the whale curve skip them.
    add(
        "whale_value",
        _("Contribution in the analysis"),
        f'IF({active},{t("contribution")},"")',
        "money",
        12,
    )
    add(
        "load_value",
        _("Load in the analysis"),
        f'IF({active},{t("load_minutes")},"")',
        "number",
        10,
    )
    for key, amount, prefix in (
        ("abc_revenue", "revenue_pos", "abc_revenue"),
        ("abc_contribution", "contribution_pos", "abc_contribution"),
    ):
        own = t(amount)
        add(
            key,
            _("ABC by revenue") if key == "abc_revenue" else _("ABC by contribution"),
            f'IF({own}<=0,"C",IF({own}>={prefix}_a_cut,"A",IF({own}>={prefix}_b_cut,"B","C")))',
            width=8,
        )
    cv, regularity = t("cv"), t("regularity_cv")
    add(
        "xyz",
        "XYZ",
        f'IF({cv}="","Z",IF({cv}<=seg_xyz_x_max_cv,"X",IF({cv}<=seg_xyz_y_max_cv,"Y","Z")))',
        width=6,
    )
    first, last = t("first_date"), t("last_date")
    add("is_new", _("New"), f'AND({first}<>"",N({first})>=EDATE(period_end+1,-new_client_months))')
    # The longest pause the client's rhythm allows: its own mean gap × the factor (the
    # company's typical gap without one), never less than lapsed_days.
    gap = t("mean_gap_days")
    own = f'IF({gap}<>"",{gap},IF(typical_gap_days="",0,typical_gap_days))'
    add(
        "lapse_after_days",
        _("Lapsed after this many days without a purchase"),
        f"MAX(lapsed_days,lapsed_gap_factor*{own})",
        "number1",
        9,
    )
    add("is_lapsed", _("Lapsed"), f'OR({last}="",period_end-N({last})>={t("lapse_after_days")})')
    add("is_large", _("Large"), f"AND({t('revenue_pos')}>0,{t('revenue_pos')}>=core_revenue_cut)")
    add(
        "is_core",
        _("Core rules met"),
        f"AND({t('is_large')},{t('breadth')}>=seg_core_min_breadth,"
        f'{regularity}<>"",N({regularity})<=seg_core_max_cv)',
    )
    margin, growth, assumed = t("margin_rate"), t("growth"), t("assumed_lines")
    tol = repr(MARGIN_TOLERANCE).upper()  # the engine's bars: see `MarginBar`
    # IF, not AND: the company's margin is read for profitable clients only. An assumed margin
    # (lines without cost) earns no premium and does not count against a large client, as the
    # engine's `margin_known`.
    add(
        "is_growing",
        _("Growing rules met"),
        f'IF({t("contribution")}>0,OR(AND({growth}<>"",N({growth})>=seg_growing_min_growth,'
        f"{t('previous_revenue')}>=growing_min_previous_revenue),"
        f'AND({assumed}=0,{margin}<>"",N({margin})>=co_margin_rate+seg_growing_min_margin_premium-{tol}),'
        f'AND(seg_growing_includes_large,{t("is_large")},OR({assumed}>0,AND({margin}<>"",'
        f"N({margin})>co_margin_rate-seg_price_driven_max_margin_rate+{tol})))),FALSE)",
    )
    add(
        "segment",
        _("Group"),
        f'IF(NOT({active}),"",IF({t("is_new")},"new",IF({t("is_lapsed")},"lapsed",'
        f'IF({t("is_core")},"core",IF({t("is_growing")},"growing","price_driven")))))',
        "bold_text",
        12,
    )
    label = '"' + SEGMENT_LABELS["price_driven"][lang] + '"'
    for code in ("lapsed", "new", "growing", "core"):
        label = f'IF({t("segment")}="{code}","{SEGMENT_LABELS[code][lang]}",{label})'
    add("segment_label", _("Group name"), f'IF({t("segment")}="","",{label})', width=20)
