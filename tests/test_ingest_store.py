"""What an import does to the store: counts that add up, rejects, re-imports, keys, transactions."""

from __future__ import annotations

import csv
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from clientload.cli.app import app
from clientload.ingest import import_files
from clientload.ingest import load as load_module
from clientload.workspace import Workspace, init_workspace

HEADER = "client_id,date,sku,quantity,revenue,price\n"


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    return init_workspace(tmp_path / "ws")


def stored(ws: Workspace, sql: str) -> list[tuple]:
    with duckdb.connect(str(ws.store_path), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_rejects_file_holds_original_columns_and_reasons(ws: Workspace, tmp_path: Path) -> None:
    data = tmp_path / "s.csv"
    data.write_text(
        HEADER
        + "A,2024-01-05,X,1,10,\n"  # good
        + ",2024-01-05,X,1,10,\n"  # no client
        + "B,2024-13-45,X,abc,10,\n"  # bad date and bad number
        + "C,2024-01-05,X,-2,-20,\n"  # a return: loaded
        + "D,2024-01-05,X,1,,-3\n"  # negative price; revenue from price
    )
    result = import_files(ws, [data], "sales")
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (5, 2, 3)
    assert result.rejects_path.parent == ws.rejects_dir
    assert result.rejects_path.name.startswith("sales-")
    with result.rejects_path.open(encoding="utf-8") as handle:
        rejects = list(csv.DictReader(handle))
    assert list(rejects[0]) == [*HEADER.strip().split(","), "reason"]
    assert [r["reason"] for r in rejects] == [
        "s.csv line 3: client_id: required value empty",
        "s.csv line 4: date: '2024-13-45' is not a date as yyyy-mm-dd; "
        "quantity: 'abc' is not a number like 1234.56",
        "s.csv line 6: price: -3.0 is negative; expected 0 or more",
    ]
    assert rejects[1]["quantity"] == "abc"
    assert stored(ws, "SELECT client_id, quantity, _line FROM sales ORDER BY _line") == [
        ("A", 1.0, 2), ("C", -2.0, 5)
    ]
    assert stored(ws, "SELECT rows_read, rows_loaded, rows_rejected FROM imports") == [(5, 2, 3)]


def test_the_same_file_twice_is_skipped(ws: Workspace, tmp_path: Path) -> None:
    data = tmp_path / "s.csv"
    data.write_text(HEADER + "A,2024-01-05,X,1,10,\n")
    import_files(ws, [data], "sales")
    copy = tmp_path / "copy-of-s.csv"
    copy.write_bytes(data.read_bytes())
    again = import_files(ws, [copy], "sales")
    assert again.rows_read == 0
    assert again.skipped_files == [
        (copy, f"already imported into sales (same content as {data.resolve()}); to import it "
         "again in place of the rows it brought, add --replace")
    ]
    assert stored(ws, "SELECT count(*) FROM sales") == [(1,)]


def test_reference_rows_with_the_same_key_are_replaced(ws: Workspace, tmp_path: Path) -> None:
    first, second = tmp_path / "c1.csv", tmp_path / "c2.csv"
    first.write_text("client_id,name,region\n1,Old name,North\n2,Two,South\n")
    second.write_text("client_id,name,region\n1,New name,North\n3,Three,East\n3,Three again,East\n")
    import_files(ws, [first], "clients")
    result = import_files(ws, [second], "clients")
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (3, 2, 1)
    assert result.rows_replaced == 1
    assert stored(ws, "SELECT client_id, name FROM clients ORDER BY client_id") == [
        ("1", "New name"), ("2", "Two"), ("3", "Three again")
    ]
    assert (
        "client_id '3' appears again on line 4 with other values: name 'Three' here, "
        "'Three again' there; the later line is kept"
    ) in result.rejects_path.read_text("utf-8")


def test_several_files_share_one_rejects_file(ws: Workspace, tmp_path: Path) -> None:
    one, two = tmp_path / "one.csv", tmp_path / "two.csv"
    one.write_text(HEADER + ",2024-01-05,X,1,10,\n")
    two.write_text("client_id;date;sku;quantity;revenue;note\nB;05.01.2024;X;x;1;n\n")
    result = import_files(ws, [one, two], "sales")
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (2, 0, 2)
    with result.rejects_path.open(encoding="utf-8") as handle:
        rejects = list(csv.DictReader(handle))
    assert rejects[0]["reason"].startswith("one.csv line 2:")
    assert rejects[1]["reason"].startswith("two.csv line 2:")
    assert rejects[1]["note"] == "n"
    assert "two.csv: delimiter ';'" in result.notes


def test_a_failure_inside_the_transaction_leaves_the_store_as_it_was(
    ws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = tmp_path / "before.csv"
    before.write_text("client_id,name\n1,Kept\n")
    import_files(ws, [before], "clients")
    data = tmp_path / "c.csv"
    data.write_text("client_id,name\n1,Replaced\n2,New\n,Rejected\n")

    def broken(*args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(load_module, "_write_rejects", broken)
    with pytest.raises(OSError, match="disk full"):
        import_files(ws, [data], "clients")
    assert stored(ws, "SELECT client_id, name FROM clients") == [("1", "Kept")]
    assert stored(ws, "SELECT count(*) FROM imports") == [(1,)]
    assert not ws.rejects_dir.exists() or not list(ws.rejects_dir.iterdir())


def test_a_killed_import_leaves_the_store_as_it_was(ws: Workspace, tmp_path: Path) -> None:
    data = tmp_path / "s.csv"
    data.write_text(HEADER + "A,2024-01-05,X,1,10,\n" * 1000)
    script = textwrap.dedent(
        f"""
        import os
        from pathlib import Path
        from clientload.ingest import load
        from clientload.workspace import open_workspace

        def die(*args):
            os._exit(9)  # like a kill: no rollback, no cleanup

        load._write_rejects = die
        load.import_files(open_workspace({str(ws.root)!r}), [Path({str(data)!r})], "sales")
        """
    )
    finished = subprocess.run([sys.executable, "-c", script], check=False)
    assert finished.returncode == 9
    assert stored(ws, "SELECT count(*) FROM sales") == [(0,)]
    assert stored(ws, "SELECT count(*) FROM imports") == [(0,)]


def test_command_prints_counts_and_errors_are_one_line(
    ws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    from clientload.cli.app import main

    data = tmp_path / "s.csv"
    data.write_text(HEADER + "A,2024-01-05,X,1,10,\n,2024-01-05,X,1,10,\n")
    ok = CliRunner().invoke(app, ["import", str(ws.root), str(data), "--table", "sales"])
    assert ok.exit_code == 0, ok.output
    assert "read" in ok.output and "loaded" in ok.output and "rejected" in ok.output
    assert "rejected rows and reasons:" in ok.output

    def run(*args: str) -> tuple[int, str]:
        monkeypatch.setattr(sys, "argv", ["clientload", *args])
        with pytest.raises(SystemExit) as exited:
            main()
        return int(exited.value.code or 0), capsys.readouterr().err

    code, err = run("import", str(ws.root), str(data), "--table", "nonsense")
    assert code == 2
    assert err.strip().splitlines() == [
        "error: unknown table 'nonsense'; expected one of "
        "sales, clients, products, orders, interactions, storage, receivables, plans, timesheets"
    ]
    code, err = run("import", str(tmp_path / "nowhere"), str(data), "--table", "sales")
    assert code == 2
    assert "clientload init" in err and len(err.strip().splitlines()) == 1
