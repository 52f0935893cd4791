"""The hazard-record form (隐患登记表) in a real browser: live checks, the chosen state's fields, export that
`wsas records check` accepts, import of the example records, refusal of other files, drafts and print."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from wsas.paths import records_dir, rubrics_dir
from wsas.site import layout

PAGE = layout.records_page("hazard-form").removesuffix(".md") + ".html"
EXAMPLES = sorted((records_dir() / "examples" / "hazards").glob("*.json"))


def open_form(page, base_url):
    page.goto(base_url + PAGE)
    page.wait_for_selector(".wsas-hazard-form[data-state=ready]", timeout=15000)
    return page


def error_text(page, pointer: str) -> str:
    return page.locator(f"[data-error='{pointer}']").inner_text().strip()


def wait_status(page, pointer: str, status: str):
    page.wait_for_function("([p, s]) => document.querySelector(`[data-requirement='${p}']`).dataset.status === s",
                           arg=[pointer, status])


def fill_registered(page, hazard_id="H-TEST-001"):
    """A general hazard, just registered: everything state 登记 requires."""
    page.fill("[name='/id']", hazard_id)
    page.fill("[name='/subject/name']", "浏览器测试企业（示例）")
    page.fill("[name='/name']", "配电箱门未关闭")
    page.select_option("[name='/level']", "general")
    page.select_option("[name='/state']", "registered")
    page.select_option("[name='/source']", "daily-inspection")
    page.fill("[name='/location/place']", "一车间")
    page.fill("[name='/discovered/at']", "2024-06-03T09:00")
    page.fill("[name='/discovered/by/name']", "王安全")
    page.click("[data-action=add-row][data-table=history]")
    page.fill("[name='/history/0/at']", "2024-06-03T09:30")
    page.fill("[name='/history/0/by/name']", "王安全")
    page.keyboard.press("Tab")


def run_check(path, as_of="2024-06-30"):
    return subprocess.run([sys.executable, "-m", "wsas", "records", "check", str(path), "--as-of", as_of,
                           "--format", "json"], capture_output=True, text=True)


def test_the_form_renders_every_field_with_chinese_labels(page, base_url):
    open_form(page, base_url)
    for pointer in ("/id", "/name", "/level", "/source", "/state", "/subject/name", "/location/place",
                    "/discovered/at", "/discovered/by/name", "/rectification/deadline", "/rectification/funds",
                    "/plan/emergencyPlan", "/supervision/by", "/acceptance/passed", "/closed/at", "/notes"):
        assert page.locator(f"[name='{pointer}']").count() == 1, pointer
    assert page.locator("[data-field='/rectification/deadline'] label").inner_text().startswith("整改期限")
    states = page.locator("[name='/state'] option").all_inner_texts()
    assert any(text.startswith("待验收") for text in states) and any(text.startswith("销号") for text in states)
    assert any(text.startswith("督导组交办") for text in page.locator("[name='/source'] option").all_inner_texts())
    assert page.locator(".wsas-hazard-form").get_attribute("data-valid") == "false"


def test_an_error_appears_next_to_the_field_and_clears_when_fixed(page, base_url):
    open_form(page, base_url)
    page.fill("[name='/id']", "坏 编号")
    page.keyboard.press("Tab")
    page.locator("[data-error='/id']").wait_for(state="visible")
    assert "格式不符" in error_text(page, "/id")
    assert "is-error" in page.locator("[data-field='/id']").get_attribute("class")
    page.fill("[name='/id']", "H-2024-100")
    page.keyboard.press("Tab")
    page.wait_for_function("!document.querySelector(\"[data-error='/id']\").textContent.trim()")
    assert page.locator("[data-error='/id']").is_hidden()
    # a number where a number belongs
    page.fill("[name='/rectification/funds']", "一千元")
    page.keyboard.press("Tab")
    page.locator("[data-error='/rectification/funds']").wait_for(state="visible")
    assert "数值" in error_text(page, "/rectification/funds")
    page.fill("[name='/rectification/funds']", "1000")
    page.keyboard.press("Tab")
    page.wait_for_function("!document.querySelector(\"[data-error='/rectification/funds']\").textContent.trim()")


def test_choosing_a_state_shows_and_marks_the_fields_it_requires(page, base_url):
    open_form(page, base_url)
    assert "请先选择当前状态" in page.locator("[data-state-panel]").inner_text()
    page.select_option("[name='/state']", "rectifying")
    panel = page.locator("[data-state-panel]")
    panel.locator("[data-requirement='/rectification/measures']").wait_for()
    for pointer in ("/source", "/discovered/at", "/history", "/rectification/measures", "/rectification/responsible",
                    "/rectification/deadline"):
        assert panel.locator(f"[data-requirement='{pointer}']").get_attribute("data-status") == "missing", pointer
    assert panel.locator("[data-requirement='/acceptance/by']").count() == 0
    measures = page.locator("[data-field='/rectification/measures']")
    assert measures.get_attribute("data-state-required") == "missing"
    assert "状态「整改中」必须填写" in error_text(page, "/rectification/measures")
    page.fill("[name='/rectification/measures']", "关闭并加锁")
    page.keyboard.press("Tab")
    wait_status(page, "/rectification/measures", "ok")
    assert measures.get_attribute("data-state-required") == "ok"
    assert error_text(page, "/rectification/measures") == ""
    # on the spot: no deadline needed
    page.select_option("[name='/rectification/onTheSpot']", "true")
    wait_status(page, "/rectification/deadline", "waived")
    # a later state asks for more, cumulatively; 已验收 also needs the acceptance passed
    page.select_option("[name='/state']", "accepted")
    panel.locator("[data-requirement='/acceptance/comment']").wait_for()
    assert panel.locator("[data-requirement='/rectification/completedAt']").count() == 1
    assert panel.locator("[data-requirement='/acceptance/passed'][data-kind=condition]").count() == 1


def test_export_is_a_record_that_wsas_records_check_accepts(page, base_url, tmp_path):
    open_form(page, base_url)
    fill_registered(page)
    page.wait_for_function("document.querySelector('.wsas-hazard-form').dataset.valid === 'true'")
    assert page.locator("[data-problem-count]").inner_text() == "0"
    with page.expect_download() as info:
        page.click("[data-action=export]")
    download = info.value
    assert download.suggested_filename == "H-TEST-001.json"
    exported = tmp_path / download.suggested_filename
    download.save_as(exported)
    record = json.loads(exported.read_text(encoding="utf-8"))
    assert record["$schema"] == "https://wsas.org/schemas/v1/hazard.json"
    assert record["history"] == [{"state": "registered", "at": "2024-06-03T09:30", "by": {"name": "王安全"}}]
    completed = run_check(exported, as_of="2024-06-03")
    assert completed.returncode == 0, completed.stdout + completed.stderr
    report = json.loads(completed.stdout)
    assert report["ok"] and report["records"][0]["valid"]


def test_exporting_an_incomplete_record_asks_first(page, base_url):
    open_form(page, base_url)
    page.fill("[name='/id']", "H-HALF-1")
    page.keyboard.press("Tab")
    questions = []

    def dismiss(dialog):
        questions.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", dismiss)
    page.click("[data-action=export]")
    assert questions and "wsas records check" in questions[0]
    assert page.locator("[data-message]").is_hidden()   # nothing exported
    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_download() as info:
        page.click("[data-action=export]")
    assert info.value.suggested_filename == "H-HALF-1.json"


def test_lifecycle_errors_and_findings_match_the_command(page, base_url, tmp_path):
    open_form(page, base_url)
    fill_registered(page)
    # 整改中 without history row: state-mismatch, like `wsas records check`
    page.select_option("[name='/state']", "rectifying")
    page.fill("[name='/rectification/measures']", "关闭并加锁")
    page.fill("[name='/rectification/responsible/name']", "李电工")
    page.fill("[name='/rectification/deadline']", "2024-06-10")
    page.keyboard.press("Tab")
    page.locator("[data-error='/state']").wait_for(state="visible")
    assert "状态历史最后一项" in error_text(page, "/state")
    page.click("[data-action=add-row][data-table=history]")
    assert page.input_value("[name='/history/1/state']") == "rectifying"
    page.fill("[name='/history/1/at']", "2024-06-03T10:00")
    page.fill("[name='/history/1/by/name']", "李电工")
    page.fill("[name='asOf']", "2024-06-30")
    page.keyboard.press("Tab")
    page.wait_for_function("document.querySelector('.wsas-hazard-form').dataset.valid === 'true'")
    finding = page.locator("[data-findings] [data-finding=overdue]")
    finding.wait_for()
    assert "逾期" in finding.inner_text()
    with page.expect_download() as info:
        page.click("[data-action=export]")
    exported = tmp_path / "overdue.json"
    info.value.save_as(exported)
    report = json.loads(run_check(exported, as_of="2024-06-30").stdout)
    assert report["records"][0]["valid"]
    assert [f["code"] for f in report["records"][0]["findings"]] == ["overdue"]


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_importing_each_example_fills_the_form_and_exports_it_unchanged(page, base_url, tmp_path, path):
    open_form(page, base_url)
    page.set_input_files("[data-import-input]", str(path))
    page.wait_for_function("document.querySelector('[data-message]').textContent.includes('已导入')")
    original = json.loads(path.read_text(encoding="utf-8"))
    assert page.input_value("[name='/id']") == original["id"]
    assert page.input_value("[name='/state']") == original["state"]
    assert page.locator("tr[data-row][data-table=history]").count() == len(original.get("history", []))
    page.fill("[name='asOf']", "2024-06-30")
    page.keyboard.press("Tab")
    page.wait_for_function("document.querySelector('.wsas-hazard-form').dataset.valid === 'true'")
    with page.expect_download() as info:
        page.click("[data-action=export]")
    exported = tmp_path / path.name
    info.value.save_as(exported)
    assert json.loads(exported.read_text(encoding="utf-8")) == original
    assert run_check(exported).returncode == 0


def test_a_rubric_submission_is_refused_and_the_form_kept(page, base_url):
    open_form(page, base_url)
    page.fill("[name='/id']", "H-KEEP-1")
    page.fill("[name='/name']", "保留的内容")
    submission = rubrics_dir() / "lianyungang-2020" / "examples" / "enterprise.valid.json"
    page.set_input_files("[data-import-input]", str(submission))
    page.wait_for_function("document.querySelector('[data-errors]').textContent.includes('不是隐患记录')")
    assert "评估表" in page.locator("[data-errors]").inner_text()
    assert page.input_value("[name='/id']") == "H-KEEP-1"
    assert page.input_value("[name='/name']") == "保留的内容"
    # a whole ledger (JSON Lines) is refused too
    page.set_input_files("[data-import-input]", str(records_dir() / "examples" / "hazards.valid.jsonl"))
    page.wait_for_function("document.querySelector('[data-errors]').textContent.includes('JSON Lines')")
    assert page.input_value("[name='/id']") == "H-KEEP-1"


def test_a_file_the_command_line_refuses_is_refused_and_the_form_kept(page, base_url, tmp_path):
    """The forms read an import as wsas does (make fuzz: 10,000 nested members overflowed the form's stack)."""
    open_form(page, base_url)
    page.fill("[name='/id']", "H-KEEP-2")
    deep = tmp_path / "deep.json"
    deep.write_text('{"id": "H-1", "extra": ' + "[" * 10_000 + "]" * 10_000 + "}", encoding="utf-8")
    page.set_input_files("[data-import-input]", str(deep))
    page.wait_for_function("document.querySelector('[data-errors]').textContent.includes('64')")
    twice = tmp_path / "twice.json"
    twice.write_text('{"id": "H-1", "id": "H-2"}', encoding="utf-8")
    page.set_input_files("[data-import-input]", str(twice))
    page.wait_for_function("document.querySelector('[data-errors]').textContent.includes('重复的键')")
    assert page.input_value("[name='/id']") == "H-KEEP-2"


def test_an_invalid_record_is_imported_with_its_errors_shown(page, base_url):
    open_form(page, base_url)
    page.set_input_files("[data-import-input]", str(records_dir() / "examples" / "invalid"
                                                   / "hazard.missing-for-state.invalid.json"))
    page.wait_for_function("document.querySelector('[data-message]').textContent.includes('已导入')")
    assert page.locator(".wsas-hazard-form").get_attribute("data-valid") == "false"
    assert page.locator("[data-state-panel] [data-status=missing]").count() >= 1
    assert page.locator(".wsas-hazard-form .is-missing").count() >= 1


def test_the_draft_survives_a_reload_and_clear_removes_it(page, base_url):
    open_form(page, base_url)
    page.fill("[name='/id']", "H-DRAFT-1")
    page.fill("[name='/discovered/by/name']", "草稿人")
    page.click("[data-action=add-row][data-table=history]")
    page.fill("[name='/history/0/note']", "草稿备注")
    page.click("[data-action=add-row][data-table=attachments]")
    page.fill("[name='/attachments/0/name']", "现场照片.jpg")
    page.reload()
    page.wait_for_selector(".wsas-hazard-form[data-state=ready]")
    assert page.input_value("[name='/id']") == "H-DRAFT-1"
    assert page.input_value("[name='/discovered/by/name']") == "草稿人"
    assert page.input_value("[name='/history/0/state']") == "registered"
    assert page.input_value("[name='/history/0/note']") == "草稿备注"
    assert page.input_value("[name='/attachments/0/name']") == "现场照片.jpg"
    assert page.locator("[data-draft-notice]").is_visible()
    page.click("[data-action=remove-row][data-table=attachments][data-index='0']")
    assert page.locator("[name='/attachments/0/name']").count() == 0
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.click("[data-action=clear]")
    assert page.input_value("[name='/id']") == "H-DRAFT-1"   # dismissed: nothing cleared
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("[data-action=clear]")
    assert page.input_value("[name='/id']") == ""
    page.reload()
    page.wait_for_selector(".wsas-hazard-form[data-state=ready]")
    assert page.input_value("[name='/id']") == ""
    assert page.locator("[data-draft-notice]").is_hidden()


def test_print_shows_the_record_on_a4_without_the_site(page, base_url, tmp_path):
    open_form(page, base_url)
    page.click("[data-action=example]")
    page.wait_for_function("document.querySelector('[data-message]').textContent.includes('载入')")
    page.emulate_media(media="print")
    hidden = page.evaluate("""() => ['.md-header', '.md-sidebar--primary', '.md-footer', '[data-action=export]',
        '.admonition', '[data-state-panel]', ".wsas-hazard-form input[name='/id']"]
        .map(s => document.querySelector(s)).filter(Boolean)
        .every(el => getComputedStyle(el).display === 'none' || el.offsetParent === null)""")
    assert hidden
    value = page.locator("[data-print='/id']")
    assert value.is_visible() and value.inner_text() == "H-2024-005"
    assert page.locator("[data-print='/level']").inner_text() == "重大隐患"
    pdf = page.pdf(format="A4", print_background=True)
    assert pdf.startswith(b"%PDF") and len(pdf) > 10000
    (tmp_path / "hazard.pdf").write_bytes(pdf)


def test_the_records_pages_load_offline_and_link_each_other(page, base_url):
    page.goto(base_url + "index.html")
    page.get_by_role("link", name="隐患登记表").first.click()
    page.wait_for_selector(".wsas-hazard-form[data-state=ready]")
    for name in ("index", "lifecycle", "risk-levels", "lists", "cadence-import"):
        response = page.goto(base_url + layout.records_page(name).removesuffix(".md") + ".html")
        assert response.ok, name
        page.wait_for_load_state("networkidle")
    page.goto(base_url + layout.records_page("lifecycle").removesuffix(".md") + ".html")
    diagram = page.get_by_role("img", name="隐患生命周期：状态与转换")
    assert diagram.is_visible()
    box = diagram.bounding_box()
    assert box["width"] > 400 and box["height"] > 100
    for path in ("downloads/records/rules.json", "downloads/records/cadences.json",
                 "downloads/records/codes/sample-a.json", "downloads/records/examples/hazards.valid.jsonl"):
        assert page.request.get(base_url + path).ok, path
