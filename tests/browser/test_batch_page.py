"""The batch page (批量校验（浏览器）, batch.html) in Chromium against ``wsas score`` / ``wsas validate``.

One folder (benchmarks/batch_page.py ``write_inputs``): the repository's example submissions, odd
files (empty, GBK, a formula-like subject name, BOM + CRLF) and a generated JSON Lines file of
LINES lines with about 50 lines corrupted in varied ways (truncated, duplicate key, GBK, BOM,
NaN, too deep, lone surrogate, unknown rubric/version/criterion, invalid date, not an object).
The benchmark uses 100,000 lines; the test uses LINES = 10,000 to stay well under 90 s on a busy
2-core machine. Picked as a folder on the page, it must give the same counts, codes, pointers,
lines and columns as the command line, and downloads equal to its outputs (lines sorted).

A second folder holds filled .xlsx templates (tests/js/fixtures/xlsx_workbooks.py) beside a JSON
submission: the page must import them as ``wsas xlsx import`` does (the same errors at the same
cells) and score them as ``wsas score`` scores the submissions that import writes.
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))

sys.path.insert(0, str(ROOT / "tests" / "js" / "fixtures"))

from batch_page import write_inputs  # noqa: E402
from xlsx_workbooks import ENTERPRISE, TOWN, example, filled, put, stale_cache  # noqa: E402

LINES = 10_000


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    """The folder and what the command line made of it (run from its parent, so files are named batch/…)."""
    parent = tmp_path_factory.mktemp("batch-page")
    folder = parent / "batch"
    write_inputs(folder, LINES)
    wsas = [sys.executable, "-m", "wsas"]
    subprocess.run(wsas + ["score", "batch", "--jsonl", "cli.jsonl", "--csv", "cli.csv", "--summary", "cli.summary.json",
                           "--quiet"], cwd=parent, capture_output=True)
    verdicts = subprocess.run(wsas + ["validate", "batch", "--format", "json", "--quiet"], cwd=parent,
                              capture_output=True, text=True).stdout
    errors = sorted((v["file"], e.get("line"), e.get("column"), e["pointer"], e["code"])
                    for v in map(json.loads, verdicts.splitlines()) if not v["valid"] for e in v["errors"])
    return {"folder": folder, "parent": parent, "errors": errors,
            "summary": json.loads((parent / "cli.summary.json").read_text(encoding="utf-8"))}


def _open(page, base_url):
    page.goto(base_url + "batch.html")
    page.wait_for_selector(".wsas-batch[data-batch-ready]", timeout=30_000)


def _download(page, key: str, target: Path) -> bytes:
    with page.expect_download() as info:
        page.locator(f"[data-batch-download={key}]").click()
    info.value.save_as(target)
    return target.read_bytes()


def _sorted_lines(data: bytes, skip_header: bool = False) -> list[bytes]:
    lines = data.splitlines(keepends=True)
    return sorted(lines[1:] if skip_header else lines)


def test_a_picked_folder_gives_what_wsas_score_gives(page, base_url, batch, tmp_path):
    _open(page, base_url)
    root = page.locator(".wsas-batch")
    page.locator("[data-batch-folder]").set_input_files(str(batch["folder"]))
    # the progress bar moves while the worker reads, and the page answers clicks meanwhile
    seen = []
    toggle = page.locator("label.md-header__button[for^=__palette]").first
    answered = []
    deadline = time.monotonic() + 120
    while root.get_attribute("data-batch-done") is None and time.monotonic() < deadline:
        seen.append(float(page.locator("[data-batch-progress]").evaluate("p => p.value / p.max")))
        if len(answered) < 2 and 0 < seen[-1] < 0.9 and toggle.is_visible():
            before = page.evaluate("document.body.getAttribute('data-md-color-scheme')")
            start = time.monotonic()
            toggle.click()
            page.wait_for_function(f"document.body.getAttribute('data-md-color-scheme') !== {json.dumps(before)}",
                                   timeout=2_000)
            answered.append(time.monotonic() - start)
        page.wait_for_timeout(150)
    assert root.get_attribute("data-batch-done") is not None, "the batch did not finish in 120 s"
    moving = [value for value in seen if 0 < value < 1]
    assert len(set(moving)) >= 2, f"the progress bar did not move: {seen[:20]}"
    assert answered and max(answered) < 2, f"clicks while running: {answered}"

    # the counts: as --summary says
    summary = batch["summary"]
    assert int(root.get_attribute("data-batch-records")) == summary["records"]
    totals = page.locator("[data-summary-total]")
    assert int(totals.get_attribute("data-summary-valid")) == summary["valid"]
    assert int(totals.get_attribute("data-summary-invalid")) == summary["invalid"] >= 50
    for code, count in summary["invalidByCode"].items():
        assert page.locator(f"[data-summary-codes] tr[data-code='{code}'] td").nth(1).inner_text() == str(count)
    for rubric, counts in summary["byRubric"].items():
        cells = page.locator(f"[data-summary-rubrics] tr[data-rubric='{rubric}'] td")
        assert [cells.nth(1).inner_text(), cells.nth(2).inner_text()] == [str(counts["records"]), str(counts["invalid"])]

    # the downloads: what the command line wrote
    assert _download(page, "summary", tmp_path / "汇总.json") == (batch["parent"] / "cli.summary.json").read_bytes()
    cli_jsonl = (batch["parent"] / "cli.jsonl").read_bytes()
    assert _sorted_lines(_download(page, "jsonl", tmp_path / "r.jsonl")) == _sorted_lines(cli_jsonl)
    page_csv = _download(page, "csv", tmp_path / "t.csv")
    cli_csv = (batch["parent"] / "cli.csv").read_bytes()
    assert page_csv.startswith(b"\xef\xbb\xbf") and page_csv.splitlines()[0] == cli_csv.splitlines()[0]
    assert _sorted_lines(page_csv, True) == _sorted_lines(cli_csv, True)
    assert b"'=HYPERLINK" in page_csv

    # every invalid record: file, line, column, pointer and code as wsas validate reports them
    rows = list(csv.reader(io.StringIO(_download(page, "errors", tmp_path / "e.csv").decode("utf-8-sig"))))
    assert rows[0] == ["文件", "行", "列", "位置", "代码", "说明", "说明（英文）"]
    found = sorted((r[0], int(r[1]) if r[1] else None, int(r[2]) if r[2] else None, r[3], r[4]) for r in rows[1:])
    assert found == batch["errors"]

    # the table of invalid records filters by code and by text
    errors = page.locator("[data-table=errors]")
    page.select_option("[data-table-code=errors]", "duplicate-key")
    shown = errors.locator("tbody tr")
    assert shown.count() == sum(1 for e in batch["errors"] if e[4] == "duplicate-key")
    assert all("duplicate-key" in text for text in shown.all_inner_texts())
    page.select_option("[data-table-code=errors]", "")
    page.fill("[data-table-filter=errors]", "batch/odd/gbk.json")
    assert errors.locator("tbody tr").count() == 1 and "encoding" in errors.locator("tbody tr").inner_text()
    assert page.locator("[data-table=totals] [data-table-count=totals]").inner_text() == f"共 {summary['valid']} 行"


def test_dropped_files_and_cancel(page, base_url, batch):
    _open(page, base_url)
    root = page.locator(".wsas-batch")
    # a drop of three files: one document, one JSON Lines file with a bad line, a damaged workbook
    valid = (ROOT / "rubrics/shishi-2024/examples/town.valid.json").read_text(encoding="utf-8")
    page.evaluate("""([valid]) => {
        const transfer = new DataTransfer();
        transfer.items.add(new File([valid], "town.json"));
        transfer.items.add(new File([valid.replace(/\\n/g, " ") + "\\n{\\"rubric\\": 1,\\n"], "two.jsonl"));
        transfer.items.add(new File(["PK"], "表.xlsx"));
        document.querySelector("[data-batch-drop]").dispatchEvent(new DragEvent("drop", {dataTransfer: transfer, bubbles: true, cancelable: true}));
    }""", [valid])
    page.wait_for_selector(".wsas-batch[data-batch-done]", timeout=30_000)
    assert root.get_attribute("data-batch-records") == "4"
    assert page.locator("[data-summary-total]").get_attribute("data-summary-invalid") == "2"
    assert "two.jsonl" in page.locator("[data-table=errors] tbody").inner_text()
    assert "corrupt" in page.locator("[data-table=errors] tbody").inner_text()  # 表.xlsx: not a zip file

    # cancel: the run stops, nothing is offered, and the next run works
    page.locator("[data-batch-folder]").set_input_files(str(batch["folder"]))
    page.wait_for_function("document.querySelector('[data-batch-progress]').value > 0", timeout=30_000)
    page.locator("[data-batch-cancel]").click()
    assert root.get_attribute("data-batch-cancelled") is not None
    page.wait_for_timeout(1_000)
    assert root.get_attribute("data-batch-done") is None
    assert page.locator("[data-batch-download]").count() == 0 or not page.locator("[data-batch-downloads]").is_visible()
    assert "已取消" in page.locator("[data-batch-status]").inner_text()
    page.wait_for_selector(".wsas-batch[data-batch-ready]", timeout=30_000)
    page.locator("[data-batch-files]").set_input_files(str(ROOT / "rubrics/shishi-2024/examples/town.valid.json"))
    page.wait_for_selector(".wsas-batch[data-batch-done]", timeout=30_000)
    assert root.get_attribute("data-batch-records") == "1"


def test_linked_from_the_home_page_and_the_guide(page, base_url):
    page.goto(base_url + "index.html")
    page.get_by_role("link", name="批量校验（浏览器）").first.click()
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("batch.html")
    page.goto(base_url + "validate.html")
    assert page.locator("a[href='batch.html']").count() >= 1


@pytest.fixture(scope="module")
def workbooks(tmp_path_factory):
    """A folder of workbooks and one JSON submission, and what wsas xlsx import and wsas score made of it."""
    parent = tmp_path_factory.mktemp("batch-workbooks")
    folder = parent / "books"
    folder.mkdir()
    filled(folder, "town.xlsx", example(TOWN))
    stale_cache(folder / "town.xlsx", folder / "stale.xlsx")  # shows another total and score than its result
    filled(folder, "haizhou.xlsx", example("lianyungang-2020/county-bureau.valid.json"))
    filled(folder, "later.xlsx", example(ENTERPRISE), edit=put("value", "12.1", None))  # not yet due: may stay empty
    filled(folder, "over.xlsx", example(ENTERPRISE), edit=put("value", "7.1", 16))
    filled(folder, "text.xlsx", example(TOWN), edit=put("value", "5.1", "三"))
    (folder / "notes.xlsx").write_text("序号,得分\n1,10\n", encoding="utf-8")
    (folder / "town.json").write_bytes((ROOT / "rubrics/shishi-2024/examples/town.valid.json").read_bytes())
    wsas = [sys.executable, "-m", "wsas"]
    books = sorted(p.name for p in folder.glob("*.xlsx"))
    imported = subprocess.run(wsas + ["xlsx", "import", "--format", "json", "-o", "out"] + [f"books/{n}" for n in books],
                              cwd=parent, capture_output=True, text=True).stdout
    reports = [json.loads(line) for line in imported.splitlines()]
    submissions = [r["submission"] for r in reports if r["ok"]]
    subprocess.run(wsas + ["score", "books/town.json", *submissions, "--jsonl", "cli.jsonl", "--csv", "cli.csv",
                           "--summary", "cli.summary.json", "--quiet"], cwd=parent, capture_output=True)
    return {"folder": folder, "parent": parent, "reports": reports}


def test_a_folder_of_workbooks_gives_what_wsas_xlsx_import_and_score_give(page, base_url, workbooks, tmp_path):
    _open(page, base_url)
    root = page.locator(".wsas-batch")
    page.locator("[data-batch-folder]").set_input_files(str(workbooks["folder"]))
    page.wait_for_selector(".wsas-batch[data-batch-done]", timeout=60_000)
    reports = workbooks["reports"]
    refused = [r for r in reports if not r["ok"]]
    assert [r["file"] for r in refused] == ["books/notes.xlsx", "books/over.xlsx", "books/text.xlsx"]

    # the counts: wsas score's summary of what imported, plus one invalid record per workbook refused
    summary = json.loads((workbooks["parent"] / "cli.summary.json").read_text(encoding="utf-8"))
    for report in refused:
        rubric = report["rubric"] or "（未知评估表 unknown）"
        summary["records"] += 1
        summary["invalid"] += 1
        counts = summary["byRubric"].setdefault(rubric, {"records": 0, "invalid": 0})
        counts["records"] += 1
        counts["invalid"] += 1
        for code in {e["code"] for e in report["errors"]}:
            summary["invalidByCode"][code] = summary["invalidByCode"].get(code, 0) + 1
    assert int(root.get_attribute("data-batch-records")) == summary["records"] == 8
    assert json.loads(_download(page, "summary", tmp_path / "汇总.json")) == summary

    # the downloads: wsas score's, each workbook named in place of the submission it became
    cli_jsonl = (workbooks["parent"] / "cli.jsonl").read_bytes()
    assert _sorted_lines(_download(page, "jsonl", tmp_path / "r.jsonl")) == _sorted_lines(cli_jsonl)
    cli_csv = (workbooks["parent"] / "cli.csv").read_bytes()
    for report in reports:
        if report["ok"]:
            cli_csv = cli_csv.replace(report["submission"].encode() + b",", report["file"].encode() + b",")
    assert _sorted_lines(_download(page, "csv", tmp_path / "t.csv"), True) == _sorted_lines(cli_csv, True)

    # every error of a refused workbook: its code, pointer and message (which names the cell) as wsas xlsx import gives them
    rows = list(csv.reader(io.StringIO(_download(page, "errors", tmp_path / "e.csv").decode("utf-8-sig"))))
    found = sorted((r[0], r[3], r[4], r[5]) for r in rows[1:])
    assert found == sorted((r["file"], e["pointer"], e["code"], e["message"]) for r in refused for e in r["errors"])
    over = refused[1]["errors"][0]
    assert over["at"].startswith("评估表!") and over["criterion"] == "7.1" and over["code"] == "out-of-range"
    shown = page.locator("[data-table=errors] tbody").inner_text()
    assert "评估表!" in shown and "out-of-range" in shown and "not-xlsx" in shown

    # the warnings of wsas xlsx import (a cached value that differs from the result): shown, the record still valid
    warned = [(r["file"], w["at"], w["code"], w["message"]) for r in reports for w in r["warnings"]]
    assert [w[:3] for w in warned] == [("books/stale.xlsx", w[1], "cached-value-differs") for w in warned]
    assert len(warned) == 2
    section = page.locator("[data-batch-warnings]")
    assert section.is_visible()
    cells = section.locator("[data-table=warnings] tbody tr").evaluate_all(
        "rows => rows.map((row) => [...row.cells].map((cell) => cell.textContent))")
    assert sorted(map(tuple, cells)) == sorted(warned)
