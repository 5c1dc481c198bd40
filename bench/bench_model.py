"""Benchmark of `clientload run`: the model on 1 and 10 million sales lines, time and peak memory.

    uv run python bench/bench_model.py                 # 1M and 10M lines
    uv run python bench/bench_model.py --lines 1000000 --keep /tmp/bench

Each size: the generator writes the company as Parquet (`clientload.generate`), DuckDB loads the
files into a fresh workspace's store (not timed as part of the model), then `run_model` runs in a
child process so that its peak resident memory is its own. Printed: lines, clients, generate and
load seconds, the model's seconds by stage, and the child's peak RSS.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CHILD = """
import json, resource, sys, time
from clientload.run import run_model
started = time.perf_counter()
result = run_model(sys.argv[1], keep_history=False)
seconds = time.perf_counter() - started
# VmHWM is this process's own peak (ru_maxrss would include the parent's, inherited at fork)
status = open("/proc/self/status").read().split("VmHWM:")[1].split()[0]
peak_mb = int(status) / 1024
print(json.dumps({"seconds": seconds, "peak_mb": peak_mb, "timings": result.info["timings"],
                  "clients": result.info["rows"]["client_metrics"]}))
"""


def build_workspace(root: Path, clients: int, lines: int, seed: int) -> dict[str, float]:
    """Generate the company and load its Parquet files into a new workspace's store."""
    from clientload.generate import generate_company, suggested_departments
    from clientload.generate.company import INPUT_TABLES
    from clientload.generate.sizing import sized_settings_text
    from clientload.settings import default_settings, default_toml_text
    from clientload.workspace import init_workspace

    started = time.perf_counter()
    company = generate_company(root / "data", clients, lines, seed=seed)
    generated = time.perf_counter()
    sized = suggested_departments(company, default_settings())
    ws = init_workspace(root, sized_settings_text(default_toml_text(), sized))
    con = ws.connect()
    try:
        for table in INPUT_TABLES:
            path = root / "data" / f"{table}.parquet"
            if path.exists():
                con.execute(
                    f'INSERT INTO "{table}" BY NAME SELECT * FROM read_parquet(?)', [str(path)]
                )
    finally:
        con.close()
    return {"generate_s": generated - started, "load_s": time.perf_counter() - generated}


def run_child(root: Path) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(root)], capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, nargs="*", default=[1_000_000, 10_000_000])
    parser.add_argument("--lines-per-client", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", type=Path, help="build the workspaces here and keep them")
    args = parser.parse_args()

    base = args.keep or Path(tempfile.mkdtemp(prefix="clientload-bench-"))
    header = f"{'lines':>11} {'clients':>8} {'gen s':>7} {'load s':>7} {'run s':>7} {'peak MB':>8}"
    rows = []
    try:
        for lines in args.lines:
            clients = max(60, lines // args.lines_per_client)
            root = base / f"lines-{lines}"
            if root.exists():
                shutil.rmtree(root)
            prep = build_workspace(root, clients, lines, args.seed)
            child = run_child(root)
            rows.append((lines, child["clients"], prep, child))
            print(
                f"{lines:>11,} {child['clients']:>8,} {prep['generate_s']:>7.1f} "
                f"{prep['load_s']:>7.1f} {child['seconds']:>7.1f} {child['peak_mb']:>8.0f}  "
                f"stages {child['timings']}",
                flush=True,
            )
    finally:
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)
    print()
    print(header)
    for lines, n, prep, child in rows:
        print(
            f"{lines:>11,} {n:>8,} {prep['generate_s']:>7.1f} {prep['load_s']:>7.1f} "
            f"{child['seconds']:>7.1f} {child['peak_mb']:>8.0f}"
        )
    generator_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak RSS of the generating process: {generator_mb:.0f} MB")


if __name__ == "__main__":
    main()
