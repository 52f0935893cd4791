"""Scoring a valid submission into a result document (see spec/scoring.md)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, localcontext

from .consequences import consequences_of, grade_of, programs_using
from .errors import Error
from .rubrics import Catalogue, Rubric, published_catalogue
from .rules import APPLY, VALUE_KEY, fmt, interval_contains, num
from .validation import validate

ZERO = Decimal(0)


class InvalidSubmission(Exception):
    """Raised by :func:`score` for a submission that does not validate."""

    def __init__(self, errors: list[Error]):
        super().__init__("\n".join(map(str, errors)))
        self.errors = errors


def score(submission, catalogue: Catalogue | None = None) -> dict:
    """The result document of ``submission`` (valid against schemas/result.json)."""
    catalogue = catalogue or published_catalogue()
    errors = validate(submission, catalogue)
    if errors:
        raise InvalidSubmission(errors)
    return score_valid(submission, catalogue.get(submission["rubric"]))


def score_valid(submission: dict, rubric: Rubric, extra_programs: list | None = None) -> dict:
    """Score a submission already known to be valid; ``extra_programs`` add grades and consequences
    (e.g. an adopting body's program file with score cut-offs) to those of the published programs."""
    responses = submission["responses"]
    plan = plan_of(rubric)
    criteria, vetoed_by = [], []
    item_awarded = [ZERO] * len(plan.items)
    item_na = list(plan.item_lost)
    section_awarded = [ZERO] * len(plan.sections)
    section_na = list(plan.section_lost)
    for step in plan.steps:
        response = responses[step.id]
        if response.get("notApplicable"):
            line = step.not_applicable_line.copy()
            item_na[step.item_index] += step.points
            section_na[step.section_index] += step.points
        else:
            line = _line(plan, step, response[step.value_key])
            if line["vetoed"]:
                vetoed_by.append(step.id)
            del line["vetoed"]
            item_awarded[step.item_index] += line["awarded"]
            section_awarded[step.section_index] += line["awarded"]
        if "reason" in response and response["reason"]:
            line["reason"] = response["reason"]
        if "evidence" in response and response["evidence"]:
            line["evidence"] = response["evidence"]
        criteria.append(line)

    items = [{"id": node_id, "points": points, "awarded": awarded, "notApplicablePoints": na}
             for (node_id, points), awarded, na in zip(plan.items, item_awarded, item_na)]
    sections = [{"id": node_id, "points": points, "awarded": awarded, "notApplicablePoints": na}
                for (node_id, points), awarded, na in zip(plan.sections, section_awarded, section_na)]
    total = sum(section_awarded, ZERO)
    not_applicable = sum(section_na, ZERO)
    maximum = plan.total - not_applicable
    final = final_score(total, maximum, rubric.scoring, vetoed=bool(vetoed_by))
    result = {"rubric": rubric.id, "rubricVersion": rubric.version, "subject": submission["subject"],
              "period": submission["period"]}
    for key in ("assessor", "assessedOn"):
        if key in submission:
            result[key] = submission[key]
    outcome = outcome_of(final, rubric)
    result.update(criteria=criteria, items=items, sections=sections, total=total, maximum=maximum,
                  notApplicablePoints=not_applicable, score=final, vetoedBy=vetoed_by, outcome=outcome)
    programs = programs_using(rubric.id) + [p for p in extra_programs or [] if rubric.id in p.data.get("rubrics", [])]
    grade = grade_of(final, rubric.id, programs)
    if grade:
        result["grade"] = grade
    consequences = consequences_of(rubric.id, outcome, grade, programs)
    if consequences:
        result["consequences"] = consequences
    return result


@dataclass(frozen=True)
class _Step:
    """One criterion as the scorer needs it, looked up once per rubric instead of once per submission."""

    id: str
    item_id: str
    section_id: str
    item_index: int
    section_index: int
    kind: str
    value_key: str
    points: Decimal
    rule: dict
    not_applicable_line: dict


@dataclass
class _Plan:
    steps: list[_Step]
    items: list[tuple[str, Decimal]]
    item_lost: list[Decimal]
    sections: list[tuple[str, Decimal]]
    section_lost: list[Decimal]
    total: Decimal
    awards: dict = field(default_factory=dict)


_MEMO_LIMIT = 100_000  # distinct (criterion, value) awards kept per rubric; bounds memory on any batch


def plan_of(rubric: Rubric) -> _Plan:
    """The rubric's scoring plan, built on first use and kept on the rubric."""
    plan = rubric.__dict__.get("_scoring_plan")
    if plan is None:
        plan = rubric.__dict__["_scoring_plan"] = _build_plan(rubric)
    return plan


def _build_plan(rubric: Rubric) -> _Plan:
    items, item_lost, sections, section_lost, steps = [], [], [], [], []
    for section_index, section in enumerate(rubric.data["sections"]):
        sections.append((section["id"], num(section["points"])))
        lost_in_section = num(section["points"]) if section.get("lost") else ZERO
        for item in section["items"]:
            item_index = len(items)
            items.append((item["id"], num(item["points"])))
            item_lost.append(num(item["points"]) if item.get("lost") else ZERO)
            if item.get("lost") and not section.get("lost"):
                lost_in_section += num(item["points"])
            for criterion in item.get("criteria", []):
                points = num(criterion["points"])
                kind = criterion["rule"]["kind"]
                steps.append(_Step(criterion["id"], item["id"], section["id"], item_index, section_index, kind,
                                   VALUE_KEY[kind], points, criterion["rule"],
                                   {"id": criterion["id"], "item": item["id"], "section": section["id"], "rule": kind,
                                    "points": points, "awarded": ZERO, "deducted": ZERO, "notApplicable": True,
                                    "explanation": f"缺项，不计分（{fmt(points)} 分计入缺项分）",
                                    "explanationEn": f"not applicable: {fmt(points)} points left out of the maximum"}))
        section_lost.append(lost_in_section)
    return _Plan(steps, items, item_lost, sections, section_lost, num(rubric.data["total"]))


def _line(plan: _Plan, step: _Step, value) -> dict:
    """A fresh result line for ``value`` (with a ``vetoed`` flag to pop); the rule runs once per distinct
    value of a criterion, since equal values (5, 5.0, Decimal('5')) give the same award."""
    key = (step.id, value)
    template = plan.awards.get(key)
    if template is None:
        award = APPLY[step.kind](step.points, step.rule, {step.value_key: value})
        template = {"id": step.id, "item": step.item_id, "section": step.section_id, "rule": step.kind,
                    "points": step.points, "awarded": award.awarded, "deducted": step.points - award.awarded,
                    "notApplicable": False, "explanation": award.explanation, "explanationEn": award.explanation_en,
                    "vetoed": award.vetoed}
        if len(plan.awards) < _MEMO_LIMIT:
            plan.awards[key] = template
    return template.copy()


def final_score(total: Decimal, maximum: Decimal, scoring: dict, vetoed: bool) -> Decimal:
    """0 when vetoed; 实得分 ÷ 应得分 × 100 rounded half up when normalised; else the total."""
    if vetoed:
        return ZERO
    if not scoring["normalise"]:
        return total
    with localcontext() as context:
        context.prec = 60
        exact = total * 100 / maximum
    return exact.quantize(Decimal(1).scaleb(-scoring["roundingPlaces"]), rounding=ROUND_HALF_UP)


def outcome_of(value: Decimal, rubric: Rubric) -> dict | None:
    for outcome in rubric.data.get("outcomes", []):
        if interval_contains(outcome["range"], value):
            return {key: outcome[key] for key in ("id", "label", "labelEn") if key in outcome}
    return None
