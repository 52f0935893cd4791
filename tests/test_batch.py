"""Batches: folders and JSON Lines, every bad record located, the rest processed, outputs atomic."""

from __future__ import annotations

import csv
import io
import json
import os
import pty
import struct
import termios
import fcntl
import subprocess
import sys

from helpers import ROOT, VALID_EXAMPLES, run_wsas
from wsas.output import dumps, plain
from wsas.reading import load_json_file
from wsas.rubrics import published_catalogue
from wsas.schemas import schema_errors
from wsas.scoring.score import score_valid
from wsas.scoring.synthetic import submissions

CATALOGUE = published_catalogue()
GOOD_PATH = next(p for p in VALID_EXAMPLES if p.name == "enterprise.valid.json")


def lines_of(count: int, rubric_id: str = "shishi-2024/town", seed: int = 1) -> list[str]:
    return [dumps(s, indent=None) for s in submissions(CATALOGUE.get(rubric_id), count, seed=seed)]


def write_lines(path, lines, ending="\n", encoding="utf-8", bom=False):
    data = ending.join(lines) + ending
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data.encode(encoding))
    return path


def reported(stream: str, path) -> list[str]:
    return [line for line in stream.splitlines() if line.startswith(str(path))]


def test_jsonl_bad_lines_are_located_and_the_rest_scored(tmp_path):
    good = lines_of(6)
    lines = [good[0], '{"rubric": "shishi-2024/town", "responses": ', good[1], "[1, 2]", "", good[2],
             '"just a string"', good[3], good[4][:-40]]  # the last line is truncated (no closing braces)
    batch = write_lines(tmp_path / "batch.jsonl", lines)
    out, table = tmp_path / "out.jsonl", tmp_path / "out.csv"
    result = run_wsas("score", batch, "--jsonl", out, "--csv", table)
    assert result.returncode == 1
    bad = reported(result.stderr, batch)
    assert [line.split(": [")[0] for line in bad] == [f"{batch}:2:45", f"{batch}:4", f"{batch}:7", f"{batch}:9:{len(good[4]) - 39}"]
    assert "[schema] 类型应为对象" in bad[1] and "not of type object" in bad[1]
    assert "[syntax]" in bad[3]
    results = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["subject"]["code"] for r in results] == [json.loads(g)["subject"]["code"] for g in good[:4]]
    for line, scored in zip(good, results):
        assert not schema_errors(scored, "result")
        submission = json.loads(line)
        expected = plain(score_valid(load_json_from(line), CATALOGUE.get(submission["rubric"])))
        assert scored == json.loads(json.dumps(expected, ensure_ascii=False))
    assert "合计 8 条：有效 4，无效 4" in result.stderr


def load_json_from(text: str):
    from wsas.reading import load_json_text
    return load_json_text(text)


def test_csv_has_a_bom_chinese_header_and_one_row_per_scored_record(tmp_path):
    batch = write_lines(tmp_path / "b.jsonl", lines_of(3, "lianyungang-2020/county-bureau"))
    table = tmp_path / "t.csv"
    assert run_wsas("score", batch, "--csv", table).returncode == 0
    raw = table.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert len(rows) == 3 and rows[0]["文件"] == str(batch) and rows[0]["行"] == "1"
    assert rows[0]["评估表"] == "lianyungang-2020/county-bureau" and rows[0]["应得分"] == "85"
    first = score_valid(load_json_from(batch.read_text(encoding="utf-8").splitlines()[0]),
                        CATALOGUE.get("lianyungang-2020/county-bureau"))
    assert rows[0]["得分"] == str(plain(first["score"])) and rows[0]["实得分"] == str(plain(first["total"]))


def test_bom_crlf_and_blank_lines_are_read(tmp_path):
    batch = write_lines(tmp_path / "crlf.jsonl", lines_of(3) + ["", "  "], ending="\r\n", bom=True)
    result = run_wsas("validate", batch)
    assert result.returncode == 0, result.stdout
    assert "合计 3 条：有效 3，无效 0" in result.stderr


def test_a_bom_inside_the_file_is_an_error(tmp_path):
    good = lines_of(3)
    batch = write_lines(tmp_path / "bom.jsonl", [good[0], "\ufeff" + good[1], good[2]], bom=True)
    result = run_wsas("validate", batch)
    assert result.returncode == 1
    assert reported(result.stdout, batch) == [f"{batch}:2:1: [syntax] 行首有 BOM（只允许出现在文件开头） / "
                                              "byte order mark at the start of a line (allowed only at the start of the file)"]


def test_gbk_file_is_reported_line_by_line_and_ascii_lines_still_pass(tmp_path):
    good = lines_of(2)
    ascii_line = json.dumps(json.loads(good[1]))  # \u escapes: the same bytes in GBK and UTF-8
    batch = write_lines(tmp_path / "gbk.jsonl", [good[0], ascii_line], encoding="gbk")
    result = run_wsas("validate", batch, "--format", "json")
    assert result.returncode == 1
    reports = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(r["line"], r["valid"]) for r in reports] == [(1, False), (2, True)]
    assert reports[0]["errors"][0]["code"] == "encoding" and reports[0]["errors"][0]["line"] == 1
    assert "GBK" in reports[0]["errors"][0]["message"]


def test_empty_files_are_reported(tmp_path):
    (tmp_path / "empty.jsonl").write_bytes(b"")
    (tmp_path / "blank.jsonl").write_bytes(b"\n\n")
    (tmp_path / "empty.json").write_bytes(b"")
    result = run_wsas("validate", tmp_path)
    assert result.returncode == 1
    codes = {line.split(" ")[0]: line for line in result.stdout.splitlines()}
    assert "[empty]" in codes[f"{tmp_path / 'blank.jsonl'}"] and "[empty]" in codes[f"{tmp_path / 'empty.jsonl'}"]
    assert "[syntax]" in codes[f"{tmp_path / 'empty.json'}:1:1:"]


def test_folder_with_unreadable_entries_goes_on(tmp_path):
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.json").write_bytes(GOOD_PATH.read_bytes())
    write_lines(folder / "sub" / "b.jsonl", lines_of(2))
    (folder / "c.json").symlink_to(tmp_path / "gone.json")  # a dangling link: listed, cannot be opened
    (folder / "notes.txt").write_text("not a submission", encoding="utf-8")
    (folder / ".hidden.json").write_text("{", encoding="utf-8")
    result = run_wsas("validate", folder)
    assert result.returncode == 1
    assert f"{folder / 'c.json'} /: [unreadable]" in result.stdout
    assert f"{folder / 'a.json'}: 有效 valid" in result.stdout
    assert "合计 4 条：有效 3，无效 1" in result.stderr


def test_missing_named_file_is_a_usage_error_but_the_rest_is_checked(tmp_path):
    result = run_wsas("validate", tmp_path / "nope.jsonl", GOOD_PATH)
    assert result.returncode == 2
    assert "file not found" in result.stdout and "有效 valid" in result.stdout


def test_summary_file_counts_by_rubric_and_error_code(tmp_path):
    lines = lines_of(3) + lines_of(2, "lianyungang-2020/enterprise")
    broken = json.loads(lines[0])
    broken["responses"].pop(next(iter(broken["responses"])))
    lines.append(json.dumps(broken, ensure_ascii=False))
    lines.append("{")
    batch = write_lines(tmp_path / "b.jsonl", lines)
    summary = tmp_path / "summary.json"
    assert run_wsas("validate", batch, "--summary", summary, "--quiet").returncode == 1
    data = json.loads(summary.read_text(encoding="utf-8"))
    assert data["records"] == 7 and data["valid"] == 5 and data["invalid"] == 2
    assert data["byRubric"]["shishi-2024/town"] == {"records": 4, "invalid": 1}
    assert data["invalidByCode"] == {"missing-response": 1, "syntax": 1}


def test_several_processes_give_the_same_output_in_the_same_order(tmp_path):
    batch = write_lines(tmp_path / "b.jsonl", lines_of(700) + ["{"] + lines_of(500, "lianyungang-2020/enterprise"))
    outputs = []
    for jobs in ("1", "2"):
        out, table = tmp_path / f"r{jobs}.jsonl", tmp_path / f"t{jobs}.csv"
        result = run_wsas("score", batch, "--jobs", jobs, "--jsonl", out, "--csv", table)
        assert result.returncode == 1 and len(reported(result.stderr, batch)) == 1
        outputs.append((out.read_bytes(), table.read_bytes()))
    assert outputs[0] == outputs[1]
    assert outputs[0][0].count(b"\n") == 1200


def test_ten_thousand_records_with_one_bad_one(tmp_path):
    lines = lines_of(10_000, "lianyungang-2020/enterprise", seed=4)
    lines[6_789] = lines[6_789].replace('"rubricVersion": "1.0.0"', '"rubricVersion": "9.0.0"')
    batch = write_lines(tmp_path / "big.jsonl", lines)
    out = tmp_path / "out.jsonl"
    result = run_wsas("score", batch, "--jsonl", out, "--quiet")
    assert result.returncode == 1
    assert reported(result.stderr, batch) == [
        f"{batch}:6790 /rubricVersion: [unknown-version] 评估表 lianyungang-2020/enterprise 没有版本 9.0.0（当前版本 1.0.0）"
        " / rubric lianyungang-2020/enterprise has no version 9.0.0 (current: 1.0.0)"]
    assert out.read_bytes().count(b"\n") == 9_999


def test_outputs_are_atomic_and_inputs_untouched(tmp_path):
    batch = write_lines(tmp_path / "b.jsonl", lines_of(5))
    before = batch.read_bytes()
    out = tmp_path / "out.jsonl"
    out.write_text("previous", encoding="utf-8")
    blocked = tmp_path / "file-not-folder"
    blocked.write_text("x", encoding="utf-8")
    result = run_wsas("score", batch, "--jsonl", out, "--csv", blocked / "t.csv")
    assert result.returncode == 2 and "cannot write" in result.stderr
    assert out.read_text(encoding="utf-8") == "previous"  # nothing published when the run failed
    assert run_wsas("score", batch, "--jsonl", out).returncode == 0
    assert out.read_bytes().count(b"\n") == 5
    assert batch.read_bytes() == before
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_standard_input_as_json_lines():
    data = "\n".join(lines_of(3)) + "\n"
    completed = subprocess.run([sys.executable, "-m", "wsas", "validate", "-"], input=data, text=True,
                               capture_output=True, cwd=ROOT, timeout=120)
    assert completed.returncode == 0 and "合计 3 条" in completed.stderr


def test_json_format_reports_every_record(tmp_path):
    batch = write_lines(tmp_path / "b.jsonl", lines_of(2) + ["[]"])
    result = run_wsas("validate", batch, "--format", "json")
    reports = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(r["line"], r["valid"]) for r in reports] == [(1, True), (2, True), (3, False)]
    assert reports[0]["rubric"] == "shishi-2024/town"
    assert reports[2]["errors"][0]["pointer"] == "" and reports[2]["errors"][0]["line"] == 3


def test_single_document_keeps_the_pretty_result_and_examples_still_score():
    result = run_wsas("score", "--format", "json", VALID_EXAMPLES[0])
    assert result.stdout.startswith("{\n  ")
    expected = score_valid(load_json_file(VALID_EXAMPLES[0]), CATALOGUE.get(load_json_file(VALID_EXAMPLES[0])["rubric"]))
    assert json.loads(result.stdout) == json.loads(dumps(expected))


def _run_on_terminal(*args) -> str:
    """Run wsas with stderr on a pseudo-terminal; returns what the terminal showed."""
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))  # a fresh pty has no size
    process = subprocess.Popen([sys.executable, "-m", "wsas", *map(str, args)], stdout=subprocess.DEVNULL,
                               stderr=follower, cwd=ROOT)
    os.close(follower)
    shown = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:
            break
        if not chunk:
            break
        shown += chunk
    process.wait(timeout=120)
    os.close(leader)
    return shown.decode("utf-8", "replace")


def test_progress_bar_only_on_a_terminal_and_not_with_quiet(tmp_path):
    batch = write_lines(tmp_path / "b.jsonl", lines_of(300))
    shown = _run_on_terminal("validate", batch)
    assert "校验" in shown and "%" in shown and "合计 300 条" in shown
    quiet = _run_on_terminal("validate", batch, "--quiet")
    assert "%" not in quiet and "合计" not in quiet
    piped = run_wsas("validate", batch)
    assert "%" not in piped.stderr and "\r" not in piped.stderr


def _records_by_the_rules(data: bytes, limit: int) -> list:
    """A JSON Lines file's records by the reader's rules, line by line: a BOM only at the start of the file,
    trailing CRs dropped, blank lines skipped, a line longer than ``limit`` (without its newline) too-large,
    a file without any record empty."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    lines = data.split(b"\n")
    if lines[-1] == b"":
        lines.pop()
    found = []
    for number, line in enumerate(lines, 1):
        if len(line) > limit:
            found.append((number, None, "too-large"))
        elif line.strip():
            found.append((number, line.rstrip(b"\r"), None))
    return found or [(None, None, "empty")]


def test_the_block_reader_keeps_the_line_rules(monkeypatch, tmp_path):
    """Blocks cut anywhere (tiny blocks and limits here) give the records the line rules give, carried or
    read back from the file by a worker."""
    import random
    import wsas.sources as sources

    rng = random.Random(2)
    pieces = [b"a", b"{", b" ", b"\n", b"\r", b"\t", b"\xef\xbb\xbf", b"xyz", b"\n\n", b"\r\n"]
    for _ in range(800):
        data = b"".join(rng.choice(pieces) for _ in range(rng.randint(0, 70)))
        limit = rng.randint(4, 24)
        monkeypatch.setattr(sources, "MAX_BYTES", limit)
        monkeypatch.setattr(sources, "SEGMENT_BYTES", rng.randint(1, limit))
        path = tmp_path / "f.jsonl"
        path.write_bytes(data)
        for by_reference in (False, True):
            read = [(r.line, r.data, r.error.code if r.error else None)
                    for segment in sources.segments([str(path)], by_reference) for r in segment.records()]
            assert read == _records_by_the_rules(data, limit), (data, limit, by_reference)


def test_a_segment_read_back_from_a_changed_file_is_reported(tmp_path):
    from wsas.scoring.batch import Checker, Formats
    from wsas.sources import segments

    path = write_lines(tmp_path / "b.jsonl", lines_of(5))
    segment = next(segments([str(path)], by_reference=True))
    assert segment.offset == 0 and not segment.lines
    path.write_bytes(path.read_bytes().replace(b"\n", b" ", 1))
    chunk = Checker(CATALOGUE, [], Formats(scoring=False, stdout=None)).chunk(segment)
    assert [(o.line, [e.code for e in o.errors]) for o in chunk.invalid] == [(1, ["unreadable"])]


def test_checking_a_segment_leaves_no_garbage_cycles():
    """Outputs of a segment are freed as soon as they are written: a reference cycle would keep every
    segment's result lines until the collector ran, and memory would grow with the batch."""
    import gc
    from wsas.scoring.batch import Checker, Formats
    from wsas.sources import Segment

    lines = [line.encode("utf-8") for line in lines_of(50)] + [b"{"]
    segment = Segment("b.jsonl", 1, b"\n".join(lines) + b"\n", size=1)
    for formats in (Formats(scoring=True, stdout=None, results=True, rows=True), Formats(scoring=False, stdout="json")):
        checker = Checker(CATALOGUE, [], formats)
        checker.chunk(segment)
        gc.collect()
        gc.disable()
        try:
            assert checker.chunk(segment).results or formats.stdout
            assert gc.collect() == 0
        finally:
            gc.enable()
