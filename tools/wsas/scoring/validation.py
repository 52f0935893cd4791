"""Submission checks: the JSON Schema first, then the semantic checks it cannot express."""

from __future__ import annotations

from .due import not_due_criteria
from ..errors import Error, pointer
from ..rubrics import Catalogue, Rubric, published_catalogue
from .rules import VALUE_KEY, num, on_step, step_of, fmt
from ..schemas import RESPONSE_KEYS, schema_errors


def validate(submission, catalogue: Catalogue | None = None) -> list[Error]:
    """Every error of ``submission``; an empty list means valid.

    Semantic checks run only on schema-valid documents, so their pointers
    always land on well-formed data.
    """
    errors = schema_errors(submission, "submission")
    if errors:
        return errors
    catalogue = catalogue or published_catalogue()
    rubric = catalogue.get(submission["rubric"])
    if rubric is None:
        known = "、".join(sorted(catalogue.rubrics))
        return [Error("unknown-rubric", f"未知的评估表「{submission['rubric']}」（已发布：{known}）",
                      f"unknown rubric {submission['rubric']!r} (published: {known})", "/rubric")]
    if submission["rubricVersion"] != rubric.version:
        return [Error("unknown-version",
                      f"评估表 {rubric.id} 没有版本 {submission['rubricVersion']}（当前版本 {rubric.version}）",
                      f"rubric {rubric.id} has no version {submission['rubricVersion']} (current: {rubric.version})",
                      "/rubricVersion")]
    return check_responses(submission["responses"], rubric, not_due_criteria(rubric, submission))


def check_responses(responses: dict, rubric: Rubric, not_due: frozenset = frozenset()) -> list[Error]:
    """The semantic errors of the responses; ``not_due`` names criteria not yet due at the submission's
    date (spec/scoring.md §4.3): they may go without a response, and one given is checked but scores nothing."""
    errors = []
    for criterion_id in responses:
        if criterion_id not in rubric.criteria:
            errors.append(Error("unknown-criterion", f"评估表 {rubric.id} 没有评分细则 {criterion_id}",
                                f"rubric {rubric.id} has no criterion {criterion_id}",
                                pointer(["responses", criterion_id])))
    applicable_points = num(0)
    for criterion_id, placement in rubric.criteria.items():
        where = ["responses", criterion_id]
        response = responses.get(criterion_id)
        if response is None:
            if criterion_id in not_due:
                continue
            errors.append(Error("missing-response", f"评分细则 {criterion_id} 没有应答",
                                f"criterion {criterion_id} has no response", pointer(where)))
            continue
        found = _check_response(response, placement.criterion, rubric, where)
        errors.extend(found)
        if not found and "notApplicable" not in response and criterion_id not in not_due:
            applicable_points += num(placement.criterion["points"])
    if not errors and applicable_points == 0:
        errors.append(Error("no-applicable-criteria", "所有评分细则都是缺项，无法评分",
                            "every criterion is not applicable: nothing to score", "/responses"))
    return errors


def _check_response(response: dict, criterion: dict, rubric: Rubric, where: list) -> list[Error]:
    rule = criterion["rule"]
    criterion_id = criterion["id"]
    if "notApplicable" in response:
        if not rubric.scoring["notApplicable"] or criterion.get("mandatory") or rule["kind"] == "veto":
            why = ("本评估表不允许缺项" if not rubric.scoring["notApplicable"]
                   else "否决项不得填报缺项" if rule["kind"] == "veto" else "本细则为必评项")
            why_en = ("this rubric allows no not-applicable criteria" if not rubric.scoring["notApplicable"]
                      else "a veto criterion cannot be not applicable" if rule["kind"] == "veto"
                      else "this criterion is mandatory")
            return [Error("not-applicable-not-allowed", f"评分细则 {criterion_id} 不得填报缺项：{why}",
                          f"criterion {criterion_id} cannot be not applicable: {why_en}",
                          pointer(where + ["notApplicable"]))]
        return []
    expected = VALUE_KEY[rule["kind"]]
    given = next(key for key in RESPONSE_KEYS if key in response)
    if given != expected:
        return [Error("wrong-response-kind",
                      f"评分细则 {criterion_id} 的评分规则为 {rule['kind']}，应答应填 {expected}，实为 {given}",
                      f"criterion {criterion_id} is scored by {rule['kind']}: expected {expected}, got {given}",
                      pointer(where))]
    if rule["kind"] == "judgement":
        awarded, points, step = num(response["awarded"]), num(criterion["points"]), step_of(rule)
        at = pointer(where + ["awarded"])
        if awarded > points:
            return [Error("out-of-range", f"得分 {fmt(awarded)} 超过本细则分值 {fmt(points)}",
                          f"awarded {fmt(awarded)} exceeds the criterion's {fmt(points)} points", at)]
        if not on_step(awarded, step):
            return [Error("off-step", f"得分 {fmt(awarded)} 不是 {fmt(step)} 的整数倍",
                          f"awarded {fmt(awarded)} is not a multiple of {fmt(step)}", at)]
    return []
