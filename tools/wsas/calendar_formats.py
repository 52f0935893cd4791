"""The calendar formats of the schemas: which strings name a real day, month, quarter or time.

A pattern can say "four digits, a dash, two digits" but not that February has
no 30th, so every date-like value in the schemas carries a ``format`` instead,
asserted by the validators (spec/validation.md, 日期). One table, read by the
schema validators of both the reference path and the fast path.
"""

from __future__ import annotations

import calendar
import re

_DATE = r"(?P<year>[0-9]{4})-(?P<month>[0-9]{2})-(?P<day>[0-9]{2})"
_TIME = r"T(?P<hour>[0-9]{2}):(?P<minute>[0-9]{2})(?::(?P<second>[0-9]{2}))?(?P<zone>\+08:00|Z)?"

# format name → (grammar, the value in Chinese, in English, the shapes it takes)
FORMATS = {
    "date": (re.compile(_DATE), "日期", "date", "YYYY-MM-DD"),
    "wsas-month": (re.compile(r"(?P<year>[0-9]{4})-(?P<month>[0-9]{2})"), "月份", "month", "YYYY-MM"),
    "wsas-quarter": (re.compile(r"(?P<year>[0-9]{4})Q(?P<quarter>[0-9])"), "季度", "quarter", "YYYYQn"),
    "wsas-period": (re.compile(r"(?P<year>[0-9]{4})(?:Q(?P<quarter>[0-9])|-(?P<month>[0-9]{2}))?"),
                    "评估期", "period", "YYYY | YYYYQn | YYYY-MM"),
    "wsas-year-or-date": (re.compile(r"(?P<year>[0-9]{4})(?:-(?P<month>[0-9]{2})-(?P<day>[0-9]{2}))?"),
                          "日期或年份", "year or date", "YYYY | YYYY-MM-DD"),
    "wsas-date-time": (re.compile(_DATE + f"(?:{_TIME})?"), "日期或时刻", "date or date-time",
                       "YYYY-MM-DD | YYYY-MM-DDThh:mm[:ss][+08:00|Z]"),
}


def is_calendar_value(format_name: str, text) -> bool:
    """Whether ``text`` has the shape of ``format_name`` and names a real calendar point.

    Non-strings pass: the ``type`` keyword reports those.
    """
    if not isinstance(text, str):
        return True
    match = FORMATS[format_name][0].fullmatch(text)
    if match is None:
        return False
    groups = match.groupdict()
    fields = {key: int(value) for key, value in groups.items() if value is not None and key != "zone"}
    month = fields.get("month", 1)
    return (fields["year"] >= 1 and 1 <= month <= 12
            and 1 <= fields.get("quarter", 1) <= 4
            and 1 <= fields.get("day", 1) <= calendar.monthrange(fields["year"], month)[1]
            and fields.get("hour", 0) <= 23 and fields.get("minute", 0) <= 59 and fields.get("second", 0) <= 59
            and not _after_the_last_china_day(groups.get("zone"), fields))


def _after_the_last_china_day(zone, fields) -> bool:
    """A UTC time from 9999-12-31T16:00Z on falls on 10000-01-01 in China time, which no calendar holds."""
    return zone == "Z" and (fields["year"], fields["month"], fields["day"]) == (9999, 12, 31) and fields["hour"] >= 16


def format_messages(format_name: str, shown: str) -> tuple[str, str]:
    """The Chinese and English message for a value that fails ``format_name``."""
    _, zh, en, shapes = FORMATS[format_name]
    return (f"不是日历上存在的{zh}：{shown}（形式为 {shapes}）",
            f"{shown} is not a real calendar {en} (form {shapes})")
