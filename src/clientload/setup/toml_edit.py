"""Small edits of `clientload.toml` as text, so that a user's comments and order survive.

The setup wizard, the web Setup page, the time survey and `calibrate --apply` change a few
values; rewriting the whole file from parsed data would drop every comment the user wrote. Each
edit here touches only the lines it must; callers parse the result again before saving it.
"""

from __future__ import annotations

import json
import re
from typing import Any

_HEADER = re.compile(r"^\s*\[")


def toml_value(value: Any) -> str:
    """A TOML literal: integers without a decimal point, other numbers short, text quoted."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        number = float(value)
        if number.is_integer() and abs(number) < 1e15:
            return str(int(number))
        return f"{number:.6g}" if abs(number) >= 1e-4 else repr(number)
    return json.dumps(str(value), ensure_ascii=False)  # a JSON string is a TOML basic string


def _header(section: str) -> re.Pattern[str]:
    dotted = r"\s*\.\s*".join(re.escape(part) for part in section.split("."))
    return re.compile(r"^\s*\[\s*" + dotted + r"\s*\]\s*(#.*)?$")


def section_span(lines: list[str], section: str) -> tuple[int, int] | None:
    """[start, end) of a section's lines: its header up to the next header (comments and blank
    lines just before the next header belong to that one)."""
    header = _header(section)
    start = next((i for i, line in enumerate(lines) if header.match(line)), None)
    if start is None:
        return None
    end = len(lines)
    for i in range(start + 1, len(lines)):
        if _HEADER.match(lines[i]):
            end = i
            break
    while end - 1 > start and (not lines[end - 1].strip()
                               or lines[end - 1].lstrip().startswith("#")):
        end -= 1
    return start, end


def section_text(text: str, section: str) -> str:
    """The section's lines exactly as written (header included), or "" when absent."""
    lines = text.splitlines()
    span = section_span(lines, section)
    return "\n".join(lines[span[0]:span[1]]) if span else ""


def _key_line(key: str) -> re.Pattern[str]:
    value = r"(\"(?:[^\"\\]|\\.)*\"|'[^']*'|[^#\n]*?)"  # a quoted text may hold a #
    return re.compile(r"^(\s*)" + re.escape(key) + r"(\s*=\s*)" + value + r"(\s*)(#.*)?$")


def set_key(text: str, section: str, key: str, value: Any, comment: str | None = None,
            after: str | None = None) -> str:
    """Set `key = value` in `[section]`: the value on its line replaced (the comment kept unless
    `comment` is given), or a new line after the `after` key (else at the section's end). A
    missing section is added at the end of the file."""
    lines = text.splitlines()
    span = section_span(lines, section)
    literal = toml_value(value)
    note = f"  # {comment}" if comment else ""
    if span is None:
        tail = [""] if lines and lines[-1].strip() else []
        return "\n".join([*lines, *tail, f"[{section}]", f"{key} = {literal}{note}", ""])
    start, end = span
    pattern = _key_line(key)
    for i in range(start + 1, end):
        match = pattern.match(lines[i])
        if match:
            indent, equals, _old, space, old_note = match.groups()
            kept = note or (f"{space or '  '}{old_note}" if old_note else "")
            lines[i] = f"{indent}{key}{equals}{literal}{kept}"
            return "\n".join(lines) + "\n"
    position = end
    if after is not None:
        anchor = _key_line(after)
        found = [i for i in range(start + 1, end) if anchor.match(lines[i])]
        if found:
            position = found[0] + 1
    lines.insert(position, f"{key} = {literal}{note}")
    return "\n".join(lines) + "\n"


def remove_key(text: str, section: str, key: str) -> str:
    lines = text.splitlines()
    span = section_span(lines, section)
    if span is None:
        return text
    pattern = _key_line(key)
    kept = [line for i, line in enumerate(lines)
            if not (span[0] < i < span[1] and pattern.match(line))]
    return "\n".join(kept) + "\n"


def remove_section(text: str, section: str) -> str:
    lines = text.splitlines()
    span = section_span(lines, section)
    if span is None:
        return text
    start, end = span
    while end < len(lines) and not lines[end].strip():
        end += 1  # and the blank lines after it
    return "\n".join(lines[:start] + lines[end:]) + "\n"


def sections_with_prefix(text: str, prefix: str) -> list[str]:
    """Names of the sections `[prefix.NAME]` in the order written."""
    pattern = re.compile(r"^\s*\[\s*" + re.escape(prefix) + r"\s*\.\s*([A-Za-z0-9_\-]+)\s*\]")
    return [m.group(1) for line in text.splitlines() if (m := pattern.match(line))]


def replace_sections(text: str, prefix: str, rendered: str) -> str:
    """Every `[prefix.*]` section replaced by `rendered`, written where the first one was."""
    lines = text.splitlines()
    names = sections_with_prefix(text, prefix)
    if not names:
        return text.rstrip("\n") + "\n\n" + rendered.rstrip("\n") + "\n"
    first = section_span(lines, f"{prefix}.{names[0]}")
    assert first is not None
    head = lines[:first[0]]
    rest = "\n".join(lines[first[0]:]) + "\n"
    for name in names:
        rest = remove_section(rest, f"{prefix}.{name}")
    return "\n".join(head) + "\n" + rendered.rstrip("\n") + "\n\n" + rest.lstrip("\n")


def set_term_minutes(text: str, section: str, kind: str, name: str, value: float,
                     comment: str | None = None) -> str | None:
    """In `[section]`'s `terms` list, the `minutes` of the inline table whose `kind` (per or
    when) is `name`; None when no such table is written in the section."""
    lines = text.splitlines()
    span = section_span(lines, section)
    if span is None:
        return None
    table = re.compile(r"\{[^{}]*\b" + kind + r"\s*=\s*(['\"])" + re.escape(name) + r"\1[^{}]*\}")
    for i in range(span[0] + 1, span[1]):
        match = table.search(lines[i])
        if match:
            inline = re.sub(r"(\bminutes\s*=\s*)[-+0-9.eE_]+",
                            lambda m: m.group(1) + toml_value(value), match.group(0))
            line = lines[i][:match.start()] + inline + lines[i][match.end():]
            if comment:
                line = line.split("#", 1)[0].rstrip() + f"  # {comment}"
            lines[i] = line
            return "\n".join(lines) + "\n"
    return None
