"""The reference implementation behind the conformance protocol: ``python -m wsas.conformance.adapter``.

It reads one message per line on stdin and answers on stdout (spec/conformance.md §6). ``answer(kind,
input)`` is also what the project's own tests call, so that they and the harness compare the same output.
"""

from __future__ import annotations

import base64
import datetime as dt
import sys

from .. import __version__
from ..errors import InputError
from ..reading import decode as decode_text, load_json_text
from .protocol import LEVELS, PROTOCOL, RULE_KINDS, decode, encode


def hello() -> dict:
    return {"type": "hello", "protocol": PROTOCOL,
            "implementation": {"name": "wsas", "version": __version__, "language": "Python",
                               "homepage": "https://wsas.org/"},
            "levels": list(LEVELS), "ruleKinds": list(RULE_KINDS)}


def answer(kind: str, given: dict) -> dict:
    """The output of case ``kind`` for its ``input``, in the protocol's shape."""
    return _ANSWERS[kind](given)


def answer_submission(given: dict) -> dict:
    from ..rubrics import Catalogue, Rubric, published_catalogue
    from ..scoring.score import score_valid
    from ..scoring.validation import validate
    catalogue = published_catalogue() if given["catalogue"] == "published" else \
        Catalogue([Rubric(data) for data in given["catalogue"]])
    if "raw" in given:  # the file's bytes: read as spec/validation.md §5 says first
        try:
            submission = load_json_text(decode_text(base64.b64decode(given["raw"]), "vector"), "vector")
        except InputError as exc:
            error = exc.error
            return {"valid": False, "errors": [{"pointer": error.pointer, "code": error.code, "message": error.message,
                                                "messageEn": error.message_en}]}
    else:
        submission = given["submission"]
    errors = validate(submission, catalogue)
    output = {"valid": not errors,
              "errors": [{"pointer": e.pointer, "code": e.code, "message": e.message, "messageEn": e.message_en}
                         for e in errors]}
    if not errors and given.get("score", True):
        output["result"] = score_valid(submission, catalogue.get(submission["rubric"]))
    return output


def _program(ref):
    from ..programs import Program, load_program
    return load_program(ref) if isinstance(ref, str) else Program(ref)


def answer_schedule(given: dict) -> dict:
    from ..workflows.deadlines import WorkflowError
    from ..workflows.schedule import build_schedule
    from ..workflows.workdays import CalendarRangeError
    instance = given["instance"]
    end = dt.date.fromisoformat(instance["end"]) if instance.get("end") else None
    try:
        return {"schedule": build_schedule(_program(given["program"]), dt.date.fromisoformat(instance["start"]), end,
                                           given.get("weekdayFallback", False))}
    except WorkflowError as exc:
        return {"error": exc.code}
    except CalendarRangeError:
        return {"error": "calendar-range"}


def answer_event_log(given: dict) -> dict:
    from ..workflows.check import check_log
    findings = check_log(given["log"], _program(given["program"]), given.get("weekdayFallback", False))
    return {"findings": [f.as_dict() for f in findings]}


def answer_lifecycle(given: dict) -> dict:
    from ..programs import published_programs
    from ..records.check import check_ledgers
    from ..records.ledger import Entry, Ledger
    entries = [Entry("vector", index + 1, document) for index, document in enumerate(given["records"])]
    report = check_ledgers([Ledger("vector", entries)], program=given.get("program"),
                           as_of=dt.date.fromisoformat(given["asOf"]), known_programs=set(published_programs()))
    records = sorted(report.records, key=lambda r: r.entry.line)
    return {"records": [{"valid": r.valid, "errors": [_located(e) for e in r.errors],
                         "findings": [_located(f) for f in r.findings]} for r in records],
            "summary": report.summary}


def answer_cadence(given: dict) -> dict:
    from ..records.cadence import CadenceProgram, cadence_program, check_cadence
    from ..records.ledger import Entry, entry_of
    from ..sources import Record
    ref = given["program"]
    program = cadence_program(ref) if isinstance(ref, str) else CadenceProgram.from_data(ref)
    items = [entry_of(Record("vector", index + 1, data=item.encode("utf-8"))) if isinstance(item, str)
             else Entry("vector", index + 1, item) for index, item in enumerate(given["inspections"])]
    report = check_cadence(program, items, dt.date.fromisoformat(given["from"]), dt.date.fromisoformat(given["to"]),
                           levels=given.get("levels"))
    return {"errors": [dict(_located(e), record=e.line - 1) for e in report.errors],
            "streams": [s.as_dict() for s in report.streams]}


def answer_enterprise(given: dict) -> dict:
    from ..programs import published_programs
    from ..records.enterprises import check_enterprise_ledgers
    from ..records.ledger import Entry, Ledger, entry_of
    from ..sources import Record
    entries = [entry_of(Record("vector", index + 1, data=item.encode("utf-8"))) if isinstance(item, str)
               else Entry("vector", index + 1, item) for index, item in enumerate(given["records"])]
    check = check_enterprise_ledgers([Ledger("vector", entries)], set(published_programs()))
    return {"valid": check.ok,
            "errors": [dict(_located(e), record=e.line - 1) for r in check.records for e in r.errors]}


def _located(error) -> dict:
    return {"code": error.code, "pointer": error.pointer, "messageEn": error.message_en}


_ANSWERS = {"submission": answer_submission, "schedule": answer_schedule, "event-log": answer_event_log,
            "lifecycle": answer_lifecycle, "cadence": answer_cadence, "enterprise": answer_enterprise}


def serve(lines, write) -> int:
    """Answer every message in ``lines`` (strings) through ``write`` until stop or the end of input."""
    for line in lines:
        if not line.strip():
            continue
        try:
            message = decode(line)
        except InputError as exc:
            write({"type": "error", "id": None, "message": f"unreadable message: {exc.error.message_en}"})
            continue
        kind = message.get("type") if isinstance(message, dict) else None
        if kind == "start":
            write(hello())
        elif kind == "stop":
            return 0
        elif kind == "case":
            write(_case(message))
    return 0


def _case(message: dict) -> dict:
    try:
        return {"type": "result", "id": message["id"], "output": answer(message["kind"], message["input"])}
    except Exception as exc:  # one case the reference cannot answer must not end the session
        return {"type": "error", "id": message.get("id"), "message": f"{exc.__class__.__name__}: {exc}"}


def main() -> int:
    stdout = sys.stdout

    def write(message: dict) -> None:
        stdout.write(encode(message) + "\n")
        stdout.flush()

    sys.stdin.reconfigure(encoding="utf-8")
    try:
        return serve(sys.stdin, write)
    except (BrokenPipeError, KeyboardInterrupt):
        return 0


if __name__ == "__main__":
    sys.exit(main())
