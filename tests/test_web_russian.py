"""Every page in Russian, and at a laptop's and a phone's width, in a real browser.

A director signs in in Russian and walks every page and every form's error state: no English word
may show outside a short allow-list (names from the data, product names, units). Then every page is
shot at 1366×768 and 390×844: the page never scrolls sideways, and a table wider than its card
scrolls inside it instead of being cut off."""

from __future__ import annotations

import re

import pytest
from browser_support import CHROMIUM, PASSWORD, browser_company, serving

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed"),
]


@pytest.fixture(scope="module")
def company(tmp_path_factory):
    return browser_company(tmp_path_factory.mktemp("russian") / "ws")


@pytest.fixture(scope="module")
def server(company):
    from clientload.web import create_app

    with serving(create_app(company["ws"].root, secret_key="russian")) as url:
        yield url

# Words that are Latin in Russian too: product and format names, the app's name, units.
ALLOWED = {
    "clientload", "Excel", "DuckDB", "Spark", "CSV", "XLSX", "XLS", "PDF", "HTML", "JSON",
    "TOML", "OData", "EDI", "ERP", "RU", "EN", "CV", "ABC", "XYZ", "English", "http", "https",
    "Parquet", "ODS", "TSV", "TXT", "PNG", "UTF", "RUB", "USD", "EUR", "KZT", "BYN", "CNY",
}
# what the error states below type into the forms, shown back to the user
TYPED = {"abc", "NO", "SUCH", "CLIENT"}
PAGES = (
    "/dashboard", "/clients", "/clients/{client}", "/heavy", "/calculators", "/log", "/survey",
    "/survey/results", "/letters", "/import", "/import/1c", "/recalculate", "/history", "/report",
    "/setup", "/setup/changes", "/settings", "/users",
)
# Error states reachable by address: a form's values that cannot be read, a missing page.
ERRORS = (
    "/calculators?margin=abc&net_days=-3", "/clients/{client}?discount=abc", "/no-such-page",
    "/clients/NO-SUCH-CLIENT",
)


def _data_words(company) -> set[str]:
    """Words of names the data brings: clients, managers, regions, categories, users."""
    import pyarrow.parquet as pq

    out = company["ws"].out_dir
    words: set[str] = {"admin", "manager"}
    for table, columns in (("client_metrics", ("client_id", "name", "manager", "region")),
                           ("client_assortment", ("category",))):
        for row in pq.read_table(out / f"{table}.parquet", columns=list(columns)).to_pylist():
            for value in row.values():
                words |= set(re.findall(r"[A-Za-z]+", str(value or "")))
    return words


def _visible_words(page) -> set[str]:
    """Latin words a person can read on the page: its text (without the settings file being
    edited), chart texts and the charts' toolbar hints."""
    text = page.evaluate("""() => {
        const clone = document.body.cloneNode(true);
        clone.querySelectorAll('textarea, script, style, noscript').forEach(e => e.remove());
        const svg = [...document.querySelectorAll('svg text')].map(t => t.textContent);
        const hints = [...document.querySelectorAll('[data-title]')].map(e => e.dataset.title);
        const fields = [...document.querySelectorAll('[placeholder], [title], [aria-label]')]
          .map(e => [e.placeholder, e.title, e.getAttribute('aria-label')].join(' '));
        return [clone.innerText, ...svg, ...hints, ...fields].join('\\n');
    }""")
    text = re.sub(r"--[a-z][a-z-]*", " ", text)  # the command line's options, e.g. --replace
    text = re.sub(r"clientload [a-z]+", " ", text)  # a command, e.g. clientload report
    text = re.sub(r"\S+\.(toml|csv|xlsx|html|parquet|json)\b", " ", text)  # file names
    text = re.sub(r"https?://\S+", " ", text)
    text = re.sub(r"[A-Za-z][\w.]*_[\w.]*", " ", text)  # setting keys and codes: lapsed_days
    return set(re.findall(r"[A-Za-z][A-Za-z]{2,}", text))


def _signed_in_russian(browser, server, width=1366, height=900):
    context = browser.new_context(viewport={"width": width, "height": height}, locale="ru")
    page = context.new_page()
    page.goto(f"{server}/lang/ru?next=/login")
    page.fill("input[name=username]", "admin")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/dashboard")
    return page


def test_every_page_and_error_state_is_in_russian(browser, server, company):
    allowed = ALLOWED | TYPED | _data_words(company)
    page = _signed_in_russian(browser, server)
    english: dict[str, set[str]] = {}
    for path in (*PAGES, *ERRORS):
        page.goto(server + path.format(client=company["own_client"]))
        if page.locator(".chart[data-chart]").count():
            page.wait_for_selector(".chart .main-svg")
        found = _visible_words(page) - allowed
        if found:
            english[path] = found
    # forms sent with values they cannot take: the answer is the form again, in Russian
    page.goto(f"{server}/log?client_id={company['own_client']}")
    page.fill("#log-form input[name=date]", "2999-01-01")
    page.click("#log-form button[type=submit]")
    assert page.locator("#log-form .field-error").count() == 1  # beside its box, same form
    found = _visible_words(page) - allowed
    if found:
        english["/log (a date far ahead)"] = found
    page.goto(f"{server}/import")
    page.select_option("#upload-form select[name=table]", "orders")
    page.set_input_files("#upload-form input[name=upload]", files=[
        {"name": "virus.exe", "mimeType": "application/octet-stream", "buffer": b"MZ"}])
    page.click("#upload-form button[type=submit]")
    assert page.locator(".error").count() == 1  # said on the Import page itself
    assert page.input_value("#upload-form select[name=table]") == "orders"  # the choice kept
    found = _visible_words(page) - allowed - {"virus", "exe"}
    if found:
        english["/import (a .exe)"] = found
    page.goto(f"{server}/settings")
    assert page.locator("textarea[name=text]").count() == 1, page.inner_text("main")[:500]
    text = page.input_value("textarea[name=text]")
    page.fill("textarea[name=text]", text.replace("lapsed_days = 90", "lapsed_days = \"soon\""))
    page.locator("form:has(textarea) button[type=submit]").click()
    assert page.locator(".error li").count() >= 1  # the problem listed, nothing saved
    found = _visible_words(page) - allowed - {"soon", "analysis"}
    if found:
        english["/settings (a wrong value)"] = found
    page.context.close()
    assert english == {}, english


WIDTHS = ((1366, 768), (390, 844))


@pytest.mark.parametrize(("width", "height"), WIDTHS)
def test_every_page_fits_the_screen_and_tables_scroll_inside(browser, server, company, images,
                                                             width, height):
    page = _signed_in_russian(browser, server, width, height)
    problems: dict[str, object] = {}
    for path in PAGES:
        page.goto(server + path.format(client=company["own_client"]))
        if page.locator(".chart[data-chart]").count():
            page.wait_for_selector(".chart .main-svg")
        name = path.strip("/").replace("/", "-").replace("{client}", "client") or "home"
        page.screenshot(path=str(images / f"{width}-{name}.png"), full_page=True)
        found = page.evaluate("""() => {
            const out = [];
            const page = document.scrollingElement;
            if (page.scrollWidth > window.innerWidth + 1) out.push('page ' + page.scrollWidth);
            for (const table of document.querySelectorAll('table')) {
              let el = table, scrolls = false;
              while (el && el !== document.body) {
                const x = getComputedStyle(el).overflowX;
                if (x === 'auto' || x === 'scroll') { scrolls = true; break; }
                el = el.parentElement;
              }
              const card = table.closest('.card, main');
              const right = table.getBoundingClientRect().right;
              const edge = card ? card.getBoundingClientRect().right : window.innerWidth;
              if (!scrolls && right > edge + 1) out.push('table cut ' + (table.id || ''));
            }
            return out;
        }""")
        if found:
            problems[path] = found
    page.context.close()
    assert problems == {}
