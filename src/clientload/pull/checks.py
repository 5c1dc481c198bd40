"""A profile checked against what the server publishes, before any data is read: an object it
does not publish or a required field its configuration lacks is one clear error; a missing
optional field is left out with a note."""

from __future__ import annotations

from clientload.pull.odata import HOW_TO_PUBLISH, Metadata, NotPublished, ODataError
from clientload.pull.profile import FieldSpec, Profile, without


def has_field(fields: dict[str, str], name: str, ref: bool) -> bool:
    """A plain field, or a reference: `Name_Key` (one type) or `Name` with `Name_Type` (a
    composite type, e.g. an order that may be of several document kinds)."""
    if not ref:
        return name in fields
    return f"{name}_Key" in fields or (name in fields and f"{name}_Type" in fields)


def check_profile(profile: Profile, meta: Metadata) -> tuple[Profile, list[str]]:
    """The profile as this server can serve it, with notes; raises when it cannot."""
    problems: list[str] = []
    notes: list[str] = []
    dropped: dict[str, set[str]] = {}
    needed: set[str] = {s.object for s in profile.sources.values()}
    for role, source in profile.sources.items():
        for column, spec in source.columns.items():
            if not spec.object or spec.object in meta.entity_sets:
                continue
            if spec.optional:  # only names something optional: leave it out, say how to fill it
                dropped.setdefault(role, set()).add(column)
                notes.append(f"the server does not publish {spec.object}: [{role}] {column} "
                             "left empty (publish it to fill it)")
            else:
                needed.add(spec.object)
    missing = sorted(obj for obj in needed if obj not in meta.entity_sets)
    if missing:
        used = profile.objects()
        listed = ", ".join(f"{obj} (for {used[obj]})" for obj in missing)
        raise NotPublished(f"the server does not publish {listed}; {HOW_TO_PUBLISH}")
    for role, source in profile.sources.items():
        entity = meta.types.get(source.object)
        if entity is None:
            problems.append(f"$metadata describes no {source.object}")
            continue
        if source.id_field not in entity.fields:
            problems.append(f"{source.object} has no field {source.id_field} ([{role}] id)")
        if source.lines and source.lines not in entity.sections:
            problems.append(f"{source.object} has no tabular section {source.lines} "
                            f"([{role}] lines)")
            continue
        for column, spec in source.columns.items():
            if column in dropped.get(role, set()):
                continue
            where = _where(source.object, spec)
            fields = entity.sections.get(spec.section, {}) if spec.section else entity.fields
            if spec.section and spec.section != source.lines:
                problems.append(f"[{role}] {column} = {spec.path}: only the fields of the object "
                                f"and of its section {source.lines} can be read")
            elif not has_field(fields, spec.name, spec.ref):
                what = f"{where} has no field {spec.name} ([{role}] {column})"
                if spec.optional:
                    dropped.setdefault(role, set()).add(column)
                    notes.append(f"{what}: {column} left empty")
                else:
                    problems.append(what)
            elif spec.object and spec.show not in _fields_of(meta, spec.object):
                problems.append(f"{spec.object} has no field {spec.show} ([{role}] {column})")
    if problems:
        raise ODataError(f"profile {profile.name} does not fit this configuration: "
                         + "; ".join(problems)
                         + "; copy the profile (docs/1c.md), correct the names, and pass it as "
                         "--profile FILE.toml")
    return without(profile, dropped), notes


def _where(obj: str, spec: FieldSpec) -> str:
    return f"{obj}.{spec.section}" if spec.section else obj


def _fields_of(meta: Metadata, obj: str) -> dict[str, str]:
    entity = meta.types.get(obj)
    return entity.fields if entity else {}
