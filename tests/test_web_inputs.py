"""Wrong or unusual input on the web pages: a page with the reason, never a 500 or raw JSON; a
blank number is "not given", not 0; a sign-in detour keeps the whole address."""

from __future__ import annotations

import html
import re

import duckdb
import pytest
from fastapi.testclient import TestClient
from test_web_support import csrf_of, make_workspace, sign_in

from clientload.web import create_app


@pytest.fixture(scope="module")
def ws(tmp_path_factory):
    return make_workspace(tmp_path_factory.mktemp("inputs") / "ws")


@pytest.fixture(scope="module")
def analyst(ws):
    client = TestClient(create_app(str(ws.root), secret_key="k"), raise_server_exceptions=False)
    assert sign_in(client, "analyst").status_code == 303
    return client


@pytest.mark.parametrize(
    "url",
    [
        "/calculators?margin=150%25", "/calculators?margin=0", "/calculators?margin=-20%25",
        "/calculators?margin=nan", "/calculators?margin=inf", "/calculators?volume_change=-100%25",
        "/clients/C00001?discount=-5%25", "/clients/C00001?discount=nan",
        "/clients/C00001?discount=inf", "/clients/C00001?discount=95%25",
    ],
)
def test_parity_inputs_with_no_answer_give_the_page_with_the_reason(analyst, url) -> None:
    page = analyst.get(url)
    assert page.status_code == 200, page.text[:300]
    assert "text/html" in page.headers["content-type"]


@pytest.mark.parametrize(
    ("url", "status", "said"),
    [
        ("/clients?page=0", 422, "page"),
        ("/clients?page=abc", 422, "page"),
        ("/calculators?discount_days=abc", 422, "discount_days"),
        ("/no-such-page", 404, "Not Found"),
    ],
)
def test_wrong_addresses_and_parameters_give_the_error_page(analyst, url, status, said) -> None:
    page = analyst.get(url, headers={"Accept": "text/html,application/xhtml+xml"})  # a browser
    assert page.status_code == status
    assert "text/html" in page.headers["content-type"] and "<html" in page.text
    assert said in page.text
    # a script; and curl's */* for a wrong parameter, as FastAPI itself answered before
    for accept in ("application/json", "*/*") if status == 422 else ("application/json",):
        as_json = analyst.get(url, headers={"Accept": accept})
        assert as_json.status_code == status and "detail" in as_json.json()


def _entry(client: TestClient, **fields: str) -> dict[str, str]:
    return {"client_id": "C00001", "type": "call", "department": "sales", "date": "2024-03-02",
            "note": "", "csrf_token": csrf_of(client), **fields}


def test_blank_minutes_mean_the_standard_time_and_bad_ones_are_refused(ws, analyst) -> None:
    analyst.get("/lang/en?next=/log")  # the messages below in English
    saved = analyst.post("/log", data=_entry(analyst, minutes="", note="blank minutes"),
                         follow_redirects=False)
    assert saved.status_code == 303
    with duckdb.connect(str(ws.store_path)) as con:
        stored = con.execute(
            "SELECT minutes FROM interactions WHERE note = 'blank minutes'").fetchall()
    assert stored == [(None,)]  # the activity's standard minutes apply, not 0
    for fields, said in (
        ({"minutes": "abc"}, "minutes 'abc' is not a number"),
        ({"minutes": "nan"}, "minutes must be between 0 and 1440"),
        ({"minutes": "2000"}, "minutes must be between 0 and 1440"),
        ({"minutes": "5", "date": "2999-01-01"}, "is not between 1900-01-01 and tomorrow"),
    ):
        refused = analyst.post("/log", data=_entry(analyst, **fields), follow_redirects=False)
        text = html.unescape(refused.text)
        assert refused.status_code == 422 and said in text, (fields, refused.text[:200])


def test_signing_in_comes_back_to_the_whole_address(ws) -> None:
    client = TestClient(create_app(str(ws.root), secret_key="k"))
    detour = client.get("/clients?q=Альфа&sort=revenue", follow_redirects=False)
    assert detour.status_code == 303
    location = detour.headers["location"]
    assert location.startswith("/login?next=/clients%3Fq%3D")
    assert "&" not in location.split("next=", 1)[1]  # the query is one encoded parameter
    assert re.search(r"sort%3Drevenue", location)


def test_replacing_an_account_ends_its_open_sessions(ws, monkeypatch) -> None:
    """Found by the audit: an analyst replaced by a manager (new password, narrower role) kept
    an analyst's session, seeing every client, until the server restarted."""
    from clientload.web import auth
    from clientload.web.auth import add_user

    monkeypatch.setattr(auth, "ACCOUNT_CHECK_SECONDS", 0.0)
    add_user(ws, "temp", "first password", "analyst")
    client = TestClient(create_app(str(ws.root), secret_key="k"))
    assert sign_in(client, "temp", "first password").status_code == 303
    assert client.get("/clients", follow_redirects=False).status_code == 200
    add_user(ws, "temp", "second password", "manager", "Petrov")  # e.g. `clientload user add`
    gone = client.get("/clients", follow_redirects=False)
    assert gone.status_code == 303 and gone.headers["location"].startswith("/login")
    assert client.get("/clients", follow_redirects=False).status_code == 303  # ended for good
    assert sign_in(client, "temp", "second password").status_code == 303
    assert client.get("/clients", follow_redirects=False).status_code == 200


def test_favicon_rounded_csv_and_the_managers_company_wide_capacity(ws, analyst) -> None:
    assert analyst.get("/static/favicon.svg").status_code == 200
    assert 'rel="icon" href="/static/favicon.svg"' in analyst.get("/dashboard").text
    heavy = analyst.get("/heavy.csv").content.decode("utf-8")
    assert not re.search(r"\d\.\d{3,}", heavy)  # amounts to the cent, no binary noise
    manager = TestClient(create_app(str(ws.root), secret_key="k"))
    assert sign_in(manager, "ivanov").status_code == 303
    manager.get("/lang/en?next=/dashboard")
    assert "Unused capacity (whole company)" in manager.get("/dashboard").text
    assert "(whole company)" not in analyst.get("/dashboard").text


def test_departments_activities_and_types_are_words_in_the_chosen_language(ws, analyst) -> None:
    from clientload.model.labels import term_label

    assert term_label("picking", "ru") == "Комплектация"
    assert term_label("picking", "en", own="Pick & pack") == "Pick & pack"  # the settings' label
    assert term_label("our_own_step", "ru") == "our_own_step"
    analyst.get("/lang/ru?next=/log")
    log = analyst.get("/log").text
    assert '<option value="call"' in log and ">Звонок</option>" in log
    assert '<option value="customer_service"' in log and ">Обслуживание клиентов<" in log
    card = analyst.get("/clients/C00001").text
    assert "<td>Продажи</td>" in card  # the department of a cost row
    assert "<th>Ступень</th>" in card and "<th>level</th>" not in card  # the career ladder
    clients = analyst.get("/clients").text
    assert ">Стоимость обслуживания</option>" in clients  # the sort choices
    deviations = analyst.get("/clients/C00002").text  # a price-driven client with a deviation
    assert "<th>Правило</th>" in deviations and "<td>price_driven</td>" not in deviations
    analyst.get("/lang/en?next=/log")


def test_errors_on_russian_pages_are_in_russian_and_json_stays_english(analyst) -> None:
    analyst.get("/lang/ru?next=/log")
    refused = analyst.post("/log", data=_entry(analyst, minutes="abc"), follow_redirects=False)
    assert refused.status_code == 422
    assert "минуты 'abc' — не число" in html.unescape(refused.text)
    missing = analyst.get("/clients/NOPE")
    assert missing.status_code == 404
    assert "клиента NOPE нет в результатах расчёта" in missing.text
    as_json = analyst.get("/clients/NOPE.json")
    assert as_json.json()["detail"] == "client NOPE is not in the results"
    analyst.get("/lang/en?next=/log")
    assert "client NOPE is not in the results" in analyst.get("/clients/NOPE").text


def test_a_session_stands_while_the_store_is_busy_then_waits_and_never_runs_unchecked(
    ws, monkeypatch
) -> None:
    from clientload.web import auth

    client = TestClient(create_app(str(ws.root), secret_key="k"))
    assert sign_in(client, "analyst").status_code == 303
    monkeypatch.setattr(auth, "ACCOUNT_CHECK_SECONDS", 0.0)

    def busy(*args, **kwargs):
        raise RuntimeError("the store is held by another process")

    monkeypatch.setattr(auth, "account_stamp", busy)
    import clientload.web.render as render

    monkeypatch.setattr(render, "account_stamp", busy)
    assert client.get("/clients", follow_redirects=False).status_code == 200  # within the grace
    monkeypatch.setattr(auth, "ACCOUNT_GRACE_SECONDS", 0.0)
    waited = client.get("/clients", follow_redirects=False)
    assert waited.status_code == 503 and waited.headers["Retry-After"] == "5"
