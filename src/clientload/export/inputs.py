"""The workbook's inputs: the period, the settings, the rows of `ClientMonths` and `Clients`
read from the store, and the last run's outputs (assortment, history).

The rows cover the period and the previous period of as many months (growth reads it), month by
month. Two cases get one pre-summed row per client and period instead (the "summed" form, said on
the Instructions sheet): a period that is not whole calendar months (rows are calendar months),
and a base past `MONTH_ROWS_LIMIT` month rows, where the per-month form would take LibreOffice
too long to recalculate (docs/workbook.md has the measurements) or pass Excel's 1,048,576 rows.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from clientload.errors import ClientloadError
from clientload.export.rows import RowData, read_rows, squares_column, whole_months
from clientload.model.period import Period
from clientload.model.rhythm import RHYTHM_CHOICES, bucket_revenue_sq
from clientload.settings import Settings
from clientload.workspace import Workspace, open_store_file

MONTH_ROWS_LIMIT = 250_000


@dataclass
class WorkbookInputs:
    """Everything the writer needs, as plain Python and pandas objects."""

    settings: Settings
    period: Period
    currency: str
    range_categories: int
    rows: RowData
    form: str  # "months" | "summed"
    form_reason: str  # why summed ("" for months): "partial_months" | "size"
    thresholds: tuple[float, ...]
    outputs: dict[str, Any] = field(default_factory=dict)  # name → pandas DataFrame from out/
    history: dict[str, Any] = field(default_factory=dict)  # history_runs, history_clients


def _run_info(ws: Workspace) -> dict[str, Any]:
    path = ws.out_dir / "run_info.json"
    if not path.exists():
        raise ClientloadError(
            f"{path} not found: compute the model first with `clientload run {ws.root}`"
        )
    return json.loads(path.read_text("utf-8"))


def _history(backend: Any) -> dict[str, Any]:
    """The kept runs and their clients, and each client's group in the run before the last."""
    try:
        runs_t, clients_t = backend.table("history_runs"), backend.table("history_clients")
    except Exception:  # no run kept yet: the tables do not exist
        return {}
    runs = backend.execute(
        runs_t.select("run_id", "run_at", "period_start", "period_end").order_by("run_id")
    )
    clients = backend.execute(clients_t)
    out: dict[str, Any] = {"runs": runs, "clients": clients, "previous_segments": {}}
    if len(runs) >= 2:
        previous = int(runs["run_id"].iloc[-2])
        prev = clients[clients["run_id"] == previous]
        out["previous_segments"] = dict(zip(prev["client_id"], prev["segment"], strict=True))
    return out


def month_rows_estimate(con: Any, window: Period) -> int:
    """Client-months with sales lines in the window (the rows' bulk)."""
    row = con.execute(
        "SELECT count(*) FROM (SELECT DISTINCT client_id, date_trunc('month', date) "
        "FROM sales WHERE date BETWEEN ? AND ?)",
        [window.start, window.end],
    ).fetchone()
    return int(row[0]) if row else 0


def read_period_rows(
    con: Any,
    settings: Settings,
    period: Period,
    thresholds: tuple[float, ...],
    _: Any,
    previous_groups: dict[str, str] | None = None,
    force_summed: bool = False,
) -> tuple[RowData, str, str]:
    """The rows of the period and the previous period, and their form and its reason."""
    import pandas as pd

    previous = period.previous()
    window = Period(previous.start, period.end)
    reason = ""
    if not whole_months(period):
        reason = "partial_months"
    elif force_summed or month_rows_estimate(con, window) > MONTH_ROWS_LIMIT:
        reason = "size"
    if not reason:
        rows = read_rows(con, settings, window, thresholds, _, previous_groups=previous_groups)
        return rows, "months", ""
    now = read_rows(
        con, settings, period, thresholds, _, summed=True, previous_groups=previous_groups
    )
    before = read_rows(con, settings, previous, thresholds, _, summed=True)
    months = pd.concat([before.months, now.months], ignore_index=True)
    months = months.sort_values(["client_id", "month"], kind="stable").reset_index(drop=True)
    clients = pd.concat([now.clients, before.clients], ignore_index=True).drop_duplicates(
        "client_id"
    )
    clients = clients.sort_values("client_id").reset_index(drop=True)
    for months_b, squares in _bucket_squares(con, settings, period).items():
        clients[squares_column(months_b)] = clients["client_id"].map(squares)
    clients["previous_group"] = clients["client_id"].map(previous_groups or {})
    rows = RowData(months, clients, now.columns, now.undated_interactions)
    return rows, "summed", reason


def _bucket_squares(con: Any, settings: Settings, period: Period) -> dict[int, dict[str, float]]:
    """For each rhythm B of `RHYTHM_CHOICES`: per client Σ over the period's B-month buckets of
    (revenue in the bucket)², as the engine computes it (`rhythm.bucket_revenue_sq`); B = 1 is
    Σ monthly revenue², the CV's. The pre-summed form's regularity picks the Settings' B."""
    import ibis

    from clientload.model import facts
    from clientload.run import store_of

    backend = ibis.duckdb.from_connection(con)
    counts = {t: backend.table(t).count().execute() for t in ("orders", "products")}
    lines = facts.priced_lines(store_of(backend, counts), settings.assumed_margin_rate)
    months = facts.client_months(lines, period, period.previous())
    out: dict[int, dict[str, float]] = {}
    for b in RHYTHM_CHOICES:
        got = backend.execute(bucket_revenue_sq(months, period, b))
        out[b] = {
            str(c): float(v or 0.0)
            for c, v in zip(got["client_id"], got["rhythm_revenue_sq"], strict=True)
        }
    return out


def read_inputs(ws: Workspace, *, force_summed: bool = False) -> WorkbookInputs:
    """Read the last run's period and outputs and the rows of the period."""
    import ibis
    import pandas as pd

    from clientload.i18n import translator
    from clientload.model import facts, policy
    from clientload.run import store_of

    info = _run_info(ws)
    settings = ws.settings()
    period = Period(
        date.fromisoformat(info["period_start"]), date.fromisoformat(info["period_end"])
    )
    outputs = {}
    for name in ("client_metrics", "client_assortment", "segments"):
        p = ws.out_dir / f"{name}.parquet"
        if p.exists():
            outputs[name] = pd.read_parquet(p)
    thresholds = policy.min_order_values(settings.section("policy"))
    # Read-write like every other connection to the store, so that inside the web app this shares
    # the process's DuckDB instance with the requests and a recalculation (DuckDB refuses a
    # read-only and a read-write connection to one file in one process); nothing is written.
    con = open_store_file(ws.store_path)
    try:
        backend = ibis.duckdb.from_connection(con)
        counts = {t: backend.table(t).count().execute() for t in ("orders", "products")}
        store = store_of(backend, counts)
        lines = facts.priced_lines(store, settings.assumed_margin_rate)
        range_categories = int(backend.execute(facts.range_categories(store, lines, period)) or 0)
        history = _history(backend)
        # Column labels are in English here; the sheets write their own labels.
        rows, form, reason = read_period_rows(
            con,
            settings,
            period,
            thresholds,
            translator("en"),
            history.get("previous_segments", {}),
            force_summed,
        )
    finally:
        con.close()
    return WorkbookInputs(
        settings=settings,
        period=period,
        currency=str(info.get("currency") or settings.section("analysis").get("currency", "RUB")),
        range_categories=range_categories,
        rows=rows,
        form=form,
        form_reason=reason,
        thresholds=thresholds,
        outputs=outputs,
        history=history,
    )
