"""Analysts' and admins' pages: rejects files, settings, recalculation, users and the workbook
(the Import page and its mapping screen: `importing.py`)."""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import FileResponse, RedirectResponse, Response

from clientload.errors import ClientloadError
from clientload.settings import SettingsError, parse_settings
from clientload.web import auth
from clientload.web.auth import User
from clientload.web.render import NEED_ADMIN, NEED_ANALYST, language, page, render
from clientload.web.store import WRITE_LOCK

router = APIRouter()

@router.get("/rejects/{name}", summary="Download a rejects file")
def rejects_file(request: Request, name: str, user: User = NEED_ANALYST) -> Response:
    if not re.fullmatch(r"[\w.-]+\.csv", name):
        raise HTTPException(404, "no such rejects file")
    path = request.app.state.ws.rejects_dir / name
    if not path.is_file():
        raise HTTPException(404, "no such rejects file")
    from fastapi.responses import StreamingResponse

    return StreamingResponse(
        _neutral_csv(path),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def _neutral_csv(path: Path, rows_per_chunk: int = 2000) -> Iterator[bytes]:
    """The rejects file for a spreadsheet, streamed: the rows as they came from a user's file, so
    a cell such as `=HYPERLINK(...)` gets a leading ' like every other export of the app (a plain
    number such as -5 stays a number); a BOM so that Excel reads Cyrillic as UTF-8. The file on
    disk stays exact, for programs."""
    import csv
    import io
    import sys

    from clientload.web.pages.overview import csv_cell

    def neutral(cell: str) -> str:
        try:
            float(cell)
            return cell
        except ValueError:
            return csv_cell(cell)

    csv.field_size_limit(sys.maxsize)  # a rejected line may hold a very long field
    yield "\ufeff".encode()
    with path.open(encoding="utf-8", newline="", errors="replace") as handle:
        out = io.StringIO()
        writer = csv.writer(out)
        for k, row in enumerate(csv.reader(handle), start=1):
            writer.writerow([neutral(cell) for cell in row])
            if k % rows_per_chunk == 0:
                yield out.getvalue().encode("utf-8")
                out.seek(0)
                out.truncate()
        yield out.getvalue().encode("utf-8")


@page(router, "/settings", "settings.html.j2")
def settings_form(request: Request, user: User = NEED_ADMIN) -> dict[str, Any]:
    ws = request.app.state.ws
    text = ws.settings_path.read_text("utf-8") if ws.settings_path.exists() else ""
    return {"text": text, "problems": [], "saved": request.query_params.get("saved") == "1",
            "job": request.app.state.recalculation.job.as_dict(), **settings_overview(ws)}


def settings_overview(ws: Any) -> dict[str, Any]:
    """Departments and activities as the model reads them, for the page's summary tables."""
    try:
        settings = ws.settings()
    except SettingsError as exc:
        return {"departments": [], "activities": [], "problems": exc.problems}
    return {
        "departments": [{"department": d.name, "cost": d.cost,
                         "capacity_minutes": d.capacity_minutes,
                         "cost_per_minute": d.cost_per_minute}
                        for d in settings.departments.values()],
        "activities": [{"activity": a.name, "driver": a.driver, "type": a.type,
                        "department": a.department, "minutes": a.minutes}
                       for a in settings.activities.values()],
    }


@router.post("/settings", summary="Validate and save clientload.toml")
def settings_save(request: Request, text: str = Form(...), user: User = NEED_ADMIN) -> Response:
    ws = request.app.state.ws
    try:
        parse_settings(text, str(ws.settings_path))
    except SettingsError as exc:
        return render(request, "settings.html.j2",
                      {"text": text, "problems": exc.problems, "saved": False,
                       "job": request.app.state.recalculation.job.as_dict(),
                       "departments": [], "activities": []}, status_code=422)
    from clientload.setup.changes import SETTINGS_PAGE, save_settings
    from clientload.web.store import store

    with store(ws, write=True) as con:  # kept, so that it can be rolled back (/setup/changes)
        save_settings(con, ws.settings_path, text, user.username, "settings",
                      (SETTINGS_PAGE, {}))
    return RedirectResponse("/settings?saved=1", status_code=303)


@router.post("/recalculate", summary="Run the model in the background")
def recalculate(request: Request, user: User = NEED_ANALYST) -> Response:
    started = request.app.state.recalculation.start(user.username)
    if "json" in request.headers.get("accept", ""):
        from fastapi.responses import JSONResponse

        return JSONResponse({"started": started, **request.app.state.recalculation.job.as_dict()},
                            status_code=202)
    return RedirectResponse("/recalculate", status_code=303)


@page(router, "/recalculate", "recalculate.html.j2")
def recalculation_status(request: Request, user: User = NEED_ANALYST) -> dict[str, Any]:
    """The state of the last or current run: stage, done of total, seconds, error."""
    return {"job": request.app.state.recalculation.job.as_dict()}


@page(router, "/users", "users.html.j2")
def users(request: Request, user: User = NEED_ADMIN) -> dict[str, Any]:
    return {"users": auth.list_users(request.app.state.ws), "roles": list(auth.ROLES)}


@router.post("/users", summary="Create or replace a web account")
def add_user(request: Request, username: str = Form(...), password: str = Form(...),
             role: str = Form(...), manager_name: str = Form(""),
             user: User = NEED_ADMIN) -> Response:
    try:
        auth.add_user(request.app.state.ws, username.strip(), password, role,
                      manager_name.strip() or None)
    except ClientloadError as exc:
        return render(request, "users.html.j2", {"users": auth.list_users(request.app.state.ws),
                                              "roles": list(auth.ROLES), "error": str(exc)},
                      status_code=422)
    return RedirectResponse("/users", status_code=303)


def workbook_available() -> bool:
    return importlib.util.find_spec("clientload.export") is not None


@router.get("/workbook.xlsx", summary="The live Excel workbook")
def workbook(request: Request, user: User = NEED_ANALYST) -> Response:
    if not workbook_available():
        raise HTTPException(404, "the workbook export is not installed")
    from clientload.export import write_workbook

    ws = request.app.state.ws
    lang = language(request)
    target = ws.out_dir / f"clientload-{lang}.xlsx"
    with WRITE_LOCK:
        try:
            write_workbook(ws, target, lang=lang)
        except ClientloadError as exc:
            raise HTTPException(409, str(exc)) from None
    return FileResponse(target, filename=target.name, media_type=XLSX)


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
