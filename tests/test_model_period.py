"""The analysed period: `--period` parsing, the default period, its months and the previous one."""

from __future__ import annotations

from datetime import date

import pytest

from clientload.errors import ClientloadError
from clientload.model.period import Period, add_months, default_period, parse_period


def test_months_or_days():
    assert parse_period("2025-01:2025-12") == Period(date(2025, 1, 1), date(2025, 12, 31))
    assert parse_period("2024-02:2024-02").end == date(2024, 2, 29)
    assert parse_period("2025-03-05:2025-04-04") == Period(date(2025, 3, 5), date(2025, 4, 4))


def test_length_in_months():
    assert parse_period("2025-01:2025-12").months == 12
    assert parse_period("2025-03-05:2025-04-04").months == 1
    assert parse_period("2025-01-01:2025-01-16").months == pytest.approx(16 / 30.4375)


def test_previous_period_of_equal_length():
    assert parse_period("2025-01:2025-06").previous() == Period(
        date(2024, 7, 1), date(2024, 12, 31)
    )
    odd = parse_period("2025-01-11:2025-01-20").previous()
    assert odd == Period(date(2025, 1, 1), date(2025, 1, 10))


def test_default_is_the_last_whole_months_up_to_the_month_of_the_last_sale():
    p = default_period(date(2025, 11, 27), 12)
    assert p == Period(date(2024, 12, 1), date(2025, 11, 30))
    assert p.months == 12
    assert default_period(date(2025, 12, 31), 3) == Period(date(2025, 10, 1), date(2025, 12, 31))
    assert default_period(date(2024, 2, 10), 1) == Period(date(2024, 2, 1), date(2024, 2, 29))
    assert add_months(date(2025, 3, 31), -1) == date(2025, 2, 28)


@pytest.mark.parametrize(
    "text",
    ["2025", "2025-01", "2025-01:2025-13", "2025-02-30:2025-03-01", "x:y", "2025-05:2025-01"],
)
def test_bad_periods_say_what_is_expected(text):
    with pytest.raises(ClientloadError, match="--period"):
        parse_period(text)
