"""Benchmark of `clientload calibrate`: time and peak memory on a generated company, and how
close its estimates come to the generator's true minutes.

Run: `uv run python bench/bench_calibrate.py [--clients 1000 --lines 1000000 --seed 42]`.
The company is generated and imported first (not timed with the calibration); the calibration
runs in the same process, so the peak resident memory includes the generation.
"""

from __future__ import annotations

import argparse
import json
import resource
import tempfile
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()

    from clientload.calibrate import calibrate_workspace
    from clientload.generate.into import generate_workspace
    from clientload.generate.timesheets import TRUE_MINUTES, true_interaction_minutes

    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        ws = generate_workspace(Path(folder) / "ws", args.clients, args.lines, args.seed).workspace
        prepared = time.perf_counter() - started
        started = time.perf_counter()
        result = calibrate_workspace(ws)
        seconds = time.perf_counter() - started
    truth = {(a, t): v for a, terms in TRUE_MINUTES.items() for t, v in terms.items()}
    truth |= {(k, "base"): v["mean"] for k, v in true_interaction_minutes().items()}
    recovered = {
        f"{a} · {t}": {"true": round(v, 2),
                       "estimate": round(e.estimated_minutes, 2),
                       "error": f"{(e.estimated_minutes / v - 1) * 100:+.1f} %",
                       "method": e.method}
        for (a, t), v in truth.items() if (e := result.chosen().get((a, t))) is not None
    }
    print(json.dumps({
        "clients": args.clients, "lines": args.lines, "seed": args.seed,
        "generate_and_import_seconds": round(prepared, 1),
        "calibrate_seconds": round(seconds, 2),
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "fits": {f.department: {"r_squared": round(f.r_squared or 0, 3),
                                "employee_days": f.employee_days} for f in result.fits},
        "unidentified": result.unidentified(),
        "recovered": recovered,
    }, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
