"""Arrow schemas of the contract's input tables and fast string columns for generated data."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from clientload.schema import TABLES

ARROW_TYPES: dict[str, pa.DataType] = {
    "VARCHAR": pa.string(),
    "DOUBLE": pa.float64(),
    "BIGINT": pa.int64(),
    "DATE": pa.date32(),
    "TIMESTAMP": pa.timestamp("us"),
    "BOOLEAN": pa.bool_(),
}


def arrow_schema(table: str) -> pa.Schema:
    """The contract's columns of `table`, in order, with their Arrow types (no lineage columns)."""
    return pa.schema([pa.field(c.name, ARROW_TYPES[c.type]) for c in TABLES[table].columns])


def numbered(prefix: str, numbers: np.ndarray, width: int) -> pa.Array:
    """Identifiers like C00001 or SKU-00001, built in Arrow without a Python loop."""
    digits = pc.utf8_lpad(pc.cast(pa.array(numbers), pa.string()), width, "0")
    return pc.binary_join_element_wise(prefix, digits, "")


def labelled(codes: np.ndarray, labels: list[str] | pa.Array) -> pa.Array:
    """Strings looked up by integer codes (a dictionary decoded to plain strings)."""
    dictionary = labels if isinstance(labels, pa.Array) else pa.array(labels, pa.string())
    return dictionary.take(pa.array(np.asarray(codes, dtype=np.int64)))


def to_table(table: str, columns: dict[str, object]) -> pa.Table:
    """An Arrow table with exactly the contract's columns and types; missing columns are NULL."""
    schema = arrow_schema(table)
    n = next(len(v) for v in columns.values())  # type: ignore[arg-type]
    arrays = []
    for field in schema:
        value = columns.get(field.name)
        if value is None:
            arrays.append(pa.nulls(n, field.type))
        else:
            arrays.append(pa.array(value, field.type) if not isinstance(value, pa.Array)
                          else value.cast(field.type))
    return pa.Table.from_arrays(arrays, schema=schema)
