"""A profile checked against what the server publishes, before any data is read: an object it
does not publish or a required field its configuration lacks is one clear error; a missing
optional field is left out with a note."""

from __future__ import annotations

from clientload.messages import Message
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
                notes.append(Message("the server does not publish {object}: [{role}] {column} "
                                     "left empty (publish it to fill it)", object=spec.object,
                                     role=role, column=column))
            else:
                needed.add(spec.object)
    missing = sorted(obj for obj in needed if obj not in meta.entity_sets)
    if missing:
        used = profile.objects()
        listed = [Message("{object} (for {use})", object=obj, use=used[obj]) for obj in missing]
        raise NotPublished(Message("the server does not publish {objects:join:, }; {how}",
                                   objects=listed, how=HOW_TO_PUBLISH))
    for role, source in profile.sources.items():
        entity = meta.types.get(source.object)
        if entity is None:
            problems.append(Message("$metadata describes no {object}", object=source.object))
            continue
        if source.id_field not in entity.fields:
            problems.append(Message("{object} has no field {field} ([{role}] id)",
                                    object=source.object, field=source.id_field, role=role))
        if source.lines and source.lines not in entity.sections:
            problems.append(Message("{object} has no tabular section {section} ([{role}] lines)",
                                    object=source.object, section=source.lines, role=role))
            continue
        for column, spec in source.columns.items():
            if column in dropped.get(role, set()):
                continue
            where = _where(source.object, spec)
            fields = entity.sections.get(spec.section, {}) if spec.section else entity.fields
            if spec.section and spec.section != source.lines:
                problems.append(Message("[{role}] {column} = {path}: only the fields of the "
                                        "object and of its section {section} can be read",
                                        role=role, column=column, path=spec.path,
                                        section=source.lines))
            elif not has_field(fields, spec.name, spec.ref):
                what = Message("{object} has no field {field} ([{role}] {column})",
                               object=where, field=spec.name, role=role, column=column)
                if spec.optional:
                    dropped.setdefault(role, set()).add(column)
                    notes.append(Message("{problem}: {column} left empty", problem=what,
                                         column=column))
                else:
                    problems.append(what)
            elif spec.object and spec.show not in _fields_of(meta, spec.object):
                problems.append(Message("{object} has no field {field} ([{role}] {column})",
                                        object=spec.object, field=spec.show, role=role,
                                        column=column))
    if problems:
        raise ODataError(Message("profile {name} does not fit this configuration: {problems}; "
                                 "copy the profile (docs/1c.md), correct the names, and pass it "
                                 "as --profile FILE.toml", name=profile.name, problems=problems))
    return without(profile, dropped), notes


def _where(obj: str, spec: FieldSpec) -> str:
    return f"{obj}.{spec.section}" if spec.section else obj


def _fields_of(meta: Metadata, obj: str) -> dict[str, str]:
    entity = meta.types.get(obj)
    return entity.fields if entity else {}
