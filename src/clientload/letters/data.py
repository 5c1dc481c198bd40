"""The letters' inputs read from a workspace: the model's results in `out/` and the settings.

`letters_for(ws, client_id=..., group=..., manager=...)` returns one `Letter` per chosen client;
`manager` limits the choice to that manager's clients (the web app's rule for managers).
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from pathlib import Path
from typing import Any

from clientload.errors import ClientloadError
from clientload.i18n import check_language
from clientload.letters.content import Letter, build_letter
from clientload.workspace import Workspace

Row = dict[str, Any]


def _rows(path: Path, where: str = "", params: list[Any] | None = None) -> list[Row]:
    import duckdb

    if not path.exists():
        return []
    source = str(path).replace("'", "''")
    with duckdb.connect() as con:
        cur = con.execute(f"SELECT * FROM read_parquet('{source}')"
                          + (f" WHERE {where}" if where else ""), params or [])
        names = [d[0] for d in cur.description]
        return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def _months(ws: Workspace) -> float:
    try:
        info = json.loads((ws.out_dir / "run_info.json").read_text("utf-8"))
        return float(info.get("months") or 12)
    except (OSError, ValueError, TypeError):
        return 12.0


def choose_clients(ws: Workspace, *, client_id: str | None = None, group: str | None = None,
                   manager: str | None = None) -> list[Row]:
    """The chosen clients' `client_metrics` rows, by contribution (largest first)."""
    path = ws.out_dir / "client_metrics.parquet"
    if not path.exists():
        raise ClientloadError(f"no model results in {ws.out_dir}: run `clientload run "
                              f"{ws.root}` first")
    where, params = [], []
    if client_id:
        where.append("client_id = ?")
        params.append(client_id)
    if group:
        where.append("segment = ?")
        params.append(group)
    if manager is not None:
        where.append("manager = ?")
        params.append(manager)
    found = _rows(path, " AND ".join(where) or "TRUE ORDER BY contribution DESC", params)
    if client_id and not found:
        raise ClientloadError(f"client {client_id!r} is not in the model's results "
                              f"({path.name})")
    return sorted(found, key=lambda r: -(r.get("contribution") or 0))


def letters_for(ws: Workspace, *, lang: str, client_id: str | None = None,
                group: str | None = None, manager: str | None = None,
                today: dt.date | None = None) -> list[Letter]:
    """One letter per chosen client (a client, a group, or all clients when neither is given)."""
    check_language(lang)
    settings = ws.settings()
    clients = choose_clients(ws, client_id=client_id, group=group, manager=manager)
    if group and not clients and manager is None:
        everyone = _rows(ws.out_dir / "client_metrics.parquet")
        known = sorted({str(r.get("segment")) for r in everyone})
        raise ClientloadError(f"group {group!r} has no clients; the groups are: "
                              f"{', '.join(known)}")
    ids = [str(c["client_id"]) for c in clients]
    by_client: dict[str, dict[str, list[Row]]] = defaultdict(lambda: defaultdict(list))
    for table in ("client_costs", "policy_deviations", "career"):
        path = ws.out_dir / f"{table}.parquet"
        if ids and path.exists():
            for row in _rows(path, "client_id IN (SELECT unnest(?))", [ids]):
                by_client[str(row["client_id"])][table].append(row)
    policies = settings.section("policy") or {}
    levels = list((settings.section("career") or {}).get("levels", []))
    analysis = settings.section("analysis") or {}
    currency = str(analysis.get("currency", "RUB"))
    company = str(analysis.get("company", ""))
    months = _months(ws)
    letters = []
    for metrics in clients:
        own = by_client[str(metrics["client_id"])]
        letters.append(build_letter(
            metrics=metrics, costs=own["client_costs"], deviations=own["policy_deviations"],
            career=own["career"][0] if own["career"] else None,
            policy=dict(policies.get(str(metrics.get("segment")), {})), levels=levels,
            months=months, lang=lang, currency=currency, company=company, today=today))
    return letters


def default_language(ws: Workspace) -> str:
    """The settings' `analysis.language`, else Russian."""
    try:
        lang = str((ws.settings().section("analysis") or {}).get("language", "ru"))
    except Exception:  # a broken settings file is reported by the command that needs it
        return "ru"
    return lang if lang in ("ru", "en") else "ru"
