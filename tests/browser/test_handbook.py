"""The handbook in a real browser: offline, searchable, and forms that score, validate, export, import and print."""

from __future__ import annotations

import json

import pytest

import wsas
from wsas.output import plain

ROOT_PAGES = ["index.html", "vendors.html", "programs/haimen-2022.html", "rubrics/shishi-2024-town.html",
              "schemas/submission.html", "spec/scoring.html"]
FULL_MARKS = "lianyungang-2020/enterprise"


def open_form(page, base_url, rubric="lianyungang-2020-enterprise"):
    page.goto(f"{base_url}forms/{rubric}.html")
    page.wait_for_selector(".wsas-form[data-state=ready]", timeout=15000)
    return page


def fill_header(page, name="测试企业有限公司", period="2020-11"):
    """2020-11 by default: every item of the 连云港 forms is due then (spec/scoring.md §4.3)."""
    page.fill("[name='subject.name']", name)
    page.fill("[name='period']", period)


def fill_full_marks(page, rubric_id):
    rubric = wsas.load_rubric(rubric_id)
    for criterion_id, placement in rubric.criteria.items():
        page.fill(f"[data-criterion='{criterion_id}']", str(plain(placement.criterion["points"])))
    return rubric


@pytest.mark.parametrize("path", ROOT_PAGES)
def test_pages_load_without_other_origins(page, base_url, path):
    response = page.goto(base_url + path)
    assert response.ok
    page.wait_for_load_state("networkidle")
    assert page.title()


def test_every_rubric_has_a_working_form(page, base_url):
    for rubric in wsas.published_catalogue():
        program, name = rubric.id.split("/")
        open_form(page, base_url, f"{program}-{name}")
        assert page.locator("[data-criterion]").count() == len(rubric.criteria)


def test_form_scores_live_and_shows_the_outcome(page, base_url):
    open_form(page, base_url)
    fill_header(page)
    fill_full_marks(page, FULL_MARKS)
    page.wait_for_function("document.querySelector('[data-score]').textContent.trim() === '100'")
    assert page.locator("[data-missing-count]").inner_text().strip() in ("", "0") or "0" in page.locator("[data-missing-count]").inner_text()
    page.fill("[data-criterion='12.1']", "0")
    page.fill("[data-criterion='7.1']", "0")
    page.fill("[data-criterion='8.1']", "0")
    page.wait_for_function("document.querySelector('[data-score]').textContent.trim() === '55'")
    assert "推倒重新开展" in page.locator("[data-outcome]").inner_text()


def test_errors_appear_next_to_the_field(page, base_url):
    open_form(page, base_url)
    fill_header(page)
    fill_full_marks(page, FULL_MARKS)
    page.fill("[data-criterion='4.1']", "4.3")
    error = page.locator("[data-error='4.1']")
    error.wait_for(state="visible")
    assert "0.5" in error.inner_text()
    page.fill("[data-criterion='4.1']", "4.5")
    page.wait_for_function("!document.querySelector(\"[data-error='4.1']\").textContent.trim()")


def test_tiers_caps_and_yes_no_on_the_town_form(page, base_url):
    open_form(page, base_url, "shishi-2024-town")
    fill_header(page, "宝盖镇人民政府", "2024")
    example = wsas.load_json_file(wsas.paths.rubrics_dir() / "shishi-2024" / "examples" / "town.valid.json")
    page.click("[data-action=example]")
    expected = wsas.score(example)
    page.wait_for_function(f"document.querySelector('[data-score]').textContent.trim() === '{plain(expected['score'])}'")
    awarded = {line["id"]: plain(line["awarded"]) for line in expected["criteria"]}
    for criterion_id in ("13.1", "14.1", "15.1", "15.2", "15.5"):
        assert page.locator(f"[data-awarded='{criterion_id}']").inner_text().strip() == str(awarded[criterion_id])
    page.fill("[data-criterion='13.1']", "4.99")
    page.wait_for_function("document.querySelector(\"[data-awarded='13.1']\").textContent.trim() === '0'")
    page.fill("[data-criterion='13.1']", "15")
    page.wait_for_function("document.querySelector(\"[data-awarded='13.1']\").textContent.trim() === '5'")


def test_export_then_import_round_trips_through_python(page, base_url, tmp_path):
    open_form(page, base_url)
    page.click("[data-action=example]")
    page.wait_for_function("document.querySelector('[data-score]').textContent.trim() !== ''")
    shown = page.locator("[data-score]").inner_text().strip()
    with page.expect_download() as download_info:
        page.click("[data-action=export]")
    exported = tmp_path / "export.json"
    download_info.value.save_as(exported)
    submission = wsas.load_json_file(exported)
    assert wsas.validate(submission) == []
    assert str(plain(wsas.score(submission)["score"])) == shown

    page.once("dialog", lambda dialog: dialog.accept())
    page.click("[data-action=clear]")
    page.wait_for_function("document.querySelector('[data-score]').textContent.trim() === ''"
                           " || document.querySelector('[data-score]').textContent.trim() === '—'")
    python_made = wsas.paths.rubrics_dir() / "lianyungang-2020" / "examples" / "enterprise-redo.valid.json"
    page.set_input_files("[data-import-input]", str(python_made))
    expected = plain(wsas.score(wsas.load_json_file(python_made))["score"])
    page.wait_for_function(f"document.querySelector('[data-score]').textContent.trim() === '{expected}'")
    assert "推倒重新开展" in page.locator("[data-outcome]").inner_text()


def test_a_deeply_nested_submission_is_refused_and_keeps_the_form(page, base_url, tmp_path):
    """make fuzz: a response nested 10,000 deep overflowed the form's stack on import; it is now read as
    wsas validate reads it and refused (too-deep)."""
    open_form(page, base_url)
    page.click("[data-action=example]")
    page.wait_for_function("document.querySelector('[data-score]').textContent.trim() !== ''")
    before = page.locator("[data-score]").inner_text()
    deep = tmp_path / "deep.json"
    deep.write_text('{"rubric": "lianyungang-2020/enterprise", "responses": {"1.1": {"awarded": '
                    + "[" * 10_000 + "]" * 10_000 + "}}}", encoding="utf-8")
    page.set_input_files("[data-import-input]", str(deep))
    page.wait_for_function("document.querySelector('[data-errors]').textContent.includes('64')")
    assert page.locator("[data-score]").inner_text() == before


def test_importing_another_rubric_is_refused_and_keeps_the_form(page, base_url):
    open_form(page, base_url)
    page.click("[data-action=example]")
    page.wait_for_function("document.querySelector('[data-score]').textContent.trim() !== ''")
    before = page.locator("[data-score]").inner_text()
    other = wsas.paths.rubrics_dir() / "shishi-2024" / "examples" / "town.valid.json"
    page.set_input_files("[data-import-input]", str(other))
    page.wait_for_function("document.querySelector('[data-errors]').textContent.includes('shishi-2024/town')"
                           " || document.querySelector('[data-errors]').textContent.includes('评估表')")
    assert page.locator("[data-score]").inner_text() == before


def test_draft_survives_a_reload_and_clear_removes_it(page, base_url):
    open_form(page, base_url)
    fill_header(page, "草稿测试企业")
    page.fill("[data-criterion='1.1']", "7.5")
    page.fill("[data-reason='1.1']", "方案未经审核")
    page.reload()
    page.wait_for_selector(".wsas-form[data-state=ready]")
    assert page.input_value("[data-criterion='1.1']") == "7.5"
    assert page.input_value("[data-reason='1.1']") == "方案未经审核"
    assert page.input_value("[name='subject.name']") == "草稿测试企业"
    assert page.locator("[data-draft-notice]").is_visible()
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("[data-action=clear]")
    page.reload()
    page.wait_for_selector(".wsas-form[data-state=ready]")
    assert page.input_value("[data-criterion='1.1']") == ""


def test_print_layout_hides_the_site_and_keeps_the_filled_table(page, base_url, tmp_path):
    open_form(page, base_url)
    page.click("[data-action=example]")
    page.wait_for_function("document.querySelector('[data-score]').textContent.trim() !== ''")
    page.emulate_media(media="print")
    hidden = page.evaluate("""() => ['.md-header', '.md-sidebar--primary', '.md-footer', '[data-action=export]']
        .map(s => document.querySelector(s)).filter(Boolean)
        .every(el => getComputedStyle(el).display === 'none' || el.offsetParent === null)""")
    assert hidden
    assert page.locator(".wsas-form table").first.is_visible()
    pdf = page.pdf(format="A4", print_background=True)
    assert pdf.startswith(b"%PDF") and len(pdf) > 10000
    (tmp_path / "form.pdf").write_bytes(pdf)


@pytest.mark.parametrize("term", ["隐患", "风险辨识", "应急预案"])
def test_chinese_search_finds_rubric_terms(page, base_url, term):
    # ?q= hands the query to Material's search, which runs it once its worker has built
    # the index (typing instead races the worker and drops the query on a busy machine).
    page.goto(f"{base_url}index.html?q={term}")
    page.wait_for_selector(".md-search-result__item", timeout=30000)
    assert page.locator(".md-search-result__item").count() > 0
    assert term in page.locator(".md-search-result").inner_text()


def test_downloads_are_served_at_stable_paths(page, base_url):
    for path in ["downloads/schemas/v1/submission.json", "downloads/schemas/v1/wsas.bundle.json",
                 "downloads/rubrics/lianyungang-2020/enterprise.json", "downloads/programs/haimen-2022.json",
                 "downloads/conformance/judgement-steps.json"]:
        response = page.request.get(base_url + path)
        assert response.ok, path
        json.loads(response.text())
