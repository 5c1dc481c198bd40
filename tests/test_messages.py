"""Messages are data: every template the code can produce has its Russian, the English stays
what the command line printed, and a page fills the Russian with the same values."""

from __future__ import annotations

import ast
import pickle
import string
from pathlib import Path

from clientload.errors import ClientloadError
from clientload.i18n import _catalogue, say
from clientload.ingest.reasons import TEMPLATES as REASON_TEMPLATES
from clientload.messages import Message

SRC = Path(__file__).parents[1] / "src" / "clientload"


def code_templates() -> dict[str, str]:
    """Every literal first argument of `Message(...)` in the package, with where it is; a call
    whose template is not a literal fails (it could not be collected, nor translated)."""
    found: dict[str, str] = {}
    computed = []
    for path in sorted(SRC.rglob("*.py")):
        tree = ast.parse(path.read_text("utf-8"))
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id == "Message" and node.args):
                continue
            first = node.args[0]
            where = f"{path.relative_to(SRC)}:{node.lineno}"
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                found.setdefault(first.value, where)
            elif path.name not in ("messages.py", "reasons.py"):  # reasons: a registry
                computed.append(where)
    assert not computed, f"Message(...) with a template that is not a literal: {computed}"
    return found


def all_templates() -> dict[str, str]:
    return {**code_templates(), **{t: "ingest/reasons.py" for t in REASON_TEMPLATES}}


def fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


def test_every_template_has_its_russian():
    ru = _catalogue("ru")
    missing = {t: where for t, where in all_templates().items() if not ru.get(t)}
    assert not missing, "add to locale/ru/LC_MESSAGES/messages.po:\n" + "\n".join(
        f"{where}: {t!r}" for t, where in sorted(missing.items(), key=lambda kv: kv[1]))


def test_the_russian_uses_only_the_values_the_english_has():
    ru = _catalogue("ru")
    wrong = {t: ru[t] for t in all_templates() if t in ru and not fields(ru[t]) <= fields(t)}
    assert not wrong, wrong


def test_the_catalogue_holds_no_template_the_code_no_longer_makes():
    from babel.messages.pofile import read_po

    path = SRC / "i18n" / "locale" / "ru" / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        listed = {m.id for m in read_po(handle) if m.id}
    stale = sorted(listed - set(all_templates()))
    assert not stale, f"remove from messages.po: {stale}"


def test_the_english_is_the_f_string_it_replaces():
    path = Path("/data/sales.csv")
    message = Message("{path}: no sheet {wanted!r}; sheets: {sheets}", path=path,
                      wanted="Orders", sheets="Sheet1, Sheet2")
    assert message == "/data/sales.csv: no sheet 'Orders'; sheets: Sheet1, Sheet2"
    assert isinstance(message, str)
    rows = Message("{rows:,} repeated rows of the same {keys} collapsed", rows=1234,
                   keys=Message("{n:plural:client|clients}", n=1))
    assert rows == "1,234 repeated rows of the same 1 client collapsed"
    assert Message("{n:plural:client|clients}", n=793) == "793 clients"


def test_russian_fills_the_same_values_with_russian_numbers_and_plurals():
    keys = Message("{n:plural:client|clients}", n=793)
    note = Message("{collapsed:,} repeated rows of the same {keys} collapsed "
                   "(identical to the later line of the same key)", collapsed=1234, keys=keys)
    assert say(note, "ru") == ("Свёрнуто повторов строк: 1\xa0234 (793 клиента; каждый повтор "
                               "совпадает с более поздней строкой того же ключа)")
    assert say(note, "en") == str(note)
    assert say(Message("{n:plural:client|clients}", n=5), "ru") == "5 клиентов"
    assert say(Message("{n:plural:client|clients}", n=21), "ru") == "21 клиент"


def test_errors_carry_their_message_and_plain_text_stays_as_it_is():
    error = ClientloadError(Message("{path}: the file is empty", path="a.csv"))
    assert str(error) == "a.csv: the file is empty"
    assert say(error, "ru") == "a.csv: файл пуст"
    assert say(ClientloadError("some text"), "ru") == "some text"
    assert say("plain", "ru") == "plain"


def test_a_message_survives_pickling_and_json():
    message = Message("{where}: unknown encoding {value!r}", where=Message(
        "mapping {mapping} [lookup.{name}]", mapping=Path("m.toml"), name="orders"), value="x")
    assert pickle.loads(pickle.dumps(message)).values == message.values
    again = Message.from_data(message.as_data())
    assert again == message and say(again, "ru") == say(message, "ru")
