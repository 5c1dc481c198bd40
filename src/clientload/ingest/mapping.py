"""Mapping files: how a user's export becomes one of the contract's tables (TOML, docs/data.md).

```toml
[columns]            # contract column = "Header in the file"
client_id = "Customer No"
[derive]             # contract column = arithmetic over columns and numbers
revenue = "quantity * unit_price * (1 - discount)"
[constants]          # contract column = value, where the file has no such column or it is empty
category = "Other"
[options]            # how to read the file when the guess is wrong
delimiter = ";"      # encoding, decimal, date_format, sheet, skip_rows
[lookup.orders]      # bring columns from another file (or sheet) by key
file = "orders.csv"  # relative to this mapping file, else to the data file; none: the data file
sheet = "Orders"     # for workbooks: the sheet, by name or number
key = "order_id"     # the column in the data file
on = "order_id"      # the column in the lookup file (default: same as key)
columns = ["customer_id", "order_date"]
required = true      # false: a key not found keeps the row, the brought columns empty
[values.urgent]      # contract column: what the file's words mean (trimmed, any case)
"Same Day" = true
```
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from clientload.errors import ClientloadError
from clientload.ingest.expression import Expr, parse_expression

OPTION_KEYS = ("delimiter", "encoding", "decimal", "date_format", "sheet", "skip_rows")
DATE_FORMATS = {
    "iso": "iso",
    "yyyy-mm-dd": "iso",
    "dd.mm.yyyy": "dmy.",
    "d.m.yyyy": "dmy.",
    "dd/mm/yyyy": "dmy/",
    "d/m/yyyy": "dmy/",
    "mm/dd/yyyy": "mdy/",
    "m/d/yyyy": "mdy/",
    "excel": "excel",
    "yyyymmdd": "ymd8",
}


@dataclass(frozen=True)
class Lookup:
    name: str
    file: Path | None  # None: the data file itself (another sheet of its workbook)
    key: str
    on: str
    columns: tuple[str, ...]
    prefix: str = ""
    sheet: str | int | None = None
    required: bool = True  # a key not found rejects the row; False keeps it


@dataclass(frozen=True)
class Mapping:
    columns: dict[str, str] = field(default_factory=dict)
    derive: dict[str, Expr] = field(default_factory=dict)
    derive_text: dict[str, str] = field(default_factory=dict)
    constants: dict[str, str] = field(default_factory=dict)
    options: dict[str, Any] = field(default_factory=dict)
    lookups: tuple[Lookup, ...] = ()
    path: Path | None = None
    # header → values: rows holding one of them are refused with the rule as their reason
    exclude: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # contract column → {word (trimmed, lower case): the text it stands for ("" = empty)}
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    # contract columns the mapping leaves empty on purpose ([columns] x = ""): no synonym fills them
    unmapped: frozenset[str] = frozenset()


def _table(doc: dict[str, Any], name: str, where: str) -> dict[str, Any]:
    value = doc.get(name, {})
    if not isinstance(value, dict):
        raise ClientloadError(f"{where}: [{name}] must be a table of key = value")
    return value


def _text(value: Any, where: str) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (str, int, float)):
        return str(value)
    raise ClientloadError(f"{where}: expected a text or a number, found {type(value).__name__}")


def load_mapping(
    path: Path,
    columns: list[str],
    options: dict[str, Any] | None = None,
    table: str | None = None,
) -> Mapping:
    """Read and check a mapping file for a table with `columns`; errors name the file and key.

    `options` given by the caller (e.g. `--sheet`) override the file's `[options]`. With the
    `table` named, `[values]` are checked against its columns' types too.
    """
    where = str(path)
    if not path.is_file():
        raise ClientloadError(f"mapping file {path} not found")
    try:
        text = path.read_text("utf-8")
        doc = tomllib.loads(text)
    except UnicodeDecodeError as exc:
        raise ClientloadError(f"{where}: not valid TOML: {exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ClientloadError(_placeholder_left(text, where) or f"{where}: not valid TOML: {exc}"
                              ) from exc
    known = {"columns", "derive", "constants", "options", "lookup", "exclude", "values"}
    for section in doc:
        if section not in known:
            raise ClientloadError(
                f"{where}: unknown section [{section}]; expected one of {', '.join(sorted(known))}"
            )
    mapped, unmapped = {}, set()
    for target, source in _table(doc, "columns", where).items():
        _check_target(target, columns, f"{where} [columns]")
        if not isinstance(source, str):
            raise ClientloadError(f"{where} [columns] {target}: expected a header name in quotes")
        if source.strip():
            mapped[target] = source
        else:
            unmapped.add(target)
    derive, derive_text = {}, {}
    for target, text in _table(doc, "derive", where).items():
        _check_target(target, columns, f"{where} [derive]")
        if not isinstance(text, str):
            raise ClientloadError(f"{where} [derive] {target}: expected an expression in quotes")
        derive[target] = parse_expression(text, f"{where} [derive] {target}")
        derive_text[target] = text
    constants = {
        target: _text(value, f"{where} [constants] {target}")
        for target, value in _table(doc, "constants", where).items()
    }
    exclude = {}
    for header, values in _table(doc, "exclude", where).items():
        listed = values if isinstance(values, list) else [values]
        texts = tuple(_text(v, f"{where} [exclude] {header}").strip() for v in listed)
        if not texts or not all(texts):
            raise ClientloadError(
                f"{where} [exclude] {header}: expected a value or a list of values to leave out"
            )
        exclude[header] = texts
    merged = {**_table(doc, "options", where), **(options or {})}
    return Mapping(
        columns=mapped,
        derive=derive,
        derive_text=derive_text,
        constants=constants,
        options=check_options(merged, where),
        lookups=_lookups(_table(doc, "lookup", where), where),
        path=path,
        exclude=exclude,
        values=value_maps(_table(doc, "values", where), columns, where, table),
        unmapped=frozenset(unmapped),
    )


def value_maps(
    section: dict[str, Any], columns: list[str], where: str, table: str | None = None
) -> dict[str, dict[str, str]]:
    """`[values.COLUMN]` sections: each word (compared trimmed, in any case) and the text it
    stands for; a yes/no or code column's values must be ones it can read."""
    from clientload.ingest.words import check_value

    maps: dict[str, dict[str, str]] = {}
    for target, words in section.items():
        here = f"{where} [values.{target}]"
        _check_target(target, columns, here)
        if not isinstance(words, dict):
            raise ClientloadError(f'{here}: expected lines of "word" = value')
        found: dict[str, str] = {}
        for word, value in words.items():
            key = word.strip().lower()
            if key in found:
                raise ClientloadError(
                    f"{here}: {word!r} is given twice (words are compared trimmed, in any case)"
                )
            text = _text(value, f"{here} {word!r}")
            if table is not None:
                check_value(table, target, text, f"{here} {word!r}")
            found[key] = text
        maps[target] = found
    return maps


def _placeholder_left(text: str, where: str) -> str | None:
    """The line of a `"word" = ?` left as the import's hint wrote it, if that is what broke."""
    import re

    for number, line in enumerate(text.splitlines(), start=1):
        if re.match(r"""\s*("[^"]*"|'[^']*'|[\w-]+)\s*=\s*\?""", line):
            return (
                f"{where} line {number}: replace the ? with what the word means "
                f"({line.split('#', 1)[1].strip() if '#' in line else 'a value'})"
            )
    return None


def _check_target(target: str, columns: list[str], where: str) -> None:
    if target not in columns:
        raise ClientloadError(
            f"{where}: {target!r} is not a column of this table; "
            f"expected one of {', '.join(columns)}"
        )


def check_options(options: dict[str, Any], where: str = "options") -> dict[str, Any]:
    """Validate reading options (from a mapping file or the caller); unknown keys are errors."""
    checked: dict[str, Any] = {}
    for key, value in options.items():
        if value is None:
            continue
        if key not in OPTION_KEYS:
            expected = ", ".join(OPTION_KEYS)
            raise ClientloadError(f"{where}: unknown option {key!r}; expected {expected}")
        if key == "delimiter":
            value = {"tab": "\t", "\\t": "\t", "comma": ",", "semicolon": ";"}.get(value, value)
            if not isinstance(value, str) or len(value) != 1:
                raise ClientloadError(f"{where}: delimiter must be one character, found {value!r}")
        elif key == "decimal":
            if value not in (",", "."):
                raise ClientloadError(f"{where}: decimal must be \",\" or \".\", found {value!r}")
        elif key == "date_format":
            if str(value).lower() not in DATE_FORMATS:
                raise ClientloadError(
                    f"{where}: date_format {value!r} unknown; "
                    f"expected one of {', '.join(DATE_FORMATS)}"
                )
            value = DATE_FORMATS[str(value).lower()]
        elif key == "skip_rows":
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise ClientloadError(f"{where}: skip_rows must be a whole number >= 0")
        elif key == "encoding":
            import codecs

            try:
                value = codecs.lookup(str(value)).name
            except LookupError as exc:
                raise ClientloadError(f"{where}: unknown encoding {value!r}") from exc
        elif key == "sheet" and not isinstance(value, (str, int)):
            raise ClientloadError(f"{where}: sheet must be a name or a number")
        checked[key] = value
    return checked


def _lookups(section: dict[str, Any], where: str) -> tuple[Lookup, ...]:
    found = []
    for name, spec in section.items():
        here = f"{where} [lookup.{name}]"
        if not isinstance(spec, dict):
            raise ClientloadError(f"{here}: expected file, key, on and columns")
        allowed = ("file", "sheet", "key", "on", "columns", "required", "prefix")
        unknown = set(spec) - set(allowed)
        if unknown:
            raise ClientloadError(
                f"{here}: unknown key {sorted(unknown)[0]!r}; expected {', '.join(allowed)}"
            )
        if "file" not in spec and "sheet" not in spec:
            raise ClientloadError(
                f"{here}: missing 'file' (or 'sheet', for another sheet of the data's workbook)"
            )
        for needed in ("key", "columns"):
            if needed not in spec:
                raise ClientloadError(f"{here}: missing {needed!r}")
        sheet = spec.get("sheet")
        if sheet is not None and (isinstance(sheet, bool) or not isinstance(sheet, (str, int))):
            raise ClientloadError(f"{here}: sheet must be a name in quotes or a number, 1 = first")
        required = spec.get("required", True)
        if not isinstance(required, bool):
            raise ClientloadError(f"{here}: required must be true or false")
        columns = spec["columns"]
        if isinstance(columns, str):
            columns = [columns]
        if not isinstance(columns, list) or not all(isinstance(c, str) for c in columns):
            raise ClientloadError(f"{here}: columns must be a list of header names")
        found.append(
            Lookup(
                name=name,
                file=Path(str(spec["file"])) if "file" in spec else None,
                key=str(spec["key"]),
                on=str(spec.get("on", spec["key"])),
                columns=tuple(columns),
                prefix=str(spec.get("prefix", "")),
                sheet=sheet,
                required=required,
            )
        )
    return tuple(found)


def resolve_lookup_file(lookup: Lookup, mapping_dir: Path | None, data_file: Path) -> Path:
    """The lookup's file: absolute as written, else next to the mapping file, else next to the
    data file; with no file named, the data file itself."""
    if lookup.file is None:
        return data_file
    if lookup.file.is_absolute():
        candidates = [lookup.file]
    else:
        candidates = [d / lookup.file for d in (mapping_dir, data_file.parent) if d is not None]
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    tried = " or ".join(str(c) for c in candidates)
    raise ClientloadError(
        f"lookup {lookup.name}: file {lookup.file} not found (looked for {tried})"
    )
