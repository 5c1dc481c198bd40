"""Department sizes that fit a generated company: an estimate for the demo, not the model.

The load of the last 12 months is counted from the generated Parquet files with the settings'
activities and standard minutes, in the simplest reading of each driver:

- `orders`: orders created in the period, with the time equation
  minutes + minutes_per_line × lines of the order + urgent_extra_minutes if urgent;
- `order_lines` / `returns`: sales lines with positive / negative quantity;
- `order_changes`: the sum of `changes`; `urgent_orders`: urgent orders;
  `deliveries`: orders with delivery = "delivery";
- `interactions` of a type: the row's own minutes where recorded, else minutes × count.

Each department is then given the capacity that this load fills to its target utilisation
(`TARGET_BY_DEPARTMENT`, 72-86 % for the default departments, else `TARGET_UTILISATION`), and
the cost of that capacity at the department's cost per minute in the settings (so the default
cost per minute is kept and only the size of the team changes).
"""

from __future__ import annotations

import re
from datetime import timedelta

from clientload.generate.company import GeneratedCompany
from clientload.settings import Settings
from clientload.setup.compose import DEFAULT_UTILISATION, UTILISATION

# Departments of the default settings differ a little, as in a real company: the order desk runs
# hot, finance and the vans keep some slack. (The same shares scale a new workspace's departments
# from its revenue until its staff are entered: `clientload.setup.compose`.)
TARGET_UTILISATION = DEFAULT_UTILISATION  # for departments not named below
TARGET_BY_DEPARTMENT = UTILISATION
ANALYSED_DAYS = 365


def used_minutes(company: GeneratedCompany, settings: Settings) -> dict[str, float]:
    """Minutes each department spends on the company's last 12 months, with standard times."""
    import duckdb

    from clientload.setup.scale import department_minutes

    start = company.end - timedelta(days=ANALYSED_DAYS - 1)
    con = duckdb.connect()
    try:
        for table in ("sales", "orders", "interactions"):
            path = str(company.files[table]).replace("'", "''")
            con.execute(f"CREATE VIEW {table} AS SELECT * FROM read_parquet('{path}')")
        return department_minutes(con, settings, start, company.end)
    finally:
        con.close()


def target_utilisation(department: str) -> float:
    """The share of capacity a sized department's load fills."""
    return TARGET_BY_DEPARTMENT.get(department, TARGET_UTILISATION)


def suggested_departments(
    company: GeneratedCompany, settings: Settings
) -> dict[str, tuple[float, float]]:
    """(cost, capacity_minutes) per department for 12 months, sized to the generated company.

    Capacity is the last 12 months' load ÷ the department's `target_utilisation`, rounded to a
    thousand minutes (at least one thousand); cost keeps the settings' cost per minute.
    """
    used = used_minutes(company, settings)
    sized: dict[str, tuple[float, float]] = {}
    for name, department in settings.departments.items():
        capacity = max(round(used[name] / target_utilisation(name), -3), 1000.0)
        sized[name] = (round(capacity * department.cost_per_minute, -3), capacity)
    return sized


_SECTION = re.compile(r"^\s*\[\s*([A-Za-z0-9_.\- ]+?)\s*\]")
_VALUE = re.compile(r"^(\s*)(cost|capacity_minutes)(\s*=\s*)[^#\n]*?(\s*)(#.*)?$")
PERSON_MINUTES = 94_500  # 1,575 practical hours a year × 60, as in the settings template


def sized_settings_text(template: str, sized: dict[str, tuple[float, float]]) -> str:
    """The settings text with only the `[departments.*]` cost and capacity values replaced.

    Everything else (other sections, comments, order) is kept as written; the comment on each
    replaced line says where the number came from.
    """
    out = []
    department: str | None = None
    for line in template.splitlines(keepends=True):
        section = _SECTION.match(line)
        if section:
            name = section.group(1).replace(" ", "")
            department = name.split(".", 1)[1] if name.startswith("departments.") else None
        match = _VALUE.match(line.rstrip("\n")) if department in sized else None
        if match and department is not None:
            cost, capacity = sized[department]
            key = match.group(2)
            value = f"{cost:.0f}" if key == "cost" else f"{capacity:.0f}"
            note = (
                f"# sized for the generated company (about {capacity / PERSON_MINUTES:.1f} people)"
                if key == "cost"
                else f"# its last 12 months' load / {target_utilisation(department):g}"
            )
            text = f"{match.group(1)}{key}{match.group(3)}{value}"
            line = f"{text.ljust(31)}{note}\n"
        out.append(line)
    return "".join(out)
