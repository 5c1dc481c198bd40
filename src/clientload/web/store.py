"""Short-lived access to the workspace: the DuckDB store for app data, Parquet results for reads.

DuckDB lets one process write a database file. The app never keeps a connection across requests:
each request opens the store, does its work and closes it, and writes go through one lock so two
requests of this process never write at once. The model's results are read straight from
`out/*.parquet` with an in-memory DuckDB connection, which does not touch the store file at all.

Connections to the store are opened read-write even for reads: DuckDB refuses a read-only and a
read-write connection to the same file inside one process, and a recalculation may hold the latter.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb

from clientload.workspace import Workspace

WRITE_LOCK = threading.RLock()
_READY: set[Path] = set()  # stores whose tables this process has made sure of

WEB_TABLES = (
    """CREATE TABLE IF NOT EXISTS web_users (
        username VARCHAR PRIMARY KEY,
        password_hash VARCHAR NOT NULL,
        role VARCHAR NOT NULL,
        manager_name VARCHAR,
        created_at TIMESTAMP NOT NULL DEFAULT current_timestamp
    )""",
)


@contextmanager
def store(ws: Workspace, write: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """The store for one unit of work; `write=True` holds the app's write lock meanwhile."""
    lock = WRITE_LOCK if write else None
    if lock:
        lock.acquire()
    try:
        if ws.store_path in _READY:
            con = duckdb.connect(str(ws.store_path))
        else:
            con = ws.connect()
            for statement in WEB_TABLES:
                con.execute(statement)
            _READY.add(ws.store_path)
        try:
            yield con
        finally:
            con.close()
    finally:
        if lock:
            lock.release()


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
