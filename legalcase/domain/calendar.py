"""Working days in mainland China (RULES.md section 1).

Years with a published State Council schedule come from `chinesecalendar` (holidays and
make-up working weekends). A year without one counts the weekends plus the fixed statutory
holidays of the 全国年节及纪念日放假办法, placed by the `holidays` package's China calendar
(lunar days and the 清明 solar term included); substitute days off and make-up working days
are not guessed. Every answer that rests on such a year says so (``provisional``), so that a
deadline can be recomputed when the schedule arrives.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from functools import lru_cache

ONE_DAY = timedelta(days=1)

# The fixed statutory holidays by the names the `holidays` package gives them (en_US).
# Anything else it lists for a year (a substitute day off, an "observed" day) is a guess.
STATUTORY_NAMES = frozenset(
    {
        "New Year's Day",  # 元旦
        "Chinese New Year's Eve",  # 除夕 (from 2025)
        "Chinese New Year (Spring Festival)",  # 春节
        "Tomb-Sweeping Day",  # 清明
        "Labor Day",  # 劳动节
        "Dragon Boat Festival",  # 端午
        "Mid-Autumn Festival",  # 中秋
        "National Day",  # 国庆
    }
)


@lru_cache(maxsize=256)
def statutory_holidays(year: int) -> frozenset[date]:
    """The fixed statutory holidays of ``year`` per the `holidays` package, nothing guessed."""
    import holidays

    days = holidays.China(years=year, observed=False, language="en_US")
    return frozenset(
        day
        for day, names in days.items()
        if any(name.strip() in STATUTORY_NAMES for name in names.split(";"))
    )


class WorkCalendar:
    """Working days: weekends and listed holidays are off, listed make-up days are on.

    ``years`` are the years with a published schedule. For any other year the calendar is
    weekends plus ``fallback(year)`` (a set of holidays), and answers are provisional.
    """

    def __init__(
        self,
        holidays: set[date],
        workdays: set[date],
        years: set[int],
        fallback: Callable[[int], frozenset[date]] | None = None,
    ) -> None:
        self._holidays = frozenset(holidays)
        self._workdays = frozenset(workdays)
        self.years = frozenset(years)
        self._fallback = fallback

    def is_known(self, day: date) -> bool:
        return day.year in self.years

    def is_working_day(self, day: date) -> bool:
        if day.year not in self.years:
            if day.weekday() >= 5:
                return False
            return self._fallback is None or day not in self._fallback(day.year)
        if day in self._workdays:
            return True
        if day in self._holidays:
            return False
        return day.weekday() < 5

    def roll_forward(self, day: date) -> tuple[date, bool]:
        """The first working day on or after ``day``; and whether that rests on an unknown year."""
        provisional = not self.is_known(day)
        while not self.is_working_day(day):
            day += ONE_DAY
            provisional = provisional or not self.is_known(day)
        return day, provisional

    def roll_backward(self, day: date) -> tuple[date, bool]:
        """The last working day on or before ``day``; and whether that rests on an unknown year."""
        provisional = not self.is_known(day)
        while not self.is_working_day(day):
            day -= ONE_DAY
            provisional = provisional or not self.is_known(day)
        return day, provisional


@lru_cache(maxsize=1)
def china_calendar() -> WorkCalendar:
    """The published schedule where there is one, the statutory holidays elsewhere."""
    import chinese_calendar

    holidays = set(chinese_calendar.holidays)
    workdays = set(chinese_calendar.workdays)
    first, last = min(holidays).year, max(holidays).year
    return WorkCalendar(holidays, workdays, set(range(first, last + 1)), statutory_holidays)


def weekend_calendar() -> WorkCalendar:
    """No published schedule at all: weekends only, everything provisional."""
    return WorkCalendar(set(), set(), set())
