"""Scoring a valid submission into a result document (see spec/scoring.md)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, localcontext

from .consequences import consequences_of, grade_of, programs_using
from .due import Timing, dated_items, timing
from ..errors import Error
from ..rubrics import Catalogue, Rubric, published_catalogue
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
    when = timing(rubric, submission)
    not_due = when.not_due_criteria if when else frozenset()
    criteria, vetoed_by = [], []
    item_awarded = [ZERO] * len(plan.items)
    item_na = list(plan.item_lost)
    item_later = [ZERO] * len(plan.items)
    section_awarded = [ZERO] * len(plan.sections)
    section_na = list(plan.section_lost)
    section_later = [ZERO] * len(plan.sections)
    for step in plan.steps:
        response = responses.get(step.id)
        if step.id in not_due:
            line = not_due_line(step, rubric, when, given=response is not None)
            item_later[step.item_index] += step.points
            section_later[step.section_index] += step.points
            criteria.append(line)
            continue
        if response.get("notApplicable"):
            line = step.not_applicable_line.copy()
            item_na[step.item_index] += step.points
            section_na[step.section_index] += step.points
        else:
            line = criterion_line(plan, step, response[step.value_key])
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
    not_yet_due = sum(section_later, ZERO)
    maximum = plan.total - not_applicable - not_yet_due
    final, outcome, grade, consequences = conclusion(rubric, total, maximum, bool(vetoed_by), not_yet_due > 0,
                                                     extra_programs)
    result = {"rubric": rubric.id, "rubricVersion": rubric.version, "subject": submission["subject"],
              "period": submission["period"]}
    for key in ("assessor", "assessedOn"):
        if key in submission:
            result[key] = submission[key]
    result.update(criteria=criteria, items=items, sections=sections, total=total, maximum=maximum,
                  notApplicablePoints=not_applicable, score=final, vetoedBy=vetoed_by, outcome=outcome)
    if when:
        _state_timing(result, when, item_later, section_later, not_yet_due)
    if grade:
        result["grade"] = grade
    if consequences:
        result["consequences"] = consequences
    return result


def conclusion(rubric: Rubric, total: Decimal, maximum: Decimal, vetoed: bool, renormalise: bool,
               extra_programs: list | None = None) -> tuple:
    """(score, outcome, grade, consequences) of the totals: what a result concludes beyond its lines."""
    final = final_score(total, maximum, rubric.scoring, vetoed=vetoed, renormalise=renormalise)
    outcome = outcome_of(final, rubric)
    programs = programs_using(rubric.id) + [p for p in extra_programs or [] if rubric.id in p.data.get("rubrics", [])]
    grade = grade_of(final, rubric.id, programs)
    return final, outcome, grade, consequences_of(rubric.id, outcome, grade, programs)


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


def criterion_line(plan: _Plan, step: _Step, value) -> dict:
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


def final_score(total: Decimal, maximum: Decimal, scoring: dict, vetoed: bool, renormalise: bool = False) -> Decimal:
    """0 when vetoed; 实得分 ÷ 应得分 × 100 rounded half up when normalised, or when items not yet due
    left the maximum (``renormalise``, spec/scoring.md §4.3); else the total."""
    if vetoed:
        return ZERO
    if not (scoring["normalise"] or renormalise):
        return total
    with localcontext() as context:
        context.prec = 60
        exact = total * 100 / maximum
    return exact.quantize(Decimal(1).scaleb(-scoring["roundingPlaces"]), rounding=ROUND_HALF_UP)


def not_due_line(step: _Step, rubric: Rubric, when: Timing, given: bool) -> dict:
    """The result line of a criterion whose item is not yet due: no points, none deducted, left out of the maximum."""
    due_on, deadline = when.due_on[step.item_id], _deadline_text(rubric, step.item_id)
    ignored = ("；所填应答不计分", "; the response given is ignored") if given else ("", "")
    return {"id": step.id, "item": step.item_id, "section": step.section_id, "rule": step.kind,
            "points": step.points, "awarded": ZERO, "deducted": ZERO, "notApplicable": False, "due": False,
            "explanation": f"未到时间节点（{deadline}，{due_on}；评估日期 {when.as_of}），"
                           f"{fmt(step.points)} 分不计入应得分{ignored[0]}",
            "explanationEn": f"not yet due ({due_on}; assessed on {when.as_of}): "
                             f"{fmt(step.points)} points left out of the maximum{ignored[1]}"}


def _deadline_text(rubric: Rubric, item_id: str) -> str:
    return next(item.text for item in dated_items(rubric) if item.id == item_id)


def _state_timing(result: dict, when: Timing, item_later: list, section_later: list, not_yet_due: Decimal) -> None:
    """Say in the result what the assessment date left out (spec/scoring.md §4.3)."""
    for line in result["criteria"]:
        line.setdefault("due", True)
    for item, later in zip(result["items"], item_later):
        item["notYetDuePoints"] = later
        item["due"] = item["id"] not in when.not_due_items
        if item["id"] in when.due_on:
            item["dueOn"] = when.due_on[item["id"]]
    for section, later in zip(result["sections"], section_later):
        section["notYetDuePoints"] = later
    result.update(asOf=when.as_of, notYetDue=[item["id"] for item in result["items"] if not item["due"]],
                  notYetDuePoints=not_yet_due)


def outcome_of(value: Decimal, rubric: Rubric) -> dict | None:
    for outcome in rubric.data.get("outcomes", []):
        if interval_contains(outcome["range"], value):
            return {key: outcome[key] for key in ("id", "label", "labelEn") if key in outcome}
    return None
