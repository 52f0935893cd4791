"""Each program has example event logs: ok.json follows the process, <code>.json shows that finding."""

import datetime as dt
import json
from pathlib import Path

import pytest

from helpers import ROOT, run_wsas
from wsas.workflows.check import check_log
from wsas.workflows.lint import lint_program
from wsas.programs import load_program, program_paths
from wsas.reading import load_json_file
from wsas.workflows.schedule import build_schedule

PROGRAMS = [p.parent.name for p in program_paths()]
LOGS = sorted(ROOT.glob("rubrics/*/examples/eventlogs/*.json"))


def test_the_five_programs_are_published_and_lint_clean():
    assert sorted(PROGRAMS) == ["haimen-2022", "huiji-2017", "lianyungang-2020", "shishi-2024", "xinzhou-2020"]
    for name in PROGRAMS:
        program = load_program(name)
        assert [f for f in lint_program(program) if f.severity == "error"] == [], name
    assert run_wsas("lint").returncode == 0


@pytest.mark.parametrize("name", PROGRAMS)
def test_every_program_has_an_example_instance_that_schedules_and_checks(name):
    ok = ROOT / "rubrics" / name / "examples" / "eventlogs" / "ok.json"
    assert ok.exists()
    log = load_json_file(ok)
    findings = check_log(log, load_program(name))
    assert [f for f in findings if f.severity == "error"] == []
    instance = log["instance"]
    args = ["schedule", name, "--start", instance["start"]] + (["--end", instance["end"]] if "end" in instance else [])
    table = run_wsas(*args)
    assert table.returncode == 0, table.stderr
    schedule = json.loads(run_wsas(*args, "--format", "json").stdout)
    assert schedule["program"] == name and (schedule["entries"] or schedule["obligations"])
    assert run_wsas("check", name, ok).returncode == 0


@pytest.mark.parametrize("path", [p for p in LOGS if p.name != "ok.json"], ids=lambda p: f"{p.parts[-4]}/{p.name}")
def test_failing_example_log_reports_its_finding(path):
    program = load_program(path.parts[-4])
    findings = check_log(load_json_file(path), program)
    assert path.stem in {f.code for f in findings}
    assert run_wsas("check", path.parts[-4], path).returncode == 1


def test_schedule_of_an_example_is_stable_across_formats():
    program = load_program("lianyungang-2020")
    schedule = build_schedule(program, dt.date(2020, 1, 1))
    due = {e["id"]: e["due"] for e in schedule["entries"]}
    assert due["enterprise-1"] == "2020-02-29" and due["county-bureau-2"] == "2020-12-31"
    assert due["enterprise-6"] is None
    assert Path(ROOT / "rubrics" / "lianyungang-2020" / "program.yaml").exists()
