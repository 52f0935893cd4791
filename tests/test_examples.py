"""Every published example behaves as its file name says."""

import json

import pytest

from helpers import INVALID_EXAMPLES, VALID_EXAMPLES, expected_code, run_wsas
import wsas
from wsas.output import plain
from wsas.schemas import schema_errors


def test_every_rubric_has_valid_and_invalid_examples():
    for rubric in wsas.published_catalogue():
        program, name = rubric.id.split("/")
        assert any(p.parent.parent.name == program and p.name.startswith(f"{name}.") for p in VALID_EXAMPLES), rubric.id
        assert sum(p.parent.parent.name == program and p.name.startswith(f"{name}.") for p in INVALID_EXAMPLES) >= 2


@pytest.mark.parametrize("path", VALID_EXAMPLES, ids=lambda p: f"{p.parent.parent.name}/{p.name}")
def test_valid_example_scores_into_a_schema_valid_result(path):
    document = wsas.load_json_file(path)
    assert wsas.validate(document) == []
    result = wsas.score(document)
    assert schema_errors(json.loads(json.dumps(plain(result))), "result") == []
    assert result["total"] == sum(line["awarded"] for line in result["criteria"])
    assert all(line["reason"] for line in result["criteria"] if line["deducted"] and "reason" in line)


@pytest.mark.parametrize("path", INVALID_EXAMPLES, ids=lambda p: f"{p.parent.parent.name}/{p.name}")
def test_invalid_example_reports_its_error(path):
    errors = wsas.validate(wsas.load_json_file(path))
    assert errors, "expected the example to be invalid"
    assert expected_code(path) in {error.code for error in errors}
    for error in errors:
        assert error.pointer.startswith("/") and error.message and error.message_en


def test_cli_validates_and_scores_every_valid_example():
    validated = run_wsas("validate", *VALID_EXAMPLES)
    assert validated.returncode == 0, validated.stdout
    scored = run_wsas("score", "--format", "json", *VALID_EXAMPLES)
    assert scored.returncode == 0
    results = [json.loads(line) for line in scored.stdout.splitlines()]
    assert len(results) == len(VALID_EXAMPLES)
    assert all(schema_errors(result, "result") == [] for result in results)


def test_redo_outcome_of_the_low_enterprise_example():
    result = wsas.score(wsas.load_json_file(next(p for p in VALID_EXAMPLES if p.name == "enterprise-redo.valid.json")))
    assert result["score"] < 60
    assert result["outcome"]["id"] == "redo"
