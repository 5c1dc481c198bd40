"""One page, two forms: the role check, the page decorator that serves HTML and JSON from one
context, and the template environment with the language's formatting filters."""

from __future__ import annotations

import datetime as dt
import functools
import math
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape

from clientload.i18n import ngettext as common_ngettext
from clientload.i18n import say as common_say
from clientload.model.labels import (
    column_label,
    driver_label,
    role_label,
    rule_label,
    state_label,
    table_label,
    term_label,
)
from clientload.web import i18n
from clientload.web.auth import ROLE_RANK, SESSION_COOKIE, User, account_stamp
from clientload.web.errors import Said

LANG_COOKIE = "clientload_lang"


class NotSignedIn(Exception):
    """Raised by the role check when there is no valid session."""


def is_json_request(request: Request) -> bool:
    path = request.url.path
    return path.endswith(".json") or path.startswith("/api/") or (
        "application/json" in request.headers.get("accept", "")
        and "text/html" not in request.headers.get("accept", "")
    )


def need(role: str) -> Callable[..., Any]:
    """The one dependency every route uses: a signed-in user of at least `role`; on POST the
    session's CSRF token must come back too."""
    if role not in ROLE_RANK:
        raise ValueError(role)

    async def check(request: Request) -> User:
        sessions = request.app.state.sessions
        cookie = request.cookies.get(SESSION_COOKIE)
        session = sessions.get(cookie)
        if session is None:
            raise NotSignedIn()
        ws = request.app.state.ws
        # the store is opened on a worker thread, not on the event loop that serves everyone
        from starlette.concurrency import run_in_threadpool

        unchanged = await run_in_threadpool(
            sessions.account_unchanged, session, lambda: account_stamp(ws, session.user.username)
        )
        if not unchanged:
            sessions.end(cookie)
            raise NotSignedIn()
        # signed in: an error page from here on (a refused role, a stale form) shows the menu
        request.state.user = session.user
        request.state.csrf_token = session.csrf_token
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            token: object = request.headers.get("x-csrf-token")
            if token is None and "form" in request.headers.get("content-type", ""):
                token = (await request.form()).get("csrf_token")
            if not isinstance(token, str) or not _same(token, session.csrf_token):
                raise Said(403, "missing or wrong CSRF token; reload the page")
        if not session.user.can(role):
            raise Said(403, "this needs the {role} role", role=role)
        request.state.user = session.user
        request.state.csrf_token = session.csrf_token
        return session.user

    check.__name__ = f"need_{role}"
    return check


def _same(a: str, b: str) -> bool:
    import secrets

    return secrets.compare_digest(a.encode(), b.encode())


NEED_MANAGER = Depends(need("manager"))
NEED_ANALYST = Depends(need("analyst"))
NEED_ADMIN = Depends(need("admin"))


def language(request: Request) -> str:
    return i18n.pick_language(request.cookies.get(LANG_COOKIE))


def plain(value: Any) -> Any:
    """Make a context JSON-safe: NaN and infinities become null, dates ISO text."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items() if not str(k).startswith("_")}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, float):
        return None if math.isnan(value) or math.isinf(value) else value
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if hasattr(value, "item") and callable(value.item):  # numpy scalars
        return plain(value.item())
    return value


class Templates:
    def __init__(self, directory: Path):
        self.env = Environment(loader=FileSystemLoader(directory),
                               autoescape=select_autoescape(["html", "html.j2"]), trim_blocks=True,
                               lstrip_blocks=True)

    def render(self, name: str, context: dict[str, Any]) -> str:
        return self.env.get_template(name).render(context)


_SETTINGS: dict[tuple, Any] = {}


def _stamp(path: Any) -> tuple[int, int] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return (stat.st_mtime_ns, stat.st_size)


def page_settings(request: Request) -> Any:
    """The workspace's settings (None when the file is broken: a broken settings file must not
    take the pages down), parsed again only when the file (or the store they may be scaled
    from) changes: parsing costs milliseconds on every page."""
    if not hasattr(request.state, "settings"):
        ws = request.app.state.ws
        key = (str(ws.settings_path), _stamp(ws.settings_path), _stamp(ws.store_path))
        if key not in _SETTINGS:
            try:
                settings = ws.settings()
            except Exception:
                settings = None
            if len(_SETTINGS) > 64:  # old versions of the file, or other workspaces' (tests)
                _SETTINGS.clear()
            _SETTINGS[key] = settings
        request.state.settings = _SETTINGS[key]
    return request.state.settings


def term_of(request: Request) -> Callable[[str], str]:
    """A department, activity or interaction type in words of the page's language (the
    settings' own label first), for charts and other text built outside the templates."""
    lang = language(request)
    own = _own_labels(page_settings(request), lang)
    return lambda code: term_label(code, lang, own.get(code or "", ""))


def base_context(request: Request) -> dict[str, Any]:
    lang = language(request)
    settings = page_settings(request)
    currency = settings.raw.get("analysis", {}).get("currency", "RUB") if settings else "RUB"
    user: User | None = getattr(request.state, "user", None)
    own_labels = _own_labels(settings, lang)
    return {
        "request": request,
        "lang": lang,
        "_": i18n.translator(lang),
        "say": lambda message: common_say(message, lang),  # an error or note of the code
        "user": user,
        "csrf_token": getattr(request.state, "csrf_token", ""),
        "demo": request.app.state.demo,
        "money": lambda v, d=0: i18n.format_money(v, lang, currency, d),
        "num": lambda v, d=0: i18n.format_number(v, lang, d),
        "pct": lambda v, d=1: i18n.format_percent(v, lang, d),
        "date": lambda v: i18n.format_date(v, lang),
        "datetime": lambda v: i18n.format_datetime(v, lang),
        "reason": lambda text: i18n.reason_text(text, lang),
        "duration": lambda v: i18n.format_duration(v, lang),
        "count": lambda n, singular, plural_text, digits=0: common_ngettext(
            singular, plural_text, float(n or 0), lang
        ).format(n=i18n.format_number(n, lang, digits)),
        "role_label": lambda code: role_label(code, lang),
        "table_label": lambda code: table_label(code, lang),
        "driver_label": lambda code: driver_label(code, lang),
        "state_label": lambda code: state_label(code, lang),
        "segment_label": lambda code: i18n.segment_label(code, lang),
        "term": lambda code: term_label(code, lang, own_labels.get(code or "", "")),
        "column": lambda key: column_label(key, lang),
        "rule_label": lambda code: rule_label(code, lang),
        "path": request.url.path,
        "here": request.url.path + (f"?{request.url.query}" if request.url.query else ""),
        "workbook": _workbook_available(),
    }


def _own_labels(settings: Any, lang: str) -> dict[str, str]:
    """The `label` (in Russian `label_ru`, where given) a company gave its departments and
    activities in the settings."""
    if settings is None:
        return {}
    named = [*settings.departments.values(), *settings.activities.values()]
    out = {}
    for item in named:
        russian = getattr(item, "label_ru", "") if lang == "ru" else ""
        label = russian or getattr(item, "label", "")
        if label:
            out[item.name] = label
    return out


@functools.lru_cache(maxsize=1)
def _workbook_available() -> bool:
    import importlib.util

    return importlib.util.find_spec("clientload.export") is not None


def render(request: Request, template: str, context: dict[str, Any],
           status_code: int = 200) -> HTMLResponse:
    html = request.app.state.templates.render(template, {**base_context(request), **context})
    return HTMLResponse(html, status_code=status_code)


def page(router: APIRouter, path: str, template: str, **route_kwargs: Any
         ) -> Callable[[Callable[..., dict[str, Any]]], Callable[..., dict[str, Any]]]:
    """Register `fn` as GET `path` (HTML from `template`) and GET `path`.json (the same context).

    `fn(request, ..., user=NEED_x)` returns the page's context; keys starting with `_` are for the
    template only and left out of the JSON.
    """

    def register(fn: Callable[..., dict[str, Any]]) -> Callable[..., dict[str, Any]]:
        @functools.wraps(fn)
        def as_json(*args: Any, **kwargs: Any) -> Response:
            context = fn(*args, **kwargs)
            return JSONResponse(plain(context), status_code=int(context.get("_status", 200)))

        @functools.wraps(fn)
        def as_html(*args: Any, **kwargs: Any) -> Response:
            context = fn(*args, **kwargs)
            return render(kwargs["request"], template, context,
                          status_code=int(context.get("_status", 200)))

        name = fn.__name__
        router.add_api_route(path.rstrip("/") + ".json" if path != "/" else "/index.json",
                             as_json, methods=["GET"], name=f"{name}_json", **route_kwargs)
        router.add_api_route(path, as_html, methods=["GET"], name=name,
                             response_class=HTMLResponse, include_in_schema=False,
                             **route_kwargs)
        return fn

    return register

