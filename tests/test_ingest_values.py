"""Value maps (`[values.COLUMN]`): what an export's words mean, for yes/no, code and other
columns; words not understood are listed with their counts and the section to add."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from ingest_support import stored

from clientload.errors import ClientloadError
from clientload.ingest import import_files
from clientload.workspace import Workspace

ORDERS = (
    "Order,Customer,Ship Mode,Shipping\n"
    "1,A,Same Day,Courier X\n2,A,First Class,Courier X\n3,B,Standard Class,Pickup point\n"
    "4,B,Standard Class,Доставка\n5,C,same day ,Drone\n6,C,,\n"
)




def reasons(path: Path | None) -> list[str]:
    assert path is not None
    with path.open(encoding="utf-8", newline="") as handle:
        return [row["reason"] for row in csv.DictReader(handle)]


def test_words_not_understood_are_listed_with_counts_and_the_section_to_add(
    ws: Workspace, tmp_path: Path
) -> None:
    data = tmp_path / "orders.csv"
    data.write_text(ORDERS)
    mapping = tmp_path / "map.toml"
    mapping.write_text('[columns]\nurgent = "Ship Mode"\ndelivery = "Shipping"\n')
    result = import_files(ws, [data], "orders", mapping=mapping)
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (6, 1, 5)
    hints = [n for n in result.notes if "[values." in n]
    assert hints == [
        "Ship Mode (urgent): 4 words are not true or false (5 rows rejected): "
        "'Standard Class' (2), 'First Class' (1), 'Same Day' (1), 'same day' (1); say what they "
        "mean in the mapping file, replacing each ?:\n[values.urgent]\n"
        '"Standard Class" = ?  # true or false\n"First Class" = ?  # true or false\n'
        '"Same Day" = ?  # true or false\n"same day" = ?  # true or false',
        "Shipping (delivery): 3 words are not delivery or pickup (4 rows rejected): "
        "'Courier X' (2), 'Drone' (1), 'Pickup point' (1); say what they mean in the mapping "
        "file, replacing each ?:\n[values.delivery]\n"
        '"Courier X" = ?  # delivery or pickup\n"Drone" = ?  # delivery or pickup\n'
        '"Pickup point" = ?  # delivery or pickup',
    ]
    # each row keeps its own reason, as before
    assert reasons(result.rejects_path)[0] == (
        "orders.csv line 2: Ship Mode (urgent): 'Same Day' is not true/false, yes/no, да/нет or "
        "1/0; Shipping (delivery): 'Courier X' is not one of delivery (доставка), pickup "
        "(самовывоз)"
    )


def test_value_maps_for_yes_no_code_and_text_columns(ws: Workspace, tmp_path: Path) -> None:
    data = tmp_path / "orders.csv"
    data.write_text(ORDERS)
    mapping = tmp_path / "map.toml"
    mapping.write_text(
        '[columns]\nurgent = "Ship Mode"\ndelivery = "Shipping"\nclient_id = "Customer"\n'
        'source = "Customer"\n'
        '[values.urgent]\n"Same Day" = true\n"first class" = true\n"Standard Class" = false\n'
        '[values.delivery]\n" Courier X " = "delivery"\n"Pickup point" = "самовывоз"\n'
        '"Drone" = ""\n'
        '[values.source]\nA = "portal"\nB = "Visit"\n'
    )
    result = import_files(ws, [data], "orders", mapping=mapping)
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (6, 6, 0)
    assert not [n for n in result.notes if "[values." in n]
    assert stored(ws, "SELECT order_id, urgent, delivery, source FROM orders ORDER BY 1") == [
        ("1", True, "delivery", "portal"),
        ("2", True, "delivery", "portal"),
        ("3", False, "pickup", "Visit"),
        ("4", False, "delivery", "Visit"),  # a word known without the map still reads
        ("5", True, None, "C"),  # mapped to "" = empty; a source not mapped stays as written
        ("6", None, None, "C"),
    ]


def test_a_value_map_on_a_number_column_and_with_a_constant(
    ws: Workspace, tmp_path: Path
) -> None:
    data = tmp_path / "clients.csv"
    data.write_text("client_id,payment_terms_days,region\nA,net 30,N\nB,prepaid,\nC,14,S\n")
    mapping = tmp_path / "map.toml"
    mapping.write_text(
        '[values.payment_terms_days]\n"net 30" = 30\nprepaid = 0\n'
        '[values.region]\nN = "North"\nS = "South"\n[constants]\nregion = "Unknown"\n'
    )
    result = import_files(ws, [data], "clients", mapping=mapping)
    assert result.rows_loaded == 3
    assert stored(ws, "SELECT client_id, payment_terms_days, region FROM clients ORDER BY 1") == [
        ("A", 30.0, "North"), ("B", 0.0, "Unknown"), ("C", 14.0, "South")
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[values.urgent]\n"Same Day" = "maybe"\n',
         r"map.toml \[values.urgent\] 'Same Day': 'maybe' is not a value of urgent; expected "
         r"true or false, or \"\" for empty"),
        ('[values.delivery]\n"Courier" = "drone"\n',
         r"'drone' is not a value of delivery; expected delivery or pickup"),
        ('[values.urgent]\nYes = true\n" yes" = false\n',
         r"\[values.urgent\]: ' yes' is given twice"),
        ('[values.nonsense]\na = "b"\n', r"'nonsense' is not a column of this table"),
        ('[values.urgent]\n"Same Day" = ?  # true or false\n',
         r"map.toml line 4: replace the \? with what the word means \(true or false\)"),
    ],
)
def test_mistakes_in_value_maps_stop_with_one_line(
    ws: Workspace, tmp_path: Path, text: str, message: str
) -> None:
    data = tmp_path / "orders.csv"
    data.write_text(ORDERS)
    mapping = tmp_path / "map.toml"
    mapping.write_text('[columns]\nurgent = "Ship Mode"\n' + text)
    with pytest.raises(ClientloadError, match=message):
        import_files(ws, [data], "orders", mapping=mapping)


def test_returned_and_employee_are_found_by_their_synonyms(ws: Workspace, tmp_path: Path) -> None:
    data = tmp_path / "orders.csv"
    data.write_text(
        "Номер заказа;Покупатель;Возврат;Принял\nЗ-1;К1;да;Иванова\nЗ-2;К2;нет;Петров\n"
    )
    result = import_files(ws, [data], "orders")
    assert result.rows_loaded == 2
    assert stored(ws, "SELECT order_id, returned, employee FROM orders ORDER BY 1") == [
        ("З-1", True, "Иванова"), ("З-2", False, "Петров")
    ]
