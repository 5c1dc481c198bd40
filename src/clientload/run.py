"""`clientload run`: read the settings and the store, run the model, write `out/`, keep history.

The thin IO around `clientload.model`: picks the period, opens the engine, writes every output
table as CSV and Parquet with `run_info.json`, and appends a dated snapshot to the store's
history tables in one transaction.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from clientload.errors import ClientloadError
from clientload.history import (  # noqa: F401  (read from here by the web app and the API)
    HISTORY_CLIENT_COLUMNS,
    HISTORY_DDL,
    History,
    append_history,
    connection,
    read_history,
)
from clientload.messages import Message
from clientload.model.period import Period, default_period, parse_period
from clientload.progress import ProgressFn, no_progress
from clientload.workspace import Workspace, open_workspace

ENGINES = ("duckdb", "spark")
PLANS_DIR = Path("cache") / "plans"  # the model's compiled queries (`clientload.model.plan`)

@dataclass(frozen=True)
class RunResult:
    """What a run produced: its info (as in run_info.json), the output folder and the tables."""

    info: dict[str, Any]
    out_dir: Path
    tables: Mapping[str, Any]  # name → pyarrow.Table


class OutputTables(Mapping[str, Any]):
    """A run's output tables, each read from `out/NAME.parquet` the first time it is asked for.

    The run hands every table to its writers and lets go of it, instead of keeping them all (0.57
    GB of Arrow at 50 million lines) for callers that mostly want one small table or none. A
    table read after another run has replaced `out/` is that run's table.
    """

    def __init__(self, out_dir: Path, names: Iterable[str]):
        self.out_dir = out_dir
        self._names = list(names)
        self._read: dict[str, Any] = {}

    def __getitem__(self, name: str) -> Any:
        if name not in self._names:
            raise KeyError(name)
        if name not in self._read:
            import pyarrow.parquet as pq

            # ParquetFile, not read_table: that one imports pandas (0.3 s)
            self._read[name] = pq.ParquetFile(self.out_dir / f"{name}.parquet").read()
        return self._read[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)


def _settings_text(ws: Workspace) -> str:
    from clientload.settings import default_toml_text

    return ws.settings_path.read_text("utf-8") if ws.settings_path.exists() else default_toml_text()


def _store_facts(ws: Workspace, con: Any = None) -> tuple[dict[str, int], date | None, date | None]:
    """Row counts of the input tables and the first and last sales dates; creates the tables if
    missing."""
    from clientload.schema import TABLES

    with connection(ws, con) as con:
        counts = {
            name: int(con.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0])
            for name in TABLES
        }
        first, last = con.execute("SELECT min(date), max(date) FROM sales").fetchone()
    return counts, first, last


def outside_period(ws: Workspace, period: Period, con: Any = None) -> dict[str, dict[str, int]]:
    """For every input table, its rows dated before the period's start and after its end (a
    table without dates has none): what the run does not count, said rather than dropped."""
    from clientload.schema import TABLES

    out = {}
    with connection(ws, con) as con:
        for name, table in TABLES.items():
            if not table.dated_by:
                out[name] = {"before": 0, "after": 0}
                continue
            before, after = con.execute(
                f"SELECT count(*) FILTER (WHERE {table.dated_by} < ?), "
                f'count(*) FILTER (WHERE {table.dated_by} > ?) FROM "{name}"',
                [period.start, period.end],
            ).fetchone()
            out[name] = {"before": int(before), "after": int(after)}
    return out


def _has_activity(ws: Workspace, period: Period, con: Any = None) -> bool:
    """Any sales in the period or the previous one, or any interaction or storage in the period.

    Read-write as everywhere else in a run: inside the web app a read-only connection would be
    refused while a request holds the store (DuckDB allows one configuration per file and process).
    """
    previous = period.previous()
    with connection(ws, con) as con:
        found = con.execute(
            """SELECT EXISTS (SELECT 1 FROM sales WHERE date BETWEEN ? AND ?)
                   OR EXISTS (SELECT 1 FROM interactions
                              WHERE date IS NULL OR CAST(date AS DATE) BETWEEN ? AND ?)
                   OR EXISTS (SELECT 1 FROM storage WHERE date BETWEEN ? AND ?)""",
            [previous.start, period.end, period.start, period.end, period.start, period.end],
        ).fetchone()[0]
    return bool(found)


def choose_period(text: str | Period | None, last_sales_date: date, months: int) -> Period:
    """`--period` as given, else the last `months` months ending at the last sales date."""
    if isinstance(text, Period):
        return text
    if text:
        return parse_period(text)
    return default_period(last_sales_date, months)


def _empty_period(chosen: Period, last_sales: date) -> ClientloadError:
    return ClientloadError(Message(
        "--period {start}:{end}: no clients with sales or activity in the period; the sales run "
        "to {last}", start=str(chosen.start), end=str(chosen.end), last=str(last_sales),
    ))


def _open_engine(engine: str, ws: Workspace, counts: dict[str, int], settings: Any = None):
    if engine == "spark":
        from clientload.engines.spark import open_spark

        return open_spark(ws, counts)
    if engine != "duckdb":
        raise ClientloadError(f"--engine {engine!r}: expected one of {', '.join(ENGINES)}")
    from clientload.engines.duckdb import open_duckdb

    limits = (settings or ws.settings()).section("duckdb")
    backend = open_duckdb(
        ws.store_path,
        memory_limit=str(limits.get("memory_limit", "")),
        threads=int(limits.get("threads", 0)),
    )
    # the input tables as Ibis tables only if a stage of the model is built (not replayed)
    return backend, lambda: store_of(backend, counts, summaries=True)


def store_of(backend, counts: dict[str, int], summaries: bool = False):
    """The model's input tables on an Ibis backend that holds the contract's table names (and,
    with `summaries`, the sales lines' monthly summaries: `clientload.summaries`)."""
    from clientload.model.facts import Store
    from clientload.summaries import summary_tables

    return Store(
        sales=backend.table("sales"),
        clients=backend.table("clients"),
        products=backend.table("products"),
        orders=backend.table("orders"),
        interactions=backend.table("interactions"),
        storage=backend.table("storage"),
        receivables=backend.table("receivables"),
        has_orders=counts["orders"] > 0,
        has_products=counts["products"] > 0,
        summaries=summary_tables(backend) if summaries else None,
    )


def refresh_store_summaries(ws: Workspace, rebuild: bool = False, con: Any = None):
    """Bring the store's monthly summaries of the sales lines up to date
    (`clientload.summaries`)."""
    from clientload.summaries import refresh_summaries

    with connection(ws, con) as con:
        return refresh_summaries(con, rebuild=rebuild)


def _drop_cached_pages(con) -> None:
    """DuckDB keeps the pages it read cached up to its memory limit: after a rebuild of the
    summaries those of every sales line, which the model then never reads. A limit lowered for
    a moment evicts them (at 10M lines the run's peak went from 1.03–1.07 to 0.89–0.95 GiB); the
    `[duckdb]` settings apply after this, when the engine opens."""
    import duckdb

    try:
        con.execute("SET memory_limit = '32MB'")
    except duckdb.Error:  # pages still in use: they stay, the run goes on as it would have
        pass
    finally:
        con.execute("RESET memory_limit")


def run_model(
    directory: str | Path,
    period: str | Period | None = None,
    engine: str = "duckdb",
    progress: ProgressFn | None = None,
    keep_history: bool = True,
    rebuild: bool = False,
) -> RunResult:
    """Compute the model for the workspace in `directory` and write `out/`.

    `rebuild`: recompute the store's monthly summaries of the sales lines from the lines (they
    are otherwise brought up to date for the months that changed)."""
    report = progress or no_progress
    started = time.perf_counter()
    if engine not in ENGINES:
        raise ClientloadError(f"--engine {engine!r}: expected one of {', '.join(ENGINES)}")
    ws = open_workspace(directory)
    settings = ws.settings()
    report("read", 0, 1)
    # One connection to the store for the run's own reads and writes (each new one costs the
    # checks of `Workspace.connect`); closed while Spark's export opens the store read-only.
    con = ws.connect()
    try:
        return _run(ws, con, settings, period, engine, report, keep_history, rebuild, started)
    finally:
        con.close()


def _run(ws, con, settings, period, engine, report, keep_history, rebuild, started) -> RunResult:
    from clientload.model.pipeline import StoreShape, compute_model
    from clientload.model.warnings import run_warnings

    counts, first_sales, last_sales = _store_facts(ws, con)
    if not counts["sales"] or last_sales is None:
        raise ClientloadError(Message(
            "{store}: no sales in the store; import them with "
            "`clientload import {root} FILE --table sales`", store=ws.store_path, root=ws.root,
        ))
    analysis = settings.section("analysis")
    chosen = choose_period(period, last_sales, int(analysis["period_months"]))
    if not _has_activity(ws, chosen, con):
        raise _empty_period(chosen, last_sales)
    refreshed = refresh_store_summaries(ws, rebuild, con)
    reopen = engine == "spark"
    if reopen:  # Spark's export opens the store read-only
        con.close()
    elif refreshed.rebuilt:
        _drop_cached_pages(con)
    writer = OutputWriter(ws.out_dir, started=started)
    try:
        backend, store = _open_engine(engine, ws, counts, settings)
    except BaseException:
        writer.abandon()
        raise
    report("read", 1, 1)
    try:
        result = compute_model(
            backend,
            store,
            settings,
            chosen,
            progress=report,
            on_output=writer,
            keep_outputs=False,
            plans=ws.root / PLANS_DIR,
            shape=StoreShape(counts["orders"] > 0, counts["products"] > 0, summaries=True),
        )
    except BaseException:
        try:
            getattr(backend, "interrupt", lambda: None)()
            # before the writer: the engine's workers may still hand it tables until they stop
            backend.disconnect()
        finally:
            writer.abandon()
        raise
    backend.disconnect()  # waits for the workers, so every emitted table reached the writer
    if result.headlines["clients"] == 0:
        writer.abandon()
        raise _empty_period(chosen, last_sales)
    settings_text = _settings_text(ws)
    previous = chosen.previous()
    if reopen:
        con = ws.connect()
    outside = outside_period(ws, chosen, con)
    from clientload.setup.warnings import department_sizing, sizing_warning

    sized = [w for w in (sizing_warning(settings),) if w is not None]
    info: dict[str, Any] = {
        "period_start": chosen.start.isoformat(),
        "period_end": chosen.end.isoformat(),
        "months": round(chosen.months, 4),
        "previous_period_start": previous.start.isoformat(),
        "previous_period_end": previous.end.isoformat(),
        "engine": engine,
        "cost_of_capital": settings.cost_of_capital,
        "currency": analysis["currency"],
        "settings_sha256": hashlib.sha256(settings_text.encode("utf-8")).hexdigest(),
        "rows": dict(result.rows),
        "input_rows": counts,
        "headlines": result.headlines,
        "outside_period": outside,
        "department_sizing": department_sizing(settings),
        "warnings": sized + run_warnings(
            period=chosen,
            first_sales=first_sales,
            headlines=result.headlines,
            capacity=result.tables["capacity"].to_pylist(),
            assumed_margin_rate=settings.assumed_margin_rate,
            low_capacity_use=float(analysis.get("low_capacity_use", 0.05)),
            outside_period=outside,
            lapsed_max_revenue_share=float(analysis.get("lapsed_max_revenue_share", 0.1)),
        ),
        "timings": dict(result.timings),
        "summaries": refreshed.as_info(),
    }
    report("write", 0, 1)
    clock = time.perf_counter()
    try:
        writer.finish(expected=result.rows)
    except BaseException:
        writer.abandon()
        raise
    info["timings"]["write"] = round(time.perf_counter() - clock, 3)
    info["timings"]["ready"] = dict(writer.ready)
    if keep_history:
        clock = time.perf_counter()
        import pyarrow.parquet as pq

        metrics = ws.out_dir / "client_metrics.parquet"
        # ParquetFile, not read_table: that one imports pandas (0.3 s) for nothing here
        clients = pq.ParquetFile(metrics).read(columns=list(HISTORY_CLIENT_COLUMNS))
        info["run_id"] = append_history(ws, info, settings_text, clients, con=con)
        info["timings"]["history"] = round(time.perf_counter() - clock, 3)
    info["timings"]["total"] = round(time.perf_counter() - started, 3)
    (ws.out_dir / "run_info.json").write_text(
        json.dumps(info, indent=2, ensure_ascii=False, default=str), "utf-8"
    )
    report("write", 1, 1)
    if reopen:
        con.close()
    return RunResult(info=info, out_dir=ws.out_dir, tables=OutputTables(ws.out_dir, result.rows))


class OutputWriter:
    """Writes each output table as `NAME.parquet` and `NAME.csv` (UTF-8, comma, header row) while
    the model goes on computing the rest, then moves them into `out/` when all are written.

    The model emits a table as soon as it is final; Arrow's writers release the GIL, so writing
    runs on the cores the engine's small per-client queries leave idle. Files go to a staging
    folder first: a run that fails half-way leaves the previous run's `out/` as it was.
    """

    def __init__(self, out_dir: Path, workers: int = 2, started: float | None = None):
        import shutil
        from concurrent.futures import ThreadPoolExecutor

        self.started = time.perf_counter() if started is None else started
        self.ready: dict[str, float] = {}  # seconds from `started` until each table was handed in
        self.out_dir = out_dir
        self.staging = out_dir / ".writing"
        shutil.rmtree(self.staging, ignore_errors=True)
        self.staging.mkdir(parents=True, exist_ok=True)
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="clientload-out")
        self._futures: list[Any] = []
        self.names: list[str] = []

    def __call__(self, name: str, table: Any) -> None:
        import pyarrow.csv as pacsv
        import pyarrow.parquet as pq

        self.ready[name] = round(time.perf_counter() - self.started, 3)
        self.names.append(name)
        for write, suffix in ((pq.write_table, "parquet"), (pacsv.write_csv, "csv")):
            path = self.staging / f"{name}.{suffix}"
            self._futures.append(self._pool.submit(write, table, path))

    def finish(self, expected: Any = ()) -> None:
        """Wait for every file, then move them into `out/`, file by file (each replaced
        atomically; `run_info.json` is written after them). A failed write raises here, and so
        does a table of `expected` that never reached the writer."""
        import os

        missing = sorted(set(expected) - set(self.names))
        if missing:
            raise RuntimeError(f"output tables not written: {', '.join(missing)}")
        try:
            for future in self._futures:
                future.result()
        finally:
            self._pool.shutdown(wait=True)
        for name in self.names:
            for suffix in ("parquet", "csv"):
                os.replace(self.staging / f"{name}.{suffix}", self.out_dir / f"{name}.{suffix}")
        self.staging.rmdir()

    def abandon(self) -> None:
        import shutil

        self._pool.shutdown(wait=True, cancel_futures=True)
        shutil.rmtree(self.staging, ignore_errors=True)
