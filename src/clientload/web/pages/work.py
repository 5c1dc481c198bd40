"""Daily work of a sales manager: the parity calculators and the interaction log (the CRM form)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Form, HTTPException, Query, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from clientload.web import calc, data
from clientload.web.auth import User
from clientload.web.errors import Said
from clientload.web.pages.clients import visible_client
from clientload.web.pages.overview import results, run_info
from clientload.web.render import NEED_MANAGER, language, page
from clientload.web.store import one_by_one, rows, store, writer

router = APIRouter()

WEB_FORM_FILE = "web form"
MAX_NOTE = 2000


@page(router, "/calculators", "calculators.html.j2")
def calculators(request: Request, margin: str = "25%", discount: str = "5%",
                volume_change: str = "20%", cash_discount: str = "2%", discount_days: float = 10,
                net_days: float = 30, user: User = NEED_MANAGER) -> dict[str, Any]:
    """Task 1 (volume a discount needs), Task 2 (discount a volume allows), the grid, cash terms."""
    lang = language(request)
    try:
        m, d = calc.fraction(margin, 0.25), calc.fraction(discount, 0.05)
        u, cd = calc.fraction(volume_change, 0.2), calc.fraction(cash_discount, 0.02)
    except ValueError as exc:
        raise HTTPException(422, f"not a number: {exc}") from None
    try:
        capital = request.app.state.ws.settings().cost_of_capital
    except Exception:
        capital = None
    return {
        "inputs": {"margin": m, "discount": d, "volume_change": u, "cash_discount": cd,
                   "discount_days": discount_days, "net_days": net_days},
        "task1": calc.required_volume(m, d, lang),
        "task2": calc.max_discount(m, u, lang),
        "grid": calc.grid(),
        "cash": calc.cash_discount(cd, discount_days, net_days, lang, capital),
    }


def _web_import_id(con: Any) -> int:
    """The `imports` row that stands for everything logged through the web form."""
    found = con.execute("SELECT import_id FROM imports WHERE file = ? AND table_name = "
                        "'interactions'", [WEB_FORM_FILE]).fetchone()
    if found:
        return int(found[0])
    new_id = con.execute("SELECT coalesce(max(import_id), 0) + 1 FROM imports").fetchone()[0]
    con.execute("INSERT INTO imports (import_id, table_name, file, sha256, imported_at, rows_read, "
                "rows_loaded, rows_rejected, notes) VALUES (?, 'interactions', ?, '', "
                "current_timestamp, 0, 0, 0, 'interactions logged in the web app')",
                [new_id, WEB_FORM_FILE])
    return int(new_id)


_CHOICES: dict[tuple[str, int, int], dict[str, list[str]]] = {}


def _choices(request: Request) -> dict[str, list[str]]:
    """Interaction types and departments of the settings, parsed again only when the file
    changes (parsing costs milliseconds, and every logged entry is checked against them)."""
    path = request.app.state.ws.settings_path
    try:
        stat = path.stat()
        key = (str(path), stat.st_mtime_ns, stat.st_size)
        choices = _CHOICES.get(key)
        if choices is None:
            settings = request.app.state.ws.settings()
            types = sorted({a.type for a in settings.activities.values()
                            if a.driver == "interactions" and a.type})
            choices = {"types": types, "departments": list(settings.departments)}
            if len(_CHOICES) > 100:  # old versions of the file, or other workspaces' (tests)
                _CHOICES.clear()
            _CHOICES[key] = choices
        return choices
    except Exception:
        return {"types": ["call", "email", "meeting", "visit"], "departments": ["sales"]}


def my_entries(request: Request, user: User, limit: int = 20) -> list[dict]:
    with store(request.app.state.ws) as con:
        return rows(con, "SELECT i._line AS entry, i.client_id, i.type, i.department, i.minutes, "
                    "i.date, i.note FROM interactions i JOIN imports m ON m.import_id = "
                    "i._import_id WHERE m.file = ? AND i.employee = ? ORDER BY i._line DESC "
                    "LIMIT ?", [WEB_FORM_FILE, user.username, limit])


def saved_note(info: dict[str, Any], entry_date: str) -> dict[str, Any]:
    """What a saved entry means for the figures: they change at the next recalculation, and an
    entry dated outside the last calculation's period is not in it (`outside`)."""
    start, end = info.get("period_start"), info.get("period_end")
    try:
        day = dt.date.fromisoformat(entry_date[:10]) if entry_date else None
        first = dt.date.fromisoformat(start) if start else None
        last = dt.date.fromisoformat(end) if end else None
    except ValueError:
        return {"outside": False}
    outside = bool(day and first and last and not first <= day <= last)
    return {"outside": outside, "date": day, "start": first, "end": last}


@page(router, "/log", "log.html.j2")
def log_form(request: Request, client_id: str = "", saved: int = 0, entry_date: str = "",
             user: User = NEED_MANAGER) -> dict[str, Any]:
    """The interaction form and the user's own recent entries (editable)."""
    return {"choices": _choices(request), "client_id": client_id, "saved": bool(saved),
            "note": saved_note(run_info(request), entry_date) if saved else {},
            "today": dt.date.today().isoformat(), "entries": my_entries(request, user)}


def _saved(values: list[Any]) -> RedirectResponse:
    day = values[2].date().isoformat()
    return RedirectResponse(f"/log?saved=1&entry_date={day}", status_code=303)


@router.get("/api/clients", summary="Client type-ahead: up to 20 clients the user may see")
def client_suggestions(request: Request, q: str = Query("", max_length=100),
                       user: User = NEED_MANAGER) -> JSONResponse:
    res = results(request)
    if not res.has("client_metrics") or not q.strip():
        return JSONResponse([])
    listing = data.client_list(res, user, q=q.strip(), sort="revenue", page_size=20)
    return JSONResponse([{"client_id": c["client_id"], "name": c["name"]}
                         for c in listing["clients"]])


def _minutes(text: str) -> float | None:
    """The entry's own minutes; blank is None — the activity's standard time applies, where 0
    would have zeroed the contact's load."""
    text = text.strip().replace(",", ".")
    if not text:
        return None
    try:
        minutes = float(text)
    except ValueError:
        raise Said(422, "minutes {value} is not a number", value=repr(text)) from None
    if not 0 <= minutes <= 24 * 60:  # also refuses nan and inf
        raise Said(422, "minutes must be between 0 and 1440")
    return minutes


def _checked_entry(request: Request, user: User, client_id: str, type_: str, department: str,
                   minutes: str, date: str, note: str) -> list[Any]:
    choices = _choices(request)
    if type_ not in choices["types"]:
        raise Said(422, "type {value} is not one of {known}", value=repr(type_),
                   known=', '.join(choices['types']))
    if department and department not in choices["departments"]:
        raise Said(422, "department {value} is not known", value=repr(department))
    own_minutes = _minutes(minutes)
    try:
        when = dt.date.fromisoformat(date) if date else dt.date.today()
    except ValueError:
        raise Said(422, "date {value} is not YYYY-MM-DD", value=repr(date)) from None
    # a contact that has happened: tomorrow at the latest (the server's clock may be behind)
    if not dt.date(1900, 1, 1) <= when <= dt.date.today() + dt.timedelta(days=1):
        raise Said(422, "date {value} is not between 1900-01-01 and tomorrow", value=repr(date))
    _check_client(request, user, client_id)
    return [client_id, type_, dt.datetime.combine(when, dt.time()), own_minutes,
            department or None, user.username, note[:MAX_NOTE] or None]


def _check_client(request: Request, user: User, client_id: str) -> None:
    """The client must be one the user may see: in the results, or (not analysed yet, e.g. no
    sales in the period) in the store's `clients` table with the user as its manager."""
    try:
        visible_client(request, user, client_id)
        return
    except HTTPException as exc:
        if exc.status_code != 404:
            raise
    with store(request.app.state.ws) as con:
        found = con.execute("SELECT manager FROM clients WHERE client_id = ?",
                            [client_id]).fetchone()
    if found is None:
        raise Said(404, "client {client} is not known", client=client_id)
    if not user.sees_all_clients and found[0] != user.manager_name:
        raise Said(403, "client {client} belongs to another manager", client=client_id)


@router.post("/log", summary="Log an interaction with a client")
def log_interaction(request: Request, client_id: str = Form(...), type: str = Form(...),
                    department: str = Form(""), minutes: str = Form(""), date: str = Form(""),
                    note: str = Form(""), user: User = NEED_MANAGER) -> Response:
    with writer(request.app.state.ws).expecting() as submit:
        values = _checked_entry(request, user, client_id.strip(), type, department, minutes,
                                date, note)
        submit(_insert_entries, values)
    return _saved(values)


def _insert_entries(con: Any, entries: list[list[Any]]) -> list[int]:
    """Append checked entries to the web form's interactions in one statement; their numbers
    (`_line`) back. The statement is placeholders repeated; the values go as parameters."""
    import_id = _web_import_id(con)
    first = con.execute("SELECT coalesce(max(_line), 0) + 1 FROM interactions WHERE "
                        "_import_id = ?", [import_id]).fetchone()[0]
    lines = [int(first) + k for k in range(len(entries))]
    placeholders = ", ".join(["(?, ?, ?, ?, 1, ?, ?, ?, ?, ?)"] * len(entries))
    con.execute('INSERT INTO interactions (client_id, type, date, minutes, "count", department, '
                f"employee, note, _import_id, _line) VALUES {placeholders}",
                [value for entry, line in zip(entries, lines, strict=True)
                 for value in (*entry, import_id, line)])
    return lines


@router.post("/log/{entry}", summary="Change one of your own logged interactions")
def edit_interaction(request: Request, entry: int, client_id: str = Form(...),
                     type: str = Form(...), department: str = Form(""), minutes: str = Form(""),
                     date: str = Form(""), note: str = Form(""),
                     user: User = NEED_MANAGER) -> Response:
    with writer(request.app.state.ws).expecting() as submit:
        values = _checked_entry(request, user, client_id.strip(), type, department, minutes,
                                date, note)
        submit(_update_entries, (user, entry, values))
    return _saved(values)


def _update_entry(con: Any, change: tuple[User, int, list[Any]]) -> None:
    """Change one entry of the web form; only its author (or an admin) may. Checks first, then
    the one write, as the group writer asks of its handlers."""
    user, entry, values = change
    import_id = _web_import_id(con)
    owner = con.execute("SELECT employee FROM interactions WHERE _import_id = ? AND _line = ?",
                        [import_id, entry]).fetchone()
    if owner is None:
        raise Said(404, "entry {entry} not found", entry=entry)
    if owner[0] != user.username and not user.can("admin"):
        raise Said(403, "only the person who logged an entry can change it")
    con.execute('UPDATE interactions SET client_id = ?, type = ?, date = ?, minutes = ?, '
                "department = ?, employee = ?, note = ? WHERE _import_id = ? AND _line = ?",
                [*values[:5], owner[0], values[6], import_id, entry])


_update_entries = one_by_one(_update_entry)
