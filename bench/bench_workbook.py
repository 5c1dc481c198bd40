"""Benchmark of the live workbook: time, size and memory of `write_workbook` for large bases.

Run: `uv run python bench/bench_workbook.py [--clients 50000] [--lines 1000000] [--recalc]`.
A company is generated and the model run in a temporary workspace (or in `--workspace DIR`,
reused when it already holds a run). Printed, as JSON:
- `read_s`: reading the rows from the store (`read_inputs`); `form` (months or summed) and
  `month_rows`, the rows of `ClientMonths`;
- `write_s`, `mib`, `cells`, `formulas`: writing the workbook (constant-memory mode above
  `STREAM_LIMIT` clients) and its size;
- `values_s`, `values_mib`: plain XlsxWriter writing the same number of cells as numbers, the
  floor any writer of this many cells pays, and `ratio` = write_s / values_s;
- `peak_rss_mib`: peak resident memory of the process;
- with `--recalc`: `libreoffice_recalc_s`, a full recalculation on load in headless LibreOffice
  (what a user waits for: open, recalculate every formula, save), its CPU time
  (`libreoffice_cpu_s`: on a shared machine the wall time grows with the load, the CPU time
  much less) and its peak memory (`libreoffice_peak_rss_mib`), and `load_average` at its start.
`--summed` writes the pre-summed form whatever the size.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import tempfile
import time
import zipfile
from pathlib import Path


def _prepare(root: Path, clients: int, lines: int) -> float:
    from clientload.generate.into import generate_workspace
    from clientload.run import run_model

    if (root / "out" / "run_info.json").exists():
        return 0.0
    started = time.perf_counter()
    generate_workspace(root, clients=clients, lines=lines, seed=5)
    run_model(root, keep_history=True)
    return time.perf_counter() - started


def _count_cells(path: Path) -> tuple[int, int]:
    """Cells and formulas in the file's worksheets (counted in the XML, streaming)."""
    cells = formulas = 0
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/sheet"):
                with z.open(name) as fh:
                    while chunk := fh.read(1 << 20):
                        cells += chunk.count(b"<c ")
                        # <f>: a formula; <f t="shared" ...>: a cell of a shared one
                        formulas += chunk.count(b"<f>") + chunk.count(b"<f t=")
    return cells, formulas


def _values_only(path: Path, rows: int, cols: int) -> float:
    """Plain XlsxWriter, constant memory: `rows` × `cols` numbers."""
    import xlsxwriter

    started = time.perf_counter()
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    ws = wb.add_worksheet("Values")
    for r in range(rows):
        for c in range(cols):
            ws.write_number(r, c, r + c * 0.5)
    wb.close()
    return time.perf_counter() - started


def _recalc(book: Path) -> dict[str, float]:
    """Wall and CPU seconds and peak memory of LibreOffice's recalculation, from GNU time (a
    child's own ru_maxrss starts at its parent's, which here holds the whole workbook)."""
    from clientload.export.libreoffice import recalculate, soffice_path

    if soffice_path() is None:
        raise SystemExit("--recalc needs LibreOffice (soffice)")
    report = book.parent / "time.txt"
    started = time.perf_counter()
    recalculate(
        book, book.parent / "recalculated",
        prefix=("/usr/bin/time", "-f", "%U %S %M", "-o", str(report)),
    )
    wall = time.perf_counter() - started
    user, system, peak_kib = report.read_text().split()[-3:]
    return {
        "libreoffice_recalc_s": round(wall, 1),
        "libreoffice_cpu_s": round(float(user) + float(system), 1),
        "libreoffice_peak_rss_mib": round(int(peak_kib) / 1024),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50_000)
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--workspace", type=Path, default=None)
    parser.add_argument("--recalc", action="store_true")
    parser.add_argument("--summed", action="store_true")
    args = parser.parse_args()

    from clientload.export.inputs import read_inputs
    from clientload.export.workbook import write_inputs
    from clientload.workspace import open_workspace

    with tempfile.TemporaryDirectory() as tmp:
        root = args.workspace or Path(tmp) / "company"
        prepare_s = _prepare(root, args.clients, args.lines)
        started = time.perf_counter()
        inputs = read_inputs(open_workspace(root), force_summed=args.summed)
        read_s = time.perf_counter() - started
        book = Path(tmp) / "workbook.xlsx"
        started = time.perf_counter()
        write_inputs(inputs, book, "ru")
        write_s = time.perf_counter() - started
        cells, formulas = _count_cells(book)
        n = len(inputs.rows.clients)
        values = Path(tmp) / "values.xlsx"
        values_s = _values_only(values, n, max(cells // max(n, 1), 1))
        result = {
            "clients": n,
            "form": inputs.form,
            "month_rows": len(inputs.rows.months),
            "prepare_s": round(prepare_s, 1),
            "read_s": round(read_s, 2),
            "write_s": round(write_s, 2),
            "mib": round(book.stat().st_size / 2**20, 1),
            "cells": cells,
            "formulas": formulas,
            "values_s": round(values_s, 2),
            "values_mib": round(values.stat().st_size / 2**20, 1),
            "ratio": round(write_s / values_s, 2),
            "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        }
        if args.recalc:
            result["load_average"] = round(os.getloadavg()[0], 1)
            result |= _recalc(book)
        print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
