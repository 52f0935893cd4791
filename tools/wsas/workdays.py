"""Working days in mainland China: statutory holidays and 调休 make-up days.

The calendar comes from ``chinesecalendar``, which knows a fixed range of
years. Outside it a computation fails with :class:`CalendarRangeError`
unless the caller asked for the weekday-only fallback; the
:class:`Workdays` object then counts the answers it guessed, so the output
can flag every date that depends on one.
"""

from __future__ import annotations

import datetime as dt

import chinese_calendar

ONE_DAY = dt.timedelta(days=1)


class CalendarRangeError(ValueError):
    """A working-day question about a year the holiday calendar does not cover."""

    def __init__(self, day: dt.date):
        first, last = calendar_years()
        super().__init__(f"{day.isoformat()} lies outside the holiday calendar's years {first}–{last}")
        self.day = day


def calendar_years() -> tuple[int, int]:
    """First and last year the installed holiday calendar covers."""
    years = sorted({day.year for day in chinese_calendar.holidays} | {day.year for day in chinese_calendar.workdays})
    return years[0], years[-1]


class Workdays:
    """Answers "is this a working day?", with an opt-in weekday-only fallback."""

    def __init__(self, weekday_fallback: bool = False):
        self.weekday_fallback = weekday_fallback
        self.fallback_days = 0  # how many answers came from the weekday-only fallback

    def is_workday(self, day: dt.date) -> bool:
        try:
            return chinese_calendar.is_workday(day)
        except NotImplementedError:
            if not self.weekday_fallback:
                raise CalendarRangeError(day) from None
            self.fallback_days += 1
            return day.weekday() < 5

    def step(self, start: dt.date, count: int, direction: int) -> dt.date:
        """The ``count``-th working day after (direction 1) or before (-1) ``start``; ``start`` itself is not counted."""
        day = start
        remaining = count
        while remaining:
            day += direction * ONE_DAY
            if self.is_workday(day):
                remaining -= 1
        return day
