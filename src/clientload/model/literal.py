"""Small constant tables (the activities, department rates, policy rules, labels) for the model.

Written as a union of one-row selects of literals rather than an Ibis memtable on purpose: a
memtable is built with pyarrow, whose array constructor first asks whether its input is a
pandas object and so imports pandas (0.25 s), in a run that otherwise never needs it. The
tables have a few dozen rows at most, and both DuckDB and Spark read such a union as constants.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import ibis
import ibis.expr.types as ir


def literal_table(columns: dict[str, tuple[str, Sequence[Any]]]) -> ir.Table:
    """The table `{name: (type, values)}`, every column of the same length; types are Ibis's
    (`string`, `float64`, `int64`…)."""
    names = list(columns)
    values = [list(v) for _, v in columns.values()]
    rows = len(values[0])
    if any(len(v) != rows for v in values):
        raise ValueError(f"literal_table: columns of {rows} rows expected, got {values!r}")
    if rows == 0:
        empty = {name: ibis.null(kind) for name, (kind, _) in columns.items()}
        return ibis.literal(0).name("_").as_table().select(**empty).limit(0)
    selects = []
    for i in range(rows):
        first, *rest = names
        row = ibis.literal(values[0][i], type=columns[first][0]).name(first).as_table()
        row = row.mutate(
            **{
                name: ibis.literal(values[k][i], type=columns[name][0])
                for k, name in enumerate(rest, start=1)
            }
        )
        selects.append(row)
    return selects[0] if rows == 1 else ibis.union(*selects, distinct=False)
