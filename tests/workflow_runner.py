"""Running the workflow conformance vectors (tests/conformance/workflows, see spec/workflows.md §11)
through the harness's comparison (wsas.conformance.compare) and the reference adapter's output."""

from __future__ import annotations

from pathlib import Path

from wsas.conformance.adapter import answer
from wsas.conformance.compare import compare
from wsas.conformance.suites import case_of
from wsas.reading import load_json_file

VECTORS = Path(__file__).parent / "conformance" / "workflows"


def vector_files() -> list[Path]:
    return sorted(VECTORS.glob("*.json"))


def case_problems(vectors: dict, case: dict) -> list[str]:
    built = case_of(vectors, case)
    return [str(difference) for difference in compare(built, answer(built.kind, built.input))]


__all__ = ["case_problems", "load_json_file", "vector_files"]
