"""Daily work of a sales manager: the parity calculators and the interaction log (the CRM form)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Form, HTTPException, Query, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from clientload.i18n import translator
from clientload.web import calc, data
from clientload.web.auth import User
from clientload.web.errors import Said
from clientload.web.pages.clients import visible_client
from clientload.web.pages.overview import results, run_info
from clientload.web.render import NEED_MANAGER, is_json_request, language, page, render
from clientload.web.store import one_by_one, rows, store, writer

router = APIRouter()

WEB_FORM_FILE = "web form"
MAX_NOTE = 2000


CALCULATOR_DEFAULTS = {"margin": "25", "discount": "5", "attainment": "80",
                       "plan_unit": "revenue", "volume_change": "20", "cash_discount": "2",
                       "discount_days": "10", "net_days": "30"}


@page(router, "/calculators", "calculators.html.j2")
def calculators(request: Request, margin: str = "", discount: str = "", attainment: str = "",
                plan_unit: str = "", volume_change: str = "", cash_discount: str = "",
                discount_days: str = "", net_days: str = "",
                user: User = NEED_MANAGER) -> dict[str, Any]:
    """Task 1 (volume a discount needs), Task 2 (the discount that reaches the plan from the
    managers' attainment, and by manager from the plans table), the discount a volume gain
    allows, the grid, cash terms. Percentages are asked in percent (5 = 5 %); a wrong value is
    said beside its box, and the other calculators still answer."""
    lang = language(request)
    given = {"margin": margin, "discount": discount, "attainment": attainment,
             "plan_unit": plan_unit, "volume_change": volume_change,
             "cash_discount": cash_discount, "discount_days": discount_days,
             "net_days": net_days}
    shown = {k: v if v != "" else CALCULATOR_DEFAULTS[k] for k, v in given.items()}
    form = calc.Form()
    m = form.percent("margin", shown["margin"], 0.25, above=0, below=100)
    d = form.percent("discount", shown["discount"], 0.05, low=0, below=100)
    a = form.percent("attainment", shown["attainment"], 0.8, above=0, high=100)
    unit = form.choice("plan_unit", shown["plan_unit"], ("revenue", "quantity"))
    u = form.percent("volume_change", shown["volume_change"], 0.2, above=-100)
    cd = form.percent("cash_discount", shown["cash_discount"], 0.02, low=0, below=100)
    days = form.number("discount_days", shown["discount_days"], 10, low=0, high=3650)
    net = form.number("net_days", shown["net_days"], 30, low=0, high=3650)
    try:
        capital = request.app.state.ws.settings().cost_of_capital
    except Exception:
        capital = None

    return {
        "inputs": shown,
        "errors": form.messages(translator(lang)),
        "_status": 422 if form.errors else 200,
        "detail": form.messages(lambda text: text) or None,
        "task1": (calc.required_volume(m, d, lang)
                  if m is not None and d is not None else None),
        "plan": (calc.plan_discount(m, a, unit, lang)
                 if m is not None and a is not None and unit is not None else None),
        "managers": calc.managers_plan(request.app.state.ws.root, lang),
        "task2": calc.max_discount(m, u, lang) if m is not None and u is not None else None,
        "grid": calc.grid(),
        "cash": (calc.cash_discount(cd, days, net, lang, capital)
                 if cd is not None and days is not None and net is not None else None),
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
        raise Said(422, "minutes {value} is not a number", field="minutes",
                   value=repr(text)) from None
    if not 0 <= minutes <= 24 * 60:  # also refuses nan and inf
        raise Said(422, "minutes must be between 0 and 1440", field="minutes")
    return minutes


def _checked_entry(request: Request, user: User, client_id: str, type_: str, department: str,
                   minutes: str, date: str, note: str) -> list[Any]:
    choices = _choices(request)
    if type_ not in choices["types"]:
        raise Said(422, "type {value} is not one of {known}", field="type", value=repr(type_),
                   known=', '.join(choices['types']))
    if department and department not in choices["departments"]:
        raise Said(422, "department {value} is not known", field="department",
                   value=repr(department))
    own_minutes = _minutes(minutes)
    try:
        when = dt.date.fromisoformat(date) if date else dt.date.today()
    except ValueError:
        raise Said(422, "date {value} is not YYYY-MM-DD", field="date", value=repr(date)) from None
    # a contact that has happened: tomorrow at the latest (the server's clock may be behind)
    if not dt.date(1900, 1, 1) <= when <= dt.date.today() + dt.timedelta(days=1):
        raise Said(422, "date {value} is not between 1900-01-01 and tomorrow", field="date",
                   value=repr(date))
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
        raise Said(404, "client {client} is not known", field="client_id", client=client_id)
    if not user.sees_all_clients and found[0] != user.manager_name:
        raise Said(403, "client {client} belongs to another manager", field="client_id",
                   client=client_id)


@router.post("/log", summary="Log an interaction with a client")
def log_interaction(request: Request, client_id: str = Form(...), type: str = Form(...),
                    department: str = Form(""), minutes: str = Form(""), date: str = Form(""),
                    note: str = Form(""), user: User = NEED_MANAGER) -> Response:
    entry = {"client_id": client_id, "type": type, "department": department,
             "minutes": minutes, "date": date, "note": note}
    try:
        with writer(request.app.state.ws).expecting() as submit:
            values = _checked_entry(request, user, client_id.strip(), type, department, minutes,
                                    date, note)
            submit(_insert_entries, values)
    except Said as said:
        return _refused_entry(request, user, said, entry)
    return _saved(values)


def _refused_entry(request: Request, user: User, said: Said, entry: dict[str, str]) -> Response:
    """An entry the form cannot take: the form again with what was typed, the reason beside
    its box in the page's language (an error page only for programs and for what no box
    says)."""
    if said.field is None or is_json_request(request) or "json" in request.headers.get(
            "accept", ""):
        raise said
    context = log_form(request, client_id=entry["client_id"], user=user)
    context.update(entry=entry, errors={said.field: said.text(translator(language(request)))})
    return render(request, "log.html.j2", context, status_code=said.status_code)


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
