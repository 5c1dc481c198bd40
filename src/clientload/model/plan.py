"""The model's queries as a plan: compiled once per settings, period and engine, kept, and replayed.

Building the model's Ibis expressions and compiling them to SQL is most of a small company's run
(about 1 CPU second for ~30 queries: hundreds of thousands of small Python objects), and it gives
the same SQL as long as the code, the settings, the period and the engine are the same. So each
stage of the model records what it asks of the engine — keep this query's result as a table,
fetch that one — as SQL, and the next run with the same key replays the SQL without importing
Ibis at all.

The key is a hash of the model's code (every module of `clientload.model`, `clientload.engines`
and `clientload.settings`, and the versions of Ibis, SQLGlot and the engine's library), the
engine and the store's catalog, the merged settings, the period (only its length for a period
of whole months, whose dates each query has moved before it runs: `Stage.rewrite`,
`clientload.model.period.stand_in`), and which optional inputs the store has. Mid-way the model
reads a few figures of the company (the number of categories in the range, the buying rhythm,
the margin rate, the previous period's revenue per client) that the later queries use. The two
that shape those queries (the categories, the rhythm in months) are part of the second stage's
key; the others are written into the SQL as sentinel numbers when it is compiled and replaced by
their values before each run (`Stage.values`), so that a new month of data does not make the
queries compile again.

Plans live in the workspace (`cache/plans/KEY.json`, the newest 32 kept); deleting them is
always safe. Backends that do not run SQL themselves (a plain Ibis backend in tests) build and
run the expressions as before, with nothing cached.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import os
import threading
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import Any

KEEP_PLANS = 32
PREFIX = "_clientload_"


def code_version() -> str:
    """A hash of the code that writes the model's SQL (see the module)."""
    from importlib.metadata import PackageNotFoundError, version

    root = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    for folder in ("model", "engines", "settings"):
        for path in sorted((root / folder).glob("*.py")):
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    for package in ("ibis-framework", "sqlglot", "duckdb", "pyspark"):
        with contextlib.suppress(PackageNotFoundError):
            digest.update(f"{package}={version(package)}".encode())
    return digest.hexdigest()


def plan_key(*parts: Any) -> str:
    text = json.dumps(parts, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


class PlanCache:
    """Plans as JSON files in a folder of the workspace."""

    def __init__(self, folder: Path):
        self.folder = folder

    def get(self, key: str) -> list[dict[str, Any]] | None:
        path = self.folder / f"{key}.json"
        try:
            ops = json.loads(path.read_text("utf-8"))
        except (OSError, ValueError):
            return None
        os.utime(path)  # the newest are kept
        return ops

    def put(self, key: str, ops: list[dict[str, Any]]) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        partial = self.folder / f".{key}.{os.getpid()}.{threading.get_ident()}.partial"
        partial.write_text(json.dumps(ops), "utf-8")
        partial.replace(self.folder / f"{key}.json")
        plans = sorted(self.folder.glob("*.json"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in plans[KEEP_PLANS:]:
            old.unlink(missing_ok=True)


def _schema_text(schema: Any) -> str:
    return base64.b64encode(schema.serialize().to_pybytes()).decode("ascii")


def _schema_of(text: str) -> Any:
    import pyarrow as pa

    return pa.ipc.read_schema(pa.py_buffer(base64.b64decode(text)))


class Queries:
    """The model's queries on one backend: recorded as SQL (or taken from a plan) and run.

    A backend that runs SQL (`submit_keep`, `submit_fetch`, `select_sql`: the DuckDB and Spark
    engines) gets SQL; any other Ibis backend gets the expressions (`create_table`,
    `to_pyarrow`) and nothing is recorded.
    """

    def __init__(
        self,
        backend: Any,
        cache: PlanCache | None,
        on_output: Callable[[str, Any], None] | None,
        keep_outputs: bool,
        needed: frozenset[str],
    ):
        self.backend = backend
        self.sql = all(hasattr(backend, m) for m in ("submit_keep", "submit_fetch", "select_sql"))
        self.cache = cache if self.sql else None
        self.on_output = on_output
        self.keep_outputs = keep_outputs
        self.needed = needed
        self.results: dict[str, Future] = {}
        self.kept: list[str] = []
        self.seconds: dict[str, float] = {}
        self.schemas: dict[str, dict[str, str]] = {}  # kept table → its Ibis schema, as text
        self.replayed: list[str] = []  # the stages taken from the cache

    def stage(
        self,
        name: str,
        key: str,
        values: dict[str, str] | None = None,
        cacheable: bool = True,
        rewrite: Callable[[str], str] | None = None,
    ) -> Stage:
        return Stage(
            self, name, key, values or {}, cacheable and self.cache is not None, rewrite
        )

    def handle(self, name: str) -> Any:
        """A kept table as an Ibis table (for a stage built after one that was replayed)."""
        import ibis

        return ibis.table(ibis.schema(self.schemas[name]), name=PREFIX + name)

    # ---- running ------------------------------------------------------------------------------

    def _keep(self, name: str, sql: str, inputs: list[str], schema: dict[str, str]) -> None:
        self.kept.append(PREFIX + name)
        self.schemas[name] = schema
        self.backend.submit_keep(PREFIX + name, sql, [PREFIX + n for n in inputs])

    def _fetch(self, name: str, sql: str, inputs: list[str], schema: Any, emit: bool) -> None:
        future = self.backend.submit_fetch(sql, schema, [PREFIX + n for n in inputs])
        self._collect(name, future, emit)

    def _collect(self, name: str, future: Future, emit: bool) -> None:
        on_output = self.on_output
        if not emit or on_output is None:
            self.results[name] = future
            return
        handed: Future = Future()  # the table, or only its row count when the caller keeps it

        def hand_over(fetched: Future) -> None:
            try:
                table = fetched.result()
                on_output(name, table)
                keep = self.keep_outputs or name in self.needed
                handed.set_result(table if keep else table.num_rows)
            except BaseException as error:  # raised again where the results are collected
                handed.set_exception(error)

        future.add_done_callback(hand_over)
        self.results[name] = handed

    def result(self, name: str) -> Any:
        return self.results[name].result()

    def drop_kept(self) -> None:
        for name in self.kept:
            self.backend.drop_table(name, force=True)


class Stage:
    """One stage's queries: replayed from the plan cache, or built (`keep`, `fetch`, `emit`),
    recorded and run as they come; `close` stores what was recorded.

    `values`: sentinel text → the text of the real value, replaced in every query of the stage
    before it runs; `rewrite`: a function of each query's text applied after them (the period's
    dates); the plan keeps the sentinels.
    """

    def __init__(
        self,
        queries: Queries,
        name: str,
        key: str,
        values: dict[str, str],
        cacheable: bool,
        rewrite: Callable[[str], str] | None = None,
    ):
        self.q = queries
        self.name = name
        self.key = key
        self.values = values
        self.rewrite = rewrite
        self.cacheable = cacheable
        self.ops: list[dict[str, Any]] = []
        cached = queries.cache.get(key) if cacheable and queries.cache is not None else None
        self.replayed = cached is not None
        if cached is not None:
            queries.replayed.append(name)
            for op in cached:
                self._run(op)

    def _text(self, sql: str) -> str:
        for sentinel, real in self.values.items():
            sql = sql.replace(sentinel, real)
        return self.rewrite(sql) if self.rewrite is not None else sql

    def _run(self, op: dict[str, Any]) -> None:
        sql = self._text(op["sql"])
        if op["kind"] == "keep":
            self.q._keep(op["name"], sql, op["inputs"], op["schema"])
        else:
            self.q._fetch(op["name"], sql, op["inputs"], _schema_of(op["schema"]), op["emit"])

    def _inputs(self, expr: Any) -> list[str]:
        import ibis.expr.operations as ops

        names = {node.name for node in expr.op().find(ops.UnboundTable)}
        return sorted(n.removeprefix(PREFIX) for n in names if n.startswith(PREFIX))

    def _record(self, op: dict[str, Any]) -> None:
        self.ops.append(op)
        self._run(op)

    def keep(self, name: str, expr: Any) -> Any:
        """Keep the result of `expr` as a table of the backend; the table, to build on."""
        import ibis

        if not self.q.sql:
            table = self.q.backend.create_table(PREFIX + name, expr, temp=True, overwrite=True)
            self.q.kept.append(PREFIX + name)
            return table
        sql, schema = self.q.backend.select_sql(expr)
        text = {k: str(v) for k, v in schema.items()}
        self._record({"kind": "keep", "name": name, "sql": sql, "inputs": self._inputs(expr),
                      "schema": text})
        return ibis.table(schema, name=PREFIX + name)

    def fetch(self, name: str, expr: Any, emit: bool = False) -> None:
        """Fetch the result of `expr` (`emit`: an output table, handed to the writer)."""
        if not self.q.sql:
            future: Future = Future()
            fetch_later = getattr(self.q.backend, "fetch_later", None)
            if fetch_later is not None:
                future = fetch_later(expr)
            else:
                future.set_result(self.q.backend.to_pyarrow(expr))
            self.q._collect(name, future, emit)
            return
        sql, schema = self.q.backend.select_sql(expr)
        self._record({"kind": "fetch", "name": name, "sql": sql, "inputs": self._inputs(expr),
                      "schema": _schema_text(schema.to_pyarrow()), "emit": emit})

    def emit(self, name: str, expr: Any) -> None:
        self.fetch(name, expr, emit=True)

    def close(self) -> None:
        if not self.replayed and self.cacheable and self.q.cache is not None and self.ops:
            self.q.cache.put(self.key, self.ops)
