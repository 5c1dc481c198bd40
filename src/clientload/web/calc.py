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
    """`0.03` or `3%` → 0.03 (a fraction, as the command line takes it); the default when
    blank. The pages ask in percent instead: see `percent`."""
    if text is None or text == "":
        return default
    if isinstance(text, (int, float)):
        return float(text)
    value = text.strip().replace(",", ".")
    if value.endswith("%"):
        return float(value[:-1]) / 100
    return float(value)


class Form:
    """The values of a page's form read in its user's terms, and every problem found, by field:
    the page shows them beside their boxes instead of failing."""

    def __init__(self) -> None:
        self.errors: dict[str, dict[str, Any]] = {}

    def _fail(self, field: str, template: str, **values: Any) -> None:
        self.errors[field] = {"template": template, "values": values}

    def percent(self, field: str, text: str, default: float, *, low: float | None = None,
                high: float | None = None, above: float | None = None,
                below: float | None = None) -> float | None:
        """A percentage as the box beside a % sign holds it: `5` is 5 %, `0,5` is 0.5 % (a
        decimal comma or point; one trailing % is allowed), never a fraction guessed from its
        size. `low`/`high` are bounds it may equal, `above`/`below` bounds it must pass. Returns
        the fraction, or None with the field's error."""
        cleaned = text.strip()
        cleaned = cleaned[:-1].strip() if cleaned.endswith("%") else cleaned  # one % sign, not two
        value = self.number(field, cleaned, default * 100)
        if value is None:
            return None
        if ((low is not None and value < low) or (high is not None and value > high)
                or (above is not None and value <= above)
                or (below is not None and value >= below)):
            self._range(field, low if low is not None else above,
                        high if high is not None else below, above is not None,
                        below is not None)
            return None
        return value / 100

    def _range(self, field: str, low: float | None, high: float | None, low_open: bool,
               high_open: bool) -> None:
        """The error naming the range a percentage must lie in."""
        if high is None:
            self._fail(field, "enter a percentage above {low}" if low_open else
                       "enter a percentage of {low} or more", low=low)
        elif low_open and high_open:
            self._fail(field, "enter a percentage above {low} and below {high}", low=low,
                       high=high)
        elif low_open:
            self._fail(field, "enter a percentage above {low}, at most {high}", low=low,
                       high=high)
        elif high_open:
            self._fail(field, "enter a percentage from {low}, below {high}", low=low, high=high)
        else:
            self._fail(field, "enter a percentage from {low} to {high}", low=low, high=high)

    def number(self, field: str, text: str, default: float, *, low: float | None = None,
               high: float | None = None) -> float | None:
        """A number with a decimal comma or point (spaces between thousands allowed)."""
        cleaned = text.strip().replace("\u00a0", "").replace(" ", "").replace(",", ".")
        if not cleaned:
            return default
        try:
            value = float(cleaned)
        except ValueError:
            self._fail(field, "{value} is not a number", value=text)
            return None
        if value != value or value in (float("inf"), float("-inf")):
            self._fail(field, "{value} is not a number", value=text)
            return None
        if (low is not None and value < low) or (high is not None and value > high):
            self._fail(field, "enter a number from {low} to {high}",
                       low=low if low is not None else "", high=high if high is not None else "")
            return None
        return value

    def choice(self, field: str, text: str, options: tuple[str, ...]) -> str | None:
        if text in options:
            return text
        self._fail(field, "choose one of the offered values")
        return None

    def messages(self, translate: Callable[[str], str]) -> dict[str, str]:
        """Each field's error in the page's language."""
        return {field: translate(e["template"]).format(**e["values"])
                for field, e in self.errors.items()}


def plan_discount(margin: float, attainment: float, plan_unit: str, lang: str) -> dict[str, Any]:
    """Task 2: managers at `attainment` of plan; the largest discount that reaches the plan
    and keeps today's gross profit."""
    from clientload.parity.plan import plan_max_discount

    return _safe(lambda: plan_max_discount(margin, attainment, plan_unit), lang)  # type: ignore[arg-type]


def managers_plan(directory: Any, lang: str) -> list[dict[str, Any]]:
    """Task 2 for each manager of the `plans` table (none when there are no plans)."""
    from clientload.parity.managers import manager_plan_discount
    from clientload.parity.store import load_manager_figures

    try:
        _, figures = load_manager_figures(directory)
    except (ClientloadError, ValueError, OSError):
        return []
    rows = []
    for f in figures:
        if not (f.revenue_plan or f.quantity_plan):
            continue
        rows.append(_plain(manager_plan_discount(f), lang))
    return rows


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
