"""Grades and consequences that programs attach to rubric results."""

from __future__ import annotations

from decimal import Decimal

from ..programs import Program, published_programs
from .rules import interval_contains


def grade_of(score: Decimal, rubric_id: str, programs: list[Program]) -> dict | None:
    """The level of the first grading scale tied to this rubric whose levels carry score ranges."""
    for program in programs:
        for scale in program.data.get("grading", []):
            if scale.get("rubric") != rubric_id:
                continue
            for level in scale["levels"]:
                if "range" in level and interval_contains(level["range"], score):
                    return {"program": program.id, "scale": scale["id"], "level": level["id"], "label": level["label"]}
    return None


def consequences_of(rubric_id: str, outcome: dict | None, grade: dict | None, programs: list[Program]) -> list[dict]:
    found = []
    for program in programs:
        for consequence in program.data.get("consequences", []):
            when = consequence["when"]
            hit = (outcome is not None and when.get("outcome") == {"rubric": rubric_id, "outcome": outcome["id"]}) or \
                  (grade is not None and grade["program"] == program.id
                   and when.get("grade") == {"scale": grade["scale"], "level": grade["level"]})
            if hit:
                found.append({"program": program.id, "id": consequence["id"], "label": consequence["label"],
                              "effect": consequence["effect"]})
    return found


def programs_using(rubric_id: str) -> list[Program]:
    return [p for p in published_programs().values() if rubric_id in p.data.get("rubrics", [])]
