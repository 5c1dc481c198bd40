"""`--preview`: the file read, mapped and checked as the import would, nothing written."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from clientload.ingest.preview import ColumnChoice, Word, preview_file
from clientload.workspace import init_workspace

ONE_C = (
    "Дата;Документ;Контрагент;Номенклатура;Количество;Сумма;Примечание\n"
    "05.01.2024;Реализация 1;ООО Ромашка;Гвозди;10;1 234,50;\n"
    "06.01.2024;Реализация 2;ООО Лютик;Шурупы;2;99,90;срочно\n"
    "07.01.2024;Реализация 3;;Шурупы;1;5,00;\n"
    "32.01.2024;Реализация 4;ООО Лютик;Шурупы;x;5,00;\n"
)


def test_preview_says_how_the_file_is_read_and_what_would_be_rejected(tmp_path: Path) -> None:
    data = tmp_path / "Продажи.csv"
    data.write_bytes(ONE_C.encode("cp1251"))
    found = preview_file(data, "sales")
    assert (found.encoding, found.delimiter, found.sheet) == ("cp1251", ";", None)
    assert found.columns[:5] == [
        ColumnChoice("client_id", True, "Контрагент", "synonym"),
        ColumnChoice("date", True, "Дата", "synonym", "", "dd.mm.yyyy"),
        ColumnChoice("sku", True, "Номенклатура", "synonym"),
        ColumnChoice("quantity", True, "Количество", "synonym", "", "decimal ','"),
        ColumnChoice("revenue", True, "Сумма", "synonym", "", "decimal ','"),
    ]
    assert found.columns[5] == ColumnChoice(
        "price", False, None, "none", "no header is this column's name or one of its synonyms"
    )
    assert (found.rows_read, found.rows_loaded, found.rows_collapsed, found.rows_rejected) == (
        4, 2, 0, 2
    )
    assert found.reasons == [
        ("Дата (date): … is not a date as dd.mm.yyyy; Количество (quantity): … is not a number "
         "like 1 234,56", 1),
        ("Контрагент (client_id): required value empty", 1),
    ]
    assert [line for line, _ in found.rejected] == [4, 5]
    assert [(r["_line"], r["client_id"], r["revenue"]) for r in found.sample] == [
        (2, "ООО Ромашка", 1234.5), (3, "ООО Лютик", 99.9)
    ]
    assert "columns not used: Примечание" in found.notes


def test_preview_lists_the_words_of_yes_no_and_code_columns(tmp_path: Path) -> None:
    data = tmp_path / "orders.csv"
    data.write_text("order_id,client_id,urgent,delivery\n1,A,Same Day,courier\n2,A,no,Drone\n"
                    "3,B,Same Day,самовывоз\n")
    mapping = tmp_path / "map.toml"
    mapping.write_text('[values.urgent]\n"Same Day" = true\n')
    found = preview_file(data, "orders", mapping)
    assert found.words == {
        "urgent": [Word("Same Day", 2, "true"), Word("no", 1, "false")],
        "delivery": [Word("Drone", 1, None), Word("courier", 1, "delivery"),
                     Word("самовывоз", 1, "pickup")],
    }
    assert [c.how for c in found.columns if c.column in ("urgent", "delivery")] == [
        "name", "name"
    ]


def test_preview_of_a_file_missing_a_required_column_shows_it_as_read(tmp_path: Path) -> None:
    data = tmp_path / "s.csv"
    data.write_text("client,Tag,qty\nK1,2024-01-05,3\n")
    found = preview_file(data, "sales")
    assert found.missing == ["date", "sku", "revenue (or price)"]
    assert found.headers == ["client", "Tag", "qty"]
    assert found.sample == [{"_line": 2, "client": "K1", "Tag": "2024-01-05", "qty": "3"}]
    assert found.rows_loaded == 0 and found.rows_read == 1


@pytest.mark.slow
def test_the_command_previews_and_writes_nothing(tmp_path: Path) -> None:
    ws = init_workspace(tmp_path / "ws")
    data = tmp_path / "Продажи.csv"
    data.write_bytes(ONE_C.encode("cp1251"))
    with duckdb.connect(str(ws.store_path), read_only=True) as con:
        before = con.execute("SELECT count(*) FROM imports").fetchone()
    done = subprocess.run(
        [sys.executable, "-m", "clientload.cli.app", "import", str(ws.root), str(data), "--table",
         "sales", "--preview"],
        capture_output=True, text=True, timeout=120,
        env={**os.environ, "COLUMNS": "200", "NO_COLOR": "1"},
    )
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "preview of" in out and "(nothing is written)" in out
    assert "encoding: cp1251; delimiter: ;" in out
    assert "dd.mm.yyyy" in out and "decimal ','" in out
    assert "first rows as they would be stored" in out and "ООО Ромашка" in out
    assert "rejected 1: Контрагент (client_id): required value empty" in out
    assert "  line 5: Дата (date): '32.01.2024' is not a date as dd.mm.yyyy" in out
    with duckdb.connect(str(ws.store_path), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM imports").fetchone() == before
    assert not ws.rejects_dir.exists()
