"""Browser tests: the built handbook served on localhost, driven in Debian's Chromium.

Every request to another origin is recorded and aborted; a test fails if any
page asked for one (the handbook must work on an intranet).
"""

from __future__ import annotations

import functools
import shutil
import subprocess
import sys
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "build" / "site"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="session")
def site() -> Path:
    """Build the handbook exactly as the README's main job does (pages, site, then sw.js and the offline copy)."""
    wsas = [sys.executable, "-m", "wsas"]
    subprocess.run(wsas + ["site", "build"], cwd=ROOT, check=True)
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet"], cwd=ROOT, check=True)
    subprocess.run([sys.executable, "-m", "wsas.site.offline", str(SITE), str(SITE.parent)], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL)
    return SITE


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def base_url(site):
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


@pytest.fixture(scope="session")
def browser():
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    assert executable, "Debian's chromium is required for the browser tests (apt-get install chromium)"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


def guarded_page(browser, base_url: str, service_workers: str = "block"):
    """A page in a new context where every request outside ``base_url`` is recorded and refused and every
    page error or console error is recorded: a generator, for fixtures (asserts none of either at the end).
    Service workers are blocked unless asked for (test_offline.py): else every test would cache the site.
    With them allowed, requests are recorded, not refused: Playwright's routing would bypass the worker."""
    context = browser.new_context(accept_downloads=True, locale="zh-CN", service_workers=service_workers)
    foreign, errors = [], []

    def ours(url: str) -> bool:
        return url.startswith(base_url) or url.startswith(("data:", "blob:"))

    def guard(route):
        if ours(route.request.url):
            route.continue_()
        else:
            foreign.append(route.request.url)
            route.abort()

    if service_workers == "allow":
        context.on("request", lambda request: None if ours(request.url) else foreign.append(request.url))
    else:
        context.route("**/*", guard)
    page = context.new_page()
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.foreign_requests = foreign
    page.errors = errors
    yield page
    context.close()
    assert foreign == [], f"requests to other origins: {foreign}"
    assert errors == [], f"errors in the page: {errors}"


@pytest.fixture
def page(browser, base_url):
    yield from guarded_page(browser, base_url)


@pytest.fixture(scope="session")
def file_url(site) -> str:
    """The built handbook opened from disk, no server: file:///…/build/site/."""
    return site.as_uri() + "/"


@pytest.fixture
def file_page(browser, file_url):
    """Like ``page``, for the site opened from file:// (anything outside build/site refused)."""
    yield from guarded_page(browser, file_url)
