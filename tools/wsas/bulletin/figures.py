"""The bulletin's numbers: exact sums, averages and rates rounded half up only for display.

Sums are exact decimals. An average or a rate is a fraction that often has no
finite decimal form (82.9 + 75.3 + 60.1 = 218.3, ÷ 3 = 72.7666…), so it is
computed as an exact :class:`~fractions.Fraction`, compared exactly (rankings),
and rounded ROUND_HALF_UP to one decimal place only where it is shown.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

PLACES = 1


class Sum:
    """A running total and count of scores; a replaced result is taken out again with ``sign=-1``."""

    __slots__ = ("total", "count")

    def __init__(self):
        self.total = Decimal(0)
        self.count = 0

    def add(self, score: Decimal, sign: int = 1) -> None:
        self.total += sign * score
        self.count += sign

    @property
    def exact(self) -> Fraction | None:
        return Fraction(self.total) / self.count if self.count else None

    @property
    def average(self) -> Decimal | None:
        return half_up(self.exact) if self.count else None


def half_up(value: Fraction, places: int = PLACES) -> Decimal:
    """``value`` rounded half up (四舍五入) to ``places`` decimals, exactly (no binary float, no double rounding)."""
    scale = 10 ** places
    scaled = value * scale
    whole = (scaled.numerator * 2 + scaled.denominator) // (2 * scaled.denominator) if scaled >= 0 else \
        -((-scaled.numerator * 2 + scaled.denominator) // (2 * scaled.denominator))
    return (Decimal(whole) / scale).quantize(Decimal(1).scaleb(-places))


def rate(part: int, whole: int) -> Decimal | None:
    """``part`` of ``whole`` as a percentage rounded half up to one decimal (None when nothing is expected)."""
    return half_up(Fraction(100 * part, whole)) if whole else None


def shown(value: Decimal | None, unit: str = "") -> str:
    """A rounded figure with its one decimal always written (82.0, not 82); — when there is none."""
    if value is None:
        return "—"
    return f"{value:.{PLACES}f}{unit}"


def competition_ranks(values: list[Fraction | None]) -> list[int | None]:
    """Ranks by value, highest first; equal values share a rank and the next rank skips (1, 2, 2, 4)."""
    order = sorted((v for v in values if v is not None), reverse=True)
    first = {}
    for position, value in enumerate(order, 1):
        first.setdefault(value, position)
    return [first[v] if v is not None else None for v in values]
