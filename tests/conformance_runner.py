"""Running conformance vectors against the reference implementation (see spec/conformance.md)."""

from __future__ import annotations

import copy
from pathlib import Path

from wsas.reading import load_json_file
from wsas.rubrics import Catalogue, Rubric, published_catalogue
from wsas.rules import num
from wsas.schemas import schema_errors
from wsas.scoring import score_valid
from wsas.validation import validate

VECTORS = Path(__file__).parent / "conformance"


def vector_files() -> list[Path]:
    return sorted(VECTORS.glob("*.json"))


def load_vectors(path: Path) -> dict:
    document = load_json_file(path)
    errors = schema_errors(document, "conformance")
    assert not errors, "\n".join(map(str, errors))
    return document


def catalogue_for(vectors: dict) -> Catalogue:
    if isinstance(vectors["rubric"], str):
        return published_catalogue()
    return Catalogue([Rubric(vectors["rubric"])])


def submission_of(vectors: dict, case: dict) -> dict:
    """The case's submission: given whole, or the base with its responses overlaid key by key."""
    if "submission" in case:
        return case["submission"]
    submission = copy.deepcopy(vectors["base"])
    for key, response in case["responses"].items():
        if response is None:
            submission["responses"].pop(key, None)
        else:
            submission["responses"][key] = response
    return submission


def _matches(expected: dict, reported) -> bool:
    return expected["code"] == reported.code and (
        reported.pointer == expected["pointer"] or reported.pointer.startswith(expected["pointer"] + "/"))


def check_case(vectors: dict, case: dict) -> list[str]:
    """Differences between the expectation and what wsas does; empty when they agree."""
    catalogue = catalogue_for(vectors)
    submission = submission_of(vectors, case)
    expected = case["expected"]
    errors = validate(submission, catalogue)
    problems = []
    if not expected["valid"]:
        if not errors:
            return ["expected invalid, wsas found it valid"]
        for want in expected["errors"]:
            if not any(_matches(want, got) for got in errors):
                problems.append(f"expected error {want} not reported")
        for got in errors:
            if not any(_matches(want, got) for want in expected["errors"]):
                problems.append(f"unexpected error {got.code} at {got.pointer}: {got.message_en}")
        return problems
    if errors:
        return ["expected valid, wsas reports: " + "; ".join(f"{e.code} {e.pointer} {e.message_en}" for e in errors)]
    result = score_valid(submission, catalogue.get(submission["rubric"]))
    awarded = {line["id"]: line["awarded"] for line in result["criteria"]}
    for criterion_id, points in expected.get("criteria", {}).items():
        if criterion_id not in awarded:
            problems.append(f"criterion {criterion_id} not in the result")
        elif awarded[criterion_id] != num(points):
            problems.append(f"criterion {criterion_id}: expected {points}, got {awarded[criterion_id]}")
    for key in ("total", "maximum", "notApplicablePoints", "score"):
        if key in expected and num(expected[key]) != result[key]:
            problems.append(f"{key}: expected {expected[key]}, got {result[key]}")
    if "outcome" in expected:
        got = result["outcome"]["id"] if result["outcome"] else None
        if got != expected["outcome"]:
            problems.append(f"outcome: expected {expected['outcome']}, got {got}")
    if "vetoedBy" in expected and expected["vetoedBy"] != result["vetoedBy"]:
        problems.append(f"vetoedBy: expected {expected['vetoedBy']}, got {result['vetoedBy']}")
    return problems


__all__ = ["check_case", "load_vectors", "vector_files"]
