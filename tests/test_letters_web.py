"""Client letters in the web app: the letter of a client and the letters of a group, as HTML, PDF
and JSON; a manager writes only to own clients; names stay escaped; the card links the letter."""

from __future__ import annotations

import warnings

import pytest

warnings.filterwarnings("ignore", message=".*httpx.*", category=DeprecationWarning)
from fastapi.testclient import TestClient  # noqa: E402
from test_web_support import EVIL_NAME, make_workspace, sign_in  # noqa: E402

from clientload.letters import chromium  # noqa: E402
from clientload.web import create_app  # noqa: E402


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    ws = make_workspace(tmp_path_factory.mktemp("letters-web") / "ws")
    return create_app(ws.root, secret_key="letters-secret")


def signed_in(app, username: str) -> TestClient:
    client = TestClient(app)
    assert sign_in(client, username).status_code == 303
    return client


@pytest.fixture(scope="module")
def analyst(app):
    return signed_in(app, "analyst")


@pytest.fixture(scope="module")
def ivanov(app):
    return signed_in(app, "ivanov")


def test_a_manager_opens_the_letter_of_an_own_client_only(ivanov):
    letter = ivanov.get("/clients/C00001/letter")
    assert letter.status_code == 200 and "ООО Альфа" in letter.text
    for path in ("/clients/C00003/letter", "/clients/C00003/letter.json",
                 "/clients/C00003/letter.pdf"):
        assert ivanov.get(path).status_code == 403, path
    assert ivanov.get("/clients/NOPE/letter").status_code == 404


def test_an_analyst_opens_any_clients_letter_in_either_language(analyst):
    english = analyst.get("/clients/C00003/letter", params={"lang": "en"}).text
    assert "Dear partners," in english and "Growing partner" in english
    assert "Growing clients" not in english
    assert "Minimum order: 15,000 RUB." in english
    russian = analyst.get("/clients/C00003/letter.json", params={"lang": "ru"}).json()
    assert russian["greeting"] == "Уважаемые партнёры!" and russian["client_id"] == "C00003"
    assert "Минимальный заказ: 15\u00a0000 ₽." in russian["policy"]


def test_client_names_in_letters_are_escaped(analyst):
    html = analyst.get("/clients/C00002/letter").text
    assert EVIL_NAME not in html and "<script>" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; ООО Ромашка" in html
    printed = analyst.get("/letters/print", params={"group": "price_driven"}).text
    assert "<script>" not in printed and "&lt;script&gt;" in printed


def test_the_client_card_and_its_letter_link_each_other(ivanov):
    assert 'href="/clients/C00001/letter"' in ivanov.get("/clients/C00001").text
    assert '<a href="/clients/C00001">' in ivanov.get("/clients/C00001/letter").text


def test_the_letters_page_lists_a_managers_own_clients_of_the_group(ivanov, analyst):
    own = ivanov.get("/letters.json", params={"group": "price_driven"}).json()
    assert [c["client_id"] for c in own["clients"]] == ["C00002"]
    assert {g["segment"] for g in own["groups"]} == {"core", "price_driven"}
    assert ivanov.get("/letters.json", params={"group": "growing"}).json()["clients"] == []
    everyone = analyst.get("/letters.json", params={"group": "growing"}).json()
    assert [c["client_id"] for c in everyone["clients"]] == ["C00003"]
    page = analyst.get("/letters", params={"group": "growing", "lang": "en"})
    assert page.status_code == 200 and "/clients/C00003/letter?lang=en" in page.text


def test_printing_a_group_gives_a_manager_only_own_letters(ivanov, analyst):
    assert ivanov.get("/letters/print", params={"group": "growing"}).status_code == 404
    printed = ivanov.get("/letters/print", params={"group": "core", "lang": "en"}).text
    assert printed.count('<article class="letter"') == 1 and "ООО Альфа" in printed
    assert analyst.get("/letters/print", params={"group": "vip"}).status_code == 404
    assert analyst.get("/letters/print").status_code == 422


@pytest.mark.skipif(chromium() is None, reason="PDF needs chromium")
def test_letters_print_to_pdf(ivanov):
    response = ivanov.get("/clients/C00001/letter.pdf")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
