"""The web app shows what the model now knows of a client's fit: the whole career ladder with the
client's place, the days its goods wait in our warehouse, each activity's time equation, and on the
log form whether an entry falls inside the last calculation's period."""

from __future__ import annotations

import json
import warnings

import pytest

warnings.filterwarnings("ignore", message=".*httpx.*", category=DeprecationWarning)
from fastapi.testclient import TestClient  # noqa: E402
from test_web_support import csrf_of, make_workspace, sign_in, write_table  # noqa: E402

from clientload.web import create_app  # noqa: E402


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    ws = make_workspace(tmp_path_factory.mktemp("webfit") / "ws")
    sensitivity = {"clients_whose_group_depends": 1, "minutes_spread": 0.2, "cost_spread": 0.1}
    (ws.out_dir / "run_info.json").write_text(json.dumps(
        {"period_start": "2025-01-01", "period_end": "2025-12-31", "warnings": [],
         "headlines": {"sensitivity": sensitivity}}), "utf-8")
    metrics = ws.out_dir / "client_metrics.parquet"
    import pyarrow.parquet as pq

    rows = pq.read_table(metrics).to_pylist()
    for row in rows:
        row["waiting_days"] = 27 if row["client_id"] == "C00001" else 0
        row["waiting_orders"] = 1 if row["client_id"] == "C00001" else 0
        row["segment_stable"] = row["client_id"] != "C00001"
    write_table(metrics, rows)
    return create_app(ws.root, secret_key="test-secret")


def _in_russian(app) -> TestClient:
    client = TestClient(app)
    assert sign_in(client, "ivanov").status_code == 303
    client.get("/lang/ru")
    return client


def test_the_card_shows_the_whole_ladder_with_the_clients_place(app):
    client = _in_russian(app)
    card = client.get("/clients/C00001").text
    ladder = card[card.index('id="ladder"'):card.index("</table>", card.index('id="ladder"'))]
    assert "1. Старт" in ladder and "2. Партнёр" in ladder and "3. Ключевой партнёр" in ladder
    assert "клиент здесь" in ladder and "следующий шаг" in ladder
    assert "Выделенный менеджер" in ladder  # the perks in Russian, from the settings
    assert "от 150\u00a0000 ₽ в месяц" in ladder
    data = client.get("/clients/C00001.json").json()
    assert [s["place"] for s in data["ladder"]] == ["", "current", "next"]


def test_the_card_shows_days_waiting_in_our_warehouse_and_the_time_equations(app):
    client = _in_russian(app)
    card = client.get("/clients/C00001").text
    assert "Дней ожидания на нашем складе" in card
    data = client.get("/clients/C00001.json").json()
    assert data["equations"]["order_entry"] == "6 мин + 0,5 за строку + 10, если заказ срочный"
    other = client.get("/clients/C00002").text
    assert "Дней ожидания на нашем складе" not in other


def test_the_log_form_says_whether_an_entry_is_in_the_last_calculations_period(app):
    client = _in_russian(app)
    entry = {"client_id": "C00001", "type": "call", "department": "sales", "minutes": "5",
             "date": "2025-06-01", "note": "", "csrf_token": csrf_of(client)}
    inside = client.post("/log", data=entry)
    assert "Цифры изменятся при следующем пересчёте" in inside.text
    assert "вне периода" not in inside.text
    late = client.post("/log", data={**entry, "date": "2026-01-10"})
    assert "Дата записи, 10.01.2026, вне периода последнего расчёта" in late.text
    assert "01.01.2025 – 31.12.2025" in late.text


def test_the_card_and_the_dashboard_say_when_a_group_depends_on_the_assumptions(app):
    client = _in_russian(app)
    card = client.get("/clients/C00001").text
    assert 'id="segment-unstable"' in card and "ошибке норм минут на 20\u00a0%" not in card
    assert "ошибке норм минут на 20%" in card or "ошибке норм минут на 20,0%" in card
    assert 'id="segment-unstable"' not in client.get("/clients/C00002").text
    dashboard = client.get("/dashboard").text
    assert "Клиентов, чья группа зависит от допущений: 1." in dashboard
