"""The time survey: each user says how long their department's activities take them (typical, a
fast and a slow case); the admin sees the answers' median and spread beside each setting and
applies the medians in one kept settings change."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from clientload.setup import changes, survey
from clientload.setup.plan import plain_number
from clientload.web.auth import User
from clientload.web.render import NEED_ADMIN, NEED_MANAGER, language, page, render
from clientload.web.store import store

router = APIRouter()


def _terms_note(activity: Any) -> dict[str, float]:
    """The extras of an order equation, which the survey's base minutes leave out."""
    return {key: float(getattr(activity, key, 0.0) or 0.0)
            for key in ("minutes_per_line", "urgent_extra_minutes")
            if getattr(activity, key, 0.0)}


def _context(request: Request, user: User, department: str | None,
             form: survey.SurveyForm | None = None, saved: bool = False) -> dict[str, Any]:
    settings = request.app.state.ws.settings()
    lang = language(request)

    def shown(value: float | None) -> str:
        return plain_number(value, lang)

    with store(request.app.state.ws) as con:
        last, answers = survey.my_answers(con, user.username)
    chosen = department or last or next(iter(settings.departments))
    if chosen not in settings.departments:
        chosen = next(iter(settings.departments))
    rows = []
    for name in survey.activities_of(settings, chosen):
        activity = settings.activities[name]
        given = answers.get(name)
        typed = form.values.get(name) if form else None
        rows.append({
            "activity": name, "label": activity.label, "driver": activity.driver,
            "type": activity.type, "extras": _terms_note(activity),
            "typical": typed["typical"] if typed else shown(given.typical if given else None),
            "fast": typed["fast"] if typed else shown(given.fast if given else None),
            "slow": typed["slow"] if typed else shown(given.slow if given else None),
        })
    return {
        "departments": [{"department": n, "label": d.label}
                        for n, d in settings.departments.items()],
        "department": chosen,
        "activities": rows,
        "errors": {k: {"message": m, "values": v}
                   for k, (m, v) in (form.errors.items() if form else [])},
        "saved": saved,
    }


@page(router, "/survey", "survey.html.j2")
def survey_form(request: Request, department: str | None = None, saved: int = 0,
                user: User = NEED_MANAGER) -> dict[str, Any]:
    return _context(request, user, department, saved=bool(saved))


@router.post("/survey", summary="Save your answers to the time survey")
async def survey_post(request: Request, user: User = NEED_MANAGER) -> Response:
    values = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    return await run_in_threadpool(_survey_post, request, values, user)


def _survey_post(request: Request, values: dict[str, str], user: User) -> Response:
    ws = request.app.state.ws
    form = survey.read_survey(values, ws.settings())
    if form.errors:
        return render(request, "survey.html.j2",
                      _context(request, user, form.department or None, form), status_code=422)
    with store(ws, write=True) as con:
        survey.save_answers(con, user.username, form)
    return RedirectResponse(f"/survey?department={form.department}&saved=1", status_code=303)


@page(router, "/survey/results", "survey_results.html.j2")
def survey_results(request: Request, applied: int | None = None,
                   user: User = NEED_ADMIN) -> dict[str, Any]:
    settings = request.app.state.ws.settings()
    with store(request.app.state.ws) as con:
        found = survey.summary(con, settings)
    return {
        "activities": [{"activity": s.activity, "department": s.department,
                        "current_minutes": s.current_minutes, "answers": s.answers,
                        "count": s.count, "median": s.median, "q1": s.q1, "q3": s.q3,
                        "fast_median": s.fast_median, "slow_median": s.slow_median}
                       for s in found],
        "answered": sum(1 for s in found if s.count),
        "applied": applied,
    }


@router.post("/survey/apply", summary="Set each answered activity's minutes to the median")
def survey_apply(request: Request, user: User = NEED_ADMIN) -> Response:
    ws = request.app.state.ws
    with store(ws, write=True) as con:
        found = survey.summary(con, ws.settings())
        text, changed = survey.apply_medians(ws.settings_path.read_text("utf-8"), found)
        number = None
        if changed:
            number = changes.save_settings(
                con, ws.settings_path, text, user.username, "survey",
                (changes.SURVEY, {"activities": ", ".join(changed)}))
    return RedirectResponse(f"/survey/results?applied={number or 0}", status_code=303)
