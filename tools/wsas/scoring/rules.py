"""The closed set of rule kinds: how one response becomes awarded points.

Each rule function takes the criterion and its (schema-valid, kind-checked)
response and returns an :class:`Award` with the explanation in both languages.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal

from ..rubrics import DEFAULT_STEP

VALUE_KEY = {
    "judgement": "awarded",
    "yes-no": "met",
    "per-finding": "findings",
    "rate-tiers": "rate",
    "shortfall-steps": "rate",
    "veto": "triggered",
}


@dataclass(frozen=True)
class Award:
    awarded: Decimal
    explanation: str
    explanation_en: str
    vetoed: bool = False


def num(value) -> Decimal:
    """Exact decimal of a JSON/YAML number (ints, Decimals; floats via their repr)."""
    if isinstance(value, Decimal):
        return value
    return Decimal(str(value))


def fmt(value) -> str:
    """A decimal without exponent or trailing zeros: 5, 2.5, 82.9."""
    value = num(value)
    if value == value.to_integral_value():
        return str(value.quantize(Decimal(1)))
    return format(value.normalize(), "f")


def step_of(rule: dict) -> Decimal:
    return num(rule.get("step", Decimal(DEFAULT_STEP)))


def on_step(value: Decimal, step: Decimal) -> bool:
    """Whether ``value`` is an exact multiple of ``step``, in integers: Decimal division rounds to the
    context's 28 digits, which made 1.0000000000000000000000000001 a multiple of 0.5."""
    value_digits, value_exponent = _integer_and_exponent(value)
    step_digits, step_exponent = _integer_and_exponent(step)
    common = min(value_exponent, step_exponent)
    return (value_digits * 10 ** (value_exponent - common)) % (step_digits * 10 ** (step_exponent - common)) == 0


def _integer_and_exponent(value: Decimal) -> tuple[int, int]:
    sign, digits, exponent = value.as_tuple()
    number = int("".join(map(str, digits)) or "0")
    return (-number if sign else number), exponent


def interval_contains(interval: dict, value: Decimal) -> bool:
    if "lower" in interval:
        lower = num(interval["lower"])
        if value < lower or (value == lower and not interval["lowerInclusive"]):
            return False
    if "upper" in interval:
        upper = num(interval["upper"])
        if value > upper or (value == upper and not interval["upperInclusive"]):
            return False
    return True


def interval_text(interval: dict, unit: str = "") -> str:
    """Mathematical notation, e.g. [5%, 10%) or (−∞, 60)."""
    left = ("[" if interval["lowerInclusive"] else "(") + fmt(interval["lower"]) + unit if "lower" in interval else "(−∞"
    right = fmt(interval["upper"]) + unit + ("]" if interval["upperInclusive"] else ")") if "upper" in interval else "+∞)"
    return f"{left}, {right}"


def judgement(points: Decimal, rule: dict, response: dict) -> Award:
    awarded = num(response["awarded"])
    return Award(awarded, f"评定 {fmt(awarded)} 分（满分 {fmt(points)} 分）",
                 f"assessor awarded {fmt(awarded)} of {fmt(points)}")


def yes_no(points: Decimal, rule: dict, response: dict) -> Award:
    if response["met"]:
        return Award(points, f"符合，得 {fmt(points)} 分", f"met: {fmt(points)} points")
    return Award(Decimal(0), f"不符合，扣 {fmt(points)} 分", f"not met: {fmt(points)} deducted")


def per_finding(points: Decimal, rule: dict, response: dict) -> Award:
    findings = num(response["findings"])
    deduct, cap, unit = num(rule["deduct"]), num(rule["cap"]), rule["unit"]
    raw = findings * deduct
    deduction = min(raw, cap, points)
    note = f"（扣满 {fmt(cap)} 分为止）" if raw > deduction else ""
    note_en = f" (capped at {fmt(min(cap, points))})" if raw > deduction else ""
    return Award(points - deduction,
                 f"发现 {fmt(findings)} {unit}，每{unit}扣 {fmt(deduct)} 分，扣 {fmt(deduction)} 分{note}",
                 f"{fmt(findings)} finding(s) × {fmt(deduct)}: {fmt(deduction)} deducted{note_en}")


def rate_tiers(points: Decimal, rule: dict, response: dict) -> Award:
    rate, measure = num(response["rate"]), rule["measure"]
    for tier in rule["tiers"]:
        if interval_contains(tier["range"], rate):
            deduction = min(num(tier["deduct"]), points)
            band = interval_text(tier["range"], "%")
            return Award(points - deduction, f"{measure} {fmt(rate)}%，落在 {band} 档，扣 {fmt(deduction)} 分",
                         f"{measure} {fmt(rate)}% falls in {band}: {fmt(deduction)} deducted")
    return Award(points, f"{measure} {fmt(rate)}%，不在任何扣分档，不扣分",
                 f"{measure} {fmt(rate)}% is in no deduction band: nothing deducted")


def shortfall_steps(points: Decimal, rule: dict, response: dict) -> Award:
    rate, target, step = num(response["rate"]), num(rule["target"]), num(rule["step"])
    shortfall = max(Decimal(0), target - rate)
    exact = shortfall / step
    steps = Decimal(math.floor(exact) if rule["partialStep"] == "ignore" else math.ceil(exact))
    deduction = min(steps * num(rule["deduct"]), points)
    partial = "不足一档不计" if rule["partialStep"] == "ignore" else "不足一档按一档计"
    return Award(points - deduction,
                 f"{rule['measure']} {fmt(rate)}%，比目标 {fmt(target)}% 少 {fmt(shortfall)} 个百分点，"
                 f"计 {fmt(steps)} 档（每 {fmt(step)} 个百分点一档，{partial}），扣 {fmt(deduction)} 分",
                 f"{fmt(shortfall)} points below the {fmt(target)}% target: {fmt(steps)} step(s), "
                 f"{fmt(deduction)} deducted")


def veto(points: Decimal, rule: dict, response: dict) -> Award:
    if response["triggered"]:
        return Award(Decimal(0), "触发否决项，评估表得分为 0", "veto triggered: the rubric scores 0", vetoed=True)
    return Award(Decimal(0), "未触发否决项", "veto not triggered")


APPLY = {
    "judgement": judgement,
    "yes-no": yes_no,
    "per-finding": per_finding,
    "rate-tiers": rate_tiers,
    "shortfall-steps": shortfall_steps,
    "veto": veto,
}
