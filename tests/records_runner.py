"""Running the record vectors (tests/conformance/records: lifecycle-*.json, spec/records.md §10;
cadence-*.json, spec/records-cadence-import.md §9) through the harness's comparison
(wsas.conformance.compare) and the reference adapter's output (wsas.conformance.adapter);
and the enterprise-record vectors (enterprise.json, spec/records.md §12) through wsas.records.enterprises.

How a case becomes the adapter's input (``base`` + ``patch``, ``ledger``, ``asOf``, ``inspections``) is
wsas.conformance.suites; how the output is compared (multisets of (record, code, pointer), summaries,
streams) is wsas.conformance.compare.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from wsas.conformance.adapter import answer
from wsas.conformance.compare import compare
from wsas.conformance.suites import apply_patch, case_of
from wsas.programs import published_programs
from wsas.reading import load_json_file
from wsas.records.enterprises import check_enterprise_ledgers
from wsas.records.ledger import Entry, Ledger, entry_of
from wsas.sources import Record

VECTORS = Path(__file__).parent / "conformance" / "records"


def vector_files(kind: str = "lifecycle") -> list[Path]:
    return sorted(VECTORS.glob(f"{kind}-*.json"))


def load_vectors(path: Path) -> dict:
    document = load_json_file(path)
    assert document.get("kind") in ("lifecycle", "cadence") and isinstance(document.get("cases"), list), path
    return document


def case_problems(vectors: dict, case: dict) -> list[str]:
    """Differences between the case's expectation and what wsas reports; empty when they agree."""
    built = case_of(vectors, case)
    return [str(difference) for difference in compare(built, answer(built.kind, built.input))]


ENTERPRISE_VECTORS = VECTORS / "enterprise.json"


def enterprise_ledger(vectors: dict, case: dict) -> Ledger:
    """The case's ledger: ``{base, patch?}`` items on the named bases, ``{record}`` as given, ``{line}`` as the
    raw text of a JSON Lines line (entry *i* is line *i* + 1)."""
    entries = []
    for index, item in enumerate(case["ledger"]):
        if "line" in item:
            entries.append(entry_of(Record("vector", index + 1, data=item["line"].encode("utf-8"))))
        else:
            document = item["record"] if "record" in item else apply_patch(vectors["bases"][item["base"]],
                                                                          item.get("patch", {}))
            entries.append(Entry("vector", index + 1, document))
    return Ledger("vector", entries)


def enterprise_problems(vectors: dict, case: dict) -> list[str]:
    """Differences between an enterprise case's expectation and what wsas reports (errors as multisets)."""
    check = check_enterprise_ledgers([enterprise_ledger(vectors, case)], set(published_programs()))
    got = Counter((error.line - 1, error.code, error.pointer) for r in check.records for error in r.errors)
    want = Counter((e["record"], e["code"], e["pointer"]) for e in case["expected"]["errors"])
    problems = [f"expected not reported: {key}" for key in want - got]
    problems += [f"unexpected: {key}" for key in got - want]
    if check.ok != case["expected"]["valid"]:
        problems.append(f"valid: expected {case['expected']['valid']}, got {check.ok}")
    return problems


__all__ = ["ENTERPRISE_VECTORS", "apply_patch", "case_problems", "enterprise_ledger", "enterprise_problems",
           "load_vectors", "vector_files"]
