"""1С entities (as the OData interface answers them) into rows of the contract's tables.

Pure functions over dicts: references (`…_Key` GUIDs, or a composite `Name` + `Name_Type`) become
readable ids and names, dates `0001-01-01T00:00:00` (1С's empty date) become empty, returns get
the opposite sign. Values are left as 1С gave them otherwise: the importer checks them.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from clientload.pull.odata import EMPTY_GUID
from clientload.pull.profile import OWN_ID, FieldSpec, Profile, Source

SIGNED = ("quantity", "revenue", "cost")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}")


def is_included(entity: dict[str, Any]) -> bool:
    """A document that counts: posted and not marked for deletion."""
    return bool(entity.get("Posted", True)) and not bool(entity.get("DeletionMark", False))


def parse_date(value: Any) -> dt.datetime | None:
    """1С's `2024-01-15T10:30:00`; its empty date (year 1) is no date."""
    if not isinstance(value, str) or not _DATE.match(value):
        return None
    parsed = dt.datetime.fromisoformat(value[:19])
    return None if parsed.year <= 1 else parsed


def reference(container: dict[str, Any], name: str, expected: str | None) -> str | None:
    """The GUID a reference field holds, or None when empty (or, for a composite field, when it
    points to another kind of object than `expected`)."""
    if f"{name}_Key" in container:
        value = container.get(f"{name}_Key")
    else:
        value = container.get(name)
        kind = str(container.get(f"{name}_Type") or "")
        if expected and kind and kind.rsplit(".", 1)[-1] != expected:
            return None
    if not isinstance(value, str) or not value or value == EMPTY_GUID:
        return None
    return value


@dataclass
class Resolver:
    """Readable ids and names for references, and a count of those that could not be found."""

    profile: Profile
    ids: dict[str, dict[str, str]] = field(default_factory=dict)  # object -> GUID -> id
    orders_of_sales: dict[str, str] = field(default_factory=dict)  # sales GUID -> order id
    names: dict[tuple[str, str], dict[str, str]] = field(default_factory=dict)  # (object,
    # field) -> GUID -> the field's value
    taken: dict[str, set[str]] = field(default_factory=dict)  # object -> ids in use
    unresolved: Counter[str] = field(default_factory=Counter)

    def assign(self, obj: str, key: str, raw: Any) -> str:
        """The readable id of an object: the one given before, else its code or number, made
        unique with the GUID's first characters when another object has it (or it is empty)."""
        known = self.ids.setdefault(obj, {})
        if key in known:
            return known[key]
        taken = self.taken.setdefault(obj, set())
        candidate = " ".join(str(raw or "").split())
        if not candidate or candidate in taken:
            candidate = f"{candidate or obj.split('_', 1)[-1]}~{key[:8]}"
        known[key] = candidate
        taken.add(candidate)
        return candidate

    def value(self, spec: FieldSpec, entity: dict[str, Any], row: dict[str, Any] | None,
              where: str) -> Any:
        container = row if spec.section and row is not None else entity
        if not spec.ref:
            return container.get(spec.name)
        target = self.profile.sources[spec.to].object if spec.to else spec.object
        key = reference(container, spec.name, target)
        if key is None:
            return None
        if spec.to == "sales" and spec.show == "order_id":
            found = self.orders_of_sales.get(key)
        elif spec.to:
            found = self.ids.get(str(target), {}).get(key)
        else:
            found = self.names.get((str(target), spec.show), {}).get(key)
        if found is None:
            self.unresolved[f"{where} → {target}"] += 1
            # a client or product the catalog no longer has still needs an id: its GUID
            return key if spec.to in ("clients", "products") else None
        return found


def _mapped(source: Source, column: str, value: Any) -> Any:
    words = source.values.get(column)
    if not words or value is None:
        return value
    text = str(value)
    if text in words:
        return words[text]
    lowered = {k.lower(): v for k, v in words.items()}
    return lowered.get(text.strip().lower(), value)


def _signed(value: Any, sign: int) -> Any:
    if sign == 1 or isinstance(value, bool) or not isinstance(value, (int, float)):
        return value
    return -value


def rows_of(source: Source, entity: dict[str, Any], own_id: str,
            resolver: Resolver) -> list[dict[str, Any]]:
    """The contract rows one entity gives: one for a catalog item or an order, one per tabular
    section row for sales and returns. Each row carries `source_line` (1С's LineNumber)."""
    where = f"{source.role}"
    own_column = OWN_ID.get(source.role)
    if source.lines:
        section = entity.get(source.lines)
        section_rows = section if isinstance(section, list) else []
    else:
        section_rows = [None]
    rows: list[dict[str, Any]] = []
    for line in section_rows:
        row: dict[str, Any] = {}
        if own_column:
            row[own_column] = own_id
        for column, spec in source.columns.items():
            value = resolver.value(spec, entity, line, f"{where}.{column}")
            if isinstance(value, str) and _DATE.match(value):
                value = parse_date(value)
            if column in SIGNED:
                value = _signed(value, source.sign)
            row[column] = _mapped(source, column, value)
        row["source_line"] = str(line.get("LineNumber", "")) if isinstance(line, dict) else ""
        rows.append(row)
    return rows


def label(source: Source, entity: dict[str, Any], own_id: str) -> str:
    """How rejects and messages name a document or catalog item: `РеализацияТоваровУслуг
    0000-000001 от 2021-12-22`."""
    kind = source.object.split("_", 1)[-1]
    day = parse_date(entity.get("Date"))
    return f"{kind} {own_id}" + (f" от {day:%Y-%m-%d}" if day else "")
