"""Running the record vectors (tests/conformance/records: lifecycle-*.json, spec/records.md §10;
cadence-*.json, spec/records-cadence-import.md §9) through the harness's comparison
(wsas.conformance.compare) and the reference adapter's output (wsas.conformance.adapter);
and the enterprise-record vectors (enterprise.json, spec/records.md §12) the same way.

How a case becomes the adapter's input (``base`` + ``patch``, ``ledger``, ``asOf``, ``inspections``) is
wsas.conformance.suites; how the output is compared (errors and findings per record, summaries,
streams) is wsas.conformance.compare.
"""

from __future__ import annotations

from pathlib import Path

from wsas.conformance.adapter import answer
from wsas.conformance.compare import compare
from wsas.conformance.suites import apply_patch, case_of
from wsas.reading import load_json_file

VECTORS = Path(__file__).parent / "conformance" / "records"


def vector_files(kind: str = "lifecycle") -> list[Path]:
    return sorted(VECTORS.glob(f"{kind}-*.json"))


def load_vectors(path: Path) -> dict:
    document = load_json_file(path)
    assert document.get("kind") in ("lifecycle", "cadence", "enterprise"), path
    assert isinstance(document.get("cases"), list), path
    return document


def case_problems(vectors: dict, case: dict) -> list[str]:
    """Differences between the case's expectation and what wsas reports; empty when they agree."""
    built = case_of(vectors, case)
    return [str(difference) for difference in compare(built, answer(built.kind, built.input))]


ENTERPRISE_VECTORS = VECTORS / "enterprise.json"


__all__ = ["ENTERPRISE_VECTORS", "apply_patch", "case_problems", "load_vectors", "vector_files"]
