"""Mapping files: renames, derived columns, constants, options and lookups; safe expressions."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from clientload.errors import ClientloadError
from clientload.ingest import import_files
from clientload.ingest.expression import names_in, parse_expression, to_sql
from clientload.workspace import Workspace, init_workspace


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    return init_workspace(tmp_path / "ws")


def stored(ws: Workspace, sql: str) -> list[tuple]:
    with duckdb.connect(str(ws.store_path), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_columns_derive_and_constants(ws: Workspace, tmp_path: Path) -> None:
    data = tmp_path / "lines.csv"
    data.write_text("Kunde,Tag,Artikel,Menge,Einzelpreis,Rabatt\nK1,2024-01-05,A,10,2.5,0.2\n")
    mapping = tmp_path / "map.toml"
    mapping.write_text(
        '[columns]\nclient_id = "Kunde"\ndate = "Tag"\nsku = "Artikel"\nquantity = "Menge"\n'
        'price = "Einzelpreis"\ndiscount = "Rabatt"\n'
        '[derive]\nrevenue = "quantity * Einzelpreis * (1 - discount)"\n'
        'cost = "quantity * 1.5"\n'
        '[constants]\nmanager = "Anna"\n'
    )
    result = import_files(ws, [data], "sales", mapping=mapping)
    assert result.rows_loaded == 1
    assert stored(ws, "SELECT client_id, revenue, cost, manager, price FROM sales") == [
        ("K1", 20.0, 15.0, "Anna", 2.5)
    ]


def test_a_constant_fills_only_empty_cells(ws: Workspace, tmp_path: Path) -> None:
    data = tmp_path / "p.csv"
    data.write_text("sku,category\nA,Tools\nB,\n")
    mapping = tmp_path / "map.toml"
    mapping.write_text('[constants]\ncategory = "Other"\n')
    import_files(ws, [data], "products", mapping=mapping)
    assert stored(ws, "SELECT sku, category FROM products ORDER BY sku") == [
        ("A", "Tools"), ("B", "Other")
    ]


def test_options_in_the_mapping_file(ws: Workspace, tmp_path: Path) -> None:
    data = tmp_path / "s.txt"
    data.write_text("report of 2024\n\nc|d|s|q|r\nA|03/05/2024|X|1|1,5\n")
    mapping = tmp_path / "map.toml"
    mapping.write_text(
        '[columns]\nclient_id = "c"\ndate = "d"\nsku = "s"\nquantity = "q"\nrevenue = "r"\n'
        '[options]\ndelimiter = "|"\ndecimal = ","\ndate_format = "dd/mm/yyyy"\nskip_rows = 2\n'
    )
    import_files(ws, [data], "sales", mapping=mapping)
    assert stored(ws, "SELECT CAST(date AS VARCHAR), revenue, _line FROM sales") == [
        ("2024-05-03", 1.5, 4)
    ]


def test_options_given_with_a_mapping_file_override_its_own(ws: Workspace, tmp_path: Path) -> None:
    """`--mapping` with `--date-format` / `--encoding`: the given options win, each in any of
    its spellings (they were checked twice, the second time already translated)."""
    data = tmp_path / "s.csv"
    data.write_bytes("c;d;s;q;r\nК1;03.05.2024;X;1;1,5\n".encode("cp1251"))
    mapping = tmp_path / "map.toml"
    mapping.write_text(
        '[columns]\nclient_id = "c"\ndate = "d"\nsku = "s"\nquantity = "q"\nrevenue = "r"\n'
        '[options]\ndate_format = "mm/dd/yyyy"\n'
    )
    import_files(ws, [data], "sales", mapping=mapping, date_format="dd.mm.yyyy",
                 encoding="windows-1251", delimiter="semicolon", decimal=",")
    assert stored(ws, "SELECT client_id, CAST(date AS VARCHAR), revenue FROM sales") == [
        ("К1", "2024-05-03", 1.5)
    ]


def test_exclude_leaves_rows_out_with_the_rule_as_their_reason(
    ws: Workspace, tmp_path: Path
) -> None:
    data = tmp_path / "s.csv"
    data.write_text(
        "client,day,item,qty,sum,kind\n"
        "A,2024-01-05,X,1,10,goods\nA,2024-01-05,POST,1,5, Postage \nB,2024-01-06,Y,2,20,GOODS\n"
        "B,2024-01-06,FEE,1,1,goods\n"
    )
    mapping = tmp_path / "map.toml"
    mapping.write_text(
        '[columns]\nclient_id = "client"\ndate = "day"\nsku = "item"\nquantity = "qty"\n'
        'revenue = "sum"\n[exclude]\nkind = "postage"\nitem = ["fee", "\'; DROP TABLE x"]\n'
    )
    result = import_files(ws, [data], "sales", mapping=mapping)
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (4, 2, 2)
    assert stored(ws, "SELECT sku FROM sales ORDER BY _line") == [("X",), ("Y",)]
    reasons = result.rejects_path.read_text("utf-8")
    assert "excluded by map.toml [exclude] kind: 'Postage'" in reasons
    assert "excluded by map.toml [exclude] item: 'FEE'" in reasons
    assert "kind" not in " ".join(result.notes)  # a column used by a rule is not "not used"

    data.write_text(data.read_text() + "C,2024-01-07,Z,1,1,goods\n")  # not already imported
    mapping.write_text('[columns]\nclient_id = "client"\n[exclude]\nstatus = "x"\n')
    with pytest.raises(ClientloadError, match=r"\[exclude\] names column 'status'"):
        import_files(ws, [data], "sales", mapping=mapping)
    mapping.write_text('[exclude]\nkind = []\n')
    with pytest.raises(ClientloadError, match=r"\[exclude\] kind: expected a value"):
        import_files(ws, [data], "sales", mapping=mapping)


def test_lookup_brings_client_and_date_from_the_orders_file(ws: Workspace, tmp_path: Path) -> None:
    (tmp_path / "orders.csv").write_text("order,customer,when\n1,C1,2024-01-05\n2,C2,2024-01-06\n")
    lines = tmp_path / "lines.csv"
    lines.write_text("order,product,qty,amount\n1,A,1,10\n2,B,2,20\n3,C,3,30\n")
    mapping = tmp_path / "map.toml"
    mapping.write_text(
        '[columns]\norder_id = "order"\nsku = "product"\nclient_id = "customer"\ndate = "when"\n'
        'revenue = "amount"\n'
        '[lookup.orders]\nfile = "orders.csv"\nkey = "order"\ncolumns = ["customer", "when"]\n'
    )
    result = import_files(ws, [lines], "sales", mapping=mapping)
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (3, 2, 1)
    assert stored(ws, "SELECT order_id, client_id FROM sales ORDER BY order_id") == [
        ("1", "C1"), ("2", "C2")
    ]
    assert "lines.csv line 4: order '3' not found in orders.csv" in (
        result.rejects_path.read_text("utf-8")
    )


def test_lookup_file_next_to_the_data_file(ws: Workspace, tmp_path: Path) -> None:
    data_dir, maps = tmp_path / "data", tmp_path / "maps"
    data_dir.mkdir(), maps.mkdir()
    (data_dir / "cats.csv").write_text("id,title\n1,Drinks\n1,Duplicate\n")
    (data_dir / "p.csv").write_text("sku,cat\nA,1\n")
    mapping = maps / "p.toml"
    mapping.write_text(
        '[columns]\ncategory = "title"\n'
        '[lookup.cats]\nfile = "cats.csv"\nkey = "cat"\non = "id"\ncolumns = ["title"]\n'
    )
    result = import_files(ws, [data_dir / "p.csv"], "products", mapping=mapping)
    assert stored(ws, "SELECT sku, category FROM products") == [("A", "Drinks")]
    assert any("repeated key ignored" in n for n in result.notes)


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ('[columns]\nclient = "x"\n', "'client' is not a column of this table"),
        ('[columns]\nclient_id = "nope"\n', "names column 'nope' for client_id"),
        ('[derive]\nrevenue = "__import__(\'os\')"\n', "cannot read"),
        ('[derive]\nrevenue = "quantity ** 2"\n', "unexpected '*'"),
        ('[derive]\nrevenue = "qty * unknown_col"\n', "unknown column 'unknown_col'"),
        ('[options]\ndelimeter = ";"\n', "unknown option 'delimeter'"),
        ('[colums]\n', "unknown section [colums]"),
        ('[lookup.o]\nfile = "missing.csv"\nkey = "c"\ncolumns = ["x"]\n', "missing.csv not found"),
    ],
)
def test_mapping_mistakes_are_one_line_errors(
    ws: Workspace, tmp_path: Path, toml: str, message: str
) -> None:
    data = tmp_path / "s.csv"
    data.write_text("c,d,s,qty,amount\nA,2024-01-05,X,1,1\n")
    mapping = tmp_path / "map.toml"
    mapping.write_text(toml)
    with pytest.raises(ClientloadError, match=message.replace("(", r"\(").replace("[", r"\[")) as e:
        import_files(ws, [data], "sales", mapping=mapping)
    assert "\n" not in str(e.value)


def test_missing_required_column_names_file_table_column_and_what_was_found(
    ws: Workspace, tmp_path: Path
) -> None:
    data = tmp_path / "s.csv"
    data.write_text("client_id,sku,quantity,revenue\nA,X,1,1\n")
    with pytest.raises(ClientloadError) as e:
        import_files(ws, [data], "sales")
    assert str(e.value).startswith(f"{data}: table sales needs column date, not found;")
    assert "columns found: client_id, sku, quantity, revenue" in str(e.value)


def test_expressions_become_sql_over_known_columns_only() -> None:
    tree = parse_expression("quantity * `unit price` * (1 - discount) / 100")
    assert names_in(tree) == ["quantity", "unit price", "discount"]
    known = {"quantity": "_v0", "unit price": "_v1", "discount": "_v2"}
    assert to_sql(tree, known.__getitem__) == (
        "(((_v0 * _v1) * (1.0 - _v2)) / NULLIF(100.0, 0))"
    )
    with pytest.raises(ClientloadError):
        parse_expression("quantity; DROP TABLE sales")
    with pytest.raises(ClientloadError):
        parse_expression("(quantity * 2")


def test_exclude_on_typed_columns_keeps_them_matched_and_merges_rules(
    ws: Workspace, tmp_path: Path
) -> None:
    """Parquet columns are compared by value (12346 is not the text "12346.0"); a column that a
    rule reads is still matched by its name (CustomerID → client_id); two spellings of one
    header are one rule."""
    data = tmp_path / "s.parquet"
    with duckdb.connect() as con:  # its own: the default connection may hold another result
        con.execute(
            "COPY (SELECT * FROM (VALUES (12346.0, TIMESTAMP '2024-01-03', 'POST', 1, 2.0), "
            "(5.0, TIMESTAMP '2024-01-04', 'X', 1, 2.0), "
            "(6.0, TIMESTAMP '2024-01-05', 'Y', 1, 2.0)) "
            f"t(CustomerID, InvoiceDate, StockCode, Quantity, UnitPrice)) TO '{data}'"
        )
    mapping = tmp_path / "map.toml"
    mapping.write_text('[exclude]\nCustomerID = 12346\nInvoiceDate = "2024-01-05"\n'
                       'StockCode = ["nothing"]\nstockcode = "post"\n')
    result = import_files(ws, [data], "sales", mapping=mapping)
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (3, 1, 2)
    assert stored(ws, "SELECT client_id, sku FROM sales") == [("5", "X")]
    reasons = result.rejects_path.read_text("utf-8")
    assert "[exclude] CustomerID: '12346.0'" in reasons and "StockCode: 'POST'" in reasons
    assert "[exclude] InvoiceDate: '2024-01-05 00:00:00'" in reasons
