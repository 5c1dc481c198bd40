"""Reasons a row is rejected: English in the rejects file, read back into messages for the web's
mapping screen in Russian. Every kind of reason the importer writes is made here and must read
back exactly (a reason that does not read back would show in English on a Russian page)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from ingest_support import workbook

from clientload.i18n import say
from clientload.ingest import import_files
from clientload.ingest.preview import preview_file
from clientload.ingest.reasons import REASONS, reason_message
from clientload.messages import Message
from clientload.workspace import init_workspace

SALES = """client_id,date,sku,quantity,qty,unit,status,note
C1,2024-01-05,S1,2,2,10,ok,fine
,2024-01-05,S1,2,2,10,ok,no client
C1,notadate,S1,2,2,10,ok,bad date
C1,2024-01-05,S1,abc,2,10,ok,bad quantity
C1,2024-01-05,S1,2,x,10,ok,bad operand
C1,2024-01-05,S1,2,2,10,void,excluded
C1,2024-01-05,S1,2,2,10,ok,one,too many
"""
SALES_MAPPING = '[derive]\nrevenue = "qty * unit"\n[exclude]\nstatus = "void"\n'
PRICED = """client_id,date,sku,quantity,revenue,price
C1,2024-01-05,S1,1,,
C1,2024-01-05,S1,1,5,-3
"""
PLANS = "manager,period,revenue_plan\nIvanov,2024-13,100\n"
ORDERS = [["order_id", "client", "urgent", "delivery", "changes"],
          ["O1", "K1", "да", "курьер", 1], ["O2", "K9", "нет", "курьер", 1],
          ["O3", "K1", "maybe", "курьер", 1], ["O4", "K1", "нет", "drone", 1],
          ["O5", "K1", "нет", "курьер", 1.5], ["O1", "K1", "нет", "", 1]]
LOOKUP = '[lookup.clients]\nsheet = "Clients"\nkey = "client"\ncolumns = ["client_id"]\n'

# Line → the reason in Russian, as the mapping screen shows it.
RUSSIAN = {
    ("sales", 3): "client_id: обязательное значение пусто",
    ("sales", 4): "date: 'notadate' — не дата вида гггг-мм-дд",
    ("sales", 5): "quantity: 'abc' — не число вида 1234.56",
    ("sales", 6): "revenue = qty * unit: значение пусто или не число; qty: 'x' — не число вида "
                  "1234.56",
    ("sales", 7): "исключено правилом sales.toml [exclude] status: 'void'",
    ("sales", 8): "в строке полей: 9, в заголовке: 8",
    ("priced", 2): "revenue: обязательное значение пусто, и quantity * price неизвестно",
    ("priced", 3): "price: -3.0 — отрицательное; ожидается 0 или больше",
    ("plans", 2): "period: '2024-13' — не месяц вида ГГГГ-ММ",
    ("orders", 2): "order_id 'O1' встречается снова в строке 7 с другими значениями: urgent: "
                   "здесь 'true', там 'false'; delivery: здесь 'delivery', там пусто; оставлена "
                   "более поздняя строка",
    ("orders", 3): "client 'K9' не найден в orders.xlsx, лист 'Clients'; client_id: "
                   "обязательное значение пусто",
    ("orders", 4): "urgent: 'maybe' — не true/false, yes/no, да/нет или 1/0",
    ("orders", 5): "delivery: 'drone' — не одно из: delivery (доставка), pickup (самовывоз)",
    ("orders", 6): "changes: '1.5' — не целое число",
}


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, tuple[Path, str, Path | None]]:
    folder = tmp_path_factory.mktemp("reasons")
    (folder / "sales.csv").write_text(SALES, "utf-8")
    (folder / "sales.toml").write_text(SALES_MAPPING, "utf-8")
    (folder / "priced.csv").write_text(PRICED, "utf-8")
    (folder / "plans.csv").write_text(PLANS, "utf-8")
    workbook(folder / "orders.xlsx", {"Orders": ORDERS, "Clients": [["client", "client_id"],
                                                                    ["K1", "C1"]]})
    (folder / "orders.toml").write_text(LOOKUP, "utf-8")
    return {"sales": (folder / "sales.csv", "sales", folder / "sales.toml"),
            "priced": (folder / "priced.csv", "sales", None),
            "plans": (folder / "plans.csv", "plans", None),
            "orders": (folder / "orders.xlsx", "orders", folder / "orders.toml")}


def test_every_reason_reads_back_and_shows_in_russian(files):
    shown: dict[tuple[str, int], str] = {}
    kinds_used: set[str] = set()
    for name, (path, table, mapping) in files.items():
        found = preview_file(path, table, mapping, sample_rows=50)
        for line, reason in found.rejected:
            message = reason_message(reason)
            assert isinstance(message, Message) and message == reason, reason
            shown[(name, line)] = say(message, "ru")
            parts = message.values["items"] if message.template == "{items}" else [message]
            kinds_used |= {part.template for part in parts}
        for kind, _rows in found.reasons:  # the grouped kinds, values masked as "…"
            message = reason_message(kind)
            assert isinstance(message, Message) and message == kind, kind
            assert "is not" not in say(message, "ru") and "empty" not in say(message, "ru")
    assert shown == RUSSIAN
    assert kinds_used == set(REASONS)  # every kind of reason was made and read back


def test_the_rejects_file_keeps_the_english(files, tmp_path):
    ws = init_workspace(tmp_path / "ws")
    path, table, mapping = files["orders"]
    result = import_files(ws, [path], table, mapping=mapping)
    with result.rejects_path.open(encoding="utf-8") as handle:
        reasons = [row["reason"] for row in csv.DictReader(handle)]
    assert reasons[:2] == [
        "orders.xlsx line 2: order_id 'O1' appears again on line 7 with other values: urgent "
        "'true' here, 'false' there; delivery 'delivery' here, empty there; the later line is kept",
        "orders.xlsx line 3: client 'K9' not found in orders.xlsx sheet 'Clients'; client_id: "
        "required value empty",
    ]


def test_a_reason_that_does_not_read_back_stays_as_it_is():
    assert reason_message("something else entirely") == "something else entirely"
    assert not isinstance(reason_message("something else entirely"), Message)
