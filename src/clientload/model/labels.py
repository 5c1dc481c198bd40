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
}


def segment_label(code: str, language: str = "en") -> str:
    """The group's name in `language` (ru | en); an unknown code is shown as it is."""
    return SEGMENT_LABELS.get(code, {}).get(language, code)


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
    "financing": {"ru": "Финансирование", "en": "Financing"},
}


def term_label(code: str | None, language: str = "en", own: str = "") -> str:
    """A department, activity or interaction type in words: its settings `label` when it has one,
    our words for the default names, else the name as written."""
    if not code:
        return "—"
    return own or TERM_LABELS.get(code, {}).get(language, code)
