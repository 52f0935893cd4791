"""Assessment by deadline (spec/scoring.md §4.3, 000:31 「根据不同时间节点的目标任务」).

The conformance vectors (tests/conformance/deadlines.json) fix the scores of the enterprise rubric; these
tests cover the dates themselves, the county bureau's 全年 items, what the result says, the rubrics that do
not opt in, and the lint checks of the declaration.
"""

from __future__ import annotations

import copy
from decimal import Decimal

import pytest

import wsas
from wsas.scoring.due import as_of, by_deadline, month_end, not_due_criteria, period_end, timing
from wsas.scoring.lint import lint
from wsas.rubrics import Rubric
from wsas.schemas import schema_errors
from wsas.output import dumps
from wsas.reading import load_json_text

ENTERPRISE = wsas.load_rubric("lianyungang-2020/enterprise")
COUNTY = wsas.load_rubric("lianyungang-2020/county-bureau")


def full_marks(rubric: Rubric, period: str, assessed_on: str | None = None, **changes) -> dict:
    responses = {cid: {"awarded": p.criterion["points"]} for cid, p in rubric.criteria.items()}
    responses.update(changes)
    submission = {"rubric": rubric.id, "rubricVersion": rubric.version, "subject": {"name": "测试单位"},
                  "period": period, "responses": responses}
    if assessed_on:
        submission["assessedOn"] = assessed_on
    return submission


@pytest.mark.parametrize("period, end", [("2020", "2020-12-31"), ("2020Q1", "2020-03-31"), ("2020Q4", "2020-12-31"),
                                         ("2020-02", "2020-02-29"), ("2021-02", "2021-02-28"),
                                         ("1900-02", "1900-02-28"), ("2000-02", "2000-02-29"), ("0001", "0001-12-31")])
def test_the_last_day_of_a_period(period, end):
    assert period_end(period) == end


def test_the_assessment_date_is_assessed_on_else_the_period_end():
    assert as_of({"period": "2020-02"}) == "2020-02-29"
    assert as_of({"period": "2020-02", "assessedOn": "2020-02-10"}) == "2020-02-10"
    assert month_end(2024, 2) == "2024-02-29" and month_end(2023, 12) == "2023-12-31"


def test_only_the_two_lianyungang_rubrics_assess_by_deadline():
    assert {r.id for r in wsas.published_catalogue() if by_deadline(r)} == {ENTERPRISE.id, COUNTY.id}
    for rubric in (ENTERPRISE, COUNTY):
        source = rubric.data["assessment"]["source"]
        assert source["lines"] == [31] and source["file"].startswith("000_")


def test_the_deadline_day_itself_is_due_and_the_day_before_is_not():
    assert not_due_criteria(ENTERPRISE, {"period": "2020-02", "assessedOn": "2020-02-29"}) == \
        {"4.1", "5.1", "7.1", "8.1", "9.1", "10.1", "11.1", "12.1"}
    assert {"1.1", "2.1", "3.1"} <= not_due_criteria(ENTERPRISE, {"period": "2020-02", "assessedOn": "2020-02-28"})
    assert "6.1" not in not_due_criteria(ENTERPRISE, {"period": "2020-01"})    # no deadline (erratum E2): always due


def test_the_year_of_the_deadlines_is_the_year_of_the_period():
    # December assessed in January: the 2020 deadlines have all passed
    assert not_due_criteria(ENTERPRISE, {"period": "2020-12", "assessedOn": "2021-01-10"}) == frozenset()
    # an assessedOn before the period's year leaves every month-end item out
    found = timing(ENTERPRISE, {"period": "2021", "assessedOn": "2020-12-31"})
    assert found.as_of == "2020-12-31" and found.due_on["1"] == "2021-02-28"
    assert len(found.not_due_items) == 11


def test_whole_year_items_of_the_county_bureau_are_always_due():
    result = wsas.score(full_marks(COUNTY, "2020-01"))
    # January: items 1, 3 (1月底前) and 2, 9, 10 (全年) count; 4–7 do not; 8 is lost (erratum E1)
    assert result["notYetDue"] == ["4", "5", "6", "7"]
    assert (result["notYetDuePoints"], result["notApplicablePoints"], result["maximum"]) == (42, 15, 43)
    assert result["score"] == 100 and str(result["score"]) == "100.0"
    due = {item["id"]: item["due"] for item in result["items"]}
    assert due["2"] and due["9"] and due["10"] and due["8"]
    assert "dueOn" not in next(i for i in result["items"] if i["id"] == "2")


def test_the_result_states_what_the_date_left_out():
    submission = full_marks(ENTERPRISE, "2020-02", **{"1.1": {"awarded": 8, "reason": "方案未审核"},
                                                       "12.1": {"awarded": 0, "reason": "尚未开展"}})
    result = wsas.score(submission)
    assert result["asOf"] == "2020-02-29"
    assert result["notYetDue"] == ["4", "5", "7", "8", "9", "10", "11", "12"]
    assert (result["total"], result["notYetDuePoints"], result["maximum"]) == (28, 70, 30)
    assert result["score"] == Decimal("93.3")   # 28 ÷ 30 × 100 = 93.33… (the rubric itself does not normalise)
    lines = {line["id"]: line for line in result["criteria"]}
    assert lines["1.1"]["due"] is True and lines["1.1"]["reason"] == "方案未审核"
    later = lines["12.1"]
    assert (later["due"], later["awarded"], later["deducted"], later["notApplicable"]) == (False, 0, 0, False)
    assert "reason" not in later and "10月底前" in later["explanation"] and "2020-10-31" in later["explanation"]
    assert "所填应答不计分" in later["explanation"] and "ignored" in later["explanationEn"]
    item = next(i for i in result["items"] if i["id"] == "12")
    assert (item["due"], item["dueOn"], item["notYetDuePoints"], item["awarded"]) == (False, "2020-10-31", 15, 0)
    assert result["sections"][0]["notYetDuePoints"] == 70
    assert schema_errors(load_json_text(dumps(result)), "result") == []


def test_all_due_scores_as_before():
    result = wsas.score(full_marks(ENTERPRISE, "2020-11", **{"1.1": {"awarded": 9.5}}))
    assert (result["notYetDue"], result["notYetDuePoints"], result["maximum"], result["score"]) == ([], 0, 100, 99.5)
    assert str(result["score"]) == "99.5"   # score = total: not rounded, as the rubric does not normalise


def test_other_rubrics_say_nothing_about_deadlines():
    example = wsas.load_json_file(wsas.paths.rubrics_dir() / "shishi-2024" / "examples" / "town.valid.json")
    result = wsas.score(example)
    assert not {"asOf", "notYetDue", "notYetDuePoints"} & set(result)
    assert all("due" not in line for line in result["criteria"])
    assert all("notYetDuePoints" not in item for item in result["items"])


def test_responses_not_yet_due_may_be_left_out_but_are_checked_when_given():
    submission = full_marks(ENTERPRISE, "2020-02")
    for cid in ("4.1", "12.1"):
        del submission["responses"][cid]
    assert wsas.validate(submission) == []
    given = full_marks(ENTERPRISE, "2020-02", **{"12.1": {"met": True}})
    assert [(e.code, e.pointer) for e in wsas.validate(given)] == [("wrong-response-kind", "/responses/12.1")]
    del submission["responses"]["1.1"]
    assert [(e.code, e.pointer) for e in wsas.validate(submission)] == [("missing-response", "/responses/1.1")]


def test_nothing_due_means_nothing_to_score():
    rubric = Rubric(copy.deepcopy(ENTERPRISE.data))
    rubric.data["sections"][0]["items"][5]["deadline"] = {"text": "12月底前", "kind": "month-end", "month": 12}
    submission = full_marks(rubric, "2020-01")
    catalogue = wsas.Catalogue([rubric])
    assert [(e.code, e.pointer) for e in wsas.validate(submission, catalogue)] == \
        [("no-applicable-criteria", "/responses")]


def test_lint_wants_every_item_to_state_its_deadline():
    data = copy.deepcopy(ENTERPRISE.data)
    del data["sections"][0]["items"][5]["deadline"]
    findings = [f for f in lint(Rubric(data)) if f.code == "assessment"]
    assert [(f.severity, f.pointer) for f in findings] == [("error", "/sections/0/items/5")]
    for item in data["sections"][0]["items"]:
        item["deadline"] = {"kind": "none"}
    findings = [f for f in lint(Rubric(data)) if f.code == "assessment"]
    assert [(f.severity, f.pointer) for f in findings] == [("warning", "/assessment/byDeadline")]
    assert not [f for f in lint(ENTERPRISE) + lint(COUNTY) if f.code == "assessment"]


def test_the_declaration_needs_a_citation():
    data = copy.deepcopy(ENTERPRISE.data)
    del data["assessment"]["source"]
    assert schema_errors(data, "rubric")


def test_the_text_summary_says_not_yet_due_instead_of_a_zero():
    from helpers import ROOT
    from wsas.scoring.result_text import summary

    catalogue = wsas.published_catalogue()
    document = wsas.load_json_file(ROOT / "rubrics/lianyungang-2020/examples/enterprise.valid.json")  # assessed 2020-05-29
    text = summary("x.json", wsas.score(document, catalogue), catalogue)
    assert "9 重大危险源监控: 未到时间节点（2020-05-31），不计分" in text
    assert "12 建立安全生产管理长效机制: 未到时间节点（2020-10-31）" in text and "0/15" not in text
    assert "未到时间节点 25 分（评估日期 2020-05-29）" in text
