"""The Settings sheet's building blocks: its names (`cpm_sales`, `act_min_picking`,
`act_term_order_entry_per_lines`, `pol_core_min_order_value` ...), the validations of its input
cells and the writer of one labelled input cell. The sheet's parts (`settings_sheet`,
`settings_activities`, `settings_groups`) and the Model's formulas share them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from clientload.export.book import Book, cell, name_part

SHEET = "Settings"

NONNEG = {
    "validate": "decimal",
    "criteria": ">=",
    "value": 0,
    "error_message": "A number, zero or more",
}
FRACTION = {
    "validate": "decimal",
    "criteria": "between",
    "minimum": 0,
    "maximum": 1,
    "error_message": "A fraction from 0 to 1 (e.g. 0.15 = 15%)",
}
POSITIVE = {
    "validate": "decimal",
    "criteria": ">",
    "value": 0,
    "error_message": "A number above zero",
}


@dataclass
class SettingsLayout:
    """What other sheets need to know about the Settings sheet's names."""

    departments: list[str]
    activities: list[str]
    groups: list[str]
    career_levels: int
    policy_keys: list[str] = field(default_factory=list)
    terms: dict[str, tuple] = field(default_factory=dict)  # activity → its equation's terms
    waits: tuple[int, ...] = ()  # the days beyond which ClientMonths counts waiting goods


def department_labels(_: Any) -> dict[str, str]:
    """Names shown for the default departments (a department's own `label` wins)."""
    return {
        "sales": _("Sales"),
        "customer_service": _("Customer service"),
        "warehouse": _("Warehouse"),
        "logistics": _("Logistics"),
        "finance": _("Finance"),
    }


def dept_cpm(dept: str) -> str:
    return f"cpm_{name_part(dept)}"


def act_name(kind: str, activity: str) -> str:
    return f"act_{kind}_{name_part(activity)}"


def term_name(activity: str, key: str) -> str:
    """The Settings cell of a term's minutes in an activity's time equation."""
    return f"act_term_{name_part(activity)}_{key}"


def waits_validation(waits: tuple[int, ...]) -> dict:
    """A number of days among those ClientMonths holds waiting goods for."""
    return {
        "validate": "list",
        "source": [str(t) for t in waits],
        "error_message": "Waiting is in the data for these numbers of days only: "
        + ", ".join(str(t) for t in waits)
        + " (another needs a new export)",
    }


class Rows:
    """Writes the sheet top to bottom (constant-memory mode) and remembers the current row."""

    def __init__(self, book: Book, sheet: Any):
        self.book, self.sheet, self.row = book, sheet, 0

    def next(self, n: int = 1) -> int:
        r = self.row
        self.row += n
        return r


def scalar(
    rows: Rows, label: str, key: str, value: Any, fmt: str, validation: dict | None, note: str = ""
) -> None:
    book, sheet = rows.book, rows.sheet
    r = rows.next()
    book.text(sheet, r, 0, label)
    if isinstance(value, bool):
        sheet.write_boolean(r, 1, value, book.fmt("input_text"))
    elif isinstance(value, (int, float)):
        sheet.write_number(r, 1, float(value), book.fmt(f"input_{fmt}"))
    else:
        book.text(sheet, r, 1, value, "input_text")
    if validation:
        sheet.data_validation(r, 1, r, 1, validation)
    book.text(sheet, r, 2, key, "note")
    if note:
        book.text(sheet, r, 3, note, "note")
    book.define(key, SHEET, cell(r, 1, absolute=True))




def policy_name(group: str, key: str) -> str:
    return f"pol_{name_part(group)}_{name_part(key)}"
