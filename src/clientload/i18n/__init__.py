"""Russian and English: gettext catalogues read with Babel, and number/money/date formats.

Message ids are English; the `.po` files in `locale/ru/LC_MESSAGES/` hold the Russian. The
catalogues are read at run time with Babel (no compile step, so a translator edits one text
file). A message with no translation falls back to its English id, so a missing entry shows
English, never a blank.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from importlib import resources
from typing import Any

LANGUAGES = ("ru", "en")
_LOCALES = {"ru": "ru_RU", "en": "en_US"}


def check_language(lang: str) -> str:
    from clientload.errors import ClientloadError

    if lang not in LANGUAGES:
        available = ", ".join(LANGUAGES)
        raise ClientloadError(f"language {lang!r} is not available; use one of {available}")
    return lang


@cache
def _catalogue(lang: str) -> dict[str, str]:
    """All the language's `.po` files merged: one per part of the product (report, workbook,
    web, letters), so that parts can be translated without touching each other's files."""
    if lang == "en":
        return {}
    from babel.messages.pofile import read_po

    folder = resources.files("clientload.i18n").joinpath(f"locale/{lang}/LC_MESSAGES")
    table: dict[str, str] = {}
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".po"):
            continue
        with entry.open("rb") as fh:
            catalog = read_po(fh, locale=_LOCALES[lang])
        # an entry with a context (`msgctxt "cli"`) is kept under "cli\x04id", as gettext does,
        # so one part can say a short word ("value", "none") differently from another
        table.update({
            (f"{m.context}\x04{m.id}" if m.context else m.id): m.string
            for m in catalog
            if m.id and m.string and isinstance(m.id, str) and isinstance(m.string, str)
        })
        # plural entries (msgid_plural, msgstr[0..2]) under their singular id
        _PLURALS.setdefault(lang, {}).update({
            m.id[0]: list(m.string) for m in catalog
            if isinstance(m.id, tuple) and m.string and all(m.string)
        })
    return table


_PLURALS: dict[str, dict[str, list[str]]] = {}
# CLDR's plural forms in the order of the Russian catalogue's msgstr[0], [1], [2]; a fraction
# ("1,5 минуты") takes the form of 2–4
_FORM_INDEX = {"one": 0, "few": 1, "many": 2, "other": 1}


def ngettext(singular: str, plural_text: str, count: float, lang: str) -> str:
    """The message for `count` in the language's plural form, from the catalogue's plural
    entries (`msgid_plural`, three `msgstr[n]` for Russian): "{n} минута", "{n} минуты",
    "{n} минут". `{n}` in the text is left for the caller to fill."""
    if lang == "en":
        return singular if abs(count) == 1 else plural_text
    _catalogue(lang)
    forms = _PLURALS.get(lang, {}).get(singular)
    if not forms:
        return singular if abs(count) == 1 else plural_text
    from babel import Locale

    form = Locale.parse(_LOCALES[lang]).plural_form(abs(count))
    return forms[min(_FORM_INDEX.get(form, 2), len(forms) - 1)]


def translator(lang: str) -> Callable[[str], str]:
    """`_ = translator("ru"); _("Cost to serve")` → "Стоимость обслуживания"."""
    table = _catalogue(check_language(lang))

    def gettext(message: str) -> str:
        return table.get(message, message)

    return gettext


def context_translator(lang: str, context: str) -> Callable[[str], str]:
    """`translator` that prefers the entries of one context (`msgctxt`), then the plain ones."""
    table = _catalogue(check_language(lang))

    def gettext(message: str) -> str:
        return table.get(f"{context}\x04{message}") or table.get(message, message)

    return gettext


def _missing(value: float | None) -> bool:
    """None, or NaN (what an empty cell of a pandas column is): shown as a dash, never "NaN"."""
    return value is None or value != value


def format_number(value: float | None, lang: str, digits: int = 0) -> str:
    from babel.numbers import format_decimal

    if value is None or _missing(value):
        return "—"
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(value, format=pattern, locale=_LOCALES[lang])


def format_money(value: float | None, lang: str, currency: str = "RUB", digits: int = 0) -> str:
    """`1 234 568 ₽` in Russian, `1,234,568 RUB` in English."""
    from babel.numbers import format_currency

    if value is None or _missing(value):
        return "—"
    # Amount then currency in both languages: "1 234 568 ₽", "1,234,568 RUB".
    pattern = "#,##0" + ("." + "0" * digits if digits else "") + " ¤"
    return format_currency(
        value, currency, format=pattern, locale=_LOCALES[lang], currency_digits=False
    )


def format_percent(value: float | None, lang: str, digits: int = 1) -> str:
    from babel.numbers import format_percent as _fp

    if value is None or _missing(value):
        return "—"
    return _fp(value, format="#,##0." + "0" * digits + "%", locale=_LOCALES[lang])


def plural(count: float, lang: str, forms: dict[str, str]) -> str:
    """The word for `count` in the language's plural form (CLDR rules through Babel): for
    Russian `{"one": "минута", "few": "минуты", "many": "минут"}`, for English one/other."""
    from babel import Locale

    form = Locale.parse(_LOCALES[lang]).plural_form(abs(count))
    return forms.get(form) or forms.get("other") or forms.get("many") or next(iter(forms.values()))


def say(message: Any, lang: str) -> str:
    """A message (`clientload.messages.Message`), or an error carrying one, in `lang`: its
    template looked up in the catalogues and filled with its values (nested messages translated,
    numbers in the language's form). Plain text, and a template with no translation, stay as
    they are (English)."""
    from clientload.messages import Message, fill

    if isinstance(message, BaseException):
        message = getattr(message, "message", None) or str(message)
    if lang == "en" or not isinstance(message, Message):
        return str(message)
    template = _catalogue(check_language(lang)).get(message.template)
    if not template:
        return str(message)
    try:
        return fill(template, message.values, lang, _filler(lang))
    except (KeyError, IndexError, ValueError):  # a translation naming a value the code lacks
        return str(message)


@cache
def _filler(lang: str) -> Any:
    from clientload.messages import filler

    def nested(value: Any) -> str:
        return say(value, lang)

    def words(count: float, forms: list[str]) -> str:
        from clientload.messages import PLURAL_FORMS

        named = dict(zip(PLURAL_FORMS.get(lang, ("other",)), forms, strict=False))
        return plural(count, lang, named)

    return filler(lang, lambda value, spec: _number_in(value, spec, lang), nested, words)


_FIXED = re.compile(r",?\.(\d+)([f%])")


def _number_in(value: Any, spec: str, lang: str) -> str | None:
    """A number of a message in the language's form, or None to format it as English does.

    Whole numbers written plainly (`{line}`) stay plain, as line numbers and years should;
    grouped ones (`{rows:,}`) and fixed decimals take the language's separators."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    if spec == "":
        if isinstance(value, int):
            return None
        from babel.numbers import get_decimal_symbol

        return format(value, "").replace(".", get_decimal_symbol(_LOCALES[lang]))
    if spec == "g":  # a value as the user wrote it ("margin is 1.5" → "margin = 1,5")
        from babel.numbers import get_decimal_symbol

        return format(value, "g").replace(".", get_decimal_symbol(_LOCALES[lang]))
    if spec in (",", ",d"):
        if isinstance(value, int):
            return format_number(value, lang)
        from babel.numbers import format_decimal

        return format_decimal(value, locale=_LOCALES[lang])
    fixed = _FIXED.fullmatch(spec)
    if fixed:
        digits = int(fixed[1])
        if fixed[2] == "%":
            return format_percent(value, lang, digits)
        return format_number(value, lang, digits)
    return None
