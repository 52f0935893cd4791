"""Program data as stated by the sources: reporting cadences, consequences judged by people, stage rubrics."""

import copy
import datetime as dt
import json

import pytest
import yaml

from helpers import ROOT, run_wsas
from wsas.workflows.check import check_log
from wsas.workflows.lint import lint_program
from wsas.programs import Program, load_program
from wsas.workflows.schedule import as_ics, as_table, build_schedule
from wsas.schemas import schema_errors
from wsas.paths import sources_dir
from wsas.reading import load_json_file
from wsas.rubrics import published_catalogue
from wsas.scoring.score import score_valid
from wsas.site.words import consequence_condition


def _codes(program: Program) -> list[tuple[str, str]]:
    return [(f.code, f.pointer) for f in lint_program(program) if f.severity == "error"]


def test_lianyungang_progress_reports_are_weekly_and_monthly_to_the_city_working_group():
    program = load_program("lianyungang-2020")
    weekly, monthly = program.obligations["weekly-progress-report"], program.obligations["monthly-progress-report"]
    assert weekly["cadence"] == {"every": "week", "atLeast": 1} and monthly["cadence"] == {"every": "month", "atLeast": 1}
    for obligation in (weekly, monthly):
        assert obligation["role"] == "county-lead-department" and obligation["to"] == "city-working-group"
        assert obligation["source"]["lines"] == [80]
        assert "每周、每月及时向市非煤矿山及冶金等工贸工作组报送进展情况" in obligation["text"]
    # the requirement they replace is gone, and erratum E8 records the open points
    assert "progress-reporting" not in {r["id"] for r in program.data["requirements"]}
    e8 = next(e for e in program.data["errata"] if e["id"] == "E8")
    assert set(e8["affects"]) == {"weekly-progress-report", "monthly-progress-report"}
    assert e8["source"]["lines"] == [80]


def test_the_schedule_names_whom_the_reports_go_to():
    schedule = build_schedule(load_program("lianyungang-2020"), dt.date(2020, 11, 10))
    weekly = next(o for o in schedule["obligations"] if o["id"] == "weekly-progress-report")
    assert weekly["to"] == "city-working-group" and weekly["toLabel"] == "市非煤矿山及冶金等工贸工作组"
    assert [o["due"] for o in weekly["occurrences"]][-1] == "2021-01-03"  # ISO week 2020-W53
    assert "报送市非煤矿山及冶金等工贸工作组" in as_table(schedule)
    assert "报送市非煤矿山及冶金等工贸工作组".encode() in as_ics(schedule).replace(b"\r\n ", b"")
    quarterly = next(o for o in schedule["obligations"] if o["id"] == "city-assessment")
    assert "to" not in quarterly


def test_check_reports_a_missing_weekly_report():
    log = load_json_file(ROOT / "rubrics/lianyungang-2020/examples/eventlogs/ok.json")
    assert [f for f in check_log(log, load_program("lianyungang-2020")) if f.severity == "error"] == []
    dropped = copy.deepcopy(log)
    dropped["events"] = [e for e in log["events"]
                         if not (e.get("obligation") == "weekly-progress-report" and e["date"] == "2020-03-13")]
    findings = check_log(dropped, load_program("lianyungang-2020"))
    assert [(f.code, f.ref, f.period) for f in findings if f.severity == "error"] == \
        [("missing-obligation", "weekly-progress-report", "2020-W11")]


def test_obligation_recipient_must_be_a_role():
    data = copy.deepcopy(load_program("lianyungang-2020").data)
    data["obligations"][-1]["to"] = "nobody"
    assert ("reference", "/obligations/5/to") in _codes(Program(data))


def test_xinzhou_consequences_keep_the_source_words():
    program = load_program("xinzhou-2020")
    by_id = {c["id"]: c for c in program.data["consequences"]}
    suspension, penalty = by_id["major-hazard-suspension"], by_id["refused-rectification-penalty"]
    assert suspension["when"] == {"hazard": "major"} and suspension["effect"] == "必须依规责令停产停业整顿"
    assert penalty["when"] == {"rectification": "refused-or-incomplete"}
    assert penalty["effect"] == "要移送相关部门按照上限进行处罚"
    if sources_dir() is None:
        pytest.skip("the source documents are not available")
    lines = (sources_dir() / "002_86d9a5ee25194dd5.txt").read_text(encoding="utf-8").splitlines()
    for consequence in (suspension, penalty):
        line = lines[consequence["source"]["lines"][0] - 1]
        assert consequence["text"].removesuffix("。") in line
        assert consequence["effect"] in line


def test_a_condition_judged_by_people_needs_its_source_text():
    data = copy.deepcopy(load_program("xinzhou-2020").data)
    del data["consequences"][1]["text"]
    assert schema_errors(data, "program") == []
    assert ("consequence-text", "/consequences/1") in _codes(Program(data))


def test_the_consequence_trigger_is_a_closed_set():
    data = copy.deepcopy(load_program("xinzhou-2020").data)
    data["consequences"][0]["when"] = {"hazard": "general"}
    assert schema_errors(data, "program")
    data["consequences"][0]["when"] = {"hazard": "major", "rectification": "refused-or-incomplete"}
    assert schema_errors(data, "program")  # one condition per consequence


def test_hazard_and_rectification_consequences_never_fire_from_results():
    data = copy.deepcopy(load_program("xinzhou-2020").data)
    data["rubrics"] = ["lianyungang-2020/enterprise"]  # so that a result could reach its consequences
    program = Program(data)
    log = {"program": "xinzhou-2020", "programVersion": program.version,
           "instance": {"name": "测试", "start": "2020-03-01", "asOf": "2020-03-01"},
           "events": [{"kind": "result", "date": "2020-03-01", "subject": "某企业",
                       "rubric": "lianyungang-2020/enterprise", "score": 0}]}
    assert check_log(log, program) == []
    redo = load_json_file(ROOT / "rubrics/lianyungang-2020/examples/enterprise-redo.valid.json")
    result = score_valid(redo, published_catalogue().get(redo["rubric"]), extra_programs=[program])
    assert [(c["program"], c["id"]) for c in result["consequences"]] == [("lianyungang-2020", "enterprise-redo")]


def test_consequence_conditions_in_words():
    xinzhou, haimen = load_program("xinzhou-2020"), load_program("haimen-2022")
    assert consequence_condition({"hazard": "major"}, xinzhou).startswith("存在重大隐患（由监管部门按原文认定")
    assert consequence_condition({"rectification": "refused-or-incomplete"}).startswith("拒不整改或者隐患整改不彻底")
    assert consequence_condition({"grade": {"scale": "town-grade", "level": "poor"}}, haimen).endswith("为「差」")
    assert consequence_condition({"outcome": {"rubric": "lianyungang-2020/enterprise", "outcome": "redo"}}) == \
        "lianyungang-2020/enterprise 的结果判定为 redo"


def test_shishi_stages_use_the_town_rubric_for_towns_and_the_enterprise_rubric_for_enterprises():
    program = load_program("shishi-2024")
    catalogue = published_catalogue()
    cited = {"shishi-2024/town": 20, "shishi-2024/enterprise": 22}  # 「详见附件4」「详见附件3」
    for stage in program.data["stages"]:
        used = stage.get("rubrics", [])
        if stage["id"] in ("review", "summary"):
            assert used == []  # the source names no rubric for them (erratum E8)
            continue
        assert {u["rubric"]: u["source"]["lines"] for u in used} == {k: [v] for k, v in cited.items()}
    assert "镇" in catalogue.get("shishi-2024/town").data["subject"]["label"]
    assert "生产经营单位" in catalogue.get("shishi-2024/enterprise").data["subject"]["label"]


def test_huiji_trainings_are_at_least_one():
    program = load_program("huiji-2017")
    for quota_id in ("training-special-rectification", "training-risk-factors"):
        quota = program.quotas[quota_id]
        assert (quota["count"], quota["comparison"]) == (1, "at-least") and "due" not in quota


def test_quota_reports_from_the_command_line(tmp_path):
    example = ROOT / "rubrics/huiji-2017/examples/eventlogs/quota-not-met.json"
    result = run_wsas("check", "huiji-2017", example, "--format", "json")
    assert result.returncode == 1
    findings = json.loads(result.stdout)["findings"]
    assert [(f["code"], f["pointer"], f["ref"]) for f in findings] == \
        [("quota-not-met", "/events/1", "training-risk-factors")]
    log = load_json_file(example)
    log["events"][1]["count"] = 2
    fixed = tmp_path / "log.json"
    fixed.write_text(json.dumps(log, ensure_ascii=False), encoding="utf-8")
    assert run_wsas("check", "huiji-2017", fixed).returncode == 0


def test_every_published_program_is_schema_valid_yaml():
    for path in sorted((ROOT / "rubrics").glob("*/program.yaml")):
        assert schema_errors(yaml.safe_load(path.read_text(encoding="utf-8")), "program") == [], path
