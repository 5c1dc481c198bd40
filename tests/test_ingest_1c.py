"""A 1С sales report as users export it: Windows-1251, `;`, `1 234,56` with no-break spaces,
dd.mm.yyyy, Russian headers. It imports with no mapping file and the sums match to the kopeck."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import duckdb

from clientload.ingest import import_files
from clientload.workspace import init_workspace

NBSP = "\u00a0"
ROWS = [
    # Дата, Документ, Контрагент, Номенклатура, Количество, Сумма, Себестоимость
    ("09.01.2024", "Реализация 0001 от 09.01.2024", 'ООО "Ромашка"', "Гвозди 100 мм", "1 200",
     f"1{NBSP}234,56", "987,65"),
    ("15.01.2024", "Реализация 0002 от 15.01.2024", "ИП Сидоров; склад №2", "Шурупы 4x40", "35",
     f"12{NBSP}345{NBSP}678,90", f"9{NBSP}876{NBSP}543,21"),
    ("31.01.2024", "Возврат 0003 от 31.01.2024", 'ООО "Ромашка"', "Гвозди 100 мм", "-10",
     "-102,88", "-82,30"),
    ("01.02.2024", "Реализация 0004 от 01.02.2024", "АО «Вектор»", "Саморезы", "2,5",
     "0,01", "0,00"),
]


def one_c_file(path: Path) -> Path:
    """The report as 1С saves it: quotes only where a value holds `;` or `"`, CRLF, cp1251."""
    text = io.StringIO()
    writer = csv.writer(text, delimiter=";", lineterminator="\r\n")
    writer.writerow(["Дата", "Документ", "Контрагент", "Номенклатура", "Количество", "Сумма",
                     "Себестоимость"])
    writer.writerows(ROWS)
    path.write_bytes(text.getvalue().encode("cp1251"))
    return path


def kopecks(text: str) -> Decimal:
    return Decimal(text.replace(NBSP, "").replace(" ", "").replace(",", "."))


def test_1c_export_imports_without_mapping_and_sums_match_to_the_kopeck(tmp_path: Path) -> None:
    ws = init_workspace(tmp_path / "ws")
    path = one_c_file(tmp_path / "Продажи за январь.csv")
    result = import_files(ws, [path], "sales")

    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (4, 4, 0)
    assert "encoding windows-1251" in result.notes
    assert "delimiter ';'" in result.notes
    with duckdb.connect(str(ws.store_path), read_only=True) as con:
        rows = con.execute(
            "SELECT date, order_id, client_id, sku, quantity, revenue, cost "
            "FROM sales ORDER BY _line"
        ).fetchall()
        totals = con.execute(
            "SELECT round(sum(revenue), 2)::DECIMAL(18, 2), round(sum(cost), 2)::DECIMAL(18, 2) "
            "FROM sales"
        ).fetchone()
    assert rows[0] == (
        dt.date(2024, 1, 9), "Реализация 0001 от 09.01.2024", 'ООО "Ромашка"', "Гвозди 100 мм",
        1200.0, 1234.56, 987.65,
    )
    assert rows[1][2] == "ИП Сидоров; склад №2"
    assert rows[2][4] == -10.0  # a return
    assert rows[3][4] == 2.5
    assert totals == (sum(kopecks(r[5]) for r in ROWS), sum(kopecks(r[6]) for r in ROWS))
    assert all(
        Decimal(str(stored)).quantize(Decimal("0.01")) == kopecks(row[5])
        for stored, row in zip((r[5] for r in rows), ROWS, strict=True)
    )


def test_russian_delivery_and_source_words_become_the_models_codes(tmp_path: Path) -> None:
    """«Доставка»/«Самовывоз» and «Портал»/«по телефону» are what Russian order exports say; the
    model counts deliveries and portal orders by the codes. An unknown delivery word is a
    rejected row naming the value (read as "no delivery" it would drop the cost silently); an
    unknown source stays as given (it only counts as "not the portal")."""
    ws = init_workspace(tmp_path / "ws")
    path = tmp_path / "Заказы.csv"
    rows = [
        "Номер;Контрагент;Способ доставки;Источник",
        "З-1;К1;Доставка;Портал",
        "З-2;К1; САМОВЫВОЗ ;по телефону",
        "З-3;К2;дрон;EDI",
        "З-4;К2;;1С:Документооборот",
        "З-5;К2;Delivery;e-mail",
    ]
    path.write_bytes("\r\n".join(rows).encode("cp1251"))
    mapping = tmp_path / "map.toml"
    mapping.write_text('[columns]\norder_id = "Номер"\nclient_id = "Контрагент"\n', "utf-8")
    result = import_files(ws, [path], "orders", mapping=mapping)

    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (5, 4, 1)
    with duckdb.connect(str(ws.store_path), read_only=True) as con:
        stored = con.execute(
            "SELECT order_id, delivery, source FROM orders ORDER BY _line"
        ).fetchall()
    assert stored == [
        ("З-1", "delivery", "portal"),
        ("З-2", "pickup", "phone"),
        ("З-4", None, "1С:Документооборот"),
        ("З-5", "delivery", "email"),
    ]
    (rejects,) = ws.rejects_dir.glob("orders-*.csv")
    reason = rejects.read_text("utf-8").splitlines()[1]
    assert (
        "Заказы.csv line 4: Способ доставки (delivery): 'дрон' is not one of "
        "delivery (доставка), pickup (самовывоз)"
    ) in reason
