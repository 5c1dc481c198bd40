"""What earlier pulls left in the workspace store, so the next one asks only for what changed.

- `pull_runs`: one row per pull (when, from where, what it did);
- `pull_objects`: per 1С object, the latest document date seen (the next pull re-reads from it
  minus the safety window);
- `pull_items`: every document and catalog item pulled: its `DataVersion`, date, readable id,
  whether it counted (posted, not marked for deletion), and for sales documents their order;
- `pull_rows`: the rows each item brought, as a range of `_line`s of one import, so a changed
  document replaces exactly those rows;
- `pull_connection`: the server, user and profile last used (the password only when an admin
  chose to keep it, encrypted).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import duckdb

STATE_TABLES = (
    """CREATE TABLE IF NOT EXISTS pull_runs (
        pull_id BIGINT PRIMARY KEY,
        source VARCHAR NOT NULL,
        url VARCHAR NOT NULL,
        user_name VARCHAR NOT NULL,
        profile VARCHAR NOT NULL,
        started_at TIMESTAMP NOT NULL,
        finished_at TIMESTAMP NOT NULL,
        window_start TIMESTAMP,
        documents_new BIGINT NOT NULL,
        documents_changed BIGINT NOT NULL,
        documents_removed BIGINT NOT NULL,
        documents_unchanged BIGINT NOT NULL,
        documents_excluded BIGINT NOT NULL,
        rows_read BIGINT NOT NULL,
        rows_loaded BIGINT NOT NULL,
        rows_rejected BIGINT NOT NULL,
        rows_removed BIGINT NOT NULL,
        requests BIGINT NOT NULL,
        notes VARCHAR
    )""",
    """CREATE TABLE IF NOT EXISTS pull_objects (
        object VARCHAR NOT NULL,
        last_date TIMESTAMP,
        pull_id BIGINT NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS pull_items (
        object VARCHAR NOT NULL,
        ref_key VARCHAR NOT NULL,
        data_version VARCHAR,
        item_date TIMESTAMP,
        readable_id VARCHAR NOT NULL,
        included BOOLEAN NOT NULL,
        order_id VARCHAR,
        pull_id BIGINT NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS pull_rows (
        object VARCHAR NOT NULL,
        ref_key VARCHAR NOT NULL,
        table_name VARCHAR NOT NULL,
        import_id BIGINT NOT NULL,
        first_line BIGINT NOT NULL,
        last_line BIGINT NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS pull_connection (
        source VARCHAR NOT NULL,
        url VARCHAR NOT NULL,
        user_name VARCHAR NOT NULL,
        profile VARCHAR NOT NULL,
        password_encrypted VARCHAR,
        saved_at TIMESTAMP NOT NULL,
        saved_by VARCHAR
    )""",
)


# No primary keys where a pull deletes and inserts the same key in one transaction (DuckDB checks
# such a key against the deleted row); the pull keeps them unique itself.


def ensure_tables(con: duckdb.DuckDBPyConnection) -> None:
    for statement in STATE_TABLES:
        con.execute(statement)


def exists(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether a pull has ever written here (reading state creates nothing: a pull that fails
    leaves the store exactly as it was)."""
    found = con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = "
                        "'pull_items' AND table_schema = current_schema()").fetchone()
    return bool(found and found[0])


@dataclass(frozen=True)
class Item:
    data_version: str | None
    item_date: dt.datetime | None
    readable_id: str
    included: bool
    order_id: str | None


def items(con: duckdb.DuckDBPyConnection, obj: str) -> dict[str, Item]:
    rows = con.execute(
        "SELECT ref_key, data_version, item_date, readable_id, included, order_id "
        "FROM pull_items WHERE object = ?", [obj]).fetchall()
    return {r[0]: Item(r[1], r[2], r[3], r[4], r[5]) for r in rows}


def last_date(con: duckdb.DuckDBPyConnection, obj: str) -> dt.datetime | None:
    found = con.execute("SELECT last_date FROM pull_objects WHERE object = ?", [obj]).fetchone()
    return found[0] if found else None


@dataclass(frozen=True)
class Connection:
    url: str
    user_name: str
    profile: str
    password_encrypted: str | None


def saved_connection(con: duckdb.DuckDBPyConnection, source: str = "1c") -> Connection | None:
    if not exists(con):
        return None
    found = con.execute("SELECT url, user_name, profile, password_encrypted FROM pull_connection "
                        "WHERE source = ?", [source]).fetchone()
    return Connection(*found) if found else None


def save_connection(con: duckdb.DuckDBPyConnection, url: str, user: str, profile: str,
                    password_encrypted: str | None = None, saved_by: str | None = None,
                    keep_password: bool = True, source: str = "1c") -> None:
    """Remember the server, user and profile; a kept password stays unless replaced or the
    server or user changed (`keep_password=False` forgets it)."""
    before = saved_connection(con, source)
    if password_encrypted is None and keep_password and before is not None and (
            before.url, before.user_name) == (url, user):
        password_encrypted = before.password_encrypted
    con.execute("DELETE FROM pull_connection WHERE source = ?", [source])
    con.execute("INSERT INTO pull_connection VALUES (?, ?, ?, ?, ?, ?, ?)",
                [source, url, user, profile, password_encrypted, dt.datetime.now(), saved_by])
