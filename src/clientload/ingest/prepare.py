"""One file read and checked into a temporary table, nothing written to the store yet.

Stage the file, join its lookups, decide each column's format, parse and check every row in SQL;
for a reference table fold identical repeats of a key and reject the disagreeing ones. The import
then loads the result inside its transaction; the preview only looks at it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from clientload.errors import ClientloadError
from clientload.ingest.checks import (
    DATE_TARGETS,
    NUMERIC_TARGETS,
    SourceText,
    checked_select,
    exclusion_reasons,
    source_text,
)
from clientload.ingest.columns import ColumnPlan, plan_columns
from clientload.ingest.lookups import Joined, join_lookups
from clientload.ingest.mapping import Mapping
from clientload.ingest.parsing import (
    DateFormat,
    NumberFormat,
    decide_date_formats,
    decide_number_formats,
)
from clientload.ingest.readers import PARQUET_SUFFIXES, Staged, drop_staged, stage_file
from clientload.ingest.repeats import collapse_repeats
from clientload.ingest.sniff import FileScan
from clientload.ingest.words import (
    distinct_words,
    is_strict,
    unknown_words_hint,
    unread_words,
    word_kind,
)
from clientload.progress import ProgressFn, no_progress
from clientload.schema import Table

if TYPE_CHECKING:
    import duckdb


@dataclass
class Prepared:
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
    collapsed: int = 0  # identical repeats of a reference key, removed from `checked`
    replaces: list[int] = field(default_factory=list)  # earlier imports this one replaces
    # what the preview shows: how the file was read and each column's source and format
    staged: Staged | None = None
    joined: Joined | None = None
    plan: ColumnPlan | None = None
    numbers: dict[str, NumberFormat] = field(default_factory=dict)
    dates: dict[str, DateFormat] = field(default_factory=dict)

    def drop(self, con: duckdb.DuckDBPyConnection) -> None:
        """Remove every temporary table and view of this file."""
        if self.checked:
            con.execute(f"DROP TABLE IF EXISTS {self.checked}")
        for kind, extra in reversed(self.cleanup):
            con.execute(f"DROP {kind} IF EXISTS {extra}")
        drop_staged(con, self.staged_view)


def prepare_file(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    scan: FileScan,
    schema: Table,
    mapping: Mapping,
    workdir: Path,
    k: int,
    report: ProgressFn = no_progress,
    require: bool = True,
) -> Prepared:
    """Stage the file, join its lookups, decide formats and check every row into a temp table.

    `require=False` (the preview): a required column that is missing leaves the file staged and
    unchecked (`checked` empty, `plan.missing` naming it) instead of stopping.
    """
    stage = f"import {path.name}"
    name = f"_clientload_in{k}"
    staged = stage_file(con, path, name, mapping.options, workdir, scan)
    report(stage, 1, 4)
    joined = join_lookups(con, name, staged.headers, staged.types, mapping, path, workdir)
    excluded = exclusion_reasons(joined.headers, joined.types, mapping, path)
    # a column that [exclude] reads can still be matched to a contract column
    try:
        plan = plan_columns(schema, joined.headers, mapping, path, joined.used, set(excluded),
                            joined.keys, require)
    except ClientloadError as exc:
        if len(staged.sheets) < 2:
            raise
        raise ClientloadError(
            f"{exc}; sheet {staged.sheet!r} was read, the workbook's sheets: "
            f"{', '.join(staged.sheets)} (choose one with --sheet or [options] sheet)"
        ) from exc
    notes = [*staged.notes, *joined.notes, *plan.notes]
    prepared = Prepared(path, scan, name, staged.headers, "", staged.rows, notes, joined.cleanup,
                        staged=staged, joined=joined, plan=plan)
    if plan.missing:
        return prepared
    texts = source_text(plan, joined.types)
    labels = {key: plan.sources[key].label if key in plan.sources else key[3:] for key in texts}
    numbers, dates = _formats(con, joined, schema, texts, labels, mapping, staged, notes)
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
    prepared.checked, prepared.numbers, prepared.dates = checked, numbers, dates
    prepared.straight_sql = sql if straight else ""
    if schema.key:
        column_labels = {t: s.label for t, s in plan.sources.items()}
        prepared.collapsed, found = collapse_repeats(con, checked, schema, column_labels)
        notes += found
    notes += word_hints(con, joined, schema, plan)
    report(stage, 2, 4)
    return prepared


def _formats(
    con: duckdb.DuckDBPyConnection,
    joined: Joined,
    schema: Table,
    texts: dict[str, SourceText],
    labels: dict[str, str],
    mapping: Mapping,
    staged: Staged,
    notes: list[str],
) -> tuple[dict[str, NumberFormat], dict[str, DateFormat]]:
    """Each text column's decimal mark and date layout: the mapping's, else decided from it."""

    def wanted(kinds: set[str]) -> dict[str, str]:
        return {
            key: t.sql
            for key, t in texts.items()
            if t.type == "VARCHAR"
            and ("DOUBLE" if key.startswith("op:") else schema.column(key).type) in kinds
        }

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
    return numbers, dates


def word_sources(joined: Joined, schema: Table, plan: ColumnPlan) -> dict[str, str]:
    """Yes/no and code columns fed by a text column of the file: contract name → its text SQL."""
    return {
        target: f"NULLIF(trim(c{src.position}), '')"
        for target, src in plan.sources.items()
        if src.position is not None and joined.types[src.position] == "VARCHAR"
        and word_kind(schema.name, target) is not None
    }


def word_hints(
    con: duckdb.DuckDBPyConnection, joined: Joined, schema: Table, plan: ColumnPlan
) -> list[str]:
    """A note for each yes/no or strict code column holding words it cannot read."""
    hints = []
    for target, text in word_sources(joined, schema, plan).items():
        if not is_strict(schema.name, target):
            continue
        words, distinct = distinct_words(con, joined.view, text)
        unread = unread_words(schema.name, target, words, plan.values.get(target, {}))
        if unread:
            more = distinct - len(words)
            hints.append(unknown_words_hint(schema.name, target, plan.sources[target].label,
                                            unread, more))
    return hints
