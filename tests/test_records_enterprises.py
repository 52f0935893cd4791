"""Enterprise base records (一企一档, 004:102): the schema, `wsas records enterprises`, examples and vectors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from records_runner import ENTERPRISE_VECTORS, case_problems
from wsas.cli import main
from wsas.paths import sources_dir
from wsas.reading import load_json_file
from wsas.records.enterprises import enterprise_errors, required_fields
from wsas.schemas import NAMES, load_schema, schema_id

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "records" / "examples"
VECTORS = load_json_file(ENTERPRISE_VECTORS)
#: The items of the enterprise base data, in the order 004:102 lists them, and their members.
ITEMS = {"企业名称": "name", "地址": "address", "规模": "scale", "种类": "kind", "从业人员": "employees",
         "生产工艺": "processes", "达标创建": "standardization", "“三同时”落实": "threeSimultaneities"}


def run(capsys, *argv):
    status = main(["records", "enterprises", *map(str, argv)])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


# --------------------------------------------------------------------------- the schema

def test_the_schema_is_published_under_the_v1_base():
    schema = load_schema("enterprise")
    assert "enterprise" in NAMES and schema["$id"] == schema_id("enterprise")
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"


@pytest.mark.skipif(sources_dir() is None, reason="source documents not available")
def test_the_fields_are_the_items_004_102_lists_each_cited():
    line = (sources_dir() / "004_574d44daa0eda80c.txt").read_text(encoding="utf-8").splitlines()[101]
    assert "企业名称、地址、规模、种类、从业人员、生产工艺、达标创建、“三同时”落实" in line and "一企一档" in line
    properties = load_schema("enterprise")["properties"]
    for label, member in ITEMS.items():
        assert properties[member]["title"].startswith(label), member
        assert "004:102" in properties[member]["description"], member
    assert set(required_fields()) == {"id", *ITEMS.values()}
    # nothing else but the id and the metadata the other record schemas use
    assert set(properties) - set(ITEMS.values()) == {"$schema", "id", "program", "code", "updatedOn", "notes"}


def test_no_enumeration_is_invented():
    assert "enum" not in json.dumps(load_schema("enterprise"))


# --------------------------------------------------------------------------- the vectors

@pytest.mark.parametrize("index", range(len(VECTORS["cases"])),
                         ids=[case["description"][:40] for case in VECTORS["cases"]])
def test_enterprise_vector(index):
    case = VECTORS["cases"][index]
    problems = case_problems(VECTORS, case)
    assert not problems, case["description"] + "\n" + "\n".join(problems)


def test_the_vectors_cover_every_code():
    codes = {error["code"] for case in VECTORS["cases"] for error in case["expected"]["errors"]}
    assert {"missing-field", "schema", "invalid-date", "unknown-program", "duplicate-id", "duplicate-enterprise",
            "syntax"} <= codes


def test_missing_fields_are_reported_one_by_one_in_both_languages():
    errors = enterprise_errors({"id": "E-1", "name": "示例"})
    assert [e.pointer for e in errors] == ["/address", "/scale", "/kind", "/employees", "/processes",
                                           "/standardization", "/threeSimultaneities"]
    assert "缺少「“三同时”落实」" in errors[-1].message and "004:102" in errors[-1].message_en


# --------------------------------------------------------------------------- the command

def test_the_examples_are_valid(capsys):
    status, out, _ = run(capsys, EXAMPLES / "enterprises", EXAMPLES / "enterprises.valid.jsonl")
    assert status == 0 and "有效 4，无效 0" in out


def test_invalid_examples_report_their_code_with_file_line_and_pointer(capsys):
    missing = EXAMPLES / "invalid" / "enterprise.missing-field.invalid.json"
    status, out, _ = run(capsys, missing)
    assert status == 1 and f"{missing} /employees: [错误 error] missing-field" in out
    duplicate = EXAMPLES / "invalid" / "enterprises.duplicate-enterprise.invalid.jsonl"
    status, out, _ = run(capsys, duplicate, "--format", "json")
    report = json.loads(out)
    assert status == 1 and not report["ok"]
    assert [(r["line"], [(e["code"], e["pointer"], e["line"]) for e in r["errors"]]) for r in report["records"]] == [
        (1, [("duplicate-enterprise", "/code", 1)]), (2, [("duplicate-enterprise", "/code", 2)])]
    assert f"{duplicate}:2" in report["records"][0]["errors"][0]["message"]


def test_duplicates_are_per_ledger(capsys):
    status, _, _ = run(capsys, EXAMPLES / "enterprises", EXAMPLES / "enterprises.valid.jsonl")
    assert status == 0  # the same records in two ledgers are no duplicates


def test_a_file_that_cannot_be_opened_exits_2(capsys, tmp_path):
    status, out, err = run(capsys, tmp_path / "nope.jsonl", EXAMPLES / "enterprises.valid.jsonl")
    assert status == 2 and "nope.jsonl" in err and "有效 2" in out


def test_a_hazard_record_is_not_an_enterprise_record(capsys):
    status, out, _ = run(capsys, EXAMPLES / "hazards" / "H-2024-001.json")
    assert status == 1 and "missing-field" in out and "schema" in out
