"""The model stays backend-neutral: every expression compiles for Spark as well as DuckDB.

No engine runs here: a stand-in backend compiles each materialised table and each result to the
dialect's SQL (sqlglot through Ibis) and hands back empty tables of the right schema. An
operation that one engine lacks fails here, long before anyone runs the model on a cluster.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import ibis
import ibis.expr.types as ir
import pyarrow as pa
import pytest

from clientload.model.facts import Store
from clientload.model.period import parse_period
from clientload.model.pipeline import OUTPUT_TABLES, compute_model
from clientload.schema import TABLES
from clientload.settings import default_settings

_IBIS_TYPES = {
    "VARCHAR": "string",
    "DOUBLE": "float64",
    "BIGINT": "int64",
    "DATE": "date",
    "TIMESTAMP": "timestamp",
    "BOOLEAN": "boolean",
}


class CompileOnly:
    """Compiles what the pipeline asks for; returns one row of NULLs of the right schema."""

    def __init__(self, dialect: str):
        self.dialect = dialect
        self.compiled: dict[str, str] = {}

    def _compile(self, name: str, expr: ir.Expr) -> None:
        self.compiled[name] = str(ibis.to_sql(expr, dialect=self.dialect))

    def create_table(self, name: str, expr: ir.Table, temp: bool, overwrite: bool) -> ir.Table:
        self._compile(name, expr)
        return ibis.table(expr.schema(), name=name)

    def to_pyarrow(self, expr: ir.Expr) -> Any:
        self._compile(f"result{len(self.compiled)}", expr)
        if isinstance(expr, ir.Scalar):
            return pa.scalar(None, expr.type().to_pyarrow())
        schema = expr.schema().to_pyarrow()
        return pa.Table.from_pylist([dict.fromkeys(schema.names)], schema=schema)

    def drop_table(self, name: str, force: bool = False) -> None:
        pass


def _store() -> Store:
    tables = {
        name: ibis.table({c.name: _IBIS_TYPES[c.type] for c in t.columns}, name=name)
        for name, t in TABLES.items()
        if name not in ("plans", "timesheets")
    }
    return Store(**tables, has_orders=True, has_products=True)


@pytest.fixture
def spark_options(monkeypatch):
    """The Spark compiler reads an option that only the (absent) PySpark backend registers."""
    import ibis.backends.sql.compilers.pyspark as spark_compiler

    options = SimpleNamespace(pyspark=SimpleNamespace(treat_nan_as_null=False))
    monkeypatch.setattr(spark_compiler, "options", options)


@pytest.mark.parametrize("dialect", ["duckdb", "pyspark"])
def test_every_table_compiles(dialect, spark_options):
    backend = CompileOnly(dialect)
    result = compute_model(backend, _store(), default_settings(), parse_period("2025-01:2025-12"))
    assert set(result.tables) == set(OUTPUT_TABLES)
    assert all(sql.strip() for sql in backend.compiled.values())
