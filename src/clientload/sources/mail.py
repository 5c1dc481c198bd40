"""E-mail: an mbox file or a folder of .eml files, read with the standard library.

One record per message. The outside party is the sender when the sender is not one of ours
(an incoming message), else the recipients in To and Cc that are not ours (an outgoing one);
the importer adds one interaction for each client among them. Encoded headers
(`=?utf-8?B?...?=`) are decoded by the `email` package's default policy.
"""

from __future__ import annotations

import email
import hashlib
import mailbox
from email import policy
from email.message import EmailMessage, Message
from email.utils import getaddresses
from pathlib import Path

from clientload.sources.config import SourceConfig
from clientload.sources.parties import normalise_email
from clientload.sources.readers import read_text
from clientload.sources.records import (
    AUTO_REPLY,
    INCOMING,
    INTERNAL,
    MAILING_LIST,
    OUTGOING,
    SourceRecord,
    source_error,
)

_BULK_PRECEDENCE = ("bulk", "list", "junk")


def _addresses(message: Message, *names: str) -> list[str]:
    found: list[str] = []
    for name in names:
        for header in message.get_all(name, []):
            parsed = [a.addr_spec for a in getattr(header, "addresses", ())]
            if not parsed:
                parsed = [addr for _, addr in getaddresses([str(header)])]
            found += [a for a in map(normalise_email, parsed) if a and a not in found]
    return found


def _header(message: Message, name: str) -> str:
    try:
        value = message.get(name)
    except (IndexError, ValueError):  # a header too broken for the policy to parse
        return ""
    return str(value).strip() if value is not None else ""


def _automatic(message: Message) -> str | None:
    """MAILING_LIST or AUTO_REPLY when the message was not written to this person by a person."""
    if _header(message, "List-Id") or _header(message, "List-Unsubscribe"):
        return MAILING_LIST
    if _header(message, "Precedence").lower() in _BULK_PRECEDENCE:
        return MAILING_LIST
    submitted = _header(message, "Auto-Submitted").lower()
    if (
        (submitted and submitted != "no")
        or _header(message, "X-Autoreply")
        or _header(message, "X-Autorespond")
    ):
        return AUTO_REPLY
    return None


def message_record(message: Message, number: int, cfg: SourceConfig, origin: str) -> SourceRecord:
    """The record of one message; `number` is its position in the mailbox or folder."""
    senders = _addresses(message, "From")
    recipients = _addresses(message, "To", "Cc")
    outgoing = bool(senders) and cfg.is_inside_email(senders[0])
    employee: str | None
    if outgoing:
        outside = [a for a in recipients if not cfg.is_inside_email(a)]
        employee = senders[0]
    else:
        outside = [a for a in senders if not cfg.is_inside_email(a)]
        employee = next((a for a in recipients if cfg.is_inside_email(a)), None)
    subject = _header(message, "Subject")
    message_id = _header(message, "Message-ID").strip("<>").lower()
    if not message_id:
        fingerprint = "|".join((",".join(senders), _header(message, "Date"), subject))
        message_id = "sha1:" + hashlib.sha1(fingerprint.encode()).hexdigest()
    date = None
    try:
        stamp = message.get("Date")
        moment = getattr(stamp, "datetime", None)
        date = cfg.to_utc(moment) if moment is not None else None
    except (TypeError, ValueError, IndexError):
        date = None
    skip = _automatic(message)
    if skip is None and outgoing and recipients and not outside:
        skip = INTERNAL
    return SourceRecord(
        line=number,
        key=f"mail:{message_id}",
        type=cfg.email_type,
        date=date,
        minutes=cfg.outgoing_email_minutes if outgoing else cfg.incoming_email_minutes,
        direction=OUTGOING if outgoing else INCOMING,
        emails=tuple(outside),
        employee=employee,
        note=subject[:200] or None,
        skip=skip,
        one_per_client=True,
        extra={"file": origin},
    )


def _read_message(handle) -> EmailMessage:
    return email.message_from_binary_file(handle, policy=policy.default)


def parse_mbox(path: Path, cfg: SourceConfig) -> list[SourceRecord]:
    """An mbox file (Thunderbird, Google Takeout, `mail` exports): messages after `From ` lines."""
    if path.is_dir():
        raise source_error(
            path, None, "is a folder; expected an mbox file (use --source eml for a folder of .eml)"
        )
    head = read_text(path)[:5].lstrip("\r\n")
    if head and not head.startswith("From "):
        raise source_error(path, 1, "does not start with a `From ` line; expected an mbox file")
    # typeshed fixes mbox's factory to one that makes mboxMessage; the standard library calls any
    # factory with the message's file and yields what it makes (our EmailMessage)
    box = mailbox.mbox(path, factory=_read_message, create=False)  # type: ignore[arg-type]
    try:
        return [message_record(m, i, cfg, str(path)) for i, m in enumerate(box, 1)]
    finally:
        box.close()


def parse_eml(path: Path, cfg: SourceConfig) -> list[SourceRecord]:
    """One .eml file, or a folder whose .eml files (in sub-folders too) are read in name order."""
    files = sorted(path.rglob("*.eml")) if path.is_dir() else [path]
    if not files:
        raise source_error(path, None, "holds no .eml files; expected a folder of saved messages")
    records = []
    for number, file in enumerate(files, 1):
        with file.open("rb") as handle:
            message = _read_message(handle)
        if not message.keys():
            raise source_error(file, 1, "has no mail headers; expected a saved message (.eml)")
        records.append(message_record(message, number, cfg, str(file)))
    return records
