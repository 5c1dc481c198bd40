"""The command line's language: `CLIENTLOAD_LANG`, else the POSIX locale, else English.

Read from the environment on each call (a few dictionary look-ups), so it costs nothing at
start-up and nothing is imported for it: `clientload.i18n` reads the Russian catalogues, and Babel
formats numbers, only when a Russian text is actually written. English output is written as it
always was (`f"{n:,}"`), without Babel, so scripts that read it see the same text.

A command's own `--lang` (parity, export, report, letters, demo) decides for that command.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from typing import Any

VARIABLE = "CLIENTLOAD_LANG"
# gettext's order: the first of these that is set names the locale (LANGUAGE may list several)
LOCALE_VARIABLES = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")


def cli_language(environ: Mapping[str, str] | None = None) -> str:
    """`ru` or `en`. `CLIENTLOAD_LANG=ru|en` wins; otherwise the locale as gettext finds it: a
    value starting with `ru` is Russian, anything else (C.UTF-8, en_US, de_DE) English."""
    env = os.environ if environ is None else environ
    chosen = env.get(VARIABLE, "").strip().lower()
    if chosen:
        if chosen not in ("ru", "en"):
            from clientload.errors import ClientloadError
            from clientload.messages import Message

            raise ClientloadError(Message("{variable} is {value!r}; expected ru or en",
                                          variable=VARIABLE, value=env[VARIABLE]))
        return chosen
    for name in LOCALE_VARIABLES:
        value = env.get(name, "")
        if not value:
            continue
        for entry in value.split(":"):
            if entry.lower().startswith("ru"):
                return "ru"
            if entry.lower().startswith("en") or entry in ("C", "POSIX") or entry.startswith("C."):
                return "en"
        return "en"
    return "en"


def language_or(lang: str | None) -> str:
    """A command's `--lang` if given (checked), else the command line's language."""
    if lang is None:
        return cli_language()
    from clientload.i18n import check_language

    return check_language(lang)


def texts(lang: str) -> Callable[[str], str]:
    """`_` for `lang`: the catalogues' Russian (an entry of context "cli" first, so a short word
    reads as the command line means it), or the English message itself (nothing read)."""
    if lang == "en":
        return _same
    from clientload.i18n import context_translator

    return context_translator(lang, "cli")


def _same(message: str) -> str:
    return message


def count(value: float, lang: str, digits: int = 0, grouped: bool = True) -> str:
    """A number: `1,234,567.8` in English (as `f"{v:,.1f}"`; `grouped=False` as `f"{v:.1f}"`,
    where the command printed it so), `1 234 567,8` in Russian."""
    if lang == "en":
        return f"{value:{',' if grouped else ''}.{digits}f}"
    from clientload.i18n import format_number

    return format_number(value, lang, digits)


def said(message: Any, lang: str) -> str:
    """A message or an error carrying one in `lang` (the English text itself in English)."""
    if lang == "en":
        return str(message)
    from clientload.i18n import say

    return say(message, lang)


def tell(message: Any) -> None:
    """One line on standard output in the command line's language."""
    import typer

    typer.echo(said(message, cli_language()))


def day(value: Any, lang: str) -> str:
    """A date: as given in English (`2025-01-31`), `31.01.2025` in Russian (as the web pages)."""
    if lang == "en" or value is None:
        return str(value)
    import datetime as dt

    from babel.dates import format_date

    try:
        date = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return str(value)
    return format_date(date, "dd.MM.yyyy", locale="ru_RU")
