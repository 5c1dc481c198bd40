"""Pulling sales, clients, products, orders and returns from 1С's standard OData interface.

`pull_1c(ws, url, user, password, profile=None, since=None, progress=None) -> PullResult` reads
what changed since the last pull (docs/1c.md) and loads it through the importer in one
transaction; `list_objects(url, user, password, profile=None)` says what the server publishes and
which of it a profile reads. Nothing here prints; the password is never stored or shown.
"""

from __future__ import annotations

import datetime as dt
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from clientload.errors import ClientloadError
from clientload.messages import Message
from clientload.progress import ProgressFn, no_progress

if TYPE_CHECKING:
    from clientload.ingest import ImportResult
    from clientload.workspace import Workspace


@dataclass
class PullResult:
    """What a pull did. Per table, `rows_read == rows_loaded + rows_rejected`."""

    pull_id: int
    url: str
    profile: str
    tables: dict[str, ImportResult] = field(default_factory=dict)
    documents: Counter[str] = field(default_factory=Counter)  # new, changed, removed, …
    catalog_items: Counter[str] = field(default_factory=Counter)
    lines: int = 0
    rows_removed: int = 0
    window_starts: dict[str, dt.datetime | None] = field(default_factory=dict)
    requests: int = 0
    retried: int = 0
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)

    @property
    def rows_read(self) -> int:
        return sum(r.rows_read for r in self.tables.values())

    @property
    def rows_loaded(self) -> int:
        return sum(r.rows_loaded for r in self.tables.values())

    @property
    def rows_rejected(self) -> int:
        return sum(r.rows_rejected for r in self.tables.values())

    @property
    def rejects(self) -> list[Path]:
        return [r.rejects_path for r in self.tables.values() if r.rejects_path]


def _connection(url: str, user: str, password: str, options: dict,
                sleep: Callable[[float], None] | None):
    from clientload.pull.odata import Connection

    if not user:
        raise ClientloadError(Message("--user: the 1С user is needed"))
    conn = Connection(url, user, password, timeout=float(options["timeout_seconds"]),
                      retries=int(options["retries"]),
                      retry_wait=float(options["retry_wait_seconds"]))
    if sleep:
        conn.sleep = sleep
    return conn


def list_objects(url: str, user: str, password: str, profile: str = "ut11",
                 options: dict | None = None) -> tuple[list[str], dict[str, str]]:
    """The objects the server publishes, and those the profile reads (object → what for)."""
    from clientload.pull.profile import load_profile
    from clientload.settings import default_settings

    chosen = load_profile(profile)
    conn = _connection(url, user, password, options or default_settings().section("pull"), None)
    return conn.entity_sets(), chosen.objects()


def test_connection(url: str, user: str, password: str, profile: str = "ut11") -> list[str]:
    """Connect, read `$metadata` and check the profile against it; the notes, or an error."""
    from clientload.pull.checks import check_profile
    from clientload.pull.profile import load_profile
    from clientload.settings import default_settings

    conn = _connection(url, user, password, default_settings().section("pull"), None)
    _, notes = check_profile(load_profile(profile), conn.metadata())
    return notes


def pull_1c(ws: Workspace, url: str, user: str, password: str, profile: str | None = None,
            since: dt.date | None = None, progress: ProgressFn | None = None,
            sleep: Callable[[float], None] | None = None, saved_by: str | None = None
            ) -> PullResult:
    """Pull what changed in 1С into the workspace's store; see docs/1c.md.

    Raises ClientloadError (the store unchanged) when the server cannot be reached, refuses the
    user, lacks an object or a field the profile needs, or fails midway."""
    from clientload.pull import state
    from clientload.pull.checks import check_profile
    from clientload.pull.collect import Collector
    from clientload.pull.profile import load_profile
    from clientload.workspace import one_row

    started = time.monotonic()
    report = progress or no_progress
    options = ws.settings().section("pull")
    chosen = load_profile(profile or str(options["profile"]))
    conn = _connection(url, user, password, options, sleep)
    meta = conn.metadata()
    checked, notes = check_profile(chosen, meta)

    con = ws.connect()
    try:
        objects = [s.object for s in checked.sources.values()]
        stored: dict = {obj: {} for obj in objects}
        last: dict = {obj: None for obj in objects}
        before = None
        if state.exists(con):
            stored = {obj: state.items(con, obj) for obj in objects}
            last = {obj: state.last_date(con, obj) for obj in objects}
            before = one_row(con, "SELECT max(pull_id) FROM pull_runs")[0]
    finally:
        con.close()  # not held while reading from 1С: `serve` and others may use the store

    collector = Collector(conn, meta, checked, stored, last, int(options["page_size"]),
                          int(options["safety_window_days"]), since, report)
    batch = collector.collect()
    pull_id = int(before or 0) + 1
    result = PullResult(pull_id, conn.root, checked.name, documents=batch.documents,
                        catalog_items=batch.catalog_items, lines=batch.lines,
                        window_starts=collector.window_starts, notes=notes + batch.notes)
    returns = checked.sources.get("returns")
    derive = (returns.object if returns and "orders" in checked.sources
              and "returned" not in checked.sources["orders"].columns else None)
    result.requests, result.retried = conn.requests, conn.retried
    result.seconds = time.monotonic() - started
    _write(ws, batch, result, before, derive, report, user, saved_by)
    result.seconds = time.monotonic() - started
    return result


def _write(ws: Workspace, batch, result: PullResult, before, derive: str | None,
           report: ProgressFn, user: str, saved_by: str | None) -> None:
    from clientload.pull import state
    from clientload.pull.commit import commit
    from clientload.workspace import one_row

    con = ws.connect()
    tables: dict[str, ImportResult] = {}
    try:
        con.execute("SET enable_progress_bar = false")
        con.execute("BEGIN TRANSACTION")
        try:
            state.ensure_tables(con)
            now = one_row(con, "SELECT max(pull_id) FROM pull_runs")[0]
            if now != before:
                raise ClientloadError(Message("another pull finished while this one was "
                                              "reading; nothing was changed: run it again"))
            with tempfile.TemporaryDirectory(prefix="clientload-pull-") as folder:
                removed = commit(ws, con, batch, result.pull_id, f"1С {result.url}",
                                 Path(folder), report, derive, tables)
            result.tables, result.rows_removed = tables, removed
            state.save_connection(con, result.url, user, result.profile, saved_by=saved_by)
            _record_run(con, result, user)
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            for done in tables.values():  # rejects of a load that is undone
                if done.rejects_pending:
                    done.rejects_pending.unlink(missing_ok=True)
            raise
    finally:
        con.close()
    for table in result.tables.values():
        if table.rejects_pending and table.rejects_path:
            table.rejects_pending.replace(table.rejects_path)
            table.rejects_pending = None


def _record_run(con, result: PullResult, user: str) -> None:
    starts = [s for s in result.window_starts.values() if s is not None]
    d = result.documents
    con.execute(
        "INSERT INTO pull_runs VALUES (?, '1c', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [result.pull_id, result.url, user, result.profile,
         dt.datetime.now() - dt.timedelta(seconds=result.seconds), dt.datetime.now(),
         min(starts) if starts else None, d["new"], d["changed"], d["removed"], d["unchanged"],
         d["excluded"], result.rows_read, result.rows_loaded, result.rows_rejected,
         result.rows_removed, result.requests, "\n".join(result.notes)])
