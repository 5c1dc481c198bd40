"""The sales lines' monthly summaries: a company imported month by month computes every output
table as the same company imported in one file, and whatever leaves the store (rows deleted, a
product's cost changed) is recomputed for the months it touched, as `--rebuild` would.
"""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import pytest
from output_compare import out_differences
from typer.testing import CliRunner

from clientload.cli.app import app
from clientload.ingest import import_files
from clientload.model import facts
from clientload.model.pipeline import OUTPUT_TABLES
from clientload.run import run_model

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def company(monthly):
    """One company, two workspaces: sales imported in one file, and month by month with a run
    after each of the last three months (the summaries brought up to date each time)."""
    return monthly


def test_monthly_imports_give_every_output_table_of_one_import(company):
    one, monthly, _, _ = company
    assert out_differences(one.out_dir, monthly.out_dir, OUTPUT_TABLES) == []


def test_each_run_recomputes_only_the_month_imported_since(company):
    _, _, refreshes, whole = company
    assert refreshes[0]["rebuilt"] is True  # the first run builds them all
    assert [r["rebuilt"] for r in refreshes[1:]] == [False, False]
    assert [r["months_recomputed"] for r in refreshes[1:]] == [1, 1]
    assert whole.info["summaries"]["rebuilt"] is True
    # an unchanged store: nothing to do
    again = run_model(company[0].root, keep_history=False).info["summaries"]
    assert again == {"rebuilt": False, "months_recomputed": 0, "seconds": again["seconds"],
                     "rows": {}}


def _copy(ws, target: Path):
    shutil.copytree(ws.root, target)
    from clientload.workspace import open_workspace

    return open_workspace(target)


def _rebuilt_equal(ws, tmp_path) -> list[str]:
    """The outputs now against those of a run that rebuilds the summaries from the lines."""
    kept = tmp_path / "incremental"
    shutil.copytree(ws.out_dir, kept)
    result = run_model(ws.root, keep_history=False, rebuild=True)
    assert result.info["summaries"]["rebuilt"] is True
    return out_differences(kept, ws.out_dir, OUTPUT_TABLES)


def test_deleted_lines_leave_the_summaries_too(company, tmp_path):
    """As `pull` deletes a changed document's rows (or `import --replace` an earlier import's):
    the months they were in are recomputed, and the revenue goes down by theirs."""
    ws = _copy(company[1], tmp_path / "ws")
    before = run_model(ws.root, keep_history=False).info
    con = ws.connect()
    try:
        import_id, month = con.execute(
            "SELECT _import_id, max(year(date) * 12 + month(date)) FROM sales WHERE date >= ? "
            "GROUP BY ALL ORDER BY 1 LIMIT 1", [before["period_start"]]).fetchone()
        gone = con.execute(
            "SELECT sum(revenue) FROM sales WHERE _import_id = ? AND _line <= 40", [import_id]
        ).fetchone()[0]
        con.execute("DELETE FROM sales WHERE _import_id = ? AND _line <= 40", [import_id])
    finally:
        con.close()
    after = run_model(ws.root, keep_history=False).info
    assert after["summaries"]["rebuilt"] is False
    assert after["summaries"]["months_recomputed"] == 1
    assert after["headlines"]["revenue"] == pytest.approx(
        before["headlines"]["revenue"] - gone, rel=1e-9
    )
    assert gone > 0 and month
    assert _rebuilt_equal(ws, tmp_path) == []


def test_a_product_moved_to_another_category_recomputes_the_months_of_its_lines(
    company, tmp_path
):
    ws = _copy(company[1], tmp_path / "ws")
    start = run_model(ws.root, keep_history=False).info["period_start"]
    con = ws.connect()
    try:  # a product sold in the period, in the fewest months
        sku, months = con.execute(
            "SELECT s.sku, count(DISTINCT year(s.date) * 12 + month(s.date)) FROM sales s "
            "JOIN products p USING (sku) GROUP BY ALL HAVING max(s.date) >= ? "
            "ORDER BY 2, 1 LIMIT 1", [start]).fetchone()
        con.execute(
            "COPY (SELECT * EXCLUDE (_import_id, _line) REPLACE ('Moved' AS category) "
            f"FROM products WHERE sku = ?) TO '{tmp_path / 'moved.csv'}' (HEADER)", [sku])
    finally:
        con.close()
    import_files(ws, [tmp_path / "moved.csv"], "products")
    after = run_model(ws.root, keep_history=False).info["summaries"]
    assert after["rebuilt"] is False
    assert after["months_recomputed"] == months
    import pyarrow.parquet as pq

    assortment = pq.read_table(ws.out_dir / "client_assortment.parquet").to_pylist()
    assert "Moved" in {r["category"] for r in assortment}
    assert _rebuilt_equal(ws, tmp_path) == []


def test_the_lines_and_the_summaries_give_the_same_outputs(company, tmp_path, monkeypatch):
    """The model reads the lines for a period that is not whole months; for whole months both
    ways give the same tables."""
    ws = _copy(company[0], tmp_path / "ws")
    summed = tmp_path / "summed"
    shutil.copytree(ws.out_dir, summed)
    monkeypatch.setattr(facts, "whole_months", lambda period: False)
    run_model(ws.root, keep_history=False)
    assert out_differences(summed, ws.out_dir, OUTPUT_TABLES) == []


def test_run_rebuild_on_the_command_line(company, tmp_path):
    ws = _copy(company[0], tmp_path / "ws")
    done = CliRunner().invoke(app, ["run", str(ws.root), "--rebuild"])
    assert done.exit_code == 0, done.output
    import json

    info = json.loads((ws.out_dir / "run_info.json").read_text("utf-8"))
    assert info["summaries"]["rebuilt"] is True
    assert info["summaries"]["rows"]["months"] > 0


def test_a_month_imported_again_with_replace_is_recomputed(company, tmp_path):
    """`clientload import --replace` of a month's file changed since: the rows its earlier
    import brought leave, the new ones come, and only that month is recomputed."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    ws = _copy(company[1], tmp_path / "ws")
    before = run_model(ws.root, keep_history=False).info
    month_file = sorted((company[1].root.parent / "months").glob("*.parquet"))[-2]
    original = month_file.read_bytes()
    try:
        table = pq.read_table(month_file)
        first = pa.array([k < 25 for k in range(table.num_rows)])
        revenue = table["revenue"]
        added = pc.sum(pc.filter(revenue, first)).as_py()
        doubled = pc.if_else(first, pc.multiply(revenue, 2.0), revenue)
        pq.write_table(table.set_column(table.schema.get_field_index("revenue"), "revenue",
                                        doubled), month_file)
        done = import_files(ws, [month_file], "sales", replace=True)
        assert done.rows_replaced == table.num_rows
    finally:
        month_file.write_bytes(original)
    after = run_model(ws.root, keep_history=False).info
    assert after["summaries"]["rebuilt"] is False
    assert after["summaries"]["months_recomputed"] == 1
    assert after["headlines"]["revenue"] == pytest.approx(
        before["headlines"]["revenue"] + added, rel=1e-9
    )
    assert _rebuilt_equal(ws, tmp_path) == []


def _summaries(con) -> dict[str, list[tuple]]:
    """The summary tables' rows, in the order of their columns that are not sums of money (a
    sum of floats differs in its last bits with the order the threads add it in)."""
    from clientload.summaries import SUMMARY_TABLES

    def key(row: tuple) -> str:
        return repr([v for v in row if not isinstance(v, float)])

    return {
        name: sorted(con.execute(f"SELECT * FROM {table}").fetchall(), key=key)
        for name, table in SUMMARY_TABLES.items()
    }


def _same(a: dict[str, list[tuple]], b: dict[str, list[tuple]]) -> bool:
    def close(x, y) -> bool:
        if isinstance(x, float) and isinstance(y, float):
            return math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-9)
        return x == y

    return a.keys() == b.keys() and all(
        len(a[t]) == len(b[t])
        and all(len(r) == len(q) and all(map(close, r, q)) for r, q in zip(a[t], b[t], strict=True))
        for t in a
    )


def test_a_rebuild_in_batches_of_months_gives_the_summaries_of_one_pass(
    company, tmp_path, monkeypatch
):
    from clientload import summaries

    ws = _copy(company[0], tmp_path / "ws")
    con = ws.connect()
    try:
        monkeypatch.setattr(summaries, "REBUILD_BATCH_LINES", 10**12)
        summaries.refresh_summaries(con, rebuild=True)
        one_pass = _summaries(con)
        lines = con.execute("SELECT count(*) FROM sales").fetchone()[0]
        monkeypatch.setattr(summaries, "REBUILD_BATCH_LINES", lines // 5)
        passes = []
        real = summaries._lines_view
        monkeypatch.setattr(summaries, "_lines_view",
                            lambda c, months: (passes.append(months), real(c, months)))
        done = summaries.refresh_summaries(con, rebuild=True)
        assert done.rebuilt is True
        assert len([m for m in passes if m is not None]) >= 5
        assert _same(_summaries(con), one_pass)
        assert all(rows > 0 for rows in done.rows.values())
    finally:
        con.close()
