"""Russian and English for the web pages, on the project's one i18n system.

Messages are the gettext catalogues of `clientload.i18n` (English ids; the web pages' Russian lives
in `locale/ru/LC_MESSAGES/web.po`). Numbers and money use `clientload.i18n`'s formats, so a page,
the report and the workbook write `1 234 567,89 ₽` the same way. This module adds only what pages
need on top: the language from a cookie, missing values (None or NaN) as `—`, dates, group names.
"""

from __future__ import annotations

import datetime as dt
import math
import re

from clientload import i18n as common
from clientload.i18n import LANGUAGES, translator
from clientload.model.labels import segment_label as _segment_label

DEFAULT_LANGUAGE = "ru"

__all__ = [
    "DEFAULT_LANGUAGE",
    "LANGUAGES",
    "format_date",
    "format_money",
    "format_number",
    "format_percent",
    "pick_language",
    "segment_label",
    "translator",
]


def pick_language(value: str | None) -> str:
    return value if value in LANGUAGES else DEFAULT_LANGUAGE


def _number(value: object) -> float | None:
    """A figure as a float, or None when it is missing (None, NaN, not a number)."""
    if value is None:
        return None
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def segment_label(code: str | None, lang: str) -> str:
    return _segment_label(code, pick_language(lang)) if code else "—"


def format_number(value: float | None, lang: str, digits: int = 0) -> str:
    """Grouped thousands and the language's decimal mark; `—` for a missing value."""
    return common.format_number(_number(value), pick_language(lang), digits)


def format_money(value: float | None, lang: str, currency: str = "RUB", digits: int = 0) -> str:
    """`1 234 567,89 ₽` in Russian, `1,234,567.89 RUB` in English (as `clientload.i18n`)."""
    return common.format_money(_number(value), pick_language(lang), currency, digits)


def format_percent(fraction: float | None, lang: str, digits: int = 1) -> str:
    """A fraction shown as a percentage: 0.163 → `16,3%` (ru) or `16.3%` (en)."""
    return common.format_percent(_number(fraction), pick_language(lang), digits)


def format_date(value: dt.date | str | None, lang: str) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, str):
        try:
            parsed = dt.date.fromisoformat(value[:10])
        except ValueError:
            return value
        value = parsed
    return value.strftime("%d.%m.%Y") if pick_language(lang) == "ru" else value.strftime("%Y-%m-%d")


def format_datetime(value: dt.datetime | str | None, lang: str) -> str:
    """A moment to the minute, as people write it: `4 декабря 2026 г., 14:36`, `Dec 4, 2026,
    2:36 PM` (Babel's medium form; seconds and their fractions left out)."""
    from babel.dates import format_datetime as babel_datetime

    if value is None or value == "":
        return "—"
    if isinstance(value, str):
        try:
            moment = dt.datetime.fromisoformat(value)
        except ValueError:
            return value
        value = moment
    if not isinstance(value, dt.datetime):
        return format_date(value, lang)
    lang = pick_language(lang)
    pattern = "d MMMM y 'г.', HH:mm" if lang == "ru" else "MMM d, y, h:mm a"
    return babel_datetime(value, pattern, locale="ru_RU" if lang == "ru" else "en_US")


def format_duration(seconds: float | None, lang: str) -> str:
    """A duration in seconds as `4,7 с` / `4.7 s`; from a minute on `2 мин 05 с` / `2 min 05 s`."""
    number = _number(seconds)
    if number is None:
        return "—"
    lang = pick_language(lang)
    unit_s, unit_m = ("с", "мин") if lang == "ru" else ("s", "min")
    if number < 60:
        return f"{common.format_number(number, lang, 1)} {unit_s}"
    minutes, rest = divmod(round(number), 60)
    return f"{minutes} {unit_m} {rest:02d} {unit_s}"


_NUMBER = re.compile(r"(?<![\w.,-])-?\d{4,}(?!\d|[.,-]\d)")


def reason_text(text: str | None, lang: str) -> str:
    """A group's reason (written by the model's queries, with plain numbers) for people: whole
    numbers of four digits and more grouped in the language's way, a minus as a minus sign
    ("вклад −15 279", not "вклад -15279"); dates and decimals are left as they are."""
    if not text:
        return ""

    def grouped(match: re.Match[str]) -> str:
        value = int(match.group(0))
        formatted = common.format_number(abs(value), pick_language(lang))
        return ("−" if value < 0 else "") + formatted

    return _NUMBER.sub(grouped, text)
