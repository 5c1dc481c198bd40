"""The code's own errors and notes on Russian pages: an import that fails, an import with notes,
the mapping screen's reasons, the import job's notes after a reload, settings with problems, the
1С tab; errors nobody planned for show an id (and the menu), never Python's words. In-process, with
the page in Russian; English pages say what the command line says."""

from __future__ import annotations

import html
import re
import warnings

import pytest

warnings.filterwarnings("ignore", message=".*httpx.*", category=DeprecationWarning)
from fastapi.testclient import TestClient  # noqa: E402
from test_web_import import finished  # noqa: E402
from test_web_support import csrf_of, make_workspace, sign_in  # noqa: E402

from clientload.web import create_app  # noqa: E402

RU = {"clientload_lang": "ru"}
EN = {"clientload_lang": "en"}
CLIENTS = ("Код клиента;Название;Отсрочка;Примечание\n"
           "K1;ООО Альфа;30;\nK2;ООО Бета;15;новый\nK2;ООО Бета;15;новый\nK3;ООО Гамма;-5;\n")
SALES = "client_id,when,sku,quantity,revenue\nK1,2024-01-05,S1,2,100\n"


@pytest.fixture
def app(tmp_path):
    make_workspace(tmp_path / "ws")
    return create_app(tmp_path / "ws", secret_key="k")


def signed_in(app, who: str) -> TestClient:
    client = TestClient(app, raise_server_exceptions=False)
    assert sign_in(client, who).status_code == 303
    return client


def text_of(response) -> str:
    """The page's text as a reader sees it: tags out, entities and spaces as they show."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.text)).split())


def post_import(client, table: str, name: str, body: str, cookies: dict):
    client.cookies.update(cookies)
    return client.post("/import", data={"table": table, "csrf_token": csrf_of(client, "/import")},
                       files={"upload": (name, body.encode())})


def test_an_import_that_fails_says_why_in_russian(app):
    analyst = signed_in(app, "analyst")
    page = post_import(analyst, "sales", "sales.csv", SALES, RU)
    assert page.status_code == 422
    assert ("sales.csv: таблице sales нужна колонка date, она не найдена; найденные колонки: "
            "client_id, when, sku, quantity, revenue; укажите её в разделе [columns] файла "
            "сопоставления") in text_of(page)
    page = post_import(analyst, "sales", "sales.csv", SALES, EN)
    assert ("sales.csv: table sales needs column date, not found; columns found: client_id, "
            "when, sku, quantity, revenue; name it in a mapping file's [columns]") in text_of(page)

    analyst.cookies.update(RU)
    wrong = analyst.post("/import/upload",
                         data={"table": "sales", "csrf_token": csrf_of(analyst, "/import")},
                         files={"upload": ("sales.csv", SALES.encode()),
                                "mapping": ("m.toml", b'[columns]\ndate = "Date"\n')})
    assert wrong.status_code == 422
    assert ("sales.csv: сопоставление mapping.toml называет колонку 'Date' для date, но в файле "
            "есть только: client_id, when, sku, quantity, revenue") in text_of(wrong)
    assert "clientload-upload" not in wrong.text and "/uploads/" not in wrong.text


def test_an_import_with_notes_in_russian(app):
    analyst = signed_in(app, "analyst")
    page = post_import(analyst, "clients", "clients.csv", CLIENTS, RU)
    assert page.status_code == 200
    shown = text_of(page)
    assert "разделитель ';'" in shown
    assert "неиспользованные колонки: Примечание" in shown
    assert ("Свёрнуто повторов строк: 1 (1 клиент; каждый повтор совпадает с более поздней "
            "строкой того же ключа)") in shown
    again = text_of(post_import(analyst, "clients", "clients.csv", CLIENTS, RU))
    assert "Не загружен: уже загружен в clients (то же содержимое, что у web upload " in again
    assert "чтобы загрузить его заново вместо строк, которые он принёс, отметьте замену" in again
    english = text_of(post_import(analyst, "clients", "clients.csv", CLIENTS, EN))
    assert "already imported into clients (same content as web upload clients.csv" in english


def test_the_mapping_screen_and_the_import_job_speak_russian(app):
    analyst = signed_in(app, "analyst")
    analyst.cookies.update(RU)
    uploaded = analyst.post("/import/upload",
                            data={"table": "clients", "csrf_token": csrf_of(analyst, "/import")},
                            files={"upload": ("clients.csv", CLIENTS.encode())},
                            follow_redirects=False)
    screen_at = uploaded.headers["location"]
    screen = text_of(analyst.get(screen_at))
    # the reason a row will be rejected, its kind and its line, in Russian
    assert re.search(r"Отсрочка \(payment_terms_days\): -5\.0 — отрицательное; ожидается 0 или "
                     r"больше", screen), screen
    assert "строка 5: Отсрочка (payment_terms_days): -5.0 — отрицательное" in screen
    assert "is negative" not in screen
    data = analyst.get(screen_at + ".json").json()  # the JSON keeps the English
    assert data["rejected"] == [{"line": 5, "reason": "Отсрочка (payment_terms_days): -5.0 is "
                                                      "negative; expected 0 or more"}]

    started = analyst.post(screen_at, data={"csrf_token": csrf_of(analyst, "/import"),
                                            "action": "import", "table": "clients"},
                           follow_redirects=False)
    job_at = started.headers["location"]
    state = finished(analyst, job_at)
    assert state["result"]["rows_rejected"] == 1
    assert any(n.startswith("1 repeated rows of the same 1 client") for n in
               state["result"]["notes"])
    page = text_of(analyst.get(job_at))  # read back from the result file, in Russian
    assert "Свёрнуто повторов строк: 1 (1 клиент;" in page and "разделитель ';'" in page
    assert "repeated rows" not in page


SETTINGS = """[margin]
assumed_margin_rate = 1.5

[finance]
cost_of_capital = "high"
"""


def test_settings_with_problems_in_russian(app, tmp_path):
    admin = signed_in(app, "admin")
    admin.cookies.update(RU)
    page = admin.post("/settings", data={"text": SETTINGS,
                                         "csrf_token": csrf_of(admin, "/settings")})
    assert page.status_code == 422
    problems = re.findall(r"<li>(.*?)</li>", page.text.split('class="error"')[1].split("</div>")[0])
    assert [html.unescape(p) for p in problems] == [
        "`finance.cost_of_capital` (строка 5): ожидается число, а указано 'high'",
        "`margin.assumed_margin_rate` (строка 2) = 1,5; ожидается доля от 0 до 1",
        "`margin.assumed_margin_rate` (строка 2): должно быть меньше 1",
    ]
    admin.cookies.update(EN)
    page = admin.post("/settings", data={"text": SETTINGS,
                                         "csrf_token": csrf_of(admin, "/settings")})
    assert "`margin.assumed_margin_rate` (line 2) is 1.5; expected a fraction from 0 to 1" in \
        html.unescape(page.text)


def test_the_1c_tab_says_its_errors_in_russian(app):
    admin = signed_in(app, "admin")
    admin.cookies.update(RU)
    token = csrf_of(admin, "/import/1c")
    page = admin.post("/import/1c/test", data={"url": "ftp://1c.example/trade", "username": "u",
                                                "password": "p", "profile": "ut11",
                                                "csrf_token": token})
    assert page.status_code == 422
    assert ("адрес 'ftp://1c.example/trade': ожидается http(s)://сервер/база — публикация 1С"
            ) in text_of(page)
    page = admin.post("/import/1c/pull", data={"url": "http://1c.example/trade", "username": "u",
                                                "password": "p", "profile": "/etc/passwd",
                                                "csrf_token": token})
    assert "профиль '/etc/passwd': ожидается один из: ut11, bp30" in text_of(page)


def test_an_unexpected_error_shows_an_id_and_the_menu_never_pythons_words(app, monkeypatch,
                                                                         caplog):
    from clientload.web.pages import admin as admin_page

    def broken(ws):
        return float("abc")

    monkeypatch.setattr(admin_page, "settings_overview", broken)
    admin = signed_in(app, "admin")
    admin.cookies.update(RU)
    page = admin.get("/settings")
    assert page.status_code == 500
    number = re.search(r"под номером ([0-9a-f]{8})", page.text).group(1)
    assert "could not convert" not in page.text and "ValueError" not in page.text
    assert 'href="/import"' in page.text and 'href="/settings"' in page.text  # the menu
    assert f"error {number} while serving GET /settings" in caplog.text
    assert "could not convert string to float: 'abc'" in caplog.text  # the traceback, logged
    answer = admin.get("/settings.json")
    assert answer.status_code == 500 and answer.json()["detail"] == "internal error"


def test_a_value_of_the_wrong_kind_is_named_in_russian(app):
    admin = signed_in(app, "admin")
    admin.cookies.update(RU)
    page = admin.get("/setup?saved=abc", headers={"Accept": "text/html"})
    assert page.status_code == 422
    assert "saved: 'abc' — не число" in text_of(page)
    assert "Input should be" not in page.text


def test_a_recalculation_that_fails_says_why_in_russian(app):
    admin = signed_in(app, "admin")
    app.state.recalculation.start("admin")  # the workspace's store holds no sales
    job = app.state.recalculation.wait(timeout=60)
    assert job.state == "failed" and "no sales in the store" in job.error
    page = text_of(admin.get("/recalculate", cookies=RU))
    assert "в хранилище нет продаж; загрузите их на странице «Импорт»" in page


def test_a_broken_settings_file_is_said_on_the_pages_that_read_it(app, tmp_path):
    (tmp_path / "ws" / "clientload.toml").write_text("[margin]\nassumed_margin_rate = 2\n",
                                                     "utf-8")
    admin = signed_in(app, "admin")
    page = admin.get("/setup", cookies=RU)
    assert page.status_code == 409
    assert "`margin.assumed_margin_rate` (строка 2) = 2; ожидается доля от 0 до 1" in text_of(page)
    assert 'href="/settings"' in page.text  # the menu, to go and correct it
