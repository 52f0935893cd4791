"""Where everything lives in the handbook, in one place.

Pages, downloads, the browser form and the tests must agree on these paths
(they are published as stable URLs), so no other module spells them out.
"""

from __future__ import annotations

import posixpath
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
TEMPLATES = ROOT / "site_src" / "templates"
PAGES = ROOT / "site_src" / "pages"
SPEC = ROOT / "spec"
CONFORMANCE = ROOT / "tests" / "conformance"
ASSET_BUILDER = ROOT / "site_src" / "build-assets.mjs"
DEFAULT_OUT = ROOT / "build" / "docs"
NAV_FILE = ".nav.yml"        # inherited by mkdocs.yml; a dotfile, so MkDocs does not publish it
MARKER = ".wsas-site"        # marks a folder this generator may replace

SCHEMA_DIR = "downloads/schemas/v1"
BUNDLE = f"{SCHEMA_DIR}/wsas.bundle.json"
BATCH_WORKER = "assets/wsas-batch-worker.js"  # the batch page's Web Worker (site_src/assets/js/batch-worker.mjs)
OFFLINE_SCRIPT = "assets/wsas-offline.js"     # in every page's <head>: service worker, search from file://
ASSETS = ("assets/wsas-form.js", "assets/wsas-form.css", BATCH_WORKER, OFFLINE_SCRIPT)
DATA_DIR = "assets/data"                      # data scripts: the pages' JSON as classic scripts (offline.py)
SERVICE_WORKER = "sw.js"                      # at the root: its scope is the whole handbook
OFFLINE_ZIP = "downloads/wsas-handbook.zip"   # the offline copy, linked from the home page
BATCH_PAGE = "batch.md"  # 批量校验: wsas validate / score for many files, in the browser


def data_script(path: str) -> str:
    """The classic script carrying the file at ``path`` (from the root) for pages opened from file://."""
    return f"{DATA_DIR}/{path}.js"


def split(rubric_id: str) -> tuple[str, str]:
    program, name = rubric_id.split("/")
    return program, name


def program_page(program_id: str) -> str:
    return f"programs/{program_id}.md"


def rubric_page(rubric_id: str) -> str:
    return "rubrics/{}-{}.md".format(*split(rubric_id))


def form_page(rubric_id: str) -> str:
    return "forms/{}-{}.md".format(*split(rubric_id))


def schema_page(name: str) -> str:
    return f"schemas/{name}.md"


def schema_download(name: str) -> str:
    return f"{SCHEMA_DIR}/{name}.json"


MANIFEST = "downloads/manifest.json"  # what is published in this version: rubrics, programs, schemas


def rubric_download(rubric_id: str) -> str:
    return "downloads/rubrics/{}/{}.json".format(*split(rubric_id))


def template_download(rubric_id: str) -> str:
    """The fillable Excel/WPS template of a rubric (``wsas xlsx template``)."""
    return "downloads/templates/{}-{}.xlsx".format(*split(rubric_id))


def program_download(program_id: str) -> str:
    return f"downloads/programs/{program_id}.json"


def example_download(program_id: str, filename: str) -> str:
    return f"downloads/examples/{program_id}/{filename}"


def eventlog_download(program_id: str, filename: str) -> str:
    return f"downloads/examples/{program_id}/eventlogs/{filename}"


def bulletin_page(program_id: str) -> str:
    """The handbook page showing the sample bulletin of a program."""
    return f"bulletins/{program_id}-sample.md"


def bulletin_download(program_id: str, period: str, suffix: str) -> str:
    """Files of the sample bulletin: ``results.jsonl`` (its input), ``roster.json``, ``bulletin.json|html``
    (no Markdown file: MkDocs would take it for a page)."""
    return f"downloads/bulletins/{program_id}-{period}-sample.{suffix}"


def records_page(name: str) -> str:
    """The record pages: ``index``, ``lifecycle``, ``risk-levels``, ``lists``, ``cadence-import``, ``hazard-form``,
    ``enterprise-form``."""
    return f"records/{name}.md"


def records_download(relative: str) -> str:
    """``rules.json``, ``cadences.json``, ``codes/sample-a.json``, ``examples/hazards/H-2024-001.json``…"""
    return f"downloads/records/{relative}"


def conformance_download(relative: str) -> str:
    """``caps-tiers.json`` or ``workflows/schedule-haimen.json``."""
    return f"downloads/conformance/{relative}"


def rel(page: str, target: str) -> str:
    """The link from ``page`` to ``target`` (both relative to the docs root), as MkDocs wants it."""
    anchor = ""
    if "#" in target:
        target, anchor = target.split("#", 1)
        anchor = "#" + anchor
    if not target:
        return anchor
    return posixpath.relpath(target, posixpath.dirname(page) or ".") + anchor
