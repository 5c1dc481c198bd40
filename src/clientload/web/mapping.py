"""The mapping screen's work that is not HTTP: uploads kept between requests, the screen's form
turned into a mapping file (TOML that `clientload import --mapping` accepts), and mappings saved
for the next file with the same headers.

An upload lives in `DIR/uploads/<token>/` (the file, `mapping.toml`, `upload.json`, and
`result.json` once imported) for a day. A mapping used for an import is saved as
`DIR/mappings/<table>-<signature>.toml`, the signature being the table and the file's headers: the
next upload with the same headers starts from it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import secrets
import shutil
import time
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from clientload.ingest.readers import EXCEL_SUFFIXES
from clientload.ingest.synonyms import normalise_header
from clientload.ingest.words import toml_string

UPLOADS = "uploads"
MAPPINGS = "mappings"
KEEP_SECONDS = 24 * 3600
TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}")
SAVED_NAME = re.compile(r"[a-z]+-[0-9a-f]{16}\.toml")
SECTIONS = ("options", "columns", "derive", "constants", "values", "lookup", "exclude")


@dataclass(frozen=True)
class Upload:
    """A file uploaded for the mapping screen and what the screen has made of it so far."""

    token: str
    folder: Path
    name: str
    table: str
    user: str
    saved_from: str = ""  # the saved mapping it started from, if any

    @property
    def path(self) -> Path:
        return self.folder / self.name

    @property
    def mapping_path(self) -> Path:
        return self.folder / "mapping.toml"

    @property
    def is_workbook(self) -> bool:
        return self.path.suffix.lower() in EXCEL_SUFFIXES

    def doc(self) -> dict[str, Any]:
        """The current mapping as a TOML document (empty when there is none yet)."""
        if not self.mapping_path.is_file():
            return {}
        return tomllib.loads(self.mapping_path.read_text("utf-8"))

    def mapping(self) -> Path | None:
        return self.mapping_path if self.mapping_path.is_file() else None

    def save(self, doc: dict[str, Any], table: str | None = None) -> Upload:
        self.mapping_path.write_text(toml_text(doc, table or self.table, self.name), "utf-8")
        if table and table != self.table:
            changed = Upload(self.token, self.folder, self.name, table, self.user,
                             self.saved_from)
            changed.write_state()
            return changed
        return self

    def write_state(self) -> None:
        state = {"name": self.name, "table": self.table, "user": self.user,
                 "saved_from": self.saved_from}
        (self.folder / "upload.json").write_text(json.dumps(state), "utf-8")

    def result(self) -> dict[str, Any] | None:
        path = self.folder / "result.json"
        return json.loads(path.read_text("utf-8")) if path.is_file() else None

    def write_result(self, result: dict[str, Any]) -> None:
        (self.folder / "result.json").write_text(json.dumps(result), "utf-8")


def uploads_dir(ws: Any) -> Path:
    return Path(ws.root) / UPLOADS


def new_upload(ws: Any, name: str, source: Any, table: str, user: str) -> Upload:
    """Keep an uploaded file (a binary stream) under a new token; older uploads are removed."""
    remove_old_uploads(ws)
    token = secrets.token_urlsafe(18)
    folder = uploads_dir(ws) / token
    folder.mkdir(parents=True)
    with (folder / name).open("wb") as handle:
        shutil.copyfileobj(source, handle)
    upload = Upload(token, folder, name, table, user)
    upload.write_state()
    return upload


def open_upload(ws: Any, token: str) -> Upload | None:
    """The upload of `token`, or None when there is no such upload (any more)."""
    if not TOKEN.fullmatch(token):
        return None
    folder = uploads_dir(ws) / token
    try:
        state = json.loads((folder / "upload.json").read_text("utf-8"))
    except (OSError, ValueError):
        return None
    return Upload(token, folder, state["name"], state["table"], state["user"],
                  state.get("saved_from", ""))


def remove_old_uploads(ws: Any, now: float | None = None) -> None:
    """Uploads older than a day go: the mapping screen is a step, not a store of files."""
    folder = uploads_dir(ws)
    if not folder.is_dir():
        return
    limit = (now or time.time()) - KEEP_SECONDS
    for entry in folder.iterdir():
        if entry.is_dir() and entry.stat().st_mtime < limit:
            shutil.rmtree(entry, ignore_errors=True)


def signature(table: str, headers: list[str]) -> str:
    text = "\n".join([table, *(normalise_header(h) for h in headers)])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def saved_path(ws: Any, table: str, headers: list[str]) -> Path:
    return Path(ws.root) / MAPPINGS / f"{table}-{signature(table, headers)}.toml"


def save_for_next_time(ws: Any, upload: Upload, headers: list[str]) -> Path:
    """The upload's mapping, kept for the next file of `table` with these headers."""
    target = saved_path(ws, upload.table, headers)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(upload.mapping_path, target)
    return target


def saved_for(ws: Any, table: str, headers_by_sheet: dict[str | None, list[str]]
              ) -> tuple[str | None, Path] | None:
    """A mapping saved for a file with the same headers: (the sheet it reads, its path)."""
    for sheet, headers in headers_by_sheet.items():
        path = saved_path(ws, table, headers)
        if path.is_file():
            return sheet, path
    return None


def toml_text(doc: dict[str, Any], table: str, file_name: str) -> str:
    """A mapping document as TOML, with a comment saying how to use it."""
    lines = [
        f"# clientload mapping for table {table}, made in the web app for {file_name}",
        f"# ({dt.date.today().isoformat()}). Use it from the command line with",
        f"#   clientload import DIR FILE --table {table} --mapping THIS.toml",
    ]
    for section in SECTIONS:
        body = doc.get(section)
        if not body:
            continue
        if section in ("values", "lookup"):
            for name, inner in body.items():
                if inner:
                    lines += ["", f"[{section}.{_key(name)}]",
                              *(f"{_key(k)} = {_value(v)}" for k, v in inner.items())]
        else:
            lines += ["", f"[{section}]", *(f"{_key(k)} = {_value(v)}" for k, v in body.items())]
    return "\n".join(lines) + "\n"


def _key(text: str) -> str:
    return text if re.fullmatch(r"[A-Za-z0-9_-]+", text) else toml_string(text)


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    return toml_string(str(value))
