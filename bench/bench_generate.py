"""Benchmark of the synthetic distributor: time and peak memory for 1 and 10 million lines.

Run: `uv run python bench/bench_generate.py [--sizes 1000:1000000 50000:10000000]`.
Each size runs in its own process, so the peak resident memory printed is that size's alone.
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

DEFAULT_SIZES = ("1000:1000000", "50000:10000000")


def _one(clients: int, lines: int, seed: int) -> dict[str, object]:
    from clientload.generate import generate_company

    with tempfile.TemporaryDirectory() as out:
        started = time.perf_counter()
        company = generate_company(Path(out), clients, lines, seed=seed)
        seconds = time.perf_counter() - started
        size = sum(p.stat().st_size for p in Path(out).glob("*.parquet"))
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "clients": clients,
        "lines": company.rows["sales"],
        "seconds": round(seconds, 2),
        "peak_rss_mib": round(peak_kib / 1024),
        "parquet_mib": round(size / 2**20, 1),
        "rows": company.rows,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="*", default=list(DEFAULT_SIZES), help="CLIENTS:LINES")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        clients, lines = map(int, args.one.split(":"))
        print(json.dumps(_one(clients, lines, args.seed)))
        return
    print(f"{'clients':>8} {'lines':>11} {'seconds':>8} {'peak RSS MiB':>13} {'parquet MiB':>12}")
    for size in args.sizes:
        run = subprocess.run(
            [sys.executable, __file__, "--one", size, "--seed", str(args.seed)],
            capture_output=True, text=True, check=True,
        )
        r = json.loads(run.stdout.strip().splitlines()[-1])
        print(
            f"{r['clients']:>8,} {r['lines']:>11,} {r['seconds']:>8.1f} "
            f"{r['peak_rss_mib']:>13,} {r['parquet_mib']:>12.1f}"
        )
        print("         rows: " + ", ".join(f"{k} {v:,}" for k, v in r["rows"].items()))


if __name__ == "__main__":
    main()
