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
    from clientload.i18n import format_percent

    text = format_percent(value, lang, 1 if abs(value) < 0.1 else 0)
    # Russian sets the sign apart: "0,3 %" (a no-break space, as in the numbers' groups)
    return text.replace("%", "\u00a0%") if lang == "ru" else text


def _months(days: int, lang: str) -> str:
    from clientload.i18n import format_number

    return format_number(days / 30.44, lang, 1)


def _whole(value: float, lang: str) -> str:
    from clientload.i18n import format_number

    return format_number(value, lang)


def _number(value: float, lang: str, digits: int = 2) -> str:
    from clientload.i18n import format_number

    return format_number(value, lang, digits)


def _date(day: date, lang: str) -> str:
    from babel.dates import format_date

    return format_date(day, "dd.MM.yyyy" if lang == "ru" else "yyyy-MM-dd", locale=lang)


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
                f"The sales data begin on {_date(first_sales, 'en')}, after the previous period "
                f"({_date(previous.start, 'en')}…{_date(previous.end, 'en')}): growth cannot be "
                "measured, and no client is `growing` by growth."
            ),
            "ru": (
                f"Данные о продажах начинаются {_date(first_sales, 'ru')}, позже прошлого "
                f"периода ({_date(previous.start, 'ru')}…{_date(previous.end, 'ru')}): рост "
                "измерить нельзя, и никто не попадает в «растущие» по росту."
            ),
        }
    covered = (previous.end - first_sales).days + 1
    share = covered / previous.days
    return {
        "code": "previous_period_partly_covered",
        "en": (
            f"The sales data begin on {_date(first_sales, 'en')}: they cover "
            f"{_pct(share, 'en')} of the previous period ({_date(previous.start, 'en')}…"
            f"{_date(previous.end, 'en')}, {_months(covered, 'en')} of "
            f"{_months(previous.days, 'en')} months), so growth on it is overstated and clients "
            "may be `growing` by growth they did not have. Compare a shorter --period, or import "
            "the earlier sales."
        ),
        "ru": (
            f"Данные о продажах начинаются {_date(first_sales, 'ru')}: они покрывают "
            f"{_pct(share, 'ru')} прошлого периода ({_date(previous.start, 'ru')}…"
            f"{_date(previous.end, 'ru')}, {_months(covered, 'ru')} из "
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


# What the rows of each table are called in a sentence, with the plural forms of each language.
ROW_WORDS: dict[str, dict[str, dict[str, str]]] = {
    "sales": {"en": {"one": "sales line", "other": "sales lines"},
              "ru": {"one": "строка продаж", "few": "строки продаж", "many": "строк продаж"}},
    "orders": {"en": {"one": "order", "other": "orders"},
               "ru": {"one": "заказ", "few": "заказа", "many": "заказов"}},
    "interactions": {"en": {"one": "interaction", "other": "interactions"},
                     "ru": {"one": "контакт", "few": "контакта", "many": "контактов"}},
    "storage": {"en": {"one": "storage day", "other": "storage days"},
                "ru": {"one": "день хранения", "few": "дня хранения", "many": "дней хранения"}},
    "receivables": {"en": {"one": "invoice", "other": "invoices"},
                    "ru": {"one": "счёт", "few": "счёта", "many": "счетов"}},
}


def _rows(table: str, n: int, lang: str) -> str:
    from clientload.i18n import plural

    return f"{_whole(n, lang)} {plural(n, lang, ROW_WORDS[table][lang])}"


def after_period_warning(
    outside: dict[str, dict[str, int]], period: Period
) -> dict[str, str] | None:
    """Rows of the model's tables dated after the period's end: not counted, and said so."""
    late = [(t, outside.get(t, {}).get("after", 0)) for t in ROW_WORDS]
    late = [(t, n) for t, n in late if n > 0]
    if not late:
        return None
    listed = {lang: ", ".join(_rows(t, n, lang) for t, n in late) for lang in ("en", "ru")}
    return {
        "code": "rows_after_period",
        "en": (
            f"{listed['en']} dated after {_date(period.end, 'en')} are not counted: the period "
            "ends there. Import the sales of those days, or run with a --period that includes "
            "them."
        ),
        "ru": (
            f"Не учтены записи позже {_date(period.end, 'ru')}: {listed['ru']} — период "
            "заканчивается этой датой. Загрузите продажи этих дней или задайте --period, "
            "который их включает."
        ),
    }


# The group rules a client can meet or not, with their words; `best` says which way is closer.
RULES: dict[str, dict[str, str]] = {
    "core_min_breadth": {
        "en": "buys at least {limit} of the range's categories (core)",
        "ru": "покупает не меньше {limit} категорий ассортимента (правильные)",
    },
    "core_max_cv": {
        "en": "buys regularly, CV of revenue {rhythm} at most {limit} (core)",
        "ru": "покупает регулярно, CV выручки {rhythm} не больше {limit} (правильные)",
    },
    "growing_min_growth": {
        "en": "revenue up at least {limit} on a previous revenue of at least {base} (growing)",
        "ru": "рост выручки не меньше {limit} от выручки прошлого периода не меньше {base} "
              "(растущие)",
    },
    "growing_min_margin_premium": {
        "en": "margin rate at least {limit} (the company's plus the premium; growing)",
        "ru": "маржа не меньше {limit} (по компании плюс надбавка; растущие)",
    },
}


def rule_checks(
    m: Any,
    *,
    min_breadth: float,
    max_cv: float,
    min_growth: float,
    min_previous: float,
    min_margin_rate: float,
) -> Any:
    """One row (an Ibis expression over `client_metrics`): per group rule the clients with
    revenue that meet it, the closest value and its client; the main groups' sizes; the lapsed
    clients' revenue and the total."""
    buying = m.revenue > 0
    grown = buying & (m.previous_revenue >= min_previous)
    known = buying & ~m.cost_assumed
    return m.aggregate(
        core_min_breadth_met=m.count(where=buying & (m.breadth >= min_breadth)),
        core_min_breadth_best=m.breadth.max(where=buying),
        core_min_breadth_client=m.client_id.argmax(m.breadth, where=buying),
        core_max_cv_met=m.count(where=buying & (m.regularity_cv <= max_cv)),
        core_max_cv_best=m.regularity_cv.min(where=buying),
        core_max_cv_client=m.client_id.argmin(m.regularity_cv, where=buying),
        growing_min_growth_met=m.count(where=grown & (m.growth >= min_growth)),
        growing_min_growth_best=m.growth.max(where=grown),
        growing_min_growth_client=m.client_id.argmax(m.growth, where=grown),
        growing_min_margin_premium_met=m.count(where=known & (m.margin_rate >= min_margin_rate)),
        growing_min_margin_premium_best=m.margin_rate.max(where=known),
        growing_min_margin_premium_client=m.client_id.argmax(m.margin_rate, where=known),
        core_clients=m.count(where=m.segment == "core"),
        growing_clients=m.count(where=m.segment == "growing"),
        price_driven_clients=m.count(where=m.segment == "price_driven"),
        lapsed_revenue=m.revenue.sum(where=m.segment == "lapsed"),
        revenue=m.revenue.sum(),
    )


def group_warnings(
    checks: dict[str, Any], limits: dict[str, float], rhythm_months: int, lapsed_max_share: float
) -> list[dict[str, str]]:
    """Empty main groups, group rules no client meets (with the closest client), and lapsed
    clients holding more revenue than `lapsed_max_share`."""
    from clientload.model.labels import segment_label

    out = []
    for group in ("core", "growing", "price_driven"):
        if int(checks.get(f"{group}_clients") or 0) == 0:
            out.append({
                "code": "empty_group",
                "group": group,
                "en": f"No client is in the group {segment_label(group, 'en')} ({group}): see "
                      "the rules below, and the [segments] settings (docs/methodology.md).",
                "ru": f"В группе «{segment_label(group, 'ru')}» ({group}) нет ни одного "
                      "клиента: см. правила ниже и настройки [segments] (docs/methodology.md).",
            })
    rhythm = {
        "en": "month by month" if rhythm_months == 1 else f"by {rhythm_months}-month periods",
        "ru": "по месяцам" if rhythm_months == 1 else f"по периодам в {rhythm_months} мес.",
    }
    for rule, words in RULES.items():
        if checks.get(f"{rule}_met") is None or int(checks[f"{rule}_met"]) > 0:
            continue
        best, client = checks.get(f"{rule}_best"), checks.get(f"{rule}_client")
        texts = {}
        for lang in ("en", "ru"):
            percent = rule != "core_max_cv"
            limit = limits[rule]
            said = words[lang].format(
                limit=_pct(limit, lang) if percent else _number(limit, lang),
                base=_whole(limits.get("growing_min_previous_revenue", 0.0), lang),
                rhythm=rhythm[lang],
            )
            if best is None or best != best:
                closest = {"en": "no client has a value to compare",
                           "ru": "ни у одного клиента нет значения для сравнения"}[lang]
            else:
                value = _pct(float(best), lang) if percent else _number(float(best), lang)
                closest = {"en": f"the closest is client {client} with {value}",
                           "ru": f"ближе всех клиент {client}: {value}"}[lang]
            texts[lang] = (
                f"No client meets the rule: {said}; {closest}."
                if lang == "en"
                else f"Ни один клиент не выполняет правило: {said}; {closest}."
            )
        out.append({"code": "rule_unmet", "rule": rule, **texts})
    revenue = float(checks.get("revenue") or 0.0)
    lapsed = float(checks.get("lapsed_revenue") or 0.0)
    if revenue > 0 and lapsed / revenue > lapsed_max_share:
        share = lapsed / revenue
        out.append({
            "code": "lapsed_revenue",
            "en": f"Lapsed clients made {_pct(share, 'en')} of the period's revenue (more than "
                  f"{_pct(lapsed_max_share, 'en')}): check whether they really stopped buying, "
                  "and analysis.lapsed_days and lapsed_gap_factor.",
            "ru": f"На ушедших клиентов пришлось {_pct(share, 'ru')} выручки периода (больше "
                  f"{_pct(lapsed_max_share, 'ru')}): проверьте, действительно ли они перестали "
                  "покупать, и настройки analysis.lapsed_days и lapsed_gap_factor.",
        })
    return out


def run_warnings(
    *,
    period: Period,
    first_sales: date | None,
    headlines: dict[str, Any],
    capacity: list[dict[str, Any]],
    assumed_margin_rate: float,
    low_capacity_use: float,
    outside_period: dict[str, dict[str, int]] | None = None,
    lapsed_max_revenue_share: float = 0.1,
) -> list[dict[str, str]]:
    """Every warning that applies to this run, most consequential first."""
    found = (
        after_period_warning(outside_period or {}, period),
        capacity_warning(capacity, low_capacity_use),
        coverage_warning(period, first_sales),
        assumed_cost_warning(
            headlines.get("data_checks", {}),
            int(headlines.get("clients") or 0),
            float(headlines.get("revenue") or 0.0),
            assumed_margin_rate,
        ),
    )
    groups = headlines.get("group_checks")
    extra = (
        group_warnings(
            groups,
            headlines.get("group_limits", {}),
            int(headlines.get("rhythm", {}).get("months", 1)),
            lapsed_max_revenue_share,
        )
        if groups
        else []
    )
    return [w for w in found if w is not None] + extra
