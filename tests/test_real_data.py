"""Real exports, unedited, through the mapping files in examples/: Northwind, Classic Models and
the UCI Online Retail data. Skipped where ../shared/data is not present."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import duckdb
import pytest

from clientload.ingest import import_files
from clientload.workspace import Workspace, init_workspace

DATA = Path(__file__).parents[1].parent / "shared" / "data"
EXAMPLES = Path(__file__).parents[1] / "examples"

pytestmark = pytest.mark.skipif(not DATA.is_dir(), reason="../shared/data not present")


def stored(ws: Workspace, sql: str) -> list[tuple]:
    with duckdb.connect(str(ws.store_path), read_only=True) as con:
        return con.execute(sql).fetchall()


def import_company(ws: Workspace, folder: str, files: dict[str, str]) -> dict[str, object]:
    results = {}
    for table, file in files.items():
        results[table] = import_files(
            ws, [DATA / folder / file], table, mapping=EXAMPLES / folder / f"{table}.toml"
        )
    return results


def test_northwind_imports_whole_with_revenue_after_discount(tmp_path: Path) -> None:
    ws = init_workspace(tmp_path / "ws")
    results = import_company(
        ws,
        "northwind",
        {"clients": "customers.csv", "products": "products.csv", "orders": "orders.csv",
         "sales": "order_details.csv"},
    )
    counts = {t: (r.rows_read, r.rows_loaded, r.rows_rejected) for t, r in results.items()}
    assert counts == {
        "clients": (91, 91, 0),
        "products": (77, 77, 0),
        "orders": (830, 830, 0),
        "sales": (2155, 2155, 0),
    }
    assert any("assumed margin" in n for n in results["sales"].notes)
    with (DATA / "northwind" / "order_details.csv").open() as handle:
        expected = sum(
            float(r["quantity"]) * float(r["unit_price"]) * (1 - float(r["discount"]))
            for r in csv.DictReader(handle)
        )
    revenue, cost, clients = stored(
        ws, "SELECT sum(revenue), count(cost), count(DISTINCT client_id) FROM sales"
    )[0]
    assert revenue == pytest.approx(expected, rel=1e-12)
    assert round(revenue, 2) == 1265793.04
    assert cost == 0  # no cost in Northwind: the model applies the assumed margin
    assert clients == 89
    assert stored(ws, "SELECT category, brand FROM products WHERE sku = '1'") == [
        ("Beverages", "Specialty Biscuits, Ltd.")
    ]


def test_classic_models_cost_comes_from_buy_price(tmp_path: Path) -> None:
    ws = init_workspace(tmp_path / "ws")
    results = import_company(
        ws,
        "classicmodels",
        {"clients": "customers.csv", "products": "products.csv", "orders": "orders.csv",
         "sales": "orderdetails.csv"},
    )
    with (DATA / "classicmodels" / "orders.csv").open() as handle:
        cancelled = {r["orderNumber"] for r in csv.DictReader(handle) if r["status"] == "Cancelled"}
    with (DATA / "classicmodels" / "products.csv").open() as handle:
        buy_price = {r["productCode"]: float(r["buyPrice"]) for r in csv.DictReader(handle)}
    with (DATA / "classicmodels" / "orderdetails.csv").open() as handle:
        every_line = list(csv.DictReader(handle))
    lines = [r for r in every_line if r["orderNumber"] not in cancelled]
    counts = {t: (r.rows_read, r.rows_loaded, r.rows_rejected) for t, r in results.items()}
    # cancelled orders and their lines are left out by the mappings' [exclude] rules
    assert len(cancelled) == 6 and len(lines) < len(every_line) == 2996
    assert counts == {
        "clients": (122, 122, 0),
        "products": (110, 110, 0),
        "orders": (326, 320, 6),
        "sales": (2996, len(lines), 2996 - len(lines)),
    }
    rejects = results["sales"].rejects_path.read_text("utf-8")
    assert "excluded by sales.toml [exclude] status: 'Cancelled'" in rejects
    assert stored(ws, "SELECT count(*) FROM orders WHERE delivery = 'delivery'") == [(320,)]
    revenue, cost = stored(ws, "SELECT sum(revenue), sum(cost) FROM sales")[0]
    assert revenue == pytest.approx(
        sum(int(r["quantityOrdered"]) * float(r["priceEach"]) for r in lines), rel=1e-12
    )
    assert cost == pytest.approx(
        sum(int(r["quantityOrdered"]) * buy_price[r["productCode"]] for r in lines), rel=1e-12
    )
    assert stored(ws, "SELECT unit_cost, category FROM products WHERE sku = 'S10_1678'") == [
        (48.81, "Motorcycles")
    ]
    assert stored(ws, "SELECT manager FROM clients WHERE client_id = '103'") == [("Hernandez",)]


@pytest.mark.slow
def test_online_retail_every_line_loaded_or_rejected_with_a_reason(tmp_path: Path) -> None:
    ws = init_workspace(tmp_path / "ws")
    source = DATA / "online_retail" / "online_retail.parquet"
    mapping = EXAMPLES / "online_retail.toml"
    result = import_files(ws, [source], "sales", mapping=mapping)

    # Independent of clientload: the lines without a client, and those of the [exclude] rule.
    codes = "('post','dot','c2','m','d','s','bank charges','amazonfee','cruk','b')"
    # a connection of its own: the module's default one may hold another test's result
    with duckdb.connect() as con:
        counted = con.execute(
            f"""SELECT count(*) FILTER (WHERE CustomerID IS NULL),
                   count(*) FILTER (WHERE lower(trim(StockCode)) IN {codes}),
                   count(*) FILTER (WHERE CustomerID IS NOT NULL
                                    AND lower(trim(StockCode)) NOT IN {codes}),
                   count(*) FILTER (WHERE CustomerID IS NOT NULL AND Quantity < 0
                                    AND lower(trim(StockCode)) NOT IN {codes})
            FROM read_parquet('{source}')"""
        ).fetchall()
    no_client, not_goods, loaded, returns = counted[0]
    assert no_client == 135_080 and not_goods > 0
    assert result.rows_read == 541_909
    assert result.rows_loaded == loaded
    assert result.rows_rejected == 541_909 - loaded
    assert stored(ws, "SELECT count(*), count(cost) FROM sales") == [(loaded, 0)]
    # Cancellations are returns and load; client ids are clean text.
    assert stored(ws, "SELECT count(*) FROM sales WHERE quantity < 0") == [(returns,)]
    assert stored(ws, "SELECT count(*) FROM sales WHERE client_id LIKE '%.%'") == [(0,)]
    assert stored(ws, "SELECT client_id FROM sales ORDER BY _line LIMIT 1") == [("17850",)]

    with duckdb.connect() as con:
        reasons = con.execute(
            f"SELECT reason FROM read_csv('{result.rejects_path}', all_varchar=true)"
        ).fetchall()
    assert len(reasons) == result.rows_rejected
    kinds = Counter(
        ("no client" if "CustomerID (client_id): required value empty" in r else "")
        + ("excluded" if "excluded by online_retail.toml [exclude] StockCode: '" in r else "")
        for (r,) in reasons
    )
    assert "" not in kinds  # every rejected line has one of the two reasons, or both
    assert kinds["no client"] + kinds["no clientexcluded"] == no_client
    assert kinds["excluded"] + kinds["no clientexcluded"] == not_goods
    negative_price = [r for (r,) in reasons if "UnitPrice (price): -11062.06 is negative" in r]
    assert len(negative_price) == 2

    again = import_files(ws, [source], "sales", mapping=mapping)
    assert (again.rows_read, len(again.skipped_files)) == (0, 1)
    assert stored(ws, "SELECT count(*) FROM sales") == [(loaded,)]
