"""Looking at a text file before DuckDB reads it: fingerprint, encoding, delimiter, line count.

One streaming pass computes the sha256 (to skip a file imported before), checks that the bytes are
valid UTF-8 (else the file is read as Windows-1251, the encoding of 1С exports) and counts line
breaks (to tell whether record numbers equal line numbers). Files that are not UTF-8 are transcoded
to a temporary UTF-8 file in chunks, since DuckDB reads only UTF-8 without extensions.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

CHUNK = 1 << 22
DELIMITERS = (",", ";", "\t", "|")


@dataclass(frozen=True)
class FileScan:
    sha256: str
    encoding: str  # "utf-8", "utf-8-sig", "utf-16" or "cp1251"
    newlines: int
    ends_with_newline: bool
    size: int


def file_sha256(path: Path) -> str:
    """The sha256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def scan_file(path: Path) -> FileScan:
    """Fingerprint, encoding guess and line-break count of a text file in one pass."""
    digest = hashlib.sha256()
    decoder = codecs.getincrementaldecoder("utf-8")()
    utf8 = True
    newlines = 0
    last = b""
    size = 0
    first = b""
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            if not first:
                first = chunk[:4]
            digest.update(chunk)
            newlines += chunk.count(b"\n")
            size += len(chunk)
            last = chunk[-1:]
            if utf8:
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError:
                    utf8 = False
    if first.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    elif first.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    elif utf8:
        try:
            decoder.decode(b"", final=True)
            encoding = "utf-8"
        except UnicodeDecodeError:
            encoding = "cp1251"
    else:
        encoding = "cp1251"
    return FileScan(digest.hexdigest(), encoding, newlines, last == b"\n", size)


def transcode_to_utf8(source: Path, encoding: str, target: Path) -> tuple[int, bool]:
    """Write `source` decoded from `encoding` as UTF-8 (no BOM) to `target`, chunk by chunk.

    Returns the number of line breaks written and whether the text ends with one.
    """
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    newlines, last = 0, ""
    with source.open("rb") as src, target.open("w", encoding="utf-8", newline="") as dst:
        while True:
            chunk = src.read(CHUNK)
            text = decoder.decode(chunk, final=not chunk)
            if text.startswith("\ufeff") and not newlines and not last:
                text = text[1:]
            newlines += text.count("\n")
            last = text[-1:] or last
            dst.write(text)
            if not chunk:
                break
    return newlines, last == "\n"


def read_sample(path: Path, encoding: str, size: int = 1 << 16) -> str:
    """The first `size` bytes of the file as text (the last, possibly cut, line dropped)."""
    with path.open("rb") as handle:
        raw = handle.read(size)
    text = raw.decode(encoding, errors="replace")
    if len(raw) == size and "\n" in text:
        text = text[: text.rindex("\n") + 1]
    return text.lstrip("\ufeff")


def sniff_delimiter(sample: str, skip_rows: int = 0) -> str:
    """The delimiter that splits the sample's lines into the same, largest number of fields.

    Each candidate is tried with a real CSV parser (so delimiters inside quotes do not count); the
    winner gives the header more than one field and the most rows with the header's field count.
    """
    best, best_score = ",", (-1, -1)
    for delimiter in DELIMITERS:
        try:
            rows = list(csv.reader(io.StringIO(sample), delimiter=delimiter))[skip_rows:][:50]
        except csv.Error:
            continue
        rows = [r for r in rows if r]
        if not rows:
            continue
        width = len(rows[0])
        if width < 2:
            continue
        agreeing = sum(1 for r in rows if len(r) == width)
        score = (agreeing, width)
        if score > best_score:
            best, best_score = delimiter, score
    return best
