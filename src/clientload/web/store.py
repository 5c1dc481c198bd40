"""Short-lived access to the workspace: the DuckDB store for app data, Parquet results for reads.

DuckDB lets one process write a database file. The app never keeps a connection across requests:
each request opens the store, does its work and closes it, and writes go through one lock so two
requests of this process never write at once. The model's results are read straight from
`out/*.parquet` with an in-memory DuckDB connection, which does not touch the store file at all.

Logged interactions are many small writes from many requests at once, so they go through a group
commit (`GroupWriter`) rather than a connection each. When another process (a
`clientload run` or `import`) holds the file, opening it fails with `StoreBusy`: a 503 that asks
to try again, not a server error.

Connections to the store are opened read-write even for reads: DuckDB refuses a read-only and a
read-write connection to the same file inside one process, and a recalculation may hold the latter.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import duckdb
from fastapi import HTTPException

from clientload.errors import ClientloadError
from clientload.workspace import StoreInUse, Workspace

WRITE_LOCK = threading.RLock()
_READY: set[Path] = set()  # stores whose tables this process has made sure of

def _setup_tables() -> tuple[str, ...]:
    from clientload.setup.changes import CHANGES_TABLE
    from clientload.setup.survey import SURVEY_TABLE

    return (CHANGES_TABLE, SURVEY_TABLE)


WEB_TABLES = (
    *_setup_tables(),
    """CREATE TABLE IF NOT EXISTS web_users (
        username VARCHAR PRIMARY KEY,
        password_hash VARCHAR NOT NULL,
        role VARCHAR NOT NULL,
        manager_name VARCHAR,
        created_at TIMESTAMP NOT NULL DEFAULT current_timestamp
    )""",
)


class StoreBusy(HTTPException, ClientloadError):
    """The store file is held by another process; the request may simply be repeated."""

    def __init__(self) -> None:
        super().__init__(503, "the store is in use by another clientload process (an import or a "
                         "run); try again in a few seconds", headers={"Retry-After": "5"})

    def __str__(self) -> str:
        return str(self.detail)


def is_lock_conflict(exc: BaseException) -> bool:
    """DuckDB's refusal to open a file another process holds (its message names the lock)."""
    return isinstance(exc, duckdb.IOException) and "lock" in str(exc).lower()


def connect_store(ws: Workspace) -> duckdb.DuckDBPyConnection:
    """Open the store read-write, making sure of the app's own tables once per process."""
    try:
        if ws.store_path in _READY:
            return duckdb.connect(str(ws.store_path))
        con = ws.connect()
    except StoreInUse:
        raise StoreBusy() from None
    except duckdb.Error as exc:
        if is_lock_conflict(exc):
            raise StoreBusy() from None
        raise
    try:
        for statement in WEB_TABLES:
            con.execute(statement)
    except BaseException:
        con.close()
        raise
    _READY.add(ws.store_path)
    return con


@contextmanager
def store(ws: Workspace, write: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """The store for one unit of work; `write=True` holds the app's write lock meanwhile."""
    lock = WRITE_LOCK if write else None
    if lock:
        lock.acquire()
    try:
        con = connect_store(ws)
        try:
            yield con
        finally:
            con.close()
    finally:
        if lock:
            lock.release()


# A batch handler writes a list of items with the open connection and returns one outcome per
# item: its result, or the exception that refused it (the handler checks before it writes).
Handler = Callable[[duckdb.DuckDBPyConnection, list[Any]], list[Any]]


def one_by_one(write: Callable[[duckdb.DuckDBPyConnection, Any], Any]) -> Handler:
    """A handler that writes items one at a time; a refusal raised by `write` (any exception but
    the database's own) is that item's outcome, and the others go on."""
    def handler(con: duckdb.DuckDBPyConnection, items: list[Any]) -> list[Any]:
        outcomes: list[Any] = []
        for item in items:
            try:
                outcomes.append(write(con, item))
            except duckdb.Error:
                raise
            except Exception as exc:
                outcomes.append(exc)
        return outcomes
    return handler


class GroupWriter:
    """Group commit: one thread takes the writes waiting from all requests, opens the store once,
    writes them in one transaction, commits, closes the store, and only then answers each
    request, with its own result or error.

    Requests say they are coming (`expecting()`) before their checks, so the writer, once it has
    work, waits `settle` seconds and then as long as others are on their way (at most `gather`
    seconds in all) for them to join; writes
    of the same kind (`Handler`) are then handed over together, e.g. as one multi-row INSERT.
    Should the database refuse a statement, the batch is rolled back and each item is written
    again in its own transaction, so one bad item never costs the others theirs. The store is
    closed between batches, so another process can take it; while one holds it, the batch waits
    up to `busy_wait` seconds and then answers every request of the batch with `StoreBusy`.
    """

    def __init__(self, ws: Workspace, max_batch: int = 500, gather: float = 0.05,
                 settle: float = 0.01, busy_wait: float = 1.0, idle_seconds: float = 30.0):
        self.ws = ws
        self.settle = settle
        self.max_batch = max_batch
        self.gather = gather
        self.busy_wait = busy_wait
        self.idle_seconds = idle_seconds
        self._pending: list[tuple[Handler, Any, Future]] = []
        self._coming = 0
        self._changed = threading.Condition()
        self._thread: threading.Thread | None = None
        self.batches = 0  # transactions committed (for tests and benchmarks)

    @contextmanager
    def expecting(self) -> Iterator[Callable[[Handler, Any], Any]]:
        """Announce a write for the block; the block calls the yielded `submit(handler, item)`
        (at most once) to write `item` and get its outcome once it is committed."""
        with self._changed:
            self._coming += 1
        announced = [True]

        def submit(handler: Handler, item: Any) -> Any:
            announced[0] = False
            return self._submit(handler, item, announced=True)

        try:
            yield submit
        finally:
            if announced[0]:
                with self._changed:
                    self._coming -= 1
                    self._changed.notify_all()

    def submit(self, handler: Handler, item: Any) -> Any:
        """Write `item` with `handler` in the next batch; its outcome once committed."""
        return self._submit(handler, item, announced=False)

    def _submit(self, handler: Handler, item: Any, announced: bool) -> Any:
        done: Future = Future()
        with self._changed:
            self._pending.append((handler, item, done))
            if announced:
                self._coming -= 1
            self._changed.notify_all()
            if self._thread is None:
                self._thread = threading.Thread(target=self._serve, daemon=True,
                                                name=f"clientload-writer-{self.ws.root.name}")
                self._thread.start()
        return done.result()

    def _serve(self) -> None:
        while True:
            with self._changed:
                while not self._pending:
                    if not self._changed.wait(self.idle_seconds) and not self._pending:
                        self._thread = None  # _submit() starts another when work comes
                        return
                # Answers of the last batch bring the next requests within milliseconds, most
                # still being parsed: a short settle lets them in before the store is opened.
                now = time.monotonic()
                settled, deadline = now + self.settle, now + self.gather
                while len(self._pending) < self.max_batch:
                    now = time.monotonic()
                    if now >= deadline or (self._coming == 0 and now >= settled):
                        break
                    self._changed.wait(min(deadline, settled if self._coming == 0 else deadline)
                                       - now)
                batch = self._pending[:self.max_batch]
                del self._pending[:self.max_batch]
            self._write(batch)

    def _write(self, batch: list[tuple[Handler, Any, Future]]) -> None:
        try:
            with WRITE_LOCK:
                con = self._open()
                try:
                    outcomes = self._together(con, batch)
                    if outcomes is None:
                        outcomes = [self._alone(con, handler, item) for handler, item, _ in batch]
                finally:
                    con.close()
        except BaseException as exc:  # the store could not be opened: nothing was written
            for _, _, done in batch:
                done.set_exception(StoreBusy() if isinstance(exc, StoreBusy) else exc)
            return
        for (_, _, done), outcome in zip(batch, outcomes, strict=True):
            if isinstance(outcome, BaseException):
                done.set_exception(outcome)
            else:
                done.set_result(outcome)

    def _open(self) -> duckdb.DuckDBPyConnection:
        deadline = time.monotonic() + self.busy_wait
        while True:
            try:
                return connect_store(self.ws)
            except StoreBusy:
                if time.monotonic() >= deadline:
                    raise
                time.sleep(0.1)

    def _together(self, con: duckdb.DuckDBPyConnection,
                  batch: list[tuple[Handler, Any, Future]]) -> list[Any] | None:
        """The whole batch in one transaction, or None when the database refused a statement."""
        kinds: dict[Handler, list[int]] = {}
        for position, (handler, _, _) in enumerate(batch):
            kinds.setdefault(handler, []).append(position)
        outcomes: list[Any] = [None] * len(batch)
        con.execute("BEGIN TRANSACTION")
        try:
            for handler, positions in kinds.items():
                written = handler(con, [batch[p][1] for p in positions])
                for p, outcome in zip(positions, written, strict=True):
                    outcomes[p] = outcome
            con.execute("COMMIT")
        except Exception:
            _roll_back(con)
            return None
        self.batches += 1
        return outcomes

    def _alone(self, con: duckdb.DuckDBPyConnection, handler: Handler, item: Any) -> Any:
        con.execute("BEGIN TRANSACTION")
        try:
            [outcome] = handler(con, [item])
            con.execute("COMMIT")
        except Exception as exc:
            _roll_back(con)
            return exc
        self.batches += 1
        return outcome


def _roll_back(con: duckdb.DuckDBPyConnection) -> None:
    with suppress(duckdb.Error):  # a failed COMMIT has already ended the transaction
        con.execute("ROLLBACK")


_WRITERS: dict[Path, GroupWriter] = {}
_WRITERS_GUARD = threading.Lock()


def writer(ws: Workspace) -> GroupWriter:
    """The one group writer of this process for the store of `ws`."""
    with _WRITERS_GUARD:
        if ws.store_path not in _WRITERS:
            _WRITERS[ws.store_path] = GroupWriter(ws)
        return _WRITERS[ws.store_path]


def rows(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None = None) -> list[dict]:
    """Run a query and return its rows as dicts keyed by column name."""
    cur = con.execute(sql, params or [])
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


class Results:
    """The model's output tables in `out/`, queried with DuckDB as views named after the tables.

    One in-memory database per app holds the views (opening a DuckDB database costs tens of
    milliseconds; a cursor on it costs nothing). The views read the Parquet files at each query,
    so a recalculation shows on the next request.
    """

    def __init__(self, out_dir: Path):
        self.out_dir = out_dir
        self._db = duckdb.connect()
        self._views: set[str] = set()
        self._lock = threading.Lock()

    def has(self, table: str) -> bool:
        return (self.out_dir / f"{table}.parquet").exists()

    def path(self, table: str) -> Path:
        return self.out_dir / f"{table}.parquet"

    @contextmanager
    def connect(self, *tables: str) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor that sees a view for each existing result table among `tables`."""
        with self._lock:
            for table in tables:
                if table not in self._views and self.has(table):
                    path = str(self.path(table)).replace("'", "''")
                    self._db.execute(f'CREATE OR REPLACE VIEW "{table}" AS '
                                     f"SELECT * FROM read_parquet('{path}')")
                    self._views.add(table)
            cursor = self._db.cursor()
        try:
            yield cursor
        finally:
            cursor.close()

    def columns(self, table: str) -> list[str]:
        if not self.has(table):
            return []
        with self.connect(table) as con:
            return [d[0] for d in con.execute(f'SELECT * FROM "{table}" LIMIT 0').description]

    def query(self, tables: tuple[str, ...], sql: str,
              params: list[Any] | None = None) -> list[dict]:
        if not all(self.has(t) for t in tables):
            return []
        with self.connect(*tables) as con:
            return rows(con, sql, params)

    def table(self, table: str, where: str = "", params: list[Any] | None = None,
              order: str = "", limit: int = 1000) -> list[dict]:
        """A whole result table (or a filtered part) with whatever columns it has."""
        if not self.has(table):
            return []
        sql = f'SELECT * FROM "{table}"' + (f" WHERE {where}" if where else "")
        sql += (f" ORDER BY {order}" if order else "") + f" LIMIT {int(limit)}"
        return self.query((table,), sql, params)
