"""The web app factory: `create_app(workspace_dir)` returns a FastAPI app over one workspace.

Pages are rendered on the server from Jinja2 templates in this package; every page's context is
also served as JSON at the same path plus `.json`. Static files (including Plotly's own script from
the plotly package) are served locally, so the app works with the network unplugged.
"""

from __future__ import annotations

import secrets
import time
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Receive, Scope, Send
from starlette.types import Message as ASGIMessage

from clientload.errors import ClientloadError
from clientload.messages import Message, joined
from clientload.settings import SettingsError
from clientload.web import pages
from clientload.web.auth import LoginLimiter, Sessions
from clientload.web.errors import Said, logged, unexpected
from clientload.web.i18n import translator
from clientload.web.jobs import Recalculation, Runner
from clientload.web.render import NotSignedIn, Templates, is_json_request, language, render
from clientload.web.store import Results
from clientload.workspace import open_workspace

PACKAGE_DIR = Path(__file__).parent
MAX_UPLOAD_BYTES = 50 * 1024 * 1024

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    # Plotly draws SVG with inline styles; scripts come only from this server.
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data: blob:; frame-ancestors 'none'; form-action 'self'"
    ),
}


class BodyLimit:
    """Refuses request bodies larger than `limit` bytes with 413, declared or streamed."""

    def __init__(self, app: ASGIApp, limit: int):
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared and declared.isdigit() and int(declared) > self.limit:
            await _too_large(send)
            return
        if declared is not None or scope.get("method") in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        # No declared length (a chunked body): read it up to the limit before the app sees it.
        messages: list[ASGIMessage] = []
        seen = 0
        while True:
            message = await receive()
            messages.append(message)
            seen += len(message.get("body", b""))
            if seen > self.limit:
                await _too_large(send)
                return
            if message["type"] != "http.request" or not message.get("more_body"):
                break

        async def replay() -> ASGIMessage:
            return messages.pop(0) if messages else await receive()

        await self.app(scope, replay, send)


async def _too_large(send: Send) -> None:
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"text/plain; charset=utf-8")]})
    await send({"type": "http.response.body", "body": b"upload too large"})


def create_app(workspace_dir: str | Path, *, secret_key: str | None = None, demo: bool = False,
               max_upload_bytes: int = MAX_UPLOAD_BYTES,
               runner: Runner | None = None) -> FastAPI:
    """The web app over the workspace in `workspace_dir`.

    `secret_key` signs the cookies (a random one per start when not given: sessions then end with
    the process). `demo` only marks the pages as a demo; `serve --demo` makes the demo accounts.
    `runner(ws, progress)` recalculates the model (default: `clientload.run`); tests pass their own.
    """
    ws = open_workspace(workspace_dir)
    app = FastAPI(title="clientload", version="0.1.0", openapi_url=None, docs_url=None,
                  redoc_url=None)
    app.state.ws = ws
    app.state.demo = demo
    app.state.sessions = Sessions(secret_key or secrets.token_urlsafe(32))
    app.state.limiter = LoginLimiter()
    app.state.templates = Templates(PACKAGE_DIR / "templates")
    app.state.results = Results(ws.out_dir)
    app.state.recalculation = Recalculation(ws, runner, warm=app.state.results.warm)
    app.state.import_jobs = {}  # upload token -> the import started from the mapping screen
    app.state.max_upload_bytes = max_upload_bytes

    @app.get("/static/plotly.min.js", include_in_schema=False)
    def plotly_js() -> FileResponse:
        import plotly

        path = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
        return FileResponse(path, media_type="text/javascript",
                            headers={"Cache-Control": "public, max-age=86400"})

    app.mount("/static", StaticFiles(directory=PACKAGE_DIR / "static"), name="static")
    for module in pages.MODULES:
        app.include_router(module.router)

    @app.middleware("http")
    async def security_headers(request: Request, call_next):
        started = time.perf_counter()
        response: Response = await call_next(request)
        # the time this server spent on the request, as browsers' tools and the bench read it
        spent = (time.perf_counter() - started) * 1000
        response.headers.setdefault("Server-Timing", f"app;dur={spent:.1f}")
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if not request.url.path.startswith("/static"):
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    app.add_middleware(BodyLimit, limit=max_upload_bytes)

    @app.exception_handler(NotSignedIn)
    async def not_signed_in(request: Request, exc: NotSignedIn) -> Response:
        if is_json_request(request) or request.method != "GET":
            return JSONResponse({"detail": "sign in first"}, status_code=401)
        from urllib.parse import quote

        here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(here, safe='/')}", status_code=303)

    @app.exception_handler(RequestValidationError)
    async def bad_parameters(request: Request, exc: RequestValidationError) -> Response:
        """A query or form value of the wrong kind: JSON for programs, the error page for
        people, naming each field and what it should be."""
        problems = [_field_problem(e) for e in exc.errors()]
        # JSON unless a browser asked for a page: curl, scripts and the API get what FastAPI gave
        if is_json_request(request) or "text/html" not in request.headers.get("accept", ""):
            from fastapi.encoders import jsonable_encoder

            return JSONResponse({"detail": jsonable_encoder(exc.errors())}, status_code=422)
        return render(request, "error.html.j2", {"status": 422, "detail": joined(problems)},
                      status_code=422)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        if is_json_request(request):
            response: Response = JSONResponse({"detail": exc.detail}, status_code=exc.status_code)
        else:
            detail = exc.detail
            translate = translator(language(request))
            if isinstance(exc, Said):  # in the page's language
                detail = exc.text(translate, language(request))
            elif exc.status_code == 404 and detail == "Not Found":  # no such page
                detail = translate("There is no such page.")
            response = render(request, "error.html.j2",
                              {"status": exc.status_code, "detail": detail},
                              status_code=exc.status_code)
        # e.g. Retry-After on a 503 while another process holds the store
        for name, value in (exc.headers or {}).items():
            response.headers[name] = value
        return response

    async def users_problem(request: Request, exc: Exception) -> Response:
        """A problem the user can fix (a broken settings file, say) that no page caught: the
        error page says it in the page's language."""
        if is_json_request(request):
            return JSONResponse({"detail": str(exc)}, status_code=409)
        detail = exc.message if isinstance(exc, (ClientloadError, SettingsError)) else str(exc)
        return render(request, "error.html.j2", {"status": 409, "detail": detail},
                      status_code=409)

    app.add_exception_handler(ClientloadError, users_problem)
    app.add_exception_handler(SettingsError, users_problem)

    @app.exception_handler(Exception)
    async def unexpected_error(request: Request, exc: Exception) -> Response:
        """An error nobody planned for: logged with its traceback under an id; the page (with
        the menu) says only that id, never Python's words."""
        number = logged(exc, f"serving {request.method} {request.url.path}")
        if is_json_request(request):
            return JSONResponse({"detail": "internal error", "error_id": number}, status_code=500)
        try:
            return render(request, "error.html.j2", {"status": 500, "detail": unexpected(number)},
                          status_code=500)
        except Exception:  # the page itself cannot be drawn: a line of text, still with the id
            return Response(f"internal error {number}", status_code=500, media_type="text/plain")

    return app


def _field_problem(error: dict) -> Message:
    """A form or query value of the wrong kind, named by its field, in words the catalogue has
    (the validator's own English stays out of the page)."""
    field = ".".join(str(part) for part in error.get("loc", ())[1:]) or "request"
    kind = str(error.get("type", ""))
    if kind == "missing":
        return Message("{field}: a value is needed", field=field)
    if kind.startswith(("float", "int", "decimal")):
        return Message("{field}: {value!r} is not a number", field=field,
                       value=str(error.get("input", "")))
    if kind.startswith("bool"):
        return Message("{field}: {value!r} is not yes or no", field=field,
                       value=str(error.get("input", "")))
    return Message("{field}: not a value this form takes", field=field)
