"""`import_files`: files into one of the contract's tables, as one transaction, nothing lost.

For each file: fingerprint (a file already imported into the same table is skipped), stage it in
DuckDB, join lookups, decide each column's format, parse and check every row in SQL, then, inside
the transaction, replace reference rows with the same key, append the good rows and log the
import. Bad rows go to `rejects/<table>-<timestamp>.csv` with their original columns and a reason.
The rejects file is moved into place only after the commit.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from clientload.errors import ClientloadError
from clientload.ingest.checks import (
    DATE_TARGETS,
    NUMERIC_TARGETS,
    checked_select,
    exclusion_reasons,
    source_text,
)
from clientload.ingest.columns import plan_columns
from clientload.ingest.lookups import join_lookups
from clientload.ingest.mapping import Mapping, check_options, load_mapping
from clientload.ingest.parsing import (
    DateFormat,
    NumberFormat,
    decide_date_formats,
    decide_number_formats,
    lit,
)
from clientload.ingest.readers import (
    EXCEL_SUFFIXES,
    PARQUET_SUFFIXES,
    drop_staged,
    quote_ident,
    stage_file,
)
from clientload.ingest.sniff import FileScan, file_sha256, scan_file
from clientload.progress import ProgressFn, no_progress
from clientload.schema import TABLES, Table

if TYPE_CHECKING:
    import duckdb

    from clientload.workspace import Workspace


@dataclass
class ImportResult:
    """What an import did; `rows_read == rows_loaded + rows_rejected` always."""

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


@dataclass
class _Prepared:
    """A file parsed and checked into a temporary table, not yet in the store."""

    path: Path
    scan: FileScan
    staged_view: str
    headers: list[str]
    checked: str
    rows: int
    notes: list[str]
    cleanup: list[tuple[str, str]] = field(default_factory=list)
    straight_sql: str = ""  # set when the good rows load straight from the check query


def import_files(
    ws: Workspace,
    files: list[Path],
    table: str,
    mapping: Path | None = None,
    progress: ProgressFn | None = None,
    origins: dict[Path, str] | None = None,
    connection: duckdb.DuckDBPyConnection | None = None,
    **options: Any,
) -> ImportResult:
    """Import `files` into `table` of the workspace's store; see docs/data.md.

    `options` are reading overrides (delimiter, encoding, decimal, date_format, sheet, skip_rows)
    and win over the mapping file's `[options]`. `origins` names where a file came from when its
    path says nothing (a web upload's temporary copy); the `imports` table keeps that instead.
    Raises ClientloadError, leaving the store as it was, when a file cannot be used at all
    (missing required column, unreadable file).

    `connection`: a store connection inside the caller's open transaction (`clientload pull`
    loads several tables and its own state as one); the caller commits or rolls back, then moves
    `rejects_pending` into place.
    """
    if table not in TABLES:
        raise ClientloadError(f"unknown table {table!r}; expected one of {', '.join(TABLES)}")
    schema = TABLES[table]
    paths = [Path(f) for f in files]
    for path in paths:
        if not path.is_file():
            what = "is a folder; name the files in it" if path.is_dir() else "file not found"
            raise ClientloadError(f"{path}: {what}")
    given = {k: v for k, v in options.items() if v is not None}
    overrides = check_options(given)
    plan = (
        # the options as given: the mapping checks them again with its own [options]
        load_mapping(Path(mapping), schema.column_names, given)
        if mapping
        else Mapping(options=overrides)
    )
    import duckdb

    if connection is not None:
        with tempfile.TemporaryDirectory(prefix="clientload-import-") as workdir:
            return _import(connection, ws, paths, schema, plan, progress or no_progress,
                           Path(workdir), origins or {}, own_transaction=False)
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
                           origins or {})
    finally:
        con.close()


def _fingerprint(path: Path) -> FileScan:
    """The file's sha256; for text files also its encoding and line count, in the same pass."""
    if path.suffix.lower() in PARQUET_SUFFIXES | EXCEL_SUFFIXES:
        return FileScan(file_sha256(path), "", 0, False, path.stat().st_size)
    return scan_file(path)


def _import(
    con: duckdb.DuckDBPyConnection,
    ws: Workspace,
    paths: list[Path],
    schema: Table,
    mapping: Mapping,
    report: ProgressFn,
    workdir: Path,
    origins: dict[Path, str],
    own_transaction: bool = True,
) -> ImportResult:
    """Stage and check every file first (reading can fail and abort a transaction), then load
    all of them in one transaction (the caller's, when not `own_transaction`)."""
    result = ImportResult(schema.name)
    done = {
        row[0]: row[1]
        for row in con.execute(
            "SELECT sha256, file FROM imports WHERE table_name = ?", [schema.name]
        ).fetchall()
    }
    prepared: list[_Prepared] = []
    for k, path in enumerate(paths):
        report(f"import {path.name}", 0, 4)
        scan = _fingerprint(path)
        if "sheet" in mapping.options and path.suffix.lower() in EXCEL_SUFFIXES:
            # Each sheet of a workbook is its own import: fingerprint the content and the sheet.
            scan = replace(scan, sha256=f"{scan.sha256}:{mapping.options['sheet']}")
        if scan.sha256 in done:
            why = f"already imported into {schema.name} (same content as {done[scan.sha256]})"
            result.skipped_files.append((path, why))
            report(f"import {path.name}", 4, 4)
            continue
        done[scan.sha256] = origins.get(path, str(path))
        prepared.append(_prepare(con, path, scan, schema, mapping, workdir, k, report))

    stamp = dt.datetime.now()
    rejects_tables: list[str] = []
    if own_transaction:
        con.execute("BEGIN TRANSACTION")
    try:
        for item in prepared:
            import_id = con.execute(
                "SELECT coalesce(max(import_id), 0) + 1 FROM imports"
            ).fetchone()[0]  # type: ignore[index]
            loaded, rejected, replaced = _load(con, item, schema, import_id)
            con.execute(
                "INSERT INTO imports VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [import_id, schema.name, origins.get(item.path, str(item.path.resolve())),
                 item.scan.sha256, stamp,
                 item.rows, loaded, rejected, replaced, "\n".join(item.notes)],
            )
            result.files.append(item.path)
            result.import_ids.append(import_id)
            result.rows_read += item.rows
            result.rows_loaded += loaded
            result.rows_rejected += rejected
            result.rows_replaced += replaced
            prefix = f"{item.path.name}: " if len(paths) > 1 else ""
            result.notes += [prefix + n for n in item.notes]
            if rejected:
                rejects_tables.append(_rejects_table(con, item))
            con.execute(f"DROP TABLE IF EXISTS {item.checked}")
            for kind, extra in reversed(item.cleanup):
                con.execute(f"DROP {kind} IF EXISTS {extra}")
            drop_staged(con, item.staged_view)
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


def _prepare(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    scan: FileScan,
    schema: Table,
    mapping: Mapping,
    workdir: Path,
    k: int,
    report: ProgressFn,
) -> _Prepared:
    """Stage the file, join its lookups, decide formats and check every row into a temp table."""
    stage = f"import {path.name}"
    name = f"_clientload_in{k}"
    staged = stage_file(con, path, name, mapping.options, workdir, scan)
    report(stage, 1, 4)
    joined = join_lookups(con, name, staged.headers, staged.types, mapping, path, workdir)
    excluded = exclusion_reasons(joined.headers, joined.types, mapping, path)
    # a column that [exclude] reads can still be matched to a contract column
    plan = plan_columns(schema, joined.headers, mapping, path, joined.used, set(excluded))
    texts = source_text(plan, joined.types)
    labels = {key: plan.sources[key].label if key in plan.sources else key[3:] for key in texts}

    def wanted(kinds: set[str]) -> dict[str, str]:
        return {
            key: t.sql
            for key, t in texts.items()
            if t.type == "VARCHAR"
            and ("DOUBLE" if key.startswith("op:") else schema.column(key).type) in kinds
        }

    notes = [*staged.notes, *joined.notes, *plan.notes]
    options = mapping.options
    if "decimal" in options:
        numbers = {key: NumberFormat(options["decimal"]) for key in wanted(NUMERIC_TARGETS)}
    else:
        default = "," if staged.delimiter == ";" else "."
        numbers, found = decide_number_formats(
            con, joined.view, wanted(NUMERIC_TARGETS), labels, default
        )
        notes += found
    if "date_format" in options:
        dates = {key: DateFormat(options["date_format"]) for key in wanted(DATE_TARGETS)}
    else:
        dates, found = decide_date_formats(con, joined.view, wanted(DATE_TARGETS), labels)
        notes += found
    checked = f"{name}_chk"
    sql = checked_select(
        joined.view, schema, plan, joined.types, numbers, dates,
        [*joined.reasons, *excluded.values()],
    )
    straight = not schema.key and path.suffix.lower() in PARQUET_SUFFIXES
    if straight:
        # Parquet is typed and cheap to read twice: keep only the rejected lines aside and load
        # the good rows straight from the query (half the memory, less CPU).
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {checked} AS SELECT _line, _reason FROM ({sql}) "
            "WHERE _reason IS NOT NULL"
        )
    else:
        # Parsing text is the costly part, so it runs once into a temporary table; every row
        # carries its `_line`, so the order rows are stored in does not matter here.
        con.execute("SET preserve_insertion_order = false")
        try:
            con.execute(f"CREATE OR REPLACE TEMP TABLE {checked} AS {sql}")
        finally:
            con.execute("RESET preserve_insertion_order")
    report(stage, 2, 4)
    return _Prepared(
        path, scan, name, staged.headers, checked, staged.rows, notes, joined.cleanup,
        sql if straight else "",
    )


def _load(
    con: duckdb.DuckDBPyConnection, item: _Prepared, schema: Table, import_id: int
) -> tuple[int, int, int]:
    """Inside the transaction: replace same-key reference rows, append the good rows."""
    checked = item.checked
    replaced = 0
    if schema.key:
        _reject_repeated_keys(con, checked, schema)
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
    if loaded + rejected != item.rows:
        raise RuntimeError(f"{item.path}: {item.rows} rows read but {loaded} + {rejected} counted")
    return loaded, rejected, replaced


def _rejects_table(con: duckdb.DuckDBPyConnection, item: _Prepared) -> str:
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


def _reject_repeated_keys(con: duckdb.DuckDBPyConnection, checked: str, schema: Table) -> None:
    """A key repeated within one file: the last line wins, the earlier lines are rejected."""
    keys = ", ".join(schema.key)
    shown = " || '/' || ".join(f"CAST({c} AS VARCHAR)" for c in schema.key)
    label = "/".join(schema.key)
    con.execute(
        f"UPDATE {checked} SET _reason = {lit(label + ' ')} || '''' || d.shown || '''' || "
        f"' appears again on line ' || d.next_line || '; the later line is kept' "
        f"FROM (SELECT _line AS line, {shown} AS shown, "
        f"lead(_line) OVER (PARTITION BY {keys} ORDER BY _line) AS next_line "
        f"FROM {checked} WHERE _reason IS NULL) d "
        f"WHERE {checked}._line = d.line AND d.next_line IS NOT NULL"
    )


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
