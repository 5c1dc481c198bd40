"""Time `run_model` on an existing workspace, and check its outputs against a saved copy.

    uv run python bench/bench_run.py WORKSPACE [--repeat 3] [--save BASE] [--compare BASE]

Each repeat runs in a child process: wall seconds, CPU seconds of the child (user + system, all
threads: comparable when other jobs share the machine), its peak resident memory (VmHWM), the
1-minute load average at the start, and the model's own stage timings. Modules are compiled once
into a
bytecode cache before timing (`--no-bytecode`: every run compiles them). `--save` copies the
outputs (Parquet) to BASE; `--compare` checks every output table equals BASE's: same columns,
types and rows (sorted by the columns that are not floats), floats within 1e-9 relative.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

CHILD = """
import json, resource, sys, time
started = time.perf_counter()
from clientload.run import run_model
result = run_model(sys.argv[1], keep_history=False)
seconds = time.perf_counter() - started
usage = resource.getrusage(resource.RUSAGE_SELF)
status = open("/proc/self/status").read().split("VmHWM:")[1].split()[0]
print(json.dumps({"seconds": seconds, "cpu": usage.ru_utime + usage.ru_stime,
                  "peak_mb": int(status) / 1024, "timings": result.info["timings"]}))
"""


def child_env(compiled: bool) -> dict[str, str]:
    """The child's environment: with `compiled`, Python may cache compiled modules (in a folder
    of its own), as in any normal install; this machine sets PYTHONDONTWRITEBYTECODE, so that
    without a cache every process compiles ibis, pandas, pyarrow… from source (~5 s)."""
    env = dict(os.environ)
    if compiled:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(Path(tempfile.gettempdir()) / "clientload-bench-pycache")
    return env


def run_once(workspace: Path, compiled: bool = True) -> dict:
    load = os.getloadavg()[0]
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(workspace)],
        capture_output=True,
        text=True,
        check=True,
        env=child_env(compiled),
    )
    return {"load": load, **json.loads(out.stdout.strip().splitlines()[-1])}


def compare(out_dir: Path, base: Path) -> list[str]:
    """The differences between the outputs in `out_dir` and those saved in `base`."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    problems = []
    for saved in sorted(base.glob("*.parquet")):
        new = pq.read_table(out_dir / saved.name)
        old = pq.read_table(saved)
        if new.schema != old.schema:
            problems.append(f"{saved.stem}: schema {new.schema} != {old.schema}")
            continue
        if new.num_rows != old.num_rows:
            problems.append(f"{saved.stem}: {new.num_rows} rows != {old.num_rows}")
            continue
        # Parallel float sums differ in the last bits from run to run, which can swap rows
        # ordered by a float: compare rows sorted by every column that is not a float.
        keys = [f.name for f in old.schema if not pa.types.is_floating(f.type)]
        order = [(k, "ascending") for k in keys]
        new, old = new.sort_by(order), old.sort_by(order)
        for name in old.column_names:
            a, b = new[name], old[name]
            if pa.types.is_floating(a.type):
                diff = pc.abs(pc.subtract(a, b))
                scale = pc.max_element_wise(pc.abs(b), 1.0)
                worst = pc.max(pc.divide(diff, scale)).as_py()
                same_nulls = pc.all(pc.equal(pc.is_null(a), pc.is_null(b))).as_py()
                if (worst or 0) > 1e-9 or not same_nulls:
                    problems.append(f"{saved.stem}.{name}: relative difference {worst}")
            elif not a.equals(b):
                problems.append(f"{saved.stem}.{name}: values differ")
    return problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("workspace", type=Path)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--save", type=Path)
    parser.add_argument("--compare", type=Path)
    parser.add_argument(
        "--no-bytecode", action="store_true", help="compile every module from source each run"
    )
    args = parser.parse_args()
    if not args.no_bytecode:  # fill the bytecode cache once, untimed
        run_once(args.workspace)
    for _ in range(args.repeat):
        r = run_once(args.workspace, compiled=not args.no_bytecode)
        print(
            f"wall {r['seconds']:6.2f} s  cpu {r['cpu']:6.2f} s  peak {r['peak_mb']:5.0f} MB  "
            f"load {r['load']:5.1f}  {json.dumps(r['timings'])}",
            flush=True,
        )
    out_dir = args.workspace / "out"
    if args.save:
        args.save.mkdir(parents=True, exist_ok=True)
        for f in out_dir.glob("*.parquet"):
            shutil.copy(f, args.save / f.name)
    if args.compare:
        problems = compare(out_dir, args.compare)
        print("outputs identical" if not problems else "\n".join(problems))


if __name__ == "__main__":
    main()
