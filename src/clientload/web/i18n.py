"""Russian and English for the web pages: a message catalogue and number, money and date formats.

Message ids are short keys; each has both languages here, so a page never shows a blank. Numbers
are formatted at the edge only: Russian groups thousands with a no-break space and uses a decimal
comma (`1 234 567,89 ₽`), English uses commas and a point (`₽1,234,567.89`).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable

LANGUAGES = ("ru", "en")
DEFAULT_LANGUAGE = "ru"
NBSP = "\u00a0"
CURRENCY_SYMBOLS = {"RUB": "₽", "USD": "$", "EUR": "€", "KZT": "₸", "BYN": "Br"}

MESSAGES: dict[str, tuple[str, str]] = {
    # key: (ru, en)
    "app": ("Нагрузка клиентов", "Client load"),
    "dashboard": ("Сводка", "Dashboard"),
    "clients": ("Клиенты", "Clients"),
    "client": ("Клиент", "Client"),
    "heavy": ("Самые тяжёлые", "Heaviest clients"),
    "calculators": ("Калькуляторы", "Calculators"),
    "log": ("Журнал контактов", "Log an interaction"),
    "import": ("Импорт", "Import"),
    "settings": ("Настройки", "Settings"),
    "history": ("Политика во времени", "Policy over time"),
    "users": ("Пользователи", "Users"),
    "workbook": ("Книга Excel", "Workbook"),
    "sign_in": ("Вход", "Sign in"),
    "sign_out": ("Выход", "Sign out"),
    "username": ("Логин", "Username"),
    "password": ("Пароль", "Password"),
    "bad_login": ("Неверный логин или пароль", "Wrong username or password"),
    "too_many": ("Слишком много попыток; подождите минуту", "Too many attempts; wait a minute"),
    "revenue": ("Выручка", "Revenue"),
    "gross_margin": ("Валовая маржа", "Gross margin"),
    "margin_rate": ("Маржинальность", "Margin rate"),
    "cost_to_serve": ("Стоимость обслуживания", "Cost to serve"),
    "contribution": ("Вклад в прибыль", "Contribution"),
    "contribution_rate": ("Рентабельность вклада", "Contribution rate"),
    "unused_capacity": ("Неиспользуемая мощность", "Unused capacity"),
    "load_minutes": ("Нагрузка, мин", "Load, minutes"),
    "load_hours": ("Нагрузка, ч", "Load, hours"),
    "orders": ("Заказы", "Orders"),
    "segment": ("Группа", "Group"),
    "segment_reason": ("Почему", "Why"),
    "manager": ("Менеджер", "Manager"),
    "region": ("Регион", "Region"),
    "name": ("Название", "Name"),
    "client_id": ("Код", "ID"),
    "search": ("Поиск", "Search"),
    "filter": ("Показать", "Filter"),
    "all": ("все", "all"),
    "sort": ("Сортировка", "Sort"),
    "page": ("Страница", "Page"),
    "prev": ("Назад", "Previous"),
    "next": ("Далее", "Next"),
    "of": ("из", "of"),
    "found": ("найдено", "found"),
    "no_results": (
        "Результатов модели нет: запустите пересчёт (clientload run)",
        "No model results yet: recalculate (clientload run)",
    ),
    "whale_curve": ("Кривая кита", "Whale curve"),
    "group_matrix": (
        "Группы: выручка и стоимость обслуживания", "Groups: revenue vs cost to serve"
    ),
    "bubble_margin": ("размер пузыря — маржа", "bubble size is the margin"),
    "load_by_department": ("Нагрузка по отделам", "Load by department"),
    "used": ("Использовано", "Used"),
    "unused": ("Не использовано", "Unused"),
    "self_service": (
        "Перевод нелояльных клиентов на самообслуживание освободит",
        "Moving price-driven clients to self-service would free",
    ),
    "hours": ("ч", "h"),
    "clients_count": ("клиентов", "clients"),
    "cum_share_clients": (
        "Доля клиентов (по убыванию вклада)", "Share of clients (by contribution)"
    ),
    "cum_contribution": ("Накопленный вклад", "Cumulative contribution"),
    "pnl": ("Прибыль клиента", "Client P&L"),
    "load_by_activity": ("Откуда нагрузка", "Where the load comes from"),
    "assortment": ("Что покупает", "What it buys"),
    "category": ("Категория", "Category"),
    "quantity": ("Количество", "Quantity"),
    "deviations": ("Отклонения от политики", "Policy deviations"),
    "career": ("Карьера клиента", "Career path"),
    "interactions": ("Контакты", "Interactions"),
    "parity": ("Если клиент просит скидку", "If the client asks for a discount"),
    "discount": ("Скидка", "Discount"),
    "margin": ("Маржа", "Margin"),
    "calculate": ("Рассчитать", "Calculate"),
    "department": ("Отдел", "Department"),
    "activity": ("Операция", "Activity"),
    "events": ("Событий", "Events"),
    "minutes": ("Минуты", "Minutes"),
    "cost": ("Затраты", "Cost"),
    "type": ("Тип", "Type"),
    "date": ("Дата", "Date"),
    "note": ("Заметка", "Note"),
    "save": ("Сохранить", "Save"),
    "saved": ("Сохранено", "Saved"),
    "edit": ("Изменить", "Edit"),
    "my_recent": ("Мои последние записи", "My recent entries"),
    "export_csv": ("Скачать CSV", "Download CSV"),
    "export_xlsx": ("Скачать Excel", "Download Excel"),
    "table": ("Таблица", "Table"),
    "file": ("Файл", "File"),
    "upload": ("Загрузить", "Upload"),
    "rows_read": ("Прочитано", "Read"),
    "rows_loaded": ("Загружено", "Loaded"),
    "rows_rejected": ("Отклонено", "Rejected"),
    "download_rejects": ("Скачать отклонённые строки", "Download rejected rows"),
    "recalculate": ("Пересчитать", "Recalculate"),
    "running": ("Идёт расчёт", "Running"),
    "done": ("Готово", "Done"),
    "failed": ("Ошибка", "Failed"),
    "role": ("Роль", "Role"),
    "manager_name": ("Имя менеджера", "Manager name"),
    "add_user": ("Добавить пользователя", "Add user"),
    "no_data": ("Нет данных", "No data"),
    "forbidden": ("Нет доступа", "Forbidden"),
    "not_found": ("Не найдено", "Not found"),
    "task1": (
        "Задача 1: какой рост объёма окупит скидку", "Task 1: the volume that pays for a discount"
    ),
    "task2": (
        "Задача 2: какую скидку можно дать за рост", "Task 2: the discount a volume gain allows"
    ),
    "grid": ("Сетка: маржа × скидка", "Grid: margin × discount"),
    "cash_discount": ("Скидка за быструю оплату", "Cash discount terms"),
    "volume_change": ("Изменение объёма", "Volume change"),
    "discount_days": ("Дней для скидки", "Discount days"),
    "net_days": ("Дней отсрочки", "Net days"),
    "result": ("Результат", "Result"),
    "language": ("Язык", "Language"),
    "run_info": ("Последний расчёт", "Last run"),
    "errors": ("Ошибки", "Errors"),
    "runs": ("Расчёты", "Runs"),
    "employee": ("Сотрудник", "Employee"),
    "deviations_cost": ("Стоимость отклонений от политики", "Cost of policy deviations"),
    "capacity_hours": ("Мощность, ч", "Capacity, hours"),
    "cost_per_minute": ("Цена минуты", "Cost per minute"),
    "ask_in_return": ("Что попросить взамен (любое одно)", "Ask in return (any one of these)"),
    "groups_by_run": ("Группы по расчётам", "Groups run by run"),
    "migrations": ("Переходы между группами", "Migrations between groups"),
}

SEGMENT_LABELS: dict[str, tuple[str, str]] = {
    "core": ("Правильные", "Core"),
    "growing": ("Активно растущие", "Growing"),
    "price_driven": ("Нелояльные", "Price-driven"),
    "new": ("Новые", "New"),
    "lapsed": ("Ушедшие", "Lapsed"),
}


def pick_language(value: str | None) -> str:
    return value if value in LANGUAGES else DEFAULT_LANGUAGE


def translator(lang: str) -> Callable[[str], str]:
    """`t = translator("ru"); t("revenue")` → "Выручка"; an unknown key shows itself."""
    index = LANGUAGES.index(pick_language(lang))

    def t(key: str) -> str:
        pair = MESSAGES.get(key)
        return pair[index] if pair else key

    return t


def segment_label(code: str | None, lang: str) -> str:
    if not code:
        return "—"
    pair = SEGMENT_LABELS.get(code)
    return pair[LANGUAGES.index(pick_language(lang))] if pair else code


def _is_missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def format_number(value: float | None, lang: str, digits: int = 0) -> str:
    """Grouped thousands and the language's decimal mark; `—` for a missing value."""
    if _is_missing(value):
        return "—"
    text = f"{float(value):,.{digits}f}"  # type: ignore[arg-type]
    if pick_language(lang) == "ru":
        text = text.replace(",", NBSP).replace(".", ",")
    return text.replace("-", "−") if text.startswith("-") else text


def format_money(value: float | None, lang: str, currency: str = "RUB", digits: int = 0) -> str:
    """`1 234 567,89 ₽` in Russian, `₽1,234,567.89` in English."""
    if _is_missing(value):
        return "—"
    symbol = CURRENCY_SYMBOLS.get(currency, currency)
    number = format_number(abs(float(value)), lang, digits)  # type: ignore[arg-type]
    sign = "−" if float(value) < 0 else ""  # type: ignore[arg-type]
    if pick_language(lang) == "ru":
        return f"{sign}{number}{NBSP}{symbol}"
    return f"{sign}{symbol}{number}"


def format_percent(fraction: float | None, lang: str, digits: int = 1) -> str:
    """A fraction shown as a percentage: 0.163 → `16,3 %` (ru) or `16.3%` (en)."""
    if _is_missing(fraction):
        return "—"
    number = format_number(float(fraction) * 100, lang, digits)  # type: ignore[arg-type]
    return f"{number}{NBSP}%" if pick_language(lang) == "ru" else f"{number}%"


def format_date(value: dt.date | str | None, lang: str) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value[:10])
        except ValueError:
            return value
    return value.strftime("%d.%m.%Y") if pick_language(lang) == "ru" else value.strftime("%Y-%m-%d")
