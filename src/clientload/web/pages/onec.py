"""The Import page's 1С tab (admins): the server, user and profile; test the connection; pull now.

The password is typed each time and used for that request only: it is never stored, logged or put
back into the page. The server, user and profile of the last pull are kept in the workspace
(`pull_connection`) and fill the form.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from clientload.errors import ClientloadError
from clientload.web.auth import User
from clientload.web.render import NEED_ADMIN, page, render
from clientload.web.store import WRITE_LOCK, store

router = APIRouter()
TEMPLATE = "import_1c.html.j2"
PROFILES = ("ut11", "bp30")


def _saved(request: Request) -> dict[str, Any]:
    """The connection and the last pulls kept in the workspace."""
    from clientload.pull import state

    with store(request.app.state.ws) as con:
        saved = state.saved_connection(con)
        runs = []
        if state.exists(con):
            runs = [dict(zip(("pull_id", "finished_at", "user_name", "documents_new",
                              "documents_changed", "documents_removed", "rows_loaded",
                              "rows_rejected"), row, strict=True))
                    for row in con.execute(
                        "SELECT pull_id, finished_at, user_name, documents_new, "
                        "documents_changed, documents_removed, rows_loaded, rows_rejected "
                        "FROM pull_runs ORDER BY pull_id DESC LIMIT 5").fetchall()]
    form = {"url": saved.url if saved else "", "user": saved.user_name if saved else "",
            "profile": saved.profile if saved else "ut11"}
    return {"form": form, "profiles": list(PROFILES), "runs": runs, "tested": None,
            "result": None, "error": None}


@page(router, "/import/1c", TEMPLATE)
def onec_form(request: Request, user: User = NEED_ADMIN) -> dict[str, Any]:
    return _saved(request)


def _answer(request: Request, context: dict[str, Any], status: int = 200) -> Response:
    if "json" in request.headers.get("accept", ""):
        from fastapi.responses import JSONResponse

        from clientload.web.render import plain

        return JSONResponse(plain(context), status_code=status)
    return render(request, TEMPLATE, context, status_code=status)


@router.post("/import/1c/test", summary="Check the 1С connection and the profile")
def onec_test(request: Request, url: str = Form(...), username: str = Form(...),
              password: str = Form(...), profile: str = Form("ut11"),
              user: User = NEED_ADMIN) -> Response:
    from clientload.pull import test_connection

    context = _saved(request)
    context["form"] = {"url": url, "user": username, "profile": profile}
    try:
        context["tested"] = {"notes": test_connection(url, username, password, _profile(profile))}
    except ClientloadError as exc:
        context["error"] = str(exc)
        return _answer(request, context, 422)
    return _answer(request, context)


@router.post("/import/1c/pull", summary="Pull what changed in 1С now")
def onec_pull(request: Request, url: str = Form(...), username: str = Form(...),
              password: str = Form(...), profile: str = Form("ut11"),
              user: User = NEED_ADMIN) -> Response:
    from clientload.pull import pull_1c

    try:
        with WRITE_LOCK:
            outcome = pull_1c(request.app.state.ws, url, username, password,
                              profile=_profile(profile), saved_by=user.username)
    except ClientloadError as exc:
        context = _saved(request)
        context["form"] = {"url": url, "user": username, "profile": profile}
        context["error"] = str(exc)
        return _answer(request, context, 422)
    context = _saved(request)
    context["result"] = {
        "pull_id": outcome.pull_id,
        "documents": dict(outcome.documents),
        "tables": [{"table": t, "rows_read": r.rows_read, "rows_loaded": r.rows_loaded,
                    "rows_rejected": r.rows_rejected,
                    "rejects": r.rejects_path.name if r.rejects_path else None}
                   for t, r in outcome.tables.items()],
        "rows_removed": outcome.rows_removed,
        "notes": outcome.notes + [n for r in outcome.tables.values() for n in r.notes],
        "seconds": outcome.seconds,
    }
    return _answer(request, context)


def _profile(name: str) -> str:
    """Only the built-in profiles from the web: a path typed into a form is not read."""
    if name not in PROFILES:
        raise ClientloadError(f"profile {name!r}: expected one of {', '.join(PROFILES)}")
    return name
