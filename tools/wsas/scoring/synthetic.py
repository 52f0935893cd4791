"""Generated submissions: valid, reproducible (seeded) filled rubrics for tests, benchmarks and
the sample bulletin. Subjects and regions are sample names, not data from any source.
"""

from __future__ import annotations

import random
from decimal import Decimal

from ..rubrics import Rubric
from .rules import step_of

SAMPLE_REGIONS = ("示例甲县", "示例乙县", "示例丙区", "示例丁区", "示例开发区", "示例新区")


def response_for(criterion: dict, rubric: Rubric, rng: random.Random, not_applicable_rate: float = 0.03) -> dict:
    """One valid response to ``criterion``; mostly good answers with some deductions."""
    rule = criterion["rule"]
    kind = rule["kind"]
    if (rubric.scoring["notApplicable"] and not criterion.get("mandatory") and kind != "veto"
            and rng.random() < not_applicable_rate):
        return {"notApplicable": True, "reason": "本单位不涉及"}
    if kind == "judgement":
        points, step = Decimal(str(criterion["points"])), step_of(rule)
        steps = int(points / step)
        lost = min(steps, int(rng.expovariate(1.0) * max(1, steps) / 3))
        awarded = (steps - lost) * step
        response = {"awarded": int(awarded) if awarded == awarded.to_integral_value() else awarded}
    elif kind == "yes-no":
        response = {"met": rng.random() < 0.85}
    elif kind == "per-finding":
        response = {"findings": min(5, int(rng.expovariate(1.2)))}
    elif kind in ("rate-tiers", "shortfall-steps"):
        response = {"rate": Decimal(rng.randint(700, 1000)) / 10 if rng.random() < 0.9 else Decimal(rng.randint(0, 1000)) / 10}
    elif kind == "veto":
        response = {"triggered": rng.random() < 0.01}
    else:  # a new rule kind must be taught here before generated data can use it
        raise ValueError(f"no generator for rule kind {kind!r}")
    if ("awarded" in response and response["awarded"] != Decimal(str(criterion["points"]))) or \
            response.get("met") is False or response.get("findings"):
        response["reason"] = "现场检查发现问题"
    return response


def submission(rubric: Rubric, rng: random.Random, *, index: int = 0, period: str = "2020-05",
               region: str | None = None, name: str | None = None, code: str | None = None) -> dict:
    """A valid submission to ``rubric`` for a sample subject."""
    region = region or rng.choice(SAMPLE_REGIONS)
    responses = {p.criterion["id"]: response_for(p.criterion, rubric, rng) for p in rubric.placements}
    if all("notApplicable" in r for r in responses.values()):
        first = rubric.placements[0].criterion
        responses[first["id"]] = response_for(first, rubric, rng, not_applicable_rate=0)
    return {
        "rubric": rubric.id,
        "rubricVersion": rubric.version,
        "subject": {"name": name or f"{region}示例企业{index:06d}", "code": code or f"SAMPLE-{index:08d}",
                    "region": region},
        "period": period,
        "responses": responses,
    }


def submissions(rubric: Rubric, count: int, seed: int = 0, period: str = "2020-05"):
    """``count`` valid submissions, the same for the same seed."""
    rng = random.Random(f"{rubric.id}:{seed}")
    for index in range(count):
        yield submission(rubric, rng, index=index, period=period)
