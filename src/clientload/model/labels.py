"""Names shown to people, in Russian and English: client groups, policy rules, activities."""

from __future__ import annotations

SEGMENT_LABELS: dict[str, dict[str, str]] = {
    "core": {
        "ru": "Правильные клиенты",
        "en": "Core clients",
    },
    "growing": {
        "ru": "Активно растущие",
        "en": "Growing clients",
    },
    "price_driven": {
        "ru": "Нелояльные (ценовые)",
        "en": "Price-driven clients",
    },
    "new": {
        "ru": "Новые",
        "en": "New clients",
    },
    "lapsed": {
        "ru": "Ушедшие",
        "en": "Lapsed clients",
    },
}

SEGMENT_ORDER = ("core", "growing", "price_driven", "new", "lapsed")

RULE_LABELS: dict[str, dict[str, str]] = {
    "order_changes": {
        "ru": "Изменения заказов сверх бесплатных",
        "en": "Order changes beyond the free ones",
    },
    "urgent_share": {
        "ru": "Доля срочных заказов выше допустимой",
        "en": "Urgent orders above the allowed share",
    },
    "min_order_value": {
        "ru": "Заказы меньше минимальной суммы",
        "en": "Orders below the minimum order value",
    },
    "channel": {
        "ru": "Заказы не через портал",
        "en": "Orders not placed through the portal",
    },
    "free_delivery": {
        "ru": "Доставка без оплаты",
        "en": "Deliveries the policy does not give free",
    },
    "payment": {
        "ru": "Отсрочка вместо предоплаты",
        "en": "Credit instead of prepayment",
    },
    "max_waiting_days": {
        "ru": "Товар ждёт отгрузки на нашем складе дольше допустимого (дней сверх нормы)",
        "en": "Goods left ready in our warehouse beyond the allowed days (order-days over)",
    },
}


def _words(table: dict[str, dict[str, str]], code: str, language: str) -> str:
    """`code` in words of `language` from one of the tables here; an unknown code as it is."""
    return table.get(code, {}).get(language, code)


def segment_label(code: str, language: str = "en") -> str:
    """The group's name in `language` (ru | en); an unknown code is shown as it is."""
    return _words(SEGMENT_LABELS, code, language)


def rule_label(code: str, language: str = "en") -> str:
    """A policy rule (`policy_deviations.rule`) in words."""
    return _words(RULE_LABELS, code, language)


# What a client reads about its own group (letters): the same groups in words that describe the
# partnership, not our analysis of it — no client is told it is "price-driven" or "disloyal".
CLIENT_FACING_LABELS: dict[str, dict[str, str]] = {
    "core": {"ru": "Ключевой партнёр", "en": "Key partner"},
    "growing": {"ru": "Развивающийся партнёр", "en": "Growing partner"},
    "price_driven": {"ru": "Стандартное обслуживание", "en": "Standard service"},
    "new": {"ru": "Новый партнёр", "en": "New partner"},
    "lapsed": {"ru": "Партнёр", "en": "Partner"},
}


def client_facing_label(code: str, language: str = "en") -> str:
    """The group's name as the client sees it (letters); falls back to `segment_label`."""
    return CLIENT_FACING_LABELS.get(code, {}).get(language) or segment_label(code, language)


# The default settings' departments, activities and interaction types, and the cost kinds of
# client_costs, in words; a name a company made up itself shows as written (or as its `label`).
TERM_LABELS: dict[str, dict[str, str]] = {
    "sales": {"ru": "Продажи", "en": "Sales"},
    "customer_service": {"ru": "Обслуживание клиентов", "en": "Customer service"},
    "warehouse": {"ru": "Склад", "en": "Warehouse"},
    "logistics": {"ru": "Логистика", "en": "Logistics"},
    "finance": {"ru": "Финансы", "en": "Finance"},
    "order_entry": {"ru": "Приём заказа", "en": "Order entry"},
    "order_change": {"ru": "Изменение заказа", "en": "Order change"},
    "picking": {"ru": "Комплектация", "en": "Picking"},
    "urgent_handling": {"ru": "Срочная обработка", "en": "Urgent handling"},
    "delivery": {"ru": "Доставка", "en": "Delivery"},
    "return": {"ru": "Возврат", "en": "Return"},
    "invoicing": {"ru": "Выставление счетов", "en": "Invoicing"},
    "call": {"ru": "Звонок", "en": "Call"},
    "email": {"ru": "Письмо", "en": "E-mail"},
    "meeting": {"ru": "Встреча", "en": "Meeting"},
    "visit": {"ru": "Визит", "en": "Visit"},
    "inquiry": {"ru": "Запрос", "en": "Inquiry"},
    "complaint": {"ru": "Жалоба", "en": "Complaint"},
    "claim": {"ru": "Претензия", "en": "Claim"},
    "storage": {"ru": "Хранение", "en": "Storage"},
    "waiting": {"ru": "Ожидание отгрузки на складе", "en": "Waiting in our warehouse"},
    "direct": {"ru": "Прямые затраты", "en": "Direct costs"},
    "financing": {"ru": "Финансирование", "en": "Financing"},
}


def term_label(code: str | None, language: str = "en", own: str = "") -> str:
    """A department, activity or interaction type in words: its settings `label` when it has one,
    our words for the default names, else the name as written."""
    if not code:
        return "—"
    return own or _words(TERM_LABELS, code, language)


# Column names of the outputs and the history as the web pages' table headers and sort choices;
# a column not listed shows its name.
COLUMN_LABELS: dict[str, dict[str, str]] = {
    "client_id": {"ru": "Клиент", "en": "Client"},
    "name": {"ru": "Название", "en": "Name"},
    "manager": {"ru": "Менеджер", "en": "Manager"},
    "region": {"ru": "Регион", "en": "Region"},
    "segment": {"ru": "Группа", "en": "Group"},
    "from_segment": {"ru": "Была группа", "en": "From group"},
    "to_segment": {"ru": "Стала группа", "en": "To group"},
    "rule": {"ru": "Правило", "en": "Rule"},
    "actual": {"ru": "Фактически", "en": "Actual"},
    "allowed": {"ru": "Допустимо", "en": "Allowed"},
    "excess_events": {"ru": "Сверх нормы", "en": "Beyond the rule"},
    "cost": {"ru": "Стоимость", "en": "Cost"},
    "level": {"ru": "Уровень", "en": "Level"},
    "level_number": {"ru": "Номер уровня", "en": "Level number"},
    "next_level": {"ru": "Следующий уровень", "en": "Next level"},
    "monthly_revenue": {"ru": "Выручка в месяц", "en": "Revenue a month"},
    "categories_bought": {"ru": "Категорий покупает", "en": "Categories bought"},
    "orders_per_month": {"ru": "Заказов в месяц", "en": "Orders a month"},
    "changes_per_order": {"ru": "Изменений на заказ", "en": "Changes per order"},
    "revenue_gap_per_month": {"ru": "Не хватает выручки в месяц",
                              "en": "Revenue a month still needed"},
    "categories_gap": {"ru": "Не хватает категорий", "en": "Categories still needed"},
    "orders_per_month_to_cut": {"ru": "Сократить заказов в месяц",
                                "en": "Orders a month to cut"},
    "changes_per_order_to_cut": {"ru": "Сократить изменений на заказ",
                                 "en": "Changes per order to cut"},
    "perks": {"ru": "Условия уровня", "en": "Terms of the level"},
    "next_perks": {"ru": "Условия следующего уровня", "en": "Terms of the next level"},
    "run_id": {"ru": "Расчёт", "en": "Run"},
    "run_at": {"ru": "Выполнен", "en": "Run at"},
    "period_start": {"ru": "Начало периода", "en": "Period start"},
    "period_end": {"ru": "Конец периода", "en": "Period end"},
    "engine": {"ru": "Движок", "en": "Engine"},
    "clients": {"ru": "Клиентов", "en": "Clients"},
    "revenue": {"ru": "Выручка", "en": "Revenue"},
    "cost_of_goods": {"ru": "Себестоимость", "en": "Cost of goods"},
    "gross_margin": {"ru": "Валовая маржа", "en": "Gross margin"},
    "margin_rate": {"ru": "Маржа, %", "en": "Margin rate"},
    "load_minutes": {"ru": "Нагрузка, мин", "en": "Load, minutes"},
    "activity_cost": {"ru": "Стоимость операций", "en": "Activity cost"},
    "storage_cost": {"ru": "Стоимость хранения", "en": "Storage cost"},
    "financing_cost": {"ru": "Стоимость финансирования", "en": "Financing cost"},
    "cost_to_serve": {"ru": "Стоимость обслуживания", "en": "Cost to serve"},
    "contribution": {"ru": "Маржинальный доход", "en": "Contribution"},
    "contribution_rate": {"ru": "Маржинальный доход, %", "en": "Contribution rate"},
    "deviations_cost": {"ru": "Стоимость отклонений", "en": "Cost of deviations"},
    "orders": {"ru": "Заказы", "en": "Orders"},
    "order_lines": {"ru": "Строки заказов", "en": "Order lines"},
    "quantity": {"ru": "Количество", "en": "Quantity"},
    "changes": {"ru": "Изменения заказов", "en": "Order changes"},
    "urgent_orders": {"ru": "Срочные заказы", "en": "Urgent orders"},
    "deliveries": {"ru": "Доставки", "en": "Deliveries"},
    "returns": {"ru": "Возвраты", "en": "Returns"},
    "calls": {"ru": "Звонки", "en": "Calls"},
    "portal_orders": {"ru": "Заказы через портал", "en": "Portal orders"},
    "average_order_value": {"ru": "Средний заказ", "en": "Average order"},
    "lines_per_order": {"ru": "Строк на заказ", "en": "Lines per order"},
    "urgent_share": {"ru": "Доля срочных", "en": "Urgent share"},
    "calls_per_order": {"ru": "Звонков на заказ", "en": "Calls per order"},
    "load_minutes_per_1000_revenue": {"ru": "Минут на 1000 выручки",
                                      "en": "Minutes per 1,000 of revenue"},
    "margin_per_load_hour": {"ru": "Маржа на час нагрузки", "en": "Margin per hour of load"},
    "storage_days": {"ru": "Дней хранения", "en": "Storage days"},
    "dso_days": {"ru": "Оборачиваемость дебиторки, дн.", "en": "Days sales outstanding"},
    "payment_terms_days": {"ru": "Отсрочка, дн.", "en": "Payment terms, days"},
    "breadth": {"ru": "Широта ассортимента", "en": "Breadth"},
    "cv_monthly_revenue": {"ru": "Вариация выручки (CV)", "en": "CV of monthly revenue"},
    "tenure_months": {"ru": "Месяцев с нами", "en": "Months with us"},
    "previous_revenue": {"ru": "Выручка прошлого периода", "en": "Previous revenue"},
    "growth": {"ru": "Рост", "en": "Growth"},
    "returned_orders": {"ru": "Возвращённые заказы", "en": "Returned orders"},
    "new_client_orders": {"ru": "Заказы нового клиента", "en": "A new client's orders"},
    "waiting_orders": {"ru": "Заказы, ждавшие на складе", "en": "Orders left waiting"},
    "waiting_days": {"ru": "Дней ожидания на складе", "en": "Days waiting in our warehouse"},
    "waiting_value_days": {"ru": "Товар × дни ожидания", "en": "Goods waiting, value × days"},
    "regularity_cv": {"ru": "Регулярность по ритму (CV)", "en": "Regularity in its rhythm (CV)"},
    "purchase_days": {"ru": "Дней с покупками", "en": "Purchase days"},
    "mean_gap_days": {"ru": "Средний интервал между покупками, дн.",
                      "en": "Mean gap between purchases, days"},
    "days_since_purchase": {"ru": "Дней с последней покупки", "en": "Days since the last purchase"},
    "lapse_after_days": {"ru": "Ушедший после, дн.", "en": "Lapsed after, days"},
    "segment_stable": {"ru": "Группа устойчива", "en": "Group holds"},
    "contribution_sign_stable": {"ru": "Знак вклада устойчив", "en": "Contribution sign holds"},
    "revenue_capacity": {"ru": "Свободное время несёт выручку", "en": "Spare time carries revenue"},
    "order_capacity": {"ru": "Ещё заказов", "en": "More orders"},
    "conditions_unmet": {"ru": "Условий ступени не выполнено", "en": "Level criteria not kept"},
    "regularity_cv_to_cut": {"ru": "Снизить вариацию на", "en": "Variation to cut"},
    "levels": {"ru": "Ступеней", "en": "Levels"},
    "xyz_class": {"ru": "XYZ", "en": "XYZ"},
    "abc_revenue": {"ru": "ABC по выручке", "en": "ABC by revenue"},
    "abc_contribution": {"ru": "ABC по вкладу", "en": "ABC by contribution"},
}


def column_label(key: str, language: str = "en") -> str:
    return _words(COLUMN_LABELS, key, language)


# Words of a time equation (see `clientload.settings.terms`).
_PER_WORDS = {
    "lines": {"ru": "за строку", "en": "per line"},
    "quantity": {"ru": "за единицу", "en": "per unit"},
    "changes": {"ru": "за изменение", "en": "per change"},
}
_FLAG_WORDS = {
    "urgent": {"ru": "если заказ срочный", "en": "if urgent"},
    "new_client": {"ru": "если клиент новый", "en": "if the client is new"},
    "changed": {"ru": "если заказ меняли", "en": "if changed"},
    "returned": {"ru": "если заказ вернули", "en": "if returned"},
}
_CODE_WORDS = {
    "delivery": {"ru": "доставка", "en": "delivery"},
    "pickup": {"ru": "самовывоз", "en": "pickup"},
    "source": {"ru": "канал заказа", "en": "order source"},
    "manager": {"ru": "менеджер", "en": "manager"},
    "phone": {"ru": "телефон", "en": "phone"},
    "email": {"ru": "почта", "en": "e-mail"},
    "portal": {"ru": "портал", "en": "portal"},
}
_DELIVERY_WORD = {"ru": "способ доставки", "en": "delivery"}


def term_words(term, language: str = "en") -> str:
    """A time equation's term without its minutes: "per line", "if urgent", "if delivery =
    pickup" (the workbook labels its input cells with these)."""
    if term.per:
        return _words(_PER_WORDS, term.per, language)
    if term.flag:
        return _words(_FLAG_WORDS, term.flag, language)
    column = (_DELIVERY_WORD[language] if term.column == "delivery"
              else _words(_CODE_WORDS, str(term.column), language))
    code = _words(_CODE_WORDS, str(term.code), language)
    op = "=" if term.op == "==" else "≠"
    return f"{'если' if language == 'ru' else 'if'} {column} {op} {code}"


def equation_text(activity, language: str = "en") -> str:
    """An activity's time equation in words: "6 + 0.5 per line + 10 if urgent" (minutes)."""
    from clientload.i18n import format_number

    def number(value: float) -> str:
        return format_number(abs(value), language, 0 if float(value).is_integer() else 1)

    unit = "мин" if language == "ru" else "min"
    text = f"{number(activity.minutes)} {unit}"
    for term in activity.terms:
        sign = "−" if term.minutes < 0 else "+"
        comma = "," if language == "ru" and not term.per else ""
        text += f" {sign} {number(term.minutes)}{comma} {term_words(term, language)}"
    return text


ROLE_LABELS: dict[str, dict[str, str]] = {
    "admin": {"ru": "администратор", "en": "administrator"},
    "analyst": {"ru": "аналитик", "en": "analyst"},
    "manager": {"ru": "менеджер по продажам", "en": "sales manager"},
}

# The input tables as people name them (import forms, messages).
TABLE_LABELS: dict[str, dict[str, str]] = {
    "sales": {"ru": "Продажи", "en": "Sales"},
    "clients": {"ru": "Клиенты", "en": "Clients"},
    "products": {"ru": "Товары", "en": "Products"},
    "orders": {"ru": "Заказы", "en": "Orders"},
    "interactions": {"ru": "Контакты с клиентами", "en": "Interactions"},
    "storage": {"ru": "Хранение", "en": "Storage"},
    "receivables": {"ru": "Дебиторская задолженность", "en": "Receivables"},
    "plans": {"ru": "Планы", "en": "Plans"},
    "timesheets": {"ru": "Табели учёта времени", "en": "Timesheets"},
}

# What a background job (a recalculation, an import) is doing, and the engines.
STATE_LABELS: dict[str, dict[str, str]] = {
    "idle": {"ru": "ожидает", "en": "idle"},
    "running": {"ru": "идёт", "en": "running"},
    "done": {"ru": "готово", "en": "done"},
    "failed": {"ru": "ошибка", "en": "failed"},
    "duckdb": {"ru": "DuckDB", "en": "DuckDB"},
    "spark": {"ru": "Spark", "en": "Spark"},
}


def role_label(code: str | None, language: str = "en") -> str:
    return _words(ROLE_LABELS, code or "", language)


def table_label(code: str | None, language: str = "en") -> str:
    return _words(TABLE_LABELS, code or "", language)


def state_label(code: str | None, language: str = "en") -> str:
    return _words(STATE_LABELS, code or "", language)


DRIVER_LABELS: dict[str, dict[str, str]] = {
    "orders": {"ru": "заказы", "en": "orders"},
    "order_lines": {"ru": "строки заказов", "en": "order lines"},
    "order_changes": {"ru": "изменения заказов", "en": "order changes"},
    "urgent_orders": {"ru": "срочные заказы", "en": "urgent orders"},
    "deliveries": {"ru": "доставки", "en": "deliveries"},
    "returns": {"ru": "возвраты", "en": "returns"},
    "interactions": {"ru": "контакты", "en": "interactions"},
    "direct": {"ru": "прямые затраты", "en": "direct costs"},
}


def driver_label(code: str | None, language: str = "en") -> str:
    return _words(DRIVER_LABELS, code or "", language)
