"""The web app against an attacker: anonymous visitors, forged or stolen cookies, a manager poking
at other managers' clients, forms posted from elsewhere, password guessing, hostile uploads,
SQL in every parameter, formulas and scripts in user text. In-process (FastAPI's TestClient)
over the small workspace of `test_web_support`."""

from __future__ import annotations

import io
import re
import warnings

import duckdb
import pytest

warnings.filterwarnings("ignore", message=".*httpx.*", category=DeprecationWarning)
from fastapi.routing import APIRoute  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402
from test_web_support import CLIENTS, PASSWORD, csrf_of, make_workspace, sign_in  # noqa: E402

from clientload.web import create_app  # noqa: E402

PUBLIC = {("GET", "/login"), ("POST", "/login"), ("GET", "/lang/{code}"),
          ("GET", "/static/plotly.min.js")}
SAMPLE = {"client_id": "C00001", "entry": "1", "name": "x.csv", "code": "en"}
IVANOV_CLIENTS = {c[0] for c in CLIENTS if c[2] == "Ivanov"}
PETROV_CLIENT = next(c[0] for c in CLIENTS if c[2] == "Petrov")
INJECTIONS = [
    "' OR '1'='1", "'; DROP TABLE web_users; --", '" OR 1=1 --', "1) OR (1=1",
    "revenue; DROP TABLE interactions", "client_id DESC, (SELECT password_hash FROM web_users)",
    "Petrov' OR manager <> '", "%' OR 1=1 OR name LIKE '%", "\\'", "\x00", "∞", "a" * 5000,
]


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    return make_workspace(tmp_path_factory.mktemp("security") / "ws")


@pytest.fixture(scope="module")
def app(workspace):
    return create_app(workspace.root, secret_key="security-secret", max_upload_bytes=100_000)


def signed_in(app, username: str) -> TestClient:
    client = TestClient(app)
    assert sign_in(client, username).status_code == 303
    return client


@pytest.fixture(scope="module")
def admin(app):
    return signed_in(app, "admin")


@pytest.fixture(scope="module")
def ivanov(app):
    return signed_in(app, "ivanov")


def all_routes(app) -> list[tuple[str, str]]:
    """(method, path template) of every route, also inside included routers."""
    found = []

    def walk(routes):
        for route in routes:
            if getattr(route, "original_router", None) is not None:
                walk(route.original_router.routes)
            elif isinstance(route, APIRoute):
                found.extend((method, route.path) for method in route.methods)

    walk(app.routes)
    return found


def concrete(path: str) -> str:
    for name, value in SAMPLE.items():
        path = path.replace("{" + name + "}", value)
    return path


def guarded_routes(app) -> list[tuple[str, str]]:
    return [(m, concrete(p)) for m, p in all_routes(app) if (m, p) not in PUBLIC]


def test_every_route_and_json_endpoint_refuses_the_anonymous(app) -> None:
    routes = guarded_routes(app)
    assert len(routes) >= 30
    assert ("POST", "/import") in routes and ("GET", "/openapi.json") in routes
    stranger = TestClient(app)
    for method, path in routes:
        response = stranger.request(method, path, follow_redirects=False)
        if response.status_code == 303:
            assert method == "GET" and response.headers["location"].startswith("/login"), path
        else:
            assert response.status_code == 401, (method, path, response.status_code)
        assert "C00001" not in response.text and "Альфа" not in response.text


@pytest.mark.parametrize("cookie", ["", "garbage", "a.b.c", "x" * 4000,
                                    "eyJhbGciOiJub25lIn0.e30."])
def test_forged_session_cookies_are_anonymous(app, cookie: str) -> None:
    forger = TestClient(app, cookies={"clientload_session": cookie})
    for method, path in guarded_routes(app):
        assert forger.request(method, path, follow_redirects=False).status_code in (303, 401)


def test_a_session_signed_with_another_key_is_refused(app, workspace) -> None:
    other_app = create_app(workspace.root, secret_key="another-secret")
    elsewhere = TestClient(other_app)
    sign_in(elsewhere, "admin")
    stolen = elsewhere.cookies.get("clientload_session")
    assert TestClient(app, cookies={"clientload_session": stolen}).get(
        "/users.json").status_code == 401


# --- role isolation -------------------------------------------------------------------------------


@pytest.mark.parametrize("path", [f"/clients/{PETROV_CLIENT}", f"/clients/{PETROV_CLIENT}.json",
                                  f"/clients/{PETROV_CLIENT}?discount=5%25",
                                  f"/log?client_id={PETROV_CLIENT}"])
def test_a_manager_cannot_read_another_managers_client(ivanov, path: str) -> None:
    response = ivanov.get(path)
    if path.startswith("/log"):  # the form opens, but shows nothing of the client
        assert "Beta Ltd" not in response.text
    else:
        assert response.status_code == 403
        assert "Beta Ltd" not in response.text


def test_a_manager_sees_no_other_clients_through_lists_filters_or_search(ivanov) -> None:
    for params in ({}, {"manager": "Petrov"}, {"q": PETROV_CLIENT}, {"q": "Beta"},
                   {"region": "Moscow"}, {"segment": "growing"}, {"q": "' OR '1'='1"},
                   {"manager": "Petrov' OR manager <> '"}):
        listed = ivanov.get("/clients.json", params=params).json()
        assert {c["client_id"] for c in listed["clients"]} <= IVANOV_CLIENTS, params
    for q in (PETROV_CLIENT, "Beta", "%", "_", "' OR 1=1 --"):
        assert {c["client_id"] for c in ivanov.get("/api/clients", params={"q": q}).json()} <= \
            IVANOV_CLIENTS
    assert "Beta Ltd" not in ivanov.get("/heavy").text
    assert "Beta Ltd" not in ivanov.get("/dashboard.json").text


def test_a_manager_cannot_write_to_another_managers_client(app, ivanov) -> None:
    token = csrf_of(ivanov)
    entry = {"client_id": PETROV_CLIENT, "type": "call", "minutes": "5", "csrf_token": token}
    assert ivanov.post("/log", data=entry, follow_redirects=False).status_code == 403
    mine = {**entry, "client_id": "C00001"}
    assert ivanov.post("/log", data=mine, follow_redirects=False).status_code == 303
    number = ivanov.get("/log.json").json()["entries"][0]["entry"]
    # Moving one's own entry onto another manager's client is refused too ...
    moved = {**mine, "client_id": PETROV_CLIENT}
    assert ivanov.post(f"/log/{number}", data=moved, follow_redirects=False).status_code == 403
    # ... and the other manager cannot touch it at all.
    petrov = signed_in(app, "petrov")
    theirs = {**mine, "client_id": PETROV_CLIENT, "csrf_token": csrf_of(petrov)}
    assert petrov.post(f"/log/{number}", data=theirs, follow_redirects=False).status_code == 403
    assert ivanov.get("/log.json").json()["entries"][0]["client_id"] == "C00001"


@pytest.mark.parametrize(("method", "path"), [
    ("GET", "/import"), ("GET", "/import.json"), ("POST", "/import"), ("GET", "/history.json"),
    ("GET", "/heavy.csv"), ("GET", "/heavy.xlsx"), ("GET", "/settings.json"), ("POST", "/settings"),
    ("GET", "/users.json"), ("POST", "/users"), ("POST", "/recalculate"),
    ("GET", "/rejects/x.csv"), ("GET", "/workbook.xlsx")])
def test_a_manager_is_refused_analyst_and_admin_routes(ivanov, method: str, path: str) -> None:
    token = csrf_of(ivanov)
    form = {"csrf_token": token} if method == "POST" else None
    response = ivanov.request(method, path, data=form, follow_redirects=False)
    assert response.status_code == 403, (method, path)


# --- CSRF, sessions, sign-in --------------------------------------------------------------------


def test_every_form_post_needs_the_sessions_csrf_token(app, admin) -> None:
    posts = [p for m, p in guarded_routes(app) if m == "POST"]
    assert {"/log", "/import", "/settings", "/users", "/recalculate", "/logout"} <= set(posts)
    other = signed_in(app, "analyst")
    someone_elses = csrf_of(other)
    for path in posts:
        for data in ({}, {"csrf_token": ""}, {"csrf_token": "forged"},
                     {"csrf_token": someone_elses}):
            response = admin.post(path, data=data, follow_redirects=False)
            assert response.status_code == 403, (path, data)
        header = admin.post(path, headers={"X-CSRF-Token": "forged"}, follow_redirects=False)
        assert header.status_code == 403
    assert admin.get("/users.json").status_code == 200  # still signed in: nothing was done


def test_sign_in_replaces_any_session_id_the_browser_had(app) -> None:
    def issued(response) -> str:
        return re.search(r"clientload_session=([^;]+)", response.headers["set-cookie"]).group(1)

    browser = TestClient(app, cookies={"clientload_session": "planted-by-attacker"})
    first = issued(sign_in(browser, "ivanov"))
    assert first and "planted-by-attacker" not in first
    browser = TestClient(app, cookies={"clientload_session": first})
    second = issued(sign_in(browser, "ivanov"))
    assert second != first
    assert TestClient(app, cookies={"clientload_session": first}).get(
        "/log.json").status_code == 401


def test_sign_in_needs_the_login_forms_token(app) -> None:
    visitor = TestClient(app)
    visitor.get("/login")
    data = {"username": "admin", "password": PASSWORD, "csrf_token": "forged"}
    assert visitor.post("/login", data=data, follow_redirects=False).status_code == 403


def test_password_guessing_is_stopped_even_for_the_right_password(app) -> None:
    visitor = TestClient(app)
    for _ in range(5):
        assert sign_in(visitor, "petrov", "guess-" + "x" * 8).status_code == 401
    assert sign_in(visitor, "petrov", "another guess").status_code == 429
    assert sign_in(visitor, "petrov", PASSWORD).status_code == 429


def test_sign_in_never_redirects_off_site(app) -> None:
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example",
                   "javascript:alert(1)"):
        response = sign_in(TestClient(app), "analyst", next_path=target)
        assert response.headers["location"] == "/dashboard", target


# --- uploads --------------------------------------------------------------------------------------

GOOD_CSV = b"client_id,name\nU1,Upload client\n"


def upload(admin, name: str, body: bytes = GOOD_CSV, content_type: str = "text/csv"):
    return admin.post("/import", data={"table": "clients", "csrf_token": csrf_of(admin)},
                      files={"upload": (name, body, content_type)},
                      headers={"Accept": "application/json"})


@pytest.mark.parametrize("name", ["../../clientload.toml.csv", "../../../tmp/evil.csv",
                                  "..\\..\\evil.csv", "/etc/passwd.csv", "./.././x.csv",
                                  "%2e%2e%2fx.csv", "x.csv\x00.exe", "CON.csv", "a" * 250 + ".csv"])
def test_upload_names_cannot_reach_outside_a_temporary_folder(admin, workspace, name) -> None:
    before = sorted(p.relative_to(workspace.root) for p in workspace.root.rglob("*"))
    response = upload(admin, name)
    assert response.status_code in (200, 422), (name, response.status_code)
    after = sorted(p.relative_to(workspace.root) for p in workspace.root.rglob("*"))
    assert [p for p in after if p not in before and not str(p).startswith("rejects")] == [] or \
        set(after) - set(before) <= {p for p in after if "wal" in str(p)}
    assert (workspace.root / "clientload.toml").read_text("utf-8").startswith(("#", "["))


@pytest.mark.parametrize("name", ["evil.exe", "page.html", "x.csv.php", "noextension",
                                  "x.svg"])
def test_uploads_of_other_file_types_are_refused(admin, name: str) -> None:
    assert upload(admin, name).status_code == 422


def test_a_csv_name_does_not_make_binary_content_a_csv(admin) -> None:
    response = upload(admin, "x.csv", bytes(range(256)) * 50, "application/octet-stream")
    assert response.status_code == 422
    assert "Traceback" not in response.text


def test_bodies_over_the_limit_are_refused_declared_or_streamed(admin) -> None:
    big = b"client_id\n" + b"C1\n" * 60_000
    assert upload(admin, "big.csv", big).status_code == 413

    def chunks():
        for _ in range(200):
            yield b"x" * 1_000

    streamed = admin.post("/import", content=chunks(), headers={
        "Content-Type": "multipart/form-data; boundary=xyz", "X-CSRF-Token": csrf_of(admin)})
    assert streamed.status_code == 413


@pytest.mark.parametrize(("content_type", "body"), [
    ("application/json", b'{"table": "clients", "upload": "x"}'),
    ("text/plain", b"table=clients"),
    ("application/x-www-form-urlencoded", b"table=clients&upload=../../etc/passwd"),
    ("multipart/form-data", b"no boundary at all"),
    ("multipart/form-data; boundary=zz", b"--zz\r\nbroken"),
])
def test_wrong_content_types_are_client_errors(admin, content_type: str, body: bytes) -> None:
    response = admin.post("/import", content=body, headers={
        "Content-Type": content_type, "X-CSRF-Token": csrf_of(admin)})
    assert 400 <= response.status_code < 500, (content_type, response.status_code)


# --- SQL injection --------------------------------------------------------------------------------


def query_parameters(app) -> list[tuple[str, str]]:
    """(path, parameter) for every query parameter of every GET route that has one."""
    found = []

    def walk(routes):
        for route in routes:
            if getattr(route, "original_router", None) is not None:
                walk(route.original_router.routes)
            elif isinstance(route, APIRoute) and "GET" in route.methods:
                for param in route.dependant.query_params:
                    found.append((concrete(route.path), param.alias or param.name))

    walk(app.routes)
    return found


def table_counts(workspace) -> dict[str, int]:
    with duckdb.connect(str(workspace.store_path), read_only=True) as con:
        names = [r[0] for r in con.execute("SHOW TABLES").fetchall()]
        return {n: con.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in names}


@pytest.mark.slow
def test_sql_in_every_search_filter_and_sort_parameter_is_inert(app, workspace) -> None:
    analyst = signed_in(app, "analyst")
    ivanov = signed_in(app, "ivanov")
    params = query_parameters(app)
    names = {name for _, name in params}
    assert {"q", "segment", "manager", "region", "sort", "order", "discount"} <= names
    before = table_counts(workspace)
    for path, name in params:
        if (path, name) == ("/clients/C00001.json", "discount") or (
                path, name) == ("/clients/C00001", "discount"):
            continue  # DISCOUNT_BUG: its own test below
        # A PDF renders the same parameters as its HTML and JSON twins, at a second a page.
        attacks = INJECTIONS[:2] if path.endswith(".pdf") else INJECTIONS
        for k, attack in enumerate(attacks):
            # The manager's scope condition is checked with the quoting attacks.
            for user in (analyst, ivanov) if k < 4 else (analyst,):
                response = user.get(path, params={name: attack}, follow_redirects=False)
                assert response.status_code < 500, (path, name, attack, response.status_code)
                assert "$argon2" not in response.text  # no password hash ever leaks out
    for attack in INJECTIONS[:8]:
        card = ivanov.get(f"/clients/{attack}.json")
        assert card.status_code in (403, 404), attack
    assert table_counts(workspace) == before
    assert len(analyst.get("/clients.json", params={"q": "' OR '1'='1"}).json()["clients"]) == 0


@pytest.mark.parametrize("path", ["/clients/C00001", "/clients/C00001.json"])
def test_a_discount_that_is_not_a_number_is_a_client_error(ivanov, path: str) -> None:
    for attack in ("' OR '1'='1", "abc", "5%%"):
        assert ivanov.get(path, params={"discount": attack}).status_code == 422


# --- formulas and scripts in user text ------------------------------------------------------------


def test_csv_export_neutralises_every_formula_prefix(admin, workspace) -> None:
    text = admin.get("/heavy.csv").content.decode("utf-8-sig")
    import csv

    for row in csv.reader(io.StringIO(text)):
        for cell in row:
            assert cell[:1] not in ("=", "+", "@", "\t", "\r") or cell == "", cell
            assert not re.fullmatch(r"-[^\d].*", cell), cell  # "-" only before a number
    assert "'=SUM(1+1) Beta Ltd" in text


def test_excel_export_writes_user_text_as_text_never_as_a_formula(admin) -> None:
    from openpyxl import load_workbook

    response = admin.get("/heavy.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    cells = [c for row in book.active.iter_rows() for c in row if c.value is not None]
    evil = [c for c in cells if str(c.value).startswith("=")]
    assert evil and all(c.data_type == "s" for c in evil)
    assert not [c for c in cells if c.data_type == "f"]


def test_script_in_names_notes_and_addresses_is_rendered_inert(app, ivanov) -> None:
    token = csrf_of(ivanov)
    note = '<img src=x onerror=alert(1)><script>alert("note")</script>'
    entry = {"client_id": "C00001", "type": "call", "minutes": "3", "note": note,
             "csrf_token": token}
    assert ivanov.post("/log", data=entry, follow_redirects=False).status_code == 303
    for path in ("/clients/C00001", "/clients/C00002", "/log", "/clients?q=%3Cscript%3E",
                 "/clients/%3Cscript%3Ealert(1)%3C%2Fscript%3E", "/heavy"):
        html = ivanov.get(path).text
        assert "<script>alert" not in html and "<img src=x" not in html, path
    headers = ivanov.get("/clients/C00001").headers
    assert "script-src 'self'" in headers["content-security-policy"]
    assert "unsafe-inline" not in headers["content-security-policy"].split("script-src")[1].split(
        ";")[0]
