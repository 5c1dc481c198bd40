"""A retail workbook of the public "Superstore" shape imports into one workspace with the mapping
files of `examples/superstore/` only: no CSV made by hand, no second workspace.

Orders (one row per order line) feeds sales, clients, products and orders; Returns (only the
returned orders) flags orders through a `required = false` lookup; People (the regional managers)
gives clients and sales their manager through a `sheet = "People"` lookup; Ship Mode becomes
`urgent` through `[values.urgent]`. The workbook is built by `superstore.py` (XlsxWriter).
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import duckdb
import pytest
from superstore import build
from typer.testing import CliRunner

from clientload.cli.app import app
from clientload.ingest import import_files
from clientload.workspace import Workspace, init_workspace

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "superstore"


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("superstore") / "Sample - Superstore.xlsx")


def stored(ws: Workspace, sql: str) -> list[tuple]:
    with duckdb.connect(str(ws.store_path), read_only=True) as con:
        return con.execute(sql).fetchall()


def counts(result) -> tuple[int, int, int, int]:
    return result.rows_read, result.rows_loaded, result.rows_collapsed, result.rows_rejected


def test_the_workbook_imports_with_mapping_files_only(book: Path, tmp_path: Path) -> None:
    ws = init_workspace(tmp_path / "ws")

    def load(table: str):
        return import_files(ws, [book], table, mapping=EXAMPLES / f"{table}.toml")

    sales = load("sales")
    assert counts(sales) == (300, 300, 0, 0)
    assert stored(ws, "SELECT manager, count(*) FROM sales GROUP BY 1 ORDER BY 1") == [
        ("Anna Andreadi", 32), ("Cassandra Brandow", 116), ("Chuck Magee", 62),
        ("Kelly Williams", 90),
    ]
    ((revenue, cost, discounted),) = stored(
        ws, "SELECT sum(revenue), sum(cost), count_if(discount > 0) FROM sales"
    )
    assert (revenue, cost, discounted) == (pytest.approx(340409.76), pytest.approx(279944.06), 180)

    clients = load("clients")
    assert counts(clients) == (300, 40, 250, 10)
    assert "250 repeated rows of the same 40 clients collapsed (identical to the later line of " \
           "the same key)" in clients.notes
    assert "10 repeated rows of 2 clients differ from the later line of the same key and were " \
           "rejected (Person (manager): 10, Region: 10)" in clients.notes
    assert stored(ws, "SELECT region, manager, count(*) FROM clients GROUP BY ALL ORDER BY 1") == [
        ("Central", "Kelly Williams", 10), ("East", "Chuck Magee", 11),
        ("South", "Cassandra Brandow", 9), ("West", "Anna Andreadi", 10),
    ]
    assert stored(ws, "SELECT name, channel FROM clients WHERE client_id = 'ZO-10296'") == [
        ("Zuschuss O'Donnell", "Home Office")
    ]
    with clients.rejects_path.open(encoding="utf-8") as handle:
        first = next(csv.DictReader(handle))
    assert first["reason"] == (
        "Sample - Superstore.xlsx line 8: client_id 'BG-10111' appears again on line 211 with "
        "other values: Person (manager) 'Cassandra Brandow' here, 'Chuck Magee' there; "
        "Region 'South' here, 'East' there; the later line is kept"
    )

    products = load("products")
    assert counts(products) == (300, 30, 268, 2)
    assert "2 repeated rows of 1 product differ from the later line of the same key and were " \
           "rejected (Product Name (name): 2)" in products.notes
    assert stored(ws, "SELECT category, count(*) FROM products GROUP BY 1 ORDER BY 1") == [
        ("Furniture", 12), ("Office Supplies", 12), ("Technology", 6)
    ]

    orders = load("orders")
    assert counts(orders) == (300, 120, 180, 0)
    assert stored(ws, "SELECT urgent, returned, count(*) FROM orders GROUP BY ALL "
                      "ORDER BY ALL") == [
        (False, False, 76), (False, True, 10), (True, False, 29), (True, True, 5)
    ]
    assert stored(ws, "SELECT delivery, count(*), min(created_at) < min(shipped_at) FROM orders "
                      "GROUP BY 1") == [("delivery", 120, True)]
    assert "lookup returns: 1 rows of Sample - Superstore.xlsx sheet 'Returns' with an empty or " \
           "repeated key ignored (the first row per key is used)" in orders.notes

    # one workspace, every table logged with read = loaded + collapsed + rejected
    assert stored(ws, "SELECT table_name, rows_read, rows_loaded, rows_collapsed, rows_rejected "
                      "FROM imports ORDER BY import_id") == [
        ("sales", 300, 300, 0, 0), ("clients", 300, 40, 250, 10),
        ("products", 300, 30, 268, 2), ("orders", 300, 120, 180, 0),
    ]
    from clientload.run import run_model

    run_model(ws.root)
    info = json.loads((ws.out_dir / "run_info.json").read_text())
    assert info["period_end"] == "2016-12-26"
    with duckdb.connect() as con:
        (clients_out,) = con.execute("SELECT count(*) FROM read_parquet(?)", [
            str(ws.out_dir / "client_metrics.parquet")]).fetchone()
    assert clients_out == 40


def test_the_command_line_prints_the_counts_of_a_flat_sheet(book: Path, tmp_path: Path) -> None:
    ws = init_workspace(tmp_path / "ws")
    done = CliRunner().invoke(app, ["import", str(ws.root), str(book), "--table", "orders",
                                    "--mapping", str(EXAMPLES / "orders.toml")])
    assert done.exit_code == 0, done.output
    rows = dict(re.findall(r"│ ([a-z ()]+?)\s+│\s+([\d,]+) │", done.output))
    assert rows == {"read": "300", "loaded": "120", "collapsed (identical repeats)": "180",
                    "rejected": "0"}
    assert "note: 180 repeated rows of the same 90 orders collapsed" in done.output
