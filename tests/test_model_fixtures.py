"""Helpers that build small stores for the model's tests (no tests of their own here).

`compute(rows, settings_text, period)` runs the model on an in-memory DuckDB holding `rows`
(table name → list of dicts); `make_workspace(path, rows, settings_text)` writes a real
workspace for the `run` and API tests.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow as pa

from clientload.generate.tables import arrow_schema
from clientload.schema import TABLES, create_statement
from clientload.settings import parse_settings

Rows = dict[str, list[dict[str, Any]]]

def arrow_rows(table: str, rows: list[dict[str, Any]]) -> pa.Table:
    """Rows of an input table as Arrow with the schema's types (missing columns are NULL)."""
    schema = arrow_schema(table)
    return pa.table(
        {f.name: pa.array([r.get(f.name) for r in rows], f.type) for f in schema}, schema=schema
    )


def load_rows(con: Any, rows: Rows) -> None:
    """Insert rows into the input tables of a DuckDB connection (tables created if needed)."""
    for table in TABLES.values():
        con.execute(create_statement(table))
    for name, table_rows in rows.items():
        con.register("_rows", arrow_rows(name, table_rows))
        con.execute(f'INSERT INTO "{name}" BY NAME SELECT * FROM _rows')
        con.unregister("_rows")


def compute(rows: Rows, settings_text: str = "", period: str = "2025-01:2025-12"):
    """Run the model on an in-memory store; returns the ModelResult."""
    import ibis

    from clientload.model.facts import Store
    from clientload.model.period import parse_period
    from clientload.model.pipeline import compute_model

    backend = ibis.duckdb.connect()
    load_rows(backend.con, rows)
    store = Store(
        **{
            name: backend.table(name)
            for name in (
                "sales",
                "clients",
                "products",
                "orders",
                "interactions",
                "storage",
                "receivables",
            )
        },
        has_orders=bool(rows.get("orders")),
        has_products=bool(rows.get("products")),
    )
    try:
        return compute_model(backend, store, parse_settings(settings_text), parse_period(period))
    finally:
        backend.disconnect()


def make_workspace(path: Path, rows: Rows, settings_text: str | None = None):
    """A workspace folder with these settings and rows in its store."""
    from clientload.workspace import init_workspace

    ws = init_workspace(path, settings_text)
    con = ws.connect()
    try:
        load_rows(con, rows)
    finally:
        con.close()
    return ws


def by_client(table: pa.Table) -> dict[str, dict[str, Any]]:
    """A per-client table as {client_id: row}."""
    return {row["client_id"]: row for row in table.to_pylist()}
