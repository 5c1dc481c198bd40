"""Every English message the code and templates show has a Russian translation."""

import re
from pathlib import Path

from clientload.i18n import _catalogue, format_money, translator

SRC = Path(__file__).parents[1] / "src" / "clientload"
MESSAGE = re.compile(r"""\b_\(\s*"((?:[^"\\]|\\.)+)"\s*\)""")


def _messages() -> set[str]:
    found: set[str] = set()
    for path in list(SRC.rglob("*.py")) + list(SRC.rglob("*.j2")):
        found |= set(MESSAGE.findall(path.read_text("utf-8")))
    return found


def test_every_message_has_a_russian_translation():
    ru = _catalogue("ru")
    # the command line's own words may sit under the context "cli" (cli.po)
    missing = sorted(m for m in _messages() if m not in ru and f"cli\x04{m}" not in ru)
    assert not missing, f"add to locale/ru/LC_MESSAGES/clientload.po or cli.po: {missing}"


def test_the_command_lines_computed_labels_have_their_russian():
    """Labels the command line passes to `_` as values, not literals: the interaction import's
    summary rows (every skip reason) and the columns of `clientload history`."""
    from clientload.cli.lang import texts
    from clientload.sources.importer import SKIP_LABELS

    labels = ["read", "matched", "unmatched", "interactions added"]
    labels += [f"skipped: {label}" for label in SKIP_LABELS.values()]
    labels += ["run", "period", "group", "clients", "load, h", "contribution", "deviations",
               "from", "to"]  # history's columns
    labels += [f"documents {key}" for key in ("new", "changed", "removed", "unchanged",
                                              "excluded")]  # pull's summary
    labels += ["generate", "import", "generate + import", "model", "workbook", "report",
               "results"]  # demo's and generate's stages and files
    labels += ["activity", "term", "current", "estimate", "interval", "method", "applied",
               "evidence", "durations", "timesheets", "department", "employee-days", "days",
               "employees", "other client minutes a day"]  # calibrate's columns and methods
    _ = texts("ru")
    assert [label for label in labels if _(label) == label] == []
    assert _("skipped: auto-reply") == "пропущено: автоответы"


def test_the_command_line_prefers_its_own_words():
    """"none" is "никто" on the setup pages; in the run's summary (no department over capacity)
    it is "нет"."""
    from clientload.cli.lang import texts

    assert translator("ru")("none") == "никто"
    assert texts("ru")("none") == "нет"
    assert texts("en")("none") == "none"


def test_english_falls_back_to_the_message_itself():
    assert translator("en")("Cost to serve") == "Cost to serve"
    assert translator("ru")("Cost to serve") == "Стоимость обслуживания"


def test_money_is_formatted_per_language():
    assert format_money(1234567.891, "ru", "RUB", digits=2) == "1\xa0234\xa0567,89 ₽"
    assert format_money(1234567.891, "en", "RUB", digits=2) == "1,234,567.89 RUB"
