"""Client letters in the web app: a client's letter (HTML, PDF, JSON) and a page per group with
every letter of the group to print at once. Analysts and admins write to any client; a manager to
their own clients only (the same rule as the client card)."""

from __future__ import annotations

import dataclasses
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from clientload.errors import ClientloadError
from clientload.i18n import translator
from clientload.letters import chromium, letters_for, pdf_bytes, render_html
from clientload.letters.content import Letter
from clientload.web import data, i18n
from clientload.web.auth import User
from clientload.web.pages.clients import visible_client
from clientload.web.pages.overview import results
from clientload.web.render import NEED_MANAGER, language, page

router = APIRouter()

LISTED = 500  # clients listed on a group's page
PRINTED = 300  # letters in one printable document: more would make a browser or Chromium crawl


def _lang(request: Request, lang: str) -> str:
    """The letter's language: `?lang=` when given, else the page's."""
    return lang if lang in i18n.LANGUAGES else language(request)


def _manager_scope(user: User) -> str | None:
    return None if user.sees_all_clients else (user.manager_name or "")


def _client_letter(request: Request, user: User, client_id: str, lang: str) -> Letter:
    visible_client(request, user, client_id)
    try:
        return letters_for(request.app.state.ws, lang=_lang(request, lang), client_id=client_id)[0]
    except ClientloadError as exc:
        raise HTTPException(404, str(exc)) from None


def _group_letters(request: Request, user: User, group: str, lang: str) -> list[Letter]:
    if not group:
        raise HTTPException(422, "choose a group: ?group=core (or growing, price_driven, ...)")
    try:
        found = letters_for(request.app.state.ws, lang=_lang(request, lang), group=group,
                            manager=_manager_scope(user))
    except ClientloadError as exc:
        raise HTTPException(404, str(exc)) from None
    if not found:
        raise HTTPException(404, f"no clients of yours in the group {group!r}")
    if len(found) > PRINTED:
        raise HTTPException(413, f"{len(found)} letters are too many to print at once (at most "
                            f"{PRINTED}); use `clientload letters DIR --group {group} --out DIR`")
    return found


def _pdf(html: str, filename: str) -> Response:
    if chromium() is None:
        raise HTTPException(503, "PDF needs chromium on the server; print the HTML letter")
    try:
        content = pdf_bytes(html)
    except ClientloadError as exc:
        raise HTTPException(500, str(exc)) from None
    return Response(content, media_type="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{filename}"'})


@router.get("/clients/{client_id}/letter", response_class=HTMLResponse, include_in_schema=False)
def client_letter(request: Request, client_id: str, lang: str = "",
                  user: User = NEED_MANAGER) -> Response:
    """The client's letter as a page to read, print or mail."""
    letter = _client_letter(request, user, client_id, lang)
    _ = translator(language(request))
    card = f"/clients/{quote(client_id, safe='')}"
    links = [(_("Back to the client"), card), ("PDF", f"{card}/letter.pdf?lang={letter.lang}")]
    return HTMLResponse(render_html([letter], links=links if chromium() else links[:1]))


@router.get("/clients/{client_id}/letter.json", summary="A client's letter: its text and figures")
def client_letter_json(request: Request, client_id: str, lang: str = "",
                       user: User = NEED_MANAGER) -> Response:
    return JSONResponse(dataclasses.asdict(_client_letter(request, user, client_id, lang)))


@router.get("/clients/{client_id}/letter.pdf", summary="A client's letter as PDF")
def client_letter_pdf(request: Request, client_id: str, lang: str = "",
                      user: User = NEED_MANAGER) -> Response:
    letter = _client_letter(request, user, client_id, lang)
    return _pdf(render_html([letter]), f"letter-{letter.client_id}.pdf".replace('"', ""))


@router.get("/letters/print", response_class=HTMLResponse, include_in_schema=False)
def group_letters(request: Request, group: str = "", lang: str = "",
                  user: User = NEED_MANAGER) -> Response:
    """Every letter of a group (a manager's: of their clients) in one document, a page each."""
    found = _group_letters(request, user, group, lang)
    _ = translator(language(request))
    links = [(_("Client letters"), f"/letters?group={quote(group, safe='')}")]
    return HTMLResponse(render_html(found, links=links))


@router.get("/letters/print.pdf", summary="Every letter of a group as one PDF")
def group_letters_pdf(request: Request, group: str = "", lang: str = "",
                      user: User = NEED_MANAGER) -> Response:
    return _pdf(render_html(_group_letters(request, user, group, lang)),
                f"letters-{group}.pdf".replace('"', ""))


@page(router, "/letters", "letters.html.j2")
def letters_page(request: Request, group: str = "", lang: str = "",
                 user: User = NEED_MANAGER) -> dict[str, Any]:
    """The groups with their clients (those the user may see) and links to their letters."""
    res = results(request)
    if not res.has("client_metrics"):
        return {"has_results": False, "groups": [], "clients": []}
    groups = [{"segment": g["segment"], "clients": g["clients"]}
              for g in data.groups(res, user)]
    clients: list[dict[str, Any]] = []
    if group:
        listing = data.client_list(res, user, segment=group, sort="revenue", page_size=LISTED)
        clients = [{k: c.get(k) for k in ("client_id", "name", "manager", "revenue")}
                   for c in listing["clients"]]
    return {"has_results": True, "groups": groups, "group": group, "clients": clients,
            "letter_lang": _lang(request, lang), "pdf": chromium() is not None,
            "printable": PRINTED}
