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
    """The position of a header a mapping file names; one line naming what the file has if not."""
    position = find_header(headers, header)
    if position is None:
        raise ClientloadError(
            f"{where} names column {header!r} {purpose}, but the file has only: "
            f"{_listing(headers)}"
        )
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
        position = named_header(headers, header, f"{file}: mapping {mapping.path}", f"for {target}")
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
            notes.append(f"constant {target} = {value!r} ignored: {table.name} has no such column")
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
        notes.append("revenue = quantity * price")
    elif table.name == "sales" and "revenue" in sources and "price" in sources:
        fallbacks["revenue"] = from_price

    if table.name == "sales" and "cost" not in sources and "cost" not in derived_targets:
        notes.append("no cost column: cost left empty, the model applies the assumed margin")

    operands: dict[str, int] = {}
    for d in derived:
        for name in names_in(d.expr):
            if name in table.column_names:
                if name not in sources:
                    raise ClientloadError(
                        f"{file}: [derive] {d.target} uses {name}, which the file does not have; "
                        f"columns found: {_listing(headers)}"
                    )
                continue
            position = find_header(headers, name)
            if position is None:
                raise ClientloadError(
                    f"{file}: [derive] {d.target} uses unknown column {name!r}; "
                    f"columns found: {_listing(headers)}"
                )
            operands[name] = position
            taken.add(position)

    have = set(sources) | {d.target for d in derived}
    missing = []
    for column in table.required:
        if column not in have:
            extra = " (or price)" if table.name == "sales" and column == "revenue" else ""
            if not require:
                missing.append(column + extra)
                continue
            raise ClientloadError(
                f"{file}: table {table.name} needs column {column}{extra}, not found; "
                f"columns found: {_listing(headers)}; name it in a mapping file's [columns]"
            )
    ignored = [
        h + (" (lookup key only)" if i in keys else "")
        for i, h in enumerate(headers) if i not in taken and i not in read
    ]
    if ignored:
        notes.append(f"columns not used: {_listing(ignored)}")
    values = {}
    for target, words in mapping.values.items():
        if target in sources and sources[target].position is not None:
            values[target] = words
        else:
            notes.append(f"[values.{target}] not used: no column of the file feeds {target}")
    return ColumnPlan(sources, derived, operands, notes, fallbacks, values, missing)


def _listing(headers: list[str]) -> str:
    shown = ", ".join(_shown_header(h) for h in headers[:30])
    return shown + (f", … ({len(headers)} in all)" if len(headers) > 30 else "")


def _shown_header(header: str, width: int = 40) -> str:
    """A header fit for a one-line message: control characters as '?', at most `width` long
    (a binary file's 'header' is kilobytes of junk with line breaks in it)."""
    text = "".join(ch if ch.isprintable() else "?" for ch in header)
    return text if len(text) <= width else text[: width - 1] + "…"
