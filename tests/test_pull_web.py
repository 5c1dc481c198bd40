"""The Import page's 1С tab: admins only, CSRF as every form, test connection, pull now, Russian
and English, and the password kept out of the page and the workspace."""

from __future__ import annotations

import warnings

import pytest

warnings.filterwarnings("ignore", message=".*httpx.*", category=DeprecationWarning)
from fastapi.testclient import TestClient  # noqa: E402
from onec_company import Company  # noqa: E402
from onec_standin import OneC  # noqa: E402
from test_pull_cli import files_contain  # noqa: E402
from test_web_support import csrf_of, make_workspace, sign_in  # noqa: E402

from clientload.web import create_app  # noqa: E402


@pytest.fixture(scope="module")
def onec():
    server = OneC(password="веб-пароль 77")
    Company.build(sales=10).render(server)
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    return make_workspace(tmp_path_factory.mktemp("web-1c") / "ws")


@pytest.fixture(scope="module")
def app(workspace):
    return create_app(workspace.root, secret_key="k")


@pytest.fixture(scope="module")
def admin(app):
    client = TestClient(app)
    assert sign_in(client, "admin").status_code == 303
    return client


def form(onec: OneC, client, **extra) -> dict:
    return {"url": onec.url, "username": onec.user, "password": onec.password,
            "profile": "ut11", "csrf_token": csrf_of(client, "/import/1c"), **extra}


def test_only_admins_see_the_tab_and_may_post(app, onec):
    analyst = TestClient(app)
    sign_in(analyst, "analyst")
    assert "/import/1c" not in analyst.get("/import").text
    assert analyst.get("/import/1c").status_code == 403
    token = csrf_of(analyst, "/import")
    refused = analyst.post("/import/1c/pull", data={**form_fields(onec), "csrf_token": token})
    assert refused.status_code == 403


def form_fields(onec: OneC) -> dict:
    return {"url": onec.url, "username": onec.user, "password": onec.password,
            "profile": "ut11"}


def test_posts_without_the_csrf_token_are_refused(admin, onec):
    assert admin.post("/import/1c/test", data=form_fields(onec)).status_code == 403
    forged = admin.post("/import/1c/pull", data={**form_fields(onec), "csrf_token": "forged"})
    assert forged.status_code == 403


def test_the_tab_in_russian_and_english(admin):
    admin.cookies.set("clientload_lang", "ru")
    page = admin.get("/import/1c").text
    assert "Проверить подключение" in page and "Загрузить сейчас" in page
    assert "Пароль используется только для этого запроса" in page
    admin.cookies.set("clientload_lang", "en")
    page = admin.get("/import/1c").text
    assert "Test connection" in page and "Pull now" in page
    assert 'href="/import/1c"' in admin.get("/import").text


def test_test_connection_then_pull_now(admin, onec, workspace):
    tested = admin.post("/import/1c/test", data=form(onec, admin))
    assert tested.status_code == 200
    assert 'id="onec-tested"' in tested.text

    wrong = admin.post("/import/1c/test", data=form(onec, admin, password="не тот"),
                       headers={"Accept": "application/json"})
    assert wrong.status_code == 422
    assert "(401)" in wrong.json()["error"]

    pulled = admin.post("/import/1c/pull", data=form(onec, admin),
                        headers={"Accept": "application/json"})
    assert pulled.status_code == 200, pulled.text
    result = pulled.json()["result"]
    # 10 orders, 10 sales and the one return among the first 10 sales
    assert result["documents"] == {"new": 21}
    assert {t["table"]: (t["rows_read"], t["rows_loaded"]) for t in result["tables"]} == {
        "clients": (12, 12), "products": (8, 8), "orders": (10, 10), "sales": (31, 31)}

    page = admin.get("/import/1c").text
    assert onec.url in page and onec.user in page  # the form remembers the connection
    assert onec.password not in page
    assert onec.password not in pulled.text + tested.text
    assert files_contain(workspace.root, onec.password) == []


def test_a_profile_path_from_a_form_is_not_read(admin, onec):
    answer = admin.post("/import/1c/pull", data=form(onec, admin, profile="/etc/passwd"),
                        headers={"Accept": "application/json"})
    assert answer.status_code == 422
    assert "expected one of ut11, bp30" in answer.json()["error"]
