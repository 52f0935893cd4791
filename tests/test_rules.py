"""Rule kinds and the pieces of arithmetic they share, at their edges."""

from decimal import Decimal as D

import pytest

from wsas.output import dumps, plain
from wsas.scoring.rules import APPLY, fmt, interval_contains, interval_text
from wsas.scoring.score import final_score


@pytest.mark.parametrize("interval,value,inside", [
    ({"upper": 5, "upperInclusive": False}, D("4.99"), True),
    ({"upper": 5, "upperInclusive": False}, D("5"), False),
    ({"lower": 5, "lowerInclusive": True, "upper": 10, "upperInclusive": False}, D("5"), True),
    ({"lower": 5, "lowerInclusive": False, "upper": 10, "upperInclusive": True}, D("10"), True),
    ({"lower": 5, "lowerInclusive": False}, D("5"), False),
])
def test_interval_boundaries(interval, value, inside):
    assert interval_contains(interval, value) is inside


def test_interval_text():
    assert interval_text({"lower": 5, "lowerInclusive": True, "upper": 10, "upperInclusive": False}, "%") == "[5%, 10%)"
    assert interval_text({"upper": 60, "upperInclusive": False}) == "(−∞, 60)"


def test_per_finding_never_goes_below_zero_even_with_a_cap_above_the_points():
    award = APPLY["per-finding"](D(2), {"deduct": 1, "cap": 5, "unit": "年"}, {"findings": 9})
    assert award.awarded == 0


@pytest.mark.parametrize("rate,partial,deducted", [
    (D(70), "ignore", D(0)), (D(65), "ignore", D(0)), (D(65), "count", D("0.5")),
    (D(60), "ignore", D("0.5")), (D("59.9"), "ignore", D("0.5")), (D("59.9"), "count", D(1)),
    (D(0), "ignore", D("3")),
])
def test_shortfall_steps(rate, partial, deducted):
    rule = {"measure": "达标率", "target": 70, "step": 10, "deduct": D("0.5"), "partialStep": partial}
    assert D(3) - APPLY["shortfall-steps"](D(3), rule, {"rate": rate}).awarded == deducted


def test_normalised_score_rounds_half_up_once():
    scoring = {"normalise": True, "roundingPlaces": 1}
    assert final_score(D("70.5"), D(85), scoring, vetoed=False) == D("82.9")
    assert final_score(D("2.25"), D(100), scoring, vetoed=False) == D("2.3")  # a true half goes up
    assert final_score(D("60"), D(100), scoring, vetoed=True) == 0


def test_decimals_are_written_exactly():
    assert fmt(D("60.0")) == "60" and fmt(D("2.50")) == "2.5"
    assert dumps({"a": D("82.9"), "b": D("60.00")}, indent=None) == '{"a": 82.9, "b": 60}'
    with pytest.raises(ValueError):
        plain(D("0.1000000000000000000000001"))
