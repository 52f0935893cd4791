"""Scoring a valid submission into a result document (see spec/scoring.md)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, localcontext

from .consequences import consequences_of, grade_of, programs_using
from .errors import Error
from .rubrics import Catalogue, Rubric, published_catalogue
from .rules import APPLY, fmt, interval_contains, num
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
    criteria, vetoed_by = [], []
    for placement in rubric.placements:
        criterion, response = placement.criterion, responses[placement.criterion["id"]]
        points = num(criterion["points"])
        line = {"id": criterion["id"], "item": placement.item["id"], "section": placement.section["id"],
                "rule": criterion["rule"]["kind"], "points": points}
        if response.get("notApplicable"):
            line.update(awarded=ZERO, deducted=ZERO, notApplicable=True,
                        explanation=f"缺项，不计分（{fmt(points)} 分计入缺项分）",
                        explanationEn=f"not applicable: {fmt(points)} points left out of the maximum")
        else:
            award = APPLY[criterion["rule"]["kind"]](points, criterion["rule"], response)
            if award.vetoed:
                vetoed_by.append(criterion["id"])
            line.update(awarded=award.awarded, deducted=points - award.awarded, notApplicable=False,
                        explanation=award.explanation, explanationEn=award.explanation_en)
        for key in ("reason", "evidence"):
            if response.get(key):
                line[key] = response[key]
        criteria.append(line)

    items = [_part(item, [c for c in criteria if c["item"] == item["id"]])
             for section in rubric.data["sections"] for item in section["items"]]
    sections = [_part(section, [c for c in criteria if c["section"] == section["id"]],
                      lost=sum((num(i["points"]) for i in section["items"] if i.get("lost")), ZERO))
                for section in rubric.data["sections"]]

    total = sum((c["awarded"] for c in criteria), ZERO)
    not_applicable = sum((s["notApplicablePoints"] for s in sections), ZERO)
    maximum = num(rubric.data["total"]) - not_applicable
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


def _part(node: dict, lines: list[dict], lost: Decimal = ZERO) -> dict:
    if node.get("lost"):
        lost = num(node["points"])
    return {"id": node["id"], "points": num(node["points"]),
            "awarded": sum((c["awarded"] for c in lines), ZERO),
            "notApplicablePoints": lost + sum((c["points"] for c in lines if c["notApplicable"]), ZERO)}

