"""Joining columns from another file by key (`[lookup.NAME]` in a mapping file).

Order lines often carry only an order number; the client and the date live in the orders file
(or another sheet of the same workbook). A lookup stages that file or sheet, keeps its first row
per key, and LEFT JOINs it to the data, so no data row is lost or repeated. A row whose key is not
in the lookup is rejected with a reason that names the key, its value and the file, unless the
lookup says `required = false` (a Returns sheet lists only the orders that came back): then the
row stays, the brought columns empty, and a note counts such rows. The key column stays a column
of the data like any other: `[columns]` and the synonyms may use it too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from clientload.errors import ClientloadError
from clientload.ingest.checks import clean_id_sql
from clientload.ingest.columns import find_header
from clientload.ingest.mapping import Lookup, Mapping, resolve_lookup_file
from clientload.ingest.parsing import lit
from clientload.ingest.readers import EXCEL_SUFFIXES, Staged, stage_file

if TYPE_CHECKING:
    import duckdb


@dataclass
class Joined:
    view: str
    headers: list[str]
    types: list[str]
    reasons: list[str] = field(default_factory=list)
    used: set[int] = field(default_factory=set)  # kept for callers; lookups take no column
    keys: set[int] = field(default_factory=set)  # the data columns lookups join on
    notes: list[str] = field(default_factory=list)
    cleanup: list[tuple[str, str]] = field(default_factory=list)  # (VIEW|TABLE, name)


def _key_text(column: str, duck_type: str) -> str:
    if duck_type == "VARCHAR":
        return f"NULLIF(trim({column}), '')"
    return clean_id_sql(column, duck_type)


def join_lookups(
    con: duckdb.DuckDBPyConnection,
    view: str,
    headers: list[str],
    types: list[str],
    mapping: Mapping,
    data_file: Path,
    workdir: Path,
) -> Joined:
    """The staged view with every lookup's columns appended as further `c{n}` columns."""
    joined = Joined(view, list(headers), list(types))
    mapping_dir = mapping.path.parent if mapping.path else None
    for j, lookup in enumerate(mapping.lookups):
        where = f"mapping {mapping.path} [lookup.{lookup.name}]"
        path = resolve_lookup_file(lookup, mapping_dir, data_file)
        if lookup.sheet is not None and path.suffix.lower() not in EXCEL_SUFFIXES:
            raise ClientloadError(
                f"{where}: sheet = {lookup.sheet!r} is for workbooks; {path.name} is not one"
            )
        name = f"{view}_l{j}"
        options = {} if lookup.sheet is None else {"sheet": lookup.sheet}
        try:
            staged = stage_file(con, path, name, options, workdir)
        except ClientloadError as exc:
            raise ClientloadError(f"{where}: {exc}") from exc
        joined.cleanup += [("VIEW", name), ("TABLE", f"{name}_raw")]
        shown = _shown(path, staged)
        key = find_header(joined.headers, lookup.key)
        if key is None:
            raise ClientloadError(
                f"{where}: key {lookup.key!r} is not a column of {data_file.name}; "
                f"columns: {', '.join(joined.headers)}"
            )
        brought = [
            (_lookup_column(staged, column, shown, where), lookup.prefix + column)
            for column in lookup.columns
        ]
        on = _lookup_column(staged, lookup.on, shown, where)
        for _, new_name in brought:
            if new_name in joined.headers:
                raise ClientloadError(
                    f"{where}: {shown} column {new_name!r} clashes with a column of "
                    f"{data_file.name}; set prefix = \"{lookup.name}.\" and use "
                    f"{lookup.name}.{new_name}"
                )
        joined.keys.add(key)
        _join(con, joined, f"{view}_j{j}", name, staged, (on, key), brought, lookup, shown)
    return joined


def _shown(path: Path, staged: Staged) -> str:
    """How messages name a lookup: the file, and for a workbook of several sheets the sheet."""
    if staged.sheet is not None and len(staged.sheets) > 1:
        return f"{path.name} sheet {staged.sheet!r}"
    return path.name


def _lookup_column(staged: Staged, column: str, shown: str, where: str) -> int:
    position = find_header(staged.headers, column)
    if position is None:
        others = ""
        if len(staged.sheets) > 1:
            others = (f"; the workbook's sheets: {', '.join(staged.sheets)} — "
                      "name the one to read with sheet = \"…\"")
        raise ClientloadError(
            f"{where}: column {column!r} not found in {shown}; "
            f"columns: {', '.join(staged.headers)}{others}"
        )
    return position


def _join(
    con: duckdb.DuckDBPyConnection,
    joined: Joined,
    new_view: str,
    name: str,
    staged: Staged,
    on_key: tuple[int, int],
    brought: list[tuple[int, str]],
    lookup: Lookup,
    shown: str,
) -> None:
    """LEFT JOIN the lookup's first row per key; a required lookup's misses become reasons."""
    on, key = on_key
    on_text = _key_text(f"c{on}", staged.types[on])
    picks = ", ".join(f"c{p} AS _b{i}" for i, (p, _) in enumerate(brought))
    distinct = f"{name}_keys"
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {distinct} AS SELECT {on_text} AS _k, {picks} "
        f"FROM {name} WHERE {on_text} IS NOT NULL "
        f"QUALIFY row_number() OVER (PARTITION BY {on_text} ORDER BY _line) = 1"
    )
    joined.cleanup.append(("TABLE", distinct))
    kept = con.execute(f"SELECT count(*) FROM {distinct}").fetchone()[0]  # type: ignore[index]
    if kept < staged.rows:
        joined.notes.append(
            f"lookup {lookup.name}: {staged.rows - kept:,} rows of {shown} with an empty or "
            "repeated key ignored (the first row per key is used)"
        )
    key_text = _key_text(f"base.c{key}", joined.types[key])
    start = len(joined.headers)
    columns = ", ".join(f"lk._b{i} AS c{start + i}" for i in range(len(brought)))
    missed = f"{key_text} IS NOT NULL AND lk._k IS NULL"
    source = f"FROM {joined.view} AS base LEFT JOIN {distinct} AS lk ON {key_text} = lk._k"
    if lookup.required:
        miss = f"_m{len(joined.reasons)}"
        message = f"{lookup.key} "
        reason = (
            f"CASE WHEN {missed} THEN {lit(message)} || '''' || {key_text} || '''' || "
            f"{lit(' not found in ' + shown)} END AS {miss}"
        )
        con.execute(f"CREATE OR REPLACE TEMP VIEW {new_view} AS SELECT base.*, {columns}, "
                    f"{reason} {source}")
        joined.reasons.append(miss)
    else:
        con.execute(f"CREATE OR REPLACE TEMP VIEW {new_view} AS SELECT base.*, {columns} {source}")
        (kept_rows,) = con.execute(f"SELECT count(*) {source} WHERE {missed}").fetchone()  # type: ignore[misc]
        if kept_rows:
            names = ", ".join(n for _, n in brought)
            joined.notes.append(
                f"lookup {lookup.name}: {kept_rows:,} rows whose {joined.headers[key]} is not in "
                f"{shown} kept with {names} empty (required = false)"
            )
    joined.cleanup.append(("VIEW", new_view))
    joined.view = new_view
    joined.headers += [n for _, n in brought]
    joined.types += [staged.types[p] for p, _ in brought]
