"""The Import page's mapping screen in-process: upload → preview → choose columns, what words mean
and a lookup into another sheet → import in the background; the mapping is a TOML file the
command line accepts, downloadable and offered again for the next file with the same headers."""

from __future__ import annotations

import html
import time
import warnings

import pytest

warnings.filterwarnings("ignore", message=".*httpx.*", category=DeprecationWarning)
from fastapi.testclient import TestClient  # noqa: E402
from ingest_support import stored, workbook  # noqa: E402
from test_web_support import PASSWORD, csrf_of, make_workspace, sign_in  # noqa: E402

from clientload.ingest import import_files  # noqa: E402
from clientload.web import create_app  # noqa: E402
from clientload.web.auth import add_user  # noqa: E402
from clientload.workspace import init_workspace  # noqa: E402

ORDERS = [
    ["Номер заказа", "Покупатель", "Дата заказа", "Срочность", "Способ"],
    ["З-1", "К1", "2024-03-01", "Срочный", "Курьер"],
    ["З-2", "К1", "2024-03-02", "Обычный", "Самовывоз"],
    ["З-3", "К2", "2024-03-03", "Обычный", "Курьер"],
    ["З-3", "К2", "2024-03-03", "Обычный", "Курьер"],
    ["З-4", "К3", "2024-03-04", "Срочный", "Дрон"],
]
RETURNS = [["Заказ", "Возврат"], ["З-2", "да"], ["З-4", "да"]]


@pytest.fixture
def setup(tmp_path):
    ws = make_workspace(tmp_path / "ws")
    add_user(ws, "analyst2", PASSWORD, "analyst")
    app = create_app(ws.root, secret_key="k")
    client = TestClient(app)
    assert sign_in(client, "analyst").status_code == 303
    book = workbook(tmp_path / "Заказы.xlsx", {"Заказы": ORDERS, "Возвраты": RETURNS})
    return ws, app, client, book


def upload(client, book, table="orders", name=None):
    response = client.post(
        "/import/upload", data={"table": table, "csrf_token": csrf_of(client, "/import")},
        files={"upload": (name or book.name, book.read_bytes())}, follow_redirects=False,
    )
    assert response.status_code == 303, response.text[:500]
    return response.headers["location"]


def form_of(screen: dict, client, **changes) -> dict:
    """The mapping form as the page fills it, with `changes` on top."""
    form = {"csrf_token": csrf_of(client, "/import"), "table": screen["table"],
            "sheet": screen["sheet"] or "", "sheet.before": screen["sheet"] or "",
            "new.shown": "1", "new.sheet": screen["new_lookup"]["sheet"]}
    for column in screen["columns"]:
        if column["how"] != "derived":
            form[f"col.{column['name']}"] = column["header"] or ""
            form[f"auto.{column['name']}"] = column["header"] or ""
            form[f"const.{column['name']}"] = column["constant"]
    for lookup in screen["lookups"]:
        form[f"lookup.{lookup['name']}.shown"] = "1"
        if lookup["required"]:
            form[f"lookup.{lookup['name']}.required"] = "1"
    for target, words in screen["words"].items():
        for i, word in enumerate(words["words"]):
            form[f"word.{target}.{i}"] = word["word"]
            form[f"value.{target}.{i}"] = word["choice"]
    form.update(changes)
    return form


def finished(client, location: str) -> dict:
    for _ in range(300):
        state = client.get(location + ".json").json()
        if state["job"]["state"] != "running":
            return state
        time.sleep(0.05)
    raise AssertionError("the import did not finish")


def test_the_screen_previews_maps_looks_up_and_imports(setup, tmp_path):
    ws, _app, client, book = setup
    screen_at = upload(client, book)
    screen = client.get(screen_at + ".json").json()
    assert (screen["sheet"], screen["sheets"]) == ("Заказы", ["Заказы", "Возвраты"])
    assert (screen["rows_read"], screen["rows_loaded"], screen["rows_collapsed"],
            screen["rows_rejected"]) == (5, 0, 0, 5)
    found = {c["name"]: (c["header"], c["how"]) for c in screen["columns"]}
    assert found["order_id"] == ("Номер заказа", "synonym")
    assert found["urgent"] == ("Срочность", "synonym")
    assert found["returned"] == (None, "none")
    assert screen["words"]["urgent"]["words"] == [
        {"word": "Обычный", "rows": 3, "reads_as": None, "choice": ""},
        {"word": "Срочный", "rows": 2, "reads_as": None, "choice": ""},
    ]
    assert screen["new_lookup"]["sheet"] == "Возвраты"
    assert screen["new_lookup"]["headers"] == ["Заказ", "Возврат"]

    # the delivery column, what the words mean, and the Returns sheet (not every order is there)
    changes = form_of(screen, client, **{
        "col.delivery": "Способ", "value.urgent.0": "false", "value.urgent.1": "true",
        "new.key": "Номер заказа", "new.on": "Заказ", "new.columns": "Возврат",
        "const.returned": "нет",
    })
    page = client.post(screen_at, data=changes)
    assert page.status_code == 200, page.text[:800]
    screen = client.get(screen_at + ".json").json()
    assert screen["error"] is None
    assert [c["header"] for c in screen["columns"] if c["name"] == "returned"] == ["Возврат"]
    assert (screen["rows_loaded"], screen["rows_collapsed"], screen["rows_rejected"]) == (3, 1, 1)
    assert screen["words"]["delivery"]["words"][0] == {
        "word": "Курьер", "rows": 3, "reads_as": "delivery", "choice": ""
    }
    # what the synonyms found is written out too: the file says what it maps, whatever changes
    assert screen["mapping"].split("\n", 3)[3] == (
        '\n[columns]\norder_id = "Номер заказа"\nclient_id = "Покупатель"\n'
        'created_at = "Дата заказа"\nurgent = "Срочность"\ndelivery = "Способ"\n\n'
        '[constants]\nreturned = "нет"\n\n'
        '[values.urgent]\n"Обычный" = false\n"Срочный" = true\n\n'
        '[lookup."возвраты"]\nsheet = "Возвраты"\nkey = "Номер заказа"\ncolumns = ["Возврат"]\n'
        'on = "Заказ"\nrequired = false\n'
    )
    # the drone is not a way to deliver: say it means delivery, then import
    screen = client.get(screen_at + ".json").json()
    drone = next(i for i, w in enumerate(screen["words"]["delivery"]["words"])
                 if w["word"] == "Дрон")
    started = client.post(screen_at, data=form_of(screen, client, **{
        f"value.delivery.{drone}": "delivery", "action": "import"}), follow_redirects=False)
    assert started.status_code == 303
    state = finished(client, started.headers["location"])
    assert state["job"]["state"] == "done", state
    result = state["result"]
    assert (result["rows_read"], result["rows_loaded"], result["rows_collapsed"],
            result["rows_rejected"]) == (5, 4, 1, 0)
    assert stored(ws, "SELECT order_id, client_id, urgent, delivery, returned FROM orders "
                      "ORDER BY 1") == [
        ("З-1", "К1", True, "delivery", False), ("З-2", "К1", False, "pickup", True),
        ("З-3", "К2", False, "delivery", False), ("З-4", "К3", True, "delivery", True),
    ]
    assert client.get(started.headers["location"]).status_code == 200

    # the mapping file works from the command line, into another workspace
    saved = result["saved_mapping"]
    text = client.get(f"/import/mappings/{saved}").text
    assert text == client.get(f"{screen_at}/mapping.toml").text
    mapping = tmp_path / "orders.toml"
    mapping.write_text(text, "utf-8")
    other = init_workspace(tmp_path / "other")
    again = import_files(other, [book], "orders", mapping=mapping)
    assert (again.rows_read, again.rows_loaded, again.rows_collapsed, again.rows_rejected) == (
        5, 4, 1, 0
    )

    # the next file with the same headers starts from the saved mapping
    book.write_bytes(book.read_bytes())  # same content: also said to be imported before
    next_at = upload(client, book, name="Заказы апрель.xlsx")
    next_screen = client.get(next_at + ".json").json()
    assert next_screen["saved_from"] == saved
    assert next_screen["already"] == "web upload Заказы.xlsx by analyst"
    assert (next_screen["rows_loaded"], next_screen["rows_rejected"]) == (4, 0)
    assert "Применено сопоставление" in client.get(next_at, cookies={"clientload_lang": "ru"}
                                                   ).text


def test_a_change_that_breaks_the_mapping_is_not_applied(setup):
    _ws, _app, client, book = setup
    screen_at = upload(client, book)
    screen = client.get(screen_at + ".json").json()
    page = client.post(screen_at, data=form_of(screen, client, **{"value.urgent.0": "maybe"}))
    assert page.status_code == 422
    assert "'maybe' is not a value of urgent" in html.unescape(page.text)
    assert client.get(screen_at + ".json").json()["mapping"] == ""  # the last good one stays
    started = client.post(screen_at, data=form_of(screen, client, action="import"),
                          follow_redirects=False)
    assert started.status_code == 303  # nothing required is missing: it starts
    assert finished(client, started.headers["location"])["result"]["rows_loaded"] == 0
    missing = form_of(screen, client, **{"col.order_id": "", "action": "import"})
    page = client.post(screen_at, data=missing)
    assert page.status_code == 422 and "order_id" in page.text


def test_uploads_are_their_owners_and_the_page_is_for_analysts(setup):
    _ws, app, client, book = setup
    screen_at = upload(client, book)
    other = TestClient(app)
    assert sign_in(other, "analyst2").status_code == 303
    assert other.get(screen_at).status_code == 404
    assert other.get(screen_at + ".json").status_code == 404
    admin = TestClient(app)
    assert sign_in(admin, "admin").status_code == 303
    assert admin.get(screen_at + ".json").status_code == 200
    assert client.get("/import/map/not-a-token").status_code == 404
    assert client.get("/import/map/" + "x" * 30).status_code == 404
    assert client.get("/import/mappings/..%2Fclientload.toml").status_code == 404
    manager = TestClient(app)
    assert sign_in(manager, "ivanov").status_code == 303
    assert manager.get(screen_at).status_code == 403
    bad = client.post("/import/upload", data={"table": "orders", "csrf_token": csrf_of(client)},
                      files={"upload": ("x.exe", b"MZ")})
    assert bad.status_code == 422


def test_a_mapping_uploaded_with_the_file_is_used_and_checked(setup):
    _ws, _app, client, book = setup
    token = csrf_of(client, "/import")
    good = '[columns]\nurgent = "Срочность"\n[values.urgent]\n"Срочный" = true\n"Обычный" = false\n'
    response = client.post("/import/upload", data={"table": "orders", "csrf_token": token},
                           files={"upload": (book.name, book.read_bytes()),
                                  "mapping": ("m.toml", good.encode())},
                           follow_redirects=False)
    screen = client.get(response.headers["location"] + ".json").json()
    assert (screen["rows_loaded"], screen["rows_collapsed"], screen["rows_rejected"]) == (4, 1, 0)
    assert screen["mapping"] == good
    broken = client.post("/import/upload", data={"table": "orders", "csrf_token": token},
                         files={"upload": (book.name, book.read_bytes()),
                                "mapping": ("m.toml", b"[columns]\nurgent = \"Nope\"\n")})
    assert broken.status_code == 422
    assert "names column 'Nope' for urgent" in html.unescape(broken.text)
