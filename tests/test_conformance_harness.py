"""``wsas conformance run``: both adapters pass every claimed case through the harness; broken
implementations fail case by case with the reason, exit 1 and never make the harness show a traceback."""

from __future__ import annotations

import json
import shlex
import shutil
import sys
from decimal import Decimal

import pytest

from helpers import ROOT, run_wsas
from wsas.conformance import protocol
from wsas.conformance.compare import compare, matches, unmatched
from wsas.conformance.suites import default_vectors, load_cases
from wsas.schemas import schema_errors

PYTHON = shlex.quote(sys.executable)
REFERENCE = f"{PYTHON} -m wsas.conformance.adapter"
NODE_ADAPTER = ROOT / "tools" / "js" / "conformance-adapter.mjs"
BROKEN = ROOT / "tests" / "conformance_impls" / "broken.py"
CASES, _ = load_cases(ROOT / "tests" / "conformance")


def conformance(tmp_path, implementation: str, *options) -> tuple[int, dict, str]:
    """Run the harness; (exit status, the JSON report, everything it printed)."""
    report = tmp_path / "report.json"
    completed = run_wsas("conformance", "run", "--implementation", implementation, "--format", "json",
                         "--output", report, *options)
    printed = completed.stdout + completed.stderr
    assert "Traceback" not in printed, printed
    document = json.loads(report.read_text(encoding="utf-8")) if report.exists() else None
    if document is not None:
        assert schema_errors(json.loads(report.read_text(encoding="utf-8"), parse_float=Decimal),
                             "conformance-report") == []
    return completed.returncode, document, printed


def broken(mode: str, *arguments) -> str:
    return " ".join([PYTHON, shlex.quote(str(BROKEN)), mode, *map(str, arguments)])


def by_id(document: dict) -> dict:
    return {case["id"]: case for case in document["cases"]}


# ---------------------------------------------------------------- the two adapters


def test_the_suites_hold_every_vector_file():
    suites = {case.suite for case in CASES}
    assert suites == {"scoring", "workflows", "records"}
    assert len(CASES) >= 500
    assert len({case.id for case in CASES}) == len(CASES)


def test_the_python_reference_passes_every_case(tmp_path):
    status, report, printed = conformance(tmp_path, REFERENCE)
    assert status == 0, printed
    assert report["ok"] and report["totals"] == {"passed": len(CASES), "failed": 0, "skipped": 0}
    assert report["implementation"]["name"] == "wsas" and report["implementation"]["language"] == "Python"
    assert set(report["suites"]) == {"scoring", "workflows", "records"}
    assert "PASS" in printed and "level scorer" in printed


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_the_javascript_forms_pass_what_they_claim_and_the_rest_is_not_claimed(tmp_path):
    status, report, printed = conformance(tmp_path, f"node {shlex.quote(str(NODE_ADAPTER))}")
    assert status == 0, printed
    scoring = sum(1 for case in CASES if case.suite == "scoring")
    assert report["suites"]["scoring"] == {"passed": scoring, "failed": 0, "skipped": 0}
    for suite in ("workflows", "records"):
        assert report["suites"][suite]["passed"] == 0 and report["suites"][suite]["failed"] == 0
        assert report["suites"][suite]["skipped"] == sum(1 for case in CASES if case.suite == suite)
    skipped = [case for case in report["cases"] if case["status"] == "skipped"]
    assert all(case["reason"].startswith("level not claimed") and case["level"] is None for case in skipped)
    assert report["claims"]["levels"] == ["validator", "scorer"]


# ---------------------------------------------------------------- broken implementations

VETO = ("--suite", "scoring", "--case", "veto.json")  # 15 cases: 10 scored, 5 invalid


def test_a_wrong_score_fails_each_scored_case_with_expected_and_got(tmp_path):
    status, report, printed = conformance(tmp_path, broken("wrong-score"), *VETO)
    assert status == 1
    failed = [c for c in report["cases"] if c["status"] == "failed"]
    assert len(failed) == 10 and report["levels"]["validator"] == {"passed": 5, "failed": 0, "skipped": 0}
    first = by_id(report)["veto.json#1"]["differences"]
    assert first == [{"path": "/result/score", "message": "score differs", "expected": 10, "got": 11}]
    assert "FAIL veto.json#1" in printed and "expected 10, got 11" in printed


def test_a_wrong_error_pointer_fails_each_invalid_case(tmp_path):
    status, report, _ = conformance(tmp_path, broken("wrong-pointer"), *VETO)
    assert status == 1
    failed = [c for c in report["cases"] if c["status"] == "failed"]
    assert len(failed) == 5 and all(c["level"] == "validator" for c in failed)
    messages = {d["message"] for c in failed for d in c["differences"]}
    assert messages == {"expected error not reported", "unexpected error"}
    assert any(d.get("got", {}).get("pointer") == "/elsewhere" for c in failed for d in c["differences"]
               if isinstance(d.get("got"), dict))


def test_a_crash_fails_the_case_and_the_run_goes_on_after_a_restart(tmp_path):
    status, report, _ = conformance(tmp_path, broken("crash-after", 5), *VETO)
    assert status == 1
    cases = by_id(report)
    assert [cases[f"veto.json#{i}"]["status"] for i in range(1, 8)] == ["passed"] * 5 + ["failed", "passed"]
    reason = cases["veto.json#6"]["reason"]
    assert "exited before answering (exit status 3)" in reason and "crashing at case veto.json#6" in reason
    assert report["session"]["restarts"] == 2


def test_a_hang_times_out_and_after_the_restarts_the_rest_is_not_run(tmp_path):
    status, report, _ = conformance(tmp_path, broken("hang-at", 1), "--case", "veto.json#1", "--case", "veto.json#2",
                                    "--case", "veto.json#3", "--timeout", "0.5", "--restarts", "1")
    assert status == 1
    cases = by_id(report)
    assert "no answer within 0.5 s" in cases["veto.json#1"]["reason"]
    assert "no answer within 0.5 s" in cases["veto.json#2"]["reason"]  # the restarted one hangs at its first too
    assert cases["veto.json#3"]["reason"].startswith("not run: the implementation stopped answering")


def test_output_that_is_not_json_fails_the_case(tmp_path):
    status, report, _ = conformance(tmp_path, broken("garbage"), *VETO, "--restarts", "1")
    assert status == 1
    cases = by_id(report)
    assert cases["veto.json#1"]["reason"].startswith("the answer is not JSON")
    assert "Internal Server Error" in cases["veto.json#1"]["reason"]
    assert report["totals"]["failed"] == 15


def test_an_echo_is_no_hello_and_every_case_fails_saying_so(tmp_path):
    status, report, printed = conformance(tmp_path, broken("echo"), *VETO)
    assert status == 1 and report["implementation"] is None
    assert report["totals"] == {"passed": 0, "failed": 15, "skipped": 0}
    assert all("the first line must be a hello message" in c["reason"] for c in report["cases"])
    assert "problem: hello" in printed


@pytest.mark.parametrize("mode,reason", [
    ("no-hello", "exited before answering (exit status 4); its stderr ends: something went wrong"),
    ("wrong-id", "protocol: answered case null, which was not the case asked (veto.json#1)"),
    ("wrong-shape", ""),
])
def test_other_protocol_breaches_fail_case_by_case(tmp_path, mode, reason):
    status, report, _ = conformance(tmp_path, broken(mode), *VETO, "--restarts", "0")
    assert status == 1 and report["totals"]["failed"] == 15
    first = by_id(report)["veto.json#1"]
    assert reason in first["reason"]
    if mode == "wrong-shape":
        assert first["differences"][0]["message"] == "wrong shape: valid is missing"


def test_a_hello_that_never_comes_times_out(tmp_path):
    status, report, _ = conformance(tmp_path, broken("silent-hello"), "--case", "veto.json#1", "--start-timeout", "0.5")
    assert status == 1
    assert "no hello: no answer within 0.5 s" in report["session"]["problems"][0]


# ---------------------------------------------------------------- usage, reports


def test_usage_errors_exit_2_without_a_traceback(tmp_path):
    for arguments in (["--implementation", str(tmp_path / "no-such-program")],
                      ["--implementation", REFERENCE, "--case", "no case has this text"],
                      ["--implementation", "'unclosed"],
                      ["--implementation", REFERENCE, "--timeout", "0"],
                      ["--implementation", REFERENCE, "--vectors", str(tmp_path / "nowhere")],
                      []):
        completed = run_wsas("conformance", "run", *arguments)
        assert completed.returncode == 2, (arguments, completed.stderr)
        assert "Traceback" not in completed.stdout + completed.stderr


def test_markdown_and_html_reports_name_the_implementation_and_every_failure(tmp_path):
    for fmt in ("markdown", "html"):
        out = tmp_path / f"report.{fmt}"
        completed = run_wsas("conformance", "run", "--implementation", broken("wrong-score"), "--case", "veto.json#1",
                             "--case", "veto.json#11", "--format", fmt, "--output", out)
        assert completed.returncode == 1 and "RESULT: FAIL" in completed.stdout
        text = out.read_text(encoding="utf-8")
        assert "wsas" in text and "1.0.0" in text and "Python" in text
        assert "veto.json#1" in text and "/result/score" in text and "veto.json#11" not in text.split("Failures")[1]
        assert ("11" in text) and ("expected" in text)


def test_the_vectors_are_found_generically(tmp_path):
    (tmp_path / "more").mkdir()
    shutil.copy(ROOT / "tests" / "conformance" / "veto.json", tmp_path / "more" / "new-veto.json")
    (tmp_path / "odd.json").write_text('{"kind": "unheard-of", "cases": []}', encoding="utf-8")
    cases, problems = load_cases(tmp_path)
    assert [c.id for c in cases][:2] == ["more/new-veto.json#1", "more/new-veto.json#2"]
    assert [p.file for p in problems] == ["odd.json"]
    assert default_vectors() == ROOT / "tests" / "conformance"


# ---------------------------------------------------------------- the comparison and the protocol


def test_error_matching_is_the_spec_rule():
    want = {"pointer": "/responses/7.1", "code": "schema"}
    assert matches(want, {"pointer": "/responses/7.1/awarded", "code": "schema"})
    assert not matches(want, {"pointer": "/responses/7.10", "code": "schema"})
    assert not matches(want, {"pointer": "/responses", "code": "schema"})
    assert not matches(want, {"pointer": "/responses/7.1", "code": "off-step"})


def test_one_schema_error_policy_in_every_suite():
    """Records, cadence and event-log suites match ``schema`` by the same rule as submissions (equal or below,
    not one to one); every other code one to one with the same pointer and record."""
    want = [{"record": 1, "code": "schema", "pointer": ""}, {"record": 1, "code": "overdue", "pointer": "/due"}]
    deeper = [{"record": 1, "code": "schema", "pointer": "/extra"}, {"record": 1, "code": "schema", "pointer": "/x/y"},
              {"record": 1, "code": "overdue", "pointer": "/due"}]
    assert unmatched(want, deeper) == ([], [])
    assert unmatched(want, [{"record": 0, "code": "schema", "pointer": "/extra"}, deeper[2]]) == (
        [want[0]], [{"record": 0, "code": "schema", "pointer": "/extra"}])
    twice = [*want, want[1]]
    assert unmatched(twice, deeper) == ([want[1]], [])  # other codes: one to one
    assert unmatched(want[1:], [{"record": 1, "code": "overdue", "pointer": "/due/at"}]) == (
        [want[1]], [{"record": 1, "code": "overdue", "pointer": "/due/at"}])
    case = next(c for c in CASES if c.kind == "lifecycle" and any(e["code"] == "schema" for e in c.expected["errors"]))
    wanted = next(e for e in case.expected["errors"] if e["code"] == "schema")
    records = [{"valid": False, "errors": [], "findings": []} for _ in range(wanted.get("record", 0) + 1)]
    records[wanted.get("record", 0)]["errors"] = [{"code": "schema", "pointer": wanted["pointer"] + "/deeper"}]
    others = [e for e in case.expected["errors"] if e["code"] != "schema"]
    for error in others:
        while len(records) <= error.get("record", 0):
            records.append({"valid": False, "errors": [], "findings": []})
        records[error.get("record", 0)]["errors"].append({"code": error["code"], "pointer": error["pointer"]})
    for finding in case.expected["findings"]:
        records[finding.get("record", 0)]["findings"].append({"code": finding["code"], "pointer": finding["pointer"]})
    differences = compare(case, {"records": records, "summary": case.expected.get("summary") or {}})
    assert not [d for d in differences if "error" in d.message], differences


def test_numbers_compare_as_exact_decimals():
    case = next(c for c in CASES if c.id == "veto.json#9")  # total 5.5
    good = {"valid": True, "errors": [], "result": {
        "criteria": [{"id": "1.1", "awarded": Decimal("1.5")}],
        "total": Decimal("5.50"), "maximum": 10, "notApplicablePoints": 0, "score": Decimal("5.5"),
        "outcome": {"id": "fail"}, "vetoedBy": []}}
    assert compare(case, good) == []
    near = dict(good, result=dict(good["result"], score=Decimal("5.5000000000000001")))
    assert [d.path for d in compare(case, near)] == ["/result/score"]
    as_text = dict(good, result=dict(good["result"], score="5.5"))
    assert compare(case, as_text)[0].message == "wrong shape: score must be a JSON number"
    assert compare(case, good, levels={"validator"}) == []  # a validator is not asked for points


def test_messages_are_ascii_lines_with_exact_decimals():
    line = protocol.encode({"a": Decimal("0.1000000000000000000001"), "b": "评分\n", "c": [True, None, 3]})
    assert line == '{"a":0.1000000000000000000001,"b":"\\u8bc4\\u5206\\n","c":[true,null,3]}'
    assert protocol.decode(line)["a"] == Decimal("0.1000000000000000000001")
    assert protocol.hello_problems({"type": "hello", "protocol": 2, "implementation": {}, "levels": "all"}) == [
        "the implementation speaks protocol 2, the harness 1",
        "hello.implementation.name must be a non-empty string",
        "hello.implementation.version must be a non-empty string",
        "hello.implementation.language must be a non-empty string",
        "hello.levels must be a list of level names"]
