"""Joining columns from another file by key (`[lookup.NAME]` in a mapping file).

Order lines often carry only an order number; the client and the date live in the orders file.
A lookup stages that file, keeps its first row per key, and LEFT JOINs it to the data, so no data
row is lost or repeated. A row whose key is not in the lookup file is rejected with a reason that
names the key, its value and the file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from clientload.errors import ClientloadError
from clientload.ingest.checks import clean_id_sql
from clientload.ingest.columns import find_header
from clientload.ingest.mapping import Mapping, resolve_lookup_file
from clientload.ingest.parsing import lit
from clientload.ingest.readers import stage_file

if TYPE_CHECKING:
    import duckdb


@dataclass
class Joined:
    view: str
    headers: list[str]
    types: list[str]
    reasons: list[str] = field(default_factory=list)
    used: set[int] = field(default_factory=set)
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
        name = f"{view}_l{j}"
        staged = stage_file(con, path, name, {}, workdir)
        joined.cleanup += [("VIEW", name), ("TABLE", f"{name}_raw")]
        key = find_header(joined.headers, lookup.key)
        if key is None:
            raise ClientloadError(
                f"{where}: key {lookup.key!r} is not a column of {data_file.name}; "
                f"columns: {', '.join(joined.headers)}"
            )
        on = find_header(staged.headers, lookup.on)
        if on is None:
            raise ClientloadError(
                f"{where}: column {lookup.on!r} not found in {path.name}; "
                f"columns: {', '.join(staged.headers)}"
            )
        brought = []
        for column in lookup.columns:
            position = find_header(staged.headers, column)
            if position is None:
                raise ClientloadError(
                    f"{where}: column {column!r} not found in {path.name}; "
                    f"columns: {', '.join(staged.headers)}"
                )
            new_name = lookup.prefix + column
            if new_name in joined.headers:
                raise ClientloadError(
                    f"{where}: {path.name} column {column!r} clashes with a column of "
                    f"{data_file.name}; set prefix = \"{lookup.name}.\" and use "
                    f"{lookup.name}.{column}"
                )
            brought.append((position, new_name))
        joined.used.add(key)
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
                f"lookup {lookup.name}: {staged.rows - kept} rows of {path.name} with an empty or "
                "repeated key ignored (the first row per key is used)"
            )
        key_text = _key_text(f"base.c{key}", joined.types[key])
        start = len(joined.headers)
        columns = ", ".join(f"lk._b{i} AS c{start + i}" for i in range(len(brought)))
        miss = f"_m{j}"
        message = f"{lookup.key} "
        new_view = f"{view}_j{j}"
        con.execute(
            f"CREATE OR REPLACE TEMP VIEW {new_view} AS SELECT base.*, {columns}, "
            f"CASE WHEN {key_text} IS NOT NULL AND lk._k IS NULL THEN {lit(message)} || "
            f"'''' || {key_text} || '''' || {lit(' not found in ' + path.name)} END AS {miss} "
            f"FROM {joined.view} AS base LEFT JOIN {distinct} AS lk ON {key_text} = lk._k"
        )
        joined.cleanup.append(("VIEW", new_view))
        joined.view = new_view
        joined.headers += [n for _, n in brought]
        joined.types += [staged.types[p] for p, _ in brought]
        joined.reasons.append(miss)
    return joined
