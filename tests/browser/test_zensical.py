"""The same handbook built with Zensical, Material for MkDocs' maintained successor, which reads mkdocs.yml.

Material reaches end of life in 2027; these tests keep the move open: the generated pages (build/docs) built
by Zensical give the same pages, find Chinese terms in search, and run the forms, with no other origin.
"""

from __future__ import annotations

import functools
import re
import subprocess
import sys
import threading
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest

import wsas
from conftest import ROOT, _QuietHandler
from wsas.output import plain

BUILD = ROOT / "build"


def zensical_config() -> str:
    """mkdocs.yml with its paths made relative to build/, where Zensical must find the site folder."""
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    replaced = {"INHERIT: build/docs/.nav.yml": "INHERIT: docs/.nav.yml", "docs_dir: build/docs": "docs_dir: docs",
                "site_dir: build/site": "site_dir: zensical-site", "custom_dir: site_src/": "custom_dir: ../site_src/"}
    for old, new in replaced.items():
        assert old in text, f"mkdocs.yml no longer says {old!r}: update the Zensical build"
        text = text.replace(old, new)
    return text


@pytest.fixture(scope="module")
def zensical_site(site) -> Path:
    """The pages `wsas site build` generated (the `site` fixture), built by Zensical into build/zensical-site."""
    config = BUILD / "zensical.yml"
    config.write_text(zensical_config(), encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "zensical", "build", "--clean", "-f", config.name], cwd=BUILD,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    return BUILD / "zensical-site"


@pytest.fixture(scope="module")
def base_url(zensical_site):
    """Overrides conftest's: the `page` fixture (every other origin refused) serves the Zensical build."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(zensical_site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


def pages(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*.html"))


def test_zensical_builds_the_same_pages_as_mkdocs(site, zensical_site):
    assert pages(zensical_site) == pages(site)
    assert (zensical_site / "assets/wsas-form.js").is_file()


@pytest.mark.parametrize("path", ["index.html", "records/hazard-form.html", "spec/scoring.html"])
def test_pages_load_without_other_origins(page, base_url, path):
    assert page.goto(base_url + path).ok
    page.wait_for_load_state("networkidle")
    assert page.title()


@pytest.mark.parametrize("term", ["隐患", "风险辨识", "应急预案"])
def test_chinese_search_finds_terms(page, base_url, term):
    page.goto(base_url + "index.html")
    page.wait_for_load_state("networkidle")
    page.keyboard.press("Control+k")
    page.keyboard.type(term)
    page.wait_for_function("/[1-9][0-9]* results?/.test(document.body.innerText)", timeout=30000)
    found = int(re.search(r"([1-9][0-9]*) results?", page.inner_text("body")).group(1))
    assert found > 0
    highlighted = page.locator("mark").first.inner_text()  # Zensical marks the matched words of the query
    assert highlighted and highlighted in term


def test_a_form_scores_live(page, base_url):
    page.goto(f"{base_url}forms/lianyungang-2020-enterprise.html")
    page.wait_for_selector(".wsas-form[data-state=ready]", timeout=15000)
    page.fill("[name='subject.name']", "测试企业有限公司")
    page.fill("[name='period']", "2020-12")
    rubric = wsas.load_rubric("lianyungang-2020/enterprise")
    for criterion_id, placement in rubric.criteria.items():
        page.fill(f"[data-criterion='{criterion_id}']", str(plain(placement.criterion["points"])))
    page.wait_for_function("document.querySelector('[data-score]').textContent.trim() === '100'")
    page.fill("[data-criterion='7.1']", "0")
    page.wait_for_function("document.querySelector('[data-score]').textContent.trim() === '85'")
