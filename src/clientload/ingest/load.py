"""`import_files`: files into one of the contract's tables, as one transaction, nothing lost.

For each file: fingerprint (a file already imported into the same table is skipped, unless
`replace`), then `prepare.prepare_file` stages and checks it; inside the transaction the rows an
earlier import of the file brought are removed (`replace`), reference rows with the same key are
replaced, the good rows appended and the import logged. Bad rows go to
`rejects/<table>-<timestamp>.csv` with their original columns and a reason. The rejects file is
moved into place only after the commit. A file that loaded no row is logged but does not count as
imported: the corrected retry is not skipped.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from clientload.errors import ClientloadError
from clientload.ingest.mapping import Mapping, check_options, load_mapping
from clientload.ingest.parsing import lit
from clientload.ingest.prepare import Prepared, prepare_file
from clientload.ingest.readers import EXCEL_SUFFIXES, PARQUET_SUFFIXES, quote_ident
from clientload.ingest.sniff import FileScan, file_sha256, scan_file
from clientload.progress import ProgressFn, no_progress
from clientload.schema import TABLES, Table

if TYPE_CHECKING:
    import duckdb

    from clientload.workspace import Workspace


@dataclass
class ImportResult:
    """What an import did; `rows_read == rows_loaded + rows_collapsed + rows_rejected` always.

    `rows_collapsed`: identical repeats of a reference key within a file, folded into one row.
    `rows_replaced`: stored rows this import took the place of (same key, or `replace`).
    """

    table: str
    files: list[Path] = field(default_factory=list)
    rows_read: int = 0
    rows_loaded: int = 0
    rows_rejected: int = 0
    rows_replaced: int = 0
    skipped_files: list[tuple[Path, str]] = field(default_factory=list)
    rejects_path: Path | None = None
    notes: list[str] = field(default_factory=list)
    import_ids: list[int] = field(default_factory=list)
    # Inside a caller's transaction: the rejects file, written under a hidden name, that the
    # caller moves to `rejects_path` after its commit (or deletes after a rollback).
    rejects_pending: Path | None = None
    rows_collapsed: int = 0


def read_mapping(
    table: str, mapping: Path | None, options: dict[str, Any]
) -> tuple[Table, Mapping]:
    """The table's schema and the mapping (the file's, or just the given reading options)."""
    if table not in TABLES:
        raise ClientloadError(f"unknown table {table!r}; expected one of {', '.join(TABLES)}")
    schema = TABLES[table]
    given = {k: v for k, v in options.items() if v is not None}
    overrides = check_options(given)
    if mapping:
        # the options as given: the mapping checks them again with its own [options]
        return schema, load_mapping(Path(mapping), schema.column_names, given, table)
    return schema, Mapping(options=overrides)


def check_files(paths: list[Path]) -> None:
    for path in paths:
        if not path.is_file():
            what = "is a folder; name the files in it" if path.is_dir() else "file not found"
            raise ClientloadError(f"{path}: {what}")


def import_files(
    ws: Workspace,
    files: list[Path],
    table: str,
    mapping: Path | None = None,
    progress: ProgressFn | None = None,
    origins: dict[Path, str] | None = None,
    connection: duckdb.DuckDBPyConnection | None = None,
    replace: bool = False,
    **options: Any,
) -> ImportResult:
    """Import `files` into `table` of the workspace's store; see docs/data.md.

    `options` are reading overrides (delimiter, encoding, decimal, date_format, sheet, skip_rows)
    and win over the mapping file's `[options]`. `origins` names where a file came from when its
    path says nothing (a web upload's temporary copy); the `imports` table keeps that instead.
    `replace`: a file imported before (same content, or the same file and sheet changed since)
    is imported again and the rows its earlier import brought are removed, in one transaction.
    Raises ClientloadError, leaving the store as it was, when a file cannot be used at all
    (missing required column, unreadable file).

    `connection`: a store connection inside the caller's open transaction (`clientload pull`
    loads several tables and its own state as one); the caller commits or rolls back, then moves
    `rejects_pending` into place.
    """
    schema, plan = read_mapping(table, mapping, options)
    paths = [Path(f) for f in files]
    check_files(paths)
    import duckdb

    if connection is not None:
        with tempfile.TemporaryDirectory(prefix="clientload-import-") as workdir:
            return _import(connection, ws, paths, schema, plan, progress or no_progress,
                           Path(workdir), origins or {}, replace, own_transaction=False)

    try:
        con = ws.connect()
    except duckdb.IOException as exc:
        raise ClientloadError(
            f"{ws.store_path}: cannot open the store ({str(exc).splitlines()[0]}); "
            "is another clientload command or `clientload serve` using it?"
        ) from exc
    try:
        # DuckDB's own progress bar would print over the caller's (and into captured output).
        con.execute("SET enable_progress_bar = false")
        with tempfile.TemporaryDirectory(prefix="clientload-import-") as workdir:
            return _import(con, ws, paths, schema, plan, progress or no_progress, Path(workdir),
                           origins or {}, replace)
    finally:
        con.close()


def fingerprint(path: Path, options: dict[str, Any]) -> FileScan:
    """The file's sha256 (for a workbook read by sheet, with the sheet: each sheet is its own
    import); for text files also its encoding and line count, in the same pass."""
    from dataclasses import replace as changed

    suffix = path.suffix.lower()
    if suffix in PARQUET_SUFFIXES | EXCEL_SUFFIXES:
        scan = FileScan(file_sha256(path), "", 0, False, path.stat().st_size)
    else:
        scan = scan_file(path)
    if "sheet" in options and suffix in EXCEL_SUFFIXES:
        scan = changed(scan, sha256=f"{scan.sha256}:{options['sheet']}")
    return scan


# An import counts as done when it loaded rows and no later import replaced it.
_LIVE = "table_name = ? AND rows_loaded > 0 AND replaced_by IS NULL"


def imported_before(con: duckdb.DuckDBPyConnection, table: str) -> dict[str, str]:
    """sha256 → where it came from, of every file that counts as imported into `table`."""
    rows = con.execute(
        f"SELECT sha256, file FROM imports WHERE {_LIVE} ORDER BY import_id", [table]
    ).fetchall()
    return {sha: file for sha, file in rows}


def earlier_imports(
    con: duckdb.DuckDBPyConnection, table: str, sha256: str, origin: str
) -> list[int]:
    """The imports `replace` takes the place of: the same content, or the same file (and sheet)
    whose content has changed since."""
    sheet = sha256[64:]  # "" or ":sheet"
    rows = con.execute(
        f"SELECT import_id FROM imports WHERE {_LIVE} AND (sha256 = ? OR "
        "(file = ? AND substr(sha256, 65) = ?)) ORDER BY import_id",
        [table, sha256, origin, sheet],
    ).fetchall()
    return [int(r[0]) for r in rows]


def _import(
    con: duckdb.DuckDBPyConnection,
    ws: Workspace,
    paths: list[Path],
    schema: Table,
    mapping: Mapping,
    report: ProgressFn,
    workdir: Path,
    origins: dict[Path, str],
    replace: bool = False,
    own_transaction: bool = True,
) -> ImportResult:
    """Stage and check every file first (reading can fail and abort a transaction), then load
    all of them in one transaction (the caller's, when not `own_transaction`)."""
    result = ImportResult(schema.name)
    done = imported_before(con, schema.name)
    prepared: list[Prepared] = []
    for k, path in enumerate(paths):
        report(f"import {path.name}", 0, 4)
        scan = fingerprint(path, mapping.options)
        origin = origins.get(path, str(path.resolve()))
        seen = done.get(scan.sha256)
        if seen is not None and (not replace or seen == _THIS_COMMAND):
            why = f"already imported into {schema.name} (same content as {seen})"
            if seen == _THIS_COMMAND:
                why = f"the same content as another file of this import into {schema.name}"
            else:
                why += "; to import it again in place of the rows it brought, add --replace"
            result.skipped_files.append((path, why))
            report(f"import {path.name}", 4, 4)
            continue
        done[scan.sha256] = _THIS_COMMAND
        item = prepare_file(con, path, scan, schema, mapping, workdir, k, report)
        if replace:
            item.replaces = earlier_imports(con, schema.name, scan.sha256, origin)
        prepared.append(item)

    stamp = dt.datetime.now()
    rejects_tables: list[str] = []
    if own_transaction:
        con.execute("BEGIN TRANSACTION")
    try:
        for item in prepared:
            if _load_and_log(con, item, schema, stamp, origins, result, len(paths) > 1):
                rejects_tables.append(_rejects_table(con, item))
            item.drop(con)
            report(f"import {item.path.name}", 4, 4)
        partial = _write_rejects(con, ws, schema.name, stamp, rejects_tables)
        if own_transaction:
            con.execute("COMMIT")
    except BaseException:
        if own_transaction:
            con.execute("ROLLBACK")
        raise
    if partial is not None:
        final = partial.name.removeprefix(".").removesuffix(".partial")
        result.rejects_path = partial.with_name(final)
        if own_transaction:
            partial.replace(result.rejects_path)
        else:
            result.rejects_pending = partial
    return result


_THIS_COMMAND = "\0this import"
def _load_and_log(
    con: duckdb.DuckDBPyConnection,
    item: Prepared,
    schema: Table,
    stamp: dt.datetime,
    origins: dict[Path, str],
    result: ImportResult,
    several: bool,
) -> int:
    """Inside the transaction: one file's rows into the store and its row in `imports`, the
    result's counts and notes updated; the number of rows rejected."""
    import_id = con.execute(
        "SELECT coalesce(max(import_id), 0) + 1 FROM imports"
    ).fetchone()[0]  # type: ignore[index]
    notes = list(item.notes)
    removed = 0
    if item.replaces:
        ids = ", ".join(str(int(i)) for i in item.replaces)
        removed = con.execute(
            f"DELETE FROM {schema.name} WHERE _import_id IN ({ids})"
        ).fetchone()[0]  # type: ignore[index]
        con.execute(f"UPDATE imports SET replaced_by = ? WHERE import_id IN ({ids})", [import_id])
        earlier = "import " if len(item.replaces) == 1 else "imports "
        notes.append(f"replaces {earlier}{ids} of this file: {removed:,} rows it brought removed")
    loaded, rejected, replaced = _load(con, item, schema, import_id)
    if loaded == 0 and item.rows:
        notes.append("nothing loaded: the file does not count as imported and can be imported "
                     "again once the mapping is corrected")
    con.execute(
        "INSERT INTO imports (import_id, table_name, file, sha256, imported_at, rows_read, "
        "rows_loaded, rows_rejected, rows_replaced, notes, rows_collapsed) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [import_id, schema.name, origins.get(item.path, str(item.path.resolve())),
         item.scan.sha256, stamp, item.rows, loaded, rejected, replaced + removed,
         "\n".join(notes), item.collapsed],
    )
    result.files.append(item.path)
    result.import_ids.append(import_id)
    result.rows_read += item.rows
    result.rows_loaded += loaded
    result.rows_rejected += rejected
    result.rows_collapsed += item.collapsed
    result.rows_replaced += replaced + removed
    prefix = f"{item.path.name}: " if several else ""
    result.notes += [prefix + n for n in notes]
    return rejected


def _load(
    con: duckdb.DuckDBPyConnection, item: Prepared, schema: Table, import_id: int
) -> tuple[int, int, int]:
    """Replace same-key reference rows, append the good rows; loaded, rejected, replaced."""
    checked = item.checked
    replaced = 0
    if schema.key:
        match = " AND ".join(f"t.{c} = n.{c}" for c in schema.key)
        replaced = con.execute(
            f"DELETE FROM {schema.name} t WHERE EXISTS "
            f"(SELECT 1 FROM {checked} n WHERE n._reason IS NULL AND {match})"
        ).fetchone()[0]  # type: ignore[index]
    columns = ", ".join(schema.column_names)
    if item.straight_sql:
        good = (
            f"SELECT {columns}, _line FROM ({item.straight_sql}) AS s "
            f"WHERE NOT EXISTS (SELECT 1 FROM {checked} AS r WHERE r._line = s._line)"
        )
    else:
        good = f"SELECT {columns}, _line FROM {checked} WHERE _reason IS NULL ORDER BY _line"
    inserted = con.execute(
        f"INSERT INTO {schema.name} ({columns}, _import_id, _line) "
        f"SELECT {columns}, {int(import_id)}, _line FROM ({good})"
    ).fetchone()
    loaded = int(inserted[0]) if inserted else 0
    counted = con.execute(f"SELECT count(*) FROM {checked} WHERE _reason IS NOT NULL").fetchone()
    rejected = int(counted[0]) if counted else 0
    if loaded + item.collapsed + rejected != item.rows:
        raise RuntimeError(
            f"{item.path}: {item.rows} rows read but {loaded} + {item.collapsed} + {rejected} "
            "counted"
        )
    return loaded, rejected, replaced


def _rejects_table(con: duckdb.DuckDBPyConnection, item: Prepared) -> str:
    """The rejected rows with their original columns and the reason, in file order."""
    table = f"{item.staged_view}_rej"
    unit = "row" if item.path.suffix.lower() in {".parquet", ".pq"} else "line"
    originals = [
        f"CAST(s.c{i} AS VARCHAR) AS {quote_ident(h if h != 'reason' else 'reason (original)')}"
        for i, h in enumerate(item.headers)
    ]
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {table} AS SELECT {', '.join(originals)}, "
        f"{lit(f'{item.path.name} {unit} ')} || c._line || ': ' || c._reason AS reason "
        f"FROM {item.staged_view} s JOIN {item.checked} c ON s._line = c._line "
        f"WHERE c._reason IS NOT NULL ORDER BY c._line"
    )
    return table


def _write_rejects(
    con: duckdb.DuckDBPyConnection,
    ws: Workspace,
    table: str,
    stamp: dt.datetime,
    tables: list[str],
) -> Path | None:
    """All files' rejects in one CSV under a hidden name; the caller renames it after commit."""
    if not tables:
        return None
    ws.rejects_dir.mkdir(parents=True, exist_ok=True)
    base = f"{table}-{stamp:%Y%m%d-%H%M%S}"
    name, n = base, 1
    while (ws.rejects_dir / f"{name}.csv").exists():
        n += 1
        name = f"{base}-{n}"
    partial = ws.rejects_dir / f".{name}.csv.partial"
    union = " UNION ALL BY NAME ".join(f"SELECT * FROM {t}" for t in tables)
    ordered = f"SELECT * EXCLUDE (reason), reason FROM ({union})"
    con.execute(f"COPY ({ordered}) TO {lit(str(partial))} (FORMAT csv, HEADER true)")
    for t in tables:
        con.execute(f"DROP TABLE IF EXISTS {t}")
    return partial
