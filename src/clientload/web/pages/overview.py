"""The dashboard, the heaviest clients (with CSV export) and the policy over time."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from clientload.i18n import translator
from clientload.web import charts, data
from clientload.web.auth import User
from clientload.web.render import NEED_ANALYST, NEED_MANAGER, language, page, term_of
from clientload.web.store import WRITE_LOCK, Results

router = APIRouter()


def results(request: Request) -> Results:
    return request.app.state.results


def run_info(request: Request) -> dict[str, Any]:
    path = request.app.state.ws.out_dir / "run_info.json"
    try:
        return json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return {}


def _self_service_reduction(request: Request) -> float:
    try:
        section = request.app.state.ws.settings().section("activation")
        return float(section.get("self_service_load_reduction", 0.7))
    except Exception:  # a settings file being edited must not break the dashboard
        return 0.7


@page(router, "/dashboard", "dashboard.html.j2")
def dashboard(request: Request, user: User = NEED_MANAGER) -> dict[str, Any]:
    """Totals, the whale curve, the group matrix, department load and the self-service gain."""
    res = results(request)
    lang = language(request)
    _ = translator(lang)
    if not res.has("client_metrics"):
        return {"has_results": False, "run_info": run_info(request)}
    groups = data.groups(res, user)
    capacity = data.departments(res)
    whale = data.whale_curve(res, user)
    return {
        "has_results": True,
        "totals": data.totals(res, user),
        "groups": groups,
        "capacity": capacity,
        "self_service": data.self_service(res, user, _self_service_reduction(request)),
        "run_info": run_info(request),
        "charts": {
            "whale": charts.whale_curve(whale, _),
            "matrix": charts.group_matrix(groups, lang, _),
            "departments": charts.department_load(capacity, _, term_of(request)),
        },
    }


@page(router, "/heavy", "heavy.html.j2")
def heavy(request: Request, user: User = NEED_MANAGER) -> dict[str, Any]:
    """The clients with the highest cost to serve and what they buy most."""
    res = results(request)
    return {"clients": data.heavy_clients(res, user, limit=_top_n(request)),
            "has_results": res.has("client_metrics")}


def _top_n(request: Request) -> int:
    try:
        analysis = request.app.state.ws.settings().section("analysis")
        return int(analysis.get("heavy_clients_top_n", 50))
    except Exception:
        return 50


def csv_cell(value: Any) -> Any:
    """Neutralise spreadsheet formulas: text starting with = + - @ tab or CR gets a leading '.
    Amounts to the kopeck/cent: 24331669.290000003 is binary noise, not precision."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    if isinstance(value, float) and value == value:
        return round(value, 2)
    return value


def csv_bytes(rows: list[dict[str, Any]]) -> bytes:
    buffer = io.StringIO()
    if rows:
        writer = csv.DictWriter(buffer, fieldnames=list(rows[0]))
        writer.writeheader()
        for row in rows:
            writer.writerow({k: csv_cell(v) for k, v in row.items()})
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")  # BOM: Excel reads it as UTF-8


@router.get("/heavy.csv", summary="The heaviest clients as CSV (formula-safe)")
def heavy_csv(request: Request, user: User = NEED_ANALYST) -> Response:
    rows = data.heavy_clients(results(request), user, limit=_top_n(request))
    return Response(csv_bytes(rows), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="heavy_clients.csv"'})


def xlsx_bytes(rows: list[dict[str, Any]], sheet: str) -> bytes:
    """One sheet with a header row; text is written as text, so `=...` never becomes a formula."""
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    table = book.add_worksheet(sheet)
    bold = book.add_format({"bold": True})
    columns = list(rows[0]) if rows else []
    for col, name in enumerate(columns):
        table.write_string(0, col, name, bold)
        table.set_column(col, col, max(10, min(40, len(name) + 2)))
    for r, row in enumerate(rows, start=1):
        for col, name in enumerate(columns):
            value = row[name]
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                table.write_number(r, col, value)
            elif value is not None:
                table.write_string(r, col, str(value))
    table.freeze_panes(1, 0)
    book.close()
    return buffer.getvalue()


@router.get("/heavy.xlsx", summary="The heaviest clients as an Excel sheet")
def heavy_xlsx(request: Request, user: User = NEED_ANALYST) -> Response:
    rows = data.heavy_clients(results(request), user, limit=_top_n(request))
    return Response(xlsx_bytes(rows, "heavy_clients"), media_type=XLSX,
                    headers={"Content-Disposition": 'attachment; filename="heavy_clients.xlsx"'})


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@page(router, "/history", "history.html.j2")
def history(request: Request, user: User = NEED_ANALYST) -> dict[str, Any]:
    """The kept runs: groups run by run, migrations between groups, and today's deviations."""
    from clientload.run import read_history

    with WRITE_LOCK:  # reading creates the history tables on first use
        kept = read_history(request.app.state.ws.root)
    lang = language(request)
    _ = translator(lang)
    return {"runs": kept.runs, "groups": kept.groups, "migrations": kept.migrations,
            "policy_deviations": results(request).table("policy_deviations", limit=200),
            "charts": {
                "clients": charts.runs_by_group(kept.groups, "clients", _("Clients"), lang,
                                                _("Run")),
                "deviations": charts.runs_by_group(kept.groups, "deviations_cost",
                                                   _("Cost of policy deviations"), lang,
                                                   _("Run")),
            }}
