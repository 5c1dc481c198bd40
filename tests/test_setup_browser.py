"""The Setup page and the time survey in a real browser, in Russian: Debian's Chromium driven by
Playwright against a live server over a generated, computed company. Preview, an error inside the
form, save, roll back; a survey answer refused and corrected, the medians applied."""

from __future__ import annotations

import threading
import time

import pytest
from test_web_browser import (
    CHROMIUM,
    CHROMIUM_ARGS,
    DOCS_IMAGES,
    PASSWORD,
    free_port,
    playwright_api,
    signed_in,
)

from clientload.settings import parse_settings

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed"),
]


@pytest.fixture(scope="module")
def images(tmp_path_factory):
    import os

    if os.environ.get("CLIENTLOAD_SCREENSHOTS") == "1":
        DOCS_IMAGES.mkdir(parents=True, exist_ok=True)
        return DOCS_IMAGES
    return tmp_path_factory.mktemp("screenshots")


@pytest.fixture(scope="module")
def company(tmp_path_factory):
    from clientload.generate.into import generate_workspace
    from clientload.run import run_model
    from clientload.web.auth import add_user

    root = tmp_path_factory.mktemp("setup-browser") / "ws"
    ws = generate_workspace(root, clients=60, lines=3000, seed=7, months=13).workspace
    run_model(root)
    add_user(ws, "admin", PASSWORD, "admin")
    add_user(ws, "operator", PASSWORD, "manager", "Анна Белова")
    return ws


@pytest.fixture(scope="module")
def server(company):
    import uvicorn

    from clientload.web import create_app

    port = free_port()
    instance = uvicorn.Server(uvicorn.Config(create_app(company.root, secret_key="setup"),
                                             host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=instance.run, daemon=True)
    thread.start()
    deadline = time.time() + 20
    while not instance.started and time.time() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    instance.should_exit = True
    thread.join(10)


@pytest.fixture(scope="module")
def browser():
    with playwright_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def test_setup_preview_error_save_and_roll_back_in_russian(browser, server, company, images):
    original = company.settings_path.read_text("utf-8")
    page = signed_in(browser, server, "admin", lang="ru")
    page.click("nav a[href='/setup']")
    assert page.inner_text("h1") == "Настройка"
    form = "#setup-form"
    page.fill(f"{form} input[name=dept-0-people]", "8")
    page.fill(f"{form} input[name=dept-0-cost_per_month]", "2 400 000")
    page.fill(f"{form} input[name=dept-0-practical_share]", "80 %")
    page.click("#setup-preview-button")
    preview = page.inner_text("#setup-preview").replace("\xa0", " ")
    # 8 people × 40 h × 52 weeks × 80 % × 60 = 798,720 minutes for 28,800,000 a year
    assert "36,06 ₽" in preview and "по сотрудникам" in preview
    assert "изменение стоимости обслуживания" in preview.lower()  # (labels are upper case)
    assert "Больше не оцениваются" not in preview  # storage and financing are not load
    page.screenshot(path=str(images / "setup-preview-ru.png"), full_page=True)

    page.fill(f"{form} input[name=dept-0-people]", "восемь")
    page.click("#setup-save")
    error = page.locator(f"{form} input[name=dept-0-people] + .field-error")
    assert error.inner_text() == "Не число: восемь"
    assert company.settings_path.read_text("utf-8") == original
    page.fill(f"{form} input[name=dept-0-people]", "8")
    page.click("#setup-save")
    page.wait_for_selector(".notice.ok")
    assert "Сохранено как изменение 1" in page.inner_text(".notice.ok")
    assert parse_settings(company.settings_path.read_text("utf-8")).departments[
        "sales"].people == 8

    page.click("text=Сохранённые изменения")
    page.click("#change-1 summary")
    assert "+people = 8" in page.inner_text("#change-1 pre.diff")
    page.screenshot(path=str(images / "setup-changes-ru.png"), full_page=True)
    page.click("#change-1 button.rollback")
    page.wait_for_selector(".notice.ok")
    assert "Откат выполнен" in page.inner_text(".notice.ok")
    assert company.settings_path.read_text("utf-8") == original
    page.context.close()


def test_the_time_survey_in_russian_and_its_medians_applied(browser, server, company, images):
    page = signed_in(browser, server, "operator", lang="ru")
    page.goto(f"{server}/survey")
    page.select_option("select[name=department]", "customer_service")
    page.click("text=Показать")
    form = "#survey-form"
    page.fill(f"{form} input[name=typical-inquiry]", "12")
    page.fill(f"{form} input[name=fast-inquiry]", "20")
    page.click("#survey-save")
    error = page.locator(f"{form} input[name=fast-inquiry] + .field-error")
    assert error.inner_text() == "Быстрый случай не может занимать больше обычного"
    assert page.input_value(f"{form} input[name=typical-inquiry]") == "12"  # kept as typed
    page.fill(f"{form} input[name=fast-inquiry]", "8")
    page.fill(f"{form} input[name=slow-inquiry]", "25,5")
    page.click("#survey-save")
    page.wait_for_selector(".notice.ok")
    page.screenshot(path=str(images / "survey-ru.png"), full_page=True)
    page.context.close()

    page = signed_in(browser, server, "admin", lang="ru")
    page.goto(f"{server}/survey/results")
    row = page.locator("#survey-results tr[data-activity=inquiry]")
    assert row.locator("td.median").inner_text() == "12,0"
    page.click("#survey-apply")
    page.wait_for_selector(".notice.ok")
    assert "Медианы применены как изменение" in page.inner_text(".notice.ok")
    page.screenshot(path=str(images / "survey-results-ru.png"), full_page=True)
    assert parse_settings(company.settings_path.read_text("utf-8")).activities[
        "inquiry"].minutes == 12
    page.context.close()
