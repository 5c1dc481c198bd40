"""The DuckDB engine: the model's queries run on two connections while Python builds the next.

The store is opened as the rest of the program opens it (read-write, so that inside the web app
a recalculation shares the process's one DuckDB instance with the requests instead of locking
them out; the model itself never writes to it), and an in-memory database is attached beside it
where the model keeps its intermediate per-client tables as ordinary tables, so that every
connection of the instance sees them; it is detached when the model is done.

`create_table` and `fetch_later` compile the query at once (in the calling thread) and hand it
to two worker threads, each with its own connection; a query starts when the kept tables it
reads are ready. Queries are queued in the order the model asks for them, which is an
order in which each one's inputs come first, so two workers can never wait on each other.

Why: at 10 million lines about a third of a run was Python building and compiling Ibis
expressions, and most per-client queries (50,000 rows: one row group) run on one thread of a
two-core machine. Here the building overlaps the queries, and independent queries share the
cores. DuckDB's threads are the database's, shared by all its connections, so the cores are
not oversubscribed.

Kept tables are created with every column cast to the type Ibis declares, so that later
expressions see the same schema as on Ibis's own path; results are DuckDB's Arrow output cast
to the declared schema. Ibis's `to_pyarrow` converts through a layer that imports pandas
(0.25 s on first use) which nothing else in a run needs.
"""

from __future__ import annotations

import contextlib
import re
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any


class DuckDBModelBackend:
    """The model's backend on DuckDB; see the module's docstring. Everything the pipeline does
    not call here (compile, table…) goes to the Ibis backend."""

    def __init__(self, con: Any, store: str, work: str, workers: int = 2):
        self.con = con
        self._ibis: Any = None  # Ibis's backend on `con`, made when first needed
        self._store = store  # the store's catalog
        self.plan_engine = f"duckdb:{store}"  # what the SQL depends on (`model.plan`)
        self._work = work  # the in-memory catalog of the kept tables (a plain identifier)
        self._local = threading.local()
        self._cursors: list[Any] = []
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="clientload-q")
        self._kept: dict[str, Future] = {}
        self._stopped = threading.Event()
        self.seconds: dict[str, float] = {}

    @property
    def _backend(self) -> Any:
        """Ibis's DuckDB backend: imported only when an expression is compiled or a table is
        asked for (a run replayed from the plan cache needs neither)."""
        if self._ibis is None:
            import ibis

            self._ibis = ibis.duckdb.from_connection(self.con)
        return self._ibis

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(self._backend, name)

    # ---- the input tables ------------------------------------------------------------------

    def table(self, name: str, database: Any = None) -> Any:
        """An input table of the store (or of `database` when given)."""
        return self._backend.table(name, database=database or (self._store, "main"))

    # ---- compiling ---------------------------------------------------------------------------

    def select_sql(self, expr: Any) -> tuple[str, Any]:
        """The query of a table expression, its columns cast to the types Ibis declares."""
        import ibis.expr.operations as ops
        import sqlglot as sg
        import sqlglot.expressions as sge

        if expr.op().find(ops.InMemoryTable):
            # Ibis registers a memtable on one connection; the workers would not see it.
            raise NotImplementedError(
                "the DuckDB model engine takes no memtables: use clientload.model.literal"
            )
        schema = expr.schema()
        compiler = self._backend.compiler
        # copy=False: sqlglot otherwise deep-copies the whole tree for each wrapper (0.1 s a run)
        inner = compiler.to_sqlglot(expr).subquery("t", copy=False)
        columns = [
            sge.Cast(
                this=sg.column(name, table="t", quoted=True),
                to=compiler.type_mapper.from_ibis(dtype),
            ).as_(name, quoted=True)
            for name, dtype in schema.items()
        ]
        return sg.select(*columns, copy=False).from_(inner, copy=False).sql("duckdb"), schema

    def _inputs(self, expr: Any) -> list[str]:
        """The kept tables that `expr` reads."""
        import ibis.expr.operations as ops

        return sorted({node.name for node in expr.op().find(ops.UnboundTable)})

    def _pending(self, names: list[str]) -> list[Future]:
        return [self._kept[name] for name in names if name in self._kept]

    # ---- running -----------------------------------------------------------------------------

    def _cursor(self) -> Any:
        cursor = getattr(self._local, "cursor", None)
        if cursor is None:
            cursor = self.con.cursor()
            cursor.execute(f"USE {self._work}")  # a cursor starts in the instance's default
            # what Ibis sets on its own connection (settings are per connection)
            cursor.execute("SET TimeZone = 'UTC'")
            cursor.execute("SET python_enable_replacements = false")
            self._local.cursor = cursor
            self._cursors.append(cursor)
        return cursor

    def _run(self, label: str, sql: str, inputs: list[Future], fetch: bool) -> Any:
        for future in inputs:
            future.result()  # an input's error surfaces here, as this query's
        if self._stopped.is_set():
            raise RuntimeError("the model was stopped")
        started = time.perf_counter()
        cursor = self._cursor()
        if fetch:
            result = cursor.sql(sql).to_arrow_table()
        else:
            cursor.execute(sql)
            result = None
        if label:
            self.seconds[label] = round(time.perf_counter() - started, 3)
        return result

    def submit_keep(self, name: str, sql: str, inputs: list[str]) -> None:
        """Queue `CREATE TABLE name AS sql` once the kept tables `inputs` are there."""
        statement = f"CREATE OR REPLACE TABLE {_quoted(name)} AS {sql}"
        label = name.removeprefix("_clientload_")
        self._kept[name] = self._pool.submit(
            self._run, label, statement, self._pending(inputs), False
        )

    def submit_fetch(self, sql: str, schema: Any, inputs: list[str]) -> Future:
        """Queue the query; the future gives Arrow with the types of `schema` (Arrow's)."""
        done: Future = Future()
        pending = self._pool.submit(self._run, "", sql, self._pending(inputs), True)

        def cast(future: Future) -> None:
            try:
                result = future.result()
                done.set_result(result if result.schema == schema else result.cast(schema))
            except BaseException as error:  # handed on to whoever waits for the result
                done.set_exception(error)

        pending.add_done_callback(cast)
        return done

    def create_table(self, name: str, obj: Any = None, *, temp: bool = False, **kwargs: Any):
        """Queue `CREATE TABLE name AS obj`; returns the table at once (its rows come later)."""
        import ibis
        import ibis.expr.types as ir

        if not isinstance(obj, ir.Table) or kwargs.get("database"):
            return self._backend.create_table(name, obj, temp=temp, **kwargs)
        sql, schema = self.select_sql(obj)
        self.submit_keep(name, sql, self._inputs(obj))
        return ibis.table(schema, name=name)

    def fetch_later(self, expr: Any) -> Future:
        """Queue `expr`'s result; the future gives Arrow with the types Ibis declares."""
        sql, schema = self.select_sql(expr)
        return self.submit_fetch(sql, schema.to_pyarrow(), self._inputs(expr))

    def to_pyarrow(self, expr: Any, **kwargs: Any) -> Any:
        """The result now: a Table, or a Scalar/Array for a scalar/column expression."""
        import ibis.expr.types as ir

        if kwargs:  # Ibis's own path would not wait for the kept tables the query reads
            raise NotImplementedError(f"to_pyarrow options {sorted(kwargs)} on the model engine")
        result = self.fetch_later(expr.as_table()).result()
        if isinstance(expr, ir.Scalar):
            return result.column(0)[0]
        if isinstance(expr, ir.Column):
            return result.column(0)
        return result

    def drop_table(self, name: str, *, force: bool = False, **kwargs: Any) -> None:
        """Drop a kept table once created. Queries queued since that read it must be awaited
        first (the pipeline drops its tables after every result is in)."""
        pending = self._kept.pop(name, None)
        if pending is None:
            self._backend.drop_table(name, force=force, **kwargs)
            return
        pending.exception()  # wait for it, whatever its outcome
        self.con.execute(f"DROP TABLE IF EXISTS {_quoted(name)}")

    def interrupt(self) -> None:
        """Stop the queries running now and drop the queued ones (the run failed or was
        interrupted: at 50 million lines a query can take seconds more)."""
        self._stopped.set()
        self._pool.shutdown(wait=False, cancel_futures=True)
        for cursor in list(self._cursors):
            with contextlib.suppress(Exception):  # a closed cursor has nothing to stop
                cursor.interrupt()

    def disconnect(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
        for cursor in self._cursors:
            cursor.close()
        con = self.con
        try:
            con.execute(f"USE {_quoted(self._store)}")
            con.execute(f"DETACH DATABASE IF EXISTS {self._work}")
        finally:
            if self._ibis is not None:
                self._ibis.disconnect()
            else:
                con.close()


def open_duckdb(path: Path, memory_limit: str = "", threads: int = 0) -> DuckDBModelBackend:
    """The store at `path` with an in-memory database attached for the model's kept tables.

    `memory_limit` ("2GB"; empty: DuckDB's default) and `threads` (0: one per core) are the
    `[duckdb]` settings; they apply to the whole DuckDB instance of this process.
    """
    import uuid

    import duckdb

    from clientload.errors import ClientloadError
    from clientload.messages import Message
    from clientload.workspace import one_row, open_store_file

    limit = memory_limit.strip()
    if limit and not re.fullmatch(r"\d+(\.\d+)?\s*[KMGT]i?B", limit, flags=re.IGNORECASE):
        raise ClientloadError(Message(
            'duckdb.memory_limit = {value!r}: expected an amount such as "2GB" or "500MB", or '
            '"" for DuckDB\'s default (80 % of the memory)', value=memory_limit,
        ))
    if threads < 0:
        raise ClientloadError(Message("duckdb.threads = {value}: expected 0 (one per core) or "
                                      "more", value=threads))
    con = open_store_file(path)
    # SET takes no parameters; both values are checked above (an amount, an integer)
    for statement in ([f"SET memory_limit = '{limit}'"] if limit else []) + (
        [f"SET threads = {int(threads)}"] if threads else []
    ):
        try:
            con.execute(statement)
        except duckdb.Error as exc:
            con.close()
            raise ClientloadError(Message(
                "[duckdb] {statement}: DuckDB refuses it ({problem})",
                statement=statement[4:], problem=str(exc).splitlines()[0],
            )) from None
    work = f"clientload_model_{uuid.uuid4().hex[:12]}"
    store = "main"
    try:
        store = one_row(con, "SELECT current_database()")[0]
        con.execute(f"ATTACH ':memory:' AS {work}")
        con.execute(f"USE {work}")
    except BaseException:
        with contextlib.suppress(Exception):  # the instance may be shared: leave nothing attached
            con.execute(f"USE {_quoted(store)}")
            con.execute(f"DETACH DATABASE IF EXISTS {work}")
        con.close()
        raise
    return DuckDBModelBackend(con, store=store, work=work)


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
