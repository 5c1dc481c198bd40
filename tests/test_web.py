"""The web app in-process: every route refuses strangers, roles hold in HTML and JSON, forms need
their CSRF token, user text is escaped, and the pages serve the model's figures."""

from __future__ import annotations

import warnings

import pytest

warnings.filterwarnings("ignore", message=".*httpx.*", category=DeprecationWarning)
from fastapi.routing import APIRoute  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402
from test_web_support import EVIL_NAME, PASSWORD, csrf_of, make_workspace, sign_in  # noqa: E402

from clientload.web import create_app  # noqa: E402

PUBLIC = {"/login", "/lang/{code}", "/static/plotly.min.js"}
SAMPLE_PARAMS = {"client_id": "C00001", "entry": "1", "name": "x.csv", "code": "en"}


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    ws = make_workspace(tmp_path_factory.mktemp("web") / "ws")
    return create_app(ws.root, secret_key="test-secret")


def client_as(app, username: str | None) -> TestClient:
    client = TestClient(app)
    if username:
        assert sign_in(client, username).status_code == 303
    return client


@pytest.fixture(scope="module")
def admin(app):
    return client_as(app, "admin")


@pytest.fixture(scope="module")
def analyst(app):
    return client_as(app, "analyst")


@pytest.fixture(scope="module")
def ivanov(app):
    return client_as(app, "ivanov")


def api_routes(routes):
    """Every APIRoute, also inside included routers (no prefixes are used, so paths are whole)."""
    for route in routes:
        included = getattr(route, "original_router", None)
        if included is not None:
            yield from api_routes(included.routes)
        elif isinstance(route, APIRoute):
            yield route


def concrete_routes(app):
    for route in api_routes(app.routes):
        if route.path not in PUBLIC:
            path = route.path
            for name, value in SAMPLE_PARAMS.items():
                path = path.replace("{" + name + "}", value)
            for method in route.methods:
                yield method, path


def test_every_route_refuses_an_anonymous_visitor(app):
    anonymous = TestClient(app)
    routes = list(concrete_routes(app))
    assert len(routes) > 25
    for method, path in routes:
        response = anonymous.request(method, path, follow_redirects=False)
        if method == "GET" and not path.endswith(".json") and not path.startswith("/api/"):
            assert response.status_code == 303, path
            assert response.headers["location"].startswith("/login"), path
        else:
            assert response.status_code == 401, (method, path)


@pytest.mark.parametrize("path", ["/dashboard", "/clients", "/clients/C00001", "/heavy",
                                  "/calculators", "/log"])
def test_manager_pages_open_as_html_and_json(ivanov, path):
    assert ivanov.get(path).status_code == 200
    response = ivanov.get(path + ".json")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")


@pytest.mark.parametrize("path", ["/import", "/recalculate", "/history", "/heavy.csv",
                                  "/settings", "/users"])
def test_managers_cannot_open_analyst_or_admin_pages(ivanov, path):
    assert ivanov.get(path).status_code == 403


@pytest.mark.parametrize("path", ["/import", "/recalculate", "/history", "/heavy.csv"])
def test_analysts_open_their_pages(analyst, path):
    assert analyst.get(path).status_code == 200


@pytest.mark.parametrize("path", ["/settings", "/users", "/settings.json", "/users.json"])
def test_only_admins_open_settings_and_users(analyst, admin, path):
    assert analyst.get(path).status_code == 403
    assert admin.get(path).status_code == 200


def test_a_manager_cannot_open_another_managers_client(ivanov):
    for path in ("/clients/C00003", "/clients/C00003.json"):
        assert ivanov.get(path).status_code == 403
    assert ivanov.get("/clients/C00001.json").json()["client"]["manager"] == "Ivanov"


def test_a_manager_lists_and_finds_only_own_clients(ivanov, analyst):
    mine = ivanov.get("/clients.json").json()
    assert {c["manager"] for c in mine["clients"]} == {"Ivanov"}
    assert mine["total"] == 2
    assert ivanov.get("/api/clients", params={"q": "Beta"}).json() == []
    assert analyst.get("/api/clients", params={"q": "Beta"}).json()[0]["client_id"] == "C00003"
    assert analyst.get("/clients.json").json()["total"] == 3


def test_dashboard_totals_for_a_manager_cover_own_clients(ivanov):
    totals = ivanov.get("/dashboard.json").json()["totals"]
    assert totals["revenue"] == pytest.approx(1_500_000)
    assert totals["clients"] == 2


def test_client_list_filters_sorts_and_ignores_unknown_sort_columns(analyst):
    by_revenue = analyst.get("/clients.json", params={"sort": "revenue", "order": "asc"}).json()
    assert [c["client_id"] for c in by_revenue["clients"]] == ["C00002", "C00003", "C00001"]
    moscow = analyst.get("/clients.json", params={"region": "Moscow"}).json()
    assert {c["client_id"] for c in moscow["clients"]} == {"C00001", "C00003"}
    injected = analyst.get("/clients.json", params={"sort": "revenue; DROP TABLE x"}).json()
    assert injected["sort"] == "contribution"
    assert analyst.get("/clients.json", params={"q": "альфа"}).json()["total"] == 1


def test_client_card_carries_costs_and_the_parity_answer(analyst):
    card = analyst.get("/clients/C00001.json", params={"discount": "5%"}).json()
    assert {row["department"] for row in card["costs"]} == {"sales", "customer_service",
                                                             "warehouse"}
    margin = 300_000 / 1_200_000
    # no run_info here to price the client with: the one answer is Nagle's d / (m - d)
    volume = card["parity"]["volume"]
    assert volume["method"] == "gross_margin"
    assert volume["required"] == pytest.approx(0.05 / (margin - 0.05))
    assert card["charts"]["waterfall"]["data"][0]["type"] == "waterfall"
    assert analyst.get("/clients/NOPE.json").status_code == 404


def test_user_text_is_escaped_in_pages(analyst):
    for path in ("/clients/C00002", "/clients?q=script", "/heavy"):
        html = analyst.get(path).text
        assert '<script>alert("x")</script>' not in html
        assert "&lt;script&gt;" in html
    assert analyst.get("/clients/C00002.json").json()["client"]["name"] == EVIL_NAME


def test_csv_export_neutralises_formulas(analyst):
    text = analyst.get("/heavy.csv").content.decode("utf-8-sig")
    assert ",'=SUM(1+1) Beta Ltd," in text
    assert ",=SUM" not in text


def test_excel_export_keeps_formula_like_text_as_text(analyst, ivanov):
    import io

    import openpyxl

    response = analyst.get("/heavy.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    names = {row[1].value: row[1].data_type for row in sheet.iter_rows(min_row=2)}
    assert names["=SUM(1+1) Beta Ltd"] == "s"  # a string cell, not a formula ("f")
    assert sheet.cell(row=1, column=1).value == "client_id"
    assert ivanov.get("/heavy.xlsx").status_code == 403


def test_workbook_download_says_what_is_missing(analyst, ivanov):
    response = analyst.get("/workbook.xlsx")
    assert response.status_code == 409  # the fixture has results but no run_info.json
    assert "clientload run" in response.text
    assert ivanov.get("/workbook.xlsx").status_code == 403


def test_posts_without_the_csrf_token_are_refused(app, ivanov):
    entry = {"client_id": "C00001", "type": "call", "minutes": "5"}
    assert ivanov.post("/log", data=entry, follow_redirects=False).status_code == 403
    wrong = {**entry, "csrf_token": "forged"}
    assert ivanov.post("/log", data=wrong, follow_redirects=False).status_code == 403
    anonymous = TestClient(app)
    login = {"username": "ivanov", "password": PASSWORD}
    assert anonymous.post("/login", data=login, follow_redirects=False).status_code == 403


def test_a_manager_logs_and_edits_own_interactions(app, ivanov):
    token = csrf_of(ivanov)
    entry = {"client_id": "C00001", "type": "meeting", "department": "sales", "minutes": "45",
             "date": "2026-03-02", "note": "<b>price talk</b>", "csrf_token": token}
    assert ivanov.post("/log", data=entry, follow_redirects=False).status_code == 303
    mine = ivanov.get("/log.json").json()["entries"]
    assert mine[0]["client_id"] == "C00001" and mine[0]["minutes"] == 45
    number = mine[0]["entry"]
    edited = {**entry, "minutes": "60"}
    assert ivanov.post(f"/log/{number}", data=edited, follow_redirects=False).status_code == 303
    assert ivanov.get("/log.json").json()["entries"][0]["minutes"] == 60
    card = ivanov.get("/clients/C00001").text
    assert "&lt;b&gt;price talk&lt;/b&gt;" in card
    petrov = client_as(app, "petrov")
    other = {**edited, "client_id": "C00003", "csrf_token": csrf_of(petrov)}
    assert petrov.post(f"/log/{number}", data=other, follow_redirects=False).status_code == 403
    foreign = {**entry, "client_id": "C00003", "csrf_token": token}
    assert ivanov.post("/log", data=foreign, follow_redirects=False).status_code == 403
    unknown = {**entry, "client_id": "C99999", "csrf_token": token}
    assert ivanov.post("/log", data=unknown, follow_redirects=False).status_code == 404


def test_sign_in_is_rate_limited_per_user_and_address(app):
    visitor = TestClient(app)
    for _ in range(5):
        assert sign_in(visitor, "analyst-typo", "wrong password").status_code == 401
    assert sign_in(visitor, "analyst-typo", "wrong password").status_code == 429


def test_sign_in_starts_a_new_session_and_sign_out_ends_it(app):
    browser = TestClient(app)
    sign_in(browser, "analyst")
    first = browser.cookies.get("clientload_session")
    sign_in(browser, "analyst")
    second = browser.cookies.get("clientload_session")
    assert first and second and first != second
    stale = TestClient(app, cookies={"clientload_session": first})
    assert stale.get("/dashboard.json").status_code == 401
    token = csrf_of(browser, "/dashboard")
    assert browser.post("/logout", data={"csrf_token": token},
                        follow_redirects=False).status_code == 303
    after = TestClient(app, cookies={"clientload_session": second})
    assert after.get("/dashboard.json").status_code == 401


def test_session_cookie_is_httponly_and_samesite(app):
    response = sign_in(TestClient(app), "analyst")
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie


def test_language_switch_changes_words_and_number_format(app):
    browser = client_as(app, "analyst")
    browser.get("/lang/en", follow_redirects=False)
    english = browser.get("/dashboard").text
    assert "Revenue" in english and "2,300,000 RUB" in english
    browser.get("/lang/ru", follow_redirects=False)
    russian = browser.get("/dashboard").text
    assert "Выручка" in russian and "2\u00a0300\u00a0000 ₽" in russian


def test_redirects_stay_on_the_site(app):
    visitor = TestClient(app)
    for target in ("//evil.example", "https://evil.example/x", "/\\evil.example", "javascript:x"):
        response = visitor.get("/lang/en", params={"next": target}, follow_redirects=False)
        assert response.headers["location"] == "/dashboard", target
    kept = visitor.get("/lang/en", params={"next": "/clients?segment=core"}, follow_redirects=False)
    assert kept.headers["location"] == "/clients?segment=core"


def test_openapi_describes_the_json_endpoints(analyst):
    paths = analyst.get("/openapi.json").json()["paths"]
    assert {"/clients/{client_id}.json", "/dashboard.json", "/clients.json"} <= set(paths)


def test_pages_are_served_with_security_headers(analyst):
    headers = analyst.get("/dashboard").headers
    assert "script-src 'self'" in headers["content-security-policy"]
    assert headers["x-frame-options"] == "DENY"


def test_plotly_is_served_locally(app):
    response = TestClient(app).get("/static/plotly.min.js")
    assert response.status_code == 200 and len(response.content) > 1_000_000


def test_money_and_numbers_follow_the_language_as_everywhere_in_the_product():
    from clientload import i18n as common
    from clientload.web.i18n import format_money, format_percent

    assert format_money(1234567.89, "ru", digits=2) == "1\u00a0234\u00a0567,89 ₽"
    assert format_money(1234567.89, "en", digits=2) == "1,234,567.89 RUB"
    for value in (1234567.891, -1500.0, 0.0):
        for lang in ("ru", "en"):
            assert format_money(value, lang, digits=2) == common.format_money(value, lang,
                                                                              digits=2)
    assert format_percent(0.163, "ru") == "16,3%"
    assert format_money(float("nan"), "ru") == "—" and format_money(None, "en") == "—"


def test_csv_cells_that_start_like_formulas_are_quoted():
    from clientload.web.pages.overview import csv_cell

    for text in ("=1+1", "+7 900", "-2", "@SUM(A1)", "\tx", "\rx"):
        assert csv_cell(text) == "'" + text
    assert csv_cell("ООО Альфа") == "ООО Альфа" and csv_cell(-2.5) == -2.5
