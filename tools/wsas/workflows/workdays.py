"""Working days in mainland China: statutory holidays and 调休 make-up days.

The calendar is the published table ``calendar/china.json`` (schema
``calendar.json``), which covers a fixed range of years; a new year is a
deliberate data release, never a dependency upgrade. Outside the range a
computation fails with :class:`CalendarRangeError` unless the caller asked
for the weekday-only fallback; the :class:`Workdays` object then counts the
answers it guessed, so the output can flag every date that depends on one.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from functools import cache

from ..paths import calendar_dir

TABLE = "china.json"
ONE_DAY = dt.timedelta(days=1)


class CalendarRangeError(ValueError):
    """A working-day question about a year the holiday calendar does not cover."""

    def __init__(self, day: dt.date):
        first, last = calendar_years()
        super().__init__(f"{day.isoformat()} lies outside the holiday calendar's years {first}–{last}")
        self.day = day


@dataclass(frozen=True)
class Calendar:
    """The table reduced to what a working-day question needs."""

    version: str
    first: int
    last: int
    holidays: frozenset[dt.date]   # days off, weekends inside a holiday included
    workdays: frozenset[dt.date]   # make-up working Saturdays and Sundays

    def is_workday(self, day: dt.date) -> bool | None:
        """None when ``day`` lies outside the years the table covers."""
        if not self.first <= day.year <= self.last:
            return None
        return day in self.workdays or (day.weekday() < 5 and day not in self.holidays)


def _dates(years: list[dict], key: str) -> frozenset[dt.date]:
    return frozenset(dt.date.fromisoformat(row["date"]) for year in years for row in year[key])


@cache
def calendar() -> Calendar:
    """The published table, read once on first use (its schema and content are checked by the tests)."""
    with open(calendar_dir() / TABLE, encoding="utf-8") as handle:
        data = json.load(handle)
    return Calendar(data["version"], data["firstYear"], data["lastYear"],
                    _dates(data["years"], "holidays"), _dates(data["years"], "workdays"))


def calendar_years() -> tuple[int, int]:
    """First and last year the holiday calendar covers."""
    table = calendar()
    return table.first, table.last


class Workdays:
    """Answers "is this a working day?", with an opt-in weekday-only fallback."""

    def __init__(self, weekday_fallback: bool = False):
        self.weekday_fallback = weekday_fallback
        self.fallback_days = 0  # how many answers came from the weekday-only fallback

    def is_workday(self, day: dt.date) -> bool:
        answer = calendar().is_workday(day)
        if answer is not None:
            return answer
        if not self.weekday_fallback:
            raise CalendarRangeError(day)
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
