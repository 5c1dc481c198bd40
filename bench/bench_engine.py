"""The engine's targets (issue 20), every ratio in one run, with the machine's load beside each.

    uv run python bench/bench_engine.py [--base DIR] [--reuse] [--repeat 3] [--lines 10000000]

Whole processes (`.venv/bin/clientload …`, as a user runs them; this machine sets
PYTHONDONTWRITEBYTECODE, so the children get a bytecode cache of their own: `bench_run.child_env`),
each timed from outside (wall) with its own CPU seconds and peak memory (`os.wait4`):

1. `clientload run` on a company of 100 clients / 1,000 lines: the first run (compiles the
   model's queries into the plan cache) and the best of `--repeat` after it (replays them);
   `clientload --help` and `clientload parity volume --margin 30% --discount 5%`, best of 3.
2. At `--lines` (10M: 50,000 clients) the run, marginal over the tiny run, against DuckDB's bare
   one-pass aggregation of the same lines by client, also marginal (that query alone, at both
   sizes, median of `--repeat`); the run against `bench/pandas_model.py` (its compute time, as
   the run's: `run_info.json` → `timings.total`) and against `bench/polars_model.py` (the same
   figures as one lazy Polars query; its compute time too, for context: no target); the run's
   peak memory.
3. A 24-month store of `--lines` lines and one more month imported into it: the run after the
   import (its summaries brought up to date for that month; best of `--repeat`, each from a
   fresh copy of the 24-month store) against a full run (`clientload run --rebuild`: every
   summary from the lines) on the same store.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_run import child_env  # noqa: E402

CLIENTLOAD = str(Path(sys.executable).parent / "clientload")
LIMIT_SQL = (
    "SELECT client_id, sum(revenue) AS revenue, sum(cost) AS cost, count(*) AS lines "
    "FROM sales GROUP BY client_id"
)


def timed(command: list[str]) -> dict:
    """A child process: wall seconds, its CPU seconds, peak memory and the load when started.

    The peak comes from GNU time (`%M`): the child's own `ru_maxrss` as `os.wait4` gives it
    starts at the parent's resident memory when it forked (Linux keeps the larger of the two
    across `exec`), and this parent holds a generated company at times."""
    load = os.getloadavg()[0]
    with tempfile.NamedTemporaryFile("r", suffix=".time") as peak:
        started = time.perf_counter()
        process = subprocess.Popen(
            ["/usr/bin/time", "-f", "%M", "-o", peak.name, *command],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=child_env(True),
        )
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        if status:
            error = process.stderr.read().decode()[-3000:]
            raise SystemExit(f"{' '.join(command)} failed: {error}")
        peak_kb = int(peak.read().split()[-1])
    return {"seconds": seconds, "cpu": usage.ru_utime + usage.ru_stime,
            "peak_mb": peak_kb / 1024, "load": load}


def best(runs: list[dict]) -> dict:
    chosen = dict(min(runs, key=lambda r: r["seconds"]))
    chosen["all"] = [round(r["seconds"], 2) for r in runs]
    return chosen


def run_info(root: Path) -> dict:
    return json.loads((root / "out" / "run_info.json").read_text("utf-8"))


def limit(root: Path, repeat: int) -> dict:
    """DuckDB's bare aggregation of the store's sales by client: the query alone."""
    import duckdb

    con = duckdb.connect(str(root / "clientload.duckdb"), read_only=True)
    try:
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            con.sql(LIMIT_SQL).to_arrow_table()
            times.append(time.perf_counter() - started)
    finally:
        con.close()
    return {"seconds": statistics.median(times), "load": os.getloadavg()[0]}


def generated(root: Path, clients: int, lines: int, months: int, reuse: bool) -> Path:
    """A generated company imported into `root` (kept with --reuse)."""
    if reuse and (root / "clientload.duckdb").exists():
        return root
    shutil.rmtree(root, ignore_errors=True)
    subprocess.run(
        [CLIENTLOAD, "generate", str(root), "--clients", str(clients), "--lines", str(lines),
         "--seed", "1", "--months", str(months)],
        check=True, stdout=subprocess.DEVNULL, env=child_env(True),
    )
    return root


def monthly_store(base: Path, lines: int, reuse: bool) -> tuple[Path, Path]:
    """A company of 25 months whose first 24 (about `lines` lines) are in the store, and the file
    of its 25th month, to import."""
    import duckdb

    root = base / f"monthly-{lines}"
    last = base / f"monthly-{lines}-last.parquet"
    if reuse and last.exists() and (root / "clientload.duckdb").exists():
        return root, last
    shutil.rmtree(root, ignore_errors=True)
    from clientload.generate.company import generate_company
    from clientload.generate.sizing import sized_settings_text, suggested_departments
    from clientload.ingest import import_files
    from clientload.settings import default_settings, default_toml_text
    from clientload.workspace import init_workspace

    company = generate_company(
        base / f"files-{lines}", max(60, lines // 200), lines * 25 // 24, seed=2, months=25
    )
    ws = init_workspace(root, sized_settings_text(
        default_toml_text(), suggested_departments(company, default_settings())
    ))
    sales = company.files["sales"]
    first = base / f"monthly-{lines}-first.parquet"
    con = duckdb.connect()
    cut = (company.end.year * 12 + company.end.month)
    for path, test in ((first, "<"), (last, "=")):
        con.execute(
            f"COPY (SELECT * FROM read_parquet('{sales}') WHERE year(date) * 12 + month(date) "
            f"{test} {cut} ORDER BY date) TO '{path}' (FORMAT parquet)"
        )
    con.close()
    for table, path in company.files.items():
        import_files(ws, [first if table == "sales" else path], table)
    first.unlink()
    return root, last


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", type=Path, help="keep the companies here (default: a temp dir)")
    parser.add_argument("--reuse", action="store_true", help="reuse the companies in --base")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--lines", type=int, default=10_000_000)
    parser.add_argument("--no-incremental", action="store_true")
    parser.add_argument("--json", type=Path, help="also write the measurements here")
    args = parser.parse_args()
    base = args.base or Path(tempfile.mkdtemp(prefix="clientload-engine-"))
    base.mkdir(parents=True, exist_ok=True)
    out: dict = {}
    try:
        # 1. start-up
        tiny = generated(base / "tiny", 100, 1_000, 24, args.reuse)
        timed([CLIENTLOAD, "--help"])  # the bytecode cache, untimed
        shutil.rmtree(tiny / "cache", ignore_errors=True)
        out["tiny_first"] = timed([CLIENTLOAD, "run", str(tiny)])
        out["tiny"] = best([timed([CLIENTLOAD, "run", str(tiny)]) for _ in range(args.repeat)])
        out["help"] = best([timed([CLIENTLOAD, "--help"]) for _ in range(3)])
        out["parity"] = best([
            timed([CLIENTLOAD, "parity", "volume", "--margin", "30%", "--discount", "5%"])
            for _ in range(3)
        ])
        out["limit_tiny"] = limit(tiny, args.repeat)
        print_start(out)

        # 2. the large company
        big = generated(base / f"lines-{args.lines}", max(60, args.lines // 200), args.lines, 24,
                        args.reuse)
        timed([CLIENTLOAD, "run", str(big)])  # summaries and plans, untimed
        runs = []
        for _ in range(args.repeat):
            runs.append(timed([CLIENTLOAD, "run", str(big)]))
            runs[-1]["model_total"] = run_info(big)["timings"]["total"]
        out["big"] = best(runs)
        out["big"]["model_total"] = min(r["model_total"] for r in runs)
        out["limit_big"] = limit(big, args.repeat)
        out["pandas"] = pandas_seconds(big)
        out["polars"] = polars_seconds(big)
        print_big(out, args.lines)

        # 3. one more month
        if not args.no_incremental:
            root, last = monthly_store(base, args.lines, args.reuse)
            work = base / "monthly-work"
            afters = []
            for _ in range(args.repeat):  # each time from the 24-month store again
                shutil.rmtree(work, ignore_errors=True)
                shutil.copytree(root, work)
                timed([CLIENTLOAD, "run", str(work)])  # the 24 months: summaries and plans
                timed([CLIENTLOAD, "import", str(work), str(last), "--table", "sales"])
                afters.append(timed([CLIENTLOAD, "run", str(work)]))
                info = run_info(work)
                afters[-1]["summaries"] = info["summaries"]
                afters[-1]["plan_cached"] = info["timings"].get("plan_cached", [])
            out["after_month"] = best(afters)
            out["full"] = best(
                [timed([CLIENTLOAD, "run", str(work), "--rebuild"]) for _ in range(args.repeat)]
            )
            out["full"]["summaries"] = run_info(work)["summaries"]
            print_month(out)
    finally:
        if args.json:
            args.json.write_text(json.dumps(out, indent=1, default=str))
        if not args.base:
            shutil.rmtree(base, ignore_errors=True)


def pandas_seconds(root: Path) -> dict:
    """`bench/pandas_model.py` on the company's Parquet copy: its compute time, in a child."""
    return model_seconds(root, "pandas_model")


def polars_seconds(root: Path) -> dict:
    """`bench/polars_model.py` on the company's Parquet copy: its compute time, in a child."""
    return model_seconds(root, "polars_model")


def model_seconds(root: Path, module: str) -> dict:
    """`client_pnl` of `bench/<module>.py` on the company's Parquet copy, in a child of its own
    (neither import nor reading the settings counted): seconds and the load when started."""
    from clientload.engines.spark import export_parquet
    from clientload.workspace import open_workspace

    export_parquet(open_workspace(root))
    info = run_info(root)
    code = (
        "import json, sys, time\nfrom pathlib import Path\n"
        f"sys.path.insert(0, {str(HERE)!r})\n"
        f"from {module} import client_pnl\n"
        "from clientload.model.period import parse_period\n"
        "from clientload.settings import load_settings\n"
        f"settings = load_settings({str(root / 'clientload.toml')!r})\n"
        "started = time.perf_counter()\n"
        f"client_pnl(Path({str(root / 'data' / 'parquet')!r}), settings, "
        f"parse_period({info['period_start'] + ':' + info['period_end']!r}))\n"
        "print(json.dumps({'seconds': time.perf_counter() - started}))\n"
    )
    load = os.getloadavg()[0]
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, env=child_env(True))
    return {**json.loads(done.stdout.strip().splitlines()[-1]), "load": load}


def _row(label: str, r: dict) -> str:
    cpu = f"  cpu {r['cpu']:5.2f} s  peak {r['peak_mb']:6.0f} MB" if "cpu" in r else ""
    return f"{label:<52} {r['seconds']:7.2f} s{cpu}  load {r['load']:4.1f}  {r.get('all', '')}"


def print_start(out: dict) -> None:
    print(_row("clientload run, tiny company, first (compiles)", out["tiny_first"]))
    print(_row(f"clientload run, tiny company, best of {len(out['tiny']['all'])}", out["tiny"]))
    print(_row("clientload --help, best of 3", out["help"]))
    print(_row("clientload parity volume --margin 30% --discount 5%", out["parity"]))
    print(f"{'  target: run ≤ 1.0 s; --help and parity ≤ 0.3 s':<52}", flush=True)


def print_big(out: dict, lines: int) -> None:
    big, tiny = out["big"], out["tiny"]
    print(_row(f"clientload run, {lines:,} lines, best", big))
    print(_row("DuckDB bare aggregation, tiny company (query)", out["limit_tiny"]))
    print(_row(f"DuckDB bare aggregation, {lines:,} lines (query)", out["limit_big"]))
    print(_row(f"pandas_model.py, {lines:,} lines (compute)", out["pandas"]))
    print(_row(f"polars_model.py, {lines:,} lines (compute)", out["polars"]))
    marginal = big["seconds"] - tiny["seconds"]
    bare = out["limit_big"]["seconds"] - out["limit_tiny"]["seconds"]
    print(f"ratio  run marginal ÷ bare aggregation marginal: {marginal:.2f} s ÷ {bare:.3f} s = "
          f"{marginal / bare:.1f} ×  (target ≤ 3 ×)")
    cpu_marginal = big["cpu"] - tiny["cpu"]
    print(f"       the same in CPU seconds of the run: {cpu_marginal:.2f} s ÷ {bare:.3f} s = "
          f"{cpu_marginal / bare:.1f} ×")
    print(f"ratio  pandas ÷ run (whole process): {out['pandas']['seconds'] / big['seconds']:.1f} × "
          f"faster;  ÷ run_model's own time ({big['model_total']:.2f} s): "
          f"{out['pandas']['seconds'] / big['model_total']:.1f} ×  (target ≥ 10 ×)")
    print(f"ratio  polars ÷ run (whole process): {out['polars']['seconds'] / big['seconds']:.2f} ×;"
          f"  ÷ run_model's own time ({big['model_total']:.2f} s): "
          f"{out['polars']['seconds'] / big['model_total']:.2f} ×  (context, no target)")
    print(f"peak memory of the run: {big['peak_mb'] / 1024:.2f} GB  (target < 1 GB)", flush=True)


def print_month(out: dict) -> None:
    after, full, tiny = out["after_month"], out["full"], out["tiny"]
    print(_row("clientload run after one more month imported", after))
    print(f"    summaries: {after['summaries']}")
    print(f"    plan stages replayed (not compiled): {after.get('plan_cached', [])}")
    print(_row("clientload run --rebuild (a full run), best", full))
    share = after["seconds"] / full["seconds"]
    marginal = (after["seconds"] - tiny["seconds"]) / (full["seconds"] - tiny["seconds"])
    print(f"ratio  after one more month ÷ full run: {share:.0%}; marginal over the tiny run: "
          f"{marginal:.0%}  (target ≤ 20 %)", flush=True)


if __name__ == "__main__":
    main()
