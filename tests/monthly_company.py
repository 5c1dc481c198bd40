"""A generated company imported twice: sales in one file, and month by month (no tests here).

`monthly_company(base)` generates it, imports it both ways, runs the model on the monthly one
after each of its last three months (so that the summaries are brought up to date month by
month) and on the other once; returns both workspaces, those three runs' summary refreshes and
the one-file run's result.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from clientload.generate.company import generate_company
from clientload.generate.sizing import sized_settings_text, suggested_departments
from clientload.ingest import import_files
from clientload.run import run_model
from clientload.settings import default_settings, default_toml_text
from clientload.workspace import init_workspace


def _month_files(sales: Path, folder: Path) -> list[Path]:
    """The sales file cut into one file per month, in date order."""
    folder.mkdir(parents=True)
    con = duckdb.connect()
    months = [r[0] for r in con.execute(
        f"SELECT DISTINCT year(date) * 12 + month(date) AS m FROM read_parquet('{sales}') "
        "ORDER BY m").fetchall()]
    files = []
    for m in months:
        path = folder / f"sales-{m}.parquet"
        con.execute(
            f"COPY (SELECT * FROM read_parquet('{sales}') WHERE year(date) * 12 + month(date) = {m}"
            f") TO '{path}' (FORMAT parquet)"
        )
        files.append(path)
    con.close()
    return files


def monthly_company(base: Path, clients: int = 150, lines: int = 12_000, seed: int = 11):
    generated = generate_company(base / "files", clients, lines, seed=seed, months=24)
    text = sized_settings_text(
        default_toml_text(), suggested_departments(generated, default_settings())
    )
    one = init_workspace(base / "one", text)
    monthly = init_workspace(base / "monthly", text)
    for table, path in generated.files.items():
        import_files(one, [path], table)
        if table != "sales":
            import_files(monthly, [path], table)
    files = _month_files(generated.files["sales"], base / "months")
    assert len(files) == 24
    refreshes = []
    for k, path in enumerate(files):
        import_files(monthly, [path], "sales")
        if k >= len(files) - 3:
            refreshes.append(run_model(monthly.root, keep_history=False).info["summaries"])
    whole = run_model(one.root, keep_history=False)
    return one, monthly, refreshes, whole
