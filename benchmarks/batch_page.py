"""The handbook's batch page (批量校验, batch.html) against ``wsas score``: throughput, as a ratio.

Run with ``make bench-browser`` (or ``.venv/bin/python benchmarks/batch_page.py [--lines N]``); the
handbook must be built (``make``). It writes one folder of inputs — the repository's example
submissions and a generated JSON Lines file of N lines (default 100,000; ``wsas.scoring.synthetic``, as
benchmarks/throughput.py) with about 50 lines corrupted in varied ways — then measures, in one run:

- ``wsas score FOLDER --jsonl --csv --quiet`` (one process, ``--jobs 1``): records per second;
- the batch page in Debian's Chromium (headless, Playwright), the same folder picked: records per
  second from the pick (the page starts at once) to the summary, the downloads ready;
- their ratio (goal ≥ 0.5×).

:func:`write_inputs` is also what tests/browser/test_batch_page.py and tests/js/batch-cli.test.mjs use
to make their inputs, so that the benchmark, the browser test and the node test read the same kind of batch.
"""

from __future__ import annotations

import argparse
import itertools
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

from wsas.output import dumps  # noqa: E402
from wsas.rubrics import published_catalogue  # noqa: E402
from wsas.scoring.synthetic import submissions  # noqa: E402

TARGET_RATIO = 0.5
CORRUPTIONS = 50


def _corrupt(line: str, rng: random.Random, kind: int) -> bytes:
    """One bad line of a varied kind: what a batch meets in real life, and what the readers must agree on."""
    data = line.encode("utf-8")
    cases = [
        lambda: data[: len(data) // 2],                                              # truncated (syntax)
        lambda: line.replace('"subject"', '"subject": 1, "subject"', 1).encode(),    # duplicate key
        lambda: line.replace('"rubricVersion": "1.0.0"', '"rubricVersion": "9.9.9"').encode(),  # unknown-version
        lambda: line.encode("gbk", errors="replace"),                               # GBK bytes (encoding)
        lambda: b"\xef\xbb\xbf" + data,                                              # BOM at the start of a line
        lambda: b"[1, 2, 3]",                                                        # not an object (schema)
        lambda: line.replace('"period": "2020-05"', '"period": "2020-13"').encode(),  # invalid-date
        lambda: line.replace('"responses": {', '"responses": {"99.99": {"awarded": 1}, ', 1).encode(),  # unknown-criterion
        lambda: line.replace('{"awarded": ', '{"awarded": NaN, "x": ', 1).encode(),   # NaN (syntax)
        lambda: data.replace(b'"rubric": "', b'"rubric": "x', 1),                    # unknown-rubric
        lambda: b"[" * 70 + b"]" * 70,                                               # too deep
        lambda: line.replace('{"awarded": ', '{"awarded": 0.30000000000000000001, "evidence": ', 1).encode(),
        lambda: b'{"rubric": "lianyungang-2020/enterprise", "subject": "\\ud800"}',  # lone surrogate
        lambda: data.replace(b'"responses": {', b'"responses": {"1.1": {"met": true}, ', 1),  # duplicate or wrong kind
    ]
    return cases[kind % len(cases)]()


def write_lines(path: Path, lines: int, seed: int = 11, corruptions: int = CORRUPTIONS) -> dict:
    """``lines`` lines of generated submissions for every published rubric, interleaved, with about
    ``corruptions`` bad lines scattered in it, CRLF on some lines and a few blank lines; returns what was made."""
    rng = random.Random(seed)
    rubrics = list(published_catalogue())
    per_rubric = lines // len(rubrics) + 1
    streams = [submissions(rubric, per_rubric, seed=seed) for rubric in rubrics]
    bad = set(rng.sample(range(lines), min(corruptions, lines)))
    written = 0
    with open(path, "wb") as handle:
        for group in itertools.zip_longest(*streams):
            for submission in group:
                if submission is None or written >= lines:
                    continue
                text = dumps(submission, indent=None)
                if written == 0:
                    handle.write(b"\xef\xbb\xbf")  # the file's own BOM: accepted
                if written in bad:
                    handle.write(_corrupt(text, rng, len([b for b in bad if b < written])))
                else:
                    handle.write(text.encode("utf-8"))
                handle.write(b"\r\n" if written % 97 == 0 else b"\n")
                if written % 4999 == 0:
                    handle.write(b"\n  \n")  # blank lines: skipped, but counted as lines
                written += 1
    return {"lines": written, "corrupted": len(bad)}


def write_inputs(folder: Path, lines: int, seed: int = 11) -> dict:
    """A folder as an officer would drop it: the example submissions (valid and invalid), a few odd
    files (empty, GBK, a subject name that looks like a formula) and ``batch.jsonl`` of ``lines`` lines."""
    folder.mkdir(parents=True, exist_ok=True)
    examples = folder / "examples"
    examples.mkdir(exist_ok=True)
    for path in sorted(ROOT.glob("rubrics/*/examples/*.json")):
        shutil.copyfile(path, examples / f"{path.parent.parent.name}-{path.name}")
    valid = (ROOT / "rubrics/lianyungang-2020/examples/enterprise.valid.json").read_text(encoding="utf-8")
    odd = folder / "odd"
    odd.mkdir(exist_ok=True)
    (odd / "empty.jsonl").write_bytes(b"\n\r\n")
    (odd / "gbk.json").write_bytes(valid.replace("示例", "示例").encode("gbk"))
    (odd / "formula.json").write_text(valid.replace('"name": "', '"name": "=HYPERLINK(\\"x\\") ', 1), encoding="utf-8")
    (odd / "bom-crlf.jsonl").write_bytes(b"\xef\xbb\xbf" + valid.replace("\n", " ").encode() + b"\r\n\r\n" +
                                         valid.replace("\n", " ").encode() + b"\r\n")
    (odd / ".hidden.json").write_text("not read", encoding="utf-8")
    (odd / "notes.txt").write_text("not read", encoding="utf-8")
    made = write_lines(folder / "batch.jsonl", lines, seed)
    return {"folder": str(folder), **made}


def cli_score(folder: Path, out: Path) -> tuple[float, int]:
    """Seconds of one ``wsas score`` run over the folder (one process), and the records it read."""
    command = [sys.executable, "-m", "wsas", "score", folder.name, "--jsonl", str(out / "cli.jsonl"),
               "--csv", str(out / "cli.csv"), "--summary", str(out / "cli.summary.json"), "--quiet", "--jobs", "1"]
    start = time.perf_counter()
    subprocess.run(command, cwd=folder.parent, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    seconds = time.perf_counter() - start
    import json
    records = json.loads((out / "cli.summary.json").read_text(encoding="utf-8"))["records"]
    return seconds, records


def page_score(folder: Path, out: Path) -> tuple[float, int]:
    """Seconds of the batch page over the same folder in headless Chromium (served from build/site)."""
    import functools
    import threading
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    from playwright.sync_api import sync_playwright

    site = ROOT / "build" / "site"
    if not (site / "batch.html").is_file():
        raise SystemExit("build/site/batch.html not found: build the handbook first (make)")

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=executable, headless=True,
                                                 args=["--no-sandbox", "--disable-gpu"])
            page = browser.new_page()
            page.goto(base + "batch.html")
            page.wait_for_selector("[data-batch-ready]")
            start = time.perf_counter()  # the page starts as soon as the folder is picked
            page.locator("[data-batch-folder]").set_input_files(str(folder))
            page.wait_for_selector("[data-batch-done]", timeout=3_600_000)
            seconds = time.perf_counter() - start
            records = int(page.locator("[data-batch-records]").get_attribute("data-batch-records"))
            browser.close()
    finally:
        server.shutdown()
    return seconds, records


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lines", type=int, default=100_000, help="lines of the generated JSON Lines file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="wsas-batch-page-") as temporary:
        folder = Path(temporary) / "batch"
        made = write_inputs(folder, args.lines)
        print(f"inputs: {made['lines']} generated lines ({made['corrupted']} corrupted) + examples, {folder}")
        cli_seconds, cli_records = cli_score(folder, Path(temporary))
        page_seconds, page_records = page_score(folder, Path(temporary))
    cli_rate, page_rate = cli_records / cli_seconds, page_records / page_seconds
    ratio = page_rate / cli_rate
    print(f"wsas score (1 process): {cli_records} records in {cli_seconds:.1f} s = {cli_rate:,.0f} records/s")
    print(f"batch page (Chromium):  {page_records} records in {page_seconds:.1f} s = {page_rate:,.0f} records/s")
    print(f"ratio page / wsas score: {ratio:.2f}× (goal ≥ {TARGET_RATIO}×) {'ok' if ratio >= TARGET_RATIO else 'BELOW GOAL'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
