"""`clientload export DIR --rows FOLDER [--period START:END]`: the workbook's rows of a period,
to paste under the tables `ClientMonths` and `Clients` of a workbook exported before."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from clientload.errors import ClientloadError
from clientload.export.rows import read_rows, whole_months, write_rows_csv
from clientload.model.period import Period, parse_period
from clientload.workspace import Workspace, open_store_file


@dataclass(frozen=True)
class RowsResult:
    period: Period
    months_path: Path
    clients_path: Path
    month_rows: int
    clients: int
    undated_interactions: int


def write_period_rows(ws: Workspace, folder: Path, period_text: str | None) -> RowsResult:
    """Write `FOLDER/ClientMonths.csv` (the period's rows) and `FOLDER/Clients.csv` (the clients
    active in it); the period is whole calendar months, by default the last run's."""
    from clientload.i18n import translator
    from clientload.model import policy

    if period_text:
        period = parse_period(period_text)
    else:
        info_path = ws.out_dir / "run_info.json"
        if not info_path.exists():
            raise ClientloadError(f"--rows: no --period and no run in {ws.root} to take it from")
        info = json.loads(info_path.read_text("utf-8"))
        period = Period(
            date.fromisoformat(info["period_start"]), date.fromisoformat(info["period_end"])
        )
    if not whole_months(period):
        raise ClientloadError(
            f"--period {period.start}:{period.end}: the rows are calendar months; expected whole "
            "months, e.g. 2025-12:2025-12"
        )
    settings = ws.settings()
    thresholds = policy.min_order_values(settings.section("policy"))
    con = open_store_file(ws.store_path)
    try:
        rows = read_rows(con, settings, period, thresholds, translator("en"))
    finally:
        con.close()
    months_path, clients_path = write_rows_csv(rows, Path(folder), translator("en"))
    return RowsResult(
        period,
        months_path,
        clients_path,
        len(rows.months),
        len(rows.clients),
        rows.undated_interactions,
    )
