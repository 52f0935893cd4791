"""Deadline arithmetic: working days with holidays and 调休, anniversaries, periods."""

import datetime as dt

import pytest

from wsas.workflows.deadlines import anniversary, lasts_at_least, month_end, periods
from wsas.workflows.workdays import CalendarRangeError, Workdays, calendar_years

D = dt.date


@pytest.mark.parametrize("start,count,direction,expected", [
    (D(2023, 3, 1), 7, -1, D(2023, 2, 20)),      # plain weeks
    (D(2024, 2, 19), 1, -1, D(2024, 2, 18)),     # Sunday 2024-02-18 is a 调休 working day
    (D(2024, 2, 9), 1, 1, D(2024, 2, 18)),       # Spring Festival 2024: 02-10..02-17 off
    (D(2024, 9, 30), 1, 1, D(2024, 10, 8)),      # National Day 2024: 10-01..10-07 off
    (D(2024, 10, 11), 1, 1, D(2024, 10, 12)),    # Saturday 2024-10-12 is a make-up working day
    (D(2023, 10, 6), 1, 1, D(2023, 10, 7)),      # Saturday 2023-10-07 is a make-up working day
    (D(2020, 1, 1), 0, 1, D(2020, 1, 1)),        # zero steps: the day itself
])
def test_working_day_steps(start, count, direction, expected):
    assert Workdays().step(start, count, direction) == expected


def test_outside_the_calendar_fails_unless_fallback_is_chosen():
    first, last = calendar_years()
    beyond = D(last + 1, 1, 5)
    with pytest.raises(CalendarRangeError):
        Workdays().step(beyond, 3, 1)
    fallback = Workdays(weekday_fallback=True)
    assert fallback.step(D(last + 1, 1, 2), 1, 1).weekday() < 5
    assert fallback.fallback_days > 0
    assert first <= 2004


@pytest.mark.parametrize("start,years,expected", [
    (D(2021, 1, 1), 1, D(2022, 1, 1)),
    (D(2020, 2, 29), 1, D(2021, 3, 1)),
    (D(2020, 2, 29), 4, D(2024, 2, 29)),
])
def test_anniversary(start, years, expected):
    assert anniversary(start, years) == expected


@pytest.mark.parametrize("start,end,at_least_one_year", [
    (D(2021, 1, 1), D(2021, 12, 31), True),
    (D(2021, 1, 1), D(2021, 12, 30), False),
    (D(2020, 2, 29), D(2021, 2, 28), True),
    (D(2020, 2, 29), D(2021, 2, 27), False),
    (D(2020, 3, 1), D(2021, 2, 28), True),
])
def test_one_year_rule(start, end, at_least_one_year):
    assert lasts_at_least(start, end, 1) is at_least_one_year


def test_month_end_in_leap_and_common_years():
    assert month_end(2020, 2) == D(2020, 2, 29)
    assert month_end(2021, 2) == D(2021, 2, 28)
    assert month_end(2100, 2) == D(2100, 2, 28)


def test_periods_overlapping_a_window():
    weeks = periods("week", D(2020, 12, 30), D(2021, 1, 10))
    assert [p.label for p in weeks] == ["2020-W53", "2021-W01"]
    assert weeks[0].first == D(2020, 12, 28) and weeks[0].last == D(2021, 1, 3)
    quarters = periods("quarter", D(2020, 2, 15), D(2020, 7, 1))
    assert [(p.label, p.last) for p in quarters] == [("2020Q1", D(2020, 3, 31)), ("2020Q2", D(2020, 6, 30)),
                                                     ("2020Q3", D(2020, 9, 30))]
    assert len(periods("day", D(2020, 1, 1), D(2020, 12, 31))) == 366
