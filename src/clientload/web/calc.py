"""The parity calculators as the pages use them: `clientload.parity` results made plain dicts,
with the explanation in the page's language and bad input reported instead of raised."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from clientload.errors import ClientloadError


def _plain(result: Any, lang: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for f in dataclasses.fields(result):
        value = getattr(result, f.name)
        if f.name == "explanation":
            out["explanation"] = value.text(lang)
        elif dataclasses.is_dataclass(value):
            out[f.name] = _plain(value, lang)
        elif isinstance(value, tuple) and value and dataclasses.is_dataclass(value[0]):
            out[f.name] = [_plain(v, lang) for v in value]
        else:
            out[f.name] = value
    return out


def _safe(compute: Callable[[], Any], lang: str) -> dict[str, Any]:
    try:
        return _plain(compute(), lang)
    except (ClientloadError, ValueError) as exc:
        return {"feasible": False, "reason": str(exc), "explanation": str(exc)}


def required_volume(margin: float, discount: float, lang: str) -> dict[str, Any]:
    """Task 1: the volume growth that keeps profit after a discount."""
    from clientload.parity.breakeven import break_even_volume

    return _safe(lambda: break_even_volume(margin, discount), lang)


def max_discount(margin: float, volume_change: float, lang: str) -> dict[str, Any]:
    """Task 2: the deepest discount a volume change pays for."""
    from clientload.parity.breakeven import max_discount_for_volume

    return _safe(lambda: max_discount_for_volume(margin, volume_change), lang)


def grid() -> dict[str, Any]:
    """Required volume change for each margin × discount (None where no volume is enough)."""
    from clientload.parity.breakeven import discount_grid

    rows = discount_grid()
    return {
        "discounts": [c.price_change for c in rows[0].cells] if rows else [],
        "rows": [{"margin": r.margin, "required": [c.value for c in r.cells]} for r in rows],
    }


def cash_discount(discount: float, discount_days: float, net_days: float, lang: str,
                  cost_of_capital: float | None = None) -> dict[str, Any]:
    from clientload.parity.cash import cash_discount_rates

    return _safe(lambda: cash_discount_rates(discount, discount_days, net_days,
                                             cost_of_capital=cost_of_capital), lang)


def fraction(text: str | float | None, default: float) -> float:
    """`0.03`, `3%` or `3` (read as percent when above 1) → 0.03; the default when blank."""
    if text is None or text == "":
        return default
    if isinstance(text, (int, float)):
        return float(text)
    value = text.strip().replace(",", ".")
    if value.endswith("%"):
        return float(value[:-1]) / 100
    number = float(value)
    return number / 100 if abs(number) >= 1 else number


def give_get(results: Any, settings: Any, info: dict[str, Any], client_id: str, discount: float,
             lang: str) -> dict[str, Any]:
    """What to ask a client in return for `discount`: each option that alone keeps its
    contribution, from `clientload.parity`'s give-get menu over the client's own figures, read
    from the app's results in memory (the company's margins per category kept per run)."""
    from clientload.parity.from_workspace import (
        COSTS_COLUMNS,
        client_figures,
        not_bought,
    )
    from clientload.parity.menu import give_get_menu

    try:
        if settings is None:
            raise ValueError("the settings file cannot be read; see the Settings page")
        found = results.table("client_metrics", "client_id = ?", [client_id], limit=1)
        if not found or not info:
            raise ValueError("no model results for this client; recalculate")
        cost_rows = results.query(
            ("client_costs",),
            f"SELECT {', '.join(COSTS_COLUMNS)} FROM client_costs WHERE client_id = ?",
            [client_id],
        )
        margins = results.memo("category_margins", ("client_assortment",),
                               lambda: _category_margins(results))
        bought = {r["category"] for r in results.query(
            ("client_assortment",),
            "SELECT DISTINCT category FROM client_assortment WHERE client_id = ? AND revenue > 0",
            [client_id],
        )}
        figures = client_figures(found[0], cost_rows, not_bought(margins, bought), info, settings)
        options = give_get_menu(figures, discount)
    except (ClientloadError, ValueError, OSError, KeyError) as exc:
        return {"feasible": False, "reason": str(exc), "options": []}
    return {"feasible": True, "reason": None,
            "options": [_plain(option, lang) for option in options]}


def _category_margins(results: Any) -> dict[str, float]:
    rows = results.query(
        ("client_assortment",),
        "SELECT category, sum(revenue) AS revenue, sum(gross_margin) AS gross_margin "
        "FROM client_assortment WHERE category IS NOT NULL GROUP BY category ORDER BY category",
    )
    return {str(r["category"]): float(r["gross_margin"] or 0) / float(r["revenue"])
            for r in rows if r["revenue"]}
