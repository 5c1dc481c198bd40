"""What a run's reader must know before trusting its figures, in words (English and Russian).

The model computes whatever the settings and data give it; these are the cases where the answer
is arithmetic on a wrong premise, seen on real sample databases imported with the default
settings: departments sized for another company (cost to serve swamped by unused capacity, or
every client loss-making), a previous period the data barely cover (growth of +9,000 %), and
margins that are the assumed rate rather than the client's. Each warning has a `code` for
programs and the text in both languages.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from clientload.model.period import Period


def _pct(value: float, lang: str) -> str:
    text = f"{value * 100:.1f}" if value < 0.1 else f"{value * 100:.0f}"
    return f"{text.replace('.', ',')} %" if lang == "ru" else f"{text}%"


def _months(days: int, lang: str) -> str:
    text = f"{days / 30.44:.1f}"
    return text.replace(".", ",") if lang == "ru" else text


def _whole(value: float, lang: str) -> str:
    text = f"{value:,.0f}"
    return text.replace(",", "\u00a0") if lang == "ru" else text


def capacity_warning(capacity: list[dict[str, Any]], low_use: float) -> dict[str, str] | None:
    """The departments together use less than `low_use` of their practical capacity."""
    available = sum(float(r.get("capacity_minutes") or 0.0) for r in capacity)
    used = sum(float(r.get("used_minutes") or 0.0) for r in capacity)
    if available <= 0 or used / available >= low_use:
        return None
    share = used / available
    return {
        "code": "low_capacity_use",
        "en": (
            f"The departments use {_pct(share, 'en')} of their practical capacity "
            f"({_whole(used, 'en')} of {_whole(available, 'en')} minutes): the costs and "
            "capacities in clientload.toml look sized for another company, so most of their "
            "cost is unused capacity. Set [departments] to your own staff and costs "
            "(docs/settings.md)."
        ),
        "ru": (
            f"Подразделения заняты на {_pct(share, 'ru')} своей практической мощности "
            f"({_whole(used, 'ru')} из {_whole(available, 'ru')} минут): затраты и мощности в "
            "clientload.toml, похоже, рассчитаны на другую компанию, и почти вся их "
            "стоимость — неиспользуемая мощность. Укажите в [departments] своих сотрудников "
            "и затраты (docs/settings.md)."
        ),
    }


def coverage_warning(period: Period, first_sales: date | None) -> dict[str, str] | None:
    """The sales data begin after the previous period's start: growth compares with less."""
    previous = period.previous()
    if first_sales is None or first_sales <= previous.start:
        return None
    if first_sales > previous.end:
        return {
            "code": "no_previous_period",
            "en": (
                f"The sales data begin on {first_sales}, after the previous period "
                f"({previous.start}…{previous.end}): growth cannot be measured, and no client "
                "is `growing` by growth."
            ),
            "ru": (
                f"Данные о продажах начинаются {first_sales}, позже прошлого периода "
                f"({previous.start}…{previous.end}): рост измерить нельзя, и никто не попадает "
                "в «растущие» по росту."
            ),
        }
    covered = (previous.end - first_sales).days + 1
    share = covered / previous.days
    return {
        "code": "previous_period_partly_covered",
        "en": (
            f"The sales data begin on {first_sales}: they cover {_pct(share, 'en')} of the "
            f"previous period ({previous.start}…{previous.end}, {_months(covered, 'en')} of "
            f"{_months(previous.days, 'en')} months), so growth on it is overstated and clients "
            "may be `growing` by growth they did not have. Compare a shorter --period, or import "
            "the earlier sales."
        ),
        "ru": (
            f"Данные о продажах начинаются {first_sales}: они покрывают {_pct(share, 'ru')} "
            f"прошлого периода ({previous.start}…{previous.end}, {_months(covered, 'ru')} из "
            f"{_months(previous.days, 'ru')} мес.), поэтому рост к нему завышен, и клиенты могут "
            "попасть в «растущие» без настоящего роста. Возьмите более короткий --period или "
            "загрузите более ранние продажи."
        ),
    }


def assumed_cost_warning(
    checks: dict[str, Any], clients: int, revenue: float, assumed_margin_rate: float
) -> dict[str, str] | None:
    """Some clients' cost of goods is (partly) the assumed margin, not their own."""
    n = int(checks.get("clients_with_assumed_cost") or 0)
    if n == 0:
        return None
    share = float(checks.get("revenue_with_assumed_cost") or 0.0) / revenue if revenue else 0.0
    rate = assumed_margin_rate
    return {
        "code": "assumed_cost",
        "en": (
            f"{n} of {clients} clients ({_pct(share, 'en')} of revenue) have sales lines with no "
            f"cost of goods: their margin is the assumed {_pct(rate, 'en')} there, so margin "
            "comparisons between clients (`growing` by margin, `price_driven`) rest on that "
            "assumption. Import sales.cost or products.unit_cost to replace it."
        ),
        "ru": (
            f"У {n} из {clients} клиентов ({_pct(share, 'ru')} выручки) есть строки продаж без "
            f"себестоимости: маржа там — принятые {_pct(rate, 'ru')}, и сравнение клиентов по "
            "марже («растущие» по марже, «нелояльные») опирается на это допущение. Загрузите "
            "sales.cost или products.unit_cost, чтобы заменить его."
        ),
    }


def run_warnings(
    *,
    period: Period,
    first_sales: date | None,
    headlines: dict[str, Any],
    capacity: list[dict[str, Any]],
    assumed_margin_rate: float,
    low_capacity_use: float,
) -> list[dict[str, str]]:
    """Every warning that applies to this run, most consequential first."""
    found = (
        capacity_warning(capacity, low_capacity_use),
        coverage_warning(period, first_sales),
        assumed_cost_warning(
            headlines.get("data_checks", {}),
            int(headlines.get("clients") or 0),
            float(headlines.get("revenue") or 0.0),
            assumed_margin_rate,
        ),
    )
    return [w for w in found if w is not None]
