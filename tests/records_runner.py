"""Running the record lifecycle vectors (tests/conformance/records/lifecycle-*.json, see spec/records.md §10).

A case gives one hazard record (``record``, or ``base`` + ``patch``) or a whole ledger (``ledger``: a list
of such records). ``patch`` maps JSON Pointers to values: the value replaces (or adds) the member, an
array index equal to the array's length appends, and ``null`` removes the member. ``program`` is the
command line's ``--program``; ``asOf`` (the case's, else the file's) the day open hazards are judged on.
Expected errors and findings are compared as multisets of (record, code, pointer); ``record`` is the index
in the ledger (0 for a single record). ``expected.summary`` is compared member by member when given.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections import Counter
from pathlib import Path

from wsas.programs import published_programs
from wsas.reading import load_json_file
from wsas.records.check import check_ledgers
from wsas.records.ledger import Entry, Ledger

VECTORS = Path(__file__).parent / "conformance" / "records"


def vector_files() -> list[Path]:
    return sorted(VECTORS.glob("lifecycle-*.json"))


def load_vectors(path: Path) -> dict:
    document = load_json_file(path)
    assert document.get("kind") == "lifecycle" and isinstance(document.get("cases"), list), path
    return document


def apply_patch(document, patch: dict):
    document = copy.deepcopy(document)
    for pointer, value in patch.items():
        parts = [p.replace("~1", "/").replace("~0", "~") for p in pointer.split("/")[1:]]
        node = document
        for part in parts[:-1]:
            if isinstance(node, list):
                node = node[int(part)]
            else:
                node = node.setdefault(part, {})
        last = parts[-1]
        if isinstance(node, list):
            index = int(last)
            if value is None:
                del node[index]
            elif index == len(node):
                node.append(value)
            else:
                node[index] = value
        elif value is None:
            node.pop(last, None)
        else:
            node[last] = value
    return document


def _record(vectors: dict, spec: dict):
    if "record" in spec:
        return spec["record"]
    return apply_patch(vectors["bases"][spec["base"]], spec.get("patch", {}))


def records_of(vectors: dict, case: dict) -> list:
    if "ledger" in case:
        return [_record(vectors, item) for item in case["ledger"]]
    return [_record(vectors, case)]


def run_case(vectors: dict, case: dict):
    documents = records_of(vectors, case)
    ledger = Ledger("vector", [Entry("vector", index + 1, document) for index, document in enumerate(documents)])
    as_of = dt.date.fromisoformat(case.get("asOf", vectors["asOf"]))
    return check_ledgers([ledger], program=case.get("program"), as_of=as_of, known_programs=set(published_programs()))


def _expected(items) -> Counter:
    return Counter((item.get("record", 0), item["code"], item["pointer"]) for item in items)


def case_problems(vectors: dict, case: dict) -> list[str]:
    """Differences between the case's expectation and what wsas reports; empty when they agree."""
    report = run_case(vectors, case)
    expected = case["expected"]
    got_errors = Counter((r.entry.line - 1, e.code, e.pointer) for r in report.records for e in r.errors)
    got_findings = Counter((r.entry.line - 1, f.code, f.pointer) for r in report.records for f in r.findings)
    problems = []
    valid = all(r.valid for r in report.records)
    if valid != expected["valid"]:
        problems.append(f"valid: expected {expected['valid']}, got {valid}")
    for kind, want, got in (("error", _expected(expected["errors"]), got_errors),
                            ("finding", _expected(expected["findings"]), got_findings)):
        for item in (want - got).elements():
            problems.append(f"expected {kind} {item} not reported")
        for item in (got - want).elements():
            problems.append(f"unexpected {kind} {item}")
    for key, value in expected.get("summary", {}).items():
        if report.summary.get(key) != value:
            problems.append(f"summary {key}: expected {value}, got {report.summary.get(key)}")
    return problems
