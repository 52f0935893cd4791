"""The handbook generator: pages for every rubric and program, downloads equal to the data, strict MkDocs, search."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from helpers import build_docs, mkdocs_site
from wsas.output import dumps
from wsas.paths import rubrics_dir, schemas_dir
from wsas.programs import published_programs
from wsas.reading import load_document, load_json_file
from wsas.rubrics import published_catalogue
from wsas.schemas import NAMES, bundle
from wsas.site import SiteError, build_site, layout
from wsas.site.words import due_words, rule_words

RUBRICS = list(published_catalogue())
PROGRAMS = list(published_programs().values())


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    return build_docs(tmp_path_factory, "handbook")


@pytest.fixture(scope="module")
def site(built) -> Path:
    return mkdocs_site(built)


def test_one_page_per_rubric_and_per_program(built):
    assert sorted(p.name for p in (built / "rubrics").glob("*.md")) == sorted(
        Path(layout.rubric_page(r.id)).name for r in RUBRICS)
    assert sorted(p.name for p in (built / "forms").glob("*.md")) == sorted(
        Path(layout.form_page(r.id)).name for r in RUBRICS)
    assert sorted(p.name for p in (built / "programs").glob("*.md")) == sorted(f"{p.id}.md" for p in PROGRAMS)
    for name in NAMES:
        assert (built / layout.schema_page(name)).is_file()
    for page in ("index.md", "vendors.md", "schemas/index.md", "spec/index.md", "validate.md"):
        assert (built / page).is_file(), page


def test_rubric_and_program_downloads_equal_the_data(built):
    for rubric in RUBRICS:
        assert load_json_file(built / layout.rubric_download(rubric.id)) == load_document(rubric.path)
    for program in PROGRAMS:
        assert load_json_file(built / layout.program_download(program.id)) == load_document(program.path)


def test_schemas_examples_and_vectors_are_byte_copies(built):
    for name in NAMES:
        assert (built / layout.schema_download(name)).read_bytes() == (schemas_dir() / f"{name}.json").read_bytes()
    assert (built / layout.BUNDLE).read_text(encoding="utf-8") == dumps(bundle()) + "\n"
    examples = sorted(rubrics_dir().glob("*/examples/*.json")) + sorted(rubrics_dir().glob("*/examples/eventlogs/*.json"))
    assert examples
    for path in examples:
        program = path.relative_to(rubrics_dir()).parts[0]
        target = (layout.eventlog_download(program, path.name) if path.parent.name == "eventlogs"
                  else layout.example_download(program, path.name))
        assert (built / target).read_bytes() == path.read_bytes(), path
    vectors = sorted(layout.CONFORMANCE.rglob("*.json"))
    assert len(vectors) > 20
    for path in vectors:
        target = built / layout.conformance_download(path.relative_to(layout.CONFORMANCE).as_posix())
        assert target.read_bytes() == path.read_bytes(), path


def test_every_erratum_is_shown_on_its_page(built):
    for rubric in RUBRICS:
        text = (built / layout.rubric_page(rubric.id)).read_text(encoding="utf-8")
        for erratum in rubric.data["errata"]:
            assert text.count(f'!!! warning "勘误 {erratum["id"]}"') == 1, (rubric.id, erratum["id"])
            assert f'<a id="erratum-{erratum["id"]}"></a>' in text
    for program in PROGRAMS:
        text = (built / layout.program_page(program.id)).read_text(encoding="utf-8")
        for erratum in program.data.get("errata", []):
            assert text.count(f'!!! warning "勘误 {erratum["id"]}"') == 1, (program.id, erratum["id"])


def test_an_erratum_follows_the_rows_it_affects(built):
    text = (built / layout.rubric_page("lianyungang-2020/enterprise")).read_text(encoding="utf-8")
    # E1 realigns items 6–10: it comes after row 10 and before row 11.
    assert text.index('id="item-10"') < text.index('"勘误 E1"') < text.index('id="item-11"')
    assert text.index('id="item-6"') < text.index('"勘误 E2"') < text.index('id="item-7"')


def test_form_pages_hold_the_agreed_markup(built):
    for rubric in RUBRICS:
        program, name = rubric.id.split("/")
        text = (built / layout.form_page(rubric.id)).read_text(encoding="utf-8")
        markup = (f'<div class="wsas-form"\n'
                  f'     data-rubric-url="../downloads/rubrics/{program}/{name}.json"\n'
                  f'     data-schema-base="../downloads/schemas/v1/"\n'
                  f'     data-example-url="../downloads/examples/{program}/{name}.valid.json"></div>')
        assert markup in text, rubric.id
        for url in re.findall(r'data-[a-z-]+-url="\.\./([^"]+)"', text):
            assert (built / url).is_file(), url
        assert (built / "downloads/schemas/v1/submission.json").is_file()


def test_rubric_tables_list_every_criterion(site):
    for rubric in RUBRICS:
        html = (site / layout.rubric_page(rubric.id).replace(".md", ".html")).read_text(encoding="utf-8")
        for criterion_id in rubric.criteria:
            assert re.search(rf'<td><a id="criterion-{re.escape(criterion_id)}"></a>', html), (rubric.id, criterion_id)


def test_program_pages_draw_the_example_timeline(built):
    for program in PROGRAMS:
        text = (built / layout.program_page(program.id)).read_text(encoding="utf-8")
        if (rubrics_dir() / program.id / "examples" / "eventlogs" / "ok.json").is_file():
            svg = text[text.index("<svg"):text.index("</svg>")]
            assert "\n\n" not in svg  # a blank line would end the raw HTML block
            assert "<script" not in svg


def test_mkdocs_strict_build_succeeds(site):
    assert (site / "index.html").is_file()
    for rubric in RUBRICS:
        assert (site / layout.form_page(rubric.id).replace(".md", ".html")).is_file()


def test_no_page_refers_to_another_origin(site):
    allowed = ("https://wsas.org/schemas/", "http://www.w3.org/2000/svg")  # $id text; SVG namespace of icons
    for page in site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert not re.search(r'(?:href|src|action)="(?:https?:)?//', html), page
        for url in re.findall(r"https?://[^\s\"'<>]+", html):
            assert url.startswith(allowed), (page, url)


def test_search_index_segments_chinese(site):
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    separator = re.compile(index["config"]["separator"])
    tokens = {t for doc in index["docs"] for t in separator.split(doc["title"] + " " + doc["text"])}
    for term in ("隐患", "风险辨识", "应急预案"):
        assert term in tokens, term


def test_rules_and_deadlines_in_words():
    town = published_catalogue().get("shishi-2024/town")
    assert rule_words(town.criteria["5.1"].criterion["rule"], 5) == "每发现一家扣1分，扣满5分为止"
    tiers = rule_words(town.criteria["13.1"].criterion["rule"], 5)
    assert "评审达标率 < 5% 扣5分；5% ≤ 评审达标率 < 10% 扣3分；10% ≤ 评审达标率 < 15% 扣1分" in tiers
    assert "评审达标率 ≥ 15% 不扣分" in tiers
    haimen = published_programs()["haimen-2022"]
    assert due_words(haimen.stages["industry-review"]["due"], haimen) == "「基层自评」完成之日后30个日历日内"


def test_an_unknown_folder_is_never_replaced(tmp_path):
    out = tmp_path / "docs"
    out.mkdir()
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(SiteError):
        build_site(out)
    assert (out / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_a_missing_node_modules_is_explained(tmp_path, monkeypatch):
    builder = tmp_path / "build-assets.mjs"
    builder.write_text("", encoding="utf-8")
    monkeypatch.setattr(layout, "ASSET_BUILDER", builder)
    monkeypatch.setattr(layout, "ROOT", tmp_path)
    monkeypatch.setattr("shutil.which", lambda name: "/usr/bin/node")
    with pytest.raises(SiteError, match="npm ci"):
        build_site(tmp_path / "docs")
    assert not (tmp_path / "docs").exists()


def test_each_rubric_offers_its_spreadsheet_template(built):
    from openpyxl import load_workbook

    for rubric in published_catalogue():
        template = built / layout.template_download(rubric.id)
        workbook = load_workbook(template)
        assert "_wsas" in workbook.sheetnames
        form = (built / layout.form_page(rubric.id)).read_text(encoding="utf-8")
        assert Path(layout.template_download(rubric.id)).name in form


def test_the_manifest_names_every_published_rubric_program_and_schema(built):
    import hashlib

    manifest = load_json_file(built / layout.MANIFEST)
    assert [(r["id"], r["version"]) for r in manifest["rubrics"]] == [(r.id, r.version) for r in RUBRICS]
    assert [p["id"] for p in manifest["programs"]] == [p.id for p in PROGRAMS]
    assert [s["name"] for s in manifest["schemas"]] == list(NAMES)
    for entry in manifest["rubrics"] + manifest["programs"]:
        assert hashlib.sha256((built / entry["json"]).read_bytes()).hexdigest() == entry["sha256"], entry["json"]
    assert load_json_file(built / manifest["rubrics"][0]["json"])["id"] == manifest["rubrics"][0]["id"]


# ---- the handbook without a server (tools/wsas/site/offline.py) ---------------------------------------

def _data_script_text(script: Path) -> tuple[str, str]:
    """(path, text) that a data script assigns to self.WSAS_DATA."""
    found = re.fullmatch(r'\(self\.WSAS_DATA = self\.WSAS_DATA \|\| \{\}\)\[("[^"]*")\] = (".*");\n',
                         script.read_text(encoding="ascii"), re.DOTALL)
    assert found, script
    return json.loads(found.group(1)), json.loads(found.group(2))


def _precache(site: Path) -> dict:
    from wsas.site import offline
    return json.loads((site / layout.SERVICE_WORKER).read_text(encoding="utf-8").split(offline.PRECACHE_MARK)[1])


def test_data_scripts_carry_the_json_the_pages_read_and_the_batch_worker(built):
    wanted = [layout.rubric_download(r.id) for r in RUBRICS] + [layout.program_download(p.id) for p in PROGRAMS] + [
        layout.schema_download(name) for name in NAMES] + [layout.records_download("rules.json"), layout.BATCH_WORKER]
    wanted += [layout.example_download(r.data["program"], f"{layout.split(r.id)[1]}.valid.json") for r in RUBRICS]
    for path in wanted:
        assigned, text = _data_script_text(built / layout.data_script(path))
        assert assigned == path
        assert text == (built / path).read_text(encoding="utf-8"), path
    assert not (built / layout.data_script("downloads/conformance/judgement-steps.json")).exists()  # not read by pages


def test_the_docs_service_worker_caches_nothing(built):
    assert _precache(built) == {"build": "unfinished", "files": []}


def test_the_home_page_links_the_offline_copy(built):
    assert f'href="{layout.OFFLINE_ZIP}"' in (built / "index.md").read_text(encoding="utf-8")


@pytest.fixture
def finished(site, tmp_path) -> Path:
    """A copy of the MkDocs site, finished by ``python -m wsas.site.offline`` with the copy beside it."""
    import shutil

    from wsas.site import offline
    copy = tmp_path / "site"
    shutil.copytree(site, copy)
    assert offline.main([str(copy), str(tmp_path)]) == 0
    return copy


def test_the_service_worker_lists_every_file_of_the_build(finished):
    from wsas.site import offline
    listing = _precache(finished)
    every = sorted(p.relative_to(finished).as_posix() for p in finished.rglob("*") if p.is_file())
    assert listing["files"] == [name for name in every if name not in (layout.OFFLINE_ZIP, layout.SERVICE_WORKER)]
    assert {"index.html", "search/search_index.js", layout.OFFLINE_SCRIPT,
            layout.data_script(layout.rubric_download(RUBRICS[0].id))} <= set(listing["files"])
    assert re.fullmatch(r"[0-9a-f]{16}", listing["build"])
    assert offline.finish_site(finished)["precache"] == listing  # the same build, the same id
    (finished / "vendors.html").write_text("changed", encoding="utf-8")
    assert offline.finish_site(finished)["precache"]["build"] != listing["build"]


def test_search_from_file_has_its_index_and_worker(finished):
    index = (finished / "search" / "search_index.js").read_text(encoding="utf-8")
    assert index.startswith("var __index = ") and json.loads(index.removeprefix("var __index = ").rstrip(";\n")) == \
        json.loads((finished / "search" / "search_index.json").read_text(encoding="utf-8"))
    workers = list((finished / "assets" / "javascripts" / "workers").glob("search.*.js"))
    assert workers
    for worker in workers:
        path = worker.relative_to(finished).as_posix()
        assert _data_script_text(finished / layout.data_script(path)) == (path, worker.read_text(encoding="utf-8"))


def test_the_offline_copy_is_the_whole_site_deterministic_and_not_itself(finished, tmp_path):
    import zipfile

    from wsas.site import offline
    zipped = finished / layout.OFFLINE_ZIP
    first = zipped.read_bytes()
    assert (tmp_path / f"{offline.NAME}.zip").read_bytes() == first
    with zipfile.ZipFile(zipped) as archive:
        infos = archive.infolist()
        names = [info.filename for info in infos]
        assert names == sorted(names, key=lambda n: n.encode("utf-8"))
        every = sorted(p.relative_to(finished).as_posix() for p in finished.rglob("*") if p.is_file())
        assert names == [f"{offline.NAME}/{n}" for n in every if n != layout.OFFLINE_ZIP]
        assert {info.date_time for info in infos} == {offline.ZIP_TIME}
        assert archive.read(f"{offline.NAME}/index.html") == (finished / "index.html").read_bytes()
    offline.finish_site(finished)
    assert zipped.read_bytes() == first  # the same site gives the same bytes
    assert not [p for p in zipped.parent.iterdir() if p.name.startswith(".")]  # no temporary file left


def test_finishing_a_folder_that_is_no_site_is_refused(tmp_path, capsys):
    from wsas.site import offline
    assert offline.main([str(tmp_path)]) == 2
    assert "index.html" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []
