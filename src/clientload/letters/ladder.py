"""The whole career ladder as a client reads it: every step with what it asks and what it gives,
and the client's place on it (letters and the client card show the same).

Pure: from the `[[career.levels]]` settings and the client's row of the model's `career` table.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from clientload.i18n import format_money, format_number, translator
from clientload.model.labels import client_facing_label

Row = dict[str, Any]
# a maximum at or above this asks nothing (the permissive defaults of a first level)
_NO_LIMIT = 1000


def level_name(level: Row | None, lang: str) -> str:
    """A career level as the client reads it: its `name_<lang>` or `name`, else its code."""
    if not level:
        return ""
    _ = translator(lang)
    named = level.get(f"name_{lang}") or level.get("name")
    return str(named) if named else _(str(level.get("code", "")).replace("_", " ").capitalize())


def level_perks(level: Row | None, lang: str) -> str:
    """A level's perks: `perks_<lang>` when the ladder gives one, else `perks` translated."""
    if not level:
        return ""
    _ = translator(lang)
    return str(level.get(f"perks_{lang}") or _(str(level.get("perks", ""))))


@dataclass(frozen=True)
class Step:
    number: int
    code: str
    name: str
    groups: str
    criteria: list[str]
    perks: str
    place: str  # "current", "next" or ""


def _number(level: Row, key: str) -> float:
    try:
        return float(level.get(key) or 0)
    except (TypeError, ValueError):
        return 0.0


# The words after "from N" / "up to N", by plural form (Russian takes the genitive there).
_WORDS = {
    "categories": {
        "en": {"one": "category", "other": "categories"},
        "ru": {"one": "категории", "few": "категорий", "many": "категорий", "other": "категорий"},
    },
    "orders": {
        "en": {"one": "order a month", "other": "orders a month"},
        "ru": {"one": "заказа в месяц", "few": "заказов в месяц", "many": "заказов в месяц",
               "other": "заказа в месяц"},
    },
    "changes": {
        "en": {"one": "change per order", "other": "changes per order"},
        "ru": {"one": "изменения на заказ", "few": "изменений на заказ",
               "many": "изменений на заказ", "other": "изменения на заказ"},
    },
}


def _counted(n: float, what: str, lang: str, digits: int = 0) -> str:
    from clientload.i18n import plural

    return f"{format_number(n, lang, digits)} {plural(n, lang, _WORDS[what][lang])}"


def criteria(level: Row, lang: str, currency: str) -> list[str]:
    """What a level asks of its clients, as short phrases."""
    _ = translator(lang)
    out = []
    revenue = _number(level, "min_monthly_revenue")
    if revenue > 0:
        out.append(_("from {amount} a month").format(
            amount=format_money(revenue, lang, currency)))
    categories = _number(level, "min_categories")
    if categories > 0:
        out.append(_("from {n}").format(n=_counted(categories, "categories", lang)))
    orders = _number(level, "max_orders_per_month")
    if 0 < orders < _NO_LIMIT:
        out.append(_("up to {n}").format(n=_counted(orders, "orders", lang)))
    changes = _number(level, "max_changes_per_order")
    if 0 <= changes < _NO_LIMIT and "max_changes_per_order" in level:
        digits = 0 if float(changes).is_integer() else 1
        out.append(_("up to {n}").format(n=_counted(changes, "changes", lang, digits)))
    if not out:
        out.append(_("open to every client"))
    return out


def ladder(levels: list[Row], career: Row | None, lang: str, currency: str = "RUB") -> list[Step]:
    """Every level from the first, with the client's place: its own level and the next."""
    current = str((career or {}).get("level") or "")
    upcoming = str((career or {}).get("next_level") or "")
    steps = []
    for i, level in enumerate(levels, start=1):
        code = str(level.get("code", ""))
        groups = ", ".join(
            dict.fromkeys(client_facing_label(str(g), lang) for g in level.get("segments") or [])
        )
        steps.append(Step(
            number=i,
            code=code,
            name=level_name(level, lang),
            groups=groups,
            criteria=criteria(level, lang, currency),
            perks=level_perks(level, lang),
            place="current" if code == current else "next" if code == upcoming else "",
        ))
    return steps
