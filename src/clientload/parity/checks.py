"""Input checks shared by the calculators: each names the argument and says what was expected.

A margin of 150%, a negative discount or a payment term shorter than its discount window is a
mistake the user can fix, so it raises `ClientloadError` (one line, exit 2 on the command line).
A discount at or above the margin is not a mistake: it is a valid question with no answer, and the
calculators return `feasible=False` for it instead.
"""

from __future__ import annotations

import math
import re

from clientload.errors import ClientloadError
from clientload.messages import Message

_NUMBER = re.compile(r"^\s*([+-]?\d+(?:[.,]\d+)?|[+-]?[.,]\d+)\s*(%?)\s*$")


def parse_fraction(text: str, argument: str) -> float:
    """'0.3', '30%', '30 %' or '0,3' → 0.3. The percent sign divides by 100."""
    match = _NUMBER.match(str(text))
    if not match:
        raise ClientloadError(Message(
            "{argument}: {text!r} is not a number; write a fraction like 0.3 or a percentage like "
            "30%",
            argument=argument, text=text,
        ))
    value = float(match.group(1).replace(",", "."))
    return value / 100 if match.group(2) else value


def parse_fractions(text: str, argument: str) -> list[float]:
    """A list such as '20%,30%,40%', '20 %; 30 %' or '0.2 0.3'; a point is the decimal mark here."""
    tokens = re.findall(r"[^,;\s%]+\s*%?", str(text))
    if not tokens:
        raise ClientloadError(Message(
            "{argument}: no values given; write a list like 20%,30%,40%",
            argument=argument,
        ))
    return [parse_fraction(token, argument) for token in tokens]


def _finite(value: float, argument: str) -> float:
    if not isinstance(value, (int, float)) or isinstance(value, bool) or not math.isfinite(value):
        raise ClientloadError(Message(
            "{argument}: {value!r} is not a finite number",
            argument=argument, value=value,
        ))
    return float(value)


def check_margin(value: float, argument: str = "margin") -> float:
    """A contribution margin as a fraction of the price, strictly between 0 and 1."""
    value = _finite(value, argument)
    if not 0 < value < 1:
        raise ClientloadError(Message(
            "{argument} is {value:g}; expected a fraction above 0 and below 1 (e.g. 0.3 or 30%)",
            argument=argument, value=value,
        ))
    return value


def check_discount(value: float, argument: str = "discount") -> float:
    """A discount (or price increase) as a fraction of today's price: 0 or more, below 1."""
    value = _finite(value, argument)
    if value < 0:
        raise ClientloadError(Message(
            "{argument} is {value:g}; expected 0 or more (e.g. 0.1 or 10%)",
            argument=argument, value=value,
        ))
    if value >= 1:
        raise ClientloadError(Message(
            "{argument} is {value:g}; expected a fraction below 1 (e.g. 0.1 or 10%)",
            argument=argument, value=value,
        ))
    return value


def check_increase(value: float, argument: str = "increase") -> float:
    """A price increase as a fraction of today's price: more than 0 (may exceed 100%)."""
    value = _finite(value, argument)
    if value <= 0:
        raise ClientloadError(Message(
            "{argument} is {value:g}; expected more than 0 (e.g. 0.05 or 5%)",
            argument=argument, value=value,
        ))
    return value


def check_volume_change(value: float, argument: str = "volume-change") -> float:
    """A change in volume as a fraction: above -1 (a loss of 100% or more is no volume at all)."""
    value = _finite(value, argument)
    if value <= -1:
        raise ClientloadError(Message(
            "{argument} is {value:g}; expected more than -1 (-100%)",
            argument=argument, value=value,
        ))
    return value


def check_attainment(value: float, argument: str = "attainment") -> float:
    """The share of the plan reached today: above 0, at most 1."""
    value = _finite(value, argument)
    if not 0 < value <= 1:
        raise ClientloadError(Message(
            "{argument} is {value:g}; expected a share of the plan above 0 and at most 1 (e.g. "
            "0.8 or 80%)",
            argument=argument, value=value,
        ))
    return value


def check_non_negative(value: float, argument: str) -> float:
    value = _finite(value, argument)
    if value < 0:
        raise ClientloadError(Message(
            "{argument} is {value:g}; expected 0 or more",
            argument=argument, value=value,
        ))
    return value


def check_positive(value: float, argument: str) -> float:
    value = _finite(value, argument)
    if value <= 0:
        raise ClientloadError(Message(
            "{argument} is {value:g}; expected more than 0",
            argument=argument, value=value,
        ))
    return value


def check_share(value: float, argument: str) -> float:
    """A share from 0 to 1 inclusive."""
    value = _finite(value, argument)
    if not 0 <= value <= 1:
        raise ClientloadError(Message(
            "{argument} is {value:g}; expected a share from 0 to 1 (e.g. 0.5 or 50%)",
            argument=argument, value=value,
        ))
    return value


def parse_amount(text: str, argument: str) -> float:
    """A number or an amount: '1200000', '1 200 000', '1_200_000', '12,5' (no percent sign)."""
    cleaned = re.sub(r"[\s_\u00a0]", "", str(text))
    if "%" in cleaned:
        raise ClientloadError(Message(
            "{argument}: {text!r} is an amount or a count, not a percentage",
            argument=argument, text=text,
        ))
    if cleaned.count(",") == 1 and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")
    try:
        value = float(cleaned)
    except ValueError:
        raise ClientloadError(Message(
            "{argument}: {text!r} is not a number",
            argument=argument, text=text,
        )) from None
    return _finite(value, argument)
