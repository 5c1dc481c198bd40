"""Importing users' exports (CSV, XLSX, Parquet) into the contract's input tables.

`import_files(ws, files, table, mapping=None, progress=None, **options) -> ImportResult` is the one
entry point; docs/data.md describes formats, synonyms, mapping files, rejects and transactions.
"""

from clientload.ingest.load import ImportResult, import_files

__all__ = ["ImportResult", "import_files"]
