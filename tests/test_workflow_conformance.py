"""Every workflow conformance vector (schedules and checks) agrees with the reference implementation."""

import pytest

from workflow_runner import case_problems, load_json_file, vector_files
from wsas.program_lint import lint_program
from wsas.programs import Program
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
