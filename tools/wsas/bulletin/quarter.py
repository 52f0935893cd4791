"""The bulletin's period: one calendar quarter and the result periods that fall inside it.

A result belongs to the quarter when its period is one of the quarter's three
months (``2020-04``) or the quarter itself (``2020Q2``); a year (``2020``) or
any other month or quarter is outside it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_QUARTER = re.compile(r"^([0-9]{4})Q([1-4])$")
_NUMERALS = "一二三四"


@dataclass(frozen=True)
class Quarter:
    year: int
    number: int

    @classmethod
    def parse(cls, text: str) -> "Quarter":
        """``2020Q2`` → Quarter(2020, 2); anything else raises ValueError."""
        match = _QUARTER.match(text or "")
        if not match:
            raise ValueError(text)
        return cls(int(match.group(1)), int(match.group(2)))

    @property
    def label(self) -> str:
        return f"{self.year}Q{self.number}"

    @property
    def months(self) -> tuple[str, ...]:
        first = 3 * (self.number - 1) + 1
        return tuple(f"{self.year}-{month:02d}" for month in range(first, first + 3))

    @property
    def periods(self) -> tuple[str, ...]:
        """Every result period counted in this quarter, in display order: the months, then the quarter."""
        return self.months + (self.label,)

    def holds(self, period: str) -> bool:
        return period in self.periods

    @property
    def words(self) -> str:
        return f"{self.year}年第{_NUMERALS[self.number - 1]}季度"


def period_words(period: str) -> str:
    """``2020-04`` → 2020年4月; ``2020Q2`` → 2020年第二季度（按季度填报）."""
    if "Q" in period:
        return Quarter.parse(period).words
    year, month = period.split("-")
    return f"{year}年{int(month)}月"


def month_words(period: str) -> str:
    """Short column label: ``2020-04`` → 4月; the quarter itself → 按季度."""
    if "Q" in period:
        return "按季度"
    return f"{int(period.split('-')[1])}月"
