"""The history of runs kept in the store: each run's settings and info, and its clients' groups
and figures; read back run by run, with the clients that moved between groups.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from clientload.workspace import Workspace, open_workspace

HISTORY_DDL = (
    """CREATE TABLE IF NOT EXISTS history_runs (
        run_id BIGINT PRIMARY KEY, run_at TIMESTAMP NOT NULL, period_start DATE NOT NULL,
        period_end DATE NOT NULL, engine VARCHAR, settings_toml VARCHAR, run_info VARCHAR)""",
    """CREATE TABLE IF NOT EXISTS history_clients (
        run_id BIGINT NOT NULL, client_id VARCHAR NOT NULL, segment VARCHAR, revenue DOUBLE,
        gross_margin DOUBLE, contribution DOUBLE, load_minutes DOUBLE, cost_to_serve DOUBLE,
        deviations_cost DOUBLE)""",
)
# the columns of client_metrics each run keeps in history_clients
HISTORY_CLIENT_COLUMNS = (
    "client_id", "segment", "revenue", "gross_margin", "contribution", "load_minutes",
    "cost_to_serve", "deviations_cost",
)


@contextmanager
def connection(ws: Workspace, con: Any = None) -> Iterator[Any]:
    """`con` when given (a run's one connection), else a new one closed afterwards."""
    if con is not None:
        yield con
        return
    own = ws.connect()
    try:
        yield own
    finally:
        own.close()


def append_history(
    ws: Workspace, info: dict[str, Any], settings_text: str, clients: Any, con: Any = None
) -> int:
    """Append this run (settings and info) and its clients to the history, in one transaction."""
    with connection(ws, con) as con:
        for ddl in HISTORY_DDL:
            con.execute(ddl)
        con.execute("BEGIN TRANSACTION")
        try:
            next_id = "SELECT coalesce(max(run_id), 0) + 1 FROM history_runs"
            run_id = int(con.execute(next_id).fetchone()[0])
            con.execute(
                "INSERT INTO history_runs VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    run_id,
                    datetime.now(UTC).replace(tzinfo=None),
                    info["period_start"],
                    info["period_end"],
                    info["engine"],
                    settings_text,
                    json.dumps({**info, "run_id": run_id}, default=str, ensure_ascii=False),
                ],
            )
            snapshot = clients.select(list(HISTORY_CLIENT_COLUMNS))
            con.register("_clientload_snapshot", snapshot)
            con.execute(
                "INSERT INTO history_clients SELECT ?, client_id, segment, revenue, gross_margin, "
                "contribution, load_minutes, cost_to_serve, deviations_cost "
                "FROM _clientload_snapshot",
                [run_id],
            )
            con.unregister("_clientload_snapshot")
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
    return run_id


@dataclass(frozen=True)
class History:
    """The kept runs, their groups run by run, and the migrations between consecutive runs."""

    runs: list[dict[str, Any]]
    groups: list[dict[str, Any]]
    migrations: list[dict[str, Any]]


def read_history(directory: str | Path) -> History:
    """Runs in order; per run and group: clients, load, contribution, deviations; and per run the
    clients that moved from one group (in the previous run) to another."""
    ws = open_workspace(directory)
    con = ws.connect()
    try:
        for ddl in HISTORY_DDL:
            con.execute(ddl)

        def rows(sql: str) -> list[dict[str, Any]]:
            cur = con.execute(sql)
            names = [d[0] for d in cur.description]
            return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]

        runs = rows(
            "SELECT run_id, run_at, period_start, period_end, engine FROM history_runs "
            "ORDER BY run_id"
        )
        groups = rows(
            """SELECT r.run_id, r.period_start, r.period_end, c.segment, count(*) AS clients,
                      sum(c.revenue) AS revenue, sum(c.load_minutes) AS load_minutes,
                      sum(c.contribution) AS contribution,
                      sum(c.deviations_cost) AS deviations_cost
               FROM history_clients c JOIN history_runs r USING (run_id)
               GROUP BY ALL ORDER BY r.run_id, c.segment"""
        )
        migrations = rows(
            """WITH ordered AS (
                   SELECT run_id, lag(run_id) OVER (ORDER BY run_id) AS previous_run
                   FROM history_runs)
               SELECT o.run_id, p.segment AS from_segment, c.segment AS to_segment,
                      count(*) AS clients
               FROM ordered o
               JOIN history_clients c ON c.run_id = o.run_id
               JOIN history_clients p ON p.run_id = o.previous_run AND p.client_id = c.client_id
               WHERE p.segment <> c.segment
               GROUP BY ALL ORDER BY o.run_id, clients DESC, from_segment, to_segment"""
        )
    finally:
        con.close()
    return History(runs=runs, groups=groups, migrations=migrations)
