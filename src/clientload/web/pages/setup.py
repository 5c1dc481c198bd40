"""The Setup page (admin): departments from their staff and the activities' departments and
minutes, with a preview of each department's cost per minute and of the change in cost to serve
before saving; and the kept settings changes, each of which can be rolled back."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from clientload.errors import ClientloadError
from clientload.settings import Settings, SettingsError, parse_settings
from clientload.setup import changes
from clientload.setup.plan import (
    SIZING_WORDS,
    SOURCE_WORDS,
    SetupForm,
    form_from_settings,
    preview,
    read_form,
    setup_text,
)
from clientload.web.auth import User
from clientload.web.errors import Said
from clientload.web.render import NEED_ADMIN, language, page, render
from clientload.web.store import store

router = APIRouter()


def _settings_with_text(ws: Any) -> tuple[Settings, str]:
    text = ws.settings_path.read_text("utf-8") if ws.settings_path.exists() else ""
    return ws.settings(), text


def sized(ws: Any, text: str) -> Settings:
    """A settings text parsed as the model would read it (revenue-sized departments scaled)."""
    from clientload.setup.scale import scaled_settings

    parsed = parse_settings(text, str(ws.settings_path))
    if ws.store_path.exists() and any(d.sized_from == "revenue"
                                      for d in parsed.departments.values()):
        parsed = scaled_settings(ws.store_path, text, parsed)
    return parsed


def _current(settings: Settings) -> list[dict[str, Any]]:
    return [{"department": name, "label": d.label, "sized_from": d.sized_from,
             "cost_per_minute": d.cost_per_minute if d.sized else None,
             "cost": d.cost if d.sized else None,
             "capacity_minutes": d.capacity_minutes if d.sized else None}
            for name, d in settings.departments.items()]


def _context(request: Request, settings: Settings, form: SetupForm,
             result: dict[str, Any] | None = None, problems: list[str] | None = None,
             saved: int | None = None) -> dict[str, Any]:
    rows = [{**r, "index": r.get("index", str(k))} for k, r in enumerate(form.departments)]
    index = max([int(r["index"]) for r in rows] or [-1]) + 1
    # one blank row for a new department (the posted form brings back its own blank one)
    rows = [r for r in rows if any(v for k, v in r.items() if k != "index")]
    rows.append({"index": str(index), "code": "", "label": "", "people": "",
                 "cost_per_month": "", "hours_per_week": "", "practical_share": ""})
    return {
        "departments": rows,
        "activities": form.activities,
        "codes": [r["code"] for r in rows if r["code"]],
        "errors": {k: {"message": m, "values": v} for k, (m, v) in form.errors.items()},
        "current": _current(settings),
        "currency": form.currency or settings.section("analysis").get("currency", "RUB"),
        "months": settings.section("analysis").get("cost_period_months", 12),
        "preview": result,
        "problems": problems or [],
        "saved": saved,
        "has_results": request.app.state.results.has("client_costs"),
        "_sizing": SIZING_WORDS,
    }


@page(router, "/setup", "setup.html.j2")
def setup_page(request: Request, saved: int | None = None,
               user: User = NEED_ADMIN) -> dict[str, Any]:
    settings = request.app.state.ws.settings()
    return _context(request, settings, form_from_settings(settings, language(request)),
                    saved=saved)


@router.post("/setup", summary="Preview or save the departments and activities")
async def setup_post(request: Request, user: User = NEED_ADMIN) -> Response:
    values = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    return await run_in_threadpool(_setup_post, request, values, user)


def _setup_post(request: Request, values: dict[str, str], user: User) -> Response:
    ws = request.app.state.ws
    settings, text = _settings_with_text(ws)
    form = read_form(values, settings)
    if form.errors:
        return render(request, "setup.html.j2", _context(request, settings, form),
                      status_code=422)
    new_text = setup_text(text, settings, form)
    try:
        new = sized(ws, new_text)
    except SettingsError as exc:
        return render(request, "setup.html.j2",
                      _context(request, settings, form, problems=exc.problems), status_code=422)
    if values.get("action") != "save":
        result = preview(settings, new, *_last_run(request))
        return render(request, "setup.html.j2", _context(request, settings, form, result))
    with store(ws, write=True) as con:
        number = changes.save_settings(con, ws.settings_path, new_text, user.username, "setup",
                                       _summary(settings, new))
    return RedirectResponse(f"/setup?saved={number or 0}", status_code=303)


def _summary(old: Settings, new: Settings) -> changes.Summary:
    """What the Setup page changed, for the change list."""
    parts = []
    for name, d in new.departments.items():
        before = old.departments.get(name)
        if before is None:
            parts.append(f"+{name}")
        elif d.sized and (not before.sized or abs(d.cost_per_minute - before.cost_per_minute)
                          > 1e-9 or before.sized_from != d.sized_from):
            parts.append(name)
    parts += [f"-{name}" for name in old.departments if name not in new.departments]
    moved = [a for a, x in new.activities.items() if a in old.activities
             and (x.department != old.activities[a].department
                  or x.minutes != old.activities[a].minutes)]
    departments = ", ".join(parts) or "—"
    if moved:
        return changes.SETUP_AND_ACTIVITIES, {"departments": departments,
                                              "activities": ", ".join(moved)}
    return changes.SETUP, {"departments": departments}


def _last_run(request: Request) -> tuple[list[dict[str, Any]], float | None]:
    """The last run's load by activity and department, and its total cost to serve."""
    res = request.app.state.results
    costs = res.query(("client_costs",),
                      'SELECT activity, department, sum(minutes) AS minutes, sum("cost") AS cost'
                      # direct costs (storage, financing) carry no minutes and do not change
                      " FROM client_costs WHERE minutes > 0 GROUP BY 1, 2")
    total = res.query(("client_metrics",),
                      "SELECT sum(cost_to_serve) AS total FROM client_metrics")
    return costs, (float(total[0]["total"]) if total and total[0]["total"] is not None
                   else None)


@page(router, "/setup/changes", "setup_changes.html.j2")
def change_list(request: Request, user: User = NEED_ADMIN) -> dict[str, Any]:
    with store(request.app.state.ws) as con:
        kept = changes.changes(con)
    return {"changes": [{"change_id": c.change_id, "changed_at": c.changed_at,
                         "username": c.username, "source": c.source, "summary": c.summary,
                         "message": c.message, "values": c.values, "diff": c.diff}
                        for c in kept],
            "rolled_back": request.query_params.get("rolled_back"), "_sources": SOURCE_WORDS}


@router.post("/setup/changes/{change_id}/rollback", summary="Put the settings back as they were "
             "before a kept change")
def roll_back(request: Request, change_id: int, user: User = NEED_ADMIN) -> Response:
    ws = request.app.state.ws
    try:
        with store(ws, write=True) as con:
            number = changes.roll_back(con, ws.settings_path, change_id, user.username)
    except SettingsError as exc:  # a text that no longer parses (the settings' rules moved on)
        raise Said(409, "the settings before change {change} no longer load: {problems}",
                   change=change_id, problems="; ".join(exc.problems)) from None
    except ClientloadError:
        raise Said(404, "no settings change number {change}", change=change_id) from None
    return RedirectResponse(f"/setup/changes?rolled_back={number or 0}", status_code=303)
