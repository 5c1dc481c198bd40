"""Reading a CSV, XLSX or Parquet file into a DuckDB staging table, every value kept.

A staged file is a temporary view with the file's columns renamed `c0, c1, ...` (headers are kept
aside, so no header text ever reaches SQL), `_line` (the line of the row in the file, the header
being line 1) and `_shape` (a reason when the line itself is malformed, e.g. too many fields).
CSV columns are all VARCHAR so nothing can fail while parsing; Parquet keeps its own types.
"""

from __future__ import annotations

import csv
import itertools
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from clientload.errors import ClientloadError
from clientload.ingest.reasons import TOO_MANY_FIELDS
from clientload.ingest.sniff import (
    FileScan,
    read_sample,
    scan_file,
    sniff_delimiter,
    transcode_to_utf8,
)
from clientload.messages import Message

if TYPE_CHECKING:
    import duckdb

TEXT_SUFFIXES = {".csv", ".txt", ".tsv", ".tab"}
EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"}
PARQUET_SUFFIXES = {".parquet", ".pq"}
BATCH = 200_000


@dataclass
class Staged:
    """A file staged in DuckDB: the view's name, the headers by position and their types."""

    view: str
    headers: list[str]
    types: list[str]
    rows: int
    sha256: str
    delimiter: str | None = None
    notes: list[str] = field(default_factory=list)
    sheet: str | None = None  # a workbook's sheet that was read, and all its sheets
    sheets: list[str] = field(default_factory=list)


def sql_string(text: str) -> str:
    """A SQL string literal (for paths and values the program chose or validated)."""
    return "'" + text.replace("'", "''") + "'"


def quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def stage_file(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    name: str,
    options: dict[str, Any],
    workdir: Path,
    scan: FileScan | None = None,
) -> Staged:
    """Stage `path` as the temporary view `name`; errors are ClientloadErrors naming the file."""
    if not path.is_file():
        if path.is_dir():
            raise ClientloadError(Message("{path}: is a folder; name the files in it", path=path))
        raise ClientloadError(Message("{path}: file not found", path=path))
    suffix = path.suffix.lower()
    sha256 = scan.sha256 if scan else None
    if suffix in PARQUET_SUFFIXES:
        return _stage_parquet(con, path, name, sha256)
    if suffix in EXCEL_SUFFIXES:
        return _stage_excel(con, path, name, options, sha256)
    return _stage_text(con, path, name, options, workdir, scan or scan_file(path))


def _stage_parquet(
    con: duckdb.DuckDBPyConnection, path: Path, name: str, sha: str | None
) -> Staged:
    from clientload.ingest.sniff import file_sha256

    source = f"read_parquet({sql_string(str(path))}, file_row_number=true)"
    try:
        described = con.execute(f"DESCRIBE SELECT * FROM {source}").fetchall()
    except Exception as exc:
        raise ClientloadError(Message("{path}: not a readable Parquet file ({problem})",
                                      path=path, problem=_first_line(exc))) from exc
    columns = [(r[0], r[1]) for r in described if r[0] != "file_row_number"]
    select = ", ".join(f"{quote_ident(c)} AS c{i}" for i, (c, _) in enumerate(columns))
    con.execute(
        f"CREATE OR REPLACE TEMP VIEW {name} AS SELECT {select}, "
        f"file_row_number + 1 AS _line, NULL::VARCHAR AS _shape FROM {source}"
    )
    rows = con.execute(f"SELECT count(*) FROM {source}").fetchone()[0]  # type: ignore[index]
    headers, types = [c for c, _ in columns], [t for _, t in columns]
    return Staged(name, headers, types, rows, sha or file_sha256(path))


def _stage_excel(
    con: duckdb.DuckDBPyConnection, path: Path, name: str, options: dict[str, Any], sha: str | None
) -> Staged:
    from python_calamine import CalamineWorkbook

    from clientload.ingest.sniff import file_sha256

    try:
        book = CalamineWorkbook.from_path(str(path))
    except Exception as exc:
        raise ClientloadError(Message("{path}: not a readable workbook ({problem})",
                                      path=path, problem=_first_line(exc))) from exc
    wanted = options.get("sheet")
    names = book.sheet_names
    if wanted is None:
        sheet_name = names[0]
    elif isinstance(wanted, int) or str(wanted).isdigit():
        index = int(wanted) - 1
        if not 0 <= index < len(names):
            raise ClientloadError(Message("{path}: no sheet number {wanted}; it has {count}",
                                          path=path, wanted=wanted, count=len(names)))
        sheet_name = names[index]
    elif wanted in names:
        sheet_name = str(wanted)
    else:
        raise ClientloadError(Message("{path}: no sheet {wanted!r}; sheets: {sheets}",
                                      path=path, wanted=wanted, sheets=", ".join(names)))
    sheet = book.get_sheet_by_name(sheet_name)
    rows = sheet.to_python(skip_empty_area=False)
    skip = int(options.get("skip_rows", 0))
    if len(rows) <= skip:
        raise ClientloadError(Message("{path}: sheet {sheet!r} has no header row", path=path,
                                      sheet=sheet_name))
    headers = _dedupe([_cell_text(v) or f"column{i + 1}" for i, v in enumerate(rows[skip])])
    width = len(headers)
    body = ((skip + 2 + i, r) for i, r in enumerate(rows[skip + 1 :]))
    records = (
        (line, [_cell_text(v) for v in r[:width]], _shape_reason(len(_trim(r)), width))
        for line, r in body
        if any(v not in ("", None) for v in r)
    )
    count = _load_records(con, name, width, records)
    notes: list[str] = [Message("sheet {sheet!r}", sheet=sheet_name)] if len(names) > 1 else []
    return Staged(name, headers, ["VARCHAR"] * width, count, sha or file_sha256(path), notes=notes,
                  sheet=sheet_name, sheets=list(names))


def _trim(row: list[Any]) -> list[Any]:
    """The row without empty trailing cells (a trailing delimiter is not an extra field)."""
    end = len(row)
    while end and (row[end - 1] is None or str(row[end - 1]).strip() == ""):
        end -= 1
    return row[:end]


def _cell_text(value: Any) -> str | None:
    """Text of a spreadsheet cell as the text parsers expect it (dates as ISO, 3.0 as 3)."""
    import datetime as dt

    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return str(value.total_seconds() / 86400)
    return str(value)


def _stage_text(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    name: str,
    options: dict[str, Any],
    workdir: Path,
    scan: FileScan,
) -> Staged:
    notes: list[str] = []
    encoding = options.get("encoding") or scan.encoding
    text_path, newlines, ends_newline = path, scan.newlines, scan.ends_with_newline
    if encoding not in ("utf-8", "utf-8-sig"):
        text_path = workdir / f"{name}.utf8.csv"
        newlines, ends_newline = transcode_to_utf8(path, encoding, text_path)
        shown = "windows-1251" if encoding in ("cp1251", "windows-1251") else encoding
        notes.append(Message("encoding {encoding}", encoding=shown))
    elif encoding == "utf-8-sig":
        notes.append(Message("encoding utf-8 with BOM"))
    skip = int(options.get("skip_rows", 0))
    sample = read_sample(text_path, "utf-8")
    if not sample.strip():
        raise ClientloadError(Message("{path}: the file is empty", path=path))
    delimiter = options.get("delimiter") or sniff_delimiter(sample, skip)
    if delimiter != ",":
        notes.append(Message("delimiter tab") if delimiter == "\t"
                     else Message("delimiter {delimiter!r}", delimiter=delimiter))
    staged = _stage_csv_duckdb(con, text_path, name, delimiter, skip)
    physical = newlines + (0 if ends_newline else 1)
    if staged is None or physical != staged[1] + 1 + skip:
        # Blank lines, line breaks inside quotes or malformed lines: record numbers are not line
        # numbers any more, so read with Python's csv module, which knows both.
        try:
            staged = _stage_csv_python(con, text_path, name, delimiter, skip)
        except UnicodeDecodeError as exc:
            # A UTF-8 byte-order mark in front of bytes that are not UTF-8 (e.g. windows-1252).
            raise ClientloadError(Message(
                "{path}: starts with a UTF-8 byte-order mark but byte {byte} of a line is "
                "not UTF-8; save the file as UTF-8 or give --encoding", path=path, byte=exc.start,
            )) from exc
    headers, rows = staged
    return Staged(name, headers, ["VARCHAR"] * len(headers), rows, scan.sha256, delimiter, notes)


def _stage_csv_duckdb(
    con: duckdb.DuckDBPyConnection, path: Path, name: str, delimiter: str, skip: int
) -> tuple[list[str], int] | None:
    source = (
        f"read_csv({sql_string(str(path))}, all_varchar=true, header=true, skip={skip}, "
        f"delim={sql_string(delimiter)}, quote='\"', escape='\"')"
    )
    try:
        headers = [r[0] for r in con.execute(f"DESCRIBE SELECT * FROM {source}").fetchall()]
        select = ", ".join(f"{quote_ident(h)} AS c{i}" for i, h in enumerate(headers))
        con.execute(f"CREATE OR REPLACE TEMP TABLE {name}_raw AS SELECT {select} FROM {source}")
    except Exception:
        return None
    # Row ids of a temporary table do not start at 0 but are consecutive in file order.
    counted = con.execute(f"SELECT count(*), min(rowid) FROM {name}_raw").fetchone()
    rows, first = counted if counted else (0, 0)
    con.execute(
        f"CREATE OR REPLACE TEMP VIEW {name} AS SELECT *, rowid - {int(first or 0)} + {skip + 2} "
        f"AS _line, NULL::VARCHAR AS _shape FROM {name}_raw"
    )
    return headers, rows


def _stage_csv_python(
    con: duckdb.DuckDBPyConnection, path: Path, name: str, delimiter: str, skip: int
) -> tuple[list[str], int]:
    with path.open(encoding="utf-8", newline="") as handle:
        for _ in range(skip):
            handle.readline()
        reader = csv.reader(handle, delimiter=delimiter, quotechar='"', doublequote=True)
        try:
            header_row = next(reader)
            while not any(h.strip() for h in header_row):  # blank lines above the header
                header_row = next(reader)
        except StopIteration as exc:
            raise ClientloadError(Message("{path}: the file has no header line",
                                          path=path)) from exc
        except csv.Error as exc:
            raise ClientloadError(Message("{path}: cannot read the header line ({problem})",
                                          path=path, problem=str(exc))) from exc
        headers = _dedupe([h.strip() or f"column{i}" for i, h in enumerate(header_row)])
        width = len(headers)

        def records() -> Any:
            previous = reader.line_num + skip
            try:
                for row in reader:
                    start, previous = previous + 1, reader.line_num + skip
                    if not row:
                        continue
                    values = [v if v != "" else None for v in row[:width]]
                    yield start, values, _shape_reason(len(_trim(row)), width)
            except csv.Error as exc:
                raise ClientloadError(Message(
                    "{path}: line {line}: cannot read CSV ({problem})",
                    path=path, line=reader.line_num + skip, problem=str(exc),
                )) from exc

        return headers, _load_records(con, name, width, records())


def _shape_reason(found: int, width: int) -> str | None:
    if found > width:
        return TOO_MANY_FIELDS.format(found=found, width=width)
    return None


def _load_records(con: duckdb.DuckDBPyConnection, name: str, width: int, records: Any) -> int:
    """Insert (line, values, shape) records into `{name}_raw` in batches; create the view."""
    import pyarrow as pa

    schema = pa.schema(
        [*(pa.field(f"c{i}", pa.string()) for i in range(width)),
         pa.field("_line", pa.int64()), pa.field("_shape", pa.string())]
    )
    cols = ", ".join(f"c{i} VARCHAR" for i in range(width))
    con.execute(f"CREATE OR REPLACE TEMP TABLE {name}_raw ({cols}, _line BIGINT, _shape VARCHAR)")
    total = 0
    iterator = iter(records)
    while batch := list(itertools.islice(iterator, BATCH)):
        columns: list[list[Any]] = [[] for _ in range(width)]
        for _, values, _ in batch:
            for i in range(width):
                columns[i].append(values[i] if i < len(values) else None)
        arrays = [*columns, [b[0] for b in batch], [b[2] for b in batch]]
        table = pa.Table.from_arrays([pa.array(a, pa.string()) for a in arrays[:width]]
                                     + [pa.array(arrays[width], pa.int64()),
                                        pa.array(arrays[width + 1], pa.string())], schema=schema)
        con.register(f"{name}_batch", table)
        con.execute(f"INSERT INTO {name}_raw SELECT * FROM {name}_batch")
        con.unregister(f"{name}_batch")
        total += len(batch)
    con.execute(f"CREATE OR REPLACE TEMP VIEW {name} AS SELECT * FROM {name}_raw")
    return total


def _dedupe(headers: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    result = []
    for h in headers:
        if h in seen:
            seen[h] += 1
            result.append(f"{h}_{seen[h]}")
        else:
            seen[h] = 0
            result.append(h)
    return result


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def file_headers(path: Path) -> dict[str | None, list[str]]:
    """The header row of each sheet of a workbook, or of a text or Parquet file (key None), named
    as staging names them; read without loading the rows."""
    suffix = path.suffix.lower()
    if suffix in EXCEL_SUFFIXES:
        from python_calamine import CalamineWorkbook

        book = CalamineWorkbook.from_path(str(path))
        found: dict[str | None, list[str]] = {}
        for name in book.sheet_names:
            first = next(iter(book.get_sheet_by_name(name).iter_rows()), [])
            found[name] = _dedupe([_cell_text(v) or f"column{i + 1}" for i, v in enumerate(first)])
        return found
    if suffix in PARQUET_SUFFIXES:
        import pyarrow.parquet as pq

        return {None: list(pq.read_schema(path).names)}
    scan = scan_file(path)
    sample = read_sample(path, "utf-8" if scan.encoding.startswith("utf-8") else scan.encoding)
    rows = [r for r in csv.reader(sample.splitlines(), delimiter=sniff_delimiter(sample)) if r]
    return {None: _dedupe([h.strip() or f"column{i}" for i, h in enumerate(rows[0])] if rows
                          else [])}


def drop_staged(con: duckdb.DuckDBPyConnection, name: str) -> None:
    """Remove the staging view and table of `name`."""
    con.execute(f"DROP VIEW IF EXISTS {name}")
    con.execute(f"DROP TABLE IF EXISTS {name}_raw")
