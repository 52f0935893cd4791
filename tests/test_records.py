"""Hazard records: the lifecycle rules as data, the checker, the lists, the examples and the vectors."""

from __future__ import annotations

import copy
import csv
import datetime as dt
import hashlib
import io
import json
import re
from pathlib import Path

import pytest
import yaml

from records_runner import case_problems, load_vectors, vector_files
from wsas.paths import sources_dir
from wsas.programs import published_programs
from wsas.reading import load_json_file
from wsas.records.check import check_document
from wsas.cli import main
from wsas.records.cli import register
from wsas.records.ledger import read_ledger, read_ledgers
from wsas.records.lists import build
from wsas.records.model import RulesError, parse_when, published_rules, read_rules, records_dir
from wsas.schemas import NAMES, load_schema, schema_errors

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "records" / "examples"
INVALID = sorted((EXAMPLES / "invalid").glob("hazard.*.json"))
AS_OF = "2024-06-30"
CASES = [(path, index) for path in vector_files() for index in range(len(load_json_file(path)["cases"]))]
RULES = published_rules()


def run(capsys, *argv):
    status = main(["records", *map(str, argv)])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


# --------------------------------------------------------------------------- the data

def test_schemas_are_registered():
    for name in ("hazard", "risk", "record-lists", "record-rules"):
        assert name in NAMES


def test_every_property_has_a_chinese_and_english_title_or_description():
    def walk(node, path):
        if isinstance(node, dict):
            for key, child in node.get("properties", {}).items():
                text = (child.get("title", "") + child.get("description", "")) if isinstance(child, dict) else ""
                assert re.search(r"[\u4e00-\u9fff]", text) and re.search(r"[A-Za-z]{3}", text), f"{path}/{key}"
            for value in node.values():
                walk(value, path)
        elif isinstance(node, list):
            for value in node:
                walk(value, path)

    for name in ("hazard", "risk", "record-lists"):
        walk(load_schema(name), name)


def test_rules_are_schema_valid_and_consistent():
    assert RULES.path.endswith("rules.yaml")
    assert [state["id"] for state in RULES.data["states"]] == \
        load_schema("hazard")["properties"]["state"]["enum"]


def test_label_tables_match_the_schema_enums():
    hazard, risk = load_schema("hazard"), load_schema("risk")
    assert list(RULES.labels["hazardLevels"]) == hazard["properties"]["level"]["enum"]
    assert list(RULES.labels["hazardSources"]) == hazard["properties"]["source"]["enum"]
    assert list(RULES.labels["riskLevels"]) == risk["properties"]["level"]["enum"]
    assert [e["colour"] for e in RULES.data["riskLevels"]] == ["red", "orange", "yellow", "blue"]


def test_rule_programs_are_published():
    published = set(published_programs())
    for rule in RULES.rules:
        if rule["appliesTo"] != "all":
            assert set(rule["appliesTo"]) <= published, rule["id"]


def test_plan_fields_are_the_plan_members_of_the_schema_and_each_is_cited():
    plan = load_schema("hazard")["properties"]["plan"]
    assert [f["pointer"] for f in RULES.data["planFields"]] == [f"/plan/{name}" for name in plan["properties"]]
    declared = {ref["id"] for ref in RULES.data["references"]}
    for field in RULES.data["planFields"]:
        assert all("lines" in ref or ref["reference"] in declared for ref in field["source"]), field["pointer"]
    assert "解读" not in json.dumps(plan, ensure_ascii=False)  # no reading of 五到位 (004:36 lists nothing)
    assert "plan" not in plan.get("required", []) and "required" not in plan


def test_acceptance_is_a_step_of_xinzhou_only():
    accepted = RULES.states["accepted"]
    assert accepted["requiredFor"] == ["xinzhou-2020"]
    assert RULES.rule("acceptance-before-close")["appliesTo"] == ["xinzhou-2020"]
    assert all("requiredFor" not in state for key, state in RULES.states.items() if key != "accepted")
    closed = [pointer for pointer, _ in RULES.requirements("closed")]
    assert "/acceptance/by" not in closed and "/rectification/completedAt" in closed
    assert "/acceptance/by" in [pointer for pointer, _ in RULES.requirements("closed", "xinzhou-2020")]
    assert "/acceptance/by" in [pointer for pointer, _ in RULES.requirements("closed", None, {"accepted"})]
    skip = RULES.transitions[("awaiting-acceptance", "closed")]
    assert RULES.skipped_required(skip, "xinzhou-2020") == ["accepted"]
    assert RULES.skipped_required(skip, "lianyungang-2020") == [] == RULES.skipped_required(skip, None)


def test_a_transition_may_only_skip_a_state_some_programs_do_not_require(tmp_path):
    data = copy.deepcopy(RULES.data)
    skip = next(index for index, t in enumerate(data["transitions"]) if "skips" in t)
    data["transitions"][skip]["skips"] = ["rectifying"]
    path = tmp_path / "rules.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(RulesError) as caught:
        read_rules(path)
    assert [(e.code, e.pointer) for e in caught.value.errors] == [("bad-skip", f"/transitions/{skip}/skips/0")]


def test_broken_rules_are_refused(tmp_path):
    data = copy.deepcopy(RULES.data)
    data["transitions"][0]["to"] = "nowhere"
    path = tmp_path / "rules.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(RulesError) as caught:
        read_rules(path)
    assert [(e.code, e.pointer) for e in caught.value.errors] == [("unknown-state", "/transitions/0/to")]
    data["states"][0]["labelEn"] = 3
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(RulesError) as caught:
        read_rules(path)
    assert caught.value.errors[0].code == "schema"


def _source_refs(node, path=""):
    if isinstance(node, dict):
        if "lines" in node and "file" in node:
            yield path, node
        for key, value in node.items():
            yield from _source_refs(value, f"{path}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _source_refs(value, f"{path}/{index}")


def _plain(text: str) -> str:
    table = str.maketrans({"，": ",", "；": ";", "：": ":", "、": ",", " ": None})
    return text.translate(table)


@pytest.mark.skipif(sources_dir() is None, reason="source documents not available")
def test_every_citation_names_a_real_line_and_quotes_it():
    refs = list(_source_refs(RULES.data))
    assert len(refs) > 30
    for path, ref in refs:
        lines = (sources_dir() / ref["file"]).read_text(encoding="utf-8").splitlines()
        for number in ref["lines"]:
            assert 1 <= number <= len(lines), (path, ref)
        quoted = re.sub(r"（见勘误 E[0-9]+）", "", ref.get("article", ""))
        if quoted and not ref["file"].startswith("003_"):  # 003 is traditional script with pinyin (README)
            text = _plain("".join(lines[n - 1] for n in ref["lines"]))
            assert _plain(quoted) in text, (path, quoted)


def test_every_state_transition_and_rule_cites_a_source():
    for key in ("states", "transitions", "rules"):
        for entry in RULES.data[key]:
            assert entry["source"], entry["id"]
    assert {e["id"] for e in RULES.data["errata"]} >= {"E1", "E2", "E3"}


# --------------------------------------------------------------------------- times

@pytest.mark.parametrize("text,lo,hi", [
    ("2024-06-03", "2024-06-03T00:00:00+08:00", "2024-06-03T23:59:59.999999+08:00"),
    ("2024-06-03T09:30", "2024-06-03T09:30:00+08:00", "2024-06-03T09:30:00+08:00"),
    ("2024-06-03T09:30:15+08:00", "2024-06-03T09:30:15+08:00", "2024-06-03T09:30:15+08:00"),
    ("2024-06-02T23:30Z", "2024-06-03T07:30:00+08:00", "2024-06-03T07:30:00+08:00"),
])
def test_times(text, lo, hi):
    when = parse_when(text)
    assert when.lo == dt.datetime.fromisoformat(lo) and when.hi == dt.datetime.fromisoformat(hi)


def test_utc_times_fall_on_the_china_day():
    assert parse_when("2024-06-02T16:30Z").day == dt.date(2024, 6, 3)
    assert parse_when("2024-02-30") is None and parse_when("2024-06-03T24:00") is None


# --------------------------------------------------------------------------- vectors

def test_there_are_enough_lifecycle_vectors():
    assert len(CASES) >= 40


@pytest.mark.parametrize("path,index", CASES, ids=[f"{p.stem}-{i}" for p, i in CASES])
def test_lifecycle_vector(path, index):
    vectors = load_vectors(path)
    case = vectors["cases"][index]
    problems = case_problems(vectors, case)
    assert not problems, case["description"] + "\n" + "\n".join(problems)


def test_vectors_cover_every_code_state_and_transition():
    codes, states, pairs = set(), set(), set()
    for path in vector_files():
        vectors = load_vectors(path)
        for case in vectors["cases"]:
            expected = case["expected"]
            codes.update(item["code"] for item in expected["errors"] + expected["findings"])
    for path in vector_files():
        vectors = load_vectors(path)
        for document in vectors["bases"].values():
            states.add(document["state"])
            history = [entry["state"] for entry in document["history"]]
            pairs.update(zip(history, history[1:]))
        for case in vectors["cases"]:
            for key, value in case.get("patch", {}).items():
                if key.startswith("/history/") and isinstance(value, dict):
                    states.add(value["state"])
    assert {rule["code"] for rule in RULES.rules} <= codes
    assert {"schema", "invalid-date", "duplicate-id", "bad-transition", "state-mismatch", "date-order",
            "missing-for-state", "close-without-acceptance", "unknown-program"} <= codes
    assert states == set(RULES.states)


def test_vector_bases_are_valid_hazard_records():
    for path in vector_files():
        for name, document in load_vectors(path)["bases"].items():
            assert schema_errors(document, "hazard") == [], name


# --------------------------------------------------------------------------- examples

def test_valid_examples_are_clean(capsys):
    status, out, err = run(capsys, "check", EXAMPLES / "hazards", EXAMPLES / "hazards.valid.jsonl", "--as-of", AS_OF)
    assert status == 0, out + err
    assert "有效 12" in out


def test_example_folder_is_one_file_per_hazard():
    for path in sorted((EXAMPLES / "hazards").glob("*.json")):
        document = load_json_file(path)
        assert path.stem == document["id"]
        assert schema_errors(document, "hazard") == []


@pytest.mark.parametrize("path", INVALID, ids=[p.name for p in INVALID])
def test_each_invalid_example_shows_its_code(path):
    code, kind = path.name.split(".")[1:3]
    errors, findings = check_document(load_json_file(path), as_of=dt.date.fromisoformat(AS_OF),
                                      known_programs=set(published_programs()))
    shown = errors if kind == "invalid" else findings
    assert shown and {item.code for item in shown} == {code}
    if kind == "finding":
        assert errors == []


def test_examples_cover_every_code():
    shown = {path.name.split(".")[1] for path in INVALID}
    shown |= {path.name.split(".")[1] for path in (EXAMPLES / "invalid").glob("ledger.*.jsonl")}
    assert {rule["code"] for rule in RULES.rules} <= shown
    assert {"schema", "duplicate-id", "bad-transition", "state-mismatch", "date-order", "missing-for-state",
            "close-without-acceptance"} <= shown


def test_duplicate_ids_name_both_locations(capsys):
    path = EXAMPLES / "invalid" / "ledger.duplicate-id.invalid.jsonl"
    status, out, _ = run(capsys, "check", path, "--as-of", AS_OF, "--format", "json")
    report = json.loads(out)
    assert status == 1
    located = [(r["line"], e["code"]) for r in report["records"] for e in r["errors"]]
    assert located == [(1, "duplicate-id"), (2, "duplicate-id")]
    assert f"{path}:2" in report["records"][0]["errors"][0]["message"]
    assert f"{path}:1" in report["records"][1]["errors"][0]["messageEn"]


def test_duplicates_are_per_ledger(capsys):
    single = EXAMPLES / "hazards" / "H-2024-001.json"
    status, out, _ = run(capsys, "check", single, single, "--as-of", AS_OF)
    assert status == 0, out


def test_a_bad_line_does_not_stop_the_ledger(capsys):
    path = EXAMPLES / "invalid" / "ledger.syntax.invalid.jsonl"
    status, out, _ = run(capsys, "check", path, "--as-of", AS_OF, "--format", "json")
    report = json.loads(out)
    assert status == 1
    assert [(r["line"], r["valid"]) for r in report["records"]] == [(1, True), (2, False), (3, True)]
    assert report["records"][1]["errors"][0]["code"] == "syntax" and report["records"][1]["errors"][0]["column"]


# --------------------------------------------------------------------------- the command

def _write_jsonl(path: Path, documents) -> Path:
    path.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in documents), encoding="utf-8")
    return path


def _example(name: str) -> dict:
    return load_json_file(EXAMPLES / "hazards" / f"{name}.json")


def test_text_report_locates_every_problem(tmp_path, capsys):
    bad = _example("H-2024-002")
    bad["state"] = "closed"
    bad["program"] = "xinzhou-2020"  # the one program that requires acceptance before closing (erratum E6)
    ledger = _write_jsonl(tmp_path / "ledger.jsonl", [_example("H-2024-001"), bad])
    status, out, _ = run(capsys, "check", ledger, "--as-of", AS_OF)
    assert status == 1
    assert f"{ledger}:2 /state: [错误 error] state-mismatch" in out
    assert f"{ledger}:2 /closed/by: [错误 error] missing-for-state" in out
    assert f"{ledger}:2 /acceptance/by: [错误 error] close-without-acceptance" in out


def test_findings_make_the_exit_status_1(capsys):
    path = EXAMPLES / "invalid" / "hazard.overdue.finding.json"
    status, out, _ = run(capsys, "check", path, "--as-of", AS_OF)
    assert status == 1 and "[发现 finding] overdue" in out
    status, _, _ = run(capsys, "check", path, "--as-of", "2024-06-25")
    assert status == 0


def test_program_option(tmp_path, capsys):
    document = _example("H-2024-002")
    del document["program"]
    document["discovered"]["at"] = "2024-06-29"
    document["history"][0]["at"] = "2024-06-29"
    document["history"][1]["at"] = "2024-06-29"
    path = tmp_path / "one.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    assert run(capsys, "check", path, "--as-of", AS_OF)[0] == 0
    status, out, _ = run(capsys, "check", path, "--as-of", AS_OF, "--program", "huiji-2017")
    assert status == 1 and "overnight" in out
    status, _, err = run(capsys, "check", path, "--program", "nowhere-2020")
    assert status == 2 and "nowhere-2020" in err


def test_usage_errors_exit_2(capsys, tmp_path):
    with pytest.raises(SystemExit) as caught:
        main(["records", "check", str(EXAMPLES / "hazards"), "--as-of", "2024-02-30"])
    assert caught.value.code == 2
    status, out, err = run(capsys, "check", tmp_path / "missing.jsonl", EXAMPLES / "hazards", "--as-of", AS_OF)
    assert status == 2 and "missing.jsonl" in err
    assert "有效 6" in out  # the other ledger is still checked


def test_an_unreadable_file_inside_a_folder_is_a_record_error(tmp_path, capsys):
    folder = tmp_path / "ledger"
    folder.mkdir()
    (folder / "a.json").write_text(json.dumps(_example("H-2024-001"), ensure_ascii=False), encoding="utf-8")
    (folder / "b.json").write_bytes("{\"id\": \"坏\"}".encode("gbk"))
    status, out, _ = run(capsys, "check", folder, "--as-of", AS_OF)
    assert status == 1 and "[错误 error] encoding" in out and "a.json: 有效 valid" in out


def test_summary_file(tmp_path, capsys):
    out_file = tmp_path / "summary.json"
    status, _, _ = run(capsys, "check", EXAMPLES / "hazards", "--as-of", AS_OF, "--summary", out_file)
    assert status == 0
    summary = json.loads(out_file.read_text(encoding="utf-8"))
    assert summary["asOf"] == AS_OF
    assert summary["byLevel"]["major"] == {"total": 1, "open": 0, "overdue": 0, "closed": 1}
    assert summary["byLevel"]["general"]["open"] == 5
    assert summary["byState"] == {"registered": 1, "rectifying": 2, "awaiting-acceptance": 1, "accepted": 1,
                                  "closed": 1}
    assert {bucket["unit"] for bucket in summary["byUnit"]} == {"R-GQ-01", "R-JJG-01", "R-PQ-01", "R-ZP-02", None}


def test_inputs_are_never_modified(capsys):
    files = sorted((EXAMPLES / "hazards").glob("*.json")) + sorted((EXAMPLES / "invalid").iterdir())
    before = {path: hashlib.sha256(path.read_bytes()).hexdigest() for path in files}
    run(capsys, "check", EXAMPLES / "hazards", EXAMPLES / "invalid", "--as-of", AS_OF)
    assert before == {path: hashlib.sha256(path.read_bytes()).hexdigest() for path in files}


def test_register_adds_every_sub_command():
    import argparse

    parser = argparse.ArgumentParser()
    register(parser.add_subparsers(dest="command").add_parser("records"))
    for argv in (["records", "check", "x.jsonl"], ["records", "lists", "x.jsonl", "--kind", "risk-list"]):
        assert callable(parser.parse_args(argv).run)
    records = parser._subparsers._group_actions[0].choices["records"]
    assert set(records._subparsers._group_actions[0].choices) == {"check", "lists", "enterprises", "cadence", "import"}


# --------------------------------------------------------------------------- lists

@pytest.mark.parametrize("kind,ledger", [("hazard-list", "hazards"), ("rectification-list", "hazards.valid.jsonl"),
                                         ("risk-list", "risks.valid.jsonl"), ("measure-list", "risks.valid.jsonl")])
def test_lists_are_valid_documents(kind, ledger, capsys):
    status, out, _ = run(capsys, "lists", EXAMPLES / ledger, "--kind", kind, "--as-of", AS_OF)
    assert status == 0
    documents = [json.loads(line) for line in out.splitlines()]
    assert len(documents) == 2  # two enterprises in the examples
    for document in documents:
        assert schema_errors(document, "record-lists") == []
        assert document["kind"] == kind and document["rows"]


def test_hazard_list_rows_follow_the_records():
    built = build(read_ledgers([str(EXAMPLES / "invalid" / "hazard.overdue.finding.json")]), "hazard-list",
                  as_of=dt.date(2024, 6, 30), generated_at="2024-06-30T18:00:00+08:00",
                  known_programs=set(published_programs()))
    assert built.errors == []
    (document,) = built.documents
    assert document["generatedAt"] == "2024-06-30T18:00:00+08:00"
    assert document["rows"] == [{
        "hazard": "X-overdue", "name": "行车钢丝绳断丝超标", "level": "general", "source": "professional-inspection",
        "type": "特种设备", "unit": "R-ZP-02", "place": "装配车间 10t 行车", "discoveredAt": "2024-06-20",
        "discoveredBy": "赵工", "state": "rectifying", "deadline": "2024-06-25", "overdue": True}]


def test_risk_list_carries_the_four_colours(capsys):
    status, out, _ = run(capsys, "lists", EXAMPLES / "risks.valid.jsonl", "--kind", "risk-list", "--format", "csv")
    rows = list(csv.reader(io.StringIO(out)))
    assert status == 0 and rows[0][:4] == ["企业", "风险点编号", "风险点", "风险单元"]
    assert {(row[5], row[6]) for row in rows[1:]} == {("重大风险", "红"), ("一般风险", "黄"), ("较大风险", "橙"),
                                                      ("低风险", "蓝")}


def test_lists_output_file_is_csv_with_bom(tmp_path, capsys):
    target = tmp_path / "out" / "list.csv"
    status, out, _ = run(capsys, "lists", EXAMPLES / "hazards", "--kind", "rectification-list", "--format", "csv",
                         "-o", target, "--as-of", AS_OF)
    assert status == 0 and out == ""
    data = target.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and "H-2024-005" in data.decode("utf-8-sig")


def test_lists_markdown_escapes_cells(tmp_path, capsys):
    document = _example("H-2024-002")
    document["rectification"]["measures"] = "更换 | 试验\n复查"
    path = _write_jsonl(tmp_path / "l.jsonl", [document])
    status, out, _ = run(capsys, "lists", path, "--kind", "rectification-list", "--format", "markdown",
                         "--as-of", AS_OF)
    assert status == 0 and "更换 \\| 试验<br>复查" in out


def test_lists_leave_out_invalid_records_and_report_them(tmp_path, capsys):
    bad = _example("H-2024-002")
    bad["level"] = "serious"
    path = _write_jsonl(tmp_path / "l.jsonl", [_example("H-2024-001"), bad])
    status, out, err = run(capsys, "lists", path, "--kind", "hazard-list", "--as-of", AS_OF)
    assert status == 1 and f"{path}:2 /level: [错误 error] schema" in err
    assert [row["hazard"] for row in json.loads(out)["rows"]] == ["H-2024-001"]


def test_lists_check_risk_records_against_risk_schema(tmp_path, capsys):
    risk = json.loads((EXAMPLES / "risks.valid.jsonl").read_text(encoding="utf-8").splitlines()[1])
    risk["level"] = "red"
    path = _write_jsonl(tmp_path / "r.jsonl", [risk])
    status, _, err = run(capsys, "lists", path, "--kind", "risk-list")
    assert status == 1 and "/level: [错误 error] schema" in err


def test_records_dir_is_the_repository_folder():
    assert records_dir() == ROOT / "records"
    assert read_ledger(str(EXAMPLES / "hazards")).entries


def test_the_spec_names_every_state_transition_rule_code_and_erratum():
    text = (ROOT / "spec" / "records.md").read_text(encoding="utf-8")
    names = [s["id"] for s in RULES.data["states"]] + [t["id"] for t in RULES.data["transitions"]]
    names += [r["id"] for r in RULES.rules] + [r["code"] for r in RULES.rules] + [e["id"] for e in RULES.data["errata"]]
    names += ["schema", "invalid-date", "unknown-program", "duplicate-id", "bad-transition", "state-mismatch",
              "date-order", "missing-for-state"]
    for name in names:
        assert f"`{name}`" in text or f"| {name} |" in text, name
