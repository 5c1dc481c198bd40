"""Writing a pull's batch into the store as one transaction, through the importer.

Rows go to Parquet files (one per table, columns named as the contract's, plus the 1С document
and line each row came from) and are loaded by `import_files` inside this module's transaction:
the same checks, counts and rejects as `clientload import`. Before that, the rows of every
document that changed or left are deleted by their lineage (`pull_rows`). Any failure rolls all
of it back, the state tables included.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

from clientload.ingest import ImportResult, import_files
from clientload.pull import state
from clientload.pull.collect import Batch
from clientload.schema import TABLES

if TYPE_CHECKING:
    import duckdb

    from clientload.progress import ProgressFn
    from clientload.workspace import Workspace

LOAD_ORDER = ("clients", "products", "orders", "sales")
PROVENANCE = ("source_document", "source_line", "pulled_at")


def write_parquet(rows: list[dict[str, Any]], table: str, path: Path, stamp: str) -> None:
    """The rows with the contract's columns they have; each column typed when every value is of
    one kind (numbers, dates, booleans), else text, which the importer then parses and checks."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    present = [c for c in TABLES[table].column_names if any(c in r for r in rows)]
    arrays: dict[str, Any] = {}
    for column in present:
        arrays[column] = _array([r.get(column) for r in rows])
    arrays["source_document"] = pa.array([r.get("source_document") for r in rows], pa.string())
    arrays["source_line"] = pa.array([r.get("source_line") or None for r in rows], pa.string())
    arrays["pulled_at"] = pa.array([stamp] * len(rows), pa.string())
    pq.write_table(pa.table(arrays), path)


def _array(values: list[Any]) -> Any:
    import pyarrow as pa

    kinds = {type(v) for v in values if v is not None}
    if kinds and kinds <= {int, float}:
        return pa.array([float(v) if v is not None else None for v in values], pa.float64())
    if kinds == {bool}:
        return pa.array(values, pa.bool_())
    if kinds == {dt.datetime}:
        return pa.array(values, pa.timestamp("us"))
    return pa.array([None if v is None else str(v) for v in values], pa.string())


def commit(ws: Workspace, con: duckdb.DuckDBPyConnection, batch: Batch, pull_id: int,
           origin: str, workdir: Path, progress: ProgressFn | None,
           derive_returned: str | None, results: dict[str, ImportResult]) -> int:
    """Inside the caller's open transaction: drop the rows of changed and removed items, load
    the new rows (each table's import result into `results`, as it is done), record the items.
    Returns the rows removed."""
    stamp = f"{dt.datetime.now():%Y-%m-%d %H:%M:%S}"
    removed = _remove_rows(con, batch.gone)
    ranges: list[tuple[str, str, str, int, int, int]] = []
    for table in LOAD_ORDER:
        rows = batch.rows.get(table)
        if not rows:
            continue
        path = workdir / f"1c-{table}.parquet"
        write_parquet(rows, table, path, stamp)
        result = import_files(ws, [path], table, progress=progress, connection=con,
                              origins={path: f"{origin}, pull {pull_id}: {table}"})
        results[table] = result
        # the note names this module's own columns, which are for the rejects file only
        result.notes = [n for n in result.notes if not _only_provenance(n)]
        import_id = result.import_ids[0]
        ranges += _ranges(batch.owners[table], table, import_id)
    keys = list(batch.items) + [k for k in batch.forgotten if k not in batch.items]
    _delete_keys(con, "pull_items", keys)
    if batch.items:
        con.executemany(
            "INSERT INTO pull_items VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [[obj, key, i.data_version, i.item_date, i.readable_id, i.included, i.order_id,
              pull_id] for (obj, key), i in batch.items.items()])
    if ranges:
        con.executemany("INSERT INTO pull_rows VALUES (?, ?, ?, ?, ?, ?)",
                        [list(r) for r in ranges])
    for obj, day in batch.last_dates.items():
        before = state.last_date(con, obj)
        con.execute("DELETE FROM pull_objects WHERE object = ?", [obj])
        con.execute("INSERT INTO pull_objects VALUES (?, ?, ?)",
                    [obj, max(day, before) if before else day, pull_id])
    if derive_returned:
        _derive_returned(con, derive_returned)
    return removed


def _only_provenance(note: str) -> bool:
    prefix = "columns not used: "
    return note.startswith(prefix) and set(note[len(prefix):].split(", ")) <= set(PROVENANCE)


def _ranges(owners: list[tuple[str, str]], table: str, import_id: int
            ) -> list[tuple[str, str, str, int, int, int]]:
    """Consecutive rows of one item as one (first, last) `_line` range (Parquet row k is line
    k + 1)."""
    out: list[tuple[str, str, str, int, int, int]] = []
    start = 0
    for k in range(1, len(owners) + 1):
        if k == len(owners) or owners[k] != owners[start]:
            obj, key = owners[start]
            out.append((obj, key, table, import_id, start + 1, k))
            start = k
    return out


def _delete_keys(con: duckdb.DuckDBPyConnection, table: str,
                 keys: list[tuple[str, str]]) -> None:
    if not keys:
        return
    con.execute("CREATE OR REPLACE TEMP TABLE _pull_keys (object VARCHAR, ref_key VARCHAR)")
    con.executemany("INSERT INTO _pull_keys VALUES (?, ?)", [list(k) for k in keys])
    con.execute(f"DELETE FROM {table} WHERE EXISTS (SELECT 1 FROM _pull_keys k WHERE "
                f"k.object = {table}.object AND k.ref_key = {table}.ref_key)")
    con.execute("DROP TABLE _pull_keys")


def _remove_rows(con: duckdb.DuckDBPyConnection, gone: set[tuple[str, str]]) -> int:
    """Delete the rows the given items brought in earlier pulls, and their lineage."""
    if not gone:
        return 0
    con.execute("CREATE OR REPLACE TEMP TABLE _pull_gone (object VARCHAR, ref_key VARCHAR)")
    con.executemany("INSERT INTO _pull_gone VALUES (?, ?)", [list(k) for k in gone])
    removed = 0
    for table in LOAD_ORDER:
        found = con.execute(
            f"DELETE FROM {table} t WHERE EXISTS (SELECT 1 FROM pull_rows r JOIN _pull_gone g "
            f"ON r.object = g.object AND r.ref_key = g.ref_key WHERE r.table_name = ? AND "
            f"r.import_id = t._import_id AND t._line BETWEEN r.first_line AND r.last_line)",
            [table]).fetchone()
        removed += int(found[0]) if found else 0
    con.execute("DELETE FROM pull_rows WHERE EXISTS (SELECT 1 FROM _pull_gone g WHERE "
                "g.object = pull_rows.object AND g.ref_key = pull_rows.ref_key)")
    con.execute("DROP TABLE _pull_gone")
    return removed


def _derive_returned(con: duckdb.DuckDBPyConnection, returns_object: str) -> None:
    """`orders.returned` of pulled orders: a pulled return has a line of that order."""
    con.execute(
        "UPDATE orders SET returned = (order_id IN (SELECT s.order_id FROM sales s JOIN "
        "pull_rows r ON r.table_name = 'sales' AND r.object = ? AND s._import_id = r.import_id "
        "AND s._line BETWEEN r.first_line AND r.last_line WHERE s.order_id IS NOT NULL)) "
        "WHERE EXISTS (SELECT 1 FROM pull_rows r WHERE r.table_name = 'orders' AND "
        "r.import_id = orders._import_id AND orders._line BETWEEN r.first_line AND r.last_line)",
        [returns_object])
