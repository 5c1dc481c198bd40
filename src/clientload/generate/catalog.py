"""The product range of the synthetic distributor: categories, brands of different margins, SKUs.

Products are kept sorted by category, so each category is one contiguous block of SKUs; the
generator picks a category first and then a SKU inside its block by popularity.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# (category, margin adjustment, median unit cost)
CATEGORIES: tuple[tuple[str, float, float], ...] = (
    ("Бытовая химия", 0.00, 180.0),
    ("Инструмент", 0.04, 1500.0),
    ("Электрика", 0.02, 400.0),
    ("Сантехника", 0.03, 900.0),
    ("Крепёж", 0.08, 60.0),
    ("Лакокрасочные материалы", 0.01, 600.0),
    ("Хозтовары", 0.05, 150.0),
    ("Садовый инвентарь", 0.03, 700.0),
    ("Освещение", 0.04, 500.0),
    ("Упаковка", -0.04, 90.0),
)

# (brand, base gross margin rate): economy labels earn little, premium ones a lot
BRANDS: tuple[tuple[str, float], ...] = (
    ("Эконом-Про", 0.09),
    ("Старт", 0.10),
    ("Practic", 0.12),
    ("Север", 0.14),
    ("ДомТех", 0.18),
    ("Мастерок", 0.20),
    ("Прогресс", 0.21),
    ("Уют", 0.22),
    ("Вектор-М", 0.24),
    ("Kraft Line", 0.26),
    ("Nordica", 0.28),
    ("ТехноСила", 0.30),
    ("Лайт Плюс", 0.31),
    ("Gartenwelt", 0.34),
    ("ProLine", 0.37),
    ("Премиум Мастер", 0.40),
)

# How strongly the value and premium mixes lean on margin when choosing a SKU.
VALUE_MARGIN_PULL = -14.0
PREMIUM_MARGIN_PULL = 8.0


@dataclass(frozen=True)
class Catalog:
    """Product arrays indexed by product position (SKU number - 1)."""

    category: np.ndarray  # category index, non-decreasing
    brand: np.ndarray
    unit_cost: np.ndarray
    list_price: np.ndarray
    cumulative_weight: np.ndarray  # (3, products): running popularity per mix
    category_start: np.ndarray  # (3, categories): running weight before each category
    category_weight: np.ndarray  # (3, categories): weight of each category
    category_first: np.ndarray  # first product index of each category
    category_last: np.ndarray  # last product index of each category

    @property
    def size(self) -> int:
        return len(self.category)


def product_count(lines: int) -> int:
    """A range of 300-3000 SKUs that grows with the size of the company."""
    return int(np.clip(round(300 + lines / 4000), 300, 3000))


def make_catalog(products: int, rng: np.random.Generator) -> Catalog:
    """Draw the range: categories of different sizes, brands across them, costs and margins."""
    n_cat = len(CATEGORIES)
    category_share = rng.dirichlet(np.full(n_cat, 6.0))
    category = np.sort(rng.choice(n_cat, size=products, p=category_share))
    # every category holds at least one product
    category[:n_cat] = np.arange(n_cat)
    category = np.sort(category)
    brand = rng.integers(0, len(BRANDS), size=products)
    margin_adj = np.array([c[1] for c in CATEGORIES])
    median_cost = np.array([c[2] for c in CATEGORIES])
    brand_margin = np.array([b[1] for b in BRANDS])
    margin_rate = np.clip(
        brand_margin[brand] + margin_adj[category] + rng.normal(0, 0.02, products), 0.04, 0.55
    )
    unit_cost = np.round(median_cost[category] * rng.lognormal(0.0, 0.6, products), 2)
    unit_cost = np.maximum(unit_cost, 1.0)
    list_price = np.round(unit_cost / (1.0 - margin_rate), 2)

    popularity = rng.lognormal(0.0, 1.2, products)
    real_margin = 1.0 - unit_cost / list_price
    weights = np.stack(
        [
            popularity,
            popularity * np.exp(VALUE_MARGIN_PULL * real_margin),
            popularity * np.exp(PREMIUM_MARGIN_PULL * real_margin),
        ]
    )
    cumulative = np.cumsum(weights, axis=1)
    first = np.searchsorted(category, np.arange(n_cat), side="left")
    last = np.searchsorted(category, np.arange(n_cat), side="right") - 1
    before = np.where(first > 0, cumulative[:, np.maximum(first - 1, 0)], 0.0)
    mass = cumulative[:, last] - before
    return Catalog(
        category=category,
        brand=brand,
        unit_cost=unit_cost,
        list_price=list_price,
        cumulative_weight=cumulative,
        category_start=before,
        category_weight=mass,
        category_first=first,
        category_last=last,
    )


def pick_products(
    catalog: Catalog, category: np.ndarray, mix: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """A product per line: within the line's category, by popularity under the client's mix."""
    u = rng.random(len(category))
    product = np.empty(len(category), dtype=np.int64)
    for m in range(3):
        sel = np.flatnonzero(mix == m)
        if sel.size == 0:
            continue
        cat = category[sel]
        target = catalog.category_start[m, cat] + u[sel] * catalog.category_weight[m, cat]
        found = np.searchsorted(catalog.cumulative_weight[m], target, side="right")
        product[sel] = np.clip(found, catalog.category_first[cat], catalog.category_last[cat])
    return product


def product_names(catalog: Catalog) -> list[str]:
    """Readable names: brand, category and a model number."""
    pairs = zip(catalog.category.tolist(), catalog.brand.tolist(), strict=True)
    return [
        f"{BRANDS[b][0]} {CATEGORIES[c][0].lower()} {i % 997 + 100}"
        for i, (c, b) in enumerate(pairs)
    ]
