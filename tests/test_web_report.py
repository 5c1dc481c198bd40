"""The HTML report in the web app: shown in a sandboxed frame, downloadable, in the page's
language, for analysts and admins only."""

from __future__ import annotations

import warnings

import pytest

warnings.filterwarnings("ignore", message=".*httpx.*", category=DeprecationWarning)
from fastapi.testclient import TestClient  # noqa: E402
from test_web_support import PASSWORD, sign_in  # noqa: E402

from clientload.web import create_app  # noqa: E402


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    from clientload.generate.into import generate_workspace
    from clientload.run import run_model
    from clientload.web.auth import add_user

    root = tmp_path_factory.mktemp("report") / "ws"
    generated = generate_workspace(root, clients=60, lines=3000, seed=2)
    run_model(root)
    add_user(generated.workspace, "analyst", PASSWORD, "analyst")
    add_user(generated.workspace, "ivanov", PASSWORD, "manager", "Ivanov")
    return create_app(root, secret_key="k")


@pytest.mark.slow
def test_the_report_page_shows_and_downloads_the_report_in_the_pages_language(app):
    client = TestClient(app)
    assert sign_in(client, "analyst").status_code == 303
    client.get("/lang/ru")
    page = client.get("/report")
    assert page.status_code == 200 and 'id="report-frame"' in page.text
    assert 'sandbox="allow-scripts"' in page.text
    shown = client.get("/report/file")
    assert shown.status_code == 200 and "Отчёт о клиентской нагрузке" in shown.text
    assert "sandbox" in shown.headers["content-security-policy"]
    assert shown.headers["x-frame-options"] == "SAMEORIGIN"
    saved = client.get("/report/file?download=1")
    assert "attachment" in saved.headers["content-disposition"]
    assert "clientload-report-ru.html" in saved.headers["content-disposition"]
    client.get("/lang/en")
    assert "Client load report" in client.get("/report/file").text


def test_a_manager_gets_the_refusal_with_the_menu(app):
    client = TestClient(app)
    assert sign_in(client, "ivanov").status_code == 303
    client.get("/lang/ru")
    refused = client.get("/report")
    assert refused.status_code == 403
    assert '<nav>' in refused.text and 'href="/dashboard"' in refused.text  # the menu is there


@pytest.mark.slow
def test_task_2_answers_from_plan_attainment_and_by_manager_from_the_plans(app):
    client = TestClient(app)
    assert sign_in(client, "analyst").status_code == 303
    client.get("/lang/ru")
    # 80 % of a plan in quantity at a 30 % margin: (1 − 0,8) × 0,3 = 6 %
    quantity = client.get("/calculators.json?margin=30&attainment=80&plan_unit=quantity").json()
    assert quantity["plan"]["max_discount"] == pytest.approx(0.06)
    # in revenue at the discounted price: 0,2 × 0,3 / (1 − 0,8 × 0,3) = 7,9 %
    revenue = client.get("/calculators.json?margin=30&attainment=80&plan_unit=revenue").json()
    assert revenue["plan"]["max_discount"] == pytest.approx(0.06 / 0.76)
    page = client.get("/calculators?margin=30&attainment=80&plan_unit=quantity").text
    assert 'id="plan-answer"' in page and "6,00%" in page
    assert 'id="managers"' in page  # the generated company has plans for its managers
    managers = client.get("/calculators.json").json()["managers"]
    assert managers and all("max_discount" in m for m in managers)
