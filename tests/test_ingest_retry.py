"""Trying again after a mistake: a file that loaded nothing does not count as imported, and
`--replace` imports a file again in place of exactly the rows it brought, in one transaction."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest
from ingest_support import stored
from typer.testing import CliRunner

from clientload.cli.app import app
from clientload.ingest import import_files
from clientload.ingest import load as load_module
from clientload.workspace import Workspace

HEADER = "client_id,date,sku,quantity,revenue\n"




def test_a_file_that_loaded_nothing_is_not_recorded_as_imported(
    ws: Workspace, tmp_path: Path
) -> None:
    data = tmp_path / "clients.csv"
    data.write_text("Kunde,Nummer,Name\nA,1,Alpha\nB,2,Beta\n")
    wrong = tmp_path / "wrong.toml"
    wrong.write_text('[columns]\nclient_id = "Kunde"\npayment_terms_days = "Name"\n')
    first = import_files(ws, [data], "clients", mapping=wrong)
    assert (first.rows_read, first.rows_loaded, first.rows_rejected) == (2, 0, 2)
    assert "nothing loaded: the file does not count as imported" in first.notes[-1]

    right = tmp_path / "right.toml"
    right.write_text('[columns]\nclient_id = "Kunde"\nname = "Name"\n')
    second = import_files(ws, [data], "clients", mapping=right)
    assert second.skipped_files == []
    assert (second.rows_read, second.rows_loaded, second.rows_rejected) == (2, 2, 0)
    assert stored(ws, "SELECT client_id, name FROM clients ORDER BY 1") == [
        ("A", "Alpha"), ("B", "Beta")
    ]
    # the log keeps the failed attempt; only the second counts as the file's import
    assert stored(ws, "SELECT import_id, rows_loaded, rows_rejected FROM imports") == [
        (1, 0, 2), (2, 2, 0)
    ]
    third = import_files(ws, [data], "clients", mapping=right)
    assert third.rows_read == 0 and "add --replace" in third.skipped_files[0][1]


def test_replace_swaps_exactly_the_rows_the_file_brought(ws: Workspace, tmp_path: Path) -> None:
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    a.write_text(HEADER + "C1,2024-01-05,X,1,10\nC2,2024-01-06,Y,2,20\nC3,2024-01-07,Z,3,30\n")
    b.write_text(HEADER + "C1,2024-02-05,X,1,11\nC4,2024-02-06,Y,1,12\n")
    import_files(ws, [a, b], "sales")
    mapping = tmp_path / "map.toml"
    mapping.write_text('[constants]\nmanager = "Anna"\n')

    again = import_files(ws, [a], "sales", mapping=mapping, replace=True)
    assert (again.rows_read, again.rows_loaded, again.rows_rejected) == (3, 3, 0)
    assert again.rows_replaced == 3
    assert "replaces import 1 of this file: 3 rows it brought removed" in again.notes
    assert stored(ws, "SELECT _import_id, client_id, manager FROM sales ORDER BY 1, 2") == [
        (2, "C1", None), (2, "C4", None), (3, "C1", "Anna"), (3, "C2", "Anna"), (3, "C3", "Anna")
    ]
    assert stored(
        ws, "SELECT import_id, rows_loaded, rows_replaced, replaced_by FROM imports ORDER BY 1"
    ) == [(1, 3, 0, 3), (2, 2, 0, None), (3, 3, 3, None)]

    # the same file changed since (a corrected export): the rows of its earlier import go
    a.write_text(HEADER + "C1,2024-01-05,X,1,10\nC2,2024-01-06,Y,2,25\n")
    corrected = import_files(ws, [a], "sales", replace=True)
    assert (corrected.rows_loaded, corrected.rows_replaced) == (2, 3)
    assert stored(ws, "SELECT sum(revenue), count(*) FROM sales") == [(58.0, 4)]
    # a file never imported: --replace imports it and replaces nothing
    c = tmp_path / "c.csv"
    c.write_text(HEADER + "C5,2024-03-01,X,1,1\n")
    fresh = import_files(ws, [c], "sales", replace=True)
    assert (fresh.rows_loaded, fresh.rows_replaced) == (1, 0)


def test_replace_in_a_reference_table_takes_back_the_files_rows(
    ws: Workspace, tmp_path: Path
) -> None:
    first, other = tmp_path / "c1.csv", tmp_path / "c2.csv"
    first.write_text("client_id,region\nA,North\nB,South\nC,East\n")
    other.write_text("client_id,region\nC,West\n")
    import_files(ws, [first], "clients")
    import_files(ws, [other], "clients")  # takes C over
    first.write_text("client_id,region\nA,North-West\n")
    result = import_files(ws, [first], "clients", replace=True)
    # B was the file's and goes; C had been replaced by c2.csv already and stays as c2 has it
    assert result.rows_replaced == 2
    assert stored(ws, "SELECT client_id, region FROM clients ORDER BY 1") == [
        ("A", "North-West"), ("C", "West")
    ]


def test_a_failed_replace_leaves_the_store_as_it_was(
    ws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "s.csv"
    data.write_text(HEADER + "C1,2024-01-05,X,1,10\n,2024-01-05,X,1,10\n")
    import_files(ws, [data], "sales")

    def broken(*args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(load_module, "_write_rejects", broken)
    with pytest.raises(OSError, match="disk full"):
        import_files(ws, [data], "sales", replace=True)
    assert stored(ws, "SELECT _import_id, client_id FROM sales") == [(1, "C1")]
    assert stored(ws, "SELECT import_id, replaced_by FROM imports") == [(1, None)]


def test_the_command_names_replace_and_prints_collapsed_and_replaced(
    ws: Workspace, tmp_path: Path
) -> None:
    data = tmp_path / "c.csv"
    data.write_text("client_id,name\nA,Alpha\nA,Alpha\nB,Beta\n")
    runner = CliRunner()
    first = runner.invoke(app, ["import", str(ws.root), str(data), "--table", "clients"],
                          env={"COLUMNS": "200"})
    assert first.exit_code == 0, first.output
    assert re.search(r"collapsed \(identical repeats\)\s*│\s*1 │", first.output)
    assert "1 repeated rows of the same 1 client collapsed" in first.output
    skipped = runner.invoke(app, ["import", str(ws.root), str(data), "--table", "clients"],
                            env={"COLUMNS": "200"})
    assert "to import it again in place of the rows it brought, add --replace" in skipped.output
    replaced = runner.invoke(
        app, ["import", str(ws.root), str(data), "--table", "clients", "--replace"],
        env={"COLUMNS": "200"},
    )
    assert replaced.exit_code == 0, replaced.output
    assert re.search(r"replaced \(stored rows taken over\)\s*│\s*2 │", replaced.output)
    assert stored(ws, "SELECT rows_read, rows_loaded, rows_collapsed, rows_rejected, "
                      "rows_replaced, replaced_by FROM imports ORDER BY import_id") == [
        (3, 2, 1, 0, 0, 2), (3, 2, 1, 0, 2, None)
    ]


def test_a_store_made_before_gets_the_new_columns_of_the_imports_log(tmp_path: Path) -> None:
    root = tmp_path / "old"
    root.mkdir()
    with duckdb.connect(str(root / "clientload.duckdb")) as con:
        con.execute(
            "CREATE TABLE imports (import_id BIGINT PRIMARY KEY, table_name VARCHAR NOT NULL, "
            "file VARCHAR NOT NULL, sha256 VARCHAR NOT NULL, imported_at TIMESTAMP NOT NULL, "
            "rows_read BIGINT NOT NULL, rows_loaded BIGINT NOT NULL, rows_rejected BIGINT NOT "
            "NULL, rows_replaced BIGINT NOT NULL DEFAULT 0, notes VARCHAR)"
        )
        con.execute("INSERT INTO imports VALUES (1, 'sales', 'old.csv', 'abc', now(), 1, 1, 0, "
                    "0, NULL)")
    ws = Workspace(root)
    ws.connect().close()
    assert stored(ws, "SELECT import_id, rows_collapsed, replaced_by FROM imports") == [
        (1, 0, None)
    ]
