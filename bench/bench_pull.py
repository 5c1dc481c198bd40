"""How fast `clientload pull` reads and loads from a local stand-in of 1С's standard OData
interface (no network latency: this measures the client, the parsing and the load).

    uv run python bench/bench_pull.py [SALES_DOCUMENTS] [LINES_PER_DOCUMENT]
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from onec_company import Company
from onec_standin import OneC

from clientload.pull import pull_1c
from clientload.workspace import init_workspace


def main() -> None:
    documents = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    lines = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    onec = OneC()
    Company.build(clients=200, products=60, sales=documents, lines=lines).render(onec)
    onec.start()
    try:
        with tempfile.TemporaryDirectory() as folder:
            ws = init_workspace(Path(folder) / "ws")
            started = time.perf_counter()
            full = pull_1c(ws, onec.url, onec.user, onec.password)
            first = time.perf_counter() - started
            started = time.perf_counter()
            again = pull_1c(ws, onec.url, onec.user, onec.password)
            second = time.perf_counter() - started
    finally:
        onec.stop()
    docs = sum(full.documents.values())
    print(f"full pull: {docs:,} documents, {full.lines:,} lines, {full.rows_loaded:,} rows "
          f"loaded in {first:.1f} s ({docs / first:,.0f} documents/s, "
          f"{full.lines / first:,.0f} lines/s, {full.requests:,} requests)")
    print(f"next pull, nothing changed: {sum(again.documents.values()):,} documents re-read "
          f"in the window in {second:.1f} s ({again.requests:,} requests)")


if __name__ == "__main__":
    main()
