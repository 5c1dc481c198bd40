"""The mapping screen's form turned into a mapping document (the TOML sections of docs/data.md).

Fields: `col.X` the header chosen for contract column X ("" none) and `auto.X` the one the
synonyms had chosen; `const.X` a fixed value; `word.X.N` / `value.X.N` a word of a yes/no or code
column and what it means ("" as read, true, false, empty, or a code); `lookup.NAME.remove` /
`.required` for the lookups already there and `new.sheet`, `new.key`, `new.on`, `new.columns`,
`new.required` for one more; `table` and `sheet` (with `sheet.before`). Sections the form does not
show (`[derive]`, `[exclude]`, other `[options]`) are kept as they were.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from clientload.ingest.synonyms import normalise_header
from clientload.ingest.words import word_kind
from clientload.schema import TABLES

Form = Any  # a Starlette FormData: .get(name) and .getlist(name)


def doc_from_form(
    previous: dict[str, Any], form: Form, table: str, sheets: dict[str, list[str]]
) -> tuple[dict[str, Any], str, dict[str, Any]]:
    """The new mapping document, its table, and the lookup being added if not complete yet."""
    doc = copy.deepcopy(previous)
    chosen_table = str(form.get("table") or table)
    if chosen_table not in TABLES:
        chosen_table = table
    options = dict(doc.get("options", {}))
    sheet, before = str(form.get("sheet") or ""), str(form.get("sheet.before") or "")
    pending = _new_lookup(form)
    if sheet and sheet != before:
        # another sheet is another file: its headers, its columns; the mapping starts again
        return {"options": {**options, "sheet": sheet}}, chosen_table, pending
    if chosen_table != table:
        # another table has other columns: keep how the file is read and what it looks up
        kept = {k: v for k, v in doc.items() if k in ("options", "lookup", "exclude")}
        return kept, chosen_table, pending
    columns = TABLES[table].column_names
    doc["columns"] = _columns(doc.get("columns", {}), form, columns)
    doc["constants"] = _constants(doc.get("constants", {}), form, columns)
    doc["values"] = _values(doc.get("values", {}), form, table)
    lookups, pending = _lookups(doc.get("lookup", {}), form, pending, sheets)
    doc["lookup"] = lookups
    return {k: v for k, v in doc.items() if v}, table, pending


def _columns(previous: dict[str, str], form: Form, columns: list[str]) -> dict[str, str]:
    found = {}
    for target in columns:
        chosen = form.get(f"col.{target}")
        if chosen is None:  # not on the form (a derived column): as it was
            if target in previous:
                found[target] = previous[target]
            continue
        auto = str(form.get(f"auto.{target}") or "")
        if chosen and normalise_header(str(chosen)) != normalise_header(target):
            found[target] = str(chosen)
        elif chosen:
            continue  # the contract's own name: found without a mapping
        elif auto:
            found[target] = ""  # the user took away what the synonyms had found
    return found


def _constants(previous: dict[str, Any], form: Form, columns: list[str]) -> dict[str, Any]:
    found = {t: v for t, v in previous.items() if form.get(f"const.{t}") is None}
    for target in columns:
        value = str(form.get(f"const.{target}") or "").strip()
        if value:
            found[target] = value
    return found


def _values(previous: dict[str, dict[str, Any]], form: Form, table: str) -> dict[str, Any]:
    found = {t: dict(words) for t, words in previous.items()}
    for name in form:
        match = re.fullmatch(r"word\.([a-z_]+)\.(\d+)", str(name))
        if not match or match.group(1) not in TABLES[table].column_names:
            continue
        target, word = match.group(1), str(form.get(name))
        words = found.setdefault(target, {})
        for key in [k for k in words if k.strip().lower() == word.strip().lower()]:
            del words[key]
        choice = str(form.get(f"value.{target}.{match.group(2)}") or "")
        if choice:
            words[word] = {"true": True, "false": False, "empty": ""}.get(choice, choice)
    return {t: words for t, words in found.items() if words}


def _new_lookup(form: Form) -> dict[str, Any]:
    return {
        "sheet": str(form.get("new.sheet") or ""),
        "key": str(form.get("new.key") or ""),
        "on": str(form.get("new.on") or ""),
        "columns": [str(c) for c in form.getlist("new.columns")],
        "required": bool(form.get("new.required")) or not form.get("new.shown"),
    }


def _lookups(
    previous: dict[str, dict[str, Any]], form: Form, pending: dict[str, Any],
    sheets: dict[str, list[str]],
) -> tuple[dict[str, Any], dict[str, Any]]:
    lookups = {}
    for name, spec in previous.items():
        if form.get(f"lookup.{name}.remove"):
            continue
        spec = dict(spec)
        if form.get(f"lookup.{name}.shown"):
            spec.pop("required", None)
            if not form.get(f"lookup.{name}.required"):
                spec["required"] = False
        lookups[name] = spec
    headers = sheets.get(pending["sheet"], [])
    on = pending["on"] or next(
        (h for h in headers if normalise_header(h) == normalise_header(pending["key"])), ""
    )
    columns = [c for c in pending["columns"] if c in headers and c != on]
    if pending["sheet"] in sheets and pending["key"] and on in headers and columns:
        spec = {"sheet": pending["sheet"], "key": pending["key"], "columns": columns}
        if on != pending["key"]:
            spec["on"] = on
        if not pending["required"]:
            spec["required"] = False
        lookups[_lookup_name(pending["sheet"], lookups)] = spec
        return lookups, {}
    return lookups, {**pending, "on": on}


def _lookup_name(sheet: str, taken: dict[str, Any]) -> str:
    base = re.sub(r"\W+", "_", sheet.lower()).strip("_") or "sheet"
    name, n = base, 1
    while name in taken:
        n += 1
        name = f"{base}{n}"
    return name


def word_choices(table: str, column: str) -> list[str]:
    """What a word of a yes/no or code column may be said to mean on the form."""
    if word_kind(table, column) == "yesno":
        return ["true", "false", "empty"]
    from clientload.ingest.words import CODES

    return [*CODES[(table, column)][0], "empty"]


def choice_of(words: dict[str, Any], word: str) -> str:
    """The form's choice for a word from the mapping's `[values]` ("" when not mapped)."""
    for key, value in words.items():
        if key.strip().lower() == word.strip().lower():
            if isinstance(value, bool):
                return "true" if value else "false"
            return str(value) if str(value) else "empty"
    return ""
