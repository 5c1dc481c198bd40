"""Phone numbers and e-mail addresses in one comparable form.

Phones become E.164 where the national rules allow: Russian numbers arrive as 8XXXXXXXXXX,
7XXXXXXXXXX, +7 (9xx) xxx-xx-xx or ten digits without a prefix; numbers dialled abroad from Russia
(810…) or with 00 become +…; numbers already written with + keep it. Short numbers (extensions) and
anything else keep their digits as they are, so both sides of a comparison read alike.
"""

from __future__ import annotations

import re
from functools import lru_cache

_NOT_DIGITS = re.compile(r"\D")
# Ten-digit Russian numbers without a trunk prefix: geographic codes 3xx, 4xx, 8xx and mobile 9xx.
_RUSSIAN_TEN_DIGITS = re.compile(r"^[3489]\d{9}$")


@lru_cache(maxsize=1 << 16)  # a CDR repeats the same few thousand numbers
def normalise_phone(text: str | None) -> str | None:
    """The number in E.164 (`+74951234567`) or its bare digits; None when it holds no digits."""
    if text is None:
        return None
    raw = str(text).strip()
    digits = _NOT_DIGITS.sub("", raw)
    if not digits:
        return None
    if raw.startswith("+"):
        return "+" + digits
    if len(digits) == 11 and digits[0] in "78":
        return "+7" + digits[1:]
    if _RUSSIAN_TEN_DIGITS.match(digits):
        return "+7" + digits
    if digits.startswith("810") and len(digits) > 11:
        return "+" + digits[3:]
    if digits.startswith("00") and len(digits) > 4:
        return "+" + digits[2:]
    return digits


def split_list(text: str | None) -> list[str]:
    """Several phones or addresses in one cell, separated by `;` (a `,` is tolerated)."""
    if not text:
        return []
    return [part.strip() for part in re.split(r"[;,]", str(text)) if part.strip()]


def email_domain(address: str) -> str:
    return address.rsplit("@", 1)[-1].lower() if "@" in address else ""


def normalise_email(text: str | None) -> str | None:
    """A bare lower-case address (`ivan@acme.ru`), or None when the text holds none."""
    if not text:
        return None
    value = str(text).strip().strip("<>").strip().lower()
    if value.startswith("mailto:"):
        value = value[len("mailto:") :]
    return value if "@" in value and not value.startswith("@") else None
