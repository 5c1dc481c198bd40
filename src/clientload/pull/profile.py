"""Profiles: which 1С objects and fields feed which of the contract's tables (TOML, docs/1c.md).

A profile has up to five sources — `clients`, `products`, `orders`, `sales` and `returns` (sales
lines with the opposite sign) — each naming its 1С object, for documents the tabular section whose
rows become lines (`lines`), the field that gives a readable id (`id`, default `Code` for catalogs
and `Number` for documents) and, per contract column, a field:

    date = "Date"                                   # a field of the object
    quantity = "Товары.Количество"                  # a field of the tabular section's row
    cost = "Товары.Себестоимость?"                  # `?`: optional, left empty where missing
    client_id = { ref = "Партнер", to = "clients" } # a reference: the id the clients source gives
    manager = { ref = "Менеджер", object = "Catalog_Пользователи", show = "Description" }

Built-in profiles live beside this module; `--profile PATH.toml` reads a user's copy.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import Any

from clientload.errors import ClientloadError
from clientload.schema import TABLES

ROLES = ("clients", "products", "orders", "sales", "returns")
TABLE_OF = {"clients": "clients", "products": "products", "orders": "orders", "sales": "sales",
            "returns": "sales"}
# The contract column a source's own readable id fills.
OWN_ID = {"clients": "client_id", "products": "sku", "orders": "order_id"}
REF_TARGETS = ("clients", "products", "orders", "sales")
BUILT_IN = ("ut11", "bp30")
SOURCE_KEYS = {"object", "lines", "id", "columns", "values"}
FIELD_KEYS = {"ref", "to", "object", "show", "optional"}


@dataclass(frozen=True)
class FieldSpec:
    """Where a contract column's value comes from.

    `path` is `Field` (the object's) or `Section.Field` (its tabular section's row). A reference
    either takes the id another source gives the referenced object (`to`; with `to = "sales"`,
    `show = "order_id"` takes that sales document's order) or a field of the object it points to
    (`object`, `show`)."""

    path: str
    optional: bool = False
    ref: bool = False
    to: str | None = None
    object: str | None = None
    show: str = ""

    @property
    def section(self) -> str | None:
        return self.path.split(".", 1)[0] if "." in self.path else None

    @property
    def name(self) -> str:
        return self.path.split(".", 1)[-1]


@dataclass(frozen=True)
class Source:
    role: str
    object: str
    lines: str | None
    id_field: str
    columns: dict[str, FieldSpec]
    values: dict[str, dict[str, str]] = field(default_factory=dict)

    @property
    def is_catalog(self) -> bool:
        return not self.object.startswith("Document_")

    @property
    def table(self) -> str:
        return TABLE_OF[self.role]

    @property
    def sign(self) -> int:
        return -1 if self.role == "returns" else 1


@dataclass(frozen=True)
class Profile:
    name: str
    title: str
    sources: dict[str, Source]

    def objects(self) -> dict[str, str]:
        """Every object the profile reads, with what for."""
        used: dict[str, str] = {}
        for source in self.sources.values():
            used.setdefault(source.object, source.role)
            for column, spec in source.columns.items():
                if spec.object:
                    used.setdefault(spec.object, f"{source.role}.{column}")
        return used


def load_profile(name_or_path: str) -> Profile:
    """A built-in profile by name (`ut11`, `bp30`) or a user's TOML file."""
    if name_or_path in BUILT_IN:
        text = resources.files("clientload.pull").joinpath(f"profiles/{name_or_path}.toml")
        return parse_profile(text.read_text("utf-8"), name_or_path)
    path = Path(name_or_path)
    if not path.is_file():
        raise ClientloadError(f"--profile {name_or_path}: neither a built-in profile "
                              f"({', '.join(BUILT_IN)}) nor a TOML file")
    return parse_profile(path.read_text("utf-8"), str(path))


def profile_text(name: str) -> str:
    """A built-in profile's text, to copy and edit."""
    return resources.files("clientload.pull").joinpath(f"profiles/{name}.toml").read_text("utf-8")


def parse_profile(text: str, origin: str) -> Profile:
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ClientloadError(f"profile {origin}: not valid TOML: {exc}") from None
    problems: list[str] = []
    unknown = set(raw) - {*ROLES, "title"}
    if unknown:
        problems.append(f"unknown section(s) {', '.join(sorted(unknown))}; expected "
                        f"{', '.join(ROLES)}")
    sources = {role: _source(role, raw[role], problems) for role in ROLES
               if isinstance(raw.get(role), dict)}
    if "sales" not in sources:
        problems.append("a [sales] section is needed")
    for source in sources.values():
        for column, spec in source.columns.items():
            if spec.to and spec.to not in sources:
                problems.append(f"[{source.role}] {column} refers to {spec.to}, which the "
                                "profile has no section for")
    if problems:
        raise ClientloadError(f"profile {origin}: " + "; ".join(problems))
    return Profile(Path(origin).stem, str(raw.get("title", "")), sources)


def _source(role: str, raw: dict[str, Any], problems: list[str]) -> Source:
    where = f"[{role}]"
    for key in set(raw) - SOURCE_KEYS:
        problems.append(f"{where} unknown key {key!r}; expected {', '.join(sorted(SOURCE_KEYS))}")
    obj = raw.get("object")
    if not isinstance(obj, str) or "_" not in obj:
        problems.append(f"{where} object = \"Catalog_…\" or \"Document_…\" is needed")
        obj = "?"
    lines = raw.get("lines")
    if role in ("sales", "returns") and obj.startswith("Document_") and not lines:
        problems.append(f"{where} lines = \"Товары\" (the tabular section of lines) is needed")
    table = TABLES[TABLE_OF[role]]
    columns: dict[str, FieldSpec] = {}
    for column, value in dict(raw.get("columns", {})).items():
        if column not in table.column_names:
            problems.append(f"{where} {column}: {table.name} has no such column")
            continue
        spec = _field(f"{where} {column}", value, problems)
        if spec is not None:
            columns[column] = spec
    own = OWN_ID.get(role)
    for required in table.required:
        if required == own or required in columns:
            continue
        if required == "revenue" and "price" in columns:
            continue
        problems.append(f"{where} column {required} is needed ({table.name} requires it)")
    values = {str(k): {str(a): str(b) for a, b in dict(v).items()}
              for k, v in dict(raw.get("values", {})).items()}
    default_id = "Number" if obj.startswith("Document_") else "Code"
    return Source(role, obj, str(lines) if lines else None, str(raw.get("id", default_id)),
                  columns, values)


def _field(where: str, value: Any, problems: list[str]) -> FieldSpec | None:
    if isinstance(value, str):
        path = value.strip()
        optional = path.endswith("?")
        return FieldSpec(path.rstrip("?"), optional)
    if not isinstance(value, dict) or not isinstance(value.get("ref"), str):
        problems.append(f"{where}: expected \"Field\" or {{ ref = \"Field\", to = … }}")
        return None
    for key in set(value) - FIELD_KEYS:
        problems.append(f"{where}: unknown key {key!r}")
    to, obj = value.get("to"), value.get("object")
    if (to is None) == (obj is None):
        problems.append(f"{where}: a reference needs `to` (one of {', '.join(REF_TARGETS)}) or "
                        "`object` with `show`")
        return None
    if to is not None and to not in REF_TARGETS:
        problems.append(f"{where}: to = {to!r}; expected one of {', '.join(REF_TARGETS)}")
        return None
    show = str(value.get("show", "id" if to else "Description"))
    if (to and show not in ("id", "order_id")) or (show == "order_id" and to != "sales"):
        problems.append(f"{where}: show = {show!r} with to = {to!r}; expected \"id\" (or "
                        "\"order_id\" with to = \"sales\")")
    return FieldSpec(value["ref"].strip(), bool(value.get("optional", False)), True, to, obj, show)


def without(profile: Profile, dropped: dict[str, set[str]]) -> Profile:
    """The profile without the optional columns the server lacks (by role)."""
    sources = {
        role: replace(s, columns={c: f for c, f in s.columns.items()
                                  if c not in dropped.get(role, set())})
        for role, s in profile.sources.items()
    }
    return replace(profile, sources=sources)
