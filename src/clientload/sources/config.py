"""The `[sources]` settings as typed values, and who counts as inside the company.

Our own numbers, short extensions and our mail domains mark the inside party of a call or a
message; everything else is the outside party that may be a client.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from clientload.errors import ClientloadError
from clientload.settings import Settings
from clientload.sources.parties import email_domain, normalise_phone

CALL_LEG_RULES = ("longest", "sum")


@dataclass(frozen=True)
class SourceConfig:
    timezone: ZoneInfo
    own_numbers: frozenset[str]
    extension_max_digits: int
    own_domains: tuple[str, ...]
    public_mail_domains: frozenset[str]
    incoming_email_minutes: float
    outgoing_email_minutes: float
    pbx_call_legs: str
    call_type: str
    email_type: str
    meeting_type: str

    def is_inside_phone(self, phone: str) -> bool:
        """An extension (short number) or one of our own numbers."""
        digits = phone.lstrip("+")
        if (
            digits.isdigit()
            and len(digits) <= self.extension_max_digits
            and not phone.startswith("+")
        ):
            return True
        return phone in self.own_numbers

    def is_inside_email(self, address: str) -> bool:
        domain = email_domain(address)
        return any(domain == d or domain.endswith("." + d) for d in self.own_domains)

    def is_public_domain(self, domain: str) -> bool:
        return domain in self.public_mail_domains

    def to_utc(self, moment: datetime) -> datetime:
        """A source time as naive UTC; a time without an offset is in the source's time zone."""
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=self.timezone)
        return moment.astimezone(UTC).replace(tzinfo=None)


def source_config(settings: Settings) -> SourceConfig:
    """Read and check `[sources]`; problems are reported as one ClientloadError."""
    section: dict[str, Any] = settings.section("sources")
    problems: list[str] = []
    try:
        zone = ZoneInfo(str(section.get("timezone", "Europe/Moscow")))
    except (ZoneInfoNotFoundError, ValueError):
        problems.append(
            f"sources.timezone {section.get('timezone')!r} is not a known time zone "
            '(expected a name such as "Europe/Moscow")'
        )
        zone = ZoneInfo("UTC")
    for key in ("own_numbers", "own_domains", "public_mail_domains"):
        values = section.get(key, [])
        if not all(isinstance(v, str) for v in values):
            problems.append(f"sources.{key} should be a list of texts")
    legs = section.get("pbx_call_legs", "longest")
    if legs not in CALL_LEG_RULES:
        problems.append(
            f"sources.pbx_call_legs is {legs!r}; expected one of {', '.join(CALL_LEG_RULES)}"
        )
    for key in ("incoming_email_minutes", "outgoing_email_minutes", "extension_max_digits"):
        if section.get(key, 0) < 0:
            problems.append(f"sources.{key} must not be negative")
    if problems:
        raise ClientloadError("settings: " + "; ".join(problems))
    return SourceConfig(
        timezone=zone,
        own_numbers=frozenset(
            p for p in (normalise_phone(str(v)) for v in section.get("own_numbers", [])) if p
        ),
        extension_max_digits=int(section.get("extension_max_digits", 4)),
        own_domains=tuple(d.lower().lstrip("@") for d in section.get("own_domains", [])),
        public_mail_domains=frozenset(
            d.lower().lstrip("@") for d in section.get("public_mail_domains", [])
        ),
        incoming_email_minutes=float(section.get("incoming_email_minutes", 3.0)),
        outgoing_email_minutes=float(section.get("outgoing_email_minutes", 6.0)),
        pbx_call_legs=str(legs),
        call_type=str(section.get("call_type", "call")),
        email_type=str(section.get("email_type", "email")),
        meeting_type=str(section.get("meeting_type", "meeting")),
    )
