"""The client list (search, filters, sort, pages) and the client card."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Request

from clientload.i18n import translator
from clientload.web import calc, charts, data
from clientload.web.auth import User
from clientload.web.errors import Said
from clientload.web.pages.overview import results, run_info
from clientload.web.render import NEED_MANAGER, language, page, page_settings, term_of
from clientload.web.store import rows, store

router = APIRouter()


@page(router, "/clients", "clients.html.j2")
def clients(request: Request, q: str = "", segment: str = "", manager: str = "",
            region: str = "", sort: str = "contribution", order: str = "desc",
            page_number: int = Query(1, alias="page", ge=1),
            user: User = NEED_MANAGER) -> dict[str, Any]:
    """Clients the user may see, filtered and sorted; `sort` is any figure of client_metrics."""
    res = results(request)
    if not res.has("client_metrics"):
        return {"has_results": False, "clients": [], "total": 0}
    listing = data.client_list(res, user, q=q.strip(), segment=segment, manager=manager,
                               region=region, sort=sort, descending=order != "asc",
                               page=page_number)
    return {
        "has_results": True,
        **listing,
        "filters": {"q": q, "segment": segment, "manager": manager, "region": region,
                    "order": "desc" if listing["descending"] else "asc"},
        "options": data.filter_options(res, user),
        "sortable": sorted(set(data.TEXT_SORTS) | set(data.numeric_columns(res))),
    }


def visible_client(request: Request, user: User, client_id: str) -> dict[str, Any]:
    """The client's metrics row, or 404; 403 when a manager asks for another manager's client."""
    found = data.client(results(request), client_id)
    if found is None:
        raise Said(404, "client {client} is not in the results", client=client_id)
    if not user.sees_all_clients and found.get("manager") != user.manager_name:
        raise Said(403, "client {client} belongs to another manager", client=client_id)
    return found


_INTERACTIONS: dict[tuple[Any, ...], list[dict]] = {}


def _store_stamp(ws: Any) -> tuple[Any, ...]:
    """The store's state as its files show it: any write (an import, a logged contact) changes
    the file or its write-ahead log."""
    out: list[tuple[int, int] | None] = []
    for path in (ws.store_path, ws.store_path.with_name(ws.store_path.name + ".wal")):
        try:
            stat = path.stat()
            out.append((stat.st_mtime_ns, stat.st_size))
        except OSError:
            out.append(None)
    return tuple(out)


def client_interactions(request: Request, client_id: str, limit: int = 50) -> list[dict]:
    """The client's latest contacts, read from the store once per state of the store (opening
    the store costs more than the whole rest of a card)."""
    ws = request.app.state.ws
    key = (str(ws.store_path), client_id, limit, _store_stamp(ws))
    found = _INTERACTIONS.get(key)
    if found is None:
        with store(ws) as con:
            found = rows(con, 'SELECT date, type, department, minutes, "count", employee, note '
                         "FROM interactions WHERE client_id = ? "
                         "ORDER BY date DESC NULLS LAST LIMIT ?", [client_id, limit])
        if len(_INTERACTIONS) > 5000:
            _INTERACTIONS.clear()
        _INTERACTIONS[key] = found
    return found


def _without_identity(found: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows of one client without the columns the card already shows."""
    return [{k: v for k, v in row.items() if k not in ("client_id", "name", "manager")}
            for row in found]


@page(router, "/clients/{client_id}", "client.html.j2")
def client_card(request: Request, client_id: str, discount: str = "",
                user: User = NEED_MANAGER) -> dict[str, Any]:
    """Everything about one client: its P&L, load, assortment, group, policy, career, contacts,
    and the parity calculator with its own margin."""
    res = results(request)
    lang = language(request)
    _ = translator(lang)
    metrics = visible_client(request, user, client_id)
    costs = data.client_rows(res, "client_costs", client_id, order="cost DESC")
    by_department: dict[str, float] = {}
    for row in costs:
        department = row["department"]
        by_department[department] = by_department.get(department, 0) + (row["cost"] or 0)
    department_costs = [{"department": k, "cost": v} for k, v in
                        sorted(by_department.items(), key=lambda kv: -kv[1])]
    assortment = data.client_categories(res, client_id)
    form = calc.Form()
    shown = discount or "3"
    asked = form.percent("discount", shown, 0.03, low=0, below=100)
    margin_rate = metrics.get("margin_rate") or 0.0
    career = _without_identity(data.client_rows(res, "career", client_id))
    settings = page_settings(request)
    info = run_info(request)
    return {
        "ladder": _ladder(settings, career[0] if career else None, lang),
        "sensitivity": (info.get("headlines") or {}).get("sensitivity"),
        "equations": _equations(settings, lang),
        "client": metrics,
        "costs": costs,
        "department_costs": department_costs,
        "assortment": assortment,
        "deviations": _without_identity(data.client_rows(res, "policy_deviations", client_id)),
        "career": career,
        "interactions": client_interactions(request, client_id, limit=20),
        "parity": _parity(res, page_settings(request), info, client_id, shown, asked,
                          margin_rate, lang),
        "errors": form.messages(_),
        "_status": 422 if form.errors else 200,
        "charts": {
            "waterfall": charts.waterfall(metrics, department_costs, _, term_of(request)),
            "activities": charts.bars(costs[:12], "activity", "minutes",
                                      _("Where the load comes from"), name=term_of(request)),
            "assortment": charts.bars(assortment[:12], "category", "revenue", _("What it buys"),
                                      "#2f7d4f"),
        },
    }


def _ladder(settings: Any, career: dict[str, Any] | None, lang: str) -> list[dict[str, Any]]:
    """The whole career ladder with the client's place on it (as its letter shows it)."""
    from dataclasses import asdict

    from clientload.letters.ladder import ladder

    if settings is None:
        return []
    currency = settings.section("analysis").get("currency", "RUB")
    levels = settings.section("career").get("levels", [])
    return [asdict(step) for step in ladder(levels, career, lang, currency)]


def _equations(settings: Any, lang: str) -> dict[str, str]:
    """Each activity's time equation in words, by activity."""
    from clientload.model.labels import equation_text

    if settings is None:
        return {}
    return {name: equation_text(a, lang) for name, a in settings.activities.items()
            if a.driver != "interactions"}


def _parity(res: Any, settings: Any, info: dict[str, Any], client_id: str, shown: str,
            asked: float | None, margin_rate: float, lang: str) -> dict[str, Any]:
    """The card's answer to "the client asks for a discount": one required volume — the
    give-get menu's, at the client's own figures (its gross margin less the financing of its
    terms, in the same orders) — and the other things to ask instead."""
    out: dict[str, Any] = {"discount": shown, "margin": margin_rate, "volume": None,
                           "options": [], "reason": None}
    if asked is None:
        return out
    menu = calc.give_get(res, settings, info, client_id, asked, lang)
    options = menu.get("options", [])
    out["volume"] = next((o for o in options if o["kind"] == "volume"), None)
    out["options"] = [o for o in options if o["kind"] != "volume" and o["feasible"]]
    out["reason"] = menu.get("reason")
    if out["volume"] is None:
        # no run to price the client with: the textbook break-even on its gross margin
        nagle = calc.required_volume(margin_rate, asked, lang)
        out["volume"] = {"kind": "volume", "method": "gross_margin",
                         "required": nagle.get("required_volume_change"),
                         "feasible": bool(nagle.get("feasible")),
                         "explanation": nagle.get("explanation")}
    else:
        out["volume"]["method"] = "client_figures"
    return out
