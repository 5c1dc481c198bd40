"""`import_source`: read a system's export, match it to clients and store it as `interactions`.

Every record read ends up in exactly one place: inserted (matched), in the not-matched report
(unmatched), or counted as skipped with its reason, so read = matched + unmatched + skipped. All
files of one call are parsed first and written in one transaction: a file that does not read as
the named source leaves the store untouched.
"""

from __future__ import annotations

import csv
import hashlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from clientload.errors import ClientloadError
from clientload.progress import ProgressFn, no_progress
from clientload.sources.config import SourceConfig, source_config
from clientload.sources.crm import (
    parse_amocrm,
    parse_bitrix24_activities,
    parse_bitrix24_calls,
    parse_hubspot,
    parse_salesforce,
)
from clientload.sources.mail import parse_eml, parse_mbox
from clientload.sources.matching import ClientDirectory
from clientload.sources.records import DUPLICATE, SKIP_REASONS, SourceRecord
from clientload.sources.store import SOURCE_RECORDS_TABLE, StoredImport, write_import
from clientload.sources.telephony import parse_3cx, parse_asterisk, parse_freepbx
from clientload.workspace import Workspace

if TYPE_CHECKING:
    import duckdb

Parser = Callable[[Path, SourceConfig], list[SourceRecord]]

PARSERS: dict[str, Parser] = {
    "asterisk": parse_asterisk,
    "freepbx": parse_freepbx,
    "3cx": parse_3cx,
    "bitrix24-calls": parse_bitrix24_calls,
    "bitrix24-activities": parse_bitrix24_activities,
    "amocrm": parse_amocrm,
    "salesforce": parse_salesforce,
    "hubspot": parse_hubspot,
    "mbox": parse_mbox,
    "eml": parse_eml,
}
SOURCES: tuple[str, ...] = tuple(PARSERS)
TOP_UNMATCHED = 10
SKIP_LABELS = {
    "missed": "missed / not answered / not held",
    "internal": "internal (between our own people)",
    "duplicate": "duplicate (read or stored already)",
    "mailing_list": "mailing list / bulk mail",
    "auto_reply": "auto-reply",
    "not_contact": "not a contact (CRM task, note)",
}
UNMATCHED_COLUMNS = (
    "file", "line", "record", "type", "date_utc", "direction", "minutes", "outside_party",
    "key", "employee", "note", "reason",
)  # fmt: skip


@dataclass
class SourceImportResult:
    """What an import read and where each record went; `read = matched + unmatched + skipped`."""

    source: str
    files: list[str] = field(default_factory=list)
    read: int = 0
    matched: int = 0
    unmatched: int = 0
    skipped: dict[str, int] = field(default_factory=lambda: dict.fromkeys(SKIP_REASONS, 0))
    rows_inserted: int = 0
    minutes_inserted: float = 0.0
    import_ids: list[int] = field(default_factory=list)
    unmatched_report: Path | None = None
    top_unmatched: list[tuple[str, int]] = field(default_factory=list)
    already_imported: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def skipped_total(self) -> int:
        return sum(self.skipped.values())

    def summary_rows(self) -> list[tuple[str, int]]:
        """(label, count) lines for a summary: read, matched, unmatched, each skip reason used."""
        rows = [("read", self.read), ("matched", self.matched), ("unmatched", self.unmatched)]
        rows += [(f"skipped: {SKIP_LABELS[k]}", n) for k, n in self.skipped.items() if n]
        rows.append(("interactions added", self.rows_inserted))
        return rows


def file_sha256(path: Path) -> str:
    """The file's digest; a folder's is over its files' names and digests, in name order."""
    digest = hashlib.sha256()
    if path.is_dir():
        for member in sorted(p for p in path.rglob("*") if p.is_file()):
            digest.update(str(member.relative_to(path)).encode() + b"\0")
            digest.update(file_sha256(member).encode())
        return digest.hexdigest()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def import_source(
    ws: Workspace,
    files: list[Path],
    source: str,
    progress: ProgressFn | None = None,
    rematch: bool = False,
) -> SourceImportResult:
    """Import the exports `files` of the system `source` into `interactions`.

    A file already imported (same content) is skipped with a note, as the table importer does;
    with `rematch=True` it is read again and only records not stored before are added — the way to
    pick up calls and messages that match after phones or e-mails were added to `clients`.
    """
    if source not in PARSERS:
        raise ClientloadError(f"unknown source {source!r}; expected one of {', '.join(SOURCES)}")
    report = progress or no_progress
    parse = PARSERS[source]
    cfg = source_config(ws.settings())
    paths = [Path(f) for f in files]
    for path in paths:
        if not path.exists():
            raise ClientloadError(f"{path}: no such file")
        if path.is_dir() and source != "eml":
            raise ClientloadError(f"{path} is a folder; --source {source} reads files")
    result = SourceImportResult(source=source, files=[str(p) for p in paths])
    con = ws.connect()
    try:
        directory = ClientDirectory.from_clients(
            con.execute(
                "SELECT client_id, name, phones, emails FROM clients ORDER BY client_id"
            ).fetchall(),
            cfg,
        )
        if directory.shared_entries:
            result.notes.append(
                f"{directory.shared_entries} phone(s)/e-mail(s) appear at more than one client; "
                "the first client by id gets them"
            )
        stored_keys = _stored_keys(con)
        parsed: list[tuple[Path, str, list[SourceRecord]]] = []
        for i, path in enumerate(paths):
            report(f"read {source}", i, len(paths))
            sha = file_sha256(path)
            if sha in (s for _, s, _ in parsed):
                result.already_imported.append(str(path))
                result.notes.append(f"{path}: same content as another file of this import; skipped")
                continue
            earlier = con.execute(
                "SELECT import_id, imported_at FROM imports "
                "WHERE sha256 = ? AND table_name = 'interactions' ORDER BY import_id LIMIT 1",
                [sha],
            ).fetchone()
            if earlier and not rematch:
                result.already_imported.append(str(path))
                result.notes.append(
                    f"{path}: already imported as import {earlier[0]} "
                    f"on {earlier[1]:%Y-%m-%d %H:%M}; "
                    "skipped (to add records that match since then, import again with --rematch)"
                )
                continue
            parsed.append((path, sha, parse(path, cfg)))
        report(f"read {source}", len(paths), len(paths))
        imports = _sort_records(parsed, directory, cfg, stored_keys, result, report)
        stamp = datetime.now()  # local time, as the table importer logs it
        if imports:
            result.import_ids = write_import(con, source, imports, stamp)
        result.rows_inserted = sum(len(i.rows) for i in imports)
        result.minutes_inserted = sum(r[3] or 0.0 for i in imports for r in i.rows)
    finally:
        con.close()
    unmatched = [u for i in imports for u in i.unmatched]
    if unmatched:
        result.unmatched_report = _write_unmatched(ws, unmatched, stamp)
        result.top_unmatched = Counter(str(u["key"]) for u in unmatched).most_common(TOP_UNMATCHED)
    return result


def _stored_keys(con: duckdb.DuckDBPyConnection) -> set[str]:
    """Keys of the calls and messages already stored, so overlapping exports add nothing twice."""
    con.execute(SOURCE_RECORDS_TABLE)
    return {k for (k,) in con.execute("SELECT record_key FROM source_records").fetchall()}


def _sort_records(
    parsed: list[tuple[Path, str, list[SourceRecord]]],
    directory: ClientDirectory,
    cfg: SourceConfig,
    stored_keys: set[str],
    result: SourceImportResult,
    report: ProgressFn,
) -> list[StoredImport]:
    """Each record to matched rows, the unmatched list or a skip reason; counts into `result`."""
    seen = set(stored_keys)
    imports = []
    total = sum(len(records) for _, _, records in parsed)
    done = 0
    for path, sha, records in parsed:
        stored = StoredImport(file=str(path.resolve()), sha256=sha)
        for record in records:
            done += 1
            if done % 5000 == 0:
                report("match to clients", done, total)
            stored.read += 1
            reason = record.skip or (DUPLICATE if record.key in seen else None)
            if reason:
                stored.skipped[reason] = stored.skipped.get(reason, 0) + 1
                continue
            seen.add(record.key)
            match = directory.match(record, cfg)
            if match.client_ids:
                stored.matched += 1
                stored.keys.append(record.key)
                for client_id in match.client_ids:
                    stored.rows.append(
                        (client_id, record.type, record.date, record.minutes, 1, None,
                         record.employee, record.note, record.line)
                    )  # fmt: skip
            else:
                stored.unmatched.append(
                    _unmatched_row(path, record, match.unmatched_key, match.reason)
                )
        imports.append(stored)
        result.read += stored.read
        result.matched += stored.matched
        result.unmatched += len(stored.unmatched)
        for reason, n in stored.skipped.items():
            result.skipped[reason] = result.skipped.get(reason, 0) + n
    report("match to clients", total, total)
    return imports


def _unmatched_row(path: Path, record: SourceRecord, key: str, reason: str) -> dict[str, object]:
    return {
        "file": record.extra.get("file", str(path)),
        "line": record.line,
        "record": record.key,
        "type": record.type,
        "date_utc": f"{record.date:%Y-%m-%d %H:%M:%S}" if record.date else "",
        "direction": record.direction or "",
        "minutes": "" if record.minutes is None else round(record.minutes, 4),
        "outside_party": "; ".join(
            [*record.phones, *record.emails, *record.crm_ids, *record.crm_names]
        ),
        "key": key,
        "employee": record.employee or "",
        "note": record.note or "",
        "reason": reason,
    }


def _write_unmatched(ws: Workspace, rows: list[dict[str, object]], stamp: datetime) -> Path:
    ws.rejects_dir.mkdir(parents=True, exist_ok=True)
    base = f"interactions-unmatched-{stamp:%Y%m%d-%H%M%S}"
    path = ws.rejects_dir / f"{base}.csv"
    n = 1
    while path.exists():
        n += 1
        path = ws.rejects_dir / f"{base}-{n}.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=UNMATCHED_COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    return path
