"""Importers for what telephony, mail and CRM systems export, turned into `interactions`.

`import_source(ws, files, source)` parses a system's own export (see `SOURCES` and
docs/sources.md), matches each call, message or activity to a client by CRM id, phone or e-mail,
stores the matched ones and reports the rest; the counts add up.
"""

from clientload.sources.importer import SOURCES, SourceImportResult, file_sha256, import_source
from clientload.sources.parties import normalise_phone
from clientload.sources.records import SKIP_REASONS

__all__ = [
    "SKIP_REASONS",
    "SOURCES",
    "SourceImportResult",
    "file_sha256",
    "import_source",
    "normalise_phone",
]
