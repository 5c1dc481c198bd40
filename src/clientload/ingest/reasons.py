"""Why a row is rejected: the reason templates, the SQL that writes them, and reading them back.

A reason is built in SQL for every bad row (`checks`, `lookups`, `repeats`, `readers`) and written
in English into `rejects/*.csv`, a file read by analysts whatever their language. The web's mapping
screen shows the same reasons in the reader's language: `reason_message` reads a reason back into
`Message`s with the templates that wrote it, so the two cannot drift apart (a test writes every
kind of reason and reads it back). A reason it cannot read (data that mimics the wording) stays as
it is, in English.
"""

from __future__ import annotations

import ast
import re
import string
from functools import cache

from clientload.ingest.parsing import BOOL_EXPECTED, DATE_LABELS, lit
from clientload.messages import Message, joined

# One problem of a row; a row's reason is its problems joined with "; ".
NOT_A = "{label}: {value} is not {expected}"
EMPTY = "{label}: required value empty"
EMPTY_AND_UNKNOWN = "{label}: required value empty and {fallback} unknown"
DERIVED_EMPTY = "{column} = {formula}: a value is empty or not a number"
NEGATIVE = "{label}: {number} is negative; expected 0 or more"
EXCLUDED = "excluded by {mapping} [exclude] {header}: {value}"
NOT_FOUND = "{key} {value} not found in {shown}"
TOO_MANY_FIELDS = "line has {found} fields, the header has {width}"
REPEATED = ("{key} {value} appears again on line {line} with other values: {differences}; the "
            "later line is kept")
DIFFERENCE = "{column} {here} here, {there} there"
SHEET = "{file} sheet {sheet!r}"
REASONS = (NOT_A, EMPTY, EMPTY_AND_UNKNOWN, DERIVED_EMPTY, NEGATIVE, EXCLUDED, NOT_FOUND,
           TOO_MANY_FIELDS, REPEATED)

# What a good value looks like (the `expected` of NOT_A).
A_NUMBER = Message("a number")
A_WHOLE_NUMBER = Message("a whole number")
A_DATE = Message("a date")
A_MONTH = Message("a month as YYYY-MM")
ONE_OF = "one of {codes}"
EXPECTED = ("a number", "a whole number", "a date", "a month as YYYY-MM",
            "a number like 1 234,56", "a number like 1234.56", "a date as {layout}",
            str(BOOL_EXPECTED), ONE_OF)
# Everything a reason can be made of, for the catalogue test.
TEMPLATES = (*REASONS, DIFFERENCE, SHEET, *EXPECTED, "empty")


def reason_sql(template: str, **parts: str) -> str:
    """SQL text of a reason: the template's words as literals, each field the SQL given for it."""
    pieces = []
    for literal, name, _, _ in string.Formatter().parse(template):
        if literal:
            pieces.append(lit(literal))
        if name is not None:
            pieces.append(parts[name])
    return " || ".join(pieces)


def one_of(codes: str) -> Message:
    return Message("one of {codes}", codes=codes)


# --- reading a reason back ---------------------------------------------------------------------

_QUOTED = r"'.*?'|…"  # a value in quotes, or masked (the preview's kinds of reason)
_FIELDS = {  # what each field of a template may hold, as a regular expression
    "value": _QUOTED,
    "here": rf"{_QUOTED}|empty",
    "there": rf"{_QUOTED}|empty",
    "number": r"\S+",
    "line": r"\d+|N",
    "found": r"\d+",
    "width": r"\d+",
}


@cache
def _pattern(template: str) -> re.Pattern[str]:
    parts = []
    for literal, name, _, _ in string.Formatter().parse(template):
        parts.append(re.escape(literal))
        if name is not None:
            if name == "expected":
                inner = "|".join(_pattern(e).pattern for e in EXPECTED)
                inner = re.sub(r"\(\?P<\w+>", "(?:", inner)
            elif name == "layout":
                inner = "|".join(re.escape(str(v)) for v in DATE_LABELS.values())
            else:
                inner = _FIELDS.get(name, r".+?")
            parts.append(f"(?P<{name}>{inner})")
    return re.compile("".join(parts), re.DOTALL)


def _read(text: str, templates: tuple[str, ...]) -> Message | None:
    """The text as a message of one of the templates, its fields read back as messages where
    they are ones; None when none fits."""
    for template in templates:
        match = _pattern(template).fullmatch(text)
        if match is None:
            continue
        values = {}
        for _, name, _, conversion in string.Formatter().parse(template):
            if name is None:
                continue
            values[name] = _value(name, match[name], conversion)
        if values.get("differences") is None and "differences" in values:
            continue
        message = Message(template, **values)
        if message == text:  # read back exactly, or not at all
            return message
    return None


class _Masked(str):
    """A value the preview masked ("…"), written as it is even where the template quotes it."""

    def __repr__(self) -> str:
        return str(self)


def _value(name: str, text: str, conversion: str | None) -> object:
    if conversion == "r":
        if text == "…":
            return _Masked(text)
        try:
            return ast.literal_eval(text)
        except (ValueError, SyntaxError):
            return text
    if name == "expected":
        return _read(text, EXPECTED) or text
    if name == "layout":
        return next((label for label in DATE_LABELS.values() if label == text), text)
    if name in ("here", "there") and text == "empty":
        return Message("empty")
    if name == "shown":
        return _read(text, (SHEET,)) or text
    if name == "differences":
        return _split(text, (DIFFERENCE,))
    return text


def _split(text: str, templates: tuple[str, ...]) -> list[Message] | None:
    """The text as problems joined with "; ", each read with one of the templates. Shorter
    problems first: a field may hold anything, so "a: … is not a number; b: … is not a date"
    also reads as one problem of a column named "a: … is not a number; b"."""
    start = 0
    while (cut := text.find("; ", start)) != -1:
        first = _read(text[:cut], templates)
        if first is not None:
            rest = _split(text[cut + 2:], templates)
            if rest is not None:
                return [first, *rest]
        start = cut + 1
    whole = _read(text, templates)
    return None if whole is None else [whole]


def reason_message(text: str) -> str:
    """A reason (as the import wrote it) as a message a page can show in its language; the
    text unchanged when it cannot be read back."""
    parts = _split(text, REASONS)
    if parts is None:
        return text
    return parts[0] if len(parts) == 1 else joined(parts)
