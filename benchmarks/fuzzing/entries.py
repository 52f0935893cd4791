"""The entry points that read input, each run in-process the way its command runs it.

An entry point is a :class:`Entry`: ``setup()`` loads what the command loads once (catalogue, program,
rules, code tables, the template workbook), ``draw(data, ctx)`` makes one input (bytes) from the real
examples, and ``run(ctx, data)`` feeds it through the functions the command calls, including the
rendering of what it prints. Bad input is reported by the project as error values, :class:`InputError`
or :class:`UnreadableError` (and the few domain errors each command catches); those are caught here
exactly as the command catches them. Anything else escaping ``run`` is a crash.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import resource
import select
import struct
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from hypothesis import strategies as st

from . import mutate

ROOT = Path(__file__).resolve().parents[2]


class Mismatch(Exception):
    """Two readings of the same input disagree (fast path against reference): a bug, not a crash."""


class Hang(BaseException):
    """An input ran longer than the limit (raised by the harness's alarm, or for a JavaScript entry point
    by its own clock)."""


class JsCrash(Exception):
    """The JavaScript entry point threw; ``signature`` is its innermost frame in the handbook's code."""

    def __init__(self, stack: str, signature: str):
        super().__init__(stack)
        self.signature = signature


@dataclass
class Entry:
    name: str
    setup: Callable[[], dict]
    draw: Callable  # (draw, ctx) -> bytes
    run: Callable  # (ctx, bytes) -> None
    suffix: str = ".json"  # file name used for a reproducer


def _json_seeds(paths) -> list:
    seeds = []
    for path in paths:
        try:
            seeds.append(json.loads(Path(path).read_text(encoding="utf-8")))
        except ValueError:  # the examples of unreadable input are covered by the byte mutations
            pass
    return seeds


def written(*texts) -> None:
    """What the command would write: text must encode as UTF-8 (standard output and files are UTF-8)."""
    for text in texts:
        if isinstance(text, str):
            text.encode("utf-8")


def _jsonl_seeds(paths) -> list:
    seeds = []
    for path in paths:
        for line in Path(path).read_text(encoding="utf-8").splitlines():
            try:
                seeds.append(json.loads(line))
            except ValueError:  # blank or deliberately broken lines
                pass
    return seeds


def _lines(data: bytes, name: str):
    """Records of ``data`` as a JSON Lines file, split as :mod:`wsas.sources` splits a file."""
    from wsas.sources import _segments_of

    for segment in _segments_of(io.BytesIO(data), name):
        yield from segment.records()


# ---------------------------------------------------------------- validate / score (one document)

def _submission_setup() -> dict:
    from wsas.scoring.batch import Checker, Formats
    from wsas.rubrics import published_catalogue

    catalogue = published_catalogue()
    seeds = _json_seeds(sorted(ROOT.glob("rubrics/*/examples/*.json")))
    return {"catalogue": catalogue, "seeds": seeds, "keys": mutate.all_keys(seeds),
            "checkers": [Checker(catalogue, [], Formats(scoring=True, stdout="text", results=True, rows=True)),
                         Checker(catalogue, [], Formats(scoring=False, stdout="json"))]}


def _submission_draw(draw, ctx) -> bytes:
    return mutate.json_input(draw, ctx["seeds"], ctx["keys"])


def _submission_run(ctx, data: bytes) -> None:
    from wsas.scoring.batch import Summary
    from wsas.errors import InputError
    from wsas.reading import decode, load_json_text
    from wsas.scoring.score import score
    from wsas.sources import Record, Segment
    from wsas.scoring.validation import validate

    record = Record("fuzz.json", None, data=data, size=len(data))
    # what wsas score (text, --jsonl, --csv) or wsas validate --format json runs: fast path, then the reference
    for checker in [ctx["checkers"][len(data) % 2]]:
        summary = Summary()
        chunk = checker.chunk(Segment("fuzz.json", record=record, size=len(data)))
        summary.add_chunk(chunk)
        written("".join(chunk.stdout), chunk.rows, summary.text(), *(str(e) for o in chunk.invalid for e in o.errors))
    try:  # the library API: the reference reader, validate, score
        document = load_json_text(decode(data, "fuzz.json"), "fuzz.json")
    except InputError:
        document = None
    fast = ctx["checkers"][0].fast.valid_document(data)
    if document is None:
        if fast is not None:
            raise Mismatch("the fast path accepts a document the strict reader refuses")
        return
    if fast is not None:  # fast path accepted: the reference must agree, and the library API must score it
        errors = validate(document, ctx["catalogue"])
        if errors:
            raise Mismatch(f"the fast path accepts a document with errors: {errors[0]}")
        score(document, ctx["catalogue"])


# ---------------------------------------------------------------- JSON Lines batch

def _batch_draw(draw, ctx) -> bytes:
    return mutate.jsonl_input(draw, ctx["seeds"], ctx["keys"])


def _batch_run(ctx, data: bytes) -> None:
    from wsas.scoring.batch import Summary
    from wsas.sources import _segments_of

    for checker in [ctx["checkers"][len(data) % 2]]:
        summary = Summary()
        for segment in _segments_of(io.BytesIO(data), "fuzz.jsonl"):
            chunk = checker.chunk(segment)
            summary.add_chunk(chunk)
            written("".join(chunk.stdout), chunk.rows, *(str(e) for o in chunk.invalid for e in o.errors))
        written(summary.text())


# ---------------------------------------------------------------- event-log check

def _check_setup() -> dict:
    from wsas.programs import load_program

    logs = sorted(ROOT.glob("rubrics/*/examples/eventlogs/*.json"))
    programs = {p.parents[2].name: load_program(p.parents[2].name) for p in logs}
    seeds = _json_seeds(logs)
    return {"programs": programs, "seeds": seeds, "keys": mutate.all_keys(seeds)}


def _check_draw(draw, ctx) -> bytes:
    program = draw(st.sampled_from(sorted(ctx["programs"])))
    return program.encode() + b"\n" + mutate.json_input(draw, ctx["seeds"], ctx["keys"])


def _check_run(ctx, data: bytes) -> None:
    from wsas.workflows.check import check_log
    from wsas.errors import InputError
    from wsas.output import dumps
    from wsas.reading import decode, load_json_text

    program_id, _, data = data.partition(b"\n")
    program = ctx["programs"].get(program_id.decode("utf-8", "replace")) or next(iter(ctx["programs"].values()))
    try:
        log = load_json_text(decode(data, "log.json"), "log.json")
    except InputError as exc:
        written(str(exc.error), dumps({"findings": [exc.error.as_dict()]}))
        return
    for fallback in (False, True):
        findings = check_log(log, program, fallback)
        written(dumps({"findings": [f.as_dict() for f in findings]}),
                *(f"{f.pointer} {f.code} {f.ref} {f.period} {f.message} / {f.message_en}" for f in findings))


# ---------------------------------------------------------------- records check

def _records_setup() -> dict:
    from wsas.programs import published_programs
    from wsas.records.model import published_rules

    base = ROOT / "records/examples"
    seeds = _json_seeds(sorted(base.glob("hazards/*.json")) + sorted(base.glob("invalid/*.json")))
    seeds += _jsonl_seeds([base / "hazards.valid.jsonl"])
    return {"rules": published_rules(), "known": set(published_programs()), "seeds": seeds,
            "keys": mutate.all_keys(seeds)}


def _records_run(ctx, data: bytes) -> None:
    from wsas.output import dumps
    from wsas.records.check import check_ledgers, summary_text
    from wsas.records.cli import _text
    from wsas.records.ledger import Ledger, entry_of

    ledger = Ledger("fuzz.jsonl", [entry_of(record) for record in _lines(data, "fuzz.jsonl")])
    for program in (None, "haimen-2022"):
        report = check_ledgers([ledger], ctx["rules"], program, dt.date(2024, 6, 30), ctx["known"])
        written(dumps(report.as_dict()), _text(report) + summary_text(report.summary, ctx["rules"]))


# ---------------------------------------------------------------- records cadence

def _cadence_setup() -> dict:
    from wsas.records.cadence import load_cadences

    base = ROOT / "records/examples"
    seeds = _jsonl_seeds(sorted(base.glob("inspections.*.jsonl")))
    return {"programs": load_cadences(), "seeds": seeds, "keys": mutate.all_keys(seeds)}


def _cadence_run(ctx, data: bytes) -> None:
    from wsas.output import dumps
    from wsas.records.cadence import check_cadence
    from wsas.records.cadence_cli import as_text
    from wsas.records.ledger import entry_of

    entries = [entry_of(record) for record in _lines(data, "fuzz.jsonl")]
    for program in ctx["programs"].values():
        for start, end in ((dt.date(2024, 3, 1), dt.date(2024, 3, 31)), (dt.date(2023, 12, 25), dt.date(2024, 1, 8))):
            report = check_cadence(program, iter(entries), start, end)
            written(dumps(report.as_dict()), as_text(report))


# ---------------------------------------------------------------- records import

def _import_setup() -> dict:
    from wsas.records.codes import load_table

    base = ROOT / "records/examples/import"
    seeds = _jsonl_seeds([base / "sample-a.producer.jsonl"]) + _json_seeds(sorted((base / "sample-b").glob("*.json")))
    return {"tables": [load_table("sample-a"), load_table("sample-b")], "seeds": seeds,
            "keys": mutate.all_keys(seeds)}


def _import_run(ctx, data: bytes) -> None:
    from wsas.output import dumps
    from wsas.records.codes import import_items
    from wsas.records.ledger import entry_of

    entries = [entry_of(record) for record in _lines(data, "fuzz.jsonl")]
    for table in ctx["tables"]:
        for outcome in import_items(table, entries):
            if outcome.ok:
                written(dumps(outcome.document, indent=None))
            written(dumps(outcome.as_dict(), indent=None), *(str(e) for e in outcome.errors + outcome.warnings))


def _lines_draw(draw, ctx) -> bytes:
    return mutate.jsonl_input(draw, ctx["seeds"], ctx["keys"])


# ---------------------------------------------------------------- rubric / program YAML + lint

def _yaml_setup() -> dict:
    import yaml

    paths = sorted(ROOT.glob("rubrics/*/*.yaml"))
    seeds = [(yaml.safe_load(p.read_text(encoding="utf-8")), p.read_text(encoding="utf-8")) for p in paths]
    folder = tempfile.mkdtemp(prefix="wsas-fuzz-yaml-")
    return {"seeds": seeds, "keys": mutate.all_keys([s for s, _ in seeds]), "folder": folder}


def _yaml_draw(draw, ctx) -> bytes:
    return mutate.yaml_input(draw, ctx["seeds"], ctx["keys"])


def _yaml_run(ctx, data: bytes) -> None:
    """``wsas lint FILE`` (program or rubric, as the command decides) and ``--format json``."""
    import contextlib

    from wsas.lint_cli import _is_program, _print_lint
    from wsas.output import dumps

    from wsas.scoring.lint import lint_file
    from wsas.workflows.lint import lint_program_file

    path = os.path.join(ctx["folder"], "fuzz.yaml")
    with open(path, "wb") as handle:
        handle.write(data)
    report = lint_program_file(path) if _is_program(path) else lint_file(path)
    shown = io.StringIO()
    with contextlib.redirect_stdout(shown):
        _print_lint(report)
    written(shown.getvalue(), dumps([{"file": report.path, "rubric": report.document.id if report.document else None,
                                      "findings": [f.as_dict() for f in report.findings]}]))


# ---------------------------------------------------------------- xlsx import

def _xlsx_setup() -> dict:
    from wsas.rubrics import load_rubric, published_catalogue
    from wsas.xlsx import write_template

    folder = tempfile.mkdtemp(prefix="wsas-fuzz-xlsx-")
    template = os.path.join(folder, "template.xlsx")
    write_template(load_rubric("lianyungang-2020/enterprise"), template)
    data = Path(template).read_bytes()
    return {"template": data, "members": mutate.zip_members(data), "folder": folder,
            "catalogue": published_catalogue()}


def _xlsx_draw(draw, ctx) -> bytes:
    return mutate.xlsx_input(draw, ctx["template"], ctx["members"])


def _xlsx_run(ctx, data: bytes) -> None:
    from wsas.xlsx import import_workbook
    from wsas.xlsx.report import as_json, as_text

    path = os.path.join(ctx["folder"], "fuzz.xlsx")
    with open(path, "wb") as handle:
        handle.write(data)
    imported = import_workbook(path, ctx["catalogue"])  # UnreadableError only for a path that cannot be opened
    written(as_json(imported, None), as_text(imported, None))


# ---------------------------------------------------------------- bulletin intake

def _bulletin_setup() -> dict:
    from wsas.bulletin import Quarter
    from wsas.programs import load_program
    from wsas.rubrics import published_catalogue
    from wsas.scoring.score import score

    catalogue = published_catalogue()
    results = []
    for path in sorted(ROOT.glob("rubrics/lianyungang-2020/examples/*.valid.json")):
        from wsas.reading import load_json_file
        results.append(json.loads(_result_text(score(load_json_file(path), catalogue))))
    for path in sorted(ROOT.glob("rubrics/*/examples/*.valid.json")):  # not of the program: refused
        from wsas.reading import load_json_file
        results.append(json.loads(_result_text(score(load_json_file(path), catalogue))))
    return {"program": load_program("lianyungang-2020"), "quarter": Quarter.parse("2020Q2"), "seeds": results,
            "keys": mutate.all_keys(results)}


def _result_text(result: dict) -> str:
    from wsas.scoring.batch import result_line

    return result_line(result).decode("utf-8")


def _bulletin_run(ctx, data: bytes) -> None:
    from wsas.bulletin import BulletinBuilder
    from wsas.bulletin.render import FORMATS, rendered

    builder = BulletinBuilder(ctx["program"], ctx["quarter"])
    for record in _lines(data, "fuzz.jsonl"):
        errors, duplicate = builder.add(record)
        written(*(str(error) for error in errors))
    bulletin = builder.finish()
    for fmt in FORMATS:
        written(rendered(bulletin, fmt))


# ---------------------------------------------------------------- the handbook's JavaScript

JS_RUNNER = ROOT / "benchmarks" / "fuzzing" / "js_runner.mjs"
JS_STALL_SECONDS = 60  # no answer for this long: the input is a hang and node is started again


class JsRunner:
    """One node process running benchmarks/fuzzing/js_runner.mjs, an input at a time."""

    def __init__(self, timeout: float = 5.0):
        self.timeout = timeout
        self.process = None

    def start(self) -> None:
        def unlimited():  # node reserves far more address space than the harness's limit on an input allows
            resource.setrlimit(resource.RLIMIT_AS, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))

        self.process = subprocess.Popen(["node", "--max-old-space-size=2048", str(JS_RUNNER)], cwd=ROOT,
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, preexec_fn=unlimited)

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None

    def run(self, kind: str, data: bytes) -> None:
        if self.process is None or self.process.poll() is not None:
            self.start()
        head = kind.encode() + b"\n"
        try:
            try:
                self.process.stdin.write(struct.pack(">I", len(head) + len(data)) + head + data)
                self.process.stdin.flush()
            except BrokenPipeError:
                line = b""  # node has died: said below
            else:
                ready, _, _ = select.select([self.process.stdout], [], [], JS_STALL_SECONDS)
                if not ready:
                    raise Hang()
                line = self.process.stdout.readline()
        except BaseException:  # no answer read (a hang, the harness's alarm): the next one would be this one's
            self.stop()
            raise
        if not line:  # node died on the input (out of memory, a fatal error)
            code = self.process.wait()
            self.process = None
            raise JsCrash(f"node exited with {code}", f"node-exit-{code}")
        reply = json.loads(line)
        if reply["cpuMs"] > self.timeout * 1000:
            raise Hang()
        if not reply["ok"]:
            raise JsCrash(reply["error"], reply["signature"])


def _js_batch_setup() -> dict:
    seeds = _json_seeds(sorted(ROOT.glob("rubrics/*/examples/*.json")))
    return {"runner": JsRunner(), "seeds": seeds, "keys": mutate.all_keys(seeds)}


def _js_batch_draw(draw, ctx) -> bytes:
    if draw(st.booleans()):
        return mutate.json_input(draw, ctx["seeds"], ctx["keys"])
    return mutate.jsonl_input(draw, ctx["seeds"], ctx["keys"])


def _js_records_setup() -> dict:
    base = ROOT / "records/examples"
    seeds = _json_seeds(sorted(base.glob("hazards/*.json")) + sorted(base.glob("invalid/*.json"))
                        + sorted(base.glob("enterprises/*.json")))
    return {"runner": JsRunner(), "seeds": seeds, "keys": mutate.all_keys(seeds)}


def _js_records_draw(draw, ctx) -> bytes:
    return mutate.json_input(draw, ctx["seeds"], ctx["keys"])


def _js_xlsx_setup() -> dict:
    return dict(_xlsx_setup(), runner=JsRunner())


def _js_run(kind: str):
    def run(ctx, data: bytes) -> None:
        ctx["runner"].run(kind, data)
    return run


ENTRIES = [
    Entry("submission", _submission_setup, _submission_draw, _submission_run),
    Entry("jsonl-batch", _submission_setup, _batch_draw, _batch_run, ".jsonl"),
    Entry("eventlog-check", _check_setup, _check_draw, _check_run, ".txt"),
    Entry("records-check", _records_setup, _lines_draw, _records_run, ".jsonl"),
    Entry("records-cadence", _cadence_setup, _lines_draw, _cadence_run, ".jsonl"),
    Entry("records-import", _import_setup, _lines_draw, _import_run, ".jsonl"),
    Entry("rubric-yaml-lint", _yaml_setup, _yaml_draw, _yaml_run, ".yaml"),
    Entry("xlsx-import", _xlsx_setup, _xlsx_draw, _xlsx_run, ".xlsx"),
    Entry("bulletin-intake", _bulletin_setup, _lines_draw, _bulletin_run, ".jsonl"),
    Entry("js-batch", _js_batch_setup, _js_batch_draw, _js_run("batch")),
    Entry("js-record-forms", _js_records_setup, _js_records_draw, _js_run("records")),
    Entry("js-xlsx-import", _js_xlsx_setup, _xlsx_draw, _js_run("xlsx"), ".xlsx"),
]
BY_NAME = {entry.name: entry for entry in ENTRIES}
