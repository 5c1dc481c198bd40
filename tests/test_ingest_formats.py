"""Real-world file quirks: encodings, delimiters, number and date styles, quoting, XLSX, Parquet."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pytest

from clientload.ingest import import_files
from clientload.workspace import Workspace, init_workspace

HEADER = "client_id,date,sku,quantity,revenue\n"


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    return init_workspace(tmp_path / "ws")


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def stored(ws: Workspace, sql: str) -> list[tuple]:
    with duckdb.connect(str(ws.store_path), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_utf8_with_bom_reads_the_first_header(ws: Workspace, tmp_path: Path) -> None:
    path = write(tmp_path / "s.csv", "\ufeff" + HEADER + "A,2024-01-05,X,2,10\n")
    result = import_files(ws, [path], "sales")
    assert (result.rows_read, result.rows_loaded) == (1, 1)
    assert "encoding utf-8 with BOM" in result.notes
    assert stored(ws, "SELECT client_id FROM sales") == [("A",)]


def test_windows_1251_is_detected_and_transcoded(ws: Workspace, tmp_path: Path) -> None:
    text = "Клиент;Дата;Номенклатура;Количество;Сумма\nООО Ромашка;05.01.2024;Гвозди;3;15,50\n"
    path = write(tmp_path / "s.csv", text, "cp1251")
    result = import_files(ws, [path], "sales")
    assert "encoding windows-1251" in result.notes
    assert "delimiter ';'" in result.notes
    assert stored(ws, "SELECT client_id, sku, revenue FROM sales") == [
        ("ООО Ромашка", "Гвозди", 15.5)
    ]


def test_tab_delimited_text_file(ws: Workspace, tmp_path: Path) -> None:
    path = write(tmp_path / "s.txt", HEADER.replace(",", "\t") + "A\t2024-01-05\tX\t2\t10.5\n")
    result = import_files(ws, [path], "sales")
    assert "delimiter tab" in result.notes
    assert stored(ws, "SELECT revenue FROM sales") == [(10.5,)]


def test_decimal_comma_with_no_break_and_narrow_spaces(ws: Workspace, tmp_path: Path) -> None:
    body = "A;05.01.2024;X;1;1\u00a0234,56\nA;06.01.2024;X;1;12\u202f345,5\nA;07.01.2024;X;1;7\n"
    path = write(tmp_path / "s.csv", HEADER.replace(",", ";") + body)
    import_files(ws, [path], "sales")
    assert stored(ws, "SELECT revenue FROM sales ORDER BY date") == [(1234.56,), (12345.5,), (7.0,)]


def test_decimal_mark_is_decided_per_column(ws: Workspace, tmp_path: Path) -> None:
    # quantity has comma thousands (1,234.5); revenue a decimal comma with dots (1.234,5).
    body = '"A";2024-01-05;X;"1,234.5";"1.234,5"\n"A";2024-01-06;X;"2,000.25";"10,75"\n'
    path = write(tmp_path / "s.csv", HEADER.replace(",", ";") + body)
    import_files(ws, [path], "sales")
    assert stored(ws, "SELECT quantity, revenue FROM sales ORDER BY date") == [
        (1234.5, 1234.5),
        (2000.25, 10.75),
    ]


def test_apostrophe_thousands_and_a_value_in_the_wrong_style_is_rejected(
    ws: Workspace, tmp_path: Path
) -> None:
    body = "A,2024-01-05,X,1,1'234.50\nA,2024-01-06,X,1,3.25\nA,2024-01-07,X,1,\"2,5\"\n"
    result = import_files(ws, [write(tmp_path / "s.csv", HEADER + body)], "sales")
    assert stored(ws, "SELECT revenue FROM sales ORDER BY date") == [(1234.5,), (3.25,)]
    assert result.rows_rejected == 1
    assert "'2,5' is not a number like 1234.56" in result.rejects_path.read_text("utf-8")


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        (["2024-03-05", "2024-03-17 14:30:00"], [dt.date(2024, 3, 5), dt.date(2024, 3, 17)]),
        (["2024-03-05T09:00", "2024-03-17"], [dt.date(2024, 3, 5), dt.date(2024, 3, 17)]),
        (["05.03.2024", "17.03.2024 0:00:00"], [dt.date(2024, 3, 5), dt.date(2024, 3, 17)]),
        (["3/5/2024", "3/17/2024 14:30"], [dt.date(2024, 3, 5), dt.date(2024, 3, 17)]),
        (["5/3/2024", "17/3/2024"], [dt.date(2024, 3, 5), dt.date(2024, 3, 17)]),
        (["45356", "45368.75"], [dt.date(2024, 3, 5), dt.date(2024, 3, 17)]),
        (["20240305", "20240317"], [dt.date(2024, 3, 5), dt.date(2024, 3, 17)]),
    ],
    ids=["iso", "iso-t", "dd.mm.yyyy", "m/d/yyyy", "d/m/yyyy", "excel-serial", "yyyymmdd"],
)
def test_date_styles(ws: Workspace, tmp_path: Path, cells: list[str], expected: list) -> None:
    body = "".join(f"A,{c},X,1,1\n" for c in cells)
    result = import_files(ws, [write(tmp_path / "s.csv", HEADER + body)], "sales")
    assert result.rows_rejected == 0
    assert [r[0] for r in stored(ws, "SELECT date FROM sales ORDER BY _line")] == expected


def test_ambiguous_slash_dates_are_read_as_month_first_and_the_note_says_so(
    ws: Workspace, tmp_path: Path
) -> None:
    body = "A,3/5/2024,X,1,1\nA,4/6/2024,X,1,1\n"
    result = import_files(ws, [write(tmp_path / "s.csv", HEADER + body)], "sales")
    assert any("read as m/d/yyyy (ambiguous" in n for n in result.notes)
    assert stored(ws, "SELECT date FROM sales ORDER BY _line") == [
        (dt.date(2024, 3, 5),),
        (dt.date(2024, 4, 6),),
    ]


def test_date_format_option_overrides_the_guess(ws: Workspace, tmp_path: Path) -> None:
    body = "A,3/5/2024,X,1,1\n"
    import_files(ws, [write(tmp_path / "s.csv", HEADER + body)], "sales", date_format="d/m/yyyy")
    assert stored(ws, "SELECT date FROM sales") == [(dt.date(2024, 5, 3),)]


def test_booleans_in_several_languages(ws: Workspace, tmp_path: Path) -> None:
    body = "1,A,да\n2,A,нет\n3,A,TRUE\n4,A,0\n5,A,yes\n6,A,maybe\n"
    path = write(tmp_path / "o.csv", "order_id,client_id,urgent\n" + body)
    result = import_files(ws, [path], "orders")
    assert stored(ws, "SELECT urgent FROM orders ORDER BY order_id") == [
        (True,), (False,), (True,), (False,), (True,)
    ]
    assert result.rows_rejected == 1
    assert "'maybe' is not true/false" in result.rejects_path.read_text("utf-8")


def test_quoted_fields_with_delimiters_and_line_breaks_keep_their_line_numbers(
    ws: Workspace, tmp_path: Path
) -> None:
    body = (
        '"A, Ltd",2024-01-05,X,1,1\n'
        '"B\nsecond line",2024-01-06,X,1,1\n'
        "\n"
        ",2024-01-07,X,1,1\n"
    )
    result = import_files(ws, [write(tmp_path / "s.csv", HEADER + body)], "sales")
    assert stored(ws, "SELECT client_id, _line FROM sales ORDER BY _line") == [
        ("A, Ltd", 2),
        ("B\nsecond line", 3),
    ]
    # The empty client sits on line 6 of the file: header, A, B (two lines), a blank line.
    assert "s.csv line 6: client_id: required value empty" in result.rejects_path.read_text("utf-8")


def test_a_line_with_too_many_fields_is_rejected_not_lost(ws: Workspace, tmp_path: Path) -> None:
    body = "A,2024-01-05,X,1,1\nB,2024-01-05,X,1,1,extra\nC,2024-01-05,X,1\n"
    result = import_files(ws, [write(tmp_path / "s.csv", HEADER + body)], "sales")
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (3, 1, 2)
    text = result.rejects_path.read_text("utf-8")
    assert "line 3: line has 6 fields, the header has 5" in text
    assert "line 4: revenue: required value empty" in text


def test_xlsx_first_sheet_or_the_named_one(ws: Workspace, tmp_path: Path) -> None:
    import xlsxwriter

    path = tmp_path / "book.xlsx"
    book = xlsxwriter.Workbook(str(path))
    notes = book.add_worksheet("notes")
    notes.write(0, 0, "not data")
    sheet = book.add_worksheet("sales")
    for col, header in enumerate(["Покупатель", "Дата", "Артикул", "Кол-во", "Сумма"]):
        sheet.write(0, col, header)
    date_format = book.add_format({"num_format": "dd.mm.yyyy"})
    sheet.write_string(1, 0, "17850")
    sheet.write_datetime(1, 1, dt.datetime(2024, 2, 29), date_format)
    sheet.write_string(1, 2, "SKU-1")
    sheet.write_number(1, 3, 3)
    sheet.write_number(1, 4, 1234.5)
    book.close()
    result = import_files(ws, [path], "sales", sheet="sales")
    assert result.rows_loaded == 1
    assert stored(ws, "SELECT client_id, date, sku, quantity, revenue, _line FROM sales") == [
        ("17850", dt.date(2024, 2, 29), "SKU-1", 3.0, 1234.5, 2)
    ]


def test_parquet_keeps_types_and_cleans_float_client_ids(ws: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "s.parquet"
    with duckdb.connect() as con:
        con.execute(
            "COPY (SELECT * FROM (VALUES (17850.0, TIMESTAMP '2011-01-02 10:30', 'X', 6, 2.5), "
            "(NULL, TIMESTAMP '2011-01-03 11:00', 'Y', -1, 3.0)) "
            "t(CustomerID, InvoiceDate, StockCode, Quantity, UnitPrice)) "
            f"TO '{path}' (FORMAT parquet)"
        )
    result = import_files(ws, [path], "sales")
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (2, 1, 1)
    assert stored(ws, "SELECT client_id, date, quantity, revenue FROM sales") == [
        ("17850", dt.date(2011, 1, 2), 6.0, 15.0)
    ]
    assert "s.parquet row 2: CustomerID (client_id): required value empty" in (
        result.rejects_path.read_text("utf-8")
    )


def test_english_synonyms_need_no_mapping(ws: Workspace, tmp_path: Path) -> None:
    text = "Customer ID,Invoice Date,Item,Qty,Unit Price,Cost of goods,Order No\n"
    text += "C1,2024-01-05,X,4,2.5,6,O-1\n"
    result = import_files(ws, [write(tmp_path / "s.csv", text)], "sales")
    assert "revenue = quantity * price" in result.notes
    assert stored(ws, "SELECT client_id, sku, quantity, revenue, cost, order_id FROM sales") == [
        ("C1", "X", 4.0, 10.0, 6.0, "O-1")
    ]


def test_unknown_columns_are_listed_in_the_notes(ws: Workspace, tmp_path: Path) -> None:
    text = "client_id,date,sku,quantity,revenue,colour\nA,2024-01-05,X,1,1,red\n"
    result = import_files(ws, [write(tmp_path / "s.csv", text)], "sales")
    assert "columns not used: colour" in result.notes


def test_trailing_delimiters_and_a_header_only_file(ws: Workspace, tmp_path: Path) -> None:
    path = write(tmp_path / "s.csv", HEADER.replace(",", ";") + "A;2024-01-05;X;1;1;\n")
    result = import_files(ws, [path], "sales")
    assert (result.rows_read, result.rows_loaded) == (1, 1)
    empty = import_files(ws, [write(tmp_path / "h.csv", HEADER)], "sales")
    assert (empty.rows_read, empty.rows_loaded, empty.rows_rejected) == (0, 0, 0)


def test_excel_unicode_text_utf16_with_tabs(ws: Workspace, tmp_path: Path) -> None:
    text = HEADER.replace(",", "\t") + "Ёлка\t2024-01-05\tX\t2\t10,5\n"
    result = import_files(ws, [write(tmp_path / "s.txt", text, "utf-16")], "sales", decimal=",")
    assert "encoding utf-16" in result.notes
    assert stored(ws, "SELECT client_id, revenue FROM sales") == [("Ёлка", 10.5)]
