"""PBX call records: Asterisk `Master.csv`, the FreePBX CDR report and the 3CX call history.

A PBX writes one line per leg; the legs of one call share an id (Asterisk/FreePBX `linkedid`,
3CX `Call ID`). clientload makes one interaction per call. Asterisk and FreePBX often log the same
conversation twice (a queue or ring group's Local channel and the phone's own channel), so their
talk time is that of the longest answered leg by default (`sources.pbx_call_legs = "sum"` adds the
legs up instead). A leg Asterisk marks ANSWERED without a destination channel was answered by the
PBX itself (an IVR menu, voicemail, a recording) and is no one's talk time. 3CX writes consecutive
segments (reception, then transfer), so its talk time is the sum of the answered segments.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from clientload.sources.config import SourceConfig
from clientload.sources.parties import normalise_phone
from clientload.sources.readers import (
    clock_minutes,
    csv_lines,
    csv_rows,
    parse_number,
    parse_time,
    pick,
)
from clientload.sources.records import (
    INCOMING,
    INTERNAL,
    MISSED,
    OUTGOING,
    SourceRecord,
    source_error,
)

ASTERISK_COLUMNS = (
    "accountcode", "src", "dst", "dcontext", "clid", "channel", "dstchannel", "lastapp", "lastdata",
    "start", "answer", "end", "duration", "billsec", "disposition", "amaflags",
    "uniqueid", "userfield", "peeraccount", "linkedid", "sequence",
)  # fmt: skip
ASTERISK_DISPOSITIONS = ("ANSWERED", "NO ANSWER", "BUSY", "FAILED", "CONGESTION")
_ASTERISK_WHAT = (
    "an Asterisk Master.csv line of 16 to 21 columns (accountcode, src, dst, dcontext, clid, "
    "channel, dstchannel, lastapp, lastdata, start, answer, end, duration, billsec, disposition, "
    "amaflags[, uniqueid, userfield, peeraccount, linkedid, sequence])"
)
_FREEPBX_WHAT = "a FreePBX CDR report with a header (calldate, src, dst, billsec, disposition, …)"
_3CX_WHAT = "a 3CX call history with a header (Call Time, Call ID, From, To, Status, Talking, …)"
_CHANNEL_PEER = re.compile(r"^[A-Za-z0-9_]+/([^-@;/]+)")


@dataclass
class Leg:
    line: int
    call_id: str
    start: datetime | None
    caller: str | None
    callee: str | None
    talk_minutes: float
    answered: bool
    internal_hint: bool = False
    direction_hint: str | None = None
    answered_by: str | None = None  # the phone the destination channel names, when it names one


def _channel_phone(channel: str) -> str | None:
    """`SIP/101-0000a1`, `PJSIP/101-…`, `Local/101@from-queue-…;1` → 101; a trunk → None."""
    peer = _CHANNEL_PEER.match(channel.strip())
    return peer.group(1) if peer and peer.group(1).isdigit() else None


def _party(number: str, channel: str = "") -> str | None:
    """The number of one side; where the field holds none (`s`), the phone named by its channel."""
    return normalise_phone(number) or _channel_phone(channel)


def calls_from_legs(
    legs: list[Leg], cfg: SourceConfig, source: str, legs_rule: str
) -> list[SourceRecord]:
    """One record per call: its legs grouped by id, in the order the calls first appear."""
    calls: dict[str, list[Leg]] = {}
    for leg in legs:
        calls.setdefault(leg.call_id, []).append(leg)
    return [_call(call_id, group, cfg, source, legs_rule) for call_id, group in calls.items()]


def _call(call_id: str, legs: list[Leg], cfg: SourceConfig, source: str, rule: str) -> SourceRecord:
    first = legs[0]
    outside: list[str] = []
    inside: list[str] = []
    for leg in legs:
        for phone in (leg.caller, leg.callee):
            if phone is None:
                continue
            side = inside if cfg.is_inside_phone(phone) else outside
            if phone not in side:
                side.append(phone)
    answered = [leg for leg in legs if leg.answered]
    talk = [leg.talk_minutes for leg in answered]
    if first.direction_hint:
        direction = first.direction_hint
    elif first.caller and cfg.is_inside_phone(first.caller):
        direction = OUTGOING
    else:
        direction = INCOMING
    longest = max(answered, key=lambda leg: leg.talk_minutes) if answered else first
    employee = next(
        (
            p
            for p in (longest.answered_by, longest.callee, longest.caller)
            if p and cfg.is_inside_phone(p)
        ),
        inside[0] if inside else None,
    )
    if all(leg.internal_hint for leg in legs) or not outside:
        skip: str | None = INTERNAL
    elif not answered:
        skip = MISSED
    else:
        skip = None
    legs_note = f", {len(legs)} legs" if len(legs) > 1 else ""
    return SourceRecord(
        line=first.line,
        key=f"{source}:{call_id}",
        type=cfg.call_type,
        date=min((leg.start for leg in legs if leg.start), default=None),
        minutes=(sum(talk) if rule == "sum" else max(talk)) if talk else None,
        direction=direction,
        phones=tuple(outside),
        employee=employee,
        note=f"{source} {'incoming' if direction == INCOMING else 'outgoing'} call{legs_note}",
        skip=skip,
    )


def parse_asterisk(path: Path, cfg: SourceConfig) -> list[SourceRecord]:
    """Asterisk `cdr_csv` Master.csv: no header, 16 columns or up to 21 with the newer ones."""
    legs = []
    for line, fields in csv_lines(path):
        if fields[0].strip().lower() == "accountcode" and line == 1:
            continue  # a header someone added by hand
        if not 16 <= len(fields) <= 21:
            raise source_error(path, line, f"{len(fields)} columns; expected {_ASTERISK_WHAT}")
        row = dict(zip(ASTERISK_COLUMNS, fields, strict=False))
        disposition = row["disposition"].strip().upper()
        if disposition not in ASTERISK_DISPOSITIONS:
            raise source_error(
                path, line,
                f"column 15 (disposition) is {row['disposition']!r}; expected one of "
                f"{', '.join(ASTERISK_DISPOSITIONS)} in {_ASTERISK_WHAT}",
            )  # fmt: skip
        billsec = parse_number(row["billsec"], path, line, "14 (billsec)") or 0.0
        call_id = pick(row, "linkedid", "uniqueid") or f"{row['src']}|{row['dst']}|{row['start']}"
        legs.append(
            Leg(
                line=line,
                call_id=call_id,
                start=parse_time(row["start"], cfg, path, line, "10 (start)"),
                caller=_party(row["src"], row["channel"]),
                callee=_party(row["dst"], row["dstchannel"]),
                talk_minutes=billsec / 60,
                answered=disposition == "ANSWERED" and bool(row["dstchannel"].strip()),
                answered_by=_channel_phone(row["dstchannel"]),
            )
        )
    return calls_from_legs(legs, cfg, "asterisk", cfg.pbx_call_legs)


def parse_freepbx(path: Path, cfg: SourceConfig) -> list[SourceRecord]:
    """The FreePBX CDR report CSV (the `cdr` table of asteriskcdrdb, with its header)."""
    legs = []
    for line, row in csv_rows(
        path, ("calldate", "src", "dst", "billsec", "disposition"), _FREEPBX_WHAT
    ):
        disposition = row["disposition"].strip().upper()
        billsec = parse_number(row["billsec"], path, line, "billsec") or 0.0
        did = normalise_phone(row.get("did"))
        callee = _party(row["dst"], row.get("dstchannel", ""))
        if did and callee is None:
            callee = did
        call_id = (
            pick(row, "linkedid", "uniqueid") or f"{row['src']}|{row['dst']}|{row['calldate']}"
        )
        legs.append(
            Leg(
                line=line,
                call_id=call_id,
                start=parse_time(row["calldate"], cfg, path, line, "calldate"),
                caller=_party(pick(row, "src", "cnum"), row.get("channel", "")),
                callee=callee,
                talk_minutes=billsec / 60,
                answered=disposition == "ANSWERED" and bool(row.get("dstchannel", "").strip()),
                direction_hint=INCOMING if did else None,
                answered_by=_channel_phone(row.get("dstchannel", "")),
            )
        )
    return calls_from_legs(legs, cfg, "freepbx", cfg.pbx_call_legs)


def _3cx_party(text: str) -> str | None:
    """`Ivan Petrov (101)`, `Acme (+7 495 123-45-67)` or a bare number."""
    value = text.strip()
    if value.endswith(")"):
        depth = 0
        for i in range(len(value) - 1, -1, -1):
            depth += {")": 1, "(": -1}.get(value[i], 0)
            if depth == 0:
                return normalise_phone(value[i + 1 : -1])
    return normalise_phone(value)


def parse_3cx(path: Path, cfg: SourceConfig) -> list[SourceRecord]:
    """3CX call history CSV: a row per segment, segments of one call share the Call ID."""
    required = ("call time|start time", "call id|callid", "from", "to", "status", "talking")
    legs = []
    for line, row in csv_rows(path, required, _3CX_WHAT):
        direction = row.get("direction", "").strip().lower()
        status = row["status"].strip().lower()
        legs.append(
            Leg(
                line=line,
                call_id=pick(row, "call id", "callid") or f"line {line}",
                start=parse_time(
                    pick(row, "call time", "start time"), cfg, path, line, "Call Time"
                ),
                caller=_3cx_party(row["from"]),
                callee=_3cx_party(row["to"]),
                talk_minutes=clock_minutes(row["talking"], path, line, "Talking") or 0.0,
                answered=status.startswith("answered"),
                internal_hint=direction == "internal",
                direction_hint=INCOMING
                if direction.startswith("inbound")
                else OUTGOING
                if direction.startswith("outbound")
                else None,
            )
        )
    return calls_from_legs(legs, cfg, "3cx", "sum")
