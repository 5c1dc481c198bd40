"""Every saved change of `clientload.toml` kept: who, when, from where, the text before and
after (so the diff), and a way back.

The web Setup page, the settings page, the time survey's "apply the medians" and
`clientload calibrate --apply` save through `save_settings`: the new text is parsed first (a
change that does not parse is refused and nothing is written), written whole (a temporary file
renamed over the old one), and recorded in the store's `settings_changes` table. Rolling back a
change writes the text from before it — itself a new, recorded change, so a rollback can be
rolled back too.
"""

from __future__ import annotations

import datetime as dt
import difflib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from clientload.errors import ClientloadError
from clientload.settings import parse_settings

CHANGES_TABLE = """CREATE TABLE IF NOT EXISTS settings_changes (
    change_id BIGINT PRIMARY KEY,
    changed_at TIMESTAMP NOT NULL,
    username VARCHAR NOT NULL,
    source VARCHAR NOT NULL,
    summary VARCHAR NOT NULL,
    before_text VARCHAR NOT NULL,
    after_text VARCHAR NOT NULL,
    message VARCHAR,
    message_values VARCHAR
)"""
SOURCES = ("setup", "survey", "calibrate", "settings", "rollback", "init")


def _(message: str) -> str:
    """Marks a message for the catalogues; pages translate a change's summary with it."""
    return message


# A change's summary: a message id and its values, so each page shows it in its language.
Summary = tuple[str, dict[str, Any]]
SETUP = _("departments: {departments}")
SETUP_AND_ACTIVITIES = _("departments: {departments}; activities: {activities}")
SURVEY = _("time survey medians: {activities}")
CALIBRATE = _("{count} standard minutes from calibration")
SETTINGS_PAGE = _("edited on the settings page")
INIT = _("departments and activities from the staff")
ROLLBACK = _("back to before change {number}")
ROLLBACK_LATER = _("back to before change {number}, undoing {later} later changes too")


@dataclass(frozen=True)
class Change:
    change_id: int
    changed_at: dt.datetime
    username: str
    source: str
    summary: str
    before_text: str
    after_text: str
    message: str | None = None
    values: dict[str, Any] | None = None

    @property
    def diff(self) -> str:
        """The change as a unified diff of the settings file."""
        return "".join(difflib.unified_diff(
            self.before_text.splitlines(keepends=True), self.after_text.splitlines(keepends=True),
            "clientload.toml (before)", "clientload.toml (after)", n=1))


def keep_copy(path: Path, now: dt.datetime | None = None) -> Path | None:
    """A dated copy of the settings file beside it (`clientload-2026-01-31T102233.toml`)."""
    if not path.exists():
        return None
    stamp = (now or dt.datetime.now()).strftime("%Y-%m-%dT%H%M%S")
    target = path.with_name(f"{path.stem}-{stamp}{path.suffix}")
    k = 1
    while target.exists():
        k += 1
        target = path.with_name(f"{path.stem}-{stamp}-{k}{path.suffix}")
    target.write_bytes(path.read_bytes())
    return target


def write_text(path: Path, text: str) -> None:
    """Write the whole file or nothing: a temporary file renamed over the old one."""
    temporary = path.with_name(f".{path.name}.writing")
    temporary.write_text(text, "utf-8")
    os.replace(temporary, path)


def record(con: Any, username: str, source: str, summary: Summary, before: str,
           after: str) -> int:
    """Keep a change in the store; its number back."""
    import json

    con.execute(CHANGES_TABLE)
    (next_id,) = con.execute(
        "SELECT coalesce(max(change_id), 0) + 1 FROM settings_changes").fetchone()
    message, values = summary
    con.execute("INSERT INTO settings_changes VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [next_id, dt.datetime.now().replace(microsecond=0), username, source,
                 message.format(**values), before, after, message,
                 json.dumps(values, ensure_ascii=False)])
    return int(next_id)


def save_settings(con: Any, path: Path, text: str, username: str, source: str,
                  summary: Summary) -> int | None:
    """Parse, write and record a new settings text; the change's number, or None when the text
    is what the file holds already. Raises SettingsError (nothing written) when it does not
    parse."""
    text = text.replace("\r\n", "\n")
    parse_settings(text, str(path))
    before = path.read_text("utf-8") if path.exists() else ""
    if before == text:
        return None
    write_text(path, text)
    return record(con, username, source, summary, before, text)


_COLUMNS = ("change_id, changed_at, username, source, summary, before_text, after_text, message,"
            " message_values")


def _change(row: tuple[Any, ...]) -> Change:
    import json

    (change_id, changed_at, username, source, summary, before_text, after_text, message,
     values) = row
    return Change(change_id, changed_at, username, source, summary, before_text, after_text,
                  message=message, values=json.loads(values) if values else {})


def changes(con: Any, limit: int = 100) -> list[Change]:
    con.execute(CHANGES_TABLE)
    rows = con.execute(f"SELECT {_COLUMNS} FROM settings_changes ORDER BY change_id DESC"
                       " LIMIT ?", [limit]).fetchall()
    return [_change(row) for row in rows]


def change(con: Any, change_id: int) -> Change:
    con.execute(CHANGES_TABLE)
    row = con.execute(f"SELECT {_COLUMNS} FROM settings_changes WHERE change_id = ?",
                      [change_id]).fetchone()
    if row is None:
        raise ClientloadError(f"no settings change number {change_id}")
    return _change(row)


def roll_back(con: Any, path: Path, change_id: int, username: str) -> int | None:
    """Put the settings back as they were before change `change_id` (later changes are undone
    with it); recorded as a change of its own."""
    old = change(con, change_id)
    later = con.execute("SELECT count(*) FROM settings_changes WHERE change_id > ?",
                        [change_id]).fetchone()[0]
    summary: Summary = ((ROLLBACK_LATER, {"number": change_id, "later": later}) if later
                        else (ROLLBACK, {"number": change_id}))
    return save_settings(con, path, old.before_text, username, "rollback", summary)
