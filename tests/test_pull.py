"""`clientload pull --from 1c` against a stand-in for 1С's standard OData interface: a full pull,
an incremental pull after documents were added, changed and marked for deletion, a 401, a 500
that is retried, a connection lost midway and a failed load (the store unchanged), an object
that is not published, a field the configuration lacks, and the password kept out of files."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pytest
from onec_company import Company, Line, Order, Sale
from onec_standin import Fault, OneC, guid

from clientload.errors import ClientloadError
from clientload.pull import pull_1c
from clientload.workspace import init_workspace

SALES = "Document_РеализацияТоваровУслуг"
RETURNS = "Document_ВозвратТоваровОтКлиента"
NO_WAIT = {"sleep": lambda seconds: None}


@pytest.fixture
def company() -> Company:
    company = Company.build()
    # one unposted and one deletion-marked sale: read, counted as excluded, never loaded
    day = company.sales[-1].day
    company.sales.append(Sale("РТУ-90001", day, "К-001", None, "Иванов Иван",
                              [Line("Т-001", 5.0, 100.0, 70.0)], posted=False))
    company.sales.append(Sale("РТУ-90002", day, "К-002", None, "Петрова Анна",
                              [Line("Т-002", 5.0, 100.0, 70.0)], deleted=True))
    return company


@pytest.fixture
def onec(company: Company):
    server = OneC(page_cap=25)  # the publication answers at most 25 entities per request
    company.render(server)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def ws(tmp_path: Path):
    return init_workspace(tmp_path / "ws")


def pull(ws, onec: OneC, **kwargs):
    return pull_1c(ws, onec.url, onec.user, onec.password, **NO_WAIT, **kwargs)


def counts(ws) -> dict[str, int]:
    with duckdb.connect(str(ws.store_path), read_only=True) as con:
        return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                for t in ("clients", "products", "orders", "sales", "imports")}


def snapshot(ws) -> tuple:
    """Everything a pull may change, to compare before and after a failed one."""
    with duckdb.connect(str(ws.store_path), read_only=True) as con:
        tables = [r[0] for r in con.execute("SELECT table_name FROM information_schema.tables "
                                            "ORDER BY 1").fetchall()]
        return tuple((t, sorted(map(str, con.execute(f"SELECT * FROM {t}").fetchall())))
                     for t in tables)


def test_full_pull_loads_every_counted_document_and_catalog_item(ws, onec):
    result = pull(ws, onec)

    assert result.documents == {"new": 83, "excluded": 2}  # 40 orders, 40 sales, 3 returns
    assert result.catalog_items["clients: new"] == 12
    assert result.catalog_items["clients: groups (not clients)"] == 1
    assert result.catalog_items["products: new"] == 8
    assert result.catalog_items["products: groups (not products)"] == 2
    assert result.lines == 123  # 40 sales x 3 lines + 3 return lines
    assert {t: (r.rows_read, r.rows_loaded, r.rows_rejected) for t, r in result.tables.items()} \
        == {"clients": (12, 12, 0), "products": (8, 8, 0), "orders": (40, 40, 0),
            "sales": (123, 123, 0)}
    assert counts(ws) == {"clients": 12, "products": 8, "orders": 40, "sales": 123, "imports": 4}
    # 42 sales documents came in pages of at most 25: paging did not stop at the cap
    assert sum(1 for r in onec.requests if f"/{SALES}?" in r) == 3
    assert all("$format=json" in r for r in onec.requests if "?" in r and "$count" not in r
               and "$metadata" not in r)
    with duckdb.connect(str(ws.store_path), read_only=True) as con:
        assert con.execute("SELECT client_id, name, manager, region FROM clients WHERE "
                           "client_id = 'К-004'").fetchone() == (
            "К-004", "ООО «Клиент 4»", "Петрова Анна", "Санкт-Петербург")
        assert con.execute("SELECT category, brand FROM products WHERE sku = 'Т-003'"
                           ).fetchone() == ("Крепёж", "Кратон")
        assert con.execute("SELECT count(*), sum(quantity), sum(revenue) FROM sales WHERE "
                           "quantity < 0").fetchone()[0] == 3
        assert con.execute("SELECT count(*) FROM orders WHERE returned").fetchone()[0] == 3
        assert con.execute("SELECT count(*) FROM sales WHERE order_id IS NULL").fetchone()[0] == 0
        assert con.execute("SELECT delivery, count(*) FROM orders GROUP BY 1 ORDER BY 1"
                           ).fetchall() == [("delivery", 20), ("pickup", 20)]


def test_incremental_pull_replaces_changed_documents_and_never_duplicates_a_line(
        ws, onec, company):
    assert "safety_window_days = 31" in ws.settings_path.read_text("utf-8")
    pull(ws, onec)
    last = company.sales[39]
    # two new orders and sales, sale 39 changed to two lines, sale 38 marked for deletion
    for k in (41, 42):
        day = last.day + dt.timedelta(days=7 * (k - 40))
        order = Order(f"ЗК-{k:05d}", day - dt.timedelta(days=2), "К-003", "Иванов Иван",
                      "delivery", day)
        onec.put("Document_ЗаказКлиента", {
            "Ref_Key": guid("order", order.number), "Number": order.number, "Posted": True,
            "Date": f"{order.day}T10:00:00", "Партнер_Key": guid("client", "К-003"),
            "СпособДоставки": "ДоКлиента"})
        company.put_sale(onec, Sale(f"РТУ-{k:05d}", day, "К-003", order.number, "Иванов Иван",
                                    [Line(f"Т-00{i}", 2.0, 10.0, 7.0) for i in (1, 2, 3)]))
    changed = company.sales[38]
    onec.change(SALES, guid("sale", changed.number), Товары=[
        {"Номенклатура_Key": guid("product", "Т-001"), "Количество": 1.0, "Цена": 5.0,
         "СуммаСНДС": 5.0, "Себестоимость": 3.0},
        {"Номенклатура_Key": guid("product", "Т-002"), "Количество": 2.0, "Цена": 5.0,
         "СуммаСНДС": 10.0, "Себестоимость": 6.0}])
    onec.change(SALES, guid("sale", company.sales[37].number), DeletionMark=True)

    result = pull(ws, onec)

    # the window (31 days before the newest document seen) holds orders and sales 36-40, the
    # unposted and the marked sale and the last return: unchanged are the 5 orders, sales 36, 37
    # and 40, the 2 that do not count and the return
    assert result.documents == {"new": 4, "changed": 1, "removed": 1, "unchanged": 11}
    assert result.rows_removed == 6  # 3 lines of the marked sale, 3 old lines of the changed
    assert {t: (r.rows_read, r.rows_loaded) for t, r in result.tables.items()} == {
        "orders": (2, 2), "sales": (8, 8)}
    assert counts(ws)["sales"] == 123 - 3 - 3 + 2 + 6 == 125
    assert counts(ws)["orders"] == 42
    with duckdb.connect(str(ws.store_path), read_only=True) as con:
        assert con.execute("SELECT sku, quantity, revenue, cost FROM sales WHERE order_id = ? "
                           "ORDER BY sku", [changed.order]).fetchall() == [
            ("Т-001", 1.0, 5.0, 3.0), ("Т-002", 2.0, 10.0, 6.0)]
        assert con.execute("SELECT count(*) FROM sales WHERE order_id = ?",
                           [company.sales[37].order]).fetchone()[0] == 0
        repeated = con.execute("SELECT count(*) FROM (SELECT _import_id, _line FROM sales "
                               "GROUP BY ALL HAVING count(*) > 1)").fetchone()[0]
        assert repeated == 0

    again = pull(ws, onec)
    # each object's window follows its own newest document: orders and sales 38-42, the 2 that
    # do not count, and still the last return
    assert again.documents == {"unchanged": 13}
    assert again.tables == {}
    assert counts(ws)["sales"] == 125


def test_a_wrong_password_is_a_401_and_changes_nothing(ws, onec):
    before = snapshot(ws)
    with pytest.raises(ClientloadError, match=r"refused user 'Администратор' \(401\)"):
        pull_1c(ws, onec.url, onec.user, "не тот", **NO_WAIT)
    assert snapshot(ws) == before


def test_a_500_on_one_page_is_retried(ws, onec):
    onec.faults.append(Fault(f"/{SALES}", status=500, after=1, times=1))
    result = pull(ws, onec)
    assert result.retried == 1
    assert result.documents == {"new": 83, "excluded": 2}
    assert counts(ws)["sales"] == 123


def test_a_connection_lost_midway_changes_nothing(ws, onec, company):
    pull(ws, onec)
    company.put_sale(onec, Sale("РТУ-00050", company.sales[39].day, "К-001", None,
                                "Иванов Иван", [Line("Т-001", 1.0, 1.0, 1.0)]))
    before = snapshot(ws)
    # the sales set drops every connection after the first request: the retries give up
    onec.faults.append(Fault(f"/{SALES}", drop=True, after=1, times=100))
    with pytest.raises(ClientloadError, match="connection failed 5 times"):
        pull(ws, onec)
    assert snapshot(ws) == before


def test_a_load_that_fails_midway_is_rolled_back(ws, onec, monkeypatch):
    import clientload.pull.commit as commit

    real = commit.import_files

    def failing(ws_, files, table, **kwargs):
        if table == "sales":  # clients, products and orders are loaded by now
            raise OSError("disk full")
        return real(ws_, files, table, **kwargs)

    monkeypatch.setattr(commit, "import_files", failing)
    before = snapshot(ws)
    with pytest.raises(OSError, match="disk full"):
        pull(ws, onec)
    assert snapshot(ws) == before
    assert not list(ws.rejects_dir.glob("*")) if ws.rejects_dir.exists() else True


def test_an_object_the_server_does_not_publish_is_named_with_how_to_publish_it(ws, onec):
    onec.unpublished.add(RETURNS)
    with pytest.raises(ClientloadError) as caught:
        pull(ws, onec)
    message = str(caught.value)
    assert f"does not publish {RETURNS} (for returns)" in message
    assert "Настройка стандартного интерфейса OData" in message
    assert counts(ws)["sales"] == 0


def test_an_optional_name_catalog_not_published_leaves_its_column_empty(ws, onec):
    onec.unpublished.add("Catalog_Марки")
    result = pull(ws, onec)
    assert any("does not publish Catalog_Марки: [products] brand left empty" in n
               for n in result.notes)
    with duckdb.connect(str(ws.store_path), read_only=True) as con:
        assert con.execute("SELECT count(brand) FROM products").fetchone()[0] == 0


def test_a_field_the_configuration_lacks_is_named(ws, onec, tmp_path):
    from clientload.pull.profile import profile_text

    mine = tmp_path / "mine.toml"
    mine.write_text(profile_text("ut11").replace('revenue = "Товары.СуммаСНДС"',
                                                 'revenue = "Товары.Выручка"'), "utf-8")
    with pytest.raises(ClientloadError, match=rf"{SALES}.Товары has no field Выручка "
                                              r"\(\[sales\] revenue\)"):
        pull(ws, onec, profile=str(mine))


def test_bad_rows_go_to_rejects_with_the_document_they_came_from(ws, onec, company):
    onec.change(SALES, guid("sale", company.sales[0].number), Товары=[
        {"Номенклатура_Key": guid("product", "Т-001"), "Количество": "много", "Цена": 5.0,
         "СуммаСНДС": 5.0, "Себестоимость": 3.0}])
    result = pull(ws, onec)
    sales = result.tables["sales"]
    assert (sales.rows_read, sales.rows_loaded, sales.rows_rejected) == (121, 120, 1)
    text = sales.rejects_path.read_text("utf-8")
    assert "РеализацияТоваровУслуг РТУ-00001 от 2024-01-15" in text
    assert "'много' is not a number" in text


def test_the_wrong_url_is_one_clear_line(ws, onec):
    with pytest.raises(ClientloadError, match="no 1С standard OData interface there"):
        pull_1c(ws, onec.url.replace("/trade", "/other"), onec.user, onec.password, **NO_WAIT)
    with pytest.raises(ClientloadError, match="connection refused"):
        pull_1c(ws, "http://127.0.0.1:9/trade", onec.user, onec.password, **NO_WAIT)
