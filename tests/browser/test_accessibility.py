"""Accessibility of the handbook (site_src/pages/accessibility.md): WCAG 2.1 AA as axe-core checks it, keyboard
operation of the forms, accessible names, announced errors and totals, and text equivalents of the pictures.

axe-core comes from npm (package.json devDependencies; node_modules/axe-core/axe.min.js is loaded into each page).
Every generated page is checked in the light scheme at desktop width; the dark scheme and a phone's width are
checked on a representative set (every form, the batch page, a rubric, a program with its timeline, the state
diagram, a spec page, the bulletin, the home page and this page's own), since all pages in all four would take
several minutes on a two-core machine. WSAS_AXE_EVERY_VARIANT=1 checks every page in all four.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, SITE
from wsas.site import layout

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
VARIANTS = {"light-desktop": ("light", 1280), "dark-desktop": ("dark", 1280), "light-phone": ("light", 390),
            "dark-phone": ("dark", 390)}
REPRESENTATIVE = ["index.html", "accessibility.html", "batch.html", "records/hazard-form.html",
                  "records/enterprise-form.html", "records/lifecycle.html", "rubrics/shishi-2024-town.html",
                  "programs/lianyungang-2020.html", "spec/scoring.html", "bulletins/lianyungang-2020-sample.html"]
TOWN = "forms/shishi-2024-town.html"
RUN_AXE = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
  return result.violations.filter((v) => v.impact === "serious" || v.impact === "critical").flatMap((v) =>
    v.nodes.map((node) => ({rule: v.id, impact: v.impact, target: node.target.join(" "),
      summary: (node.failureSummary || "").replace(/\\s+/g, " ")})));
}"""
# a page is settled when no form or batch page is still loading
SETTLED = """() => document.readyState === "complete" && !document.querySelector("[data-state=loading], [aria-busy=true]")
  && [...document.querySelectorAll(".wsas-form, .wsas-hazard-form, .wsas-enterprise-form")].every((f) => f.dataset.state)
  && [...document.querySelectorAll(".wsas-batch")].every((b) => b.hasAttribute("data-batch-ready"))"""


def site_pages() -> list[str]:
    return sorted(p.relative_to(SITE).as_posix() for p in SITE.rglob("*.html"))


def form_pages() -> list[str]:
    return sorted(p.relative_to(SITE).as_posix() for p in (SITE / "forms").glob("*.html"))


@pytest.fixture(scope="module")
def axe_ready(site):
    assert AXE.is_file(), "axe-core is missing: run `npm ci` in the repository root"
    return AXE


def new_page(browser, base_url, scheme="light", width=1280, axe=None):
    """A page of a new context (service workers blocked, other origins refused and recorded, axe preloaded)."""
    context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme, locale="zh-CN",
                                  accept_downloads=True, service_workers="block")
    foreign, errors = [], []

    def guard(route):
        ours = route.request.url.startswith((base_url, "data:", "blob:"))
        if not ours:
            foreign.append(route.request.url)
        route.continue_() if ours else route.abort()

    context.route("**/*", guard)
    if axe:
        context.add_init_script(path=str(axe))
    # window.print() would open the print preview: counted instead
    context.add_init_script(script="window.__printed = 0; window.print = () => { window.__printed += 1; };")
    page = context.new_page()
    # file choosers are intercepted from the start: enabled at the first expect_file_chooser, the switch can
    # come after the click that opens one
    page.on("filechooser", lambda chooser: None)
    page.on("pageerror", lambda error: errors.append(f"{page.url}: {error}"))
    page.foreign, page.errors = foreign, errors
    return context, page


def settle(page):
    page.wait_for_function(SETTLED, timeout=30000)
    page.evaluate("() => new Promise((done) => setTimeout(done, 250))")   # scroll regions are marked after load


def axe_violations(page, path, base_url) -> list[str]:
    page.goto(base_url + path, wait_until="load")
    settle(page)
    found = page.evaluate(RUN_AXE, TAGS)
    return [f"{path}: {v['rule']} ({v['impact']}) at {v['target']} — {v['summary']}" for v in found]


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_no_serious_or_critical_axe_violation(browser, base_url, axe_ready, variant, capsys):
    scheme, width = VARIANTS[variant]
    every = variant == "light-desktop" or os.environ.get("WSAS_AXE_EVERY_VARIANT") == "1"
    pages = site_pages() if every else [*form_pages(), *REPRESENTATIVE]
    assert set(REPRESENTATIVE) <= set(site_pages()), "a representative page is missing from the build"
    context, page = new_page(browser, base_url, scheme, width, axe_ready)
    try:
        violations = [line for path in pages for line in axe_violations(page, path, base_url)]
    finally:
        context.close()
    assert not page.foreign and not page.errors, (page.foreign, page.errors)
    assert not violations, f"{len(violations)} serious or critical axe violations ({variant}):\n" + "\n".join(violations)


def test_the_search_dialog_has_a_name(browser, base_url, axe_ready):
    context, page = new_page(browser, base_url, axe=axe_ready)
    try:
        page.goto(base_url + "index.html")
        settle(page)
        assert page.get_by_role("dialog", name="查找").count() == 1
        found = page.evaluate("""async () => (await axe.run(document, {runOnly: {type: "rule", values: ["aria-dialog-name"]}}))
          .violations.length""")
        assert found == 0
    finally:
        context.close()


# ---- keyboard -------------------------------------------------------------------------------------------------

def luminance(rgb: str) -> float:
    channels = [int(c) / 255 for c in re.findall(r"[\d.]+", rgb)[:3]]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


# what a focusable element is, in words: "action:export", "criterion:1.1", "reason:1.1", "name:period", "a:勘误 E8"
DESCRIBE = """(el) => {
  for (const key of ["action", "criterion", "na", "reason", "evidence"]) if (el.dataset[key]) return `${key}:${el.dataset[key]}`;
  if (el.getAttribute("name")) return `name:${el.getAttribute("name")}`;
  return `${el.tagName.toLowerCase()}:${el.textContent.trim()}`;
}"""
FOCUSED = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  if (!el.__stop) el.__stop = (window.__stops = (window.__stops || 0) + 1);
  return {what: (%s)(el), stop: el.__stop, name: el.getAttribute("name") || "", action: el.dataset.action || "",
    criterion: el.dataset.criterion || "", reason: el.dataset.reason || "", inForm: Boolean(el.closest(".wsas-form")),
    outline: style.outlineStyle, outlineWidth: parseFloat(style.outlineWidth), outlineColor: style.outlineColor,
    page: getComputedStyle(document.body).backgroundColor};
}""" % DESCRIBE
# the form's focusable elements in document order: what Tab should visit
TAB_STOPS = """(root) => [...root.querySelectorAll("a[href], button, input, select, textarea, [tabindex]")]
  .filter((el) => el.tabIndex >= 0 && !el.disabled && el.getClientRects().length > 0).map(%s)""" % DESCRIBE


def focused(page) -> dict:
    return page.evaluate(FOCUSED)


def key(page, name: str) -> dict:
    page.keyboard.press(name)
    return focused(page)


def tab_to(page, test, back=False, limit=600) -> dict:
    """Press Tab (Shift+Tab when back) until test(focused) holds."""
    for _ in range(limit):
        now = key(page, "Shift+Tab" if back else "Tab")
        if test(now):
            return now
    raise AssertionError("never reached by the keyboard")


def assert_visible_focus(now: dict):
    assert now["outline"] not in ("none", "") and now["outlineWidth"] >= 1.9, f"no focus ring on {now}"
    assert contrast(now["outlineColor"], now["page"]) >= 3, f"focus ring too faint on {now}"


def test_a_rubric_form_is_filled_corrected_exported_cleared_imported_and_printed_by_keyboard(
        browser, base_url, site, tmp_path):
    """Tab and Shift+Tab to move; typing, Backspace and the arrow keys inside a field; Enter or Space on a button."""
    rubric = json.loads((SITE / layout.rubric_download("shishi-2024/town")).read_text(encoding="utf-8"))
    criteria = {c["id"]: c for s in rubric["sections"] for i in s["items"] for c in i["criteria"]}
    header = {"subject.name": "示例镇（键盘填报）", "subject.region": "示例市", "period": "2024"}
    context, page = new_page(browser, base_url)
    try:
        page.goto(base_url + TOWN)
        settle(page)
        assert not page.evaluate("[...document.querySelectorAll('[tabindex]')].some((el) => el.tabIndex > 0)"), \
            "no positive tabindex: the order is the document's"
        now = tab_to(page, lambda f: f["action"] == "export")
        order, last = [], None
        corrected = False
        while now["inForm"]:
            assert_visible_focus(now)
            if now["stop"] != last:   # a date input stops on its year, month and day
                order.append(now["what"])
                last = now["stop"]
            if now["name"] in header and now["name"] != "notes":
                page.keyboard.type(header.pop(now["name"]))
            elif now["criterion"]:
                criterion = criteria[now["criterion"]]
                kind = criterion["rule"]["kind"]
                if kind == "yes-no":
                    page.keyboard.press("ArrowDown")            # 是（符合）
                elif kind == "judgement" and not corrected:
                    page.keyboard.type("99")                    # over the points: an error, announced
                    wrong = focused(page)
                    key(page, "Tab")
                    control = page.locator(f"[data-criterion='{now['criterion']}']")
                    assert control.get_attribute("aria-invalid") == "true"
                    error = page.locator(f"[data-error='{now['criterion']}']")
                    assert error.is_visible() and error.get_attribute("role") == "alert"
                    assert error.get_attribute("id") in control.get_attribute("aria-describedby").split()
                    assert key(page, "Shift+Tab")["what"] == wrong["what"]
                    page.keyboard.press("Backspace")
                    page.keyboard.press("Backspace")
                    page.keyboard.type(str(criterion["points"]))
                    corrected = True
                elif kind == "judgement":
                    page.keyboard.type(str(criterion["points"]))
                elif kind == "per-finding":
                    page.keyboard.type("0")
                else:
                    page.keyboard.type("100")
            now = key(page, "Tab")
        assert corrected and not header
        # the order is the page's: toolbar, header fields, the table row by row and left to right, nothing skipped
        stops = page.locator(".wsas-form").evaluate(TAB_STOPS)
        assert order == stops
        assert order[:5] == ["action:export", "action:import", "action:example", "action:clear", "action:print"]
        fields = [a.removeprefix("name:") for a in order if a.startswith("name:")]
        assert fields[:8] == page.eval_on_selector_all("[data-field]", "els => els.map((e) => e.dataset.field)")
        rows = page.eval_on_selector_all("tr[data-row]", "rows => rows.map((r) => r.dataset.row)")
        assert [a.removeprefix("criterion:") for a in order if a.startswith("criterion:")] == rows
        for row in rows:
            assert {f"reason:{row}", f"evidence:{row}"} <= set(order), row
        root = page.locator(".wsas-form")
        page.wait_for_selector(".wsas-form[data-valid=true]")
        score = page.locator("[data-score]").inner_text()
        page.wait_for_function("() => /得分/.test(document.querySelector('[data-announce]').textContent)")

        # export: back to the toolbar, Enter
        tab_to(page, lambda f: f["action"] == "export", back=True)
        with page.expect_download() as info:
            page.keyboard.press("Enter")
        exported = tmp_path / info.value.suggested_filename
        info.value.save_as(exported)
        checked = subprocess.run([sys.executable, "-m", "wsas", "validate", str(exported)], capture_output=True,
                                 text=True)
        assert checked.returncode == 0, checked.stdout + checked.stderr

        # clear: Tab to 清空表单, Enter, confirm
        assert key(page, "Tab")["action"] == "import"
        assert key(page, "Tab")["action"] == "example"
        assert key(page, "Tab")["action"] == "clear"
        page.once("dialog", lambda dialog: dialog.accept())
        page.keyboard.press("Enter")
        page.wait_for_function("() => document.querySelector('[data-missing-count]').textContent !== '0'")
        assert root.get_attribute("data-valid") == "false" and page.input_value("[name='subject.name']") == ""
        page.wait_for_function("() => /已清空表单/.test(document.querySelector('[data-announce]').textContent)")

        # import: Shift+Tab to 导入 JSON, Enter opens the file chooser
        assert key(page, "Shift+Tab")["action"] == "example"
        assert key(page, "Shift+Tab")["action"] == "import"
        with page.expect_file_chooser() as chooser:
            page.keyboard.press("Enter")
        chooser.value.set_files(str(exported))
        page.wait_for_selector(".wsas-form[data-valid=true]")
        assert page.locator("[data-score]").inner_text() == score
        assert "已导入" in page.locator("[data-message]").inner_text()
        assert page.locator("[data-message]").get_attribute("role") == "status"

        # print: Tab to 打印, Space
        for action in ("example", "clear", "print"):
            assert key(page, "Tab")["action"] == action
        page.keyboard.press("Space")
        assert page.evaluate("window.__printed") == 1
        assert focused(page)["action"] == "print"
    finally:
        context.close()
    assert not page.foreign and not page.errors, (page.foreign, page.errors)


def test_the_enterprise_and_hazard_forms_work_by_keyboard(browser, base_url, site, tmp_path):
    values = {"/id": "E-KEY-1", "/name": "键盘测试企业（示例）", "/address": "示例路 1 号", "/scale": "小型",
              "/kind": "机械", "/employees": "30 人", "/processes": "机加工", "/standardization": "三级",
              "/threeSimultaneities": "无新建项目"}
    context, page = new_page(browser, base_url)
    try:
        page.goto(base_url + layout.records_page("enterprise-form").removesuffix(".md") + ".html")
        settle(page)
        now = tab_to(page, lambda f: f["action"] == "export")
        left = dict(values)
        while now["action"] != "" or now["name"] or left:
            assert_visible_focus(now)
            if now["name"] in left:
                page.keyboard.type(left.pop(now["name"]))
            if not now["name"] and not now["action"]:
                break
            now = key(page, "Tab")
        assert not left
        page.wait_for_selector(".wsas-enterprise-form[data-valid=true]")
        page.wait_for_function("() => /可以导出/.test(document.querySelector('[data-announce]').textContent)")
        tab_to(page, lambda f: f["action"] == "export", back=True)
        with page.expect_download() as info:
            page.keyboard.press("Enter")
        exported = tmp_path / info.value.suggested_filename
        info.value.save_as(exported)
        assert json.loads(exported.read_text(encoding="utf-8"))["name"] == values["/name"]

        # the hazard form: add a history row with Enter, its first cell takes the focus; remove it with Enter and
        # the focus stays in the table (on 添加)
        page.goto(base_url + layout.records_page("hazard-form").removesuffix(".md") + ".html")
        settle(page)
        add = tab_to(page, lambda f: f["action"] == "add-row")
        assert_visible_focus(add)
        page.keyboard.press("Enter")
        cell = focused(page)
        assert cell["name"] == "/history/0/state"
        assert page.get_by_role("combobox", name="状态历史第1行：进入的状态").count() == 1
        remove = tab_to(page, lambda f: f["action"] == "remove-row")
        assert page.get_by_role("button", name="删除状态历史第1行").count() == 1
        page.keyboard.press("Enter")
        assert focused(page)["action"] == "add-row"
        assert page.locator("tr[data-row]").count() == 0
        assert remove
    finally:
        context.close()
    assert not page.foreign and not page.errors, (page.foreign, page.errors)


def test_focus_rings_are_visible_in_the_dark_scheme(browser, base_url, site):
    context, page = new_page(browser, base_url, scheme="dark")
    try:
        page.goto(base_url + TOWN)
        settle(page)
        assert_visible_focus(tab_to(page, lambda f: f["action"] == "export"))
        assert_visible_focus(tab_to(page, lambda f: f["name"] == "period"))
        assert_visible_focus(tab_to(page, lambda f: bool(f["criterion"])))
        assert_visible_focus(tab_to(page, lambda f: bool(f["reason"])))
    finally:
        context.close()


# ---- names, errors, live total --------------------------------------------------------------------------------

ROLES = {"judgement": "spinbutton", "per-finding": "spinbutton", "rate-tiers": "spinbutton",
         "shortfall-steps": "spinbutton", "yes-no": "combobox", "veto": "checkbox"}


def expected_name(criterion: dict) -> str:
    rule, points = criterion["rule"], criterion["points"]
    what = {"judgement": f"评定得分（0–{points:g} 分）", "yes-no": "是否符合（是／否）",
            "per-finding": f"发现数（{rule.get('unit')}，0 或正整数）", "rate-tiers": f"{rule.get('measure')}（0–100 %）",
            "shortfall-steps": f"{rule.get('measure')}（0–100 %）", "veto": "触发否决（否决项）"}[rule["kind"]]
    text = f"{criterion['label']} {criterion['text']}" if criterion.get("label") else criterion["text"]
    return f"细则 {criterion['id']} {what}：{text}"


@pytest.mark.parametrize("path", ["forms/shishi-2024-town.html", "forms/lianyungang-2020-enterprise.html"])
def test_every_criterion_input_is_named_with_its_number_text_and_what_it_takes(browser, base_url, site, path):
    context, page = new_page(browser, base_url)
    try:
        page.goto(base_url + path)
        settle(page)
        rubric_id = page.locator(".wsas-form").get_attribute("data-rubric")
        rubric = json.loads((SITE / layout.rubric_download(rubric_id)).read_text(encoding="utf-8"))
        for criterion in (c for s in rubric["sections"] for i in s["items"] for c in i["criteria"]):
            cid = criterion["id"]
            control = page.get_by_role(ROLES[criterion["rule"]["kind"]], name=expected_name(criterion), exact=True)
            assert control.count() == 1, expected_name(criterion)
            described = control.get_attribute("aria-describedby").split()
            assert page.locator(f"[data-error='{cid}']").get_attribute("id") in described
            assert page.get_by_role("textbox", name=f"细则 {cid} 扣分原因（文字）", exact=True).count() == 1
            assert page.get_by_role("textbox", name=f"细则 {cid} 佐证（文字）", exact=True).count() == 1
        # the accessibility snapshot: no field of the form without a name
        snapshot = page.locator(".wsas-form").aria_snapshot()
        unnamed = re.findall(r"^\s*- (?:textbox|spinbutton|combobox|checkbox)(?:\s*\[[^\]]*\])?:?\s*$", snapshot, re.M)
        assert not unnamed, unnamed
        assert page.get_by_role("textbox", name="评估期").count() == 1
    finally:
        context.close()


@pytest.mark.parametrize("path, root", [("records/hazard-form.html", ".wsas-hazard-form"),
                                        ("records/enterprise-form.html", ".wsas-enterprise-form")])
def test_every_record_field_has_a_name(browser, base_url, site, path, root):
    context, page = new_page(browser, base_url)
    try:
        page.goto(base_url + path)
        settle(page)
        snapshot = page.locator(root).aria_snapshot()
        fields = re.findall(r"^\s*- (?:textbox|spinbutton|combobox|checkbox)\b.*$", snapshot, re.M)
        assert len(fields) >= 10
        assert all('"' in line for line in fields), [line for line in fields if '"' not in line]
    finally:
        context.close()


def test_errors_are_announced_and_the_total_is_read_on_change_not_on_each_keystroke(browser, base_url, site):
    context, page = new_page(browser, base_url)
    try:
        page.goto(base_url + TOWN)
        settle(page)
        live = page.locator("[data-announce]")
        assert live.get_attribute("aria-live") == "polite" and live.get_attribute("role") == "status"
        assert page.locator(".wsas-form [aria-live=assertive]").count() == 0
        # a header error: aria-invalid and the message in the field's description, once the field is left
        page.locator("[name=period]").focus()
        page.keyboard.type("2024年")
        page.keyboard.press("Tab")
        page.wait_for_function("() => /需要更正/.test(document.querySelector('[data-announce]').textContent)")
        period = page.locator("[name=period]")
        page.wait_for_function("() => document.querySelector('[name=period]').getAttribute('aria-invalid') === 'true'")
        error_id = page.locator("[data-error=period]").get_attribute("id")
        assert error_id in period.get_attribute("aria-describedby").split()
        assert page.locator(f"#{error_id}").inner_text().strip()
        # typing a value announces nothing; leaving the field announces the total
        first = page.locator("[data-kind=judgement]").first
        first.focus()
        before = live.text_content()
        page.keyboard.type("1")
        page.wait_for_timeout(900)
        assert live.text_content() == before
        page.keyboard.press("Tab")
        page.wait_for_function("(before) => document.querySelector('[data-announce]').textContent !== before", arg=before)
        assert "已填细则合计 1 分" in live.text_content()
    finally:
        context.close()


# ---- pictures -------------------------------------------------------------------------------------------------

LABELLED = """(svg) => {
  const [title, desc] = svg.getAttribute("aria-labelledby").split(" ").map((id) => document.getElementById(id));
  return {role: svg.getAttribute("role"), title: title && svg.contains(title) ? title.textContent : null,
    desc: desc && svg.contains(desc) ? desc.textContent : null};
}"""


def test_the_state_diagram_timelines_and_charts_have_text_equivalents(browser, base_url, site):
    rules = json.loads((SITE / "downloads" / "records" / "rules.json").read_text(encoding="utf-8"))
    context, page = new_page(browser, base_url)
    try:
        page.goto(base_url + "records/lifecycle.html")
        settle(page)
        diagram = page.locator("svg.wsas-state-diagram").evaluate(LABELLED)
        assert diagram["role"] == "img" and diagram["title"] == "隐患生命周期：状态与转换"
        for state in rules["states"]:
            assert state["label"] in diagram["desc"]
        for transition in rules["transitions"]:
            assert transition["label"] in diagram["desc"]
        assert page.get_by_role("img", name="隐患生命周期：状态与转换").count() == 1

        for program in ("lianyungang-2020", "shishi-2024"):
            page.goto(base_url + layout.program_page(program).removesuffix(".md") + ".html")
            settle(page)
            timeline = page.locator("svg.wsas-timeline")
            labelled = timeline.evaluate(LABELLED)
            assert labelled["role"] == "img" and labelled["title"] and "明细见下表" in labelled["desc"]
            dated = int(re.search(r"(\d+) 个到期日", labelled["desc"]).group(1))
            table = page.locator("figure.wsas-timeline-figure + * table, figure.wsas-timeline-figure ~ div table").first
            assert table.locator("thead th").first.inner_text() == "到期日"
            assert table.locator("tbody tr").count() >= dated

        page.goto(base_url + layout.bulletin_page("lianyungang-2020").removesuffix(".md") + ".html")
        settle(page)
        charts = page.locator("svg.wsas-chart")
        assert charts.count() == 6
        for index in range(charts.count()):
            chart = charts.nth(index)
            labelled = chart.evaluate(LABELLED)
            assert labelled["role"] == "img" and labelled["title"]
            bars = chart.locator("rect > title").all_text_contents()
            items = [item for item in labelled["desc"].split("；") if not item.startswith("虚线")]
            assert len(items) == len(bars), (bars, labelled["desc"])   # every bar said in words
    finally:
        context.close()


def test_the_accessibility_page_is_in_the_navigation_and_states_the_level(browser, base_url, site):
    context, page = new_page(browser, base_url)
    try:
        page.goto(base_url + "index.html")
        settle(page)
        assert page.locator("nav a[href$='accessibility.html']").count() >= 1
        page.goto(base_url + "accessibility.html")
        settle(page)
        text = page.locator("article").inner_text()
        assert "WCAG 2.1" in text and "AA" in text and "axe-core" in text and "test_accessibility.py" in text
    finally:
        context.close()


def test_wide_tables_on_a_phone_can_be_scrolled_by_keyboard(browser, base_url, site):
    context, page = new_page(browser, base_url, width=390)
    try:
        page.goto(base_url + "records/lists.html")
        settle(page)
        regions = page.locator(".md-typeset__scrollwrap[role=region][tabindex='0']")
        assert regions.count() >= 1
        assert "可左右滚动" in regions.first.get_attribute("aria-label")
        regions.first.focus()
        page.keyboard.press("ArrowRight")
        page.wait_for_function("(el) => el.scrollLeft > 0", arg=regions.first.element_handle())
    finally:
        context.close()
