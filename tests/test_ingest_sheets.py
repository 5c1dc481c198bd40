"""Flat exports: lookups into other sheets of a workbook (`sheet`, `required = false`), a lookup's
key column still usable like any other, and reference tables loaded from repeated rows
(identical repeats collapse, disagreeing ones are rejected naming the column and both values)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from ingest_support import stored, workbook

from clientload.errors import ClientloadError
from clientload.ingest import import_files
from clientload.workspace import Workspace

LINES = [
    ["Order", "Customer", "Region", "Item", "Qty", "Amount"],
    ["O1", "C1", "West", "X", 1, 10],
    ["O1", "C1", "West", "Y", 2, 20],
    ["O2", "C2", "East", "X", 1, 10],
    ["O3", "C3", "North", "Z", 5, 50],
]
PEOPLE = [["Person", "Region"], ["Anna", "West"], ["Chuck", "East"]]
RETURNS = [["Returned", "Order"], ["Yes", "O2"]]


def test_a_lookup_reads_another_sheet_of_the_data_files_own_workbook(
    ws: Workspace, tmp_path: Path
) -> None:
    book = workbook(tmp_path / "book.xlsx", {"Lines": LINES, "People": PEOPLE})
    mapping = tmp_path / "sales.toml"
    mapping.write_text(
        '[columns]\nclient_id = "Customer"\nsku = "Item"\nrevenue = "Amount"\n'
        'manager = "Person"\n[constants]\ndate = "2024-01-05"\n'
        '[lookup.people]\nsheet = "People"\nkey = "Region"\ncolumns = ["Person"]\n'
    )
    result = import_files(ws, [book], "sales", mapping=mapping)
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (4, 3, 1)
    with result.rejects_path.open(encoding="utf-8") as handle:
        (row,) = list(csv.DictReader(handle))
    assert row["reason"] == "book.xlsx line 5: Region 'North' not found in book.xlsx sheet 'People'"
    assert stored(ws, "SELECT client_id, manager FROM sales ORDER BY _line") == [
        ("C1", "Anna"), ("C1", "Anna"), ("C2", "Chuck")
    ]
    # the key column is a column like any other: unused here, and said so
    assert "columns not used: Region (lookup key only)" in result.notes

    by_number = tmp_path / "by-number.toml"
    by_number.write_text(mapping.read_text().replace('sheet = "People"', "sheet = 2")
                         .replace('[lookup.people]', '[options]\nsheet = 1\n[lookup.people]'))
    again = import_files(ws, [book], "sales", mapping=by_number)
    assert (again.rows_read, again.rows_loaded) == (4, 3)  # sheet 1 is its own import


def test_a_lookup_key_is_still_matched_to_the_tables_column(ws: Workspace, tmp_path: Path) -> None:
    book = workbook(tmp_path / "book.xlsx", {"Lines": LINES, "People": PEOPLE})
    mapping = tmp_path / "clients.toml"
    mapping.write_text(
        '[columns]\nclient_id = "Customer"\nmanager = "Person"\n'
        '[lookup.people]\nsheet = "People"\nkey = "Region"\ncolumns = ["Person"]\n'
        'required = false\n'
    )
    result = import_files(ws, [book], "clients", mapping=mapping)
    assert (result.rows_read, result.rows_loaded, result.rows_collapsed, result.rows_rejected) == (
        4, 3, 1, 0
    )
    assert stored(ws, "SELECT client_id, region, manager FROM clients ORDER BY 1") == [
        ("C1", "West", "Anna"), ("C2", "East", "Chuck"), ("C3", "North", None)
    ]
    assert (
        "lookup people: 1 rows whose Region is not in book.xlsx sheet 'People' kept with "
        "Person empty (required = false)"
    ) in result.notes
    assert not any("Region" in n for n in result.notes if n.startswith("columns not used"))


def test_a_returns_sheet_flags_only_the_orders_it_lists(ws: Workspace, tmp_path: Path) -> None:
    book = workbook(tmp_path / "book.xlsx", {"Lines": LINES, "Returns": RETURNS})
    mapping = tmp_path / "orders.toml"
    mapping.write_text(
        '[options]\nsheet = "Lines"\n[columns]\norder_id = "Order"\nclient_id = "Customer"\n'
        '[constants]\nreturned = false\n'
        '[lookup.returns]\nfile = "book.xlsx"\nsheet = "Returns"\nkey = "Order"\n'
        'columns = ["Returned"]\nrequired = false\n'
    )
    result = import_files(ws, [book], "orders", mapping=mapping)
    assert (result.rows_read, result.rows_loaded, result.rows_collapsed, result.rows_rejected) == (
        4, 3, 1, 0
    )
    assert stored(ws, "SELECT order_id, returned FROM orders ORDER BY 1") == [
        ("O1", False), ("O2", True), ("O3", False)
    ]


def test_a_lookup_on_the_wrong_sheet_names_the_sheets(ws: Workspace, tmp_path: Path) -> None:
    book = workbook(tmp_path / "book.xlsx", {"Lines": LINES, "People": PEOPLE})
    mapping = tmp_path / "sales.toml"
    mapping.write_text(
        '[columns]\nclient_id = "Customer"\nsku = "Item"\nrevenue = "Amount"\n'
        '[constants]\ndate = "2024-01-05"\n'
        '[lookup.people]\nfile = "book.xlsx"\nkey = "Region"\ncolumns = ["Person"]\n'
    )
    with pytest.raises(ClientloadError) as caught:
        import_files(ws, [book], "sales", mapping=mapping)
    assert str(caught.value) == (
        f"mapping {mapping} [lookup.people]: column 'Person' not found in book.xlsx sheet "
        "'Lines'; columns: Order, Customer, Region, Item, Qty, Amount; the workbook's sheets: "
        'Lines, People — name the one to read with sheet = "…"'
    )
    for spec, message in [
        ('sheet = "Staff"', r"\[lookup.people\]: \S*book.xlsx: no sheet 'Staff'; sheets: Lines, "
                            r"People"),
        ("sheet = true", r"sheet must be a name in quotes or a number"),
        ('required = "no"', r"required must be true or false"),
        ('where = "x"', r"unknown key 'where'; expected file, sheet, key, on, columns, "
                        r"required, prefix"),
    ]:
        mapping.write_text(
            '[lookup.people]\nfile = "book.xlsx"\nkey = "Region"\ncolumns = ["Person"]\n'
            + spec + "\n"
        )
        with pytest.raises(ClientloadError, match=message):
            import_files(ws, [book], "sales", mapping=mapping)
    csv_lookup = tmp_path / "people.csv"
    csv_lookup.write_text("Person,Region\nAnna,West\n")
    mapping.write_text('[lookup.people]\nfile = "people.csv"\nsheet = 2\nkey = "Region"\n'
                       'columns = ["Person"]\n')
    with pytest.raises(ClientloadError, match=r"sheet = 2 is for workbooks; people.csv is not"):
        import_files(ws, [book], "sales", mapping=mapping)


def test_repeats_collapse_and_disagreements_name_the_column_and_both_values(
    ws: Workspace, tmp_path: Path
) -> None:
    data = tmp_path / "flat.csv"
    data.write_text(
        "Customer ID,Customer Name,Region,Sales\n"
        "C1,Claire,South,1\nC1,Claire,South,2\nC2,Darrin,East,3\nC1,Claire,West,4\n"
        "C2,Darrin,East,5\nC3,Sean,,6\nC3,Sean,,7\nC2,Darrin P.,East,8\nC1,Claire,West,9\n"
        ",Nobody,East,10\n"
    )
    result = import_files(ws, [data], "clients")
    assert (result.rows_read, result.rows_loaded, result.rows_collapsed, result.rows_rejected) == (
        10, 3, 2, 5
    )
    assert stored(ws, "SELECT client_id, name, region FROM clients ORDER BY 1") == [
        ("C1", "Claire", "West"), ("C2", "Darrin P.", "East"), ("C3", "Sean", None)
    ]
    assert "2 repeated rows of the same 2 clients collapsed (identical to the later line of the " \
           "same key)" in result.notes
    assert "4 repeated rows of 2 clients differ from the later line of the same key and were " \
           "rejected (Customer Name (name): 2, Region: 2)" in result.notes
    with result.rejects_path.open(encoding="utf-8") as handle:
        found = [row["reason"] for row in csv.DictReader(handle)]
    assert found == [
        "flat.csv line 2: client_id 'C1' appears again on line 10 with other values: "
        "Region 'South' here, 'West' there; the later line is kept",
        "flat.csv line 3: client_id 'C1' appears again on line 10 with other values: "
        "Region 'South' here, 'West' there; the later line is kept",
        "flat.csv line 4: client_id 'C2' appears again on line 9 with other values: "
        "Customer Name (name) 'Darrin' here, 'Darrin P.' there; the later line is kept",
        "flat.csv line 6: client_id 'C2' appears again on line 9 with other values: "
        "Customer Name (name) 'Darrin' here, 'Darrin P.' there; the later line is kept",
        "flat.csv line 11: Customer ID (client_id): required value empty",
    ]
    assert stored(ws, "SELECT rows_read, rows_loaded, rows_collapsed, rows_rejected FROM "
                      "imports") == [(10, 3, 2, 5)]


def test_a_missing_column_in_a_workbook_names_the_sheets(ws: Workspace, tmp_path: Path) -> None:
    book = workbook(tmp_path / "book.xlsx", {"People": PEOPLE, "Lines": LINES})
    with pytest.raises(ClientloadError) as caught:
        import_files(ws, [book], "sales")
    assert str(caught.value) == (
        f"{book}: table sales needs column client_id, not found; columns found: Person, Region; "
        "name it in a mapping file's [columns]; sheet 'People' was read, the workbook's sheets: "
        "People, Lines (choose one with --sheet or [options] sheet)"
    )
