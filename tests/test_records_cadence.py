"""Inspection cadence (wsas records cadence): the cadence table, the conformance vectors, examples, command line."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from helpers import ROOT
from records_runner import case_problems
from wsas.paths import sources_dir
from wsas.programs import load_program
from wsas.reading import load_json_file, load_yaml_file
from wsas.cli import main
from wsas.records.cadence import CadenceError, cadence_program, cadences_path, china_date, load_cadences
from wsas.schemas import schema_errors

VECTORS = ROOT / "tests" / "conformance" / "records"
EXAMPLES = ROOT / "records" / "examples"
EVERY = {"daily": "day", "weekly": "week", "monthly": "month", "quarterly": "quarter"}


# ---------------------------------------------------------------- running the command


def cadence(capsys, *argv) -> tuple[int, str, str]:
    """``wsas records cadence ARGV`` through ``wsas.cli.main``: (exit status, stdout, stderr)."""
    status = main(["records", "cadence", *map(str, argv)])
    out, err = capsys.readouterr()
    return status, out, err


def cadence_json(capsys, *argv) -> tuple[int, dict]:
    status, out, err = cadence(capsys, *argv, "--format", "json")
    return status, json.loads(out)


# ---------------------------------------------------------------- the cadence table


def test_cadence_table_is_valid_and_cites_the_sources():
    data = load_yaml_file(cadences_path())
    assert schema_errors(data, "cadences") == []
    table = load_cadences()
    assert set(table) == {"xinzhou-2020", "huiji-2017"}
    assert [(level.id, level.cadence) for level in table["xinzhou-2020"].levels.values()] == [
        ("team", "daily"), ("workshop", "weekly"), ("plant", "monthly"), ("group-company", "quarterly")]
    assert [(level.id, level.cadence) for level in table["huiji-2017"].levels.values()] == [
        ("team", "daily"), ("department", "weekly"), ("manager", "monthly")]
    assert data["dayCounting"] == "calendar-days"  # the one reading of 日查 (erratum E1)
    assert {e["id"] for e in data["errata"]} == {"E1", "E2", "E3"}


@pytest.mark.skipif(sources_dir() is None, reason="the source documents are not beside the checkout")
def test_every_level_quotes_its_source_line():
    for entry in load_yaml_file(cadences_path())["programs"]:
        for level in entry["levels"]:
            source = level["source"]
            lines = (sources_dir() / source["file"]).read_text(encoding="utf-8").splitlines()
            assert level["inspection"] in lines[source["lines"][0] - 1], (entry["program"], level["id"])


def test_cadences_agree_with_the_program_obligations():
    """The same source sentence is an obligation in program.yaml: role, period and count must agree."""
    for program_id, cadence_program_ in load_cadences().items():
        program = load_program(program_id)
        for level in cadence_program_.levels.values():
            data = next(l for l in load_yaml_file(cadences_path())["programs"] if l["program"] == program_id)
            obligation_id = next(l for l in data["levels"] if l["id"] == level.id)["obligation"]
            obligation = program.obligations[obligation_id]
            assert obligation["role"] == level.id
            assert obligation["cadence"] == {"every": EVERY[level.cadence], "atLeast": level.at_least}
            assert obligation["label"] == level.inspection
            assert obligation["source"]["lines"] == level.source["lines"]


def test_unknown_program_and_bad_tables(tmp_path):
    with pytest.raises(CadenceError) as caught:
        cadence_program("haimen-2022")
    assert caught.value.errors[0].code == "unknown-program"
    bad = tmp_path / "cadences.yaml"
    bad.write_text("version: 1.0.0\ntitle: x\ndayCounting: weekdays\nprograms: []\nerrata: []\n", encoding="utf-8")
    with pytest.raises(CadenceError) as caught:
        load_cadences(bad)
    assert {e.code for e in caught.value.errors} == {"schema"}
    assert all(e.file == str(bad) for e in caught.value.errors)
    doubled = load_yaml_file(cadences_path())
    doubled["programs"].append(doubled["programs"][0])
    (tmp_path / "doubled.json").write_text(json.dumps(doubled, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(CadenceError) as caught:
        load_cadences(tmp_path / "doubled.json")
    assert [e.code for e in caught.value.errors] == ["duplicate-id"]


def test_china_date():
    assert china_date("2024-03-05") == dt.date(2024, 3, 5)
    assert china_date("2024-03-05T23:59") == dt.date(2024, 3, 5)
    assert china_date("2024-03-05T16:00:00Z") == dt.date(2024, 3, 6)
    assert china_date("2024-03-05T15:59:59Z") == dt.date(2024, 3, 5)
    assert china_date("2024-03-05T08:00:00+08:00") == dt.date(2024, 3, 5)
    with pytest.raises(ValueError):
        china_date("2023-02-29")


# ---------------------------------------------------------------- conformance vectors


def vector_files() -> list[Path]:
    return sorted(VECTORS.glob("cadence-*.json"))


CASES = [(path, index) for path in vector_files() for index in range(len(load_json_file(path)["cases"]))]


vector_problems = case_problems  # the harness's comparison (records_runner)


def test_there_are_cadence_vectors():
    assert len(CASES) >= 30
    for path in vector_files():
        vectors = load_json_file(path)
        assert vectors["kind"] == "cadence" and vectors["description"]
        assert all(case["description"] and "expected" in case for case in vectors["cases"])


@pytest.mark.parametrize("path,index", CASES, ids=[f"{p.stem}-{i}" for p, i in CASES])
def test_cadence_vector(path, index):
    vectors = load_json_file(path)
    case = vectors["cases"][index]
    problems = vector_problems(vectors, case)
    assert not problems, case["description"] + "\n" + "\n".join(problems)


def test_vector_inspections_are_schema_valid_unless_the_case_says_otherwise():
    for path in vector_files():
        for case in load_json_file(path)["cases"]:
            flagged = {e["record"] for e in case["expected"]["errors"] if e["code"] in ("schema", "syntax", "invalid-date")}
            for index, entry in enumerate(case["inspections"]):
                if index not in flagged:
                    assert schema_errors(entry, "inspection") == [], (path.name, case["description"], index)


# ---------------------------------------------------------------- examples


def test_complete_example_has_no_missed_period(capsys):
    status, report = cadence_json(capsys, "xinzhou-2020", EXAMPLES / "inspections.valid.jsonl",
                                  "--from", "2024-01-01", "--to", "2024-03-31")
    assert status == 0 and report["ok"] and report["errors"] == []
    periods = {(s["level"], s["unit"]): s["periods"] for s in report["streams"]}
    # 2024Q1 has 91 days — every one a daily period, 春节 and weekends included (erratum E1) —, 13 ISO weeks,
    # 3 months, 1 quarter
    assert periods == {("team", "一班"): 91, ("team", "二班"): 91, ("workshop", "合成车间"): 13, ("plant", None): 3,
                       ("group-company", None): 1}


def test_missed_example_reports_exactly_the_gaps(capsys):
    status, report = cadence_json(capsys, "xinzhou-2020", EXAMPLES / "inspections.missed.finding.jsonl",
                                  "--from", "2024-01-01", "--to", "2024-03-31")
    assert status == 1 and report["errors"] == []
    missed = {(s["level"], s["unit"]): [m["period"] for m in s["missed"]] for s in report["streams"]}
    # 02-04 (a Sunday) and 03-15 have no record of 二班; W07, the Spring Festival week, is a weekly period too
    assert missed == {("team", "一班"): [], ("team", "二班"): ["2024-02-04", "2024-03-15"],
                      ("workshop", "合成车间"): ["2024-W07"], ("plant", None): ["2024-02"], ("group-company", None): []}
    assert report["summary"]["missed"] == 4


def test_missed_example_as_text(capsys):
    status, out, _ = cadence(capsys, "xinzhou-2020", EXAMPLES / "inspections.missed.finding.jsonl",
                             "--from", "2024-01-01", "--to", "2024-03-31")
    assert status == 1
    assert "二班 班组日查（每日至少 1 次）：应查 91 期，漏查 2 期：2024-02-04、2024-03-15" in out
    assert "合计：200 条输入，无效 0 条；应查 199 期，漏查 4 期" in out
    assert "日查按每个日历日计" in out


def test_huiji_example_counts_the_week_begun_before_from(capsys):
    status, report = cadence_json(capsys, "huiji-2017", EXAMPLES / "inspections.huiji-2017.valid.jsonl",
                                  "--from", "2017-03-01", "--to", "2017-03-31")
    assert status == 0
    department = next(s for s in report["streams"] if s["level"] == "department")
    assert department["periods"] == 4 and department["pending"] == ["2017-W13"]


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("inspections.*.invalid.jsonl")), ids=lambda p: p.name)
def test_invalid_examples_show_their_code(capsys, path):
    code = path.name.removeprefix("inspections.").removesuffix(".invalid.jsonl")
    status, report = cadence_json(capsys, "xinzhou-2020", path, "--from", "2024-03-04", "--to", "2024-03-05",
                                  "--level", "team")
    assert status == 1
    assert {e["code"] for e in report["errors"]} == {code}
    assert len(report["errors"]) == (2 if code == "duplicate-id" else 1)  # a duplicate is reported at both places
    assert report["errors"][0]["file"] == str(path) and report["errors"][0]["line"] >= 1


def test_every_example_is_named_by_what_it_shows():
    names = sorted(p.name for p in EXAMPLES.glob("inspections*.jsonl"))
    assert all(n.endswith((".valid.jsonl", ".invalid.jsonl", ".finding.jsonl")) for n in names), names
    assert len(names) >= 8


# ---------------------------------------------------------------- command line


def test_every_calendar_day_is_a_daily_period_and_no_option_reads_it_otherwise(capsys, tmp_path):
    lines = [line for line in (EXAMPLES / "inspections.valid.jsonl").read_text(encoding="utf-8").splitlines()
             if "2024-03-09" not in line and "2024-03-10" not in line]
    path = tmp_path / "no-weekend.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    status, report = cadence_json(capsys, "xinzhou-2020", path, "--from", "2024-03-04", "--to", "2024-03-10",
                                  "--level", "team")
    assert status == 1 and report["dayCounting"] == "calendar-days" and "fallback" not in report
    assert [[m["period"] for m in s["missed"]] for s in report["streams"]] == [["2024-03-09", "2024-03-10"]] * 2
    for removed in ("--calendar-days", "--weekday-fallback"):
        with pytest.raises(SystemExit):
            cadence(capsys, "xinzhou-2020", path, "--from", "2024-03-04", "--to", "2024-03-10", removed)


def test_a_table_cannot_count_working_days(capsys, tmp_path):
    table = load_yaml_file(cadences_path())
    table["dayCounting"] = "working-days"
    path = tmp_path / "cadences.json"
    path.write_text(json.dumps(table, ensure_ascii=False), encoding="utf-8")
    status, _, err = cadence(capsys, "xinzhou-2020", EXAMPLES / "inspections.valid.jsonl", "--from", "2024-03-04",
                             "--to", "2024-03-04", "--cadences", path)
    assert status == 2 and "/dayCounting" in err


def test_usage_errors(capsys, tmp_path):
    example = EXAMPLES / "inspections.valid.jsonl"
    status, _, err = cadence(capsys, "haimen-2022", example, "--from", "2024-01-01", "--to", "2024-01-31")
    assert status == 2 and "unknown-program" in err and "xinzhou-2020" in err
    status, _, err = cadence(capsys, "xinzhou-2020", example, "--from", "2024-02-01", "--to", "2024-01-31")
    assert status == 2 and "--to" in err
    status, _, err = cadence(capsys, "xinzhou-2020", example, "--from", "2024-01-01", "--to", "2024-01-31",
                             "--level", "department")
    assert status == 2 and "department" in err
    # years outside the holiday calendar are checked like any other: daily periods need no calendar
    status, report = cadence_json(capsys, "xinzhou-2020", example, "--from", "2027-01-01", "--to", "2027-01-31",
                                  "--level", "team")
    assert status == 1 and all(s["periods"] == 31 and len(s["missed"]) == 31 for s in report["streams"])
    with pytest.raises(SystemExit):
        cadence(capsys, "xinzhou-2020", example, "--from", "2024-02-30", "--to", "2024-03-01")


def test_missing_file_is_reported_and_the_rest_still_checked(capsys, tmp_path):
    status, out, err = cadence(capsys, "xinzhou-2020", tmp_path / "nope.jsonl", EXAMPLES / "inspections.valid.jsonl",
                               "--from", "2024-01-01", "--to", "2024-03-31")
    assert status == 2 and "nope.jsonl" in err and "漏查 0 期" in out


def test_empty_file_is_an_invalid_input(capsys, tmp_path):
    (tmp_path / "empty.jsonl").write_text("", encoding="utf-8")
    status, report = cadence_json(capsys, "xinzhou-2020", tmp_path / "empty.jsonl", "--from", "2024-01-01",
                                  "--to", "2024-01-02")
    assert status == 1 and [e["code"] for e in report["errors"]] == ["empty"]


def test_named_folder_that_is_a_file_name_cannot_be_opened(capsys, tmp_path):
    (tmp_path / "folder.jsonl").mkdir()
    status, _, err = cadence(capsys, "xinzhou-2020", tmp_path / "folder.jsonl", "--from", "2024-01-01",
                             "--to", "2024-01-02")
    assert status == 2 and "no .json or .jsonl files" in err


def test_folder_of_json_files_and_output_file(capsys, tmp_path):
    folder = tmp_path / "inspections"
    folder.mkdir()
    lines = (EXAMPLES / "inspections.huiji-2017.valid.jsonl").read_text(encoding="utf-8").splitlines()
    for index, line in enumerate(lines):
        (folder / f"{index:03d}.json").write_text(line, encoding="utf-8")
    out = tmp_path / "report.json"
    status, stdout, _ = cadence(capsys, "huiji-2017", folder, "--from", "2017-03-01", "--to", "2017-03-31",
                                "--format", "json", "-o", out)
    assert status == 0 and stdout == ""
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["ok"] and report["summary"]["inputs"] == len(lines)


def test_own_cadence_table(capsys, tmp_path):
    table = load_yaml_file(cadences_path())
    table["programs"][0]["levels"][0]["atLeast"] = 2
    path = tmp_path / "cadences.json"
    path.write_text(json.dumps(table, ensure_ascii=False), encoding="utf-8")
    status, report = cadence_json(capsys, "xinzhou-2020", EXAMPLES / "inspections.valid.jsonl", "--from", "2024-03-04",
                                  "--to", "2024-03-04", "--level", "team", "--cadences", path)
    assert status == 1 and all(s["missed"][0]["count"] == 1 for s in report["streams"])
    path.write_text("{", encoding="utf-8")
    status, _, err = cadence(capsys, "xinzhou-2020", EXAMPLES / "inspections.valid.jsonl", "--from", "2024-03-04",
                             "--to", "2024-03-04", "--cadences", path)
    assert status == 2 and "syntax" in err


def test_gbk_line_is_reported_not_fatal(capsys, tmp_path):
    path = tmp_path / "mixed.jsonl"
    good = (EXAMPLES / "inspections.unknown-level.invalid.jsonl").read_text(encoding="utf-8").splitlines()[0]
    path.write_bytes(good.encode("utf-8") + b"\n" + good.replace("R-1", "R-9").encode("gbk") + b"\n")
    status, report = cadence_json(capsys, "xinzhou-2020", path, "--from", "2024-03-04", "--to", "2024-03-04",
                                  "--level", "team")
    assert status == 1 and [(e["code"], e["line"]) for e in report["errors"]] == [("encoding", 2)]
    assert report["streams"][0]["missed"] == []


def test_python_m_wsas_records_cadence():
    from helpers import run_wsas

    completed = run_wsas("records", "cadence", "xinzhou-2020", EXAMPLES / "inspections.valid.jsonl",
                         "--from", "2024-01-01", "--to", "2024-03-31")
    assert completed.returncode == 0, completed.stdout + completed.stderr
