"""The Spark engine: the workspace's input tables as Parquet, read by PySpark through Ibis.

`open_spark` returns the same `Store` of Ibis tables that the DuckDB engine builds, so the model
runs unchanged. The Parquet copy (`DIR/data/parquet/<table>/`) is written by DuckDB from the
store and rewritten only when the store changed: its stamp is the imports log and the row counts.

Where Spark runs: `master` argument, else the environment variable `CLIENTLOAD_SPARK_MASTER`,
else the `[spark] master` setting when present, else `local[2]`. See docs/scale.md.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from concurrent.futures import Future
from pathlib import Path
from typing import Any

from clientload.errors import ClientloadError
from clientload.workspace import Workspace, one_row

PARQUET_DIR = Path("data") / "parquet"
STAMP_FILE = "_stamp.json"
MASTER_ENV = "CLIENTLOAD_SPARK_MASTER"
DEFAULT_MASTER = "local[2]"
MODEL_TABLES = ("sales", "clients", "products", "orders", "interactions", "storage", "receivables")


def store_stamp(ws: Workspace) -> str:
    """A fingerprint of the store's input data: the imports log, each table's row count and the
    state of the sales lines' summaries (`clientload.summaries`).

    Every change to the input tables goes through an import, which adds a row to `imports`; the
    counts catch rows removed outside the importer.
    """
    from clientload.schema import TABLES
    from clientload.summaries import STATE_TABLE

    con = ws.connect(read_only=True)
    try:
        imports = one_row(con, "SELECT count(*), coalesce(max(import_id), 0) FROM imports")
        counts = {
            name: int(one_row(con, f'SELECT count(*) FROM "{name}"')[0])
            for name in TABLES
        }
        summaries = _summary_state(con, STATE_TABLE)
    finally:
        con.close()
    text = json.dumps(
        {"imports": list(imports), "counts": counts, "summaries": summaries}, sort_keys=True
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _summary_state(con: Any, table: str) -> list[Any]:
    found = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [table]
    ).fetchone()[0]
    if not found:
        return []
    return [list(r) for r in con.execute(f"SELECT key, value FROM {table} ORDER BY key").fetchall()]


def _export_tables(con: Any) -> dict[str, str]:
    """Each table to copy (the contract's, then the summaries the store holds) and the columns."""
    from clientload.schema import TABLES
    from clientload.summaries import SUMMARY_TABLES

    out = {
        name: ", ".join(f'"{c}"' for c in table.column_names) for name, table in TABLES.items()
    }
    present = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables")
               .fetchall()}
    for table in SUMMARY_TABLES.values():
        if table in present:
            out[table] = "*"
    return out


def export_parquet(ws: Workspace, directory: Path | None = None) -> Path:
    """Write each input table as `<directory>/<table>/part-0.parquet` unless already current.

    Only the contract's columns are written (the lineage columns stay in the store). Returns the
    directory. A half-written export is never taken as current: the stamp is written last.
    """
    target = directory or ws.root / PARQUET_DIR
    stamp = store_stamp(ws)
    stamp_path = target / STAMP_FILE
    if stamp_path.exists() and json.loads(stamp_path.read_text("utf-8")).get("stamp") == stamp:
        return target
    if stamp_path.exists():
        stamp_path.unlink()
    con = ws.connect(read_only=True)
    try:
        for name, columns in _export_tables(con).items():
            folder = target / name
            if folder.exists():
                shutil.rmtree(folder)
            folder.mkdir(parents=True)
            file = str(folder / "part-0.parquet").replace("'", "''")
            con.execute(
                f"COPY (SELECT {columns} FROM \"{name}\") TO '{file}' "
                "(FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 1000000)"
            )
    finally:
        con.close()
    stamp_path.write_text(json.dumps({"stamp": stamp}), "utf-8")
    return target


def spark_master(ws: Workspace | None = None, master: str | None = None) -> str:
    """The Spark master to use: the argument, the environment, the settings, else local[2]."""
    if master:
        return master
    if os.environ.get(MASTER_ENV):
        return os.environ[MASTER_ENV]
    if ws is not None and ws.settings_path.exists():
        configured = ws.settings().section("spark").get("master")
        if configured:
            return str(configured)
    return DEFAULT_MASTER


def parquet_dir(ws: Workspace) -> Path | None:
    """Where the Parquet copy goes: the `[spark] parquet_dir` setting (a folder every executor
    of the cluster sees at the same path), else None (`DIR/data/parquet`)."""
    if ws.settings_path.exists():
        configured = str(ws.settings().section("spark").get("parquet_dir", "")).strip()
        if configured:
            return Path(configured).expanduser().resolve()
    return None


def spark_session(master: str, conf: dict[str, str] | None = None) -> Any:
    """Get or start the SparkSession for `master`, with settings fit for the model.

    Few shuffle partitions: the model's per-client tables are small, and Spark's default of 200
    partitions costs more in scheduling than the work itself in local mode.
    """
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise ClientloadError(
            "--engine spark needs PySpark and Java 17+: install clientload[spark] "
            "(`uv sync --extra spark` or `pip install 'clientload[spark]'`)"
        ) from None
    local = master.startswith("local")
    builder = (
        SparkSession.builder.master(master)
        .appName("clientload")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.shuffle.partitions", "4" if local else "200")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
    )
    if local:
        builder = builder.config("spark.ui.enabled", "false")
    for key, value in (conf or {}).items():
        builder = builder.config(key, value)
    try:
        session = builder.getOrCreate()
    except Exception as exc:  # Java missing, master unreachable: say what to check
        raise ClientloadError(
            f"spark engine: cannot start Spark at master {master!r} ({exc}); check Java 17+ "
            f"(JAVA_HOME) and {MASTER_ENV}"
        ) from None
    session.sparkContext.setLogLevel("ERROR")
    return session


def _fixed_compiler() -> Any:
    """Ibis's PySpark SQL compiler with two corrections the model's expressions need.

    - A float literal is written `40.0`, which Spark reads as a DECIMAL: `orders / 12.0` became
      decimal(27,6) instead of a double. Written here as CAST(40.0 AS DOUBLE).
    - `strip()` trims `string.whitespace` written as '\\t\\n\\r\\v\\f'; Spark's SQL parser reads
      the unknown escapes \\v and \\f as the letters v and f, so 'visit' became 'isit'. Written
      here with chr(11) and chr(12).
    """
    import sqlglot.expressions as sge
    from ibis.backends.sql.compilers.pyspark import PySparkCompiler

    class ClientloadSparkCompiler(PySparkCompiler):
        __slots__ = ()

        def visit_NonNullLiteral(self, op, *, value, dtype):
            result = super().visit_NonNullLiteral(op, value=value, dtype=dtype)
            if dtype.is_floating() and isinstance(result, sge.Literal):
                return self.cast(result, dtype)
            return result

        def visit_Strip(self, op, *, arg):
            whitespace = self.f.concat(sge.convert(" \t\n\r"), self.f.chr(11), self.f.chr(12))
            return self.f.trim(arg, whitespace)

    return ClientloadSparkCompiler()


class SparkModelBackend:
    """The Ibis PySpark backend, with the model's kept tables as Spark views and its queries
    run from SQL (`clientload.model.plan`).

    Ibis's PySpark backend has no temporary tables; here a kept table is a checkpointed Spark
    temporary view (computed when created). Everything else goes to the Ibis backend unchanged.
    """

    plan_engine = "spark"

    def __init__(self, backend: Any):
        self._backend = backend
        self._views: dict[str, Any] = {}

    def __getattr__(self, name: str) -> Any:
        return getattr(self._backend, name)

    def select_sql(self, expr: Any) -> tuple[str, Any]:
        """Spark SQL for a table expression, each column cast to the type Ibis declares
        (Spark's row_number() is an int32 where Ibis says int64)."""
        import sqlglot as sg
        import sqlglot.expressions as sge

        schema = expr.schema()
        compiler = self._backend.compiler
        inner = compiler.to_sqlglot(expr).subquery("t", copy=False)
        columns = [
            sge.Cast(
                this=sg.column(name, table="t", quoted=True),
                to=compiler.type_mapper.from_ibis(dtype),
            ).as_(name, quoted=True)
            for name, dtype in schema.items()
        ]
        query = sg.select(*columns, copy=False).from_(inner, copy=False)
        return query.sql(dialect=compiler.dialect), schema

    def submit_keep(self, name: str, sql: str, inputs: list[str]) -> None:
        """Compute the query now, cut it from its lineage and keep it as a temporary view: a
        view over the full plan would make every later query re-analyse the plans of all the
        tables before it (the driver runs out of memory)."""
        self._drop_view(name)
        frame = self._backend._session.sql(sql).localCheckpoint(eager=True)
        frame.createOrReplaceTempView(name)
        self._views[name] = frame

    def submit_fetch(self, sql: str, schema: Any, inputs: list[str]) -> Future:
        """The result now, as Arrow with the types of `schema`, converted as Ibis's
        `to_pyarrow` converts it."""
        import ibis
        import pyarrow as pa
        from ibis.backends.pyspark.converter import PySparkPandasData
        from ibis.formats.pyarrow import PyArrowData

        declared = ibis.Schema.from_pyarrow(schema)
        frame = PySparkPandasData.convert_table(
            self._backend._session.sql(sql).toPandas(), declared
        )
        table = PyArrowData.convert_table(
            pa.Table.from_pandas(frame, preserve_index=False), declared
        )
        done: Future = Future()
        done.set_result(table if table.schema == schema else table.cast(schema))
        return done

    def to_pyarrow(self, expr: Any, **kwargs: Any) -> Any:
        """The result as Arrow with the types Ibis declares (Spark's row_number() is an int32)."""
        import ibis.expr.types as ir

        result = self._backend.to_pyarrow(expr, **kwargs)
        if isinstance(expr, ir.Table):
            declared = expr.schema().to_pyarrow()
            if result.schema != declared:
                result = result.cast(declared)
        return result

    def create_table(self, name: str, obj: Any = None, *, temp: bool | None = None, **kwargs):
        if not temp:
            return self._backend.create_table(name, obj, **kwargs)
        sql, _ = self.select_sql(obj)
        self.submit_keep(name, sql, [])
        return self._backend.table(name)

    def drop_table(self, name: str, *, force: bool = False, **kwargs) -> None:
        if name in self._views:
            self._drop_view(name)
            return
        self._backend.drop_table(name, force=force, **kwargs)

    def _drop_view(self, name: str) -> None:
        frame = self._views.pop(name, None)
        if frame is not None:
            self._backend._session.catalog.dropTempView(name)
            frame.unpersist()


def open_spark(
    ws: Workspace,
    counts: dict[str, int],
    master: str | None = None,
    conf: dict[str, str] | None = None,
) -> tuple[SparkModelBackend, Any]:
    """Export the store to Parquet when it changed, open Spark, and return (backend, Store).

    The backend's `disconnect()` stops the Spark session.
    """
    import ibis

    from clientload.model.facts import Store, Summaries
    from clientload.summaries import SUMMARY_TABLES

    parquet = export_parquet(ws, parquet_dir(ws))
    session = spark_session(spark_master(ws, master), conf)
    backend = ibis.pyspark.connect(session)
    backend.compiler = _fixed_compiler()

    def read(name: str) -> Any:
        return backend.read_parquet(
            str((parquet / name).resolve()), table_name=f"clientload_{name.lstrip('_')}"
        )

    tables = {name: read(name) for name in MODEL_TABLES}
    summaries = None
    if all((parquet / table).is_dir() for table in SUMMARY_TABLES.values()):
        summaries = Summaries(**{k: read(t) for k, t in SUMMARY_TABLES.items()})
    store = Store(
        **tables,
        has_orders=counts["orders"] > 0,
        has_products=counts["products"] > 0,
        summaries=summaries,
    )
    return SparkModelBackend(backend), store
