"""Russian and English: gettext catalogues read with Babel, and number/money/date formats.

Message ids are English; the `.po` files in `locale/ru/LC_MESSAGES/` hold the Russian. The
catalogues are read at run time with Babel (no compile step, so a translator edits one text
file). A message with no translation falls back to its English id, so a missing entry shows
English, never a blank.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from importlib import resources

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
        table.update(
            {m.id: m.string for m in catalog if m.id and m.string and isinstance(m.id, str)}
        )
    return table


def translator(lang: str) -> Callable[[str], str]:
    """`_ = translator("ru"); _("Cost to serve")` → "Стоимость обслуживания"."""
    table = _catalogue(check_language(lang))

    def gettext(message: str) -> str:
        return table.get(message, message)

    return gettext


def _missing(value: float | None) -> bool:
    """None, or NaN (what an empty cell of a pandas column is): shown as a dash, never "NaN"."""
    return value is None or value != value


def format_number(value: float | None, lang: str, digits: int = 0) -> str:
    from babel.numbers import format_decimal

    if _missing(value):
        return "—"
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(value, format=pattern, locale=_LOCALES[lang])


def format_money(value: float | None, lang: str, currency: str = "RUB", digits: int = 0) -> str:
    """`1 234 568 ₽` in Russian, `1,234,568 RUB` in English."""
    from babel.numbers import format_currency

    if _missing(value):
        return "—"
    # Amount then currency in both languages: "1 234 568 ₽", "1,234,568 RUB".
    pattern = "#,##0" + ("." + "0" * digits if digits else "") + " ¤"
    return format_currency(
        value, currency, format=pattern, locale=_LOCALES[lang], currency_digits=False
    )


def format_percent(value: float | None, lang: str, digits: int = 1) -> str:
    from babel.numbers import format_percent as _fp

    if _missing(value):
        return "—"
    return _fp(value, format="#,##0." + "0" * digits + "%", locale=_LOCALES[lang])


def plural(count: float, lang: str, forms: dict[str, str]) -> str:
    """The word for `count` in the language's plural form (CLDR rules through Babel): for
    Russian `{"one": "минута", "few": "минуты", "many": "минут"}`, for English one/other."""
    from babel import Locale

    form = Locale.parse(_LOCALES[lang]).plural_form(abs(count))
    return forms.get(form) or forms.get("other") or forms.get("many") or next(iter(forms.values()))
