"""The one comparison of an implementation's answer with a case's expectation (spec/conformance.md §2–§3,
spec/workflows.md §11, spec/records.md §10, spec/records-cadence-import.md §9).

``compare(case, output, levels)`` returns the differences as values, each with the path into the answer
it is about; an empty list means the case passes. The harness and the project's own tests both call it.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .protocol import encode

_MISSING = object()


@dataclass(frozen=True)
class Difference:
    path: str                 # JSON Pointer into the answer's output ("" for the whole output)
    message: str
    expected: Any = _MISSING
    got: Any = _MISSING

    def as_dict(self) -> dict:
        data = {"path": self.path, "message": self.message}
        if self.expected is not _MISSING:
            data["expected"] = self.expected
        if self.got is not _MISSING:
            data["got"] = self.got
        return data

    def __str__(self) -> str:
        text = f"{self.path or '/'}: {self.message}"
        if self.expected is not _MISSING or self.got is not _MISSING:
            text += f" (expected {_show(self.expected)}, got {_show(self.got)})"
        return text


def _show(value) -> str:
    if value is _MISSING:
        return "nothing"
    try:
        return encode(value)
    except (TypeError, ValueError):
        return repr(value)


class _Shape(Exception):
    """The answer does not have the shape the protocol gives it: the case fails on that alone."""

    def __init__(self, path: str, message: str, got=_MISSING):
        super().__init__(message)
        self.difference = Difference(path, "wrong shape: " + message, got=got)


def compare(case, output, levels: set[str] | None = None) -> list[Difference]:
    """Differences between ``case.expected`` and ``output``; ``levels`` the claimed levels (all when None)."""
    levels = set(case.levels) if levels is None else levels
    try:
        _expect(isinstance(output, dict), "", "the output must be an object", output)
        if case.kind == "submission":
            return compare_submission(case.expected, output, score="scorer" in levels)
        return _COMPARISONS[case.kind](case.expected, output)
    except _Shape as exc:
        return [exc.difference]


# ---------------------------------------------------------------- shape checks

def _expect(condition: bool, path: str, message: str, got=_MISSING) -> None:
    if not condition:
        raise _Shape(path, message, got)


def _member(data: dict, key: str, path: str, kind, what: str, optional: bool = False):
    value = data.get(key, _MISSING)
    if value is _MISSING and optional:
        return None
    _expect(value is not _MISSING, f"{path}/{key}", f"{what} is missing")
    _expect(_is(value, kind), f"{path}/{key}", f"{what} must be {_KIND_NAMES[kind]}", value)
    return value


def _is(value, kind) -> bool:
    if kind == "number":
        return isinstance(value, (int, Decimal)) and not isinstance(value, bool)
    if kind == "string-or-null":
        return value is None or isinstance(value, str)
    if kind == "date-or-null":
        return value is None or isinstance(value, str)
    return isinstance(value, kind) and not (kind is int and isinstance(value, bool))


_KIND_NAMES = {bool: "true or false", str: "a string", list: "an array", dict: "an object", int: "an integer",
               "number": "a JSON number", "string-or-null": "a string or null", "date-or-null": "a date or null"}


def _located(items, path: str, with_record: bool = False) -> list[dict]:
    """A list of errors/findings, each an object with a string ``code`` and ``pointer``."""
    for index, item in enumerate(items):
        where = f"{path}/{index}"
        _expect(isinstance(item, dict), where, "each entry must be an object", item)
        _member(item, "code", where, str, "code")
        _member(item, "pointer", where, str, "pointer")
        if with_record:
            _member(item, "record", where, int, "record")
    return items


# ---------------------------------------------------------------- rubric validation and scoring

SCHEMA_CODES = frozenset({"schema"})  # where schema validators differ in depth: §3's rule in every suite


def matches(expected: dict, reported: dict) -> bool:
    """spec/conformance.md §3: the same code, and the pointer equal to the expected one or below it."""
    return expected["code"] == reported["code"] and (
        reported["pointer"] == expected["pointer"] or reported["pointer"].startswith(expected["pointer"] + "/"))


def compare_submission(expected: dict, output: dict, score: bool = True) -> list[Difference]:
    valid = _member(output, "valid", "", bool, "valid")
    errors = _located(_member(output, "errors", "", list, "errors"), "/errors")
    if not expected["valid"]:
        if valid or not errors:
            return [Difference("/valid", "expected invalid, the implementation found it valid", False, valid)]
        found = [Difference("/errors", "expected error not reported", want, [_error(e) for e in errors])
                 for want in expected["errors"] if not any(matches(want, got) for got in errors)]
        found += [Difference(f"/errors/{index}", "unexpected error", expected["errors"], _error(got))
                  for index, got in enumerate(errors) if not any(matches(want, got) for want in expected["errors"])]
        return found
    if not valid or errors:
        return [Difference("/errors", "expected valid, the implementation reports errors", [],
                           [_error(e) for e in errors])]
    if not score:
        return []
    return _compare_result(expected, _member(output, "result", "", dict, "result of a valid submission"))


def _error(error: dict) -> dict:
    return {"pointer": error["pointer"], "code": error["code"]}


def _compare_result(expected: dict, result: dict) -> list[Difference]:
    found = []
    if "criteria" in expected:
        lines = _member(result, "criteria", "/result", list, "criteria")
        awarded = {}
        for index, line in enumerate(lines):
            where = f"/result/criteria/{index}"
            _expect(isinstance(line, dict), where, "each criterion line must be an object", line)
            awarded[_member(line, "id", where, str, "id")] = _member(line, "awarded", where, "number", "awarded")
        for criterion_id, points in expected["criteria"].items():
            if criterion_id not in awarded:
                found.append(Difference("/result/criteria", f"criterion {criterion_id} not in the result", points))
            elif Decimal(awarded[criterion_id]) != Decimal(points):
                found.append(Difference("/result/criteria", f"criterion {criterion_id}: awarded points differ",
                                        points, awarded[criterion_id]))
    for key in ("total", "maximum", "notApplicablePoints", "score"):
        if key in expected:
            got = _member(result, key, "/result", "number", key)
            if Decimal(got) != Decimal(expected[key]):
                found.append(Difference(f"/result/{key}", f"{key} differs", expected[key], got))
    if "outcome" in expected:
        outcome = result.get("outcome", _MISSING)
        _expect(outcome is None or (isinstance(outcome, dict) and isinstance(outcome.get("id"), str)),
                "/result/outcome", "outcome must be null or an object with a string id", outcome)
        got = outcome["id"] if outcome else None
        if got != expected["outcome"]:
            found.append(Difference("/result/outcome/id", "outcome differs", expected["outcome"], got))
    if "vetoedBy" in expected:
        got = _member(result, "vetoedBy", "/result", list, "vetoedBy")
        if got != expected["vetoedBy"]:
            found.append(Difference("/result/vetoedBy", "vetoedBy differs", expected["vetoedBy"], got))
    return found


def unmatched(want: list[dict], got: list[dict], keys: tuple = ()) -> tuple[list[dict], list[dict]]:
    """(expected not reported, reported not expected) for errors or findings that may carry a ``record``
    (0 when absent) and the ``keys`` an expectation states: ``schema`` errors by §3's rule (the pointer
    equal or below, not one to one), every other code one to one with the same pointer."""
    def agree(w: dict, g: dict) -> bool:
        return w.get("record", 0) == g.get("record", 0) and all(g.get(k) == w[k] for k in keys if k in w)

    schema_got = [g for g in got if g["code"] in SCHEMA_CODES]
    left = [g for g in got if g["code"] not in SCHEMA_CODES]
    missing = []
    for w in want:
        if w["code"] in SCHEMA_CODES:
            if not any(agree(w, g) and matches(w, g) for g in schema_got):
                missing.append(w)
            continue
        match = next((g for g in left if agree(w, g) and (g["code"], g["pointer"]) == (w["code"], w["pointer"])), None)
        if match is None:
            missing.append(w)
        else:
            left.remove(match)
    stray = [g for g in schema_got if not any(w["code"] in SCHEMA_CODES and agree(w, g) and matches(w, g)
                                              for w in want)]
    return missing, left + stray


# ---------------------------------------------------------------- workflows

def compare_schedule(expected: dict, output: dict) -> list[Difference]:
    if "error" in output:
        got = _member(output, "error", "", str, "error")
        if expected.get("error") == got:
            return []
        return [Difference("/error", "unexpected error", expected.get("error"), got)]
    if "error" in expected:
        return [Difference("/error", "expected an error, got a schedule", expected["error"])]
    schedule = _member(output, "schedule", "", dict, "schedule (or error)")
    found = []
    if "variant" in expected:
        instance = _member(schedule, "instance", "/schedule", dict, "instance")
        if instance.get("variant") != expected["variant"]:
            found.append(Difference("/schedule/instance/variant", "variant differs", expected["variant"],
                                    instance.get("variant")))
    if "due" in expected:
        due = {}
        for index, entry in enumerate(_member(schedule, "entries", "/schedule", list, "entries")):
            where = f"/schedule/entries/{index}"
            _expect(isinstance(entry, dict), where, "each entry must be an object", entry)
            due[_member(entry, "id", where, str, "id")] = _member(entry, "due", where, "date-or-null", "due")
        for key, value in expected["due"].items():
            if key not in due:
                found.append(Difference("/schedule/entries", f"{key}: not in the schedule", value))
            elif due[key] != value:
                found.append(Difference("/schedule/entries", f"{key}: due date differs", value, due[key]))
    if "occurrences" in expected:
        occurrences = {}
        for index, obligation in enumerate(_member(schedule, "obligations", "/schedule", list, "obligations")):
            where = f"/schedule/obligations/{index}"
            _expect(isinstance(obligation, dict), where, "each obligation must be an object", obligation)
            days = _member(obligation, "occurrences", where, list, "occurrences")
            _expect(all(isinstance(o, dict) for o in days), f"{where}/occurrences", "each occurrence must be an object")
            occurrences[_member(obligation, "id", where, str, "id")] = [o.get("due") for o in days]
        for key, value in expected["occurrences"].items():
            if occurrences.get(key) != value:
                found.append(Difference("/schedule/obligations", f"{key}: occurrences differ", value,
                                        occurrences.get(key)))
    if "fallback" in expected:
        got = _member(schedule, "fallback", "/schedule", bool, "fallback")
        if got != expected["fallback"]:
            found.append(Difference("/schedule/fallback", "fallback differs", expected["fallback"], got))
    return found


def compare_event_log(expected: dict, output: dict) -> list[Difference]:
    """Findings matched by code and pointer (:func:`unmatched`), and by ``ref`` and ``period`` where expected."""
    got = _located(_member(output, "findings", "", list, "findings"), "/findings")
    missing, stray = unmatched(expected["findings"], got, keys=("ref", "period"))
    return ([Difference("/findings", "expected finding not reported", want) for want in missing]
            + [Difference("/findings", "unexpected finding", got=_finding(f)) for f in stray])


def _finding(finding: dict) -> dict:
    return {k: finding[k] for k in ("code", "pointer", "ref", "period") if k in finding}


# ---------------------------------------------------------------- records

def compare_lifecycle(expected: dict, output: dict) -> list[Difference]:
    """Errors and findings of each record (:func:`unmatched`); ``summary`` member by member."""
    records = _member(output, "records", "", list, "records")
    got_errors, got_findings, valid = [], [], True
    for index, record in enumerate(records):
        where = f"/records/{index}"
        _expect(isinstance(record, dict), where, "each record must be an object", record)
        valid = _member(record, "valid", where, bool, "valid") and valid
        got_errors += [_triple((index, e["code"], e["pointer"])) for e in _located(
            _member(record, "errors", where, list, "errors"), f"{where}/errors")]
        got_findings += [_triple((index, f["code"], f["pointer"])) for f in _located(
            _member(record, "findings", where, list, "findings"), f"{where}/findings")]
    found = []
    if valid != expected["valid"]:
        found.append(Difference("/records", "validity differs", expected["valid"], valid))
    for kind, want, got in (("error", expected["errors"], got_errors), ("finding", expected["findings"], got_findings)):
        missing, stray = unmatched([_triple((w.get("record", 0), w["code"], w["pointer"])) for w in want], got)
        found += [Difference("/records", f"expected {kind} not reported", item) for item in missing]
        found += [Difference("/records", f"unexpected {kind}", got=item) for item in stray]
    if expected.get("summary"):
        summary = _member(output, "summary", "", dict, "summary")
        for key, value in expected["summary"].items():
            if summary.get(key) != value:
                found.append(Difference(f"/summary/{key}", f"summary {key} differs", value, summary.get(key)))
    return found


def _triple(item: tuple) -> dict:
    return {"record": item[0], "code": item[1], "pointer": item[2]}


def compare_cadence(expected: dict, output: dict) -> list[Difference]:
    errors = _located(_member(output, "errors", "", list, "errors"), "/errors", with_record=True)
    found = []
    if (not errors) != expected["valid"]:
        found.append(Difference("/errors", "validity differs", expected["valid"], not errors))
    missing, stray = unmatched([_triple((e["record"], e["code"], e["pointer"])) for e in expected["errors"]],
                               [_triple((e["record"], e["code"], e["pointer"])) for e in errors])
    found += [Difference("/errors", "expected error not reported", e) for e in missing]
    found += [Difference("/errors", "unexpected error", got=e) for e in stray]
    streams = {}
    for index, stream in enumerate(_member(output, "streams", "", list, "streams")):
        where = f"/streams/{index}"
        _expect(isinstance(stream, dict), where, "each stream must be an object", stream)
        subject = _member(stream, "subject", where, dict, "subject")
        key = (subject.get("name"), _member(stream, "level", where, str, "level"),
               _member(stream, "unit", where, "string-or-null", "unit"))
        _member(stream, "periods", where, int, "periods")
        _member(stream, "missed", where, list, "missed")
        _member(stream, "pending", where, list, "pending")
        _expect(all(isinstance(m, dict) for m in stream["missed"]), f"{where}/missed",
                "each missed period must be an object with period and count")
        streams[key] = stream
    wanted = {}
    for stream in expected["streams"]:
        subjects = {key[0] for key in streams} if "subject" not in stream else {stream["subject"]}
        for subject in subjects:
            wanted[(subject, stream["level"], stream["unit"])] = stream
    if set(wanted) != set(streams):
        found.append(Difference("/streams", "the streams differ (subject, level, unit)",
                                sorted(map(list, wanted), key=str), sorted(map(list, streams), key=str)))
    for key in sorted(set(wanted) & set(streams), key=str):
        stream, got_stream, name = wanted[key], streams[key], "/".join(str(part) for part in key)
        if stream["periods"] != got_stream["periods"]:
            found.append(Difference("/streams", f"{name}: periods differ", stream["periods"], got_stream["periods"]))
        labels = [m if isinstance(m, str) else m["period"] for m in stream["missed"]]
        got_labels = [m.get("period") for m in got_stream["missed"]]
        if labels != got_labels:
            found.append(Difference("/streams", f"{name}: missed periods differ", labels, got_labels))
        for missed in (m for m in stream["missed"] if isinstance(m, dict)):
            count = next((m.get("count") for m in got_stream["missed"] if m.get("period") == missed["period"]), None)
            if count != missed["count"]:
                found.append(Difference("/streams", f"{name} {missed['period']}: count differs", missed["count"], count))
        if stream["pending"] != got_stream["pending"]:
            found.append(Difference("/streams", f"{name}: pending periods differ", stream["pending"],
                                    got_stream["pending"]))
    return found


def compare_enterprise(expected: dict, output: dict) -> list[Difference]:
    """Validity of the ledger, and its errors (:func:`unmatched`) with the record each is at."""
    valid = _member(output, "valid", "", bool, "valid")
    errors = _located(_member(output, "errors", "", list, "errors"), "/errors", with_record=True)
    found = [] if valid == expected["valid"] else [Difference("/valid", "validity differs", expected["valid"], valid)]
    missing, stray = unmatched(expected["errors"], [_triple((e["record"], e["code"], e["pointer"])) for e in errors])
    found += [Difference("/errors", "expected error not reported", e) for e in missing]
    found += [Difference("/errors", "unexpected error", got=e) for e in stray]
    return found


_COMPARISONS = {"schedule": compare_schedule, "event-log": compare_event_log, "lifecycle": compare_lifecycle,
                "cadence": compare_cadence, "enterprise": compare_enterprise}
