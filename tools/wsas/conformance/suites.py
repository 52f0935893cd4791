"""The conformance vectors as cases: what the harness sends, what it expects, which level each case tests.

Every ``*.json`` under the vectors folder is read; its ``kind`` member says what it tests (none: rubric
validation and scoring; ``schedule``/``check``: workflows; ``lifecycle``/``cadence``/``enterprise``: records), so new
vector files are picked up without naming them here. A case's id is the file's path under the folder and
the case's own ``id`` (stable: never renumbered when cases are added; its position in files without ids):
``veto.json#3``, ``workflows/schedule-haimen.json#1``.
"""

from __future__ import annotations

import base64
import copy
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError
from ..reading import load_json_file

SUITES = ("scoring", "workflows", "records")

# vector file kind → (suite, case kind, level)
_KINDS = {
    None: ("scoring", "submission", None),
    "schedule": ("workflows", "schedule", "workflow-schedule"),
    "check": ("workflows", "event-log", "workflow-check"),
    "lifecycle": ("records", "lifecycle", "records-lifecycle"),
    "cadence": ("records", "cadence", "records-cadence"),
    "enterprise": ("records", "enterprise", "records-enterprise"),
}


@dataclass(frozen=True)
class Case:
    id: str
    suite: str
    kind: str
    description: str
    input: dict
    expected: dict
    levels: tuple[str, ...]          # the levels it tests, lowest first (a scored case tests both)
    rule_kinds: frozenset = field(default_factory=frozenset)

    @property
    def file(self) -> str:
        return self.id.rsplit("#", 1)[0]


@dataclass(frozen=True)
class LoadProblem:
    file: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.message}"


def default_vectors() -> Path | None:
    """The vectors of a source checkout (``tests/conformance``), when there is one."""
    from ..paths import data_root
    for root in (data_root(), Path(__file__).resolve().parents[3]):
        if (root / "tests" / "conformance").is_dir():
            return root / "tests" / "conformance"
    return None


def load_cases(root: Path) -> tuple[list[Case], list[LoadProblem]]:
    """Every case under ``root``, in file then case order, and the files that could not be read as vectors."""
    cases, problems = [], []
    for path in sorted(root.rglob("*.json")):
        name = path.relative_to(root).as_posix()
        try:
            cases.extend(cases_of(load_json_file(path), name))
        except InputError as exc:
            problems.append(LoadProblem(name, exc.error.message_en))
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            problems.append(LoadProblem(name, f"not a vector file of a known kind ({exc.__class__.__name__}: {exc})"))
    return cases, problems


def digest(root: Path) -> str:
    """SHA-256 over the vector files' names and bytes: names the exact vector set a report was run on."""
    hashed = hashlib.sha256()
    for path in sorted(root.rglob("*.json")):
        hashed.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return hashed.hexdigest()


def cases_of(vectors: dict, name: str) -> list[Case]:
    kind = vectors.get("kind")
    if kind not in _KINDS:
        raise ValueError(f"unknown kind {kind!r}")
    return [case_of(vectors, case, f"{name}#{case.get('id', index)}")
            for index, case in enumerate(vectors["cases"], start=1)]


def case_of(vectors: dict, case: dict, case_id: str = "") -> Case:
    """One case of a vector file, as the harness sends it."""
    suite, case_kind, level = _KINDS[vectors.get("kind")]
    given, expected, levels, rule_kinds = _BUILDERS[case_kind](vectors, case)
    return Case(case_id, suite, case_kind, case["description"], given, expected, levels or (level,), rule_kinds)


# ---------------------------------------------------------------- rubric validation and scoring

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


def _submission_case(vectors: dict, case: dict):
    """A submission given as a document, or as the file's bytes (``raw`` text, ``rawBase64``) for the
    input layer; bytes travel in Base64, since the protocol's lines are ASCII."""
    inline = isinstance(vectors["rubric"], dict)
    given = {"catalogue": [vectors["rubric"]] if inline else "published"}
    if "raw" in case or "rawBase64" in case:
        data = case["raw"].encode("utf-8") if "raw" in case else base64.b64decode(case["rawBase64"], validate=True)
        given["raw"] = base64.b64encode(data).decode("ascii")
        submission = {"rubric": vectors["rubric"]}
    else:
        submission = given["submission"] = submission_of(vectors, case)
    levels = ("validator", "scorer") if case["expected"]["valid"] else ("validator",)
    return given, case["expected"], levels, _rule_kinds(vectors["rubric"] if inline else _published(submission))


def _published(submission) -> dict | None:
    from ..rubrics import published_catalogue
    rubric_id = submission.get("rubric") if isinstance(submission, dict) else None
    rubric = published_catalogue().get(rubric_id) if isinstance(rubric_id, str) else None
    return rubric.data if rubric else None


def _rule_kinds(rubric) -> frozenset:
    """The rule kinds a rubric uses (every ``rule.kind`` in it)."""
    found = set()

    def walk(node):
        if isinstance(node, dict):
            rule = node.get("rule")
            if isinstance(rule, dict) and isinstance(rule.get("kind"), str):
                found.add(rule["kind"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(rubric)
    return frozenset(found)


# ---------------------------------------------------------------- workflows

def _schedule_case(vectors: dict, case: dict):
    given = {"program": vectors["program"], "instance": case["instance"],
             "weekdayFallback": case.get("options", {}).get("weekdayFallback", False)}
    return given, case["expected"], None, frozenset()


def _check_case(vectors: dict, case: dict):
    given = {"program": vectors["program"], "log": case["log"],
             "weekdayFallback": case.get("options", {}).get("weekdayFallback", False)}
    return given, case["expected"], None, frozenset()


# ---------------------------------------------------------------- records

def apply_patch(document, patch: dict):
    """A copy of ``document`` with ``patch`` applied: pointer → value (added or replaced; an index equal to
    the array's length appends) or ``null`` (removed)."""
    document = copy.deepcopy(document)
    for pointer, value in patch.items():
        parts = [p.replace("~1", "/").replace("~0", "~") for p in pointer.split("/")[1:]]
        node = document
        for part in parts[:-1]:
            node = node[int(part)] if isinstance(node, list) else node.setdefault(part, {})
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


def _lifecycle_case(vectors: dict, case: dict):
    records = [_record(vectors, item) for item in case["ledger"]] if "ledger" in case else [_record(vectors, case)]
    given = {"records": records, "program": case.get("program"), "asOf": case.get("asOf", vectors["asOf"])}
    return given, case["expected"], None, frozenset()


def _cadence_case(vectors: dict, case: dict):
    given = {"program": case.get("program", vectors["program"]), "inspections": case["inspections"],
             "from": case["from"], "to": case["to"], "levels": case.get("levels")}
    return given, case["expected"], None, frozenset()


def _enterprise_case(vectors: dict, case: dict):
    """A ledger of enterprise records: ``{base, patch?}`` or ``{record}`` items as objects, ``{line}`` as the
    raw text of a JSON Lines line (sent as a string, read as the implementation reads a line)."""
    records = [item["line"] if "line" in item else _record(vectors, item) for item in case["ledger"]]
    return {"records": records}, case["expected"], None, frozenset()


_BUILDERS = {"submission": _submission_case, "schedule": _schedule_case, "event-log": _check_case,
             "lifecycle": _lifecycle_case, "cadence": _cadence_case, "enterprise": _enterprise_case}
