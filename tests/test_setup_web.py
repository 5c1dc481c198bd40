"""The Setup page and the time survey in the web app (in-process client): the preview's figures
written out, errors inside the form, a saved change kept with its diff and rolled back, the
survey's medians applied as one kept change, and who may do what."""

from __future__ import annotations

import re
import warnings

import pytest

warnings.filterwarnings("ignore", message=".*httpx.*", category=DeprecationWarning)
from fastapi.testclient import TestClient  # noqa: E402
from test_web_support import csrf_of, make_workspace, sign_in, write_table  # noqa: E402

from clientload.settings import parse_settings  # noqa: E402
from clientload.web import create_app  # noqa: E402

# the template's departments: sales 28,800,000 / 1,134,000 minutes; customer service
# 12,000,000 / 756,000
SALES_RATE = 28_800_000 / 1_134_000
SERVICE_RATE = 12_000_000 / 756_000


@pytest.fixture()
def workspace(tmp_path):
    ws = make_workspace(tmp_path / "ws")
    write_table(ws.out_dir / "client_costs.parquet", [
        {"client_id": "C00001", "department": "sales", "activity": "call", "events": 100,
         "minutes": 1000.0, "cost": 1000 * SALES_RATE},
        {"client_id": "C00002", "department": "customer_service", "activity": "order_entry",
         "events": 50, "minutes": 600.0, "cost": 600 * SERVICE_RATE},
    ])
    return ws


@pytest.fixture()
def admin(workspace):
    client = TestClient(create_app(workspace.root, secret_key="k"))
    assert sign_in(client, "admin").status_code == 303
    client.get("/lang/en")
    return client


def _form(client, **changes: str) -> dict[str, str]:
    """The Setup form as the page fills it, with some fields changed."""
    page = client.get("/setup.json").json()
    data = {"csrf_token": csrf_of(client, "/setup"), "action": "preview",
            "currency": page["currency"]}
    for row in page["departments"]:
        for key in ("code", "label", "people", "cost_per_month", "hours_per_week",
                    "practical_share"):
            data[f"dept-{row['index']}-{key}"] = row[key]
    for a in page["activities"]:
        data[f"act-{a['name']}-department"] = a["department"]
        data[f"act-{a['name']}-minutes"] = a["minutes"]
    data.update(changes)
    return data


def _text(html: str, element_id: str) -> str:
    found = re.search(rf'id="{element_id}">([^<]*)<', html)
    assert found, element_id
    return found.group(1).replace("\xa0", " ")


def test_the_preview_shows_the_new_cost_per_minute_and_the_change_in_cost_to_serve(admin,
                                                                                 workspace):
    before = workspace.settings_path.read_text("utf-8")
    page = admin.post("/setup", data=_form(admin, **{
        "dept-0-people": "12", "dept-0-cost_per_month": "3,000,000",
        "dept-0-hours_per_week": "40", "dept-0-practical_share": "80%"}))
    assert page.status_code == 200
    # 12 people × 40 h × 52 × 80 % × 60 = 1,198,080 minutes for 36,000,000: 30.05 a minute
    assert "25.40 RUB" in page.text and "30.05 RUB" in page.text
    # the last run's 1,000 sales minutes at 30.048 instead of 25.397 (+4,651); the 600
    # customer-service minutes stay at 15.873 (9,524)
    assert _text(page.text, "load-before") == "34,921 RUB"
    assert _text(page.text, "load-after") == "39,572 RUB"
    assert _text(page.text, "cost-change") == "4,651 RUB"
    assert "Total cost to serve 160,000 RUB → 164,651 RUB" in page.text
    assert workspace.settings_path.read_text("utf-8") == before  # a preview saves nothing


def test_errors_are_shown_inside_the_form_and_nothing_is_saved(admin, workspace):
    before = workspace.settings_path.read_text("utf-8")
    page = admin.post("/setup", data=_form(admin, **{
        "dept-0-people": "twelve", "dept-0-cost_per_month": "", "currency": "рубли",
        "act-call-minutes": "-3", "action": "save"}))
    assert page.status_code == 422
    errors = re.findall(r'<span class="field-error" role="alert">([^<]*)</span>', page.text)
    assert errors == ["A currency is three Latin letters (RUB, USD, EUR): рубли",
                      "Not a number: twelve", "Give the department&#39;s monthly cost",
                      "Expected a number not below zero"]
    assert 'name="dept-0-people" value="twelve"' in page.text  # what was typed stays
    assert workspace.settings_path.read_text("utf-8") == before
    admin.get("/lang/ru")
    page = admin.post("/setup", data=_form(admin, **{"dept-0-people": "x",
                                                     "dept-0-cost_per_month": "1"}))
    assert "Не число: x" in page.text


def test_a_saved_change_is_kept_with_its_diff_and_can_be_rolled_back(admin, workspace):
    original = workspace.settings_path.read_text("utf-8")
    saved = admin.post("/setup", data=_form(admin, **{
        "dept-0-people": "12", "dept-0-cost_per_month": "3000000", "action": "save",
        "act-call-minutes": "5"}), follow_redirects=False)
    assert saved.status_code == 303 and saved.headers["location"] == "/setup?saved=1"
    settings = parse_settings(workspace.settings_path.read_text("utf-8"))
    assert settings.departments["sales"].sized_from == "staff"
    assert settings.activities["call"].minutes == 5
    (change,) = admin.get("/setup/changes.json").json()["changes"]
    assert (change["change_id"], change["username"], change["source"]) == (1, "admin", "setup")
    assert change["summary"] == "departments: sales; activities: call"
    assert "-cost = 28800000" in change["diff"] and "+people = 12" in change["diff"]
    assert "+minutes = 5" in change["diff"]
    back = admin.post("/setup/changes/1/rollback", data={"csrf_token": csrf_of(admin, "/setup")},
                      follow_redirects=False)
    assert back.status_code == 303
    assert workspace.settings_path.read_text("utf-8") == original
    latest = admin.get("/setup/changes.json").json()["changes"][0]
    assert (latest["change_id"], latest["source"]) == (2, "rollback")
    assert latest["summary"] == "back to before change 1"
    assert latest["message"] == "back to before change {number}"
    assert latest["values"] == {"number": 1}
    assert admin.post("/setup/changes/9/rollback",
                      data={"csrf_token": csrf_of(admin, "/setup")}).status_code == 404


def test_setup_needs_an_admin_and_the_forms_token(workspace, admin):
    assert admin.post("/setup", data={"action": "save"}).status_code == 403
    manager = TestClient(create_app(workspace.root, secret_key="k"))
    sign_in(manager, "ivanov")
    assert manager.get("/setup").status_code == 403
    assert manager.get("/survey").status_code == 200


def test_the_survey_medians_are_applied_in_one_kept_change(workspace, admin):
    answers = {"ivanov": ("10", "6", "20"), "petrov": ("14", "", ""), "analyst": ("30", "", "")}
    for username, (typical, fast, slow) in answers.items():
        client = TestClient(create_app(workspace.root, secret_key="k"))
        sign_in(client, username)
        token = csrf_of(client, "/survey")
        done = client.post("/survey", data={
            "csrf_token": token, "department": "customer_service",
            "typical-inquiry": typical, "fast-inquiry": fast, "slow-inquiry": slow},
            follow_redirects=False)
        assert done.status_code == 303, done.text
    wrong = client.post("/survey", data={"csrf_token": token, "department": "customer_service",
                                         "typical-complaint": "30", "fast-complaint": "45"})
    assert wrong.status_code == 422
    assert "Быстрый случай не может занимать больше обычного" in wrong.text  # Russian first
    own = client.get("/survey.json?department=customer_service").json()
    assert [(a["activity"], a["typical"]) for a in own["activities"]
            if a["typical"]] == [("inquiry", "30")]

    results = admin.get("/survey/results.json").json()
    inquiry = next(a for a in results["activities"] if a["activity"] == "inquiry")
    assert (inquiry["count"], inquiry["median"], inquiry["current_minutes"]) == (3, 14.0, 15.0)
    assert (inquiry["q1"], inquiry["q3"]) == (12.0, 22.0)  # inclusive quartiles of 10, 14, 30
    assert (inquiry["fast_median"], inquiry["slow_median"]) == (6.0, 20.0)
    applied = admin.post("/survey/apply", data={"csrf_token": csrf_of(admin, "/setup")},
                         follow_redirects=False)
    assert applied.headers["location"] == "/survey/results?applied=1"
    assert parse_settings(workspace.settings_path.read_text("utf-8")).activities[
        "inquiry"].minutes == 14
    (change,) = admin.get("/setup/changes.json").json()["changes"]
    assert change["source"] == "survey" and change["summary"] == "time survey medians: inquiry"
