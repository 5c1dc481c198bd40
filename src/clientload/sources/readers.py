"""Reading source exports: CSV with or without a header, JSON in the shapes the APIs return,
and the time and duration notations they use."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from clientload.sources.config import SourceConfig
from clientload.sources.records import source_error

Row = dict[str, str]

# Local notations seen in exports, tried after ISO 8601. Day-first with dots (Russian), month-first
# with slashes (US English, as 3CX writes them).
_TIME_FORMATS = (
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y %H:%M",
    "%d.%m.%Y",
    "%m/%d/%Y %I:%M:%S %p",
    "%m/%d/%Y %I:%M %p",
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y %H:%M",
    "%Y/%m/%d %H:%M:%S",
)


def read_text(path: Path) -> str:
    """The file's text: UTF-8 (with or without BOM), else Windows-1251 (older Russian exports)."""
    data = path.read_bytes()
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # "Unicode text" saved by Windows tools
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1251", errors="replace")


def _dialect(sample: str) -> type[csv.Dialect] | csv.Dialect:
    first = sample.splitlines()[0] if sample else ""
    counts = {d: first.count(d) for d in (",", ";", "\t")}
    delimiter = max(counts, key=lambda d: counts[d])
    return type("Sniffed", (csv.excel,), {"delimiter": delimiter if counts[delimiter] else ","})


def csv_lines(path: Path) -> Iterator[tuple[int, list[str]]]:
    """(line number where the record starts, fields) for each non-empty CSV record."""
    text = read_text(path)
    reader = csv.reader(io.StringIO(text, newline=""), _dialect(text[:4096]))
    start = 1
    for fields in reader:
        if any(f.strip() for f in fields):
            yield start, fields
        start = reader.line_num + 1


def csv_rows(path: Path, required: Iterable[str], what: str) -> list[tuple[int, Row]]:
    """Rows of a CSV with a header, keys lower-cased; a missing required column is an error."""
    lines = csv_lines(path)
    first = next(lines, None)
    if first is None:
        return []
    header = [h.strip().lower() for h in first[1]]
    _require(path, first[0], header, required, what)
    rows = []
    for line, fields in lines:
        if len(fields) > len(header) and any(f.strip() for f in fields[len(header) :]):
            raise source_error(
                path,
                line,
                f"{len(fields)} fields but the header has {len(header)}; expected {what}",
            )
        rows.append(
            (line, {h: (fields[i] if i < len(fields) else "") for i, h in enumerate(header)})
        )
    return rows


def _require(path: Path, line: int, columns: Iterable[str], required: Iterable[str], what: str):
    present = set(columns)
    missing = [r for r in required if not any(alt in present for alt in r.split("|"))]
    if missing:
        names = ", ".join(m.replace("|", " or ") for m in missing)
        raise source_error(path, line, f"no column {names}; expected {what}")


def flatten(record: dict[str, Any], prefix: str = "") -> Row:
    """Nested JSON objects as dotted lower-case keys (`params.duration`); lists as JSON text."""
    out: Row = {}
    for key, value in record.items():
        name = f"{prefix}{str(key).lower()}"
        if isinstance(value, dict):
            out.update(flatten(value, name + "."))
        elif isinstance(value, list):
            out[name] = json.dumps(value, ensure_ascii=False)
        elif value is None:
            out[name] = ""
        else:
            out[name] = str(value)
    return out


def json_items(path: Path, what: str, containers: tuple[str, ...] = ("result",)) -> list[Any]:
    """The list of records in a JSON export: a bare list or one under a known key (`result`, …)."""
    try:
        data = json.loads(read_text(path))
    except json.JSONDecodeError as exc:
        raise source_error(
            path, exc.lineno, f"not valid JSON ({exc.msg}); expected {what}"
        ) from None
    found: Any = data if isinstance(data, list) else None
    for key in containers if found is None else ():
        node: Any = data
        for step in key.split("."):
            node = node.get(step) if isinstance(node, dict) else None
        if isinstance(node, dict):  # Bitrix24's newer methods wrap the list as {"items": [...]}
            node = node.get("items")
        if isinstance(node, list):
            found = node
            break
    if not isinstance(found, list) or not all(isinstance(x, dict) for x in found):
        keys = ", ".join(containers)
        raise source_error(
            path, None, f"expected {what}: a JSON list of objects or one under {keys}"
        )
    return found


def is_json(path: Path) -> bool:
    if path.suffix.lower() == ".json":
        return True
    head = read_text(path)[:200].lstrip()
    return head.startswith(("[", "{"))


def table_rows(
    path: Path, required: Iterable[str], what: str, containers: tuple[str, ...] = ("result",)
) -> list[tuple[int, Row]]:
    """Rows of a JSON or CSV export alike: (line or position, lower-case keyed fields)."""
    if not is_json(path):
        return csv_rows(path, required, what)
    rows = [(i, flatten(item)) for i, item in enumerate(json_items(path, what, containers), 1)]
    if rows:
        _require(path, rows[0][0], _keys(rows), required, what)
    return rows


def _keys(rows: list[tuple[int, Row]]) -> set[str]:
    keys: set[str] = set()
    for _, row in rows:
        keys.update(row)
    return keys


def pick(row: Row, *names: str) -> str:
    """The first non-empty value among alternative column names."""
    for name in names:
        value = row.get(name, "")
        if value not in ("", None):
            return str(value).strip()
    return ""


def parse_time(text: str, cfg: SourceConfig, path: Path, line: int, column: str) -> datetime | None:
    """A source time as naive UTC; empty is None; unreadable is an error naming the column."""
    value = text.strip()
    if not value:
        return None
    if re.fullmatch(r"\d{9,13}", value):
        return from_epoch(int(value), milliseconds=len(value) > 11)
    for fmt in (None, *_TIME_FORMATS):
        try:
            moment = datetime.fromisoformat(value) if fmt is None else datetime.strptime(value, fmt)
        except ValueError:
            continue
        if len(value) <= 10:
            # A date alone means that day: noon local keeps it on the same day in UTC too.
            moment = moment.replace(hour=12)
        return cfg.to_utc(moment)
    raise source_error(
        path,
        line,
        f"column {column} is {value!r}; expected a date and time such as 2024-03-05 10:15:00",
    )


def from_epoch(value: float, milliseconds: bool = False) -> datetime:
    seconds = value / 1000 if milliseconds else value
    return datetime.fromtimestamp(seconds, UTC).replace(tzinfo=None)


def parse_number(text: str, path: Path, line: int, column: str) -> float | None:
    value = text.strip().replace(",", ".")
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        raise source_error(path, line, f"column {column} is {text!r}; expected a number") from None


def clock_minutes(text: str, path: Path, line: int, column: str) -> float | None:
    """HH:MM:SS (or MM:SS, or plain seconds) as minutes."""
    value = text.strip()
    if not value:
        return None
    parts = value.split(":")
    try:
        numbers = [float(p) for p in parts]
    except ValueError:
        raise source_error(path, line, f"column {column} is {text!r}; expected HH:MM:SS") from None
    if len(numbers) == 1:
        return numbers[0] / 60
    seconds = 0.0
    for n in numbers:
        seconds = seconds * 60 + n
    return seconds / 60
