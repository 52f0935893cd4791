"""Running conformance vectors against the reference implementation (see spec/conformance.md).

The comparison is the harness's (wsas.conformance.compare) and the output the reference adapter's
(wsas.conformance.adapter), so these tests and ``wsas conformance run`` judge a case one way.
"""

from __future__ import annotations

from pathlib import Path

from wsas.conformance.adapter import answer
from wsas.conformance.compare import compare
from wsas.conformance.suites import case_of, submission_of
from wsas.reading import load_json_file
from wsas.rubrics import Catalogue, Rubric, published_catalogue
from wsas.schemas import schema_errors

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


def check_case(vectors: dict, case: dict) -> list[str]:
    """Differences between the expectation and what wsas does; empty when they agree."""
    built = case_of(vectors, case)
    return [str(difference) for difference in compare(built, answer(built.kind, built.input))]


__all__ = ["VECTORS", "catalogue_for", "check_case", "load_vectors", "submission_of", "vector_files"]
