"""The HTML report in the web app: view it, and download it to mail (analysts and admins).

The report is the same file `clientload report` writes, made once per run and language and kept in
`out/` (`report-<lang>.html`), so that viewing it again costs nothing until the next recalculation.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse

from clientload.web.auth import User
from clientload.web.errors import Said
from clientload.web.render import NEED_ANALYST, language, page
from clientload.web.store import WRITE_LOCK

router = APIRouter()


def _report_path(request: Request, lang: str) -> Path:
    """The report of the current results in `lang`, written when missing or older than them."""
    from clientload.report.html import write_report

    ws = request.app.state.ws
    info = ws.out_dir / "run_info.json"
    if not info.exists():
        raise Said(404, "no model results yet: recalculate first")
    path = ws.out_dir / f"report-{lang}.html"
    if not path.exists() or path.stat().st_mtime_ns < info.stat().st_mtime_ns:
        with WRITE_LOCK:
            staged = path.with_suffix(".writing")
            write_report(ws, staged, lang)
            staged.replace(path)
    return path


@page(router, "/report", "report.html.j2")
def report_page(request: Request, user: User = NEED_ANALYST) -> dict[str, Any]:
    """The report shown inside the app, with a link to download it."""
    ws = request.app.state.ws
    return {"has_results": (ws.out_dir / "run_info.json").exists(),
            "lang_of_report": language(request)}


@router.get("/report/file", include_in_schema=False)
def report_file(request: Request, download: int = 0, user: User = NEED_ANALYST) -> FileResponse:
    lang = language(request)
    path = _report_path(request, lang)
    name = f"clientload-report-{lang}.html"
    response = FileResponse(path, media_type="text/html; charset=utf-8",
                            filename=name if download else None,
                            content_disposition_type="attachment" if download else "inline")
    # The report is a document of its own with its charts' code inline: it may run that code,
    # shown in the app's frame, but sandboxed (an opaque origin: no cookies, no app pages).
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    response.headers["Content-Security-Policy"] = REPORT_POLICY
    return response


REPORT_POLICY = (
    "default-src 'none'; script-src 'unsafe-inline' 'unsafe-eval'; style-src 'unsafe-inline'; "
    "img-src data: blob:; font-src data:; frame-ancestors 'self'; sandbox allow-scripts"
)
