"""Reading typed values out of input cells, the way a careful clerk would.

A number cell must hold a number: text that looks like one (「12.5」 typed into a
text-formatted cell, pasted from a web page) is refused, because the sheet's own
formulas do not count it either. Numbers are read from the shortest decimal that
round-trips the stored double (12.3, not 12.300000000000000711), so the reference
implementation sees exactly what the assessor typed.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from ..scoring.rules import fmt
from .layout import NO, YES


class CellProblem(Exception):
    """What is wrong with one cell's content (the caller knows which cell)."""

    def __init__(self, code: str, message: str, message_en: str):
        super().__init__(message_en)
        self.code, self.message, self.message_en = code, message, message_en


def is_empty(value) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


def is_formula(cell) -> bool:
    """Whether a cell (from the formulas load) holds a formula rather than a value."""
    return cell.data_type == "f" or type(cell.value).__name__ in ("ArrayFormula", "DataTableFormula")


def refuse_formula(cell) -> None:
    if is_formula(cell):
        raise CellProblem("input-formula", "填写区应直接填值，不能填公式", "input cells take values, not formulas")


def _quote(value) -> str:
    text = str(value)
    return text if len(text) <= 40 else text[:40] + "…"


def percent_format(number_format: str | None) -> bool:
    """Whether a number format shows values as percentages (a % outside quotes)."""
    if not number_format:
        return False
    quoted = False
    for char in number_format:
        if char == '"':
            quoted = not quoted
        elif char == "%" and not quoted:
            return True
    return False


def number(value) -> Decimal:
    if isinstance(value, bool):
        raise CellProblem("not-a-number", f"应填数值，实为逻辑值 {value}", f"expected a number, got the logical value {value}")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise CellProblem("not-a-number", "应填数值", "expected a number")
        return Decimal(repr(value))
    if isinstance(value, Decimal):
        return value
    if isinstance(value, (datetime.date, datetime.time, datetime.timedelta)):
        raise CellProblem("not-a-number", "应填数值，实为日期或时间（单元格被设成了日期格式？）",
                          "expected a number, got a date or time (is the cell formatted as a date?)")
    raise CellProblem("not-a-number", f"应填数值，实为文本「{_quote(value)}」（文本格式的数字也不计算，请填数值）",
                      f"expected a number, got the text {_quote(value)!r} (numbers stored as text are not counted)")


def rate(value, number_format: str | None) -> Decimal:
    found = number(value)
    if percent_format(number_format):
        raise CellProblem("percent-format",
                          f"单元格是百分比格式（存的是 {fmt(found)}，显示为 {fmt(found * 100)}%）：请把格式改为常规，"
                          f"直接填百分数的数值，例如 {fmt(found * 100)}",
                          f"the cell is formatted as a percentage (it holds {fmt(found)}, shown as {fmt(found * 100)}%): "
                          f"use the General format and type the percentage as a number, e.g. {fmt(found * 100)}")
    return found


def yes_no(value) -> bool:
    text = str(value).strip() if isinstance(value, str) else None
    if text == YES:
        return True
    if text == NO:
        return False
    raise CellProblem("bad-value", f"应填「{YES}」或「{NO}」，实为「{_quote(value)}」",
                      f"expected {YES} (yes) or {NO} (no), got {_quote(value)!r}")


def text(value) -> str | None:
    """Free text (names, reasons, evidence); numbers become their decimal text."""
    if is_empty(value):
        return None
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (int, float, Decimal)):
        return fmt(number(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).strip()


def period(value) -> str | None:
    """评估期: 2024, 2024Q2 or 2024-04 as text; a year typed as a number is accepted."""
    if isinstance(value, (datetime.date, datetime.datetime)):
        raise CellProblem("bad-value", "评估期被识别成了日期：请把单元格设为文本格式，填 2024、2024Q2 或 2024-04",
                          "the period was taken as a date: format the cell as text and type 2024, 2024Q2 or 2024-04")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return text(value)


def date(value) -> str | None:
    """评估日期: a date cell, or text YYYY-MM-DD."""
    if is_empty(value):
        return None
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, str):
        return value.strip()
    raise CellProblem("bad-value", f"应填日期（如 2024-11-29），实为「{_quote(value)}」",
                      f"expected a date (e.g. 2024-11-29), got {_quote(value)!r}")
