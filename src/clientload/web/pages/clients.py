"""The client list (search, filters, sort, pages) and the client card."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Request

from clientload.i18n import translator
from clientload.web import calc, charts, data
from clientload.web.auth import User
from clientload.web.errors import Said
from clientload.web.pages.overview import results, run_info
from clientload.web.render import NEED_MANAGER, language, page, page_settings
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


def client_interactions(request: Request, client_id: str, limit: int = 50) -> list[dict]:
    with store(request.app.state.ws) as con:
        return rows(con, 'SELECT date, type, department, minutes, "count", employee, note '
                    "FROM interactions WHERE client_id = ? ORDER BY date DESC NULLS LAST LIMIT ?",
                    [client_id, limit])


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
    try:
        asked = calc.fraction(discount, 0.03)
    except ValueError:
        raise Said(
            422, "discount {value} is not a number like 5% or 0.05", value=repr(discount)
        ) from None
    margin_rate = metrics.get("margin_rate") or 0.0
    career = _without_identity(data.client_rows(res, "career", client_id))
    settings = page_settings(request)
    return {
        "ladder": _ladder(settings, career[0] if career else None, lang),
        "sensitivity": (run_info(request).get("headlines") or {}).get("sensitivity"),
        "equations": _equations(settings, lang),
        "client": metrics,
        "costs": costs,
        "department_costs": department_costs,
        "assortment": assortment,
        "deviations": _without_identity(data.client_rows(res, "policy_deviations", client_id)),
        "career": career,
        "interactions": client_interactions(request, client_id, limit=20),
        "parity": {"discount": asked, "margin": margin_rate,
                   "volume": calc.required_volume(margin_rate, asked, lang),
                   "give_get": calc.give_get(request.app.state.ws.root, client_id, asked, lang)},
        "charts": {
            "waterfall": charts.waterfall(metrics, department_costs, _),
            "activities": charts.bars(costs[:12], "activity", "minutes",
                                      _("Where the load comes from")),
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
