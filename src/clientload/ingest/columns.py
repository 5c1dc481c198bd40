"""Which column of a staged file (or of a lookup, or a constant) feeds each contract column.

The answer is a `ColumnSource` per contract column and a list of derived columns. Explicit
mapping entries win, then the contract's names and synonyms (`synonyms.py`); a required column
that is still missing is a one-line error naming the file, the table, the column and the headers
that were found.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from clientload.errors import ClientloadError
from clientload.ingest.expression import Binary, Expr, Name, names_in
from clientload.ingest.mapping import Mapping
from clientload.ingest.synonyms import match_headers, normalise_header
from clientload.messages import Message
from clientload.schema import Table


@dataclass(frozen=True)
class ColumnSource:
    """Where a contract column's values come from."""

    target: str
    position: int | None  # index into the headers (None: a constant only)
    label: str  # how rejects name it: the header, with the contract name when they differ
    constant: str | None = None


@dataclass(frozen=True)
class Derived:
    target: str
    expr: Expr
    text: str


@dataclass
class ColumnPlan:
    sources: dict[str, ColumnSource]
    derived: list[Derived]
    operands: dict[str, int]  # derive names that are not contract columns -> header position
    notes: list[str] = field(default_factory=list)
    fallbacks: dict[str, Derived] = field(default_factory=dict)  # used where the cell is empty
    values: dict[str, dict[str, str]] = field(default_factory=dict)  # [values] of fed columns
    missing: list[str] = field(default_factory=list)  # required columns not found (preview only)


def find_header(headers: list[str], name: str) -> int | None:
    """The position of `name` among the headers: exact first, then case/space-insensitive."""
    if name in headers:
        return headers.index(name)
    wanted = normalise_header(name)
    for i, header in enumerate(headers):
        if normalise_header(header) == wanted:
            return i
    return None


def named_header(headers: list[str], header: str, where: str, purpose: str) -> int:
    """The position of a header a mapping file names; one line naming what the file has if not.
    `where` and `purpose` are messages ("mapping … [exclude]", "for client_id")."""
    position = find_header(headers, header)
    if position is None:
        raise ClientloadError(Message(
            "{where} names column {header!r} {purpose}, but the file has only: {headers}",
            where=where, header=header, purpose=purpose, headers=_listing(headers),
        ))
    return position


def _label(header: str, target: str) -> str:
    same = normalise_header(header) == normalise_header(target)
    return header if same else f"{header} ({target})"


def plan_columns(
    table: Table,
    headers: list[str],
    mapping: Mapping,
    file: Path,
    used: set[int] | None = None,
    read: set[int] | frozenset[int] = frozenset(),
    keys: set[int] | frozenset[int] = frozenset(),
    require: bool = True,
) -> ColumnPlan:
    """Decide the source of every contract column of `table` for a file with `headers`.

    `used` holds positions already taken; they are not reported as ignored.
    `read` holds positions other rules read ([exclude]): still free to match, never "not used".
    `keys` holds lookup keys: free to match like any column, and named as such when not used.
    `require=False` (the preview) lists missing required columns in `missing` instead of raising.
    """
    taken = set(used or ())
    sources: dict[str, ColumnSource] = {}
    for target, header in mapping.columns.items():
        position = named_header(
            headers, header, Message("{file}: mapping {mapping}", file=file, mapping=mapping.path),
            Message("for {column}", column=target),
        )
        sources[target] = ColumnSource(target, position, _label(headers[position], target))
        taken.add(position)
    derived = [Derived(t, e, mapping.derive_text[t]) for t, e in mapping.derive.items()]
    derived_targets = {d.target for d in derived}
    wanted = [
        c for c in table.column_names
        if c not in sources and c not in derived_targets and c not in mapping.unmapped
    ]
    free = [h if i not in taken else "\0" for i, h in enumerate(headers)]
    for target, position in match_headers(table.name, wanted, free).items():
        sources[target] = ColumnSource(target, position, _label(headers[position], target))
        taken.add(position)

    notes: list[str] = []
    for target, value in mapping.constants.items():
        if target not in table.column_names:
            notes.append(Message("constant {column} = {value!r} ignored: {table} has no such "
                                 "column", column=target, value=value, table=table.name))
            continue
        current = sources.get(target)
        if current is None:
            sources[target] = ColumnSource(target, None, target, value)
        else:
            sources[target] = ColumnSource(target, current.position, current.label, value)

    no_revenue = "revenue" not in sources and "revenue" not in derived_targets
    times = Binary("*", Name("quantity"), Name("price"))
    from_price = Derived("revenue", times, "quantity * price")
    fallbacks: dict[str, Derived] = {}
    if table.name == "sales" and no_revenue and "price" in sources:
        derived.append(from_price)
        notes.append(Message("revenue = quantity * price"))
    elif table.name == "sales" and "revenue" in sources and "price" in sources:
        fallbacks["revenue"] = from_price

    if table.name == "sales" and "cost" not in sources and "cost" not in derived_targets:
        notes.append(Message("no cost column: cost left empty, the model applies the assumed "
                             "margin"))

    operands: dict[str, int] = {}
    for d in derived:
        for name in names_in(d.expr):
            if name in table.column_names:
                if name not in sources:
                    raise ClientloadError(Message(
                        "{file}: [derive] {column} uses {name}, which the file does not have; "
                        "columns found: {headers}",
                        file=file, column=d.target, name=name, headers=_listing(headers),
                    ))
                continue
            found = find_header(headers, name)
            if found is None:
                raise ClientloadError(Message(
                    "{file}: [derive] {column} uses unknown column {name!r}; "
                    "columns found: {headers}",
                    file=file, column=d.target, name=name, headers=_listing(headers),
                ))
            operands[name] = found
            taken.add(found)

    have = set(sources) | {d.target for d in derived}
    missing = []
    for column in table.required:
        if column not in have:
            or_price = table.name == "sales" and column == "revenue"
            if not require:
                missing.append(Message("{column} (or price)", column=column) if or_price
                               else column)
                continue
            if or_price:
                raise ClientloadError(Message(
                    "{file}: table {table} needs column {column} (or price), not found; "
                    "columns found: {headers}; name it in a mapping file's [columns]",
                    file=file, table=table.name, column=column, headers=_listing(headers),
                ))
            raise ClientloadError(Message(
                "{file}: table {table} needs column {column}, not found; "
                "columns found: {headers}; name it in a mapping file's [columns]",
                file=file, table=table.name, column=column, headers=_listing(headers),
            ))
    ignored = [
        Message("{header} (lookup key only)", header=h) if i in keys else h
        for i, h in enumerate(headers) if i not in taken and i not in read
    ]
    if ignored:
        notes.append(Message("columns not used: {headers}", headers=_listing(ignored)))
    values = {}
    for target, words in mapping.values.items():
        if target in sources and sources[target].position is not None:
            values[target] = words
        else:
            notes.append(Message("[values.{column}] not used: no column of the file feeds "
                                 "{column}", column=target))
    return ColumnPlan(sources, derived, operands, notes, fallbacks, values, missing)


def _listing(headers: list[str]) -> Message:
    """The headers joined with ", " (the first 30, and how many there are in all)."""
    shown = [_shown_header(h) for h in headers[:30]]
    if len(headers) > 30:
        return Message("{headers:join:, }, … ({count} in all)", headers=shown,
                       count=len(headers))
    return Message("{headers:join:, }", headers=shown)


def _shown_header(header: str, width: int = 40) -> str:
    """A header fit for a one-line message: control characters as '?', at most `width` long
    (a binary file's 'header' is kilobytes of junk with line breaks in it)."""
    text = "".join(ch if ch.isprintable() else "?" for ch in header)
    if isinstance(header, Message):
        return header if len(text) <= width else text[: width - 1] + "…"
    return text if len(text) <= width else text[: width - 1] + "…"
