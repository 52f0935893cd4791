"""wsas schedule and wsas check from the command line, including bad input."""

import json

from icalendar import Calendar

from helpers import run_wsas

SMALL_PROGRAM = """id: test-program
version: 1.0.0
title: 测试方案
source: {issuer: 南通市海门区安全生产委员会办公室, date: "2022-03-18", file: 001_f31168baae146787.txt}
roles:
  - {id: office, label: 区安委办, source: {lines: [24]}}
  - {id: group, label: 评估工作领导小组, source: {lines: [43]}}
materials:
  - {id: report, label: 评估报告, source: {lines: [53]}}
  - {id: explanation, label: 书面情况说明, source: {lines: [55]}}
stages:
  - id: review
    label: 行业复评
    role: group
    due: {kind: calendar-days-after, event: campaign-end, days: 30}
    materials: [report]
    extension: {noticeWorkingDays: 7, to: office, requires: [explanation], source: {lines: [55]}}
    source: {lines: [55]}
obligations:
  - {id: monthly, label: 月度自评, role: group, cadence: {every: month, atLeast: 1}, source: {lines: [49]}}
errata: []
"""


def program_file(tmp_path):
    path = tmp_path / "program.yaml"
    path.write_text(SMALL_PROGRAM, encoding="utf-8")
    return path


def log_file(tmp_path, events, **instance):
    log = {"program": "test-program", "programVersion": "1.0.0",
           "instance": {"name": "测试", "start": "2024-01-01", "end": "2024-06-30", **instance}, "events": events}
    path = tmp_path / "log.json"
    path.write_text(json.dumps(log, ensure_ascii=False), encoding="utf-8")
    return path


def test_schedule_as_table_json_and_ics(tmp_path):
    program = program_file(tmp_path)
    table = run_wsas("schedule", program, "--start", "2024-01-01", "--end", "2024-06-30")
    assert table.returncode == 0
    assert "| 2024-07-30 | 行业复评 |" in table.stdout
    # 7 working days before 2024-07-30 (Tuesday): 07-19 (Friday)
    assert "| 2024-07-19 | 行业复评延期申请" in table.stdout
    data = json.loads(run_wsas("schedule", program, "--start", "2024-01-01", "--end", "2024-06-30",
                               "--format", "json").stdout)
    assert [o["due"] for o in data["obligations"][0]["occurrences"]][:2] == ["2024-01-31", "2024-02-29"]
    out = tmp_path / "plan.ics"
    assert run_wsas("schedule", program, "--start", "2024-01-01", "--end", "2024-06-30", "--format", "ics",
                    "-o", out).returncode == 0
    calendar = Calendar.from_ical(out.read_bytes())
    events = [c for c in calendar.walk("VEVENT")]
    assert len(events) == 3
    recurring = next(e for e in events if "RRULE" in e)
    assert recurring["RRULE"]["COUNT"] == [6]


def test_schedule_outside_the_calendar_needs_the_fallback(tmp_path):
    program = program_file(tmp_path)
    refused = run_wsas("schedule", program, "--start", "2099-01-01", "--end", "2099-06-30")
    assert refused.returncode == 2 and "calendar-range" in refused.stderr and "--weekday-fallback" in refused.stderr
    allowed = run_wsas("schedule", program, "--start", "2099-01-01", "--end", "2099-06-30", "--weekday-fallback")
    assert allowed.returncode == 0 and "按周一至周五推算" in allowed.stdout


def test_schedule_usage_errors(tmp_path):
    program = program_file(tmp_path)
    assert run_wsas("schedule", program, "--start", "2024-02-30").returncode == 2
    missing = run_wsas("schedule", program, "--start", "2024-01-01")
    assert missing.returncode == 2 and "missing-end" in missing.stderr
    assert run_wsas("schedule", "no-such-program", "--start", "2024-01-01").returncode == 2
    assert run_wsas("schedule", program, "--start", "2024-05-01", "--end", "2024-01-01").returncode == 2


def test_check_reports_lateness_missing_material_and_missing_months(tmp_path):
    program = program_file(tmp_path)
    log = log_file(tmp_path, [
        {"kind": "obligation-done", "obligation": "monthly", "date": "2024-01-20"},
        {"kind": "obligation-done", "obligation": "monthly", "date": "2024-03-20"},
        {"kind": "stage-completed", "stage": "review", "date": "2024-08-02", "documents": []},
    ])
    result = run_wsas("check", program, log, "--format", "json")
    assert result.returncode == 1
    report = json.loads(result.stdout)
    found = sorted((f["code"], f["pointer"], f.get("period")) for f in report["findings"])
    assert found == [("missing-material", "/events/2/documents", None),
                     ("missing-obligation", "", "2024-02"), ("missing-obligation", "", "2024-04"),
                     ("missing-obligation", "", "2024-05"), ("missing-obligation", "", "2024-06"),
                     ("overdue", "/events/2", None)]


def test_check_accepts_a_timely_extension(tmp_path):
    program = program_file(tmp_path)
    events = [{"kind": "obligation-done", "obligation": "monthly", "date": f"2024-0{m}-10"} for m in range(1, 7)]
    events += [{"kind": "extension-requested", "stage": "review", "date": "2024-07-19", "documents": ["explanation"]},
               {"kind": "stage-completed", "stage": "review", "date": "2024-08-02", "documents": ["report"]}]
    result = run_wsas("check", program, log_file(tmp_path, events))
    assert result.returncode == 0, result.stdout
    assert "late-with-extension" in result.stdout


def test_check_bad_logs(tmp_path):
    program = program_file(tmp_path)
    cases = [
        ([{"kind": "stage-completed", "stage": "reveiw", "date": "2024-07-01"}], "unknown-stage", "/events/0/stage"),
        ([{"kind": "stage-completed", "stage": "review", "date": "2024-02-30"}], "invalid-date", "/events/0/date"),
        ([{"kind": "obligation-done", "obligation": "monthly", "date": "2024-03-01"},
          {"kind": "obligation-done", "obligation": "monthly", "date": "2024-02-01"}], "events-out-of-order", "/events/1"),
        ([{"kind": "party", "date": "2024-03-01"}], "schema", "/events/0/kind"),
        ([{"kind": "obligation-done", "obligation": "monthly", "date": "2023-12-01"}], "before-start", "/events/0"),
    ]
    for events, code, pointer in cases:
        result = run_wsas("check", program, log_file(tmp_path, events), "--format", "json")
        assert result.returncode == 1, (code, result.stdout)
        findings = json.loads(result.stdout)["findings"]
        assert (code, pointer) in {(f["code"], f["pointer"]) for f in findings}, (code, findings)


def test_check_unreadable_and_undecodable_logs(tmp_path):
    program = program_file(tmp_path)
    assert run_wsas("check", program, tmp_path / "missing.json").returncode == 2
    gbk = tmp_path / "gbk.json"
    gbk.write_bytes('{"program": "测试"}'.encode("gbk"))
    result = run_wsas("check", program, gbk)
    assert result.returncode == 1 and "encoding" in result.stdout


GRADING_PROGRAM = """id: adopting-body
version: 1.0.0
title: 采用单位分级规定（测试）
source: {issuer: 南通市海门区安全生产委员会办公室, date: "2022-03-18", file: 001_f31168baae146787.txt}
rubrics: [lianyungang-2020/county-bureau]
roles:
  - {id: office, label: 区安委办, source: {lines: [24]}}
grading:
  - id: bureau-grade
    label: 县区局等级
    rubric: lianyungang-2020/county-bureau
    levels:
      - {id: excellent, label: 优, range: {lower: 90, lowerInclusive: true}}
      - {id: good, label: 良, range: {lower: 80, lowerInclusive: true, upper: 90, upperInclusive: false}}
      - {id: fair, label: 中, range: {lower: 60, lowerInclusive: true, upper: 80, upperInclusive: false}}
      - {id: poor, label: 差, range: {upper: 60, upperInclusive: false}}
    source: {lines: [52]}
consequences:
  - id: good-noted
    label: 良
    when: {grade: {scale: bureau-grade, level: good}}
    effect: 记为良
    source: {lines: [68]}
errata: []
"""


def test_score_reports_grade_and_consequence_from_an_adopting_bodys_cutoffs(tmp_path):
    program = tmp_path / "program.yaml"
    program.write_text(GRADING_PROGRAM, encoding="utf-8")
    example = "rubrics/lianyungang-2020/examples/county-bureau.valid.json"  # 73.5 / 85 → 86.5
    result = json.loads(run_wsas("score", example, "--format", "json", "--program", program).stdout)
    assert result["score"] == 86.5
    assert result["grade"] == {"program": "adopting-body", "scale": "bureau-grade", "level": "good", "label": "良"}
    assert [c["id"] for c in result["consequences"]] == ["good-noted"]
    plain = json.loads(run_wsas("score", example, "--format", "json").stdout)
    assert "grade" not in plain


def test_score_reports_the_redo_consequence_of_the_published_program():
    result = json.loads(run_wsas("score", "rubrics/lianyungang-2020/examples/enterprise-redo.valid.json",
                                 "--format", "json").stdout)
    assert [(c["program"], c["id"]) for c in result["consequences"]] == [("lianyungang-2020", "enterprise-redo")]
