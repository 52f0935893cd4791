"""The published working-day table ``calendar/china.json``: valid, complete, and what chinesecalendar says.

``chinesecalendar`` is only a test dependency: it is the table's source, and a
release that knows more years must not change any answer, only be reported
here so that a new table version can be made deliberately.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest

from wsas.paths import calendar_dir
from wsas.schemas import FORMAT_CHECKER, Validator, load_schema, registry
from wsas.workflows.workdays import CalendarRangeError, Workdays, calendar, calendar_years

ONE_DAY = dt.timedelta(days=1)


@pytest.fixture(scope="module")
def table() -> dict:
    with open(calendar_dir() / "china.json", encoding="utf-8") as handle:
        return json.load(handle)


def _days_of(year: int):
    day = dt.date(year, 1, 1)
    while day.year == year:
        yield day
        day += ONE_DAY


def test_table_is_valid_against_its_schema(table):
    schema = load_schema("calendar")
    Validator.check_schema(schema)
    errors = list(Validator(schema, registry=registry(), format_checker=FORMAT_CHECKER).iter_errors(table))
    assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors]


def test_every_year_in_range_is_listed_once_in_order(table):
    assert table["firstYear"] == 2004 and table["lastYear"] == 2026 and table["version"] == "2026.1"
    assert [year["year"] for year in table["years"]] == list(range(table["firstYear"], table["lastYear"] + 1))
    assert calendar_years() == (table["firstYear"], table["lastYear"])
    assert calendar().version == table["version"]


def test_every_year_has_holidays_and_sane_days(table):
    for year in table["years"]:
        holidays = [dt.date.fromisoformat(row["date"]) for row in year["holidays"]]
        workdays = [dt.date.fromisoformat(row["date"]) for row in year["workdays"]]
        assert holidays, year["year"]
        assert dt.date(year["year"], 1, 1) in holidays, year["year"]  # 元旦
        for days in (holidays, workdays):
            assert days == sorted(set(days)) and all(day.year == year["year"] for day in days), year["year"]
        assert not set(holidays) & set(workdays), year["year"]
        assert all(day.weekday() >= 5 for day in workdays), year["year"]  # 调休上班 only on Saturdays and Sundays


@pytest.mark.parametrize(("day", "expected"), [
    (dt.date(2023, 1, 28), True),    # 2023 Spring Festival make-up Saturday
    (dt.date(2023, 1, 29), True),
    (dt.date(2024, 10, 1), False),   # National Day
    (dt.date(2024, 10, 12), True),   # make-up Saturday after National Day
    (dt.date(2020, 2, 1), False),    # make-up day cancelled by the 2020 Spring Festival extension
    (dt.date(2020, 2, 3), True),
    (dt.date(2026, 3, 2), True),     # an ordinary Monday
    (dt.date(2026, 3, 7), False),    # an ordinary Saturday
])
def test_known_days(day, expected):
    assert Workdays().is_workday(day) is expected


def test_out_of_range_years():
    with pytest.raises(CalendarRangeError):
        Workdays().is_workday(dt.date(2027, 1, 4))
    with pytest.raises(CalendarRangeError):
        Workdays().is_workday(dt.date(2003, 12, 31))
    fallback = Workdays(weekday_fallback=True)
    assert fallback.is_workday(dt.date(2027, 1, 4)) and not fallback.is_workday(dt.date(2027, 1, 2))
    assert fallback.fallback_days == 2


def test_the_installed_chinesecalendar_agrees_for_every_shared_year():
    import chinese_calendar  # the test-only dependency the table was generated from
    package_years = {day.year for day in chinese_calendar.holidays} | {day.year for day in chinese_calendar.workdays}
    first, last = calendar_years()
    shared = sorted(year for year in package_years if first <= year <= last)
    assert shared == list(range(first, last + 1)), "chinesecalendar no longer knows every year of the table"
    workdays = Workdays()
    differing = [day for year in shared for day in _days_of(year)
                 if workdays.is_workday(day) != chinese_calendar.is_workday(day)]
    assert not differing, f"the table and chinesecalendar differ on {[d.isoformat() for d in differing[:20]]}"
    new = sorted(year for year in package_years if not first <= year <= last)
    if new:
        print(f"chinesecalendar knows years the table does not cover: {new}; "
              "make a new table version with calendar/generate.py and record it in spec/changelog.md")


def test_the_handbook_serves_the_table_byte_for_byte(tmp_path):
    from wsas.site.downloads import CALENDAR_DOWNLOAD, write_downloads

    written = write_downloads(tmp_path)
    assert written["calendar"] == CALENDAR_DOWNLOAD == "downloads/calendar/china.json"
    assert (tmp_path / CALENDAR_DOWNLOAD).read_bytes() == (calendar_dir() / "china.json").read_bytes()
