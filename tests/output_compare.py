"""Comparing two runs' output tables (no tests of their own here).

Two runs of the same model on the same data give the same rows; sums of floats computed in
another order (parallel threads, monthly summaries, Spark) may differ in the last bits, which can
also swap two rows ordered by a float. So: same columns and types, same number of rows, and, with
rows sorted by every column that is not a float, equal values (floats within `rel` relative).
"""

from __future__ import annotations

import math
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq


def table_differences(name: str, a: pa.Table, b: pa.Table, rel: float = 1e-9,
                      absolute: float = 0.0) -> list[str]:
    """Where two versions of an output table differ (empty: the same table)."""
    if a.schema.names != b.schema.names:
        return [f"{name}: columns {a.schema.names} vs {b.schema.names}"]
    problems = [
        f"{name}.{f.name}: {f.type} vs {b.schema.field(f.name).type}"
        for f in a.schema
        if f.type != b.schema.field(f.name).type
    ]
    if a.num_rows != b.num_rows:
        return [*problems, f"{name}: {a.num_rows} rows vs {b.num_rows}"]
    exact = [f.name for f in a.schema if not pa.types.is_floating(f.type)]
    floats = [f.name for f in a.schema if pa.types.is_floating(f.type)]

    def key(row: dict) -> tuple:
        out = []
        for c in exact:
            v = row[c]
            out.append((v is None, "" if v is None else str(v)))
        for c in floats:  # rounded: a last-bit difference must not reorder the rows
            v = row[c]
            out.append((v is None or v != v, 0.0 if v is None or v != v else round(v, 4)))
        return tuple(out)

    left = sorted(a.to_pylist(), key=key)
    right = sorted(b.to_pylist(), key=key)
    for x, y in zip(left, right, strict=True):
        for c in a.schema.names:
            u, v = x[c], y[c]
            if isinstance(u, float) and isinstance(v, float):
                same = (math.isnan(u) and math.isnan(v)) or abs(u - v) <= absolute + rel * max(
                    abs(u), abs(v), 1.0
                )
            else:
                same = u == v
            if not same:
                problems.append(f"{name}.{c}: {u!r} vs {v!r} in {x}")
                break
        if len(problems) > 5:
            break
    return problems


def out_differences(a: Path, b: Path, names) -> list[str]:
    """The differences between the output tables of two `out/` folders."""
    problems: list[str] = []
    for name in names:
        problems += table_differences(
            name, pq.read_table(a / f"{name}.parquet"), pq.read_table(b / f"{name}.parquet")
        )
    return problems
