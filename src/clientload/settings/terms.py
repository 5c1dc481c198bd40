"""Terms of a time equation: the minutes an activity adds per unit of an order's size or when an
order meets a condition (Kaplan & Anderson's time equations).

    order handling = 5 + 3 × lines + 15 if the client is new + 10 if urgent − 2 if picked up

is written in the settings as a base (`minutes = 5`) and terms:

    terms = [
      { per = "lines", minutes = 3 },
      { when = "new_client", minutes = 15 },
      { when = "urgent", minutes = 10 },
      { when = "delivery == 'pickup'", minutes = -2 },
    ]

`per` names a size of the order (lines, quantity, changes); `when` a yes/no fact of the order
(urgent, new_client, changed, returned) or a comparison of one of its code columns (delivery,
source) with a code. Parsing lives here, free of the model, so the settings loader, the model, the
workbook and the web read one definition.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

PER = ("lines", "quantity", "changes")
FLAGS = ("urgent", "new_client", "changed", "returned")
# The orders' code columns a condition may compare, with the codes an import gives them. A
# delivery is one of two codes (an import rejects other words); a source may be any text.
CODE_COLUMNS: dict[str, tuple[str, ...] | None] = {
    "delivery": ("delivery", "pickup"),
    "source": None,
}
ORDER_DRIVERS = (
    "orders", "order_lines", "order_changes", "urgent_orders", "deliveries", "returns",
)

_COMPARISON = re.compile(
    r"""^\s*(?P<column>[A-Za-z_]\w*)\s*(?P<op>==|!=)\s*(?P<q>['"])(?P<code>[^'"]*)(?P=q)\s*$"""
)


@dataclass(frozen=True)
class Term:
    """One term: `minutes` per unit of `per`, or per event of an order meeting a condition.

    A condition is a `flag` (urgent, new_client, changed, returned) or `column` `op` `code`
    (e.g. delivery == 'pickup'); a missing value equals no code, so `!=` holds for it.
    """

    minutes: float
    per: str | None = None
    flag: str | None = None
    column: str | None = None
    op: str | None = None
    code: str | None = None
    source: str = "terms"  # the settings key it was written as: terms, or a shorthand's name

    @property
    def when(self) -> str | None:
        """The condition as written (`urgent`, `delivery == 'pickup'`), None for a `per` term."""
        return None if self.per else self.text

    @property
    def key(self) -> str:
        """A name for the term made of letters, digits and `_`: per_lines, when_urgent,
        when_delivery_eq_pickup; used to name the per-client quantity it multiplies."""
        if self.per:
            return f"per_{self.per}"
        if self.flag:
            return f"when_{self.flag}"
        op = "eq" if self.op == "==" else "ne"
        code = re.sub(r"[^0-9a-z]+", "_", (self.code or "").lower()).strip("_") or "empty"
        return f"when_{self.column}_{op}_{code}"

    @property
    def text(self) -> str:
        """The term as written in the settings: `lines` (per) or `delivery == 'pickup'`."""
        if self.per:
            return self.per
        if self.flag:
            return self.flag
        return f"{self.column} {self.op} '{self.code}'"

    def to_toml(self) -> str:
        if self.per:
            return f'{{ per = "{self.per}", minutes = {_number(self.minutes)} }}'
        return f'{{ when = "{self.text}", minutes = {_number(self.minutes)} }}'


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def parse_condition(text: str) -> tuple[str | None, str | None, str | None, str | None, str]:
    """(flag, column, op, code, problem) of a `when` text; `problem` is empty when it reads."""
    stripped = text.strip()
    if stripped in FLAGS:
        return stripped, None, None, None, ""
    match = _COMPARISON.match(text)
    if not match:
        if re.fullmatch(r"[A-Za-z_]\w*", stripped):
            return None, None, None, None, (
                f"is {text!r}: not a condition; expected one of {', '.join(FLAGS)}, or a "
                "comparison such as \"delivery == 'pickup'\" or \"source != 'portal'\""
            )
        return None, None, None, None, (
            f"is {text!r}: cannot read it; write a condition such as \"urgent\", "
            "\"delivery == 'pickup'\" or \"source != 'portal'\" (the code in quotes)"
        )
    column, op, code = match["column"], match["op"], match["code"].strip().lower()
    if column not in CODE_COLUMNS:
        return None, None, None, None, (
            f"is {text!r}: {column!r} is not a column a condition can compare; expected "
            f"{' or '.join(CODE_COLUMNS)}"
        )
    codes = CODE_COLUMNS[column]
    if codes is not None and code not in codes:
        return None, None, None, None, (
            f"is {text!r}: {code!r} is not a {column} code; expected {' or '.join(codes)}"
        )
    return None, column, op, code, ""


def parse_terms(value: Any, driver: str, where) -> tuple[tuple[Term, ...], list[str]]:
    """The terms of an activity and every problem found, each naming its key and line.

    `where(*path)` gives the location text of a key below the activity (e.g. `terms`).
    """
    problems: list[str] = []
    if not isinstance(value, list):
        return (), [f"{where('terms')} should be a list of {{ per = ..., minutes = ... }} or "
                    "{ when = ..., minutes = ... } tables"]
    if driver not in ORDER_DRIVERS:
        return (), [f"{where('terms')}: terms apply to the order drivers "
                    f"({', '.join(ORDER_DRIVERS)}), not to {driver!r}"]
    terms = []
    for i, item in enumerate(value, start=1):
        here = f"{where('terms')} term {i}"
        if not isinstance(item, dict):
            problems.append(f"{here} should be a table such as {{ per = \"lines\", minutes = 3 }}")
            continue
        unknown = sorted(set(item) - {"per", "when", "minutes"})
        if unknown:
            problems.append(
                f"{here}: unknown key {', '.join(map(repr, unknown))}; expected per or when, "
                "and minutes"
            )
            continue
        minutes = item.get("minutes")
        if isinstance(minutes, bool) or not isinstance(minutes, (int, float)):
            problems.append(f"{here} needs `minutes` as a number, got {minutes!r}")
            continue
        if ("per" in item) == ("when" in item):
            problems.append(f"{here} needs exactly one of `per` and `when`")
            continue
        if "per" in item:
            per = item["per"]
            if per not in PER:
                problems.append(
                    f"{here}: per is {per!r}; expected one of {', '.join(PER)}"
                )
                continue
            terms.append(Term(float(minutes), per=per))
            continue
        when = item["when"]
        if not isinstance(when, str):
            problems.append(f"{here}: when should be text, got {when!r}")
            continue
        flag, column, op, code, problem = parse_condition(when)
        if problem:
            problems.append(f"{here}: when {problem}")
            continue
        terms.append(Term(float(minutes), flag=flag, column=column, op=op, code=code))
    keys = [t.key for t in terms]
    for key in sorted({k for k in keys if keys.count(k) > 1}):
        problems.append(f"{where('terms')}: the term {key!r} is written twice; add its minutes up")
    return tuple(terms), problems


def shorthand_terms(minutes_per_line: float, urgent_extra_minutes: float) -> tuple[Term, ...]:
    """`minutes_per_line` and `urgent_extra_minutes` as the terms they stand for."""
    out = []
    if minutes_per_line:
        out.append(Term(float(minutes_per_line), per="lines", source="minutes_per_line"))
    if urgent_extra_minutes:
        out.append(Term(float(urgent_extra_minutes), flag="urgent", source="urgent_extra_minutes"))
    return tuple(out)
