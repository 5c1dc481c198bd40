"""Scale benchmark: import, the model, the workbook and peak memory, with ratios from the same run.

    uv run python bench/bench_scale.py                       # 1M and 10M sales lines
    uv run python bench/bench_scale.py --lines 1000000 --keep /tmp/scale
    uv run python bench/bench_scale.py --with-50m            # adds 50M lines (long: ~30 GB disk)

For each size (200 lines per client, so 50,000 clients at 10M; orders, interactions, storage
and receivables in proportion, from `clientload.generate`) every stage runs in its own child
process, so that its time and peak resident memory (VmHWM) are its own:

- `generate`: the synthetic company as Parquet, a workspace with departments sized to it;
- `import`: `clientload.ingest.import_files` of every table into the store;
- `run`: `clientload.run.run_model` on DuckDB (its stages from `run_info.json`); this and the
  `limit` stages run `--repeat` times (3) and the median is shown;
- `limit`: DuckDB's bare one-pass aggregation of the same sales lines by client (revenue, cost,
  count) — the least any engine must do — over the generated Parquet and over the store;
- `pandas`: `bench/pandas_model.py`, the same per-client figures written the idiomatic pandas way
  (the Parquet copy it reads is written first, untimed);
- `workbook` (at the first size with ≥ 50,000 clients, or the largest size):
  `clientload.export.write_workbook`, and `xlsx-plain`: XlsxWriter writing the same sheets'
  cells as plain values.

Children keep a bytecode cache (see `child_env`; `--no-bytecode` to compile every module from
source as this machine's environment otherwise does); each stage's CPU seconds are printed
beside its wall time. `--keep DIR --reuse` measures again on workspaces already generated.

First, on a small company, the pandas figures are checked against the model's and the result is
printed. The load average of the machine at the start of each stage is printed beside it.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
LIMIT_SQL = (
    "SELECT client_id, sum(revenue) AS revenue, sum(cost) AS cost, count(*) AS lines "
    "FROM {source} GROUP BY client_id"
)


def _peak_mb() -> float:
    """This process's peak resident memory (VmHWM: its own, not inherited from the parent)."""
    status = Path("/proc/self/status").read_text()
    return int(status.split("VmHWM:")[1].split()[0]) / 1024


# ---- stages, each run in a child process -------------------------------------------------------


def stage_generate(root: Path, clients: int, lines: int, seed: int) -> dict:
    from clientload.generate import generate_company, suggested_departments
    from clientload.generate.sizing import sized_settings_text
    from clientload.settings import default_settings, default_toml_text
    from clientload.workspace import init_workspace

    company = generate_company(root / "data" / "generated", clients, lines, seed=seed)
    sized = suggested_departments(company, default_settings())
    init_workspace(root, sized_settings_text(default_toml_text(), sized))
    files = {table: str(path) for table, path in company.files.items()}
    (root / "bench_files.json").write_text(json.dumps(files))
    return {"rows": company.rows}


def stage_import(root: Path) -> dict:
    from clientload.ingest import import_files
    from clientload.workspace import open_workspace

    ws = open_workspace(root)
    files = json.loads((root / "bench_files.json").read_text())
    seconds = {}
    for table, path in files.items():
        started = time.perf_counter()
        import_files(ws, [Path(path)], table)
        seconds[table] = round(time.perf_counter() - started, 2)
    return {"tables": seconds}


def stage_run(root: Path) -> dict:
    from clientload.run import run_model

    started = time.perf_counter()
    result = run_model(root, keep_history=False)
    return {
        "seconds": time.perf_counter() - started,
        "timings": result.info["timings"],
        "clients": result.info["rows"]["client_metrics"],
        "period": f"{result.info['period_start']}:{result.info['period_end']}",
    }


def stage_limit(root: Path, source: str) -> dict:
    import duckdb

    if source == "parquet":
        files = json.loads((root / "bench_files.json").read_text())
        con = duckdb.connect()
        sql = LIMIT_SQL.format(source=f"read_parquet('{files['sales']}')")
    else:
        con = duckdb.connect(str(root / "clientload.duckdb"), read_only=True)
        sql = LIMIT_SQL.format(source="sales")
    started = time.perf_counter()
    result = con.execute(sql).to_arrow_table()
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "clients": result.num_rows}


def stage_pandas(root: Path, period: str) -> dict:
    sys.path.insert(0, str(HERE))
    from pandas_model import client_pnl

    from clientload.model.period import parse_period
    from clientload.settings import load_settings

    settings = load_settings(root / "clientload.toml")
    started = time.perf_counter()
    pnl, _ = client_pnl(root / "data" / "parquet", settings, parse_period(period))
    return {"seconds": time.perf_counter() - started, "clients": len(pnl)}


def stage_workbook(root: Path) -> dict:
    from clientload.export import write_workbook
    from clientload.workspace import open_workspace

    path = root / "bench_workbook.xlsx"
    started = time.perf_counter()
    write_workbook(open_workspace(root), path)
    return {"seconds": time.perf_counter() - started, "mb": path.stat().st_size / 2**20}


def stage_xlsx_plain(root: Path) -> dict:
    """The workbook's cells (formulas as their cached values) written back as plain values."""
    import xlsxwriter
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(root / "bench_workbook.xlsx"))
    sheets = {name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names}
    cells = sum(len(r) for rows in sheets.values() for r in rows)
    path = root / "bench_plain.xlsx"
    started = time.perf_counter()
    out = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    for name, rows in sheets.items():
        sheet = out.add_worksheet(name[:31])
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value != "":
                    sheet.write(r, c, value)
    out.close()
    return {"seconds": time.perf_counter() - started, "cells": cells}


STAGES = {
    "generate": stage_generate,
    "import": stage_import,
    "run": stage_run,
    "limit": stage_limit,
    "pandas": stage_pandas,
    "workbook": stage_workbook,
    "xlsx-plain": stage_xlsx_plain,
}


def _cpu_seconds() -> float:
    """CPU seconds of this process (user + system, all threads): comparable on a busy machine."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def stage_warm(root: Path) -> dict:
    """Import what the stages import, so that Python's bytecode cache holds it (untimed)."""
    sys.path.insert(0, str(HERE))
    import ibis
    import pandas_model  # noqa: F401
    import pyarrow.csv
    import pyarrow.parquet  # noqa: F401

    import clientload.export
    import clientload.ingest
    import clientload.model.pipeline
    import clientload.run  # noqa: F401

    ibis.duckdb.connect().to_pyarrow(ibis.memtable({"a": [1]}))
    return {}


STAGES["warm"] = stage_warm


def child_main(stage: str, args: list[str]) -> None:
    load = os.getloadavg()[0]
    cpu = _cpu_seconds()
    started = time.perf_counter()
    root = Path(args[0])
    extra = [int(a) if a.isdigit() else a for a in args[1:]]
    result = STAGES[stage](root, *extra)
    result.setdefault("seconds", time.perf_counter() - started)
    result.update(peak_mb=_peak_mb(), load=load, cpu=_cpu_seconds() - cpu)
    print("BENCH " + json.dumps(result, default=str))


BYTECODE = {"cache": True}


def child_env() -> dict[str, str]:
    """The children's environment. This machine sets PYTHONDONTWRITEBYTECODE and the project's
    venv holds no compiled modules, so each process would compile ibis, pandas, pyarrow… from
    source (~5 s, more than the model's own work at 1M lines); any pip install compiles them
    once. Unless `--no-bytecode`, the children keep a bytecode cache of their own."""
    env = dict(os.environ)
    if BYTECODE["cache"]:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(Path(tempfile.gettempdir()) / "clientload-bench-pycache")
    return env


def in_child(stage: str, *args: object) -> dict:
    command = [sys.executable, __file__, "--stage", stage, *map(str, args)]
    done = subprocess.run(command, capture_output=True, text=True, env=child_env())
    if done.returncode:
        sys.stderr.write(done.stderr[-4000:])
        raise SystemExit(f"stage {stage} failed")
    line = next(x for x in reversed(done.stdout.splitlines()) if x.startswith("BENCH "))
    return json.loads(line[6:])


# ---- the parent --------------------------------------------------------------------------------


def check_pandas(base: Path, seed: int) -> str:
    """Pandas vs the model on a small generated company: the line the bench prints."""
    sys.path.insert(0, str(HERE))
    from pandas_model import client_pnl, compare

    from clientload.engines.spark import export_parquet
    from clientload.generate.into import generate_workspace
    from clientload.model.period import parse_period
    from clientload.run import run_model

    shutil.rmtree(base / "check", ignore_errors=True)
    ws = generate_workspace(base / "check", 300, 100_000, seed=seed).workspace
    info = run_model(ws.root, keep_history=False).info
    period = parse_period(f"{info['period_start']}:{info['period_end']}")
    pnl, by_department = client_pnl(export_parquet(ws), ws.settings(), period)
    problems = compare(pnl, by_department, ws.out_dir)
    if problems:
        return "check: pandas DIFFERS from the model: " + "; ".join(problems[:5])
    return (
        f"check: pandas = model on {len(pnl)} clients (300 clients, 100,000 lines): revenue, "
        "gross margin, minutes and cost by department, storage, financing, cost to serve, "
        "contribution, all within a cent"
    )


def median_of(repeat: int, stage: str, *args: object) -> dict:
    """The stage `repeat` times in fresh children; the run with the median wall time, with every
    run's seconds kept beside it (`all_seconds`)."""
    runs = sorted(
        (in_child(stage, *args) for _ in range(max(1, repeat))), key=lambda r: r["seconds"]
    )
    middle = dict(runs[len(runs) // 2])
    middle["all_seconds"] = [round(r["seconds"], 3) for r in runs]
    return middle


def measure(
    base: Path,
    lines: int,
    per_client: int,
    seed: int,
    workbook: bool,
    reuse: bool = False,
    repeat: int = 3,
) -> dict:
    from clientload.engines.spark import export_parquet
    from clientload.workspace import open_workspace

    root = base / f"lines-{lines}"
    clients = max(60, lines // per_client)
    row: dict = {"lines": lines, "clients": clients}
    if not (reuse and (root / "bench_files.json").exists()):
        if root.exists():
            shutil.rmtree(root)
        row["generate"] = in_child("generate", root, clients, lines, seed)
        row["import"] = in_child("import", root)
    row["run"] = median_of(repeat, "run", root)
    row["limit"] = median_of(repeat, "limit", root, "parquet")
    row["limit_store"] = median_of(repeat, "limit", root, "store")
    export_parquet(open_workspace(root))
    row["pandas"] = in_child("pandas", root, row["run"]["period"])
    if workbook:
        row["workbook"] = in_child("workbook", root)
        row["xlsx_plain"] = in_child("xlsx-plain", root)
    return row


def _fmt(stage: dict | None) -> str:
    if not stage:
        return f"{'—':>22}"
    cpu = f"cpu{stage['cpu']:6.1f}" if "cpu" in stage else ""
    return f"{stage['seconds']:8.1f}s {cpu} {stage['peak_mb'] / 1024:5.2f}GB L{stage['load']:4.1f}"


def _pandas_to_metrics(r: dict) -> float | None:
    """pandas against the run up to the moment its client_metrics (the P&L, and the groups and
    policy pandas does not compute) was final: the same figures, without the other outputs."""
    ready = r["run"]["timings"].get("ready", {}).get("client_metrics")
    return r["pandas"]["seconds"] / ready if ready else None


def print_table(rows: list[dict]) -> None:
    print()
    print("stage: seconds, CPU seconds, peak RSS of its process, load average when it started")
    stages = [
        ("generate", "generate"),
        ("import", "import"),
        ("run", "run (duckdb)"),
        ("limit", "limit parquet"),
        ("limit_store", "limit store"),
        ("pandas", "pandas"),
        ("workbook", "workbook"),
        ("xlsx_plain", "xlsxwriter plain"),
    ]
    print(f"{'stage':<18}" + "".join(f"{r['lines']:>34,}" for r in rows))
    for key, label in stages:
        print(f"{label:<18}" + "".join(f"  {_fmt(r.get(key))}" for r in rows))
    print()
    print(f"{'ratio':<40}" + "".join(f"{r['lines']:>14,}" for r in rows))
    ratios = [
        ("run / limit (parquet)", lambda r: r["run"]["seconds"] / r["limit"]["seconds"]),
        ("run / limit (store)", lambda r: r["run"]["seconds"] / r["limit_store"]["seconds"]),
        ("pandas / run", lambda r: r["pandas"]["seconds"] / r["run"]["seconds"]),
        ("pandas / run until client_metrics is final", _pandas_to_metrics),
        ("run / limit (store), CPU", lambda r: r["run"]["cpu"] / r["limit_store"]["cpu"]),
        ("pandas / run, CPU", lambda r: r["pandas"]["cpu"] / r["run"]["cpu"]),
        (
            "workbook / xlsxwriter plain",
            lambda r: (
                r["workbook"]["seconds"] / r["xlsx_plain"]["seconds"] if "workbook" in r else None
            ),
        ),
    ]
    for label, ratio in ratios:
        values = [ratio(r) for r in rows]
        print(f"{label:<40}" + "".join(f"{v:>14.2f}" if v else f"{'—':>14}" for v in values))
    for a, b in itertools.pairwise(rows):
        growth = b["run"]["seconds"] / a["run"]["seconds"]
        print(
            f"run time × {growth:.1f} for lines × {b['lines'] / a['lines']:.0f} "
            f"({a['lines']:,} → {b['lines']:,})"
        )
    for r in rows:
        stages = {k: v for k, v in r["run"]["timings"].items() if not isinstance(v, dict)}
        print(f"run stages at {r['lines']:,} lines ({r['run']['clients']:,} clients): {stages}")
        if "workbook" in r:
            print(
                f"workbook at {r['lines']:,}: {r['workbook']['mb']:.1f} MB, "
                f"{r['xlsx_plain']['cells']:,} cells"
            )


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--stage":
        child_main(sys.argv[2], sys.argv[3:])
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, nargs="*", default=[1_000_000, 10_000_000])
    parser.add_argument("--with-50m", action="store_true", help="add 50,000,000 lines")
    parser.add_argument("--lines-per-client", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", type=Path, help="build the workspaces here and keep them")
    parser.add_argument("--json", type=Path, help="also write the measurements here")
    parser.add_argument(
        "--reuse", action="store_true", help="with --keep: skip generate and import where done"
    )
    parser.add_argument("--no-workbook", action="store_true", help="skip the workbook stages")
    parser.add_argument(
        "--repeat", type=int, default=3, help="runs of `run` and `limit` (the median is shown)"
    )
    parser.add_argument(
        "--no-bytecode", action="store_true", help="children compile every module from source"
    )
    args = parser.parse_args()
    BYTECODE["cache"] = not args.no_bytecode
    sizes = sorted(set(args.lines + ([50_000_000] if args.with_50m else [])))
    base = args.keep or Path(tempfile.mkdtemp(prefix="clientload-scale-"))
    base.mkdir(parents=True, exist_ok=True)
    try:
        in_child("warm", base)
        print(check_pandas(base, args.seed), flush=True)
        rows = []
        # the workbook at the first size with 50,000 clients (a workbook is for a company's
        # clients to be read one by one; 250,000 rows of formulas is not its use), else the largest
        big = [n for n in sizes if n // args.lines_per_client >= 50_000]
        workbook_at = big[0] if big else sizes[-1]
        for lines in sizes:
            workbook = lines == workbook_at and not args.no_workbook
            rows.append(
                measure(
                    base,
                    lines,
                    args.lines_per_client,
                    args.seed,
                    workbook,
                    args.reuse,
                    args.repeat,
                )
            )
            print(f"{lines:,} lines done", flush=True)
            if args.json:
                args.json.write_text(json.dumps(rows, indent=1, default=str))
        print_table(rows)
    finally:
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
