"""The sales lines' monthly summaries kept in the store, brought up to date at the start of a run.

Three tables (`clientload.model.facts.Summaries`) hold the lines summed per client and month, per
client, order and month, and per client, month and category; for a period of whole months the
model reads them instead of the lines. They depend on the sales lines and on the products (cost
and category of each SKU), so they are rebuilt, month by month, wherever either changed.

Kept up to date here, at the start of each run, rather than by every program that writes the
store: rows arrive through `clientload import` and `clientload pull`, and leave through `import
--replace`, `pull` (a changed 1С document's rows are deleted) or a hand-made `DELETE`. What
changed is found from the store itself, whoever changed it:

- a stamp (the imports log's count and last id, the sales' and products' row counts, and a hash
  of the code that defines the summaries) that, unchanged, means nothing to do (one cheap query
  per run);
- else the lines per import and month (`_import_id` × month, one pass over two columns) against
  those the summaries were built from: a month whose count changed for any import gained or lost
  lines; and the products (SKU, category, unit cost) against those the summaries were built with:
  the months holding lines of a SKU that changed.

Those months are recomputed from their lines (the table's date ranges skip the rest) in one
transaction. A change the stamp cannot see (an `UPDATE` of sales rows by hand: the program never
does one) needs `clientload run --rebuild`, which recomputes everything from the lines, in
batches of whole months (`REBUILD_BATCH_LINES`) so that its memory does not grow with the history.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import duckdb

SUMMARY_TABLES = {
    "months": "_summary_months",
    "orders": "_summary_orders",
    "categories": "_summary_categories",
}
STATE_TABLE = "_summary_state"
SOURCES_TABLE = "_summary_sources"
PRODUCTS_TABLE = "_summary_products"
_MONTH = "(year(date) * 12 + month(date))"


@dataclass
class Refresh:
    """What bringing the summaries up to date did: `rebuilt` (all from the lines), the months
    recomputed, the seconds it took and the summaries' row counts."""

    rebuilt: bool = False
    months: list[int] = field(default_factory=list)
    seconds: float = 0.0
    rows: dict[str, int] = field(default_factory=dict)

    def as_info(self) -> dict[str, Any]:
        return {
            "rebuilt": self.rebuilt,
            "months_recomputed": len(self.months),
            "seconds": round(self.seconds, 3),
            "rows": dict(self.rows),
        }


LINES_VIEW = "_summary_lines"  # the lines a refresh reads: all of them, or some months'


def _summary_sql() -> dict[str, str]:
    """Each summary's query, as DuckDB SQL over the view `LINES_VIEW` of the sales lines (made
    by `_lines_view` before it runs) and the store's `products`. Compiled through Ibis from the
    model's own expressions once per code version; the state table keeps the SQL."""
    import ibis

    from clientload.model import facts
    from clientload.schema import TABLES

    types = {"VARCHAR": "string", "DOUBLE": "float64", "BIGINT": "int64", "DATE": "date",
             "TIMESTAMP": "timestamp", "BOOLEAN": "boolean"}

    def table(name: str, alias: str = "") -> Any:
        columns = {c.name: types[c.type] for c in TABLES[name].columns}
        return ibis.table(columns, name=alias or name)

    store = facts.Store(
        sales=table("sales", LINES_VIEW),
        clients=table("clients"),
        products=table("products"),
        orders=table("orders"),
        interactions=table("interactions"),
        storage=table("storage"),
        receivables=table("receivables"),
    )
    costed = facts.costed_lines(store)
    exprs = {
        "months": facts.month_summary(costed),
        "orders": facts.order_summary(store.sales),
        "categories": facts.category_summary(costed),
    }
    return {name: str(ibis.to_sql(expr, dialect="duckdb")) for name, expr in exprs.items()}


def _lines_view(con: duckdb.DuckDBPyConnection, months: list[int] | None) -> None:
    """The view of the lines the summaries' SQL reads: all, or those of `months` (the date
    range first, so that DuckDB skips the row groups outside it)."""
    where = ""
    if months is not None:
        start = "-".join(f"{n:02d}" for n in _first_day(min(months)))
        end = "-".join(f"{n:02d}" for n in _first_day(max(months) + 1))
        listed = ", ".join(str(int(m)) for m in months)
        where = (f" WHERE date >= DATE '{start}' AND date < DATE '{end}' "
                 f"AND {_MONTH} IN ({listed})")
    con.execute(f"CREATE OR REPLACE TEMP VIEW {LINES_VIEW} AS SELECT * FROM sales{where}")


def _first_day(month: int) -> tuple[int, int, int]:
    """The first day of a month index (year × 12 + month, month 1..12)."""
    year, rest = divmod(month - 1, 12)
    return year, rest + 1, 1


def _stamp(con: duckdb.DuckDBPyConnection, version: str) -> str:
    row = con.execute(
        "SELECT (SELECT count(*) FROM imports), (SELECT coalesce(max(import_id), 0) FROM imports),"
        " (SELECT count(*) FROM sales), (SELECT count(*) FROM products)"
    ).fetchone()
    return hashlib.sha256(json.dumps([list(row or ()), version]).encode()).hexdigest()


def _state(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    con.execute(
        f"CREATE TABLE IF NOT EXISTS {STATE_TABLE} (key VARCHAR PRIMARY KEY, value VARCHAR)"
    )
    return dict(con.execute(f"SELECT key, value FROM {STATE_TABLE}").fetchall())


def _set_state(con: duckdb.DuckDBPyConnection, values: dict[str, str]) -> None:
    con.execute(f"DELETE FROM {STATE_TABLE}")
    con.executemany(f"INSERT INTO {STATE_TABLE} VALUES (?, ?)", list(values.items()))


_PRODUCTS = (
    "SELECT sku, coalesce(category, '(no category)') AS category, unit_cost FROM products"
)
_SOURCES = f"SELECT _import_id AS import_id, {_MONTH} AS month, count(*) AS lines FROM sales " \
    "GROUP BY ALL"


def code_version() -> str:
    """A hash of the code that defines the summaries (this module and the model's facts): a
    store whose summaries another version built gets them rebuilt."""
    from pathlib import Path

    here = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for path in (here / "summaries.py", here / "model" / "facts.py"):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def refresh_summaries(con: duckdb.DuckDBPyConnection, rebuild: bool = False) -> Refresh:
    """Bring the store's summaries up to date (see the module); `rebuild` recomputes all."""
    started = time.perf_counter()
    done = Refresh()
    state = _state(con)
    version = code_version()
    stamp = _stamp(con, version)
    if not rebuild and state.get("stamp") == stamp and _have_tables(con):
        done.seconds = time.perf_counter() - started
        return done
    current = state.get("version") == version and "sql" in state
    # the compiled SQL of this code version, kept: a refresh after an import needs no Ibis
    sql = json.loads(state["sql"]) if current else _summary_sql()
    con.execute("BEGIN TRANSACTION")
    try:
        if rebuild or not current or not _have_tables(con):
            # the lines per import and month first: the rebuild batches its months by them
            con.execute(f"CREATE OR REPLACE TABLE {SOURCES_TABLE} AS {_SOURCES}")
            _rebuild(con, sql)
            done.rebuilt = True
        else:
            done.months = _changed_months(con)
            if done.months:
                _recompute(con, sql, done.months)
            con.execute(f"CREATE OR REPLACE TABLE {SOURCES_TABLE} AS {_SOURCES}")
        con.execute(f"DROP VIEW IF EXISTS {LINES_VIEW}")
        con.execute(f"CREATE OR REPLACE TABLE {PRODUCTS_TABLE} AS {_PRODUCTS}")
        _set_state(con, {"version": version, "stamp": _stamp(con, version),
                         "sql": json.dumps(sql)})
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    from clientload.workspace import one_row

    done.rows = {
        name: int(one_row(con, f"SELECT count(*) FROM {table}")[0])
        for name, table in SUMMARY_TABLES.items()
    }
    done.seconds = time.perf_counter() - started
    return done


def _have_tables(con: duckdb.DuckDBPyConnection) -> bool:
    names = {
        r[0]
        for r in con.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = current_schema() AND table_catalog = current_database()"
        ).fetchall()
    }
    return {*SUMMARY_TABLES.values(), SOURCES_TABLE, PRODUCTS_TABLE} <= names


# A rebuild reads the lines in batches of whole months of about this many lines: summing all of
# 10M lines at once held 0.85 GB, in batches of 2.5M 0.45 GB, for 0.1-0.3 s more (4 passes).
REBUILD_BATCH_LINES = 2_500_000


def _rebuild(con: duckdb.DuckDBPyConnection, sql: dict[str, str]) -> None:
    """Every summary from the lines, month batch by month batch (`SOURCES_TABLE` is current)."""
    counts = con.execute(
        f"SELECT month, sum(lines) FROM {SOURCES_TABLE} GROUP BY ALL ORDER BY month"
    ).fetchall()
    _lines_view(con, None)
    if any(month is None for month, _ in counts):  # lines without a date (a hand-made INSERT)
        for name, table in SUMMARY_TABLES.items():
            con.execute(f"CREATE OR REPLACE TABLE {table} AS {sql[name]}")
        return
    for name, table in SUMMARY_TABLES.items():
        con.execute(f"CREATE OR REPLACE TABLE {table} AS SELECT * FROM ({sql[name]}) WHERE false")
    for months in month_batches([(int(m), int(n)) for m, n in counts], REBUILD_BATCH_LINES):
        _lines_view(con, months)
        for name, table in SUMMARY_TABLES.items():
            con.execute(f"INSERT INTO {table} BY NAME {sql[name]}")


def month_batches(counts: list[tuple[int, int]], most: int) -> list[list[int]]:
    """Consecutive months (`counts`: month, lines; in order) in batches of at most `most` lines,
    or of one month when that month alone has more."""
    batches: list[list[int]] = []
    total = 0
    for month, lines in counts:
        if not batches or total + lines > most:
            batches.append([])
            total = 0
        batches[-1].append(month)
        total += lines
    return batches


def _changed_months(con: duckdb.DuckDBPyConnection) -> list[int]:
    """The months whose lines changed (any import's count of lines in the month differs from
    what the summaries were built from), and those holding lines of a SKU whose category or
    unit cost changed (or that came into or left the products)."""
    lines = con.execute(
        f"""SELECT DISTINCT month FROM (
                SELECT coalesce(n.month, o.month) AS month
                FROM ({_SOURCES}) n FULL OUTER JOIN {SOURCES_TABLE} o
                  ON n.import_id IS NOT DISTINCT FROM o.import_id AND n.month = o.month
                WHERE n.lines IS DISTINCT FROM o.lines)
            WHERE month IS NOT NULL"""
    ).fetchall()
    skus = con.execute(
        f"""SELECT coalesce(n.sku, o.sku) FROM ({_PRODUCTS}) n FULL OUTER JOIN {PRODUCTS_TABLE} o
              ON n.sku = o.sku
            WHERE n.sku IS NULL OR o.sku IS NULL OR n.category IS DISTINCT FROM o.category
               OR n.unit_cost IS DISTINCT FROM o.unit_cost"""
    ).fetchall()
    months = {int(r[0]) for r in lines}
    if skus:
        con.execute("CREATE OR REPLACE TEMP TABLE _summary_skus (sku VARCHAR)")
        con.executemany("INSERT INTO _summary_skus VALUES (?)", skus)
        months |= {
            int(r[0])
            for r in con.execute(
                f"SELECT DISTINCT {_MONTH} FROM sales WHERE sku IN (SELECT sku FROM _summary_skus)"
            ).fetchall()
            if r[0] is not None
        }
        con.execute("DROP TABLE _summary_skus")
    return sorted(months)


def _recompute(con: duckdb.DuckDBPyConnection, sql: dict[str, str], months: list[int]) -> None:
    _lines_view(con, months)
    listed = ", ".join(str(int(m)) for m in months)
    for name, table in SUMMARY_TABLES.items():
        con.execute(f"DELETE FROM {table} WHERE month IN ({listed})")
        con.execute(f"INSERT INTO {table} BY NAME {sql[name]}")


def summary_tables(backend: Any, database: Any = None) -> Any:
    """The store's summaries as Ibis tables of `backend` (None when the store has none)."""
    from clientload.model.facts import Summaries

    tables = {
        name: backend.table(table, database=database) if database else backend.table(table)
        for name, table in SUMMARY_TABLES.items()
    }
    return Summaries(**tables)
