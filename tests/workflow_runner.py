"""Running the workflow conformance vectors (tests/conformance/workflows, see spec/workflows.md)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from wsas.check import check_log
from wsas.deadlines import WorkflowError
from wsas.programs import Program, load_program
from wsas.reading import load_json_file
from wsas.schedule import build_schedule
from wsas.workdays import CalendarRangeError

VECTORS = Path(__file__).parent / "conformance" / "workflows"


def vector_files() -> list[Path]:
    return sorted(VECTORS.glob("*.json"))


def program_of(vectors: dict) -> Program:
    ref = vectors["program"]
    return load_program(ref) if isinstance(ref, str) else Program(ref)


def schedule_problems(program: Program, case: dict) -> list[str]:
    instance, expected = case["instance"], case["expected"]
    start = dt.date.fromisoformat(instance["start"])
    end = dt.date.fromisoformat(instance["end"]) if instance.get("end") else None
    fallback = case.get("options", {}).get("weekdayFallback", False)
    try:
        schedule = build_schedule(program, start, end, fallback)
    except WorkflowError as exc:
        return [] if expected.get("error") == exc.code else [f"unexpected error {exc.code}: {exc.message_en}"]
    except CalendarRangeError as exc:
        return [] if expected.get("error") == "calendar-range" else [f"unexpected calendar-range: {exc}"]
    if "error" in expected:
        return [f"expected error {expected['error']}, got a schedule"]
    problems = []
    if "variant" in expected and expected["variant"] != schedule["instance"]["variant"]:
        problems.append(f"variant: expected {expected['variant']}, got {schedule['instance']['variant']}")
    due = {entry["id"]: entry["due"] for entry in schedule["entries"]}
    for key, value in expected.get("due", {}).items():
        if key not in due:
            problems.append(f"{key}: not in the schedule")
        elif due[key] != value:
            problems.append(f"{key}: expected {value}, got {due[key]}")
    occurrences = {o["id"]: [x["due"] for x in o["occurrences"]] for o in schedule["obligations"]}
    for key, value in expected.get("occurrences", {}).items():
        if occurrences.get(key) != value:
            problems.append(f"{key} occurrences: expected {value}, got {occurrences.get(key)}")
    if "fallback" in expected and expected["fallback"] != schedule["fallback"]:
        problems.append(f"fallback: expected {expected['fallback']}, got {schedule['fallback']}")
    return problems


def _key(finding: dict) -> tuple:
    return finding["code"], finding["pointer"]


def check_problems(program: Program, case: dict) -> list[str]:
    fallback = case.get("options", {}).get("weekdayFallback", False)
    got = [f.as_dict() for f in check_log(case["log"], program, fallback)]
    want = list(case["expected"]["findings"])
    unmatched = list(got)
    problems = []
    for expected in want:
        match = next((f for f in unmatched if _key(f) == _key(expected)
                      and all(f.get(k) == expected[k] for k in ("ref", "period") if k in expected)), None)
        if match is None:
            problems.append(f"expected finding {expected} not reported")
        else:
            unmatched.remove(match)
    problems += [f"unexpected finding {f['code']} at {f['pointer']!r} ref={f.get('ref')} period={f.get('period')}: "
                 f"{f['messageEn']}" for f in unmatched]
    return problems


def case_problems(vectors: dict, case: dict) -> list[str]:
    program = program_of(vectors)
    if vectors["kind"] == "schedule":
        return schedule_problems(program, case)
    return check_problems(program, case)


__all__ = ["case_problems", "load_json_file", "vector_files"]
