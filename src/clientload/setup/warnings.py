"""What a run says about where its department figures come from.

`department_sizing(settings)` is `{department: "staff" | "amounts" | "revenue"}` for
`run_info.json`; `sizing_warning(settings)` is the warning (code, English, Russian) a run lists
when some departments are scaled from revenue rather than described by the company.
"""

from __future__ import annotations

from typing import Any

from clientload.i18n import format_money, format_percent
from clientload.settings import Settings


def department_sizing(settings: Settings) -> dict[str, str]:
    """Where each department's cost and capacity come from."""
    return {name: d.sized_from for name, d in settings.departments.items()}


def sizing_warning(settings: Settings) -> dict[str, Any] | None:
    """The run's warning when departments are scaled from revenue; None when every department
    comes from the staff or from amounts written in the settings."""
    scaled = [d for d in settings.departments.values() if d.sized_from == "revenue"]
    if not scaled:
        return None
    analysis = settings.section("analysis")
    currency = str(analysis.get("currency", "RUB"))
    months = int(analysis.get("cost_period_months", 12))
    names = ", ".join(d.name for d in scaled)

    def shares(lang: str) -> str:
        return "; ".join(
            f"{d.name} {format_percent(d.revenue_share, lang, 2)} = "
            f"{format_money(d.cost if d.sized else None, lang, currency)}, ÷ "
            f"{format_percent(d.utilisation, lang, 0)}"
            for d in scaled
        )

    return {
        "code": "departments_scaled_from_revenue",
        "departments": [d.name for d in scaled],
        "en": (
            f"Departments not described by their staff ({names}) are scaled to the company: "
            f"cost = a share of the revenue of the last {months} months, capacity = the load "
            f"they carry ÷ an assumed utilisation ({shares('en')}). Their cost per minute and "
            "unused capacity are assumptions, not measurements: describe the staff with "
            "`clientload init --staff`, `--interactive` or the Setup page (docs/setup.md)."
        ),
        "ru": (
            f"Подразделения, для которых не указаны сотрудники ({names}), масштабированы по "
            f"компании: затраты = доля выручки за последние {months} мес., мощность = их "
            f"нагрузка ÷ принятая загрузка ({shares('ru')}). Стоимость их минуты и "
            "неиспользуемая мощность — допущения, а не измерения: укажите сотрудников через "
            "`clientload init --staff`, `--interactive` или страницу «Настройка» "
            "(docs/setup.md)."
        ),
    }
