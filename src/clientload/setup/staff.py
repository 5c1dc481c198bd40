"""Departments from the company's staff: the `staff.csv` file and what each line becomes.

`staff.csv` has a header row and one row per department (docs/setup.md has the details):

- `department` (required): a code — `sales`, `customer_service`, … or your own (Latin letters,
  digits, `_`); the Russian names of the five default departments are understood too;
- `people` (required): people in the department (full-time equivalents; 2.5 is fine);
- `cost_per_month`: the whole department's monthly cost (pay with taxes, space, vehicles), or
  `cost_per_person`: the monthly cost of one person (one of the two is required);
- `hours_per_week`: paid hours a week per person (default 40);
- `practical_share`: the share of paid time people can really work (default 0.8, or 80 %);
- `label`: the department's name as people say it;
- `activities`: the activities it performs, separated by spaces or `|` (default: the
  template's activities of a department with that code).

Comma or semicolon separated, UTF-8 or Windows-1251, decimal commas and `80%` accepted.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

from clientload.errors import ClientloadError
from clientload.settings.departments import (
    DEFAULT_HOURS_PER_WEEK,
    DEFAULT_PRACTICAL_SHARE,
    staff_amounts,
)

CODE = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,63}$")
# Russian (and plain English) names of the template's departments
KNOWN_NAMES = {
    "sales": ("продажи", "отдел продаж", "sales department", "менеджеры"),
    "customer_service": ("клиентский сервис", "обслуживание клиентов", "отдел обслуживания",
                         "сервис", "customer service", "order desk", "отдел заказов"),
    "warehouse": ("склад", "складской отдел"),
    "logistics": ("логистика", "доставка", "транспорт", "транспортный отдел"),
    "finance": ("финансы", "бухгалтерия", "финансовый отдел", "accounts"),
}
COLUMNS = ("department", "people", "cost_per_month", "cost_per_person", "hours_per_week",
           "practical_share", "label", "activities")


@dataclass(frozen=True)
class StaffLine:
    """A department described by its staff."""

    department: str
    people: float
    cost_per_month: float  # the whole department
    hours_per_week: float = DEFAULT_HOURS_PER_WEEK
    practical_share: float = DEFAULT_PRACTICAL_SHARE
    label: str = ""
    activities: tuple[str, ...] | None = None  # None: the template's for this department

    def amounts(self, months: float = 12.0) -> tuple[float, float]:
        """(cost, capacity_minutes) over `months`."""
        return staff_amounts(self.people, self.cost_per_month, self.hours_per_week,
                             self.practical_share, months)

    @property
    def cost_per_minute(self) -> float:
        cost, capacity = self.amounts()
        return cost / capacity


def department_code(name: str) -> str | None:
    """The code of a department as written: itself when it is a code, else a known name's."""
    text = " ".join(name.split())
    if CODE.match(text):
        return text
    lowered = text.lower().replace("ё", "е")
    for code, names in KNOWN_NAMES.items():
        if lowered in names:
            return code
    return None


class AmbiguousNumber(ValueError):
    """`1,000`: a thousand in English, one in Russian; refused rather than guessed."""


def parse_number(text: str, share: bool = False) -> float:
    """`1 234 567,8`, `1,234,567.8`, `1.234.567,8`, `80%` (with `share`, 80 % → 0.8 and
    80 → 0.8). A single comma before exactly three digits (`3,000`) is AmbiguousNumber."""
    raw = text.strip().replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
    percent = raw.endswith("%")
    raw = raw.rstrip("%").strip()
    if "," in raw and "." in raw:  # the last mark is the decimal one
        thousands = "," if raw.rfind(".") > raw.rfind(",") else "."
        raw = raw.replace(thousands, "").replace(",", ".")
    elif raw.count(",") > 1:
        raw = raw.replace(",", "")
    elif raw.count(".") > 1:
        raw = raw.replace(".", "")
    elif raw.count(",") == 1:
        whole, _, fraction = raw.partition(",")
        if len(fraction) == 3 and whole.lstrip("+-").isdigit():
            raise AmbiguousNumber(text)
        raw = raw.replace(",", ".")
    value = float(raw)
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError(text)
    if percent or (share and value > 1):
        value /= 100
    return value


def read_staff(path: Path, known_activities: list[str]) -> list[StaffLine]:
    """The staff file's departments; every problem in one ClientloadError (file, line, column,
    what was expected)."""
    text = _text(path)
    sample = text.split("\n", 1)[0]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    headers = {(h or "").strip().lower(): h for h in reader.fieldnames or []}
    problems: list[str] = []
    unknown = [h for h in headers if h and h not in COLUMNS]
    if unknown:
        problems.append(f"{path}: unknown column(s) {', '.join(unknown)}; expected "
                        f"{', '.join(COLUMNS)}")
    for required in ("department", "people"):
        if required not in headers:
            problems.append(f"{path}: no column `{required}`")
    if "cost_per_month" not in headers and "cost_per_person" not in headers:
        problems.append(f"{path}: no column `cost_per_month` (or `cost_per_person`)")
    if problems:
        raise ClientloadError("; ".join(problems))
    lines: list[StaffLine] = []
    for number, row in enumerate(reader, start=2):
        values = {k: (row.get(h) or "").strip() for k, h in headers.items()}
        if not any(values.values()):
            continue
        line = _line(path, number, values, known_activities, problems)
        if line is not None:
            lines.append(line)
    seen: set[str] = set()
    for line in lines:
        if line.department in seen:
            problems.append(f"{path}: department {line.department!r} is given twice")
        seen.add(line.department)
    if not lines and not problems:
        problems.append(f"{path}: no departments (one row per department after the header)")
    if problems:
        raise ClientloadError("; ".join(problems))
    return lines


def _text(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ClientloadError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    for encoding in ("utf-8-sig", "cp1251"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ClientloadError(f"{path}: neither UTF-8 nor Windows-1251 text")


def _line(path: Path, number: int, values: dict[str, str], known_activities: list[str],
          problems: list[str]) -> StaffLine | None:
    where = f"{path} line {number}"
    before = len(problems)
    code = department_code(values["department"])
    if code is None:
        problems.append(f"{where}, column department: {values['department']!r} is not a code; "
                        "expected Latin letters, digits and _ (put the name in `label`)")

    def number_of(column: str, share: bool = False, default: float | None = None,
                  positive: bool = False) -> float | None:
        text = values.get(column, "")
        if not text:
            return default
        try:
            value = parse_number(text, share)
        except AmbiguousNumber:
            problems.append(f"{where}, column {column}: {text!r} could be read two ways; write "
                            "it without a thousands separator (3000) or with a decimal point")
            return None
        except ValueError:
            problems.append(f"{where}, column {column}: {text!r} is not a number")
            return None
        if value < 0 or (positive and value == 0):
            expected = "more than zero" if positive else "not negative"
            problems.append(f"{where}, column {column}: {text!r}; expected {expected}")
        return value

    people = number_of("people", positive=True)
    if people is None and not values.get("people"):
        problems.append(f"{where}, column people: empty; expected the number of people")
    total = number_of("cost_per_month")
    each = number_of("cost_per_person")
    if values.get("cost_per_month") and values.get("cost_per_person"):
        problems.append(f"{where}: give cost_per_month or cost_per_person, not both")
    elif total is None and each is None and not problems[before:]:
        problems.append(f"{where}, column cost_per_month: empty; expected the department's "
                        "monthly cost (or cost_per_person)")
    hours = number_of("hours_per_week", default=DEFAULT_HOURS_PER_WEEK, positive=True)
    if hours is not None and hours > 168:
        problems.append(f"{where}, column hours_per_week: {hours:g}; a week has 168 hours")
    share = number_of("practical_share", share=True, default=DEFAULT_PRACTICAL_SHARE,
                      positive=True)
    if share is not None and share > 1:
        problems.append(f"{where}, column practical_share: {values['practical_share']!r}; "
                        "expected a share of paid time up to 1 (or 100 %)")
    activities = None
    if values.get("activities"):
        activities = tuple(a for a in re.split(r"[|,;\s]+", values["activities"]) if a)
        wrong = [a for a in activities if a not in known_activities]
        if wrong:
            problems.append(f"{where}, column activities: {', '.join(wrong)} not among the "
                            f"activities ({', '.join(known_activities)})")
    if len(problems) > before or people is None or hours is None or share is None:
        return None
    monthly = total if total is not None else (each or 0.0) * people
    return StaffLine(department=code or "", people=people, cost_per_month=monthly,
                     hours_per_week=hours, practical_share=share,
                     label=values.get("label", "") or ("" if code == values["department"]
                                                       else values["department"]),
                     activities=activities)
