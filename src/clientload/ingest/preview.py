"""What an import would do with a file, written nowhere: `clientload import … --preview` and the
web app's mapping screen.

The file is read and checked exactly as the import reads it (same staging, lookups, formats and
checks, on an in-memory DuckDB), and the preview reports how it was read (encoding, delimiter,
sheet), which header feeds each contract column and why, each column's number or date format, the
words of yes/no and code columns with how each is read, the first rows as they would be stored,
and how many rows would be loaded, collapsed and rejected, with the reasons grouped.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from clientload.ingest.load import check_files, fingerprint, read_mapping
from clientload.ingest.parsing import DATE_LABELS
from clientload.ingest.prepare import Prepared, prepare_file, word_sources
from clientload.ingest.synonyms import normalise_header
from clientload.ingest.words import distinct_words, read_word

if TYPE_CHECKING:
    import duckdb

    from clientload.ingest.mapping import Mapping
    from clientload.schema import Table

SAMPLE_ROWS = 10
REASON_KINDS = 10


@dataclass(frozen=True)
class ColumnChoice:
    """Where a contract column would come from: `how` is name, synonym, mapping, derived,
    constant or none; `detail` the expression, the constant or why none."""

    column: str
    required: bool
    header: str | None
    how: str
    detail: str = ""
    format: str = ""


@dataclass(frozen=True)
class Word:
    word: str
    rows: int
    reads_as: str | None  # "true", "false", a code, the word itself; None: not understood


@dataclass
class Preview:
    file: Path
    table: str
    encoding: str | None = None  # text files only
    delimiter: str | None = None
    sheet: str | None = None  # workbooks: the sheet read, and all sheets
    sheets: list[str] = field(default_factory=list)
    file_headers: list[str] = field(default_factory=list)
    headers: list[str] = field(default_factory=list)  # with the columns lookups bring
    columns: list[ColumnChoice] = field(default_factory=list)
    words: dict[str, list[Word]] = field(default_factory=dict)
    distinct_words: dict[str, int] = field(default_factory=dict)
    sample: list[dict[str, Any]] = field(default_factory=list)
    rows_read: int = 0
    rows_loaded: int = 0
    rows_collapsed: int = 0
    rows_rejected: int = 0
    reasons: list[tuple[str, int]] = field(default_factory=list)  # kind of reason, rows
    rejected: list[tuple[int, str]] = field(default_factory=list)  # first lines and reasons
    notes: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # required columns not found
    sha256: str = ""


def preview_file(
    file: Path,
    table: str,
    mapping: Path | None = None,
    sample_rows: int = SAMPLE_ROWS,
    **options: Any,
) -> Preview:
    """Read `file` as `import_files` would into `table`, write nothing, and say what it found.

    Raises ClientloadError where the import would (an unreadable file, a broken mapping); a
    missing required column is reported in `missing` instead.
    """
    import duckdb

    schema, plan = read_mapping(table, mapping, options)
    path = Path(file)
    check_files([path])
    scan = fingerprint(path, plan.options)
    con = duckdb.connect()
    try:
        con.execute("SET enable_progress_bar = false")
        with tempfile.TemporaryDirectory(prefix="clientload-preview-") as workdir:
            item = prepare_file(con, path, scan, schema, plan, Path(workdir), 0, require=False)
            return _describe(con, item, schema, plan, sample_rows)
    finally:
        con.close()


def _describe(
    con: duckdb.DuckDBPyConnection, item: Prepared, schema: Table, mapping: Mapping, limit: int
) -> Preview:
    assert item.staged is not None and item.joined is not None and item.plan is not None
    staged, joined, plan = item.staged, item.joined, item.plan
    found = Preview(item.path, schema.name, sheet=staged.sheet, sheets=staged.sheets,
                    file_headers=staged.headers, headers=joined.headers, rows_read=item.rows,
                    notes=item.notes, missing=plan.missing, sha256=item.scan.sha256)
    if staged.sheet is None and item.scan.encoding:
        found.encoding = mapping.options.get("encoding") or item.scan.encoding
        found.delimiter = staged.delimiter
    found.columns = _choices(item, schema, mapping)
    for target, text in word_sources(joined, schema, plan).items():
        words, distinct = distinct_words(con, joined.view, text)
        values = plan.values.get(target, {})
        found.words[target] = [
            Word(w, n, read_word(schema.name, target, w, values)) for w, n in words
        ]
        found.distinct_words[target] = distinct
    if item.checked:
        _outcome(con, item, schema, found, limit)
    else:
        found.sample = _raw_rows(con, item, limit)
    return found


def _choices(item: Prepared, schema: Table, mapping: Mapping) -> list[ColumnChoice]:
    assert item.plan is not None
    plan = item.plan
    derived = {d.target: d.text for d in plan.derived}
    choices = []
    for column in schema.columns:
        name, required = column.name, column.required
        fmt = _format(item, name)
        src = plan.sources.get(name)
        if name in derived:
            choices.append(ColumnChoice(name, required, None, "derived", derived[name], fmt))
        elif src is not None and src.position is None:
            choices.append(ColumnChoice(name, required, None, "constant", src.constant or ""))
        elif src is not None:
            header = plan_header(item, src.position)
            if name in mapping.columns:
                how = "mapping"
            else:
                same = normalise_header(header) == normalise_header(name)
                how = "name" if same else "synonym"
            detail = f"empty cells: {src.constant}" if src.constant is not None else ""
            choices.append(ColumnChoice(name, required, header, how, detail, fmt))
        else:
            why = ("left empty by the mapping" if name in mapping.unmapped
                   else "no header is this column's name or one of its synonyms")
            choices.append(ColumnChoice(name, required, None, "none", why))
    return choices


def plan_header(item: Prepared, position: int | None) -> str:
    assert item.joined is not None and position is not None
    return item.joined.headers[position]


def _format(item: Prepared, column: str) -> str:
    if column in item.numbers:
        return f"decimal {item.numbers[column].decimal!r}"
    if column in item.dates:
        return DATE_LABELS[item.dates[column].kind]
    return ""


def _outcome(
    con: duckdb.DuckDBPyConnection, item: Prepared, schema: Table, found: Preview, limit: int
) -> None:
    """Counts, grouped reasons, the first rejected lines and the first rows as stored."""
    checked = item.checked
    (rejected,) = con.execute(
        f"SELECT count(*) FROM {checked} WHERE _reason IS NOT NULL"
    ).fetchone()  # type: ignore[misc]
    found.rows_rejected = int(rejected)
    found.rows_collapsed = item.collapsed
    found.rows_loaded = item.rows - item.collapsed - found.rows_rejected
    # reasons grouped by kind: the values (in quotes) and line numbers masked
    kind = (
        "regexp_replace(regexp_replace(_reason, '''[^'']*''', '…', 'g'), "
        "'line [0-9]+', 'line N', 'g')"
    )
    found.reasons = [
        (str(k), int(n))
        for k, n in con.execute(
            f"SELECT {kind} AS k, count(*) AS n FROM {checked} WHERE _reason IS NOT NULL "
            f"GROUP BY k ORDER BY n DESC, k LIMIT {REASON_KINDS}"
        ).fetchall()
    ]
    found.rejected = [
        (int(line), str(reason))
        for line, reason in con.execute(
            f"SELECT _line, _reason FROM {checked} WHERE _reason IS NOT NULL "
            f"ORDER BY _line LIMIT {int(limit)}"
        ).fetchall()
    ]
    columns = ", ".join(schema.column_names)
    source = f"({item.straight_sql})" if item.straight_sql else checked
    cursor = con.execute(
        f"SELECT _line, {columns} FROM {source} WHERE _reason IS NULL ORDER BY _line "
        f"LIMIT {int(limit)}"
    )
    names = [d[0] for d in cursor.description or []]
    found.sample = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _raw_rows(con: duckdb.DuckDBPyConnection, item: Prepared, limit: int) -> list[dict[str, Any]]:
    """The file's first rows as read (no column plan to store them by)."""
    assert item.joined is not None
    joined = item.joined
    picks = ", ".join(f"c{i}" for i in range(len(joined.headers)))
    rows = con.execute(
        f"SELECT _line, {picks} FROM {joined.view} ORDER BY _line LIMIT {int(limit)}"
    ).fetchall()
    return [dict(zip(["_line", *joined.headers], row, strict=True)) for row in rows]
