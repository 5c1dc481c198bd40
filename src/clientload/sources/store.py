"""Writing one source import to the store: the `imports` log, the `interactions` rows and the
keys of the records stored, all in one transaction."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import duckdb

# Which calls and messages are stored already (by the source's own id: linkedid, Call ID,
# Message-ID, CRM id), so that an export overlapping an earlier one adds each record once.
SOURCE_RECORDS_TABLE = """
CREATE TABLE IF NOT EXISTS source_records (
    record_key VARCHAR NOT NULL,
    source VARCHAR NOT NULL,
    import_id BIGINT NOT NULL
)
"""

INTERACTION_COLUMNS = (
    "client_id", "type", "date", "minutes", "count", "department", "employee", "note", "_line",
)  # fmt: skip


@dataclass
class StoredImport:
    """One file's outcome: the interaction rows to insert and its counts for the `imports` log."""

    file: str
    sha256: str
    read: int = 0
    matched: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    rows: list[tuple] = field(default_factory=list)  # in INTERACTION_COLUMNS order
    keys: list[str] = field(default_factory=list)
    unmatched: list[dict[str, object]] = field(default_factory=list)

    def log_note(self, source: str) -> str:
        skipped = ", ".join(f"{k} {v}" for k, v in sorted(self.skipped.items()) if v) or "none"
        return (
            f"source {source}: {self.matched} matched ({len(self.rows)} rows), "
            f"{len(self.unmatched)} unmatched, skipped {skipped}"
        )


def write_import(
    con: duckdb.DuckDBPyConnection, source: str, imports: list[StoredImport], stamp: datetime
) -> list[int]:
    """Insert everything in one transaction; returns the new import ids (max + 1, …)."""
    import pyarrow as pa

    from clientload.workspace import one_row

    con.execute(SOURCE_RECORDS_TABLE)
    con.begin()
    try:
        (last,) = one_row(con, "SELECT coalesce(max(import_id), 0) FROM imports")
        ids = []
        for offset, item in enumerate(imports, 1):
            import_id = int(last) + offset
            ids.append(import_id)
            con.execute(
                "INSERT INTO imports (import_id, table_name, file, sha256, imported_at, rows_read, "
                "rows_loaded, rows_rejected, rows_replaced, notes) "
                "VALUES (?, 'interactions', ?, ?, ?, ?, ?, ?, 0, ?)",
                [import_id, item.file, item.sha256, stamp, item.read, item.matched,
                 len(item.unmatched), item.log_note(source)],
            )  # fmt: skip
            if item.rows:
                columns = list(zip(*item.rows, strict=True))
                table = pa.table(
                    {
                        "client_id": pa.array(columns[0], pa.string()),
                        "type": pa.array(columns[1], pa.string()),
                        "date": pa.array(columns[2], pa.timestamp("us")),
                        "minutes": pa.array(columns[3], pa.float64()),
                        "count": pa.array(columns[4], pa.int64()),
                        "department": pa.array(columns[5], pa.string()),
                        "employee": pa.array(columns[6], pa.string()),
                        "note": pa.array(columns[7], pa.string()),
                        "_line": pa.array(columns[8], pa.int64()),
                    }
                )
                con.register("clientload_new_interactions", table)
                names = ", ".join(f'"{c}"' for c in INTERACTION_COLUMNS)
                con.execute(
                    f'INSERT INTO interactions ({names}, "_import_id") '
                    f"SELECT {names}, {import_id} FROM clientload_new_interactions"
                )
                con.unregister("clientload_new_interactions")
            if item.keys:
                keys = pa.table({"record_key": pa.array(item.keys, pa.string())})
                con.register("clientload_new_keys", keys)
                con.execute(
                    "INSERT INTO source_records SELECT record_key, ?, ? FROM clientload_new_keys",
                    [source, import_id],
                )
                con.unregister("clientload_new_keys")
        con.commit()
    except Exception:
        con.rollback()
        raise
    return ids
