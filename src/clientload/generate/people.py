"""Names and contacts: clients (with escape bait), managers, staff, regions and channels.

Per-client loops here build short strings once per client (at most ~100k), never per sales line.
"""

from __future__ import annotations

import numpy as np

# (stem, transliteration for e-mail domains)
STEMS: tuple[tuple[str, str], ...] = (
    ("Ромашка", "romashka"), ("Вектор", "vektor"), ("Альфа", "alfa"), ("Стройдвор", "stroydvor"),
    ("Мастер", "master"), ("Техносфера", "tehnosfera"), ("Уют", "uyut"), ("Гранит", "granit"),
    ("Север", "sever"), ("Континент", "kontinent"), ("Радуга", "raduga"), ("Орион", "orion"),
    ("Ладья", "ladya"), ("Меридиан", "meridian"), ("Профиль", "profil"), ("Дом и Сад", "domisad"),
    ("Элемент", "element"), ("Каскад", "kaskad"), ("Форпост", "forpost"), ("Светоч", "svetoch"),
)
SURNAMES: tuple[str, ...] = (
    "Иванов", "Смирнов", "Кузнецов", "Попов", "Васильев", "Петров", "Соколов", "Михайлов",
    "Новиков", "Фёдоров", "Морозов", "Волков", "Алексеев", "Лебедев", "Семёнов", "Егоров",
)
INITIALS = "АБВГДЕИКЛМНОПРСТ"

MANAGERS: tuple[str, ...] = (
    "Анна Белова", "Игорь Ковалёв", "Мария Орлова", "Дмитрий Зайцев", "Ольга Никитина",
    "Сергей Павлов", "Елена Громова", "Алексей Титов", "Наталья Крылова", "Павел Широков",
    "Татьяна Власова", "Роман Гусев", "Ирина Фомина", "Андрей Комаров", "Юлия Данилова",
)
STAFF: dict[str, tuple[str, ...]] = {
    "customer_service": (
        "Оператор Светлана К.", "Оператор Артём Л.", "Оператор Вера М.", "Оператор Илья Н.",
        "Оператор Дарья П.", "Оператор Глеб Р.", "Оператор Нина С.", "Оператор Олег Т.",
    ),
    "finance": ("Бухгалтер Лидия А.", "Бухгалтер Пётр Б.", "Бухгалтер Зоя В.", "Бухгалтер Марк Г."),
}

# (region, weight)
REGIONS: tuple[tuple[str, float], ...] = (
    ("Москва", 0.30), ("Московская область", 0.15), ("Санкт-Петербург", 0.14),
    ("Свердловская область", 0.07), ("Новосибирская область", 0.06), ("Республика Татарстан", 0.06),
    ("Краснодарский край", 0.07), ("Нижегородская область", 0.05), ("Самарская область", 0.05),
    ("Ростовская область", 0.05),
)
CHANNELS: tuple[str, ...] = (
    "Розница", "Опт", "Строительные компании", "Интернет-магазин", "HoReCa",
)

# Names that start like a spreadsheet formula or carry markup, so escaping is exercised downstream.
ESCAPE_BAIT: tuple[str, ...] = (
    '=СУММ(A1:A9) ООО "Формула"',
    '+7 Трейд ООО',
    '-Минус Сервис ИП',
    '@Собака Маркет',
    'ООО "<script>alert(1)</script>"',
)


def manager_count(clients: int) -> int:
    """10 to 15 sales managers, more for bigger client bases."""
    return int(np.clip(round(9 + np.log10(max(clients, 1))), 10, 15))


def client_ids(clients: int) -> list[str]:
    width = max(5, len(str(clients)))
    return [f"C{i:0{width}d}" for i in range(1, clients + 1)]


def client_names(clients: int, bait_at: np.ndarray, rng: np.random.Generator) -> list[str]:
    """ООО/АО with a stem and a number, or an individual entrepreneur; bait at given positions."""
    form = rng.choice(3, size=clients, p=[0.7, 0.1, 0.2])
    stem = rng.integers(0, len(STEMS), size=clients)
    surname = rng.integers(0, len(SURNAMES), size=clients)
    initials = rng.integers(0, len(INITIALS), size=(clients, 2))
    names = []
    for i in range(clients):
        if form[i] == 2:
            a, b = initials[i]
            names.append(f"ИП {SURNAMES[surname[i]]} {INITIALS[a]}.{INITIALS[b]}.")
        else:
            legal = "ООО" if form[i] == 0 else "АО"
            names.append(f'{legal} "{STEMS[stem[i]][0]}-{i + 1}"')
    for pos, bait in zip(bait_at.tolist(), ESCAPE_BAIT, strict=False):
        names[pos] = bait
    return names


def _phone(rng_digits: np.ndarray, style: int) -> str:
    d = "".join(map(str, rng_digits))
    if style == 0:
        return f"+7 9{d[:2]} {d[2:5]}-{d[5:7]}-{d[7:9]}"
    if style == 1:
        return f"+7 (9{d[:2]}) {d[2:5]}-{d[5:7]}-{d[7:9]}"
    return f"89{d}"


def client_contacts(clients: int, rng: np.random.Generator) -> tuple[list[str], list[str]]:
    """Phones (1-3, mixed formats, `;`-separated) and e-mails (addresses and some whole domains)."""
    digits = rng.integers(0, 10, size=(clients, 3, 9))
    n_phones = rng.choice([1, 2, 3], size=clients, p=[0.6, 0.3, 0.1])
    style = rng.integers(0, 3, size=(clients, 3))
    stem = rng.integers(0, len(STEMS), size=clients)
    email_kind = rng.choice(3, size=clients, p=[0.55, 0.25, 0.2])
    phones, emails = [], []
    for i in range(clients):
        phones.append("; ".join(_phone(digits[i, k], style[i, k]) for k in range(n_phones[i])))
        domain = f"{STEMS[stem[i]][1]}{i + 1}.ru"
        if email_kind[i] == 0:
            emails.append(f"info@{domain}")
        elif email_kind[i] == 1:
            emails.append(f"zakaz@{domain}; buh@{domain}")
        else:
            emails.append(f"@{domain}")
    return phones, emails
