"""A reference key repeated within one file: identical repeats collapse, disagreeing ones are
rejected.

A flat export (one row per order line) holds each client, product and order many times. Loading it
into `clients`, `products` or `orders` keeps the last line of each key. A repeat whose stored values
all equal that line's is the same record said again: it is collapsed (counted, with one note for
all of them) rather than rejected. A repeat that differs is rejected, naming each column that
differs with both values, so the real conflicts stand out. Read = loaded + collapsed + rejected.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from clientload.ingest.parsing import lit

if TYPE_CHECKING:
    import duckdb

    from clientload.schema import Table


def _quoted(value_sql: str) -> str:
    return f"coalesce('''' || left({value_sql}, 60) || '''', 'empty')"


def collapse_repeats(
    con: duckdb.DuckDBPyConnection, checked: str, schema: Table, labels: dict[str, str]
) -> tuple[int, list[str]]:
    """Delete the identical repeats from the checked table, reject the disagreeing ones; the
    number collapsed and the notes. `labels` name the columns as the file does."""
    keys = ", ".join(schema.key)
    others = [c for c in schema.column_names if c not in schema.key]
    repeats = f"{checked}_rep"
    compared = ", ".join(
        f"(g.{c} IS DISTINCT FROM k.{c}) AS d{i}, CAST(g.{c} AS VARCHAR) AS a{i}, "
        f"CAST(k.{c} AS VARCHAR) AS b{i}"
        for i, c in enumerate(others)
    )
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {repeats} AS "
        f"WITH good AS (SELECT * FROM {checked} WHERE _reason IS NULL), "
        f"last AS (SELECT {keys}, max(_line) AS kept FROM good GROUP BY {keys} "
        f"HAVING count(*) > 1) "
        f"SELECT g._line, l.kept, {compared} FROM good g JOIN last l USING ({keys}) "
        f"JOIN good k ON k._line = l.kept WHERE g._line <> l.kept"
    )
    try:
        differs = " OR ".join(f"d{i}" for i in range(len(others))) or "false"
        differs_r = " OR ".join(f"r.d{i}" for i in range(len(others))) or "false"
        counts = ", ".join(f"count_if(d{i})" for i in range(len(others)))
        row = con.execute(
            f"SELECT count_if(NOT ({differs})), count(DISTINCT kept) FILTER (WHERE NOT "
            f"({differs})), count_if({differs}), count(DISTINCT kept) FILTER (WHERE {differs})"
            f"{', ' + counts if counts else ''} FROM {repeats}"
        ).fetchone()
        assert row is not None
        collapsed, collapsed_keys, disagreeing, disagreeing_keys = (int(v or 0) for v in row[:4])
        if disagreeing:
            shown = " || '/' || ".join(f"CAST(k.{c} AS VARCHAR)" for c in schema.key)
            parts = ", ".join(
                f"CASE WHEN r.d{i} THEN {lit(labels.get(c, c) + ' ')} || {_quoted(f'r.a{i}')} "
                f"|| ' here, ' || {_quoted(f'r.b{i}')} || ' there' END"
                for i, c in enumerate(others)
            )
            label = "/".join(schema.key)
            con.execute(
                f"UPDATE {checked} SET _reason = {lit(label + ' ')} || '''' || d.shown || '''' "
                f"|| ' appears again on line ' || d.kept || ' with other values: ' || d.what || "
                f"'; the later line is kept' FROM (SELECT r._line, r.kept, {shown} AS shown, "
                f"concat_ws('; ', {parts}) AS what FROM {repeats} r JOIN {checked} k "
                f"ON k._line = r.kept WHERE {differs_r}) d "
                f"WHERE {checked}._line = d._line"
            )
        if collapsed:
            con.execute(
                f"DELETE FROM {checked} WHERE _line IN "
                f"(SELECT _line FROM {repeats} WHERE NOT ({differs}))"
            )
    finally:
        con.execute(f"DROP TABLE IF EXISTS {repeats}")
    notes = []
    if collapsed:
        notes.append(
            f"{collapsed:,} repeated rows of the same {_keys(collapsed_keys, schema)} collapsed "
            "(identical to the later line of the same key)"
        )
    if disagreeing:
        by_column = ", ".join(
            f"{labels.get(c, c)}: {int(n):,}"
            for c, n in zip(others, row[4:], strict=True) if n
        )
        notes.append(
            f"{disagreeing:,} repeated rows of {_keys(disagreeing_keys, schema)} differ from the "
            f"later line of the same key and were rejected ({by_column})"
        )
    return collapsed, notes


def _keys(n: int, schema: Table) -> str:
    """"793 clients", "1 client": the table's name counts its keys."""
    return f"{n:,} {schema.name if n != 1 else schema.name.removesuffix('s')}"
