"""The report's figures where the data are unkind: clients that lose money together, and empty
cells (NaN in pandas) that must read as a dash, not "NaN ₽"."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from clientload.i18n import format_money, format_number, format_percent
from clientload.report.figures import whale_headline


def curve(contributions: list[float]) -> pd.DataFrame:
    ordered = sorted(contributions, reverse=True)
    cumulative = pd.Series(ordered).cumsum()
    n = len(ordered)
    total = float(cumulative.iloc[-1])
    return pd.DataFrame({
        "contribution": ordered,
        "cumulative_contribution": cumulative,
        "cumulative_client_share": [(i + 1) / n for i in range(n)],
        "cumulative_profit_share": cumulative / total if total else None,
    })


def test_a_profitable_company_peaks_above_its_total() -> None:
    figures = whale_headline(curve([50, 40, 30, -10, -20] + [1] * 5))
    assert figures["total"] == pytest.approx(95)
    assert figures["peak_clients"] == pytest.approx(0.8)  # the three earners and five of 1
    assert figures["peak_amount"] == pytest.approx(125)
    assert figures["peak_profit"] == pytest.approx(125 / 95)
    assert figures["top20"] == pytest.approx(90 / 95)


def test_clients_losing_money_together_have_no_shares_and_the_peak_is_the_earners() -> None:
    """The shares over a negative total put the peak at the last client ("100% earn 100%")."""
    figures = whale_headline(curve([30, 10, -5, -60, -80]))
    assert figures["total"] == pytest.approx(-105)
    assert figures["peak_clients"] == pytest.approx(0.4)
    assert figures["peak_amount"] == pytest.approx(40)
    assert figures["peak_profit"] is None and figures["top20"] is None


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_nan_is_a_dash_in_every_format(lang: str) -> None:
    assert format_money(math.nan, lang) == "—"
    assert format_number(float("nan"), lang) == "—"
    assert format_percent(math.nan, lang) == "—"
    assert format_money(0.0, lang) != "—"
