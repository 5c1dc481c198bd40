"""Load `clientload.toml`, merge it over the defaults and report every problem by key and line."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from clientload.settings.departments import DEPARTMENT_KEYS, Department, parse_department
from clientload.settings.terms import ORDER_DRIVERS, Term, parse_terms, shorthand_terms

DRIVERS = (
    "orders",
    "order_lines",
    "order_changes",
    "urgent_orders",
    "deliveries",
    "returns",
    "interactions",
)

# Sections whose entries are named by the user; written in the file they replace the defaults.
REPLACED_SECTIONS = ("departments", "activities")

ACTIVITY_KEYS: dict[str, type | tuple[type, ...]] = {
    "driver": str,
    "department": str,
    "minutes": (int, float),
    "type": str,
    "minutes_per_line": (int, float),
    "urgent_extra_minutes": (int, float),
    "terms": list,
    "label": str,
    "label_ru": str,
}


class SettingsError(ValueError):
    """One or more problems in a settings file; `problems` lists them all, each with its line."""

    def __init__(self, path: str, problems: list[str]):
        self.path = path
        self.problems = problems
        super().__init__(f"{path}: " + "; ".join(problems))


@dataclass(frozen=True)
class Activity:
    """An activity: what drives it, which department does it and its time equation: `minutes`
    per event plus its `terms` (see `clientload.settings.terms`)."""

    name: str
    driver: str
    department: str
    minutes: float
    type: str | None = None
    terms: tuple[Term, ...] = ()
    label: str = ""
    label_ru: str = ""

    def term_minutes(self, key: str) -> float:
        """The minutes of the term with this key (`per_lines`, `when_urgent` …), 0 if none."""
        return sum(t.minutes for t in self.terms if t.key == key)

    @property
    def minutes_per_line(self) -> float:
        return self.term_minutes("per_lines")

    @property
    def urgent_extra_minutes(self) -> float:
        return self.term_minutes("when_urgent")


@dataclass(frozen=True)
class Settings:
    """All settings. `raw` keeps the merged TOML document for sections read by name."""

    departments: dict[str, Department]
    activities: dict[str, Activity]
    raw: dict[str, Any] = field(repr=False)

    def section(self, name: str) -> dict[str, Any]:
        """A merged section (e.g. `segments`, `policy`, `career`) as a plain dict."""
        return dict(self.raw.get(name, {}))

    @property
    def cost_of_capital(self) -> float:
        return float(self.raw["finance"]["cost_of_capital"])

    @property
    def assumed_margin_rate(self) -> float:
        return float(self.raw["margin"]["assumed_margin_rate"])


def default_toml_text() -> str:
    """The documented template: every setting with its default and a comment."""
    return resources.files("clientload.settings").joinpath("default.toml").read_text("utf-8")


def default_settings() -> Settings:
    return parse_settings(default_toml_text(), "<defaults>", merge_defaults=False)


def load_settings(path: str | Path) -> Settings:
    """Read a settings file; a missing file means all defaults."""
    p = Path(path)
    if not p.exists():
        return default_settings()
    return parse_settings(p.read_text("utf-8"), str(p))


def parse_settings(text: str, origin: str = "<string>", merge_defaults: bool = True) -> Settings:
    try:
        user = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(origin, [f"not valid TOML: {exc}"]) from None
    locate = _Locator(text)
    problems: list[str] = []
    if merge_defaults:
        defaults = tomllib.loads(default_toml_text())
        merged = _merge(defaults, user, locate, problems)
    else:
        merged = user
    months = merged.get("analysis", {}).get("cost_period_months", 12)
    months = float(months) if isinstance(months, (int, float)) and months > 0 else 12.0
    departments = _departments(merged.get("departments", {}), locate, problems, months)
    activities = _activities(
        merged.get("activities", {}), departments, locate, problems,
        declared_departments=merged.get("departments", {}),
    )
    _check_values(merged, locate, problems)
    if problems:
        raise SettingsError(origin, problems)
    return Settings(departments=departments, activities=activities, raw=merged)


class _Locator:
    """Finds the line of a key in the TOML text, so messages can say where to look."""

    def __init__(self, text: str):
        self.lines = text.splitlines()

    def line(self, *path: str) -> int | None:
        section, key = path[:-1], path[-1]
        start = 0
        if section:
            dotted = r"\s*\.\s*".join(map(re.escape, section))
            header = re.compile(r"^\s*\[{1,2}\s*" + dotted + r"\s*\]")
            starts = [i for i, ln in enumerate(self.lines) if header.match(ln)]
            if not starts:
                return None
            start = starts[0]
        key_re = re.compile(r"^\s*" + re.escape(key) + r"\s*=")
        for i in range(start, len(self.lines)):
            line = self.lines[i].lstrip()
            if i > start and section and line.startswith("[") and not line.startswith("[["):
                break
            if key_re.match(self.lines[i]):
                return i + 1
        return start + 1 if section else None

    def where(self, *path: str) -> str:
        n = self.line(*path)
        dotted = ".".join(path)
        return f"`{dotted}` (line {n})" if n else f"`{dotted}`"


def _type_name(t: type | tuple[type, ...]) -> str:
    names = {int: "integer", float: "number", str: "text", bool: "true/false", list: "list"}
    if isinstance(t, tuple):
        return "number" if float in t else " or ".join(names.get(x, x.__name__) for x in t)
    return names.get(t, t.__name__)


def _is_type(value: Any, expected: type | tuple[type, ...]) -> bool:
    if isinstance(value, bool) and expected is not bool and bool not in (
        expected if isinstance(expected, tuple) else (expected,)
    ):
        return False
    if expected is float:
        expected = (int, float)
    return isinstance(value, expected)


def _accepted_type(default: Any) -> type | tuple[type, ...]:
    """The types a setting accepts given its default: any number where the default is a number
    (but not a bool), else the default's own type."""
    if isinstance(default, (int, float)) and not isinstance(default, bool):
        return (int, float)
    return type(default)


def _merge(defaults: dict, user: dict, locate: _Locator, problems: list[str], path=()) -> dict:
    out: dict[str, Any] = {}
    for key, value in user.items():
        here = (*path, key)
        if not path and key in REPLACED_SECTIONS:
            continue
        if key not in defaults:
            known = ", ".join(sorted(defaults)) or "none"
            problems.append(f"unknown setting {locate.where(*here)}; known here: {known}")
            continue
        expected = defaults[key]
        if isinstance(expected, dict):
            if not isinstance(value, dict):
                problems.append(f"{locate.where(*here)} should be a section")
                continue
            if path == () and key == "policy":
                out[key] = _merge_policies(expected, value, locate, problems)
            else:
                out[key] = _merge(expected, value, locate, problems, here)
        elif isinstance(expected, list) and expected and isinstance(expected[0], dict):
            if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
                problems.append(
                    f"{locate.where(*here)} should be a list of [[{'.'.join(here)}]] tables"
                )
                continue
            template = expected[0]
            items = []
            for item in value:
                # Numbers left out take the first default item's (permissive) value; texts left
                # out are empty, so a new level is never named after the default's first level.
                # Lists left out are empty too (a level lists no groups unless it says so).
                merged_item = {
                    k: "" if isinstance(v, str) else [] if isinstance(v, list) else v
                    for k, v in template.items()
                }
                for k, v in item.items():
                    if k not in template:
                        problems.append(f"unknown setting {locate.where(*here, k)}")
                    elif not _is_type(v, _accepted_type(template[k])):
                        expected_name = _type_name(type(template[k]))
                        problems.append(
                            f"{locate.where(*here, k)} should be {expected_name}, got {v!r}"
                        )
                    else:
                        merged_item[k] = v
                items.append(merged_item)
            out[key] = items
        else:
            expected_type: type | tuple[type, ...] = type(expected)
            if expected_type in (int, float):
                expected_type = (int, float)
            if not _is_type(value, expected_type):
                problems.append(
                    f"{locate.where(*here)} should be {_type_name(expected_type)}, got {value!r}"
                )
                continue
            out[key] = value
    for key, value in defaults.items():
        if key not in out and not (not path and key in REPLACED_SECTIONS and key in user):
            out[key] = value
    for key in REPLACED_SECTIONS:
        if not path and key in user:
            out[key] = user[key]
    return out


def _merge_policies(defaults: dict, user: dict, locate: _Locator, problems: list[str]) -> dict:
    """Policies are keyed by group; a group not in the defaults is allowed (custom segments)."""
    template = next(iter(defaults.values()))
    out = {k: dict(v) for k, v in defaults.items()}
    for group, values in user.items():
        base = defaults.get(group, template)
        if not isinstance(values, dict):
            problems.append(f"{locate.where('policy', group)} should be a section")
            continue
        out[group] = _merge(base, values, locate, problems, ("policy", group))
    return out


def _check_fields(kind, name, entry, spec, required, locate, problems) -> bool:
    ok = True
    if not isinstance(entry, dict):
        problems.append(f"{locate.where(kind, name)} should be a section [{kind}.{name}]")
        return False
    for key, value in entry.items():
        if key not in spec:
            known = ", ".join(spec)
            problems.append(
                f"unknown setting {locate.where(kind, name, key)}; expected one of {known}"
            )
            ok = False
        elif not _is_type(value, spec[key]):
            problems.append(
                f"{locate.where(kind, name, key)} should be {_type_name(spec[key])}, got {value!r}"
            )
            ok = False
    for key in required:
        if key not in entry:
            problems.append(f"{locate.where(kind, name)} is missing `{key}`")
            ok = False
    return ok


def _departments(section: dict, locate: _Locator, problems: list[str],
                 months: float) -> dict[str, Department]:
    out = {}
    for name, entry in section.items():
        if not _check_fields("departments", name, entry, DEPARTMENT_KEYS, (), locate, problems):
            continue
        # every problem of the entry, not only the first: the settings page lists them all
        department = parse_department(name, entry, months, locate.where, problems)
        if department is not None:
            out[name] = department
    if not out and not problems:
        problems.append("no departments: at least one [departments.NAME] section is needed")
    return out


def _activities(
    section: dict,
    departments: dict[str, Department],
    locate: _Locator,
    problems: list[str],
    declared_departments: Any = (),
) -> dict[str, Activity]:
    out = {}
    # a department declared with a wrong value is still declared: no follow-on "not among the
    # departments" for each of its activities
    declared = set(departments) | set(declared_departments)
    for name, entry in section.items():
        if not _check_fields(
            "activities",
            name,
            entry,
            ACTIVITY_KEYS,
            ("driver", "department", "minutes"),
            locate,
            problems,
        ):
            continue
        before = len(problems)
        if entry["driver"] not in DRIVERS:
            problems.append(
                f"{locate.where('activities', name, 'driver')} is {entry['driver']!r}; "
                f"expected one of {', '.join(DRIVERS)}"
            )
        if entry["driver"] == "interactions" and "type" not in entry:
            where = locate.where("activities", name)
            problems.append(f"{where} counts interactions but has no `type`")
        if entry["department"] not in declared:
            problems.append(
                f"{locate.where('activities', name, 'department')} names {entry['department']!r}, "
                f"which is not among the departments ({', '.join(sorted(declared))})"
            )
        if entry["minutes"] < 0:
            problems.append(f"{locate.where('activities', name, 'minutes')} must not be negative")
        terms = _activity_terms(name, entry, locate, problems)
        if len(problems) > before or entry["department"] not in departments:
            continue
        out[name] = Activity(
            name=name,
            driver=entry["driver"],
            department=entry["department"],
            minutes=float(entry["minutes"]),
            type=entry.get("type"),
            terms=terms,
            label=entry.get("label", ""),
            label_ru=entry.get("label_ru", ""),
        )
    return out


def _activity_terms(
    name: str, entry: dict[str, Any], locate: _Locator, problems: list[str]
) -> tuple[Term, ...]:
    """The activity's time equation terms: `terms` and the two shorthands, checked."""
    driver = entry["driver"]
    shorthands = [k for k in ("minutes_per_line", "urgent_extra_minutes") if k in entry]
    if shorthands and driver not in ORDER_DRIVERS:
        problems.append(
            f"{locate.where('activities', name)}: {' and '.join(shorthands)} apply only to the "
            f"order drivers ({', '.join(ORDER_DRIVERS)})"
        )
        return ()
    terms = shorthand_terms(
        float(entry.get("minutes_per_line", 0.0)), float(entry.get("urgent_extra_minutes", 0.0))
    )
    if "terms" not in entry:
        return terms
    written, found = parse_terms(
        entry["terms"], driver, lambda *path: locate.where("activities", name, *path)
    )
    problems.extend(found)
    clash = {t.key for t in terms} & {t.key for t in written}
    for key in sorted(clash):
        shorthand = "minutes_per_line" if key == "per_lines" else "urgent_extra_minutes"
        problems.append(
            f"{locate.where('activities', name, shorthand)} and a term of `terms` both give "
            f"{key!r}; keep one"
        )
    return terms + written


_FRACTIONS = (
    ("finance", "cost_of_capital"),
    ("margin", "assumed_margin_rate"),
    ("segments", "core_min_revenue_share"),
    ("segments", "core_min_breadth"),
    ("segments", "abc_a_share"),
    ("segments", "abc_b_share"),
    ("activation", "self_service_load_reduction"),
    ("analysis", "whale_top_share"),
    ("analysis", "low_capacity_use"),
)


def _check_values(merged: dict, locate: _Locator, problems: list[str]) -> None:
    for section, key in _FRACTIONS:
        value = merged.get(section, {}).get(key)
        if isinstance(value, (int, float)) and not 0 <= value <= 1:
            where = locate.where(section, key)
            problems.append(f"{where} is {value}; expected a fraction from 0 to 1")
    margin = merged.get("margin", {}).get("assumed_margin_rate")
    if isinstance(margin, (int, float)) and margin >= 1:
        problems.append(f"{locate.where('margin', 'assumed_margin_rate')} must be below 1")
    for key in ("minutes_factors", "cost_factors"):
        factors = merged.get("sensitivity", {}).get(key)
        if isinstance(factors, list) and not all(
            isinstance(f, (int, float)) and not isinstance(f, bool) and f > 0 for f in factors
        ):
            problems.append(
                f"{locate.where('sensitivity', key)} is {factors!r}; expected numbers above 0 "
                "such as [0.8, 1.2]"
            )
    lang = merged.get("analysis", {}).get("language")
    if lang not in (None, "ru", "en"):
        problems.append(f"{locate.where('analysis', 'language')} is {lang!r}; expected ru or en")
