"""The handbook without a server (issue 11 items 2 and 3), in Chromium.

- From file:// (build/site opened from disk): every page loads without an error, search finds terms, and the
  same browser tests as over http run for the rubric forms (every rubric: example, live score, validation,
  export checked by wsas; one form filled, scored, exported and imported, drafts across a reload), the hazard
  form, the enterprise form and the batch page (a folder of the examples, compared with wsas score).
- The offline copy (downloads/wsas-handbook.zip, linked from the home page): unzipped anywhere, a form works.
- The service worker: after one visit over http the pages, a form, the batch page and search work with the
  server gone; a new build (a changed file) installs a new cache and the old one is deleted.
"""

from __future__ import annotations

import contextlib
import functools
import json
import shutil
import subprocess
import sys
import threading
import time
import zipfile
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest

import test_batch_page as batch_tests
import test_enterprise_form as enterprise_tests
import test_handbook as handbook_tests
import test_hazard_form as hazard_tests
import wsas
from conftest import ROOT, _QuietHandler, guarded_page
from wsas.output import plain
from wsas.site import layout, offline

RUBRICS = [rubric.id for rubric in wsas.published_catalogue()]


def form_url(base: str, rubric_id: str) -> str:
    return base + layout.form_page(rubric_id).removesuffix(".md") + ".html"


def html_pages(site: Path) -> list[str]:
    """Every page, but 404.html: a server's answer for a missing path, with root-relative links, never opened."""
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html") if p.name != "404.html")


def score_text(page) -> str:
    return page.locator("[data-score]").inner_text().strip()


# ---- from file:// ---------------------------------------------------------------------------------


def test_every_page_opens_from_disk_without_an_error(file_page, file_url, site):
    pages = html_pages(site)
    assert len(pages) > 40
    for path in pages:
        file_page.goto(file_url + path, wait_until="load")
        assert file_page.title(), path
    assert file_page.errors == [], file_page.errors


@pytest.mark.parametrize("term", ["隐患", "风险辨识"])
def test_search_works_from_disk(file_page, file_url, term):
    file_page.goto(f"{file_url}index.html?q={term}")
    file_page.wait_for_selector(".md-search-result__item", timeout=30000)
    assert term in file_page.locator(".md-search-result").inner_text()


@pytest.mark.parametrize("rubric_id", RUBRICS)
def test_every_rubric_form_works_from_disk(file_page, file_url, rubric_id, tmp_path):
    """The example fills the form, the live score is the reference's, a bad period is flagged and fixed,
    and the export is a submission wsas validates and scores alike."""
    page = file_page
    page.goto(form_url(file_url, rubric_id))
    page.wait_for_selector(".wsas-form[data-state=ready]", timeout=15000)
    program, name = layout.split(rubric_id)
    example = wsas.load_json_file(wsas.paths.rubrics_dir() / program / "examples" / f"{name}.valid.json")
    page.click("[data-action=example]")
    expected = str(plain(wsas.score(example)["score"]))
    page.wait_for_function(f"document.querySelector('[data-score]').textContent.trim() === '{expected}'")
    page.wait_for_selector(".wsas-form[data-valid=true]")
    period = page.input_value("[name='period']")
    page.fill("[name='period']", "2020年")
    page.keyboard.press("Tab")
    page.wait_for_selector(".wsas-form[data-valid=false]")
    page.locator("[data-error='period']").wait_for(state="visible")
    assert page.locator("[data-error='period']").inner_text().strip()
    page.fill("[name='period']", period)
    page.fill("[name='subject.name']", "离线填报测试单位")
    page.wait_for_selector(".wsas-form[data-valid=true]")
    with page.expect_download() as info:
        page.click("[data-action=export]")
    exported = tmp_path / "export.json"
    info.value.save_as(exported)
    submission = wsas.load_json_file(exported)
    assert submission["subject"]["name"] == "离线填报测试单位"
    assert wsas.validate(submission) == []
    assert str(plain(wsas.score(submission)["score"])) == score_text(page) == expected


def test_a_form_scores_validates_and_round_trips_from_disk(file_page, file_url, tmp_path):
    handbook_tests.test_form_scores_live_and_shows_the_outcome(file_page, file_url)
    file_page.evaluate("localStorage.clear()")  # each test starts without the draft of the one before
    handbook_tests.test_errors_appear_next_to_the_field(file_page, file_url)
    file_page.evaluate("localStorage.clear()")
    handbook_tests.test_export_then_import_round_trips_through_python(file_page, file_url, tmp_path)


def test_form_drafts_survive_a_reload_from_disk(file_page, file_url):
    handbook_tests.test_draft_survives_a_reload_and_clear_removes_it(file_page, file_url)


def test_the_hazard_form_works_from_disk(file_page, file_url, tmp_path):
    hazard_tests.test_export_is_a_record_that_wsas_records_check_accepts(file_page, file_url, tmp_path)
    file_page.evaluate("localStorage.clear()")
    hazard_tests.test_the_draft_survives_a_reload_and_clear_removes_it(file_page, file_url)


def test_the_enterprise_form_works_from_disk(file_page, file_url, tmp_path):
    enterprise_tests.test_missing_items_are_marked_until_filled_and_the_export_passes_the_check(
        file_page, file_url, tmp_path)
    file_page.evaluate("localStorage.clear()")
    enterprise_tests.test_the_example_loads_a_hazard_record_is_refused_and_the_draft_survives_a_reload(
        file_page, file_url, tmp_path)


@pytest.fixture(scope="module")
def examples_folder(tmp_path_factory):
    """Every example submission (valid and invalid) in one folder, and what wsas score made of it."""
    parent = tmp_path_factory.mktemp("offline-batch")
    folder = parent / "examples"
    folder.mkdir()
    for path in sorted((ROOT / "rubrics").glob("*/examples/*.json")):
        shutil.copyfile(path, folder / f"{path.parent.parent.name}-{path.name}")
    subprocess.run([sys.executable, "-m", "wsas", "score", "examples", "--csv", "cli.csv", "--summary",
                    "cli.summary.json", "--quiet"], cwd=parent, capture_output=True)
    return parent


def test_the_batch_page_works_from_disk(file_page, file_url, examples_folder, tmp_path):
    page = file_page
    page.goto(file_url + "batch.html")
    page.wait_for_selector(".wsas-batch[data-batch-ready]", timeout=30000)
    page.locator("[data-batch-folder]").set_input_files(str(examples_folder / "examples"))
    page.wait_for_selector(".wsas-batch[data-batch-done]", timeout=60000)
    summary = json.loads((examples_folder / "cli.summary.json").read_text(encoding="utf-8"))
    assert int(page.locator(".wsas-batch").get_attribute("data-batch-records")) == summary["records"]
    assert summary["valid"] >= 5 and summary["invalid"] >= 10
    assert batch_tests._download(page, "summary", tmp_path / "s.json") == (examples_folder / "cli.summary.json").read_bytes()
    page_csv = batch_tests._download(page, "csv", tmp_path / "t.csv")
    cli_csv = (examples_folder / "cli.csv").read_bytes()
    assert batch_tests._sorted_lines(page_csv, True) == batch_tests._sorted_lines(cli_csv, True)


# ---- the offline copy ----------------------------------------------------------------------------------


def test_the_home_page_links_the_offline_copy(file_page, file_url, site):
    file_page.goto(file_url + "index.html")
    link = file_page.locator(f"a[href='{layout.OFFLINE_ZIP}']").first
    assert link.is_visible()
    assert (site / layout.OFFLINE_ZIP).is_file()
    assert (site.parent / f"{offline.NAME}.zip").read_bytes() == (site / layout.OFFLINE_ZIP).read_bytes()


def test_the_unzipped_copy_opens_from_disk_and_a_form_works(browser, site, tmp_path):
    with zipfile.ZipFile(site / layout.OFFLINE_ZIP) as archive:
        names = archive.namelist()
        assert all(name.startswith(offline.NAME + "/") for name in names)
        assert f"{offline.NAME}/{layout.OFFLINE_ZIP}" not in names  # not itself
        archive.extractall(tmp_path)
    base = (tmp_path / offline.NAME).as_uri() + "/"
    for page in guarded_page(browser, base):
        page.goto(base + "index.html")
        page.get_by_role("link", name="在线填报").first.click()
        page.wait_for_selector(".wsas-form[data-state=ready]", timeout=15000)
        page.click("[data-action=example]")
        page.wait_for_function("document.querySelector('[data-score]').textContent.trim() !== ''")
        page.goto(base + "batch.html")
        page.wait_for_selector(".wsas-batch[data-batch-ready]", timeout=30000)


# ---- the service worker ---------------------------------------------------------------------------------


@contextlib.contextmanager
def serving(folder: Path, port: int = 0):
    """``folder`` over http on 127.0.0.1 (``port`` 0: any free one) while the block runs."""
    server = ThreadingHTTPServer(("127.0.0.1", port), functools.partial(_QuietHandler, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


CACHES = "async () => (await caches.keys()).filter(name => name.startsWith('wsas-handbook-')).sort()"


def wait_for_cache(page, build: str, seconds: float = 60):
    """Until a service worker controls the page and the cache of ``build`` is the only one (page.evaluate
    awaits the promise; wait_for_function would take the promise itself for true)."""
    deadline = time.monotonic() + seconds
    state = None
    while time.monotonic() < deadline:
        state = page.evaluate(f"async () => [navigator.serviceWorker.controller !== null, await ({CACHES})()]")
        if state == [True, [f"wsas-handbook-{build}"]]:
            return
        page.wait_for_timeout(250)
    raise AssertionError(f"no service worker with the cache of build {build} alone: {state}")


def test_after_one_visit_the_handbook_works_with_the_server_gone(browser, site, tmp_path):
    copy = tmp_path / "site"
    shutil.copytree(site, copy)
    build = json.loads((copy / layout.SERVICE_WORKER).read_text(encoding="utf-8")
                       .split(offline.PRECACHE_MARK)[1])["build"]
    with serving(copy) as port:
        base = f"http://127.0.0.1:{port}/"
        pages = guarded_page(browser, base, service_workers="allow")
        page = next(pages)
        page.goto(base + "index.html")
        wait_for_cache(page, build)
    # the server is gone
    page.reload()
    assert "WSAS" in page.title()
    page.goto(form_url(base, "lianyungang-2020/enterprise"))
    page.wait_for_selector(".wsas-form[data-state=ready]", timeout=15000)
    handbook_tests.fill_header(page)
    handbook_tests.fill_full_marks(page, "lianyungang-2020/enterprise")
    page.wait_for_function("document.querySelector('[data-score]').textContent.trim() === '100'")
    page.goto(base + "batch.html")
    page.wait_for_selector(".wsas-batch[data-batch-ready]", timeout=30000)
    page.goto(base + "index.html?q=隐患")
    page.wait_for_selector(".md-search-result__item", timeout=30000)
    assert page.evaluate("async () => (await fetch('downloads/rubrics/lianyungang-2020/enterprise.json')).ok")

    # a new build: one file changed, the service worker and its list written again
    marker = '<p id="later-build">a later build</p>'
    home = copy / "index.html"
    home.write_text(home.read_text(encoding="utf-8").replace("</body>", marker + "</body>"), encoding="utf-8")
    listing = offline.finish_site(copy)["precache"]
    assert listing["build"] != build and "index.html" in listing["files"]
    with serving(copy, port):
        page.goto(base + "index.html")
        wait_for_cache(page, listing["build"])  # the new cache, and the old one deleted
        cached = page.evaluate("async () => (await (await caches.match(new URL('index.html', location.href).href))"
                               ".text())")
        assert marker in cached
    page.reload()  # the server is gone again: the new build's page, from the new cache
    assert page.locator("#later-build").count() == 1
    with contextlib.suppress(StopIteration):
        next(pages)  # closes the context and checks: no foreign request, no error in the page
