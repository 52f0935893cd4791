"""The enterprise base record form (企业基础档案, 一企一档 004:102) in a real browser: live checks of the eight
items, export that `wsas records enterprises` accepts, import of the example, refusal of a hazard record, drafts."""

from __future__ import annotations

import json
import subprocess
import sys

from wsas.paths import records_dir
from wsas.site import layout

PAGE = layout.records_page("enterprise-form").removesuffix(".md") + ".html"
EXAMPLE = records_dir() / "examples" / "enterprises" / "E-2017-001.json"
ITEMS = {"/name": "浏览器测试企业（示例）", "/address": "郑州市惠济区示例路 2 号", "/scale": "规模以上", "/kind": "冶金",
         "/employees": "从业人员 120 人", "/processes": "电炉炼钢", "/standardization": "三级达标",
         "/threeSimultaneities": "无新建项目"}


def open_form(page, base_url):
    page.goto(base_url + PAGE)
    page.wait_for_selector(".wsas-enterprise-form[data-state=ready]", timeout=15000)
    return page


def test_missing_items_are_marked_until_filled_and_the_export_passes_the_check(page, base_url, tmp_path):
    open_form(page, base_url)
    root = page.locator(".wsas-enterprise-form")
    assert root.get_attribute("data-valid") == "false"
    assert page.locator("[data-field='/threeSimultaneities']").get_attribute("class").count("is-error") == 1
    page.fill("[name='/id']", "E-TEST-1")
    for pointer, value in ITEMS.items():
        page.fill(f"[name='{pointer}']", value)
    page.keyboard.press("Tab")
    page.wait_for_selector(".wsas-enterprise-form[data-valid=true]")
    assert page.locator("[data-problem-count]").inner_text() == "0"
    page.fill("[name='/updatedOn']", "2017-02-30")
    page.wait_for_selector(".wsas-enterprise-form[data-valid=false]")
    assert page.locator("[data-error='/updatedOn']").inner_text().strip()
    page.fill("[name='/updatedOn']", "2017-03-20")
    page.wait_for_selector(".wsas-enterprise-form[data-valid=true]")
    with page.expect_download() as info:
        page.click("[data-action=export]")
    exported = tmp_path / info.value.suggested_filename
    info.value.save_as(exported)
    assert exported.name == "E-TEST-1.json"
    document = json.loads(exported.read_text(encoding="utf-8"))
    assert document["$schema"].endswith("/enterprise.json") and document["threeSimultaneities"] == "无新建项目"
    checked = subprocess.run([sys.executable, "-m", "wsas", "records", "enterprises", str(exported)],
                             capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_the_example_loads_a_hazard_record_is_refused_and_the_draft_survives_a_reload(page, base_url, tmp_path):
    open_form(page, base_url)
    page.click("[data-action=example]")
    page.wait_for_selector(".wsas-enterprise-form[data-valid=true]")
    assert page.input_value("[name='/name']") == json.loads(EXAMPLE.read_text(encoding="utf-8"))["name"]
    hazard = records_dir() / "examples" / "hazards" / "H-2024-001.json"
    page.set_input_files("[data-import-input]", str(hazard))
    page.wait_for_selector("[data-errors]:not([hidden])")
    assert "不是企业基础档案" in page.locator("[data-errors]").inner_text()
    assert page.input_value("[name='/name']") == json.loads(EXAMPLE.read_text(encoding="utf-8"))["name"]
    page.reload()
    page.wait_for_selector(".wsas-enterprise-form[data-state=ready]")
    assert page.input_value("[name='/id']") == "E-2017-001"
    assert not page.locator("[data-draft-notice]").is_hidden()
