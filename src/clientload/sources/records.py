"""What every source parser hands over: one record per call, message or activity, not yet matched.

A parser knows its system's layout and nothing about clients or the store; the importer matches
the records and writes them. Skipped records carry the reason instead of being dropped, so the
read / matched / unmatched / skipped counts always add up.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from clientload.errors import ClientloadError

# Why a record is not an interaction with a client (the keys of `SourceImportResult.skipped`).
MISSED = "missed"  # not answered, not held, not completed
INTERNAL = "internal"  # between two of our own people
DUPLICATE = "duplicate"  # the same call or message already read or stored
MAILING_LIST = "mailing_list"  # list or bulk mail
AUTO_REPLY = "auto_reply"  # out-of-office and other automatic answers
NOT_CONTACT = "not_contact"  # a CRM entry that is no contact with anyone (a task, a plain note)

SKIP_REASONS = (MISSED, INTERNAL, DUPLICATE, MAILING_LIST, AUTO_REPLY, NOT_CONTACT)

INCOMING = "in"
OUTGOING = "out"


@dataclass
class SourceRecord:
    """One call, message or CRM activity as read from a source, in the store's units.

    `date` is UTC without a time zone; `minutes` is None when the source holds no duration (the
    activity's standard minutes then apply). The `phones`, `emails`, `crm_ids` and `crm_names`
    are the outside party's, in the order they should be tried against the clients.
    """

    line: int
    key: str
    type: str
    date: datetime | None = None
    minutes: float | None = None
    direction: str | None = None
    phones: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()
    crm_ids: tuple[str, ...] = ()
    crm_names: tuple[str, ...] = ()
    employee: str | None = None
    note: str | None = None
    skip: str | None = None
    one_per_client: bool = False  # e-mail: one interaction for each matched client
    extra: dict[str, str] = field(default_factory=dict)


def source_error(path: Path, line: int | None, message: str) -> ClientloadError:
    """A file that does not read as the named source: file, line and what was expected."""
    where = f"{path}, line {line}" if line else str(path)
    return ClientloadError(f"{where}: {message}")
