"""The web app in a real browser: Debian's Chromium driven by Playwright against a live server over
a generated company. Sign in, dashboard, client card, calculator, logging an interaction,
recalculating and seeing the client's load change; a manager kept out of another's client.
Screenshots go to a temporary folder, or to docs/img/ (for the README) with
CLIENTLOAD_SCREENSHOTS=1."""

from __future__ import annotations

import json

import pytest
from browser_support import CHROMIUM, PASSWORD, browser_company, serving

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed"),
]


@pytest.fixture(scope="module")
def company(tmp_path_factory):
    """A generated distributor, computed once, with an admin and two managers."""
    return browser_company(tmp_path_factory.mktemp("browser") / "ws")


@pytest.fixture(scope="module")
def server(company):
    from clientload.web import create_app

    with serving(create_app(company["ws"].root, secret_key="browser")) as url:
        yield url


def signed_in(browser, server, username, lang="en"):
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale=lang)
    page = context.new_page()
    page.goto(f"{server}/lang/{lang}?next=/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/dashboard")
    return page


def json_of(page, url) -> dict:
    return json.loads(page.request.get(url).text())


def test_sign_in_and_the_dashboard_draws_its_charts(browser, server, images):
    page = signed_in(browser, server, "admin")
    page.wait_for_selector(".chart[data-chart=whale] .main-svg")
    assert page.locator(".chart .main-svg").count() >= 3
    assert "contribution" in page.inner_text(".figures").lower()
    page.screenshot(path=str(images / "dashboard.png"), full_page=True)
    page.goto(f"{server}/lang/ru?next=/dashboard")
    assert "маржинальный доход" in page.inner_text(".figures").lower()  # the glossary's term
    assert "₽" in page.inner_text(".figures")
    page.wait_for_selector(".chart[data-chart=whale] .main-svg")
    page.screenshot(path=str(images / "dashboard-ru.png"), full_page=True)
    page.context.close()


def test_client_card_and_the_calculators(browser, server, company, images):
    page = signed_in(browser, server, "manager")
    page.goto(f"{server}/clients")
    page.click(f"a[href='/clients/{company['own_client']}']")
    page.wait_for_selector(".chart[data-chart=waterfall] .main-svg")
    page.fill("#client-discount", "5")
    page.click(".parity button[type=submit]")
    page.wait_for_selector("#parity-answer")
    # one volume to quote, from the client's own figures
    assert page.inner_text("#parity-answer").startswith("Buy ")
    assert page.inner_text("#parity-volume").startswith("+")
    page.screenshot(path=str(images / "client.png"), full_page=True)
    page.click("#client-letter")
    page.wait_for_selector("article.letter")
    letter = page.inner_text("article.letter").lower()
    assert "your next level" in letter or "our highest level" in letter
    page.screenshot(path=str(images / "letter-page.png"), full_page=True)
    page.goto(f"{server}/calculators")
    page.fill("input[name=margin]", "30")  # in percent: the box has a % beside it
    page.fill("input[name=discount]", "5")
    page.click("section.card button[type=submit]")
    page.wait_for_selector("#task1-answer")
    assert page.inner_text("#task1-answer") == "+20.0%"  # 0.05 / (0.30 - 0.05)
    page.screenshot(path=str(images / "calculators.png"), full_page=True)
    page.context.close()


def test_a_manager_cannot_open_another_managers_client(browser, server, company):
    page = signed_in(browser, server, "manager")
    response = page.goto(f"{server}/clients/{company['foreign_client']}")
    assert response.status == 403
    assert "another manager" in page.inner_text("main")
    assert page.request.get(f"{server}/clients/{company['foreign_client']}.json").status == 403
    page.context.close()


def test_logged_time_changes_the_clients_load_after_recalculation(browser, server, company,
                                                                  images):
    page = signed_in(browser, server, "admin")
    client_id = company["own_client"]
    before = json_of(page, f"{server}/clients/{client_id}.json")["client"]["load_minutes"]
    period_end = json.loads((company["ws"].out_dir / "run_info.json").read_text())["period_end"]
    page.goto(f"{server}/log?client_id={client_id}")
    page.select_option("#log-form select[name=type]", "meeting")
    page.select_option("#log-form select[name=department]", "sales")
    page.fill("#log-form input[name=minutes]", "600")
    page.fill("#log-form input[name=date]", period_end)
    page.fill("#log-form input[name=note]", "Annual price review")
    page.click("#log-form button[type=submit]")
    page.wait_for_selector(".notice.ok")
    page.screenshot(path=str(images / "log.png"), full_page=True)
    page.goto(f"{server}/recalculate")
    page.click("#recalculate")
    page.wait_for_selector("#job[data-state=done]", timeout=60_000)
    page.screenshot(path=str(images / "recalculate.png"))
    after = json_of(page, f"{server}/clients/{client_id}.json")["client"]["load_minutes"]
    assert after == pytest.approx(before + 600)
    page.context.close()
