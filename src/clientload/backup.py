"""Backup and restore of a workspace's store: every table to Parquet, with a manifest.

A backup folder holds `tables/NAME.parquet` for every table of `clientload.duckdb` (input tables,
`imports`, history, web accounts, whatever else is there), a copy of `clientload.toml`, and
`manifest.json` with each table's `CREATE TABLE` statement (types, keys, defaults), its columns,
row count and checksum. The manifest is written last: a folder without one is not a backup.

Restore checks every Parquet file against the manifest, builds the new store beside the old one
and moves it into place only when every table's rows and checksum match, so a failed restore
leaves the workspace as it was. `out/` is not kept: `clientload run` rebuilds it from the store.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from clientload.errors import ClientloadError
from clientload.progress import ProgressFn, no_progress
from clientload.workspace import SETTINGS_FILE, STORE_FILE, Workspace, open_workspace

if TYPE_CHECKING:
    import duckdb

MANIFEST = "manifest.json"
FORMAT_VERSION = 1


@dataclass(frozen=True)
class TableCopy:
    """One table as the manifest describes it."""

    name: str
    rows: int
    checksum: str
    columns: list[tuple[str, str]]
    create_sql: str


@dataclass(frozen=True)
class Manifest:
    created_at: str
    source: str
    settings_sha256: str | None
    tables: list[TableCopy]

    def to_json(self) -> str:
        return json.dumps(
            {
                "format": FORMAT_VERSION,
                "created_at": self.created_at,
                "source": self.source,
                "settings_sha256": self.settings_sha256,
                "tables": [
                    {"name": t.name, "rows": t.rows, "checksum": t.checksum,
                     "columns": [list(c) for c in t.columns], "create_sql": t.create_sql}
                    for t in self.tables
                ],
            },
            indent=2,
            ensure_ascii=False,
        )

    @classmethod
    def read(cls, folder: Path) -> Manifest:
        path = folder / MANIFEST
        if not path.is_file():
            raise ClientloadError(f"{folder}: not a clientload backup (no {MANIFEST})")
        try:
            raw = json.loads(path.read_text("utf-8"))
            if raw.get("format") != FORMAT_VERSION:
                raise ClientloadError(
                    f"{path}: backup format {raw.get('format')!r}; this version reads "
                    f"{FORMAT_VERSION}"
                )
            tables = [
                TableCopy(t["name"], int(t["rows"]), t["checksum"],
                          [(c[0], c[1]) for c in t["columns"]], t["create_sql"])
                for t in raw["tables"]
            ]
            return cls(raw["created_at"], raw["source"], raw.get("settings_sha256"), tables)
        except (ValueError, KeyError, TypeError) as exc:
            raise ClientloadError(f"{path}: unreadable manifest ({exc})") from exc


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def table_checksum(con: duckdb.DuckDBPyConnection, relation: str) -> tuple[int, str]:
    """Row count and an order-independent checksum of a table's rows (each row as text)."""
    row = "_clientload_row"  # an alias no column is called: the whole row as a struct
    found = con.execute(
        "SELECT count(*), coalesce(md5(string_agg(h, '' ORDER BY h)), '') "
        f"FROM (SELECT md5(CAST({row} AS VARCHAR)) AS h FROM {relation} {row})"
    ).fetchone()
    return (int(found[0]), str(found[1])) if found else (0, "")


def store_tables(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    """(name, CREATE statement) of every user table in the store, by name."""
    return [
        (r[0], r[1])
        for r in con.execute(
            "SELECT table_name, sql FROM duckdb_tables() WHERE database_name = current_database()"
            " AND schema_name = 'main' AND NOT internal AND NOT temporary ORDER BY table_name"
        ).fetchall()
    ]


def columns_of(con: duckdb.DuckDBPyConnection, relation: str) -> list[tuple[str, str]]:
    return [(r[0], r[1]) for r in con.execute(f"DESCRIBE SELECT * FROM {relation}").fetchall()]


def _open_store(path: Path, read_only: bool) -> duckdb.DuckDBPyConnection:
    import duckdb

    try:
        return duckdb.connect(str(path), read_only=read_only)
    except duckdb.IOException as exc:
        raise ClientloadError(
            f"{path}: cannot open the store ({str(exc).splitlines()[0]}); is another clientload "
            "command or `clientload serve` using it?"
        ) from exc


def backup_workspace(directory: str | Path, folder: str | Path,
                     progress: ProgressFn | None = None) -> Manifest:
    """Write every table of the workspace's store, its settings and a manifest to `folder`
    (new or empty)."""
    report = progress or no_progress
    ws = open_workspace(directory)
    target = Path(folder)
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise ClientloadError(f"--to {target}: exists and is not an empty folder; choose a new one")
    if not ws.store_path.exists():
        raise ClientloadError(f"{ws.store_path}: no store to back up")
    (target / "tables").mkdir(parents=True, exist_ok=True)
    settings_sha = None
    if ws.settings_path.exists():
        shutil.copyfile(ws.settings_path, target / SETTINGS_FILE)
        settings_sha = hashlib.sha256(ws.settings_path.read_bytes()).hexdigest()
    con = _open_store(ws.store_path, read_only=True)
    copies: list[TableCopy] = []
    try:
        # One read transaction: every table as of the same moment.
        con.execute("BEGIN TRANSACTION")
        tables = store_tables(con)
        for k, (name, create_sql) in enumerate(tables):
            report("backup", k, len(tables))
            parquet = target / "tables" / f"{name}.parquet"
            con.execute(f"COPY {quote(name)} TO {literal(str(parquet))} (FORMAT parquet)")
            rows, checksum = table_checksum(con, quote(name))
            copies.append(TableCopy(name, rows, checksum, columns_of(con, quote(name)),
                                    create_sql))
        con.execute("COMMIT")
    finally:
        con.close()
    manifest = Manifest(dt.datetime.now().isoformat(timespec="seconds"), str(ws.root.resolve()),
                        settings_sha, copies)
    _write_atomically(target / MANIFEST, manifest.to_json())
    report("backup", len(copies), len(copies))
    return manifest


def restore_workspace(folder: str | Path, directory: str | Path, force: bool = False,
                      progress: ProgressFn | None = None) -> Manifest:
    """Rebuild the workspace in `directory` (new, or with an empty store; `force` replaces a
    store that holds data) from the backup in `folder`."""
    import duckdb

    report = progress or no_progress
    source = Path(folder)
    manifest = Manifest.read(source)
    root = Path(directory)
    if root.exists() and not root.is_dir():
        raise ClientloadError(f"--to {root}: exists and is not a folder")
    ws = Workspace(root)
    if ws.store_path.exists() and not force:
        holding = _tables_with_rows(ws.store_path)
        if holding:
            raise ClientloadError(
                f"{ws.store_path}: holds data ({', '.join(holding[:5])}); restore into a new "
                "folder, or add --force to replace it"
            )
    for table in manifest.tables:
        if not (source / "tables" / f"{table.name}.parquet").is_file():
            raise ClientloadError(f"{source}: tables/{table.name}.parquet is missing")
    root.mkdir(parents=True, exist_ok=True)
    building = root / f".{STORE_FILE}.restoring"
    for leftover in (building, building.with_name(building.name + ".wal")):
        leftover.unlink(missing_ok=True)
    con = duckdb.connect(str(building))
    try:
        for k, table in enumerate(manifest.tables):
            report("restore", k, len(manifest.tables))
            parquet = literal(str(source / "tables" / f"{table.name}.parquet"))
            con.execute(table.create_sql)
            names = ", ".join(quote(c) for c, _ in table.columns)
            con.execute(f"INSERT INTO {quote(table.name)} ({names}) SELECT {names} "
                        f"FROM read_parquet({parquet})")
            _check_restored(con, table)
        con.execute("CHECKPOINT")
    except duckdb.Error as exc:
        con.close()
        building.unlink(missing_ok=True)
        raise ClientloadError(f"{source}: cannot restore ({str(exc).splitlines()[0]})") from exc
    except BaseException:
        con.close()
        building.unlink(missing_ok=True)
        raise
    con.close()
    ws.store_path.with_name(STORE_FILE + ".wal").unlink(missing_ok=True)
    os.replace(building, ws.store_path)
    saved = source / SETTINGS_FILE
    if saved.is_file():
        if ws.settings_path.exists() and ws.settings_path.read_bytes() != saved.read_bytes():
            shutil.copyfile(ws.settings_path, root / f"{SETTINGS_FILE}.before-restore")
        shutil.copyfile(saved, ws.settings_path)
    report("restore", len(manifest.tables), len(manifest.tables))
    return manifest


def _check_restored(con: duckdb.DuckDBPyConnection, table: TableCopy) -> None:
    rows, checksum = table_checksum(con, quote(table.name))
    if (rows, checksum) != (table.rows, table.checksum):
        raise ClientloadError(
            f"table {table.name}: restored {rows} rows with checksum {checksum[:12]}, the "
            f"backup says {table.rows} rows with checksum {table.checksum[:12]}; the backup "
            "is damaged"
        )
    if columns_of(con, quote(table.name)) != table.columns:
        raise ClientloadError(f"table {table.name}: restored columns differ from the manifest")


def _tables_with_rows(store: Path) -> list[str]:
    con = _open_store(store, read_only=True)
    try:
        return [
            name for name, _ in store_tables(con)
            if con.execute(f"SELECT count(*) FROM {quote(name)}").fetchone()[0]  # type: ignore[index]
        ]
    finally:
        con.close()


def _write_atomically(path: Path, text: str) -> None:
    partial = path.with_name(f".{path.name}.partial")
    partial.write_text(text, "utf-8")
    os.replace(partial, path)


def describe(manifest: Manifest) -> list[dict[str, Any]]:
    """The manifest's tables as rows for a summary."""
    return [{"table": t.name, "rows": t.rows, "checksum": t.checksum[:12]}
            for t in manifest.tables]
