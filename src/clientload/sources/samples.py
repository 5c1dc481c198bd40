"""A sample Asterisk `Master.csv` for a company's clients: for the demo and the tests.

`sample_asterisk_calls` plans calls with the clients' own phones (in the formats they are written
in `clients.phones`), transfers between extensions, missed calls, internal calls and strangers;
`write_asterisk_master` writes them in cdr_csv's 21-column layout. `expected_minutes` is what
an import must add to each client, so a check can compare the two.
"""

from __future__ import annotations

import csv
import random
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from clientload.sources.parties import split_list


@dataclass(frozen=True)
class SampleLeg:
    linkedid: str
    uniqueid: str
    src: str
    dst: str
    start: datetime  # local time of the PBX
    billsec: int
    disposition: str
    dstchannel: str


def sample_asterisk_calls(
    clients: Iterable[tuple[str, str | None]],
    calls: int,
    start: datetime,
    days: int = 30,
    seed: int = 7,
) -> tuple[list[SampleLeg], dict[str, float]]:
    """Legs of `calls` calls, and the talk minutes each client must gain (longest answered leg)."""
    rng = random.Random(seed)
    phones = [(cid, p) for cid, text in clients for p in split_list(text)]
    if not phones:
        raise ValueError("no client has a phone")
    legs: list[SampleLeg] = []
    expected: dict[str, float] = {}
    for n in range(calls):
        linked = f"{1_700_000_000 + n}.{n}"
        at = start + timedelta(days=rng.randrange(days), seconds=rng.randrange(8 * 3600, 19 * 3600))
        ext = str(rng.randrange(101, 121))
        kind = rng.random()
        if kind < 0.08:  # colleague to colleague
            legs.append(SampleLeg(linked, linked, ext, "120", at, 60, "ANSWERED", "SIP/120-1"))
            continue
        if kind < 0.14:  # a stranger
            stranger = f"8999{rng.randrange(10**7):07d}"
            legs.append(
                SampleLeg(linked, linked, stranger, ext, at, 40, "ANSWERED", f"SIP/{ext}-1")
            )
            continue
        client_id, phone = rng.choice(phones)
        incoming = rng.random() < 0.6
        src, dst = (phone, ext) if incoming else (ext, phone)
        if kind < 0.25:
            legs.append(SampleLeg(linked, linked, src, dst, at, 0, "NO ANSWER", ""))
            continue
        talk = rng.randrange(15, 900)
        legs.append(SampleLeg(linked, linked, src, dst, at, talk, "ANSWERED", f"SIP/{ext}-1"))
        if incoming and kind > 0.85:  # transferred to a colleague: a second, shorter leg
            second = rng.randrange(10, talk)
            later = at + timedelta(seconds=talk - second)
            legs.append(
                SampleLeg(linked, f"{linked}1", ext, "119", later, second, "ANSWERED", "SIP/119-2")
            )
        expected[client_id] = expected.get(client_id, 0.0) + talk / 60
    return legs, expected


def write_asterisk_master(path: Path, legs: Iterable[SampleLeg]) -> Path:
    """The legs as an Asterisk Master.csv (no header, 21 columns, every field quoted)."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, quoting=csv.QUOTE_ALL)
        for seq, leg in enumerate(legs, 1):
            answered = leg.disposition == "ANSWERED"
            end = leg.start + timedelta(seconds=leg.billsec + 5)
            writer.writerow([
                "", leg.src, leg.dst, "from-trunk", f'"" <{leg.src}>', "SIP/trunk-0",
                leg.dstchannel, "Dial", "", f"{leg.start:%Y-%m-%d %H:%M:%S}",
                f"{leg.start + timedelta(seconds=5):%Y-%m-%d %H:%M:%S}" if answered else "",
                f"{end:%Y-%m-%d %H:%M:%S}", leg.billsec + 5, leg.billsec, leg.disposition,
                "DOCUMENTATION", leg.uniqueid, "", "", leg.linkedid, seq,
            ])  # fmt: skip
    return path
