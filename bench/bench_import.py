"""Benchmark of `import_files`: lines per second and peak memory for a generated sales file.

Run: `uv run python bench/bench_import.py [--lines 10000000] [--style 1c|plain|parquet|flat]`.
`1c` writes what a 1С export looks like (`;`, decimal comma with no-break-space thousands,
dd.mm.yyyy, Russian headers, about 1% junk lines that must be rejected); `plain` an ISO, comma
separated file with contract names; `parquet` the same as Parquet. `flat` is a flat order-lines
report (four lines per order, the order repeated on each, urgency as ship-mode words) imported
into `orders` with a `[values.urgent]` map: the identical repeats collapse, and one line of every
1,000th order disagrees and is rejected. The file is generated with DuckDB (not timed); the import
runs in a fresh process so its peak RSS is its own.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HEADERS = {
    "1c": ("Дата", "Документ", "Контрагент", "Номенклатура", "Количество", "Сумма",
           "Себестоимость"),
    "plain": ("date", "order_id", "client_id", "sku", "quantity", "revenue", "cost"),
}
FLAT_MAPPING = (
    '[columns]\nurgent = "Ship Mode"\n[values.urgent]\n"Same Day" = true\n'
    '"First Class" = true\n"Second Class" = false\n"Standard Class" = false\n'
)


def generate_flat(path: Path, lines: int) -> None:
    """Order lines, four per order; the 3rd line of every 1,000th order has another ship mode."""
    import duckdb

    mode = ("list_extract(['Standard Class', 'Second Class', 'First Class', 'Same Day'], "
            "CAST((i // 4 + CASE WHEN i // 4 % 1000 = 0 AND i % 4 = 2 THEN 2 ELSE 0 END) % 4 "
            "AS INTEGER) + 1)")
    select = (
        "SELECT 'CA-' || (i // 4) AS \"Order ID\", 'C' || (i // 4 % 20000) AS \"Customer ID\", "
        "strftime(DATE '2024-01-01' + CAST(i // 4 % 365 AS INTEGER), '%m/%d/%Y') AS "
        f"\"Order Date\", {mode} AS \"Ship Mode\", (i % 7) + 1 AS \"Quantity\" "
        f"FROM range({lines}) t(i)"
    )
    with duckdb.connect() as con:
        con.execute(f"COPY ({select}) TO '{path}' (FORMAT csv, HEADER true)")


def generate(path: Path, lines: int, style: str) -> None:
    """A sales file of `lines` lines; in the 1С style every 100th line holds a bad number."""
    import duckdb

    names = HEADERS["plain" if style == "parquet" else style]
    if style == "1c":
        date = "strftime(DATE '2024-01-01' + CAST(i % 365 AS INTEGER), '%d.%m.%Y')"
        amount = (
            "CASE WHEN i % 100 = 99 THEN 'n/a' ELSE "
            "replace(replace(format('{:,.2f}', (i % 997) * 13.37), ',', chr(160)), '.', ',') END"
        )
        cost = "replace(format('{:.2f}', (i % 997) * 9.11), '.', ',')"
    else:
        date = "DATE '2024-01-01' + CAST(i % 365 AS INTEGER)"
        amount = "round((i % 997) * 13.37, 2)"
        cost = "round((i % 997) * 9.11, 2)"
    select = (
        f"SELECT {date} AS \"{names[0]}\", 'DOC-' || (i // 5) AS \"{names[1]}\", "
        f"'C' || (hash(i // 5) % 20000) AS \"{names[2]}\", 'SKU-' || (i % 5000) AS \"{names[3]}\", "
        f"(i % 7) + 1 AS \"{names[4]}\", {amount} AS \"{names[5]}\", {cost} AS \"{names[6]}\" "
        f"FROM range({lines}) t(i)"
    )
    options = "FORMAT parquet" if style == "parquet" else (
        "FORMAT csv, HEADER true, DELIMITER ';'" if style == "1c" else "FORMAT csv, HEADER true"
    )
    with duckdb.connect() as con:
        con.execute(f"COPY ({select}) TO '{path}' ({options})")


def _import(path: str) -> dict[str, object]:
    from clientload.ingest import import_files
    from clientload.workspace import init_workspace

    flat = Path(path).name.startswith("sales-flat")
    with tempfile.TemporaryDirectory() as tmp:
        ws = init_workspace(Path(tmp) / "ws")
        mapping = None
        if flat:
            mapping = Path(tmp) / "orders.toml"
            mapping.write_text(FLAT_MAPPING, "utf-8")
        marks: list[tuple[int, float]] = []

        def mark(stage: str, done: int, total: int) -> None:
            marks.append((done, time.perf_counter()))

        started = time.perf_counter()
        result = import_files(ws, [Path(path)], "orders" if flat else "sales", mapping=mapping,
                              progress=mark)
        seconds = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_SELF)
    peak_kib = usage.ru_maxrss
    return {
        "lines": result.rows_read,
        "loaded": result.rows_loaded,
        "collapsed": result.rows_collapsed,
        "rejected": result.rows_rejected,
        "seconds": round(seconds, 2),
        "lines_per_second": round(result.rows_read / seconds),
        "peak_rss_mib": round(peak_kib / 1024),
        # CPU seconds of the whole process (DuckDB's threads included): on a busy machine the
        # wall time grows, this does not.
        "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 1),
        "notes": result.notes,
        # progress steps: 1 = staged (read into DuckDB), 2 = checked, 4 = loaded and committed
        "seconds_to_step": {str(done): round(at - started, 1) for done, at in marks},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lines", type=int, default=10_000_000)
    parser.add_argument("--style", choices=("1c", "plain", "parquet", "flat"), default="1c")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(_import(args.child), ensure_ascii=False))
        return
    with tempfile.TemporaryDirectory() as tmp:
        suffix = ".parquet" if args.style == "parquet" else ".csv"
        path = Path(tmp) / f"sales-{args.style}{suffix}"
        started = time.perf_counter()
        if args.style == "flat":
            generate_flat(path, args.lines)
        else:
            generate(path, args.lines, args.style)
        size = path.stat().st_size
        print(f"generated {args.lines:,} lines ({size / 2**20:.0f} MiB, {args.style}) "
              f"in {time.perf_counter() - started:.1f} s")
        child = subprocess.run(
            [sys.executable, __file__, "--child", str(path)],
            check=True, capture_output=True, text=True,
        )
        figures = json.loads(child.stdout)
    print(json.dumps(figures, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
