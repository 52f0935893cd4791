"""``wsas bulletin``: figures checked against an independent computation, rankings, consequences from the
program, roster gaps, duplicates, bad lines, exit codes, the three outputs and the handbook's sample."""

from __future__ import annotations

import copy
import json
import random
import re
import tracemalloc
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction
from pathlib import Path

import pytest
import yaml
from jsonschema import Draft202012Validator

from helpers import ROOT, run_wsas
from wsas.bulletin import BulletinBuilder, Quarter, as_html, as_json, as_markdown, load_roster, make_bulletin
from wsas.bulletin.figures import competition_ranks, half_up
from wsas.bulletin.sample import sample_quarter
from wsas.output import dumps
from wsas.programs import load_program
from wsas.rubrics import published_catalogue
from wsas.schemas import load_schema, registry, schema_errors
from wsas.scoring.score import outcome_of, score_valid
from wsas.sources import Record
from wsas.scoring.synthetic import submission

PROGRAM = load_program("lianyungang-2020")
Q2 = Quarter.parse("2020Q2")
ENTERPRISE, BUREAU = "lianyungang-2020/enterprise", "lianyungang-2020/county-bureau"
CATALOGUE = published_catalogue()
SAMPLE = sample_quarter(PROGRAM, Q2)
TEMPLATES = {rubric_id: score_valid(submission(CATALOGUE.get(rubric_id), random.Random(0)), CATALOGUE.get(rubric_id))
             for rubric_id in (ENTERPRISE, BUREAU, "shishi-2024/enterprise")}


def result(score, *, rubric=ENTERPRISE, region="示例甲县", name="示例企业A", code="SAMPLE-A", period="2020-04",
           assessed_on=None) -> dict:
    """A schema-valid result document with the given score (its outcome follows from the rubric)."""
    document = copy.deepcopy(TEMPLATES[rubric])
    document["subject"] = {"name": name, "region": region} | ({"code": code} if code else {})
    document["period"] = period
    document["score"] = Decimal(str(score))
    document["outcome"] = outcome_of(document["score"], CATALOGUE.get(rubric))
    document.pop("consequences", None)
    document.pop("assessedOn", None)
    if assessed_on:
        document["assessedOn"] = assessed_on
    return document


def line(document) -> str:
    return dumps(document, indent=None) + "\n"


def records(documents, file="results.jsonl") -> list[Record]:
    return [Record(file, number, data=line(d).encode("utf-8")) for number, d in enumerate(documents, 1)]


def roster_file(tmp_path, subjects, program="lianyungang-2020") -> str:
    path = tmp_path / "roster.json"
    path.write_text(dumps({"program": program, "subjects": subjects}), encoding="utf-8")
    return str(path)


def figures_of(bulletin: dict, rubric: str = ENTERPRISE) -> dict:
    return next(f for f in bulletin["rubrics"] if f["rubric"] == rubric)


@pytest.fixture(scope="module")
def sample_files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("sample")
    (folder / "results.jsonl").write_text("".join(SAMPLE.lines()), encoding="utf-8")
    (folder / "roster.json").write_text(dumps(SAMPLE.roster), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def sample_bulletin(sample_files):
    roster = load_roster(str(sample_files / "roster.json"), PROGRAM)
    bulletin, errors = make_bulletin(PROGRAM, Q2, SAMPLE.records("results.jsonl"), roster, sample=True)
    assert errors == []
    return bulletin


# ---- the sample data ----

def test_sample_is_deterministic_valid_and_marked():
    again = sample_quarter(PROGRAM, Q2)
    assert again.lines() == SAMPLE.lines() and again.roster == SAMPLE.roster
    assert schema_errors(SAMPLE.roster, "roster") == []
    for document in SAMPLE.results:
        assert schema_errors(document, "result") == []
        assert document["subject"]["code"].startswith("SAMPLE-") and "示例" in document["subject"]["name"]
        assert document["period"] in Q2.months
    assert {d["rubric"] for d in SAMPLE.results} == {ENTERPRISE, BUREAU}


# ---- the figures against an independent computation ----

def _round(value: Fraction) -> Decimal:
    with localcontext() as context:
        context.prec = 60
        return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def _latest(results: list[dict]) -> dict:
    """(rubric, code, period) → the result used: latest assessedOn, then the one read last."""
    chosen = {}
    for index, document in enumerate(results):
        key = (document["rubric"], document["subject"]["code"], document["period"])
        order = (document.get("assessedOn", ""), index)
        if key not in chosen or order > chosen[key][0]:
            chosen[key] = (order, document)
    return {key: document for key, (_, document) in chosen.items()}


def test_figures_agree_with_an_independent_computation(sample_bulletin):
    used = _latest(SAMPLE.results)
    assert sample_bulletin["inputs"]["records"] == len(SAMPLE.results)
    assert sample_bulletin["inputs"]["duplicates"] == len(SAMPLE.results) - len(used) > 0
    assert sample_bulletin["inputs"]["used"] == len(used)
    for rubric in (ENTERPRISE, BUREAU):
        figures = figures_of(sample_bulletin, rubric)
        mine = [d for (r, _, _), d in used.items() if r == rubric]
        scores = defaultdict(list)
        for document in mine:
            scores[document["subject"]["region"]].append(document["score"])
        expected = {region: _round(Fraction(sum(values)) / len(values)) for region, values in scores.items()}
        assert {r["region"]: r["average"] for r in figures["regions"] if r["results"]} == expected
        assert {r["region"]: r["results"] for r in figures["regions"] if r["results"]} == \
            {region: len(values) for region, values in scores.items()}
        assert figures["summary"]["results"] == len(mine)
        assert figures["summary"]["total"] == sum(d["score"] for d in mine)
        means = {region: Fraction(sum(values)) / len(values) for region, values in scores.items()}
        for row in figures["regions"]:
            if row["results"]:
                assert row["rank"] == 1 + sum(1 for mean in means.values() if mean > means[row["region"]])
        bands = [0] * 10
        for document in mine:
            bands[min(9, int(document["score"] // 10))] += 1
        assert [b["count"] for b in figures["bands"]] == bands
        for row in figures["completion"]["periods"]:
            assert row["submitted"] == len({d["subject"]["code"] for d in mine if d["period"] == row["period"]})


def test_threshold_list_is_every_result_below_60_in_the_sample(sample_bulletin):
    """Source 000 line 31: 对得分低于60分的企业，专项整治工作推倒重新开展 (county bureaus: no consequence)."""
    used = _latest(SAMPLE.results)
    below = sorted((d["subject"]["code"], d["period"], d["score"]) for (r, _, _), d in used.items()
                   if r == ENTERPRISE and d["score"] < 60)
    figures = figures_of(sample_bulletin)
    assert below, "the sample should show enterprises below the line"
    assert sorted((f["subject"]["code"], f["period"], f["score"]) for f in figures["flagged"]) == below
    assert all(f["consequences"] == ["enterprise-redo"] for f in figures["flagged"])
    assert [r["id"] for r in figures["rules"]] == ["enterprise-redo"] and figures["rules"][0]["bounds"] == [60]
    assert figures_of(sample_bulletin, BUREAU)["rules"] == [] == figures_of(sample_bulletin, BUREAU)["flagged"]


def test_roster_gaps_in_the_sample(sample_bulletin):
    used = _latest(SAMPLE.results)
    for rubric in (ENTERPRISE, BUREAU):
        figures = figures_of(sample_bulletin, rubric)
        expected = [s for s in SAMPLE.roster["subjects"] if s["rubric"] == rubric]
        submitted = {(code, period) for (r, code, period) in used if r == rubric}
        gaps = [(s["code"], [m for m in Q2.months if (s["code"], m) not in submitted]) for s in expected]
        assert [(m["subject"]["code"], m["missing"]) for m in figures["missing"]] == [g for g in gaps if g[1]]
        for row in figures["completion"]["periods"][:3]:
            done = sum(1 for s in expected if (s["code"], row["period"]) in submitted)
            assert (row["expected"], row["submittedExpected"]) == (len(expected), done)
            assert row["rate"] == _round(Fraction(100 * done, len(expected)))
    assert [u["subject"]["code"] for u in figures_of(sample_bulletin)["unexpected"]] == ["SAMPLE-NEW-E"]


# ---- rankings and rounding ----

def test_ties_share_a_rank_and_the_next_rank_skips():
    documents = [result(80, region="甲", code="A1"), result(80, region="乙", code="B1"),
                 result(70, region="丙", code="C1"), result(90, region="丁", code="D1"), result(70, region="丁", code="D2")]
    bulletin, errors = make_bulletin(PROGRAM, Q2, records(documents))
    assert errors == []
    rows = [(r["region"], r["rank"], r["average"]) for r in figures_of(bulletin)["regions"]]
    assert rows == [("丁", 1, Decimal("80.0")), ("乙", 1, Decimal("80.0")), ("甲", 1, Decimal("80.0")),
                    ("丙", 4, Decimal("70.0"))]
    assert competition_ranks([Fraction(3), Fraction(5), None, Fraction(5), Fraction(1)]) == [3, 1, None, 1, 4]


def test_ranking_uses_exact_averages_and_display_rounds_half_up():
    # 甲: (80 + 80.1) / 2 = 80.05 → shown 80.1 (half up, not half even); 乙: 80.04… → 80.0; 丙 80.0 exactly
    documents = [result(80, region="甲", code="A1"), result("80.1", region="甲", code="A2"),
                 result("80.1", region="乙", code="B1"), result(80, region="乙", code="B2"), result(80, region="乙", code="B3"),
                 result(80, region="丙", code="C1")]
    bulletin, _ = make_bulletin(PROGRAM, Q2, records(documents))
    rows = [(r["region"], r["rank"], r["average"]) for r in figures_of(bulletin)["regions"]]
    assert rows == [("甲", 1, Decimal("80.1")), ("乙", 2, Decimal("80.0")), ("丙", 3, Decimal("80.0"))]
    assert half_up(Fraction(1, 20)) == Decimal("0.1") and half_up(Fraction(1, 40)) == Decimal("0.0")
    assert half_up(Fraction(2183, 30)) == Decimal("72.8")


# ---- consequences come from the program, not from a number in the code ----

def _program_variant(tmp_path, change) -> str:
    data = yaml.safe_load((ROOT / "rubrics/lianyungang-2020/program.yaml").read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "program.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return str(path)


def test_threshold_list_follows_the_rubric_outcome_boundary():
    documents = [result("59.5", code="A1"), result(60, code="A2"), result(0, code="A3")]
    bulletin, _ = make_bulletin(PROGRAM, Q2, records(documents))
    figures = figures_of(bulletin)
    assert [(f["subject"]["code"], f["score"]) for f in figures["flagged"]] == [("A3", 0), ("A1", Decimal("59.5"))]
    assert "得分 < 60" in figures["rules"][0]["condition"]


def test_a_program_without_consequences_flags_nothing(tmp_path):
    program = load_program(_program_variant(tmp_path, lambda data: data.pop("consequences")))
    bulletin, _ = make_bulletin(program, Q2, records([result(10, code="A1")]))
    assert figures_of(bulletin)["rules"] == [] and figures_of(bulletin)["flagged"] == []
    assert "方案没有为本评估表的结果规定结果运用" in as_markdown(bulletin)


def test_a_grade_consequence_of_an_adopting_program_is_listed(tmp_path):
    def grade(data):
        data["grading"] = [{"id": "quarter-grade", "label": "季度分级", "rubric": ENTERPRISE, "source": {"lines": [31]},
                            "levels": [{"id": "good", "label": "好", "range": {"lower": 75, "lowerInclusive": True}},
                                       {"id": "weak", "label": "弱", "range": {"upper": 75, "upperInclusive": False}}]}]
        data["consequences"].append({"id": "weak-talk", "label": "约谈", "when": {"grade": {"scale": "quarter-grade",
                                     "level": "weak"}}, "effect": "约谈企业负责人", "source": {"lines": [31]}})
    program = load_program(_program_variant(tmp_path, grade))
    bulletin, _ = make_bulletin(program, Q2, records([result(74, code="A1"), result(75, code="A2"),
                                                      result(50, code="A3")]))
    figures = figures_of(bulletin)
    assert [(f["subject"]["code"], f["consequences"]) for f in figures["flagged"]] == [
        ("A3", ["enterprise-redo", "weak-talk"]), ("A1", ["weak-talk"])]
    assert sorted({b for r in figures["rules"] for b in r["bounds"]}) == [60, 75]


# ---- roster ----

def test_roster_missing_months_matching_by_code_or_by_region_and_name(tmp_path):
    path = roster_file(tmp_path, [
        {"rubric": ENTERPRISE, "name": "全勤企业", "code": "R1", "region": "甲"},
        {"rubric": ENTERPRISE, "name": "缺五月企业", "code": "R2", "region": "甲"},
        {"rubric": ENTERPRISE, "name": "无编码企业", "region": "乙"},
        {"rubric": ENTERPRISE, "name": "未报企业", "code": "R4", "region": "乙"},
        {"rubric": BUREAU, "name": "甲县应急局", "code": "CB1", "region": "甲"}])
    documents = [result(90, code="R1", name="全勤企业（改名）", region="甲", period=m) for m in Q2.months]
    documents += [result(80, code="R2", name="缺五月企业", region="甲", period=m) for m in ("2020-04", "2020-06")]
    documents += [result(70, code=None, name="无编码企业", region="乙", period="2020-04"),
                  result(70, code="R3", name="无编码企业", region="乙", period="2020-05"),  # roster has no code
                  result(60, code="X9", name="名册外企业", region="乙", period="2020-04"),
                  result(85, code="R2", name="缺五月企业", region="甲", period="2020Q2"),  # does not fill May
                  result(88, rubric=BUREAU, code="CB1", name="甲县应急局", region="甲", period="2020-05")]
    bulletin, errors = make_bulletin(PROGRAM, Q2, records(documents), load_roster(path, PROGRAM))
    assert errors == []
    figures = figures_of(bulletin)
    assert [(m["subject"]["name"], m["missing"], m["submitted"]) for m in figures["missing"]] == [
        ("缺五月企业", ["2020-05"], ["2020-04", "2020-06", "2020Q2"]),
        ("无编码企业", ["2020-06"], ["2020-04", "2020-05"]),
        ("未报企业", ["2020-04", "2020-05", "2020-06"], [])]
    assert [u["subject"]["code"] for u in figures["unexpected"]] == ["X9"]
    april = figures["completion"]["periods"][0]
    assert (april["submitted"], april["expected"], april["submittedExpected"], april["rate"]) == (
        4, 4, 3, Decimal("75.0"))
    assert figures["completion"]["periods"][3]["period"] == "2020Q2" and "expected" not in figures["completion"]["periods"][3]
    assert figures["completion"]["quarter"] == {"submitted": 4, "expected": 4, "submittedExpected": 3,
                                                     "complete": 1, "rate": Decimal("25.0")}
    bureau = figures_of(bulletin, BUREAU)
    assert [m["missing"] for m in bureau["missing"]] == [["2020-04", "2020-06"]]
    region = next(r for r in figures["regions"] if r["region"] == "甲")
    assert [(p["period"], p.get("expected"), p.get("submittedExpected")) for p in region["periods"]] == [
        ("2020-04", 2, 2), ("2020-05", 2, 1), ("2020-06", 2, 2), ("2020Q2", None, None)]
    assert (region["expected"], region["complete"], region["rate"]) == (2, 1, Decimal("50.0"))


def test_a_roster_region_without_results_is_listed_unranked(tmp_path):
    path = roster_file(tmp_path, [{"rubric": ENTERPRISE, "name": "甲企业", "code": "R1", "region": "甲"},
                                  {"rubric": ENTERPRISE, "name": "乙企业", "code": "R2", "region": "乙"}])
    bulletin, _ = make_bulletin(PROGRAM, Q2, records([result(90, code="R1", region="甲")]), load_roster(path, PROGRAM))
    assert [(r["region"], r["rank"], r["average"]) for r in figures_of(bulletin)["regions"]] == [
        ("甲", 1, Decimal("90.0")), ("乙", None, None)]


@pytest.mark.parametrize("subjects, program, code", [
    ([{"rubric": "shishi-2024/enterprise", "name": "甲", "code": "A", "region": "甲"}], "lianyungang-2020",
     "rubric-not-in-program"),
    ([{"rubric": ENTERPRISE, "name": "甲", "code": "A", "region": "甲"},
      {"rubric": ENTERPRISE, "name": "甲二", "code": "A", "region": "乙"}], "lianyungang-2020", "duplicate-subject"),
    ([{"rubric": ENTERPRISE, "name": "甲", "region": "甲"}], "shishi-2024", "roster-program"),
    ([{"rubric": ENTERPRISE, "name": "甲"}], "lianyungang-2020", "schema"),
])
def test_an_unusable_roster_stops_with_exit_2(tmp_path, sample_files, subjects, program, code):
    path = roster_file(tmp_path, subjects, program)
    completed = run_wsas("bulletin", "lianyungang-2020", "--period", "2020Q2", sample_files / "results.jsonl",
                         "--roster", path)
    assert completed.returncode == 2 and completed.stdout == ""
    assert f"[{code}]" in completed.stderr and path in completed.stderr


# ---- duplicates ----

def test_duplicates_use_the_latest_assessment_then_the_last_read():
    documents = [
        result(50, code="A1", period="2020-05", assessed_on="2020-05-20"),   # latest date: used
        result(95, code="A1", period="2020-05", assessed_on="2020-05-10"),   # read later, but older
        result(99, code="A1", period="2020-05"),                              # no date: older than any date
        result(40, code="B1", period="2020-05", assessed_on="2020-05-20"),
        result(70, code="B1", period="2020-05", assessed_on="2020-05-20"),   # same date, read last: used
        result(20, code="C1", period="2020-04"), result(65, code="C1", period="2020-04"),  # no dates: last read
    ]
    builder = BulletinBuilder(PROGRAM, Q2)
    notes = [builder.add(record)[1] for record in records(documents, "x.jsonl")]
    assert [(n.subject["code"], n.dropped.line) if n else None for n in notes] == [
        None, ("A1", 2), ("A1", 3), None, ("B1", 4), None, ("C1", 6)]
    bulletin = builder.finish()
    figures = figures_of(bulletin)
    assert figures["summary"]["total"] == 50 + 70 + 65 and figures["summary"]["results"] == 3
    assert [(f["subject"]["code"], f["score"]) for f in figures["flagged"]] == [("A1", 50)]  # C1's 20 was replaced
    rows = {(d["subject"]["code"], d["period"]): d for d in figures["duplicates"]}
    assert rows[("A1", "2020-05")]["used"] == {"file": "x.jsonl", "line": 1, "assessedOn": "2020-05-20"}
    assert [p["line"] for p in rows[("A1", "2020-05")]["replaced"]] == [3, 2]  # oldest first
    assert rows[("C1", "2020-04")]["used"]["line"] == 7 and rows[("A1", "2020-05")]["replacedCount"] == 2
    assert bulletin["inputs"]["duplicates"] == 4
    markdown = as_markdown(bulletin)
    assert "x.jsonl:1（2020-05-20）" in markdown and "x.jsonl:3（无评估日期）" in markdown and "采用评估日期（assessedOn）最晚的一份" in markdown


def test_memory_grows_with_subjects_not_with_records():
    """Many records for the same 40 subjects: the tally holds 40 × 4 slots (and at most ten set-aside duplicates
    each) whatever the number of records."""
    lines = [line(result(random.Random(i).randint(0, 200) / 2, code=f"S{i % 40}", period=Q2.periods[i // 40 % 4],
                         assessed_on=f"2020-0{4 + i // 40 % 3}-{10 + i % 17}")).encode() for i in range(400)]

    def peak(count: int) -> int:
        tracemalloc.start()
        builder = BulletinBuilder(PROGRAM, Q2)
        for number in range(count):
            builder.add(Record("big.jsonl", number + 1, data=lines[number % len(lines)]))
        tally = builder.tallies[ENTERPRISE]
        assert len(tally.subjects) == 40 and sum(len(s.slots) for s in tally.subjects.values()) == 160
        size = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        return size

    small, large = peak(2000), peak(6000)
    assert large < small * 1.1, (small, large)


# ---- bad records and exit codes (the command line) ----

def _write_lines(path: Path, texts: list[str]) -> Path:
    path.write_text("".join(t if t.endswith("\n") else t + "\n" for t in texts), encoding="utf-8")
    return path


def test_bad_lines_are_reported_with_place_and_skipped(tmp_path):
    good = line(result(88, code="G1"))
    bad = _write_lines(tmp_path / "mixed.jsonl", [
        good,
        good[: len(good) // 2],                                              # 2 truncated
        "[1, 2, 3]",                                                         # 3 not an object
        line(dict(result(70, code="G2"), score="七十")),                     # 4 schema-invalid
        line(result(70, code="G3", period="2020-07")),                       # 5 outside the quarter
        line(result(70, rubric="shishi-2024/enterprise", code="G4")),        # 6 another program's rubric
        dumps(submission(CATALOGUE.get(ENTERPRISE), random.Random(1)), indent=None),  # 7 a submission
        line(dict(result(70, code="G5"), outcome={"id": "redo", "label": "专项整治工作推倒重新开展"})),  # 8 outcome
        line(dict(result(70, code="G6"), rubricVersion="9.9.9")),           # 9 another version
        line(result(75, code="G7")),
        line(result(75, code="G8")).replace('"score": 75', '"score": 75.000000000000000001'),  # 11 inexact
    ])
    completed = run_wsas("bulletin", "lianyungang-2020", "--period", "2020Q2", bad, "--format", "json")
    assert completed.returncode == 1
    name = str(bad)
    expected = [(2, None, "syntax"), (3, None, "schema"), (4, "/score", "schema"), (5, "/period", "period-outside"),
                (6, "/rubric", "rubric-not-in-program"), (7, None, "not-a-result"), (8, "/outcome", "outcome-mismatch"),
                (9, "/rubricVersion", "unknown-version"), (11, "/score", "score-not-exact")]
    errors = [e for e in completed.stderr.splitlines() if e.startswith(name)]
    assert len(errors) == len(expected), completed.stderr
    for text, (number, pointer, code) in zip(errors, expected):
        assert text.startswith(f"{name}:{number}") and f"[{code}]" in text, text
        if pointer:
            assert f"{name}:{number} {pointer}:" in text
        zh, en = text.split("] ", 1)[1].split(" / ", 1)
        assert re.search(r"[\u4e00-\u9fff]", zh) and re.search(r"[A-Za-z]{3}", en), text
    bulletin = json.loads(completed.stdout)
    assert bulletin["inputs"] == {"records": 11, "valid": 2, "used": 2, "invalid": 9, "duplicates": 0,
                                       "roster": None, "invalidByCode": {
                                           "not-a-result": 1, "outcome-mismatch": 1, "period-outside": 1,
                                           "rubric-not-in-program": 1, "schema": 2, "score-not-exact": 1,
                                           "syntax": 1, "unknown-version": 1}}
    assert figures_of(bulletin)["summary"]["total"] == 88 + 75


def test_exit_0_with_everything_used_and_the_summary_on_stderr(sample_files):
    completed = run_wsas("bulletin", "lianyungang-2020", "--period", "2020Q2", sample_files / "results.jsonl",
                         "--roster", sample_files / "roster.json")
    assert completed.returncode == 0
    assert completed.stdout.startswith("# 2020年第二季度评估通报")
    assert "[duplicate]" in completed.stderr and "重复未采用" in completed.stderr
    quiet = run_wsas("bulletin", "lianyungang-2020", "--period", "2020Q2", sample_files / "results.jsonl", "-q")
    assert quiet.returncode == 0 and quiet.stderr == ""


@pytest.mark.parametrize("args, message", [
    (["haimen-2022", "--period", "2020Q2"], "no-bulletin-data"),
    (["nowhere-2020", "--period", "2020Q2"], "unknown-program"),
    (["lianyungang-2020", "--period", "2020Q5"], "not a quarter"),
    (["lianyungang-2020", "--period", "2020-04"], "not a quarter"),
    (["lianyungang-2020"], "--period"),
])
def test_usage_errors_exit_2(sample_files, args, message):
    completed = run_wsas("bulletin", *args, sample_files / "results.jsonl")
    assert completed.returncode == 2 and message in completed.stderr and completed.stdout == ""


def test_haimen_explains_why_there_is_no_bulletin(sample_files):
    completed = run_wsas("bulletin", "haimen-2022", "--period", "2022Q1", sample_files / "results.jsonl")
    assert completed.returncode == 2
    assert "haimen-2022 没有已发布的评估表" in completed.stderr and "no published rubrics" in completed.stderr


def test_a_named_file_that_cannot_be_opened_writes_nothing(tmp_path, sample_files):
    out = tmp_path / "通报.md"
    out.write_text("old", encoding="utf-8")
    missing = run_wsas("bulletin", "lianyungang-2020", "--period", "2020Q2", sample_files / "results.jsonl",
                       tmp_path / "nope.jsonl", "-o", out)
    assert missing.returncode == 2 and "nope.jsonl" in missing.stderr
    dangling = tmp_path / "gone.jsonl"
    dangling.symlink_to(tmp_path / "removed.jsonl")  # listed, but cannot be opened
    unreadable = run_wsas("bulletin", "lianyungang-2020", "--period", "2020Q2", sample_files / "results.jsonl",
                          dangling, "-o", out)
    assert unreadable.returncode == 2 and "gone.jsonl" in unreadable.stderr and "no bulletin written" in unreadable.stderr
    assert out.read_text(encoding="utf-8") == "old"


def test_folders_of_documents_and_program_files_work(tmp_path):
    folder = tmp_path / "results"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.json").write_text(dumps(result(90, code="A1")), encoding="utf-8")
    (folder / "sub" / "b.json").write_text(dumps(result(70, code="B1", region="乙")), encoding="utf-8")
    (folder / "sub" / "c.json").write_text("{", encoding="utf-8")
    completed = run_wsas("bulletin", ROOT / "rubrics/lianyungang-2020/program.yaml", "--period", "2020Q2", folder,
                         "--format", "json")
    assert completed.returncode == 1 and f"{folder / 'sub' / 'c.json'}:1:2: [syntax]" in completed.stderr
    assert figures_of(json.loads(completed.stdout))["summary"]["results"] == 2


# ---- outputs ----

def test_json_output_is_valid_against_the_published_schema(sample_bulletin):
    document = json.loads(as_json(sample_bulletin))
    assert schema_errors(document, "bulletin") == []
    plain = Draft202012Validator(load_schema("bulletin"), registry=registry())
    assert list(plain.iter_errors(document)) == []
    exact = json.loads(as_json(sample_bulletin), parse_float=Decimal)
    assert Decimal(str(exact["rubrics"][0]["summary"]["total"])) == figures_of(sample_bulletin)["summary"]["total"]
    assert document["sample"] is True and document["method"]["rounding"] == "ROUND_HALF_UP"


def test_html_is_standalone_with_accessible_charts_and_a4_print(sample_bulletin):
    html = as_html(sample_bulletin)
    assert html.startswith("<!DOCTYPE html>") and '<html lang="zh-CN">' in html
    assert not re.search(r"https?://", html), "no external URL of any kind"
    assert not re.search(r'(?:src|href)\s*=', html), "nothing to fetch: no src or href at all"
    assert "@page { size: A4" in html and "<script" not in html
    charts = re.findall(r'<svg class="wsas-chart"[^>]*role="img" aria-labelledby="([^"]+)"', html)
    assert len(charts) == 6
    for ids in charts:
        title_id, desc_id = ids.split()
        assert re.search(f'<title id="{title_id}">[^<]*[\u4e00-\u9fff]', html)
        assert f'<desc id="{desc_id}">' in html
    assert "示例数据，不是真实通报" in html and "各地区平均分" in html


def test_markdown_quotes_names_and_embeds_the_charts():
    documents = [result(50, code="A1", name="甲|乙*公司_<b>", region="甲<县>"),  # below the line: listed by name
                 result(80, rubric=BUREAU, code="CB1", name="甲县应急局", region="甲<县>")]
    markdown = as_markdown(make_bulletin(PROGRAM, Q2, records(documents))[0])
    assert "| 甲&lt;县&gt; | 甲\\|乙\\*公司\\_&lt;b&gt; |" in markdown and "<b>" not in markdown
    assert "<县>" not in markdown and "甲&lt;县&gt;" in markdown
    assert markdown.count('<figure class="wsas-figure"><svg') == 6
    assert all("\n\n" not in figure for figure in re.findall(r"<figure.*?</figure>", markdown, re.S))
    assert "四舍五入（ROUND\\_HALF\\_UP）保留一位小数" in markdown


def test_output_file_is_written_atomically(tmp_path, sample_files):
    out = tmp_path / "通报.html"
    out.write_text("old", encoding="utf-8")
    completed = run_wsas("bulletin", "lianyungang-2020", "--period", "2020Q2", sample_files / "results.jsonl",
                         "--format", "html", "-o", out)
    assert completed.returncode == 0 and completed.stdout == ""
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["通报.html"]  # no temporary file left behind
    unwritable = run_wsas("bulletin", "lianyungang-2020", "--period", "2020Q2", sample_files / "results.jsonl",
                          "-o", tmp_path / "通报.html" / "x.md")
    assert unwritable.returncode == 2 and "cannot write" in unwritable.stderr


def test_a_quarter_result_counts_for_the_quarter_but_not_for_a_month():
    documents = [result(80, code="A1", period="2020Q2"), result(60, code="A1", period="2020-04")]
    bulletin, errors = make_bulletin(PROGRAM, Q2, records(documents))
    figures = figures_of(bulletin)
    assert errors == [] and figures["summary"]["results"] == 2 and figures["regions"][0]["average"] == Decimal("70.0")
    assert [(p["period"], p["submitted"]) for p in figures["completion"]["periods"]] == [
        ("2020-04", 1), ("2020-05", 0), ("2020-06", 0), ("2020Q2", 1)]
    assert "按季度平均分" in as_markdown(bulletin)


def test_a_program_without_monthly_duty_expects_one_result_a_quarter(tmp_path):
    program = load_program("shishi-2024")
    path = roster_file(tmp_path, [{"rubric": "shishi-2024/enterprise", "name": "甲", "code": "A1", "region": "甲"},
                                  {"rubric": "shishi-2024/enterprise", "name": "乙", "code": "B1", "region": "甲"}],
                       "shishi-2024")
    documents = [result(90, rubric="shishi-2024/enterprise", code="A1", region="甲", period="2020-05")]
    bulletin, errors = make_bulletin(program, Q2, records(documents), load_roster(path, program))
    figures = figures_of(bulletin, "shishi-2024/enterprise")
    assert errors == [] and figures["cadence"] == "quarter" and figures["expectedPeriods"] == ["2020Q2"]
    assert [(m["subject"]["code"], m["missing"]) for m in figures["missing"]] == [("B1", ["2020Q2"])]
    assert figures["completion"]["quarter"]["rate"] == Decimal("50.0")
    assert all("expected" not in row for row in figures["completion"]["periods"])  # no monthly duty
    assert (figures["regions"][0]["expected"], figures["regions"][0]["complete"]) == (2, 1)
    assert "本季度已报/应报" in as_markdown(bulletin)


# ---- the handbook's sample ----

def test_the_handbook_shows_the_sample_bulletin(tmp_path):
    from wsas.site import build_site, layout

    out = tmp_path / "docs"
    build_site(out)
    page = (out / layout.bulletin_page("lianyungang-2020")).read_text(encoding="utf-8")
    assert "示例数据，不是真实通报" in page and "wsas bulletin lianyungang-2020 --period 2020Q2" in page
    assert page.count('<svg class="wsas-chart"') == 6
    downloaded = json.loads((out / layout.bulletin_download("lianyungang-2020", "2020Q2", "bulletin.json"))
                            .read_text(encoding="utf-8"))
    assert schema_errors(downloaded, "bulletin") == [] and downloaded["sample"] is True
    results = out / layout.bulletin_download("lianyungang-2020", "2020Q2", "results.jsonl")
    assert results.read_text(encoding="utf-8") == "".join(SAMPLE.lines())
    assert (out / layout.bulletin_download("lianyungang-2020", "2020Q2", "bulletin.html")).is_file()
    nav = yaml.safe_load((out / layout.NAV_FILE).read_text(encoding="utf-8"))["nav"]
    assert layout.bulletin_page("lianyungang-2020") in json.dumps(nav, ensure_ascii=False)
    assert "bulletins/lianyungang-2020-sample.md" in (out / "index.md").read_text(encoding="utf-8")


def test_the_downloads_reproduce_the_page(tmp_path):
    from wsas.site import layout
    from wsas.site.bulletin_page import write_sample

    shown = write_sample(tmp_path)
    folder = tmp_path / "downloads" / "bulletins"
    completed = run_wsas("bulletin", "lianyungang-2020", "--period", "2020Q2", shown["results_name"],
                         "--roster", shown["roster_name"], "--format", "json", cwd=folder)
    assert completed.returncode == 0
    made = json.loads(completed.stdout)
    assert made | {"sample": True} == json.loads(
        (tmp_path / layout.bulletin_download("lianyungang-2020", "2020Q2", "bulletin.json")).read_text(encoding="utf-8"))


def test_what_wsas_score_writes_is_what_the_bulletin_reads(tmp_path):
    """The pipeline of the handbook page: wsas score --jsonl, then wsas bulletin on its output."""
    rng = random.Random(5)
    submissions = tmp_path / "2020Q2.jsonl"
    with submissions.open("w", encoding="utf-8") as stream:
        for index in range(60):
            rubric = CATALOGUE.get(ENTERPRISE if index % 6 else BUREAU)
            stream.write(line(submission(rubric, rng, index=index, period=Q2.months[index % 3])))
    scored = run_wsas("score", submissions, "--jsonl", tmp_path / "results.jsonl", "--quiet")
    assert scored.returncode == 0, scored.stderr
    completed = run_wsas("bulletin", "lianyungang-2020", "--period", "2020Q2", tmp_path / "results.jsonl",
                         "--format", "json")
    assert completed.returncode == 0, completed.stderr
    bulletin = json.loads(completed.stdout)
    assert bulletin["inputs"]["used"] == 60
    assert sum(f["summary"]["results"] for f in bulletin["rubrics"]) == 60
