"""The Import page's mapping screen in a real browser, in Russian: a two-sheet workbook whose
urgency is written as words and whose returned orders are listed on a second sheet is uploaded,
previewed, mapped (what the words mean, a lookup into the second sheet) and imported with the
progress page. Debian's Chromium driven by Playwright against a live server.
`CLIENTLOAD_SCREENSHOTS=1` saves the screenshots in docs/img/."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest
from ingest_support import stored, workbook
from test_web_browser import CHROMIUM, CHROMIUM_ARGS, DOCS_IMAGES, free_port
from test_web_support import PASSWORD, make_workspace

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed"),
]
playwright_api = pytest.importorskip("playwright.sync_api")

ORDERS = [
    ["Номер заказа", "Покупатель", "Дата заказа", "Срочность"],
    ["З-1", "К1", "2024-03-01", "Срочный"],
    ["З-2", "К1", "2024-03-02", "Обычный"],
    ["З-3", "К2", "2024-03-03", "Обычный"],
    ["З-3", "К2", "2024-03-03", "Обычный"],
    ["З-4", "К3", "2024-03-04", "Срочный"],
]
RETURNS = [["Заказ", "Возврат"], ["З-2", "да"], ["З-4", "да"]]


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    import uvicorn

    from clientload.web import create_app

    root = tmp_path_factory.mktemp("import-browser")
    ws = make_workspace(root / "ws")
    book = workbook(root / "Заказы.xlsx", {"Заказы": ORDERS, "Возвраты": RETURNS})
    port = free_port()
    instance = uvicorn.Server(uvicorn.Config(create_app(ws.root, secret_key="browser"),
                                             host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=instance.run, daemon=True)
    thread.start()
    deadline = time.time() + 20
    while not instance.started and time.time() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", ws, book
    instance.should_exit = True
    thread.join(10)


@pytest.fixture(scope="module")
def images(tmp_path_factory) -> Path:
    if os.environ.get("CLIENTLOAD_SCREENSHOTS") == "1":
        DOCS_IMAGES.mkdir(parents=True, exist_ok=True)
        return DOCS_IMAGES
    return tmp_path_factory.mktemp("screenshots")


def test_the_mapping_screen_in_russian_maps_words_and_a_lookup_then_imports(served, images):
    base, ws, book = served
    with playwright_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = chromium.new_context(viewport={"width": 1366, "height": 900},
                                    locale="ru").new_page()
        page.goto(f"{base}/lang/ru?next=/login")
        page.fill("input[name=username]", "admin")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url("**/dashboard")

        page.goto(f"{base}/import")
        assert "Загрузите файл и сопоставьте колонки" in page.inner_text("main")
        page.select_option("#upload-form select[name=table]", "orders")
        page.set_input_files("#upload-form input[name=upload]", str(book))
        page.click("#upload-form button[type=submit]")
        page.wait_for_url("**/import/map/**")
        assert "Как читается файл" in page.inner_text("main")
        urgent = page.locator("table[data-words=urgent]")
        assert "не понято: строка будет отклонена" in urgent.inner_text()
        assert page.inner_text("#will-reject") == "5"
        assert page.input_value("select[name='col.order_id']") == "Номер заказа"

        # what the words mean
        urgent.locator("tr", has_text="Срочный").locator("select").select_option("true")
        urgent.locator("tr", has_text="Обычный").locator("select").select_option("false")
        # the second sheet lists only the returned orders
        assert page.input_value("select[name='new.sheet']") == "Возвраты"
        page.select_option("select[name='new.key']", "Номер заказа")
        page.select_option("select[name='new.on']", "Заказ")
        page.check("input[name='new.columns'][value='Возврат']")
        page.uncheck("input[name='new.required']")
        page.click("#update-preview")
        page.wait_for_selector("[data-lookup]")
        assert page.input_value("select[name='col.returned']") == "Возврат"
        assert page.inner_text("#will-load") == "4"
        assert page.inner_text("#will-reject") == "0"
        assert "З-4" in page.inner_text("#sample")
        page.fill("input[name='const.returned']", "нет")
        page.screenshot(path=str(images / "import-mapping-ru.png"), full_page=True)

        page.click("#start-import")
        page.wait_for_url("**/import/job/**")
        page.wait_for_selector("#job[data-state=done]", timeout=60_000)
        assert page.inner_text("#rows-loaded") == "4"
        assert page.inner_text("#rows-collapsed") == "1"
        assert page.inner_text("#rows-rejected") == "0"
        assert "Сопоставление сохранено" in page.inner_text("#import-result")
        page.screenshot(path=str(images / "import-done-ru.png"), full_page=True)
        chromium.close()
    assert stored(ws, "SELECT order_id, urgent, returned FROM orders ORDER BY 1") == [
        ("З-1", True, False), ("З-2", False, True), ("З-3", False, False), ("З-4", True, True)
    ]
