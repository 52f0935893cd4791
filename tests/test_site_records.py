"""The handbook's record pages: generated from records/ and schemas/, the state diagram, downloads, navigation."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from helpers import build_docs, mkdocs_site
from wsas.paths import records_dir
from wsas.programs import published_programs
from wsas.reading import load_document, load_json_file
from wsas.records import published_rules
from wsas.site import layout, records_view
from wsas.site.state_diagram import state_diagram_svg

RULES = published_rules().data
PAGES = [name for name, _ in records_view.PAGES]


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    return build_docs(tmp_path_factory, "handbook-records")


@pytest.fixture(scope="module")
def site(built) -> Path:
    return mkdocs_site(built)


def text(built: Path, name: str) -> str:
    return (built / layout.records_page(name)).read_text(encoding="utf-8")


def svg_of(page_text: str) -> str:
    return page_text[page_text.index("<svg"):page_text.index("</svg>") + 6]


# --------------------------------------------------------------------------- pages

def test_every_record_page_is_generated(built):
    for name in PAGES:
        assert (built / layout.records_page(name)).is_file(), name
    assert "一患一档" in text(built, "index") and "一图两卡四清单" in text(built, "index")
    assert "双重预防" in text(built, "index")


def test_the_lifecycle_page_lists_states_transitions_rules_and_codes_from_the_data(built):
    page = text(built, "lifecycle")
    for state in RULES["states"]:
        assert f"| **{state['label']}** | `{state['id']}` |" in page, state["id"]
    for transition in RULES["transitions"]:
        assert f"`{transition['id']}`" in page and transition["label"] in page, transition["id"]
    for rule in RULES["rules"]:
        assert f"`{rule['id']}`" in page and f"`{rule['code']}`" in page, rule["id"]
        for program in ([] if rule["appliesTo"] == "all" else rule["appliesTo"]):
            assert f"[{program}](../programs/{program}.md)" in page
    for code in ("schema", "invalid-date", "unknown-program", "duplicate-id", "bad-transition", "state-mismatch",
                 "date-order", "missing-for-state"):
        assert f"| `{code}` |" in page, code
    # the citation of every state names its lines and links the program
    assert "[002:59](../programs/xinzhou-2020.md)「验收销号」" in page
    # the cumulative requirements: 销号 needs 登记's fields too
    closed_row = next(line for line in page.splitlines() if line.startswith("| **销号** |") and "`/source`" in line)
    assert "`/closed/at`" in closed_row and "`/acceptance/comment`" in closed_row


def test_the_state_diagram_has_every_state_and_transition(built):
    svg = svg_of(text(built, "lifecycle"))
    assert "\n\n" not in svg and "<script" not in svg and "http://" not in svg.replace(
        'xmlns="http://www.w3.org/2000/svg"', "")
    states = re.findall(r'<g class="wsas-state" data-state="([^"]+)"', svg)
    assert states == [s["id"] for s in RULES["states"]]
    transitions = re.findall(r'data-transition="([^"]+)" data-from="([^"]+)" data-to="([^"]+)"', svg)
    assert transitions == [(t["id"], t["from"], t["to"]) for t in RULES["transitions"]]
    for state in RULES["states"]:
        assert f">{state['label']}</text>" in svg
    for transition in RULES["transitions"]:
        assert f">{transition['label']}</text>" in svg
    # the rejection goes back (below the row, dashed) and on-the-spot jumps ahead (above)
    reject = re.search(r'data-transition="reject".*?</g>', svg).group(0)
    assert "stroke-dasharray" in reject
    assert 'role="img"' in svg and "<title" in svg


def test_the_diagram_follows_the_data(built):
    rules = json.loads(json.dumps(RULES))
    rules["states"].append({"id": "archived", "label": "归档", "labelEn": "archived", "open": False, "source": []})
    rules["transitions"].append({"id": "archive", "from": "closed", "to": "archived", "label": "归档",
                                 "labelEn": "archive", "source": []})
    rules["transitions"].append({"id": "reopen", "from": "closed", "to": "registered", "label": "重新登记",
                                 "labelEn": "reopen", "source": []})
    svg = state_diagram_svg(rules, "test")
    assert 'data-state="archived"' in svg
    assert 'data-transition="archive"' in svg and 'data-transition="reopen"' in svg
    assert int(re.search(r'viewBox="0 0 (\d+)', svg).group(1)) > int(
        re.search(r'viewBox="0 0 (\d+)', state_diagram_svg(RULES)).group(1))


def test_each_erratum_of_the_rules_is_shown_once_across_the_record_pages(built):
    pages = {name: text(built, name) for name in PAGES}
    for erratum in RULES["errata"]:
        callout = f'!!! warning "勘误 {erratum["id"]}"'
        places = [name for name, page in pages.items() if callout in page and name != "cadence-import"]
        assert len(places) == 1, (erratum["id"], places)
        assert pages[places[0]].count(callout) == 1
    assert '!!! warning "勘误 E1"' in pages["risk-levels"]
    assert '!!! warning "勘误 E4"' in pages["lists"]
    cadences = load_document(records_dir() / "cadences.yaml")
    for erratum in cadences["errata"]:
        assert pages["cadence-import"].count(f'!!! warning "勘误 {erratum["id"]}"') == 1


def test_the_risk_page_shows_the_four_colours(built):
    page = text(built, "risk-levels")
    for level in RULES["riskLevels"]:
        assert f"background:{level['colour']}" in page, level["id"]
        assert f"**{level['label']}**" in page and level["colourLabel"] in page
    assert "外部：安委办〔2016〕11号" in page and "#e60012" not in page
    order = [page.index(f"**{level['label']}**") for level in RULES["riskLevels"]]
    assert order == sorted(order)
    assert "`reviewedAt`" in page and "`measures`" in page


def test_the_lists_page_shows_the_lists_as_the_command_builds_them(built):
    page = text(built, "lists")
    for kind in ("risk-list", "measure-list", "hazard-list", "rectification-list", "notice-card", "response-card"):
        assert f"`{kind}`" in page, kind
    for title in ("问题隐患清单", "问题隐患整改清单", "风险清单", "风险管控措施清单", "安全告知卡", "应急处置卡"):
        assert title in page
    # the examples are the command's Markdown output for the example ledgers
    assert "| 隐患编号 | 隐患名称 | 隐患等级 |" in page
    assert "H-2024-001" in page and "R-GQ-01" in page


def test_the_cadence_page_shows_every_program_and_the_sample_code_tables(built):
    page = text(built, "cadence-import")
    cadences = load_document(records_dir() / "cadences.yaml")
    for program in cadences["programs"]:
        assert f"{{#cadence-{program['program']}}}" in page
        for level in program["levels"]:
            assert f"| {level['label']} | `{level['id']}` | {level['inspection']} |" in page
    for table in sorted((records_dir() / "codes").glob("*.yaml")):
        data = load_document(table)
        assert f"### 示例：{data['title']}" in page
        assert data["illustrative"] is True
    assert page.count('!!! warning "示例"') == len(list((records_dir() / "codes").glob("*.yaml")))
    assert "不是任何真实平台的编码" in page
    assert "../spec/records-cadence-import.md" in page


def test_the_form_page_points_at_files_that_exist(built):
    page = text(built, "hazard-form")
    assert '<div class="wsas-hazard-form"' in page
    urls = re.findall(r'data-[a-z-]+-(?:url|base)="\.\./([^"]+)"', page)
    assert len(urls) == 3
    for url in urls:
        assert (built / url).exists(), url
    assert (built / "downloads/schemas/v1/hazard.json").is_file()
    programs = json.loads(re.search(r'data-programs="([^"]+)"', page).group(1).replace("&quot;", '"'))
    assert [p["id"] for p in programs] == list(published_programs())


# --------------------------------------------------------------------------- downloads

def test_downloads_equal_the_data(built):
    root = records_dir()
    assert load_json_file(built / layout.records_download("rules.json")) == load_document(root / "rules.yaml")
    assert load_json_file(built / layout.records_download("cadences.json")) == load_document(root / "cadences.yaml")
    tables = sorted((root / "codes").glob("*.yaml"))
    assert tables
    for table in tables:
        assert load_json_file(built / layout.records_download(f"codes/{table.stem}.json")) == load_document(table)
    examples = [p for p in sorted((root / "examples").rglob("*")) if p.is_file() and p.suffix != ".md"]
    assert len(examples) > 20
    for path in examples:
        relative = path.relative_to(root / "examples").as_posix()
        assert (built / layout.records_download(f"examples/{relative}")).read_bytes() == path.read_bytes(), relative
    assert not list((built / "downloads" / "records").rglob("*.md"))  # MkDocs would make pages of them


def test_every_download_linked_from_the_record_pages_exists(built):
    for name in PAGES:
        for target in re.findall(r"\]\(((?:\.\./)+downloads/[^)#\s]+)\)", text(built, name)):
            assert (built / layout.records_page(name)).parent.joinpath(target).resolve().is_file(), (name, target)


# --------------------------------------------------------------------------- navigation and site

def test_the_navigation_lists_the_record_pages(built):
    nav = yaml.safe_load((built / layout.NAV_FILE).read_text(encoding="utf-8"))["nav"]
    section = next(entry["隐患与风险记录"] for entry in nav if "隐患与风险记录" in entry)
    assert [list(item.values())[0] for item in section] == [layout.records_page(name) for name in PAGES]
    assert [list(item.keys())[0] for item in section][-2:] == ["隐患登记表", "企业基础档案"]


def test_the_enterprise_form_page_and_its_schema(built):
    page = text(built, "enterprise-form")
    assert 'class="wsas-enterprise-form"' in page and "downloads/records/examples/enterprises/E-2017-001.json" in page
    assert "004:102" in page and "一企一档" in page
    assert "企业基础档案" in text(built, "index") and "enterprise-form.md" in text(built, "index")
    schema_page = (built / layout.schema_page("enterprise")).read_text(encoding="utf-8")
    assert "threeSimultaneities" in schema_page and "004:102" in schema_page


def test_the_home_page_links_the_records_for_staff_and_vendors(built):
    home = (built / "index.md").read_text(encoding="utf-8")
    staff = home[home.index("### 安全监管人员"):home.index("### 系统厂商")]
    vendors = home[home.index("### 系统厂商"):home.index("### 评估人员")]
    assert "(records/hazard-form.md)" in staff and "(records/lifecycle.md)" in staff
    assert "(records/index.md)" in vendors


def test_the_record_pages_build_strictly_and_stay_offline(site):
    for name in PAGES:
        html = (site / layout.records_page(name).replace(".md", ".html")).read_text(encoding="utf-8")
        assert not re.search(r'(?:href|src|action)="(?:https?:)?//', html), name
    lifecycle = (site / layout.records_page("lifecycle").replace(".md", ".html")).read_text(encoding="utf-8")
    assert lifecycle.count('class="wsas-state"') == len(RULES["states"])
    assert 'id="erratum-E8"' in lifecycle
