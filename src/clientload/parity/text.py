"""Explanations in both languages and the number formats a salesperson reads.

Every result carries an `Explanation` with the same sentence in English and Russian; the edges
(command line, web, workbook) pick the language. Kept as plain strings for now; a gettext catalogue
may replace them later without touching the economics.
"""

from __future__ import annotations

from dataclasses import dataclass

LANGUAGES = ("en", "ru")


@dataclass(frozen=True)
class Explanation:
    """One explanation, written out in each language."""

    en: str
    ru: str

    def text(self, lang: str = "en") -> str:
        return self.ru if lang == "ru" else self.en


def pct(fraction: float, lang: str = "en", digits: int = 1) -> str:
    """0.5 → '50.0%' (en) or '50,0 %' (ru)."""
    body = f"{fraction * 100:.{digits}f}"
    return f"{body.replace('.', ',')}\u00a0%" if lang == "ru" else f"{body}%"


def signed_pct(fraction: float, lang: str = "en", digits: int = 1) -> str:
    """0.5 → '+50.0%'; -0.1 → '-10.0%' (a minus sign in Russian)."""
    text = pct(abs(fraction), lang, digits)
    if fraction > 0:
        return "+" + text
    if fraction < 0:
        return ("−" if lang == "ru" else "-") + text
    return text


def money(amount: float, lang: str = "en", digits: int = 0) -> str:
    """1234567.8 → '1,234,568' (en) or '1 234 568' (ru)."""
    text = f"{amount:,.{digits}f}"
    if lang == "ru":
        text = text.replace(",", "\u00a0").replace(".", ",")
    return text


def number(value: float, lang: str = "en", digits: int = 1) -> str:
    """A count or a rate with a fixed number of decimals, decimal comma in Russian."""
    return money(value, lang, digits)
