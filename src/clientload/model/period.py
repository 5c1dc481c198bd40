"""The analysed period: parsing `--period START:END`, the default period and the previous one.

A period is a closed range of dates. Its length in months drives every monthly figure and the
scaling of department costs (settings give them for `analysis.cost_period_months`).
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from clientload.errors import ClientloadError

_DAYS_PER_MONTH = 365.25 / 12


def add_months(day: date, months: int) -> date:
    """The same day of the month `months` later (or earlier), clipped to the month's last day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


@dataclass(frozen=True)
class Period:
    """Dates from `start` to `end`, both included."""

    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def _whole_months(self) -> int:
        after_end = self.end + timedelta(days=1)
        k = 0
        while add_months(self.start, k + 1) <= after_end:
            k += 1
        return k

    @property
    def months(self) -> float:
        """Whole calendar months in the period plus the rest in average months (30.44 days)."""
        k = self._whole_months()
        rest = (self.end + timedelta(days=1) - add_months(self.start, k)).days
        return k + rest / _DAYS_PER_MONTH

    def previous(self) -> Period:
        """The period of equal length just before this one (by months when whole, else by days)."""
        k = self._whole_months()
        rest = (self.end + timedelta(days=1) - add_months(self.start, k)).days
        prev_end = self.start - timedelta(days=1)
        if rest == 0:
            return Period(add_months(self.start, -k), prev_end)
        return Period(self.start - timedelta(days=self.days), prev_end)


# The period a plan is compiled for in place of a period of whole months (see `stand_in`): its
# dates are unlike any real one, so that each can be told apart in the SQL and moved.
_STAND_IN_END = date(8888, 12, 31)
_STAND_IN_YEARS = (8000, 8999)
_MAKE_DATE = re.compile(r"MAKE_DATE\((8\d{3}), (\d{1,2}), (\d{1,2})\)")


def stand_in(period: Period) -> tuple[Period, Callable[[str], str]] | None:
    """A period of as many whole months as `period`, ending in December 8888, and a function that
    rewrites SQL compiled for it into SQL for `period`; None unless `period` is whole months.

    The model's SQL holds the period only as dates of the engine's `MAKE_DATE(y, m, d)` (month
    numbers are computed from them), each a month's first or last day when the period is whole
    months: the period's bounds, the day after its end, the previous period's, the start of the
    "new client" window. So a plan compiled once for the stand-in serves every period of the
    same length: a new month of data moves the default period and replays the plan. A date of
    the stand-in that is neither a first nor a last day could not be moved, and is an error.
    """
    months = period._whole_months()
    whole = period.start.day == 1 and period.end + timedelta(days=1) == add_months(
        period.start, months
    )
    if not whole or months > 360 or period.end.year >= _STAND_IN_YEARS[0]:
        return None
    start = add_months(_STAND_IN_END + timedelta(days=1), -months)
    shift = (period.end.year - _STAND_IN_END.year) * 12 + period.end.month - _STAND_IN_END.month

    def move(match: re.Match[str]) -> str:
        year, month, day = int(match[1]), int(match[2]), int(match[3])
        index = year * 12 + month - 1 + shift
        new_year, new_month = index // 12, index % 12 + 1
        if day == 1:
            new_day = 1
        elif day == calendar.monthrange(year, month)[1]:
            new_day = calendar.monthrange(new_year, new_month)[1]
        else:
            raise ValueError(
                f"the model's SQL holds the date {year}-{month:02}-{day:02} of the stand-in "
                "period, neither the first nor the last day of a month: it cannot be moved"
            )
        return f"MAKE_DATE({new_year}, {new_month}, {new_day})"

    return Period(start, _STAND_IN_END), lambda sql: _MAKE_DATE.sub(move, sql)


def default_period(last_sales_date: date, months: int) -> Period:
    """The last `months` whole calendar months, ending with the month of the last sale.

    Whole months, so that calls and notes logged after the last sale of that month still count,
    and month-based figures (monthly revenue, regularity, the workbook's months) see no part month
    at either end.
    """
    last = calendar.monthrange(last_sales_date.year, last_sales_date.month)[1]
    end = date(last_sales_date.year, last_sales_date.month, last)
    start = add_months(date(last_sales_date.year, last_sales_date.month, 1), 1 - months)
    return Period(start, end)


_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def _parse_bound(text: str, *, is_end: bool, whole: str) -> date:
    text = text.strip()
    try:
        if m := _DAY.match(text):
            return date(int(m[1]), int(m[2]), int(m[3]))
        if m := _MONTH.match(text):
            year, month = int(m[1]), int(m[2])
            day = calendar.monthrange(year, month)[1] if is_end else 1
            return date(year, month, day)
    except ValueError:
        pass
    raise ClientloadError(
        f"--period {whole!r}: {text!r} is not a date; expected YYYY-MM-DD or YYYY-MM"
    )


def parse_period(text: str) -> Period:
    """`START:END` with dates as YYYY-MM-DD or months as YYYY-MM (a month ends on its last day)."""
    if text.count(":") != 1:
        raise ClientloadError(
            f"--period {text!r}: expected START:END, e.g. 2025-01:2025-12 or 2025-01-01:2025-06-30"
        )
    left, right = text.split(":")
    start = _parse_bound(left, is_end=False, whole=text)
    end = _parse_bound(right, is_end=True, whole=text)
    if end < start:
        raise ClientloadError(f"--period {text!r}: the end {end} is before the start {start}")
    return Period(start, end)
