"""The synthetic distributor: sizes, determinism, the contract's schema, references."""

from __future__ import annotations

import itertools
from pathlib import Path

import duckdb
import numpy as np
import pyarrow.parquet as pq
import pytest

from clientload.generate import INPUT_TABLES, generate_company
from clientload.generate.lines import chunk_bounds
from clientload.schema import TABLES

CLIENTS, LINES = 200, 20_000


@pytest.fixture(scope="module")
def company(tmp_path_factory):
    return generate_company(tmp_path_factory.mktemp("company"), CLIENTS, LINES, seed=7)


@pytest.fixture(scope="module")
def con(company):
    db = duckdb.connect()
    for name, path in {**company.files, "personas": company.personas_file}.items():
        db.execute(f"CREATE VIEW {name} AS SELECT * FROM read_parquet('{path}')")
    yield db
    db.close()


def _tables(directory: Path) -> dict[str, object]:
    names = (*INPUT_TABLES, "personas")
    return {name: pq.read_table(directory / f"{name}.parquet") for name in names}


def test_the_same_seed_gives_the_same_data_and_another_seed_other_data(tmp_path):
    a = generate_company(tmp_path / "a", 100, 5_000, seed=3)
    b = generate_company(tmp_path / "b", 100, 5_000, seed=3)
    c = generate_company(tmp_path / "c", 100, 5_000, seed=4)
    first, second, other = _tables(a.out_dir), _tables(b.out_dir), _tables(c.out_dir)
    for name in first:
        assert first[name].equals(second[name]), name
    assert not first["sales"].equals(other["sales"])
    assert not first["clients"].equals(other["clients"])


def test_row_counts_match_the_request(company):
    assert company.rows["clients"] == CLIENTS
    assert abs(company.rows["sales"] - LINES) <= 0.01 * LINES
    assert company.rows["receivables"] == company.rows["orders"]
    assert 4 <= company.rows["sales"] / company.rows["orders"] <= 25
    for name, path in company.files.items():
        assert pq.read_metadata(path).num_rows == company.rows[name], name


def test_every_file_has_exactly_the_contract_columns_and_types(con, company):
    assert set(company.files) == set(TABLES)  # every input table of the contract
    for name, table in TABLES.items():
        described = con.execute(f"DESCRIBE {name}").fetchall()
        assert [(row[0], row[1]) for row in described] == [(c.name, c.type) for c in table.columns]


def test_required_columns_are_never_empty(con, company):
    for name, table in TABLES.items():
        for column in table.required:
            nulls = con.execute(f'SELECT count(*) FROM {name} WHERE "{column}" IS NULL').fetchone()
            assert nulls == (0,), (name, column)


def test_every_reference_resolves(con):
    references = [
        ("sales", "clients", "client_id"),
        ("sales", "products", "sku"),
        ("sales", "orders", "order_id"),
        ("orders", "sales", "order_id"),
        ("orders", "clients", "client_id"),
        ("interactions", "clients", "client_id"),
        ("storage", "clients", "client_id"),
        ("receivables", "clients", "client_id"),
        ("plans", "clients", "manager"),
    ]
    # who took an order and who logged a contact keep timesheets
    for child in ("orders", "interactions"):
        sql = (f"SELECT count(*) FROM {child} WHERE employee IS NOT NULL"
               " AND employee NOT IN (SELECT employee FROM timesheets)")
        assert con.execute(sql).fetchone() == (0,), child
    for child, parent, key in references:
        sql = f"SELECT count(*) FROM {child} WHERE {key} NOT IN (SELECT {key} FROM {parent})"
        assert con.execute(sql).fetchone() == (0,), (child, parent, key)
    assert con.execute("SELECT count(DISTINCT client_id) FROM sales").fetchone() == (CLIENTS,)


def test_ids_and_keys_are_unique_and_well_formed(con):
    assert con.execute("SELECT count(*) = count(DISTINCT client_id) FROM clients").fetchone()[0]
    assert con.execute("SELECT count(*) = count(DISTINCT sku) FROM products").fetchone()[0]
    assert con.execute("SELECT count(*) = count(DISTINCT order_id) FROM orders").fetchone()[0]
    assert con.execute(
        "SELECT bool_and(regexp_full_match(client_id, 'C[0-9]{5}')) FROM clients"
    ).fetchone()[0]
    assert con.execute(
        "SELECT bool_and(regexp_full_match(sku, 'SKU-[0-9]{5}')) FROM products"
    ).fetchone()[0]


def test_sales_lines_add_up_and_returns_are_negative(con):
    revenue_ok, cost_ok, returns, sold = con.execute(
        """SELECT bool_and(abs(revenue - quantity * price) < 0.01 + 1e-9 * abs(revenue)),
                  bool_and(sign(cost) = sign(quantity)),
                  count(*) FILTER (WHERE quantity < 0),
                  count(*) FILTER (WHERE quantity > 0)
           FROM sales"""
    ).fetchone()
    assert revenue_ok and cost_ok
    assert returns > 0 and sold > 0
    assert con.execute("SELECT count(*) FROM sales WHERE quantity = 0").fetchone() == (0,)
    discounted = con.execute("SELECT avg((discount > 0)::INT) FROM sales").fetchone()[0]
    assert 0.05 < discounted < 0.8


def test_range_has_categories_brands_and_different_margins(con):
    categories, brands, skus = con.execute(
        "SELECT count(DISTINCT category), count(DISTINCT brand), count(*) FROM products"
    ).fetchone()
    assert 8 <= categories <= 12 and brands >= 8 and 300 <= skus <= 3000
    low, high = con.execute(
        """SELECT min(m), max(m) FROM (
             SELECT p.brand, sum(s.revenue - s.cost) / sum(s.revenue) AS m
             FROM sales s JOIN products p USING (sku) GROUP BY 1)"""
    ).fetchone()
    assert high - low > 0.15


def test_dates_stay_within_the_history(company, con):
    first, last = con.execute("SELECT min(date), max(date) FROM sales").fetchone()
    assert company.start <= first and last <= company.end
    last_order = con.execute("SELECT max(created_at)::DATE FROM orders").fetchone()[0]
    assert last_order <= company.end
    assert con.execute(
        "SELECT count(*) FROM orders WHERE shipped_at < ready_at OR ready_at < created_at"
    ).fetchone() == (0,)


def test_chunks_cover_every_order_once():
    lines = np.array([3, 1, 7, 2, 2, 9, 1, 1, 4])
    bounds = chunk_bounds(lines, target=5)
    assert bounds[0][0] == 0 and bounds[-1][1] == len(lines)
    assert all(a < b for a, b in bounds)
    assert all(b == a2 for (_, b), (a2, _) in itertools.pairwise(bounds))


def test_too_small_a_company_is_refused(tmp_path):
    with pytest.raises(ValueError, match="--clients 10"):
        generate_company(tmp_path, 10, 10_000)
    with pytest.raises(ValueError, match="--lines 100"):
        generate_company(tmp_path, 100, 100)


@pytest.mark.parametrize(
    ("clients", "lines", "months"), [(60, 600, 12), (60, 3000, 13), (80, 900, 120)]
)
def test_edge_sizes_keep_the_exact_line_count_and_the_history(tmp_path, clients, lines, months):
    company = generate_company(tmp_path, clients, lines, seed=1, months=months)
    assert company.rows["sales"] == lines
    con = duckdb.connect()
    first, last, buyers = con.execute(
        f"SELECT min(date), max(date), count(DISTINCT client_id) FROM '{company.files['sales']}'"
    ).fetchone()
    assert company.start <= first and last <= company.end
    assert buyers == clients
    plans = pq.read_table(company.files["plans"])
    assert len(set(plans.column("period").to_pylist())) == months


def test_orders_name_who_took_them_and_timesheets_hold_each_working_day(con):
    takers, orders_without = con.execute(
        "SELECT count(DISTINCT employee), count(*) FILTER (WHERE employee IS NULL) FROM orders"
    ).fetchone()
    assert orders_without == 0 and 2 <= takers <= 8
    departments = dict(con.execute(
        "SELECT department, count(DISTINCT employee) FROM timesheets GROUP BY 1").fetchall())
    assert departments == {"sales": 11, "customer_service": 8, "finance": 4}
    duplicates, negative, off_grid = con.execute(
        "SELECT count(*) - count(DISTINCT (employee, date)), count(*) FILTER (WHERE minutes < 0),"
        " count(*) FILTER (WHERE minutes % 5 <> 0) FROM timesheets").fetchone()
    assert (duplicates, negative, off_grid) == (0, 0, 0)
    # an operator's day with orders is longer than one without
    with_orders, without = con.execute(
        """SELECT avg(t.minutes) FILTER (WHERE o.n > 0), avg(t.minutes) FILTER (WHERE o.n IS NULL)
           FROM timesheets t LEFT JOIN (SELECT employee, CAST(created_at AS DATE) AS date,
             count(*) AS n FROM orders GROUP BY 1, 2) o USING (employee, date)
           WHERE t.department = 'customer_service'""").fetchone()
    assert with_orders > without + 30
