"""Messages for people as data: an English template with `{placeholders}` and its values.

`Message("{path}: no sheet {wanted!r}", path=path, wanted="Orders")` is a `str` whose text is the
English the command line prints (the template filled exactly as the f-string it replaces), so code
that reads errors and notes as text keeps working. It also keeps its template and values, so
`clientload.i18n.say(message, "ru")` can look the template up in the catalogues and fill the
Russian with the same values: numbers with the language's separators, nested messages translated.

Templates use `str.format` fields with two additions:
- `{n:plural:row|rows}`: the number (grouped) and the word in the language's plural form; the
  forms are the language's CLDR categories in order (English one|other, Russian one|few|many);
- a value that is a list (of texts or messages) is written joined with "; ", or with the text
  after `join:` (`{counts:join:, }`).

Every template a piece of code can produce is a literal first argument of `Message(...)`, so a
test can collect them all and check that the Russian catalogue has each (tests/test_messages.py).
"""

from __future__ import annotations

import string
from collections.abc import Callable, Mapping, Sequence
from pathlib import PurePath
from typing import Any

# Plural categories of each language, in the order a template's forms are written.
PLURAL_FORMS = {"en": ("one", "other"), "ru": ("one", "few", "many")}


class Message(str):
    """A text for people: `str(m)` is the English; `m.template` and `m.values` make it again in
    another language (`clientload.i18n.say`)."""

    template: str
    values: dict[str, Any]

    def __new__(cls, template: str, /, **values: Any) -> Message:
        kept = {key: _kept(value) for key, value in values.items()}
        self = super().__new__(cls, fill(template, kept, "en"))
        self.template = template
        self.values = kept
        return self

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuilt, (self.template, self.values))

    def mapped(self, change: Callable[[str], str]) -> Message:
        """The same message with `change` applied to every text among its values (nested ones
        too), e.g. to leave a server's folder out of the paths a page shows."""
        return Message(self.template, **{k: _mapped(v, change) for k, v in self.values.items()})

    def as_data(self) -> dict[str, Any]:
        """Template and values as JSON can keep them (a page shown later, in either language)."""
        return {"template": self.template, "values": {k: _as_data(v) for k, v in
                                                      self.values.items()}}

    @classmethod
    def from_data(cls, data: Any) -> Any:
        """A message from `as_data()`; anything else (old plain text) is given back as it is."""
        if isinstance(data, dict) and set(data) == {"template", "values"}:
            values = {k: cls.from_data(v) for k, v in data["values"].items()}
            try:
                return cls(data["template"], **values)
            except (KeyError, IndexError, ValueError):
                return str(data["template"])
        if isinstance(data, list):
            return [cls.from_data(v) for v in data]
        return data


def _rebuilt(template: str, values: dict[str, Any]) -> Message:
    return Message(template, **values)


def _kept(value: Any) -> Any:
    """Values as the message keeps them: paths as text (their English is their text anyway)."""
    if isinstance(value, PurePath):
        return str(value)
    if isinstance(value, (list, tuple)):
        return [_kept(v) for v in value]
    return value


def _mapped(value: Any, change: Callable[[str], str]) -> Any:
    if isinstance(value, Message):
        return value.mapped(change)
    if isinstance(value, list):
        return [_mapped(v, change) for v in value]
    return change(value) if isinstance(value, str) else value


def _as_data(value: Any) -> Any:
    if isinstance(value, Message):
        return value.as_data()
    if isinstance(value, list):
        return [_as_data(v) for v in value]
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


def messages_data(items: Any) -> Any:
    """A list (or one) of messages and texts as JSON can keep them."""
    if isinstance(items, list):
        return [messages_data(m) for m in items]
    return items.as_data() if isinstance(items, Message) else items


class _Filler(string.Formatter):
    """`str.format` for one language: nested messages in that language, numbers in its form."""

    def __init__(self, lang: str, number: Callable[[Any, str], str | None],
                 nested: Callable[[Any], str], plural: Callable[[float, list[str]], str]):
        self.lang, self.number, self.nested, self.plural = lang, number, nested, plural

    def get_value(self, key: int | str, args: Any, kwargs: Mapping[str, Any]) -> Any:
        value = kwargs[key] if isinstance(key, str) else args[key]
        if isinstance(value, Message):
            return self.nested(value)
        return value

    def format_field(self, value: Any, format_spec: str) -> str:
        if isinstance(value, list):
            joint = format_spec.removeprefix("join:") if format_spec.startswith("join:") else "; "
            return joint.join(self.nested(v) for v in value)
        if format_spec.startswith("plural:"):
            forms = format_spec.removeprefix("plural:").split("|")
            shown = self.format_field(value, ",")
            return f"{shown} {self.plural(value, forms)}"
        if self.lang != "en":
            localised = self.number(value, format_spec)
            if localised is not None:
                return localised
        return format(value, format_spec)


def _english_plural(count: float, forms: list[str]) -> str:
    return forms[0] if count == 1 else forms[-1]


_ENGLISH = _Filler("en", lambda v, s: None, str, _english_plural)


def fill(template: str, values: Mapping[str, Any], lang: str = "en",
         filler: _Filler | None = None) -> str:
    """The template filled with the values; English unless a language's filler is given."""
    return (filler or _ENGLISH).vformat(template, (), values)


def filler(lang: str, number: Callable[[Any, str], str | None], nested: Callable[[Any], str],
           plural: Callable[[float, list[str]], str]) -> _Filler:
    """A filler for `lang` (made by `clientload.i18n`, which knows the language's formats)."""
    return _Filler(lang, number, nested, plural)


def joined(items: Sequence[str]) -> Message:
    """Several messages as one, joined with "; " (each in the reader's language on a page)."""
    return Message("{items}", items=list(items))
