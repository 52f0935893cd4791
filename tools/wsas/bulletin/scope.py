"""What a program's bulletin covers, read from the program data (nothing hard-coded).

For each rubric of the program: how often each subject must be assessed (the
program's ``obligations`` with that rubric and a monthly cadence make three
expected results a quarter; otherwise one a quarter), the highest possible
score (for the score bands), and the consequences the program attaches to the
rubric's outcomes or grades (``consequences`` → e.g. 得分低于60分 →
专项整治工作推倒重新开展).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ..errors import Error
from ..programs import Program
from ..rubrics import Catalogue, Rubric
from ..scoring.rules import fmt, num

MONTH, QUARTER = "month", "quarter"


class BulletinError(Exception):
    """The bulletin cannot be made at all (unknown program, no published rubrics, unusable roster)."""

    def __init__(self, errors: list[Error]):
        super().__init__("\n".join(map(str, errors)))
        self.errors = errors


@dataclass
class RubricScope:
    rubric: Rubric
    cadence: str            # MONTH: a result every month of the quarter; QUARTER: one in the quarter
    top: Decimal            # highest possible score: 100 when normalised, else the rubric total
    rules: list[dict]       # the program's consequences for this rubric, with their condition in words

    @property
    def id(self) -> str:
        return self.rubric.id

    @property
    def subject_label(self) -> str:
        return self.rubric.data["subject"]["label"]


def scopes_of(program: Program, catalogue: Catalogue) -> list[RubricScope]:
    """One scope per rubric of ``program``, in the program's order; BulletinError when there is none."""
    ids = program.data.get("rubrics") or []
    missing = [rubric_id for rubric_id in ids if catalogue.get(rubric_id) is None]
    if not ids:
        raise BulletinError([Error(
            "no-bulletin-data", f"方案 {program.id} 没有已发布的评估表，没有可汇总的评分结果，无法生成通报",
            f"program {program.id} has no published rubrics, so there are no results to aggregate: no bulletin",
            file=program.path)])
    if missing:
        raise BulletinError([Error(
            "no-bulletin-data", f"方案 {program.id} 的评估表未发布：{'、'.join(missing)}，无法生成通报",
            f"program {program.id} lists rubrics that are not published: {', '.join(missing)}; no bulletin",
            file=program.path)])
    scopes = []
    for rubric_id in ids:
        rubric = catalogue.get(rubric_id)
        top = Decimal(100) if rubric.scoring["normalise"] else Decimal(str(rubric.data["total"]))
        scopes.append(RubricScope(rubric, _cadence(program, rubric_id), top, _rules(program, rubric)))
    return scopes


def _cadence(program: Program, rubric_id: str) -> str:
    for obligation in program.data.get("obligations", []):
        if obligation.get("rubric") == rubric_id and obligation["cadence"]["every"] == MONTH:
            return MONTH
    return QUARTER


def _rules(program: Program, rubric: Rubric) -> list[dict]:
    """The program's consequences that results of ``rubric`` can trigger, each with its condition in words."""
    outcomes = {outcome["id"]: outcome for outcome in rubric.data.get("outcomes", [])}
    scales = {scale["id"]: scale for scale in program.data.get("grading", []) if scale.get("rubric") == rubric.id}
    rules = []
    for consequence in program.data.get("consequences", []):
        when = consequence["when"]
        condition, interval = None, None
        if when.get("outcome", {}).get("rubric") == rubric.id and when["outcome"]["outcome"] in outcomes:
            outcome = outcomes[when["outcome"]["outcome"]]
            interval = outcome["range"]
            condition = f"{interval_words(outcome['range'], '得分')}（评估表结果判定「{outcome['label']}」）"
        elif "grade" in when and when["grade"]["scale"] in scales:
            scale = scales[when["grade"]["scale"]]
            level = next((lv for lv in scale["levels"] if lv["id"] == when["grade"]["level"]), None)
            if level is not None:
                interval = level.get("range")
                band = f"，{interval_words(level['range'], '得分')}" if "range" in level else ""
                condition = f"分级「{scale.get('label', scale['id'])}」为「{level['label']}」{band}"
        if condition:
            bounds = [num(interval[side]) for side in ("lower", "upper") if interval and side in interval]
            rules.append({"id": consequence["id"], "label": consequence["label"], "effect": consequence["effect"],
                          "condition": condition, "bounds": bounds})
    return rules


def interval_words(interval: dict, measure: str) -> str:
    """``得分 < 60`` or ``60 ≤ 得分 < 80``: both sides written, so every boundary value has one place."""
    lower = f"{fmt(interval['lower'])} {'≤' if interval['lowerInclusive'] else '<'} " if "lower" in interval else ""
    upper = f" {'≤' if interval['upperInclusive'] else '<'} {fmt(interval['upper'])}" if "upper" in interval else ""
    return f"{lower}{measure}{upper}"
