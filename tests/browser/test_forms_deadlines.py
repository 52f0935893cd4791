"""The 连云港 forms assess by deadline (spec/scoring.md §4.3): items not yet due at the 评估日期 (else the last
day of the 评估期) are greyed, need no answer, and leave the maximum; the score is re-normalised."""

from __future__ import annotations

import wsas
from wsas.output import plain

from test_handbook import open_form

DUE_IN_FEBRUARY = {"1.1": "5", "2.1": "2.5", "3.1": "6", "6.1": "4"}


def score_is(page, text):
    page.wait_for_function(f"document.querySelector('[data-score]').textContent.trim() === '{text}'")


def test_a_february_assessment_counts_only_what_is_due(page, base_url, tmp_path):
    open_form(page, base_url)
    page.fill("[name='subject.name']", "二月测试企业")
    page.fill("[name='period']", "2020-02")
    for criterion_id, value in DUE_IN_FEBRUARY.items():
        page.fill(f"[data-criterion='{criterion_id}']", value)
    score_is(page, "58.3")                           # 17.5 ÷ 30 × 100, below 60
    assert "推倒重新开展" in page.locator("[data-outcome]").inner_text()
    assert page.locator("[data-maximum]").inner_text().strip() == "30"
    assert page.locator("[data-not-yet-due-points]").inner_text().strip() == "70"
    assert "2020-02-29" in page.locator("[data-as-of]").inner_text()
    assert page.locator("[data-missing-count]").inner_text().strip() == "0"
    not_due = page.locator("tr[data-not-due]")
    assert sorted(not_due.evaluate_all("rows => rows.map(r => r.dataset.row)")) == \
        sorted(["4.1", "5.1", "7.1", "8.1", "9.1", "10.1", "11.1", "12.1"])
    assert "is-not-due" in page.locator("tr[data-row='12.1']").get_attribute("class")
    assert "未到时间节点" in page.locator("[data-explain='12.1']").inner_text()
    page.fill("[data-criterion='2.1']", "3")
    score_is(page, "60")                             # 18 ÷ 30 × 100 = 60.0: not below 60
    assert "推倒重新开展" not in page.locator("[data-outcome]").inner_text()

    with page.expect_download() as download_info:   # a valid export without the later items
        page.click("[data-action=export]")
    exported = tmp_path / "february.json"
    download_info.value.save_as(exported)
    submission = wsas.load_json_file(exported)
    assert wsas.validate(submission) == [] and set(submission["responses"]) == set(DUE_IN_FEBRUARY)
    result = wsas.score(submission)
    assert (plain(result["score"]), plain(result["maximum"]), result["asOf"]) == (60, 30, "2020-02-29")


def test_the_assessment_date_moves_the_line(page, base_url):
    open_form(page, base_url)
    page.fill("[name='subject.name']", "二月测试企业")
    page.fill("[name='period']", "2020-02")
    for criterion_id, value in DUE_IN_FEBRUARY.items():
        page.fill(f"[data-criterion='{criterion_id}']", value)
    score_is(page, "58.3")
    page.fill("[name='assessedOn']", "2020-02-28")   # the day before 2月底前: only item 6 counts
    score_is(page, "80")
    assert page.locator("[data-maximum]").inner_text().strip() == "5"
    assert page.locator("tr[data-row='1.1'][data-not-due]").count() == 1
    page.fill("[name='period']", "2020-11")
    page.fill("[name='assessedOn']", "")             # every item due: the rest must be answered now
    page.wait_for_function("document.querySelector('[data-score]').textContent.trim() === ''")
    assert page.locator("tr[data-not-due]").count() == 0
    assert page.locator("[data-missing-count]").inner_text().strip() == "8"


def test_the_rubric_page_says_the_rule(page, base_url):
    page.goto(f"{base_url}rubrics/lianyungang-2020-county-bureau.html")
    text = page.locator("article").inner_text()
    assert "按时间节点评估" in text and "根据不同时间节点的目标任务" in text and "第31行" in text
    assert "全年：每次都考核" in text
