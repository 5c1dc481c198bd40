"""Results as plain data for `--json`, the web pages and the workbook: one dict per result.

Explanations become text in the chosen language; where a result has no answer (`feasible` false)
`reason` is the explanation in that language, so a reader of the JSON gets it in Russian too.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from clientload.parity.breakeven import GridRow
from clientload.parity.text import Explanation


def plain(value: Any, lang: str = "en") -> Any:
    """Dataclasses, tuples and explanations → dicts, lists and text in `lang`."""
    if isinstance(value, Explanation):
        return value.text(lang)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out = {f.name: plain(getattr(value, f.name), lang) for f in dataclasses.fields(value)}
        explanation = getattr(value, "explanation", None)
        if out.get("feasible") is False and isinstance(explanation, Explanation):
            out["reason"] = explanation.text(lang)
        return out
    if isinstance(value, dict):
        return {str(k): plain(v, lang) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v, lang) for v in value]
    return value


def grid_rows(
    rows: tuple[GridRow, ...], column: str, value: str, lang: str = "en"
) -> list[dict[str, Any]]:
    """A margin × price-change table as rows: {margin, values: [{column, value, feasible}]}, and
    a `reason` in `lang` in each cell with no answer."""

    def cell_dict(cell: Any) -> dict[str, Any]:
        out = {column: cell.price_change, value: cell.value, "feasible": cell.value is not None}
        if cell.value is None and cell.reason is not None:
            out["reason"] = cell.reason.text(lang)
        return out

    return [{"margin": row.margin, "values": [cell_dict(c) for c in row.cells]} for row in rows]
