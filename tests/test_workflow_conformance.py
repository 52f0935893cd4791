"""Every workflow conformance vector (schedules and checks) agrees with the reference implementation, and
every vector file follows its published format (schemas/conformance-workflows.json)."""

import datetime as dt

import pytest

from workflow_runner import case_problems, load_json_file, vector_files
from wsas.workflows.lint import lint_program
from wsas.programs import Program
from wsas.workflows.schedule import build_schedule
from wsas.schemas import schema_errors

CASES = [(path, index) for path in vector_files() for index in range(len(load_json_file(path)["cases"]))]


def test_there_are_enough_workflow_vectors():
    assert len(CASES) >= 40


@pytest.mark.parametrize("path,index", CASES, ids=[f"{p.stem}-{i}" for p, i in CASES])
def test_workflow_vector(path, index):
    vectors = load_json_file(path)
    case = vectors["cases"][index]
    problems = case_problems(vectors, case)
    assert not problems, case["description"] + "\n" + "\n".join(problems)


def test_inline_programs_are_lint_clean():
    for path in vector_files():
        vectors = load_json_file(path)
        if isinstance(vectors["program"], dict):
            assert schema_errors(vectors["program"], "program") == [], path.name
            errors = [f for f in lint_program(Program(vectors["program"])) if f.severity == "error"]
            assert not errors, (path.name, errors)


@pytest.mark.parametrize("path", vector_files(), ids=[p.name for p in vector_files()])
def test_workflow_vector_file_follows_its_schema(path):
    """The published format (schemas/conformance-workflows.json): a vendor can check the files it reads."""
    assert [str(error) for error in schema_errors(load_json_file(path), "conformance-workflows")] == []


def test_the_schema_refuses_cases_that_expect_nothing_or_mix_kinds():
    schedule = load_json_file(next(p for p in vector_files() if p.name.startswith("schedule-")))
    check = load_json_file(next(p for p in vector_files() if p.name.startswith("check-")))
    assert schema_errors(dict(schedule, cases=[dict(schedule["cases"][0], expected={})]), "conformance-workflows")
    assert schema_errors(dict(schedule, cases=check["cases"][:1]), "conformance-workflows")
    assert schema_errors(dict(check, cases=[dict(check["cases"][0], expected={})]), "conformance-workflows")
    assert schema_errors(dict(schedule, cases=[dict(schedule["cases"][0], expected={"error": "unknown-event"})]),
                         "conformance-workflows")


def test_an_entry_is_flagged_fallback_when_its_anchor_was_estimated():
    """spec/workflows.md §3.1: a due date counted from a date the weekday-only fallback produced is itself an
    estimate (the harness compares only the schedule's own flag, so the per-entry flags are pinned here)."""
    vectors = load_json_file(next(p for p in vector_files() if p.name == "schedule-anchors.json"))
    schedule = build_schedule(Program(vectors["program"]), dt.date(2026, 12, 30), dt.date(2027, 1, 31),
                              weekday_fallback=True)
    flags = {entry["id"]: entry["fallback"] for entry in schedule["entries"]}
    assert flags == {"draft": True, "review": True, "extension:review": True, "confirm": True, "copies": True,
                     "year-report": True, "close-out": False, "appeal": False, "extension:appeal": False}
    planned = build_schedule(Program(vectors["program"]), dt.date(2026, 6, 1), dt.date(2026, 6, 30),
                             weekday_fallback=True)
    assert not planned["fallback"] and not any(entry["fallback"] for entry in planned["entries"])
