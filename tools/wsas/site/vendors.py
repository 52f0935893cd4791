"""The vendors page's results: the two reference implementations run through the conformance harness.

The figures on the page are never typed in: every handbook build runs ``wsas conformance run``'s harness
against the Python reference (``python -m wsas.conformance.adapter``) and the handbook forms'
JavaScript (``node tools/js/conformance-adapter.mjs``) over the vectors, and publishes both reports
(JSON and HTML: what a vendor sends) beside the kit. The two runs start first and go on in background
threads, each driving its own child process, while the rest of the handbook is written. A process that
builds the handbook again from the same inputs (the tests do) reuses its runs: the key is a digest of
every file the results depend on.
"""

from __future__ import annotations

import hashlib
import shlex
import sys
import threading
from dataclasses import dataclass

from ..conformance import harness, report
from ..conformance.suites import SUITES, digest, load_cases
from . import layout
from .vendors_kit import FOLDER

REPORTS = f"{FOLDER}/reports"
# what the results depend on: the vectors, the data, both implementations and their adapters
INPUTS = ("tests/conformance", "schemas", "rubrics", "records", "calendar", "tools/wsas", "tools/js",
          "site_src/assets/js", "package-lock.json")
_FINISHED: dict[str, dict] = {}  # inputs digest → the sessions of both runs, within this process


class ReferenceRunError(Exception):
    """A reference implementation could not be started at all (message in Chinese and English)."""


@dataclass(frozen=True)
class Reference:
    key: str           # names its report files
    label: str
    command: str       # as a vendor types it in a checkout; the report shows this one
    argv: tuple        # what is run here


REFERENCES = (
    Reference("python", "参考实现（Python）", "python -m wsas.conformance.adapter",
              (sys.executable, "-m", "wsas.conformance.adapter")),
    Reference("javascript", "手册表单（JavaScript）", "node tools/js/conformance-adapter.mjs",
              ("node", str(layout.ROOT / "tools" / "js" / "conformance-adapter.mjs"))),
)


class _UntilCancelled:
    """The cases, in order, until the build gives up: the harness then stops its implementation."""

    def __init__(self, cases: list, cancelled: threading.Event):
        self.cases, self.cancelled = cases, cancelled

    def __iter__(self):
        for case in self.cases:
            if self.cancelled.is_set():
                return
            yield case


def inputs_digest() -> str:
    """SHA-256 over the names and bytes of every file in :data:`INPUTS`."""
    hashed = hashlib.sha256()
    for name in INPUTS:
        root = layout.ROOT / name
        paths = [root] if root.is_file() else sorted(root.rglob("*")) if root.is_dir() else []
        for path in paths:
            if path.is_file() and "__pycache__" not in path.parts:
                hashed.update(path.relative_to(layout.ROOT).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return hashed.hexdigest()


class ReferenceRuns:
    """Both reference runs, started at once; :meth:`finish` waits for them and writes their reports."""

    def __init__(self):
        self.key = inputs_digest()
        self.cancelled = threading.Event()
        self.sessions: dict[str, object] = dict(_FINISHED.get(self.key, {}))
        self.threads = []
        if self.sessions:
            return
        self.cases, _ = load_cases(layout.CONFORMANCE)
        self.threads = [threading.Thread(target=self._run, args=(reference,), daemon=True,
                                         name=f"wsas-reference-{reference.key}") for reference in REFERENCES]
        for thread in self.threads:
            thread.start()

    def _run(self, reference: Reference) -> None:
        try:
            self.sessions[reference.key] = harness.run(shlex.join(reference.argv),
                                                       _UntilCancelled(self.cases, self.cancelled))
        except harness.UsageError as exc:
            self.sessions[reference.key] = exc

    def cancel(self) -> None:
        """Stop asking cases and wait for both implementations to be stopped."""
        self.cancelled.set()
        for thread in self.threads:
            thread.join()

    def finish(self, out) -> list[dict]:
        """Wait for both runs, write their reports under ``out`` and return what the page shows."""
        for thread in self.threads:
            thread.join()
        vectors = digest(layout.CONFORMANCE)
        if not any(isinstance(session, Exception) for session in self.sessions.values()):
            _FINISHED[self.key] = dict(self.sessions)
        shown = []
        for reference in REFERENCES:
            session = self.sessions[reference.key]
            if isinstance(session, Exception):
                raise ReferenceRunError(f"无法运行{reference.label}（{reference.command}）/ cannot run the reference "
                                        f"{reference.command}: {session}")
            document = report.document(session, vectors, {"suites": list(SUITES), "cases": []})
            document["command"] = reference.command
            paths = {kind: f"{REPORTS}/{reference.key}.{kind}" for kind in ("json", "html")}
            for kind, write in (("json", report.as_json), ("html", report.as_html)):
                target = out / paths[kind]
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(write(document), encoding="utf-8", newline="\n")
            shown.append({"label": reference.label, "command": reference.command, "report": document, **paths})
        return shown
