"""A workspace: one company's folder with its settings, its DuckDB store, results and rejects."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from clientload.errors import ClientloadError
from clientload.messages import Message
from clientload.settings import Settings, default_toml_text, load_settings, parse_settings

if TYPE_CHECKING:
    import duckdb

SETTINGS_FILE = "clientload.toml"
STORE_FILE = "clientload.duckdb"


class WorkspaceError(ClientloadError):
    """A workspace that cannot be used as asked; the message says why and what to do."""


class StoreInUse(WorkspaceError):
    """Another process holds the store file (DuckDB lets one process write a file)."""


def open_store_file(path: Path, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """`duckdb.connect` on the store, with a message a user can act on when another process
    (an import, a run, `clientload serve`) holds it."""
    import duckdb

    try:
        return duckdb.connect(str(path), read_only=read_only)
    except duckdb.IOException as exc:
        if "lock" not in str(exc).lower():
            raise
        detail = str(exc).splitlines()[0].split(". See also")[0]
        raise StoreInUse(
            f"{path}: the store is in use by another process ({detail}); run this again when "
            "that import, run or `clientload serve` has finished"
        ) from exc


def one_row(con: duckdb.DuckDBPyConnection, sql: str, params: object = None) -> tuple[Any, ...]:
    """The row of a query that always gives one (a count, a max). DuckDB's `fetchone` gives None
    when there is no row: here that is an error naming the query, not a TypeError further on."""
    row = con.execute(sql, params).fetchone()
    if row is None:
        raise RuntimeError(f"no row from {sql!r}; expected one")
    return row


@dataclass(frozen=True)
class Workspace:
    root: Path

    @property
    def settings_path(self) -> Path:
        return self.root / SETTINGS_FILE

    @property
    def store_path(self) -> Path:
        return self.root / STORE_FILE

    @property
    def out_dir(self) -> Path:
        return self.root / "out"

    @property
    def rejects_dir(self) -> Path:
        return self.root / "rejects"

    def settings(self) -> Settings:
        """The settings, with departments given by `revenue_share` scaled to the company from
        the store's sales (see `clientload.setup.scale`)."""
        if not self.settings_path.exists():
            return load_settings(self.settings_path)
        text = self.settings_path.read_text("utf-8")
        settings = parse_settings(text, str(self.settings_path))
        if self.store_path.exists() and any(
            d.sized_from == "revenue" for d in settings.departments.values()
        ):
            from clientload.setup.scale import scaled_settings

            settings = scaled_settings(self.store_path, text, settings)
        return settings

    def connect(self, read_only: bool = False) -> duckdb.DuckDBPyConnection:
        """Open the store, creating the input tables on first use."""
        from clientload.schema import (
            IMPORTS_ADDED,
            IMPORTS_TABLE,
            TABLES,
            create_statement,
            missing_columns,
        )

        if read_only and self.store_path.exists():
            return open_store_file(self.store_path, read_only=True)
        con = open_store_file(self.store_path)
        con.execute(IMPORTS_TABLE)
        for table in TABLES.values():
            con.execute(create_statement(table))
        # A store written by an earlier version gets the columns the contract has added since.
        present: dict[str, set[str]] = {}
        for name, column in con.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = current_schema()"
        ).fetchall():
            present.setdefault(name, set()).add(column)
        for table in TABLES.values():
            for column in missing_columns(table, present.get(table.name, set())):
                con.execute(
                    f'ALTER TABLE "{table.name}" ADD COLUMN "{column.name}" {column.type}'
                )
        for name, definition in IMPORTS_ADDED:
            if name not in present.get("imports", set()):
                con.execute(f'ALTER TABLE imports ADD COLUMN "{name}" {definition}')
        return con


def init_workspace(directory: str | Path, settings_text: str | None = None) -> Workspace:
    """Create the folder, write the documented settings (unless present) and the empty store."""
    root = Path(directory)
    if root.exists() and not root.is_dir():
        raise WorkspaceError(Message("{root} exists and is not a folder", root=root))
    root.mkdir(parents=True, exist_ok=True)
    ws = Workspace(root)
    if not ws.settings_path.exists():
        ws.settings_path.write_text(settings_text or default_toml_text(), "utf-8")
    ws.connect().close()
    return ws


def open_workspace(directory: str | Path) -> Workspace:
    """An existing workspace; a clear error when the folder is not one."""
    root = Path(directory)
    if not root.is_dir():
        raise WorkspaceError(Message(
            "{root} is not a folder; create a workspace with `clientload init {root}`", root=root
        ))
    ws = Workspace(root)
    if not ws.settings_path.exists() and not ws.store_path.exists():
        raise WorkspaceError(Message(
            "{root} is not a clientload workspace (no {settings} or {store}); "
            "create one with `clientload init {root}`",
            root=root, settings=SETTINGS_FILE, store=STORE_FILE,
        ))
    return ws
