"""Working days in mainland China, from the State Council's schedule (via `chinesecalendar`).

A year without a published schedule is counted on weekends only; every answer says
whether it rests on such a year (``provisional``), so that a deadline can be recomputed
when the schedule arrives.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

ONE_DAY = timedelta(days=1)


class WorkCalendar:
    """Working days: weekends and listed holidays are off, listed make-up days are on."""

    def __init__(self, holidays: set[date], workdays: set[date], years: set[int]) -> None:
        self._holidays = frozenset(holidays)
        self._workdays = frozenset(workdays)
        self.years = frozenset(years)

    def is_known(self, day: date) -> bool:
        return day.year in self.years

    def is_working_day(self, day: date) -> bool:
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
    import chinese_calendar

    holidays = set(chinese_calendar.holidays)
    workdays = set(chinese_calendar.workdays)
    first, last = min(holidays).year, max(holidays).year
    return WorkCalendar(holidays, workdays, set(range(first, last + 1)))


def weekend_calendar() -> WorkCalendar:
    """No published schedule at all: weekends only, everything provisional."""
    return WorkCalendar(set(), set(), set())
