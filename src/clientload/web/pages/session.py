"""Signing in and out, the language switch, and the OpenAPI description (for signed-in users)."""

from __future__ import annotations

from urllib.parse import urlparse

from fastapi import APIRouter, Form, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from clientload.i18n import translator
from clientload.web import auth, i18n
from clientload.web.auth import LOGIN_CSRF_COOKIE, SESSION_COOKIE, User
from clientload.web.errors import Said
from clientload.web.render import LANG_COOKIE, NEED_MANAGER, render

router = APIRouter()


def _safe_next(target: str | None) -> str:
    """Only a path on this site, so sign-in cannot be used to send people elsewhere."""
    if not target:
        return "/dashboard"
    parsed = urlparse(target)
    if (parsed.scheme or parsed.netloc or not target.startswith("/") or target.startswith("//")
            or "\\" in target):  # browsers read /\host as //host
        return "/dashboard"
    return target


def _login_page(request: Request, next_path: str, error: str = "", status: int = 200) -> Response:
    token, cookie = request.app.state.sessions.login_csrf()
    response = render(request, "login.html.j2", {"next": _safe_next(next_path), "error": error,
                                              "login_token": token}, status_code=status)
    response.set_cookie(LOGIN_CSRF_COOKIE, cookie, httponly=True, samesite="lax", path="/login")
    return response


@router.get("/login", include_in_schema=False)
def login_form(request: Request, next: str = "/dashboard") -> Response:
    return _login_page(request, next)


@router.post("/login", include_in_schema=False)
def login(request: Request, username: str = Form(...), password: str = Form(...),
          csrf_token: str = Form(""), next: str = Form("/dashboard")) -> Response:
    state = request.app.state
    if not state.sessions.check_login_csrf(request.cookies.get(LOGIN_CSRF_COOKIE), csrf_token):
        raise Said(403, "missing or wrong CSRF token; reload the page")
    address = request.client.host if request.client else "?"
    _ = translator(i18n.pick_language(request.cookies.get(LANG_COOKIE)))
    if state.limiter.blocked(username, address):
        return _login_page(request, next, _("Too many attempts; wait a minute"), status=429)
    user = auth.check_password(state.ws, username, password)
    if user is None:
        state.limiter.failed(username, address)
        return _login_page(request, next, _("Wrong username or password"), status=401)
    state.limiter.succeeded(username, address)
    state.sessions.end(request.cookies.get(SESSION_COOKIE))
    response = RedirectResponse(_safe_next(next), status_code=303)
    response.set_cookie(SESSION_COOKIE, state.sessions.start(user), httponly=True,
                        samesite="lax", secure=request.url.scheme == "https",
                        max_age=auth.SESSION_SECONDS)
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/login")
    return response


@router.post("/logout", include_in_schema=False)
def logout(request: Request, user: User = NEED_MANAGER) -> Response:
    request.app.state.sessions.end(request.cookies.get(SESSION_COOKIE))
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


@router.get("/lang/{code}", include_in_schema=False)
def switch_language(code: str, next: str = "/dashboard") -> Response:
    """Remember the language in a cookie; a preference, so no sign-in is needed."""
    response = RedirectResponse(_safe_next(next), status_code=303)
    response.set_cookie(LANG_COOKIE, i18n.pick_language(code), samesite="lax",
                        max_age=365 * 24 * 3600)
    return response


@router.get("/", include_in_schema=False)
def home(user: User = NEED_MANAGER) -> Response:
    return RedirectResponse("/dashboard", status_code=303)


@router.get("/openapi.json", include_in_schema=False)
def openapi(request: Request, user: User = NEED_MANAGER) -> Response:
    return JSONResponse(request.app.openapi())
