"""Client letters on a generated small company: every group gets a letter with its own policy and
the model's steps to the next level, in Russian and English; names are escaped; the PDF prints.

The generated company (60 clients, run through the model) takes about 10 s: those tests are slow."""

from __future__ import annotations

import ast
import datetime as dt
import re
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from clientload.cli.app import app
from clientload.errors import ClientloadError
from clientload.generate.into import generate_workspace
from clientload.i18n import _catalogue
from clientload.letters import build_letter, chromium, letters_for, pdf_bytes, render_html
from clientload.letters.content import next_steps, policy_lines
from clientload.model.labels import client_facing_label, segment_label
from clientload.run import run_model

LETTERS_SRC = Path(__file__).parents[1] / "src" / "clientload" / "letters"
TODAY = dt.date(2026, 11, 27)


@pytest.fixture(scope="module")
def company(tmp_path_factory):
    generated = generate_workspace(tmp_path_factory.mktemp("letters") / "ws", 60, 4000, seed=3)
    run_model(generated.workspace.root)
    return generated.workspace


def _metrics(ws) -> list[dict]:
    return pq.read_table(ws.out_dir / "client_metrics.parquet").to_pylist()


@pytest.mark.slow
def test_every_group_gets_letters_with_its_policy_and_next_steps(company):
    policies = company.settings().section("policy")
    groups = {r["segment"] for r in _metrics(company)}
    assert {"core", "growing", "price_driven"} <= groups
    for group in groups:
        letters = letters_for(company, lang="en", group=group, today=TODAY)
        assert len(letters) == sum(r["segment"] == group for r in _metrics(company))
        for letter in letters:
            html = render_html([letter])
            assert letter.group == client_facing_label(group, "en") and letter.group in html
            # the client never reads our analyst's name for its group
            assert segment_label(group, "en") not in html
            expected = policy_lines(policies.get(group, {}), None, "en", "RUB")
            assert set(expected) - set(letter.policy) <= {
                line for line in expected if line.startswith("Payment:")}
            if letter.next_level:
                assert letter.steps, letter.client_id
                assert f"Your next level: {letter.next_level}" in html
                for step in letter.steps:
                    assert step.replace("'", "&#39;") in html


@pytest.mark.slow
def test_a_price_driven_letter_names_the_portal_prepayment_and_paid_delivery(company):
    letter = letters_for(company, lang="en", group="price_driven", today=TODAY)[0]
    text = " ".join(letter.policy)
    assert "web portal" in text and "prepayment" in text and "Delivery is charged" in text
    assert "Minimum order: 30,000 RUB." in letter.policy


@pytest.mark.slow
def test_the_letter_carries_the_clients_own_figures(company):
    row = max(_metrics(company), key=lambda r: r["orders"])
    letter = letters_for(company, lang="ru", client_id=row["client_id"], today=TODAY)[0]
    figures = {f.label: f.value for f in letter.figures}
    assert figures["Заказов в месяц"] == f"{row['orders_per_month']:.1f}".replace(".", ",")
    assert figures["Стоимость обслуживания"].endswith("₽")
    assert letter.subject == "Ваш уровень обслуживания и как перейти на следующий"
    assert letter.date == "27.11.2026" and letter.greeting == "Уважаемые партнёры!"


def test_steps_come_from_the_career_gaps():
    career = {"level": "start", "next_level": "partner", "monthly_revenue": 40_000.0,
              "revenue_gap_per_month": 110_000.0, "categories_bought": 1, "categories_gap": 2,
              "orders_per_month": 20.0, "orders_per_month_to_cut": 8.0,
              "changes_per_order": 1.5, "changes_per_order_to_cut": 0.5}
    partner = {"code": "partner", "min_monthly_revenue": 150_000, "min_categories": 3,
               "max_orders_per_month": 12, "max_changes_per_order": 1.0}
    steps = next_steps(career, partner, "en", "RUB")
    assert steps == [
        "Buy for 150,000 RUB a month (today 40,000 RUB, 110,000 RUB more).",
        "Buy from 3 categories of our range (today 1).",
        "Combine purchases into at most 12 orders a month (today 20.0).",
        "Send orders complete: at most 1.0 changes per order (today 1.50).",
    ]
    assert next_steps(career | {"next_level": None}, None, "en", "RUB") == []


def test_the_top_level_thanks_instead_of_listing_steps():
    key = {"code": "key", "perks": "Dedicated manager"}
    letter = build_letter(metrics={"client_id": "K1", "name": "Key Ltd", "segment": "core"},
                          costs=[], deviations=[], career={"level": "key", "next_level": None},
                          policy={}, levels=[key], months=12, lang="en", today=TODAY)
    html = render_html([letter])
    assert not letter.steps and "You are at our highest level" in html
    # the ladder shows every level with what it gives, and where the client stands
    assert [(s.code, s.place, s.perks) for s in letter.ladder] == [
        ("key", "current", "Dedicated manager")
    ]
    assert "Dedicated manager" in html and "you are here" in html


def test_client_names_are_escaped():
    letter = build_letter(metrics={"client_id": "X<1>", "name": '<script>alert("x")</script>',
                                   "manager": "<b>Ivanov</b>", "segment": "core"},
                          costs=[], deviations=[], career=None, policy={}, levels=[],
                          months=12, lang="ru", today=TODAY)
    html = render_html([letter])
    assert "<script>" not in html and "<b>Ivanov" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html


@pytest.mark.slow
@pytest.mark.skipif(chromium() is None, reason="PDF needs chromium")
def test_the_longest_letter_prints_to_one_pdf_page(company):
    longest = max(letters_for(company, lang="ru", group="price_driven", today=TODAY),
                  key=lambda letter: len(render_html([letter])))
    pdf = pdf_bytes(render_html([longest]))
    assert pdf.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page\b", pdf)) == 1


@pytest.mark.slow
def test_the_command_writes_one_file_per_client(company, tmp_path):
    result = CliRunner().invoke(app, ["letters", str(company.root), "--group", "growing",
                                      "--out", str(tmp_path), "--lang", "en", "--no-pdf"])
    assert result.exit_code == 0, result.output
    written = sorted(tmp_path.glob("letter-*.html"))
    assert len(written) == sum(r["segment"] == "growing" for r in _metrics(company))
    assert "Your service level" in written[0].read_text("utf-8")


@pytest.mark.slow
def test_the_command_needs_a_client_or_a_group_and_knows_them(company, tmp_path):
    runner = CliRunner()
    for args in ([], ["--client", "NOPE"], ["--group", "vip"]):
        result = runner.invoke(app, ["letters", str(company.root), "--out", str(tmp_path), *args])
        assert isinstance(result.exception, ClientloadError), args
    with pytest.raises(ClientloadError, match="groups are"):
        letters_for(company, lang="en", group="vip")


def _letter_messages() -> set[str]:
    """Every string given to `_()` in the letters' code, joined as Python joins it."""
    found: set[str] = set()
    for path in LETTERS_SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id == "_" and node.args
                    and isinstance(node.args[0], ast.Constant)):
                found.add(node.args[0].value)
    return found


def test_every_letter_message_has_a_russian_translation():
    ru = _catalogue("ru")
    messages = _letter_messages()
    assert len(messages) > 50
    assert sorted(m for m in messages if m not in ru) == []
