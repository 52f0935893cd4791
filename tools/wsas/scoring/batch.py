"""Checking and scoring a stream of records, in one process or several.

A :class:`Checker` turns a segment of records into a :class:`Chunk`: the
invalid records with their errors (file, line, pointer), counts of the valid
ones, and every output already serialised, so that worker processes hand back a
few strings instead of many nested dicts. The main process keeps only counters
(:class:`Summary`), so memory does not grow with the batch.
"""

from __future__ import annotations

import csv
import io
import os
import signal
import sys
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from .compiled.results import ResultWriter, json_bytes
from ..errors import Error, InputError
from .fastpath import FastPath
from ..output import dumps, plain
from ..reading import BOM, decode, load_json_text
from .result_text import summary
from ..rubrics import Catalogue, catalogue_with
from .score import score_valid
from ..sources import Record, Segment
from ..spreadsheet_text import safe_cell
from .validation import validate

PARALLEL_FROM_BYTES = 8 * 1024 * 1024  # below this, starting processes costs more than it saves


@dataclass
class Outcome:
    """The verdict on one record: its place, its rubric (when known) and its errors (none: valid)."""

    file: str
    line: int | None
    rubric: str | None
    errors: list[Error]

    @property
    def valid(self) -> bool:
        return not self.errors


@dataclass
class Chunk:
    """What a segment of records became, ready to write: the per-record lines for standard output,
    result lines, CSV rows, and counts. Only the invalid outcomes travel as objects; valid records
    are counted."""

    invalid: list[Outcome] = field(default_factory=list)
    valid_by_rubric: Counter = field(default_factory=Counter)
    stdout: list[str] = field(default_factory=list)
    results: bytes = b""
    rows: str = ""
    size: int = 0


@dataclass(frozen=True)
class Formats:
    """Which outputs a run wants, decided once by the command line."""

    scoring: bool = False  # compute results (score) or only validity (validate)
    stdout: str | None = "text"  # "text", "json" or None: what each record prints on standard output
    results: bool = False  # result documents as JSON lines (for --jsonl or score --format json)
    rows: bool = False  # CSV rows (for --csv)


class Checker:
    """Validates (and scores) records against a catalogue: fast path first, reference path for errors.

    A record the fast path accepts is never turned into a result document unless one is written: its
    compiled totals give the score, the CSV row and (written straight to bytes) the result line."""

    def __init__(self, catalogue: Catalogue, extra_programs: list | None = None, formats: Formats = Formats()):
        self.catalogue = catalogue
        self.extra_programs = extra_programs or []
        self.formats = formats
        self.fast = FastPath(catalogue)
        self.writer = ResultWriter(self.extra_programs)

    def check(self, record: Record):
        """(outcome, document, rubric): the document and its rubric only when the record is valid."""
        if record.error is not None:
            return Outcome(record.file, record.line, None, [record.error]), None, None
        found = self.fast.valid_document(record.data)
        if found is not None:
            document, rubric = found
        else:
            document, errors = self._reference(record)
            if errors:
                rubric_id = document.get("rubric") if isinstance(document, dict) else None
                return Outcome(record.file, record.line, rubric_id if isinstance(rubric_id, str) else None,
                               errors), None, None
            rubric = self.catalogue.get(document["rubric"])
        return Outcome(record.file, record.line, rubric.id, []), document, rubric

    def chunk(self, segment: Segment) -> Chunk:
        """Check (and score) every record of ``segment``; the outputs come back joined in input order."""
        work = _Work(self, segment)
        if segment.record is not None:
            work.record(segment.record)
            return work.done()
        try:
            parts = segment.parts()
        except OSError as exc:  # a worker reading its segment back: the file went away or changed
            work.record(Record(segment.file, segment.first_line, error=Error(
                "unreadable", "读取中断：文件在读取过程中被删除或改动", f"read failed: {exc.strerror}",
                file=segment.file, line=segment.first_line)))
        else:
            accept, accepted, file, first = self.fast.accept, work.accepted, segment.file, segment.first_line
            for offset, raw in enumerate(parts):
                data = raw.rstrip(b"\r")
                if not data or data.isspace():
                    continue  # blank lines separate nothing in JSON Lines
                found = accept(data)
                if found is None:
                    work.record(Record(file, first + offset, data=data, size=len(raw) + 1))
                else:
                    accepted(found, first + offset)
        return work.done()

    def _reference(self, record: Record):
        """The reference reader and validator: exact decimals and every error, translated and located."""
        if record.line is not None and record.data.startswith(BOM):  # the file's own BOM is gone already
            return None, [Error("syntax", "行首有 BOM（只允许出现在文件开头）",
                                "byte order mark at the start of a line (allowed only at the start of the file)",
                                file=record.file, line=record.line, column=1)]
        try:
            document = load_json_text(decode(record.data, record.file), record.file)
        except InputError as exc:
            return None, [exc.error.at_record(record.file, record.line)]
        return document, [error.at_record(record.file, record.line) for error in validate(document, self.catalogue)]


class _Work:
    """One segment being checked: what each record adds to the chunk, by the formats asked for."""

    def __init__(self, checker: Checker, segment: Segment):
        self.checker, self.formats, self.file = checker, checker.formats, segment.file
        self.chunk = Chunk(size=segment.size)
        self.valid: dict = {}  # context → records accepted by the fast path
        self.results: list = []
        self.table = io.StringIO()
        self.rows = csv.writer(self.table)
        self.file_cell = safe_cell(segment.file)
        self.scored = checker.writer.scored
        formats = self.formats
        if not formats.scoring:  # the method for records the fast path accepts (by name: no cycle through self)
            self.handler = "_validated" if formats.stdout == "json" else "_counted"
        elif formats.stdout == "text":
            self.handler = "_summarised"
        elif formats.results or formats.rows:
            self.handler = "_written"
        else:
            self.handler = "_scored"

    @property
    def accepted(self):
        return getattr(self, self.handler)

    def _counted(self, found: tuple, line: int | None) -> None:
        context = found[1]
        self.valid[context] = self.valid.get(context, 0) + 1

    def _validated(self, found: tuple, line: int | None) -> None:
        self._counted(found, line)
        self.chunk.stdout.append(dumps(record_report(Outcome(self.file, line, found[1].rubric.id, [])),
                                       indent=None) + "\n")

    def _scored(self, found: tuple, line: int | None) -> None:
        context = found[1]
        self.valid[context] = self.valid.get(context, 0) + 1
        self.scored(context, found[2])  # the score, outcome, grade and consequences: nothing is written

    def _written(self, found: tuple, line: int | None) -> None:
        self._counted(found, line)
        document, context, totals = found
        if self.formats.results:
            self.results.append(self.checker.writer.line(document, context, totals))
        if self.formats.rows:
            self.rows.writerow(self.checker.writer.row(document, context, totals, self.file_cell,
                                                       "" if line is None else line))

    def _summarised(self, found: tuple, line: int | None) -> None:
        self._counted(found, line)
        self._result(found[0], found[1].rubric, line)

    def record(self, record: Record) -> None:
        """A record the fast path did not accept (or a whole file): the reference path, then its outputs."""
        checker, formats, chunk = self.checker, self.formats, self.chunk
        if record.error is None and record.line is None and (formats.scoring or formats.stdout != "text"):
            found = checker.fast.accept(record.data)
            if found is not None:
                self.accepted(found, None)
                return
        outcome, document, rubric = checker.check(record)
        if outcome.errors:
            chunk.invalid.append(outcome)
        else:
            chunk.valid_by_rubric[outcome.rubric] += 1
        if not formats.scoring:
            if formats.stdout == "json":
                chunk.stdout.append(dumps(record_report(outcome), indent=None) + "\n")
            elif outcome.errors:
                chunk.stdout.extend(f"{error}\n" for error in outcome.errors)
            elif formats.stdout == "text" and outcome.line is None:
                chunk.stdout.append(f"{outcome.file}: 有效 valid\n")
            return
        if not outcome.errors:  # score reports errors on standard error, from chunk.invalid
            self._result(document, rubric, record.line)

    def _result(self, document: dict, rubric, line: int | None) -> None:
        """The outputs of a valid record from its full result document (the reference scorer)."""
        formats = self.formats
        result = score_valid(document, rubric, self.checker.extra_programs)
        if formats.stdout == "text":
            self.chunk.stdout.append(summary(self.file if line is None else f"{self.file}:{line}", result,
                                             self.checker.catalogue))
        if formats.results:
            self.results.append(result_line(result))
        if formats.rows:
            self.rows.writerow(csv_row(dict(totals_of(result), 文件=self.file, 行="" if line is None else line)))

    def done(self) -> Chunk:
        chunk = self.chunk
        for context, count in self.valid.items():
            chunk.valid_by_rubric[context.rubric.id] += count
        chunk.results, chunk.rows = b"".join(self.results), self.table.getvalue()
        return chunk


def record_report(outcome: Outcome) -> dict:
    """One record's verdict as ``validate --format json`` prints it."""
    report = {"file": outcome.file}
    if outcome.line is not None:
        report["line"] = outcome.line
    report.update(valid=outcome.valid, errors=[error.as_dict() for error in outcome.errors])
    if outcome.rubric:
        report["rubric"] = outcome.rubric
    return report


def result_line(result: dict) -> bytes:
    """One result document as a JSON line; decimals written exactly (never a rounded float)."""
    return json_bytes(result) + b"\n"


CSV_COLUMNS = ("文件", "行", "评估表", "版本", "被评估对象", "编码", "地区", "评估期",
               "实得分", "应得分", "缺项分", "得分", "结果", "等级", "否决项", "结果运用")
NUMBER_COLUMNS = frozenset({"行", "实得分", "应得分", "缺项分", "得分"})  # numbers: never quoted


def csv_row(row: dict) -> list:
    """One ``--csv`` row: text cells neutralised against formula injection (:mod:`.spreadsheet_text`)."""
    return [row[column] if column in NUMBER_COLUMNS else safe_cell(row[column]) for column in CSV_COLUMNS]


def totals_of(result: dict) -> dict:
    subject = result["subject"]
    return {
        "评估表": result["rubric"], "版本": result["rubricVersion"], "被评估对象": subject["name"],
        "编码": subject.get("code", ""), "地区": subject.get("region", ""), "评估期": result["period"],
        "实得分": _text(result["total"]), "应得分": _text(result["maximum"]),
        "缺项分": _text(result["notApplicablePoints"]), "得分": _text(result["score"]),
        "结果": result["outcome"]["label"] if result["outcome"] else "",
        "等级": result["grade"]["label"] if result.get("grade") else "",
        "否决项": "、".join(result["vetoedBy"]),
        "结果运用": "；".join(c["effect"] for c in result.get("consequences", [])),
    }


def _text(value: Decimal) -> str:
    return str(plain(value))


@dataclass
class Summary:
    """Counters over the whole batch: records valid and invalid, by rubric and by error code."""

    valid: int = 0
    invalid: int = 0
    by_rubric: Counter = field(default_factory=Counter)
    invalid_by_rubric: Counter = field(default_factory=Counter)
    by_code: Counter = field(default_factory=Counter)

    def add_chunk(self, chunk: Chunk) -> None:
        for rubric, count in chunk.valid_by_rubric.items():
            self.by_rubric[rubric] += count
            self.valid += count
        for outcome in chunk.invalid:
            self.add(outcome)

    def add(self, outcome: Outcome) -> None:
        rubric = outcome.rubric or "（未知评估表 unknown）"
        self.by_rubric[rubric] += 1
        if outcome.valid:
            self.valid += 1
        else:
            self.invalid += 1
            self.invalid_by_rubric[rubric] += 1
            self.by_code.update({error.code for error in outcome.errors})

    @property
    def total(self) -> int:
        return self.valid + self.invalid

    def as_dict(self) -> dict:
        return {"records": self.total, "valid": self.valid, "invalid": self.invalid,
                "byRubric": {rubric: {"records": count, "invalid": self.invalid_by_rubric[rubric]}
                             for rubric, count in sorted(self.by_rubric.items())},
                "invalidByCode": dict(sorted(self.by_code.items()))}

    def text(self) -> str:
        lines = [f"合计 {self.total} 条：有效 {self.valid}，无效 {self.invalid} / "
                 f"{self.total} record(s): {self.valid} valid, {self.invalid} invalid"]
        for rubric, count in sorted(self.by_rubric.items()):
            lines.append(f"  {rubric}: {count} 条，无效 {self.invalid_by_rubric[rubric]} / "
                         f"{count} record(s), {self.invalid_by_rubric[rubric]} invalid")
        if self.by_code:
            kinds = "，".join(f"{code} {count}" for code, count in sorted(self.by_code.items()))
            lines.append(f"  无效记录按错误类型（每条记录每类计一次）/ invalid records by error code: {kinds}")
        return "\n".join(lines)


@dataclass(frozen=True)
class CheckerSpec:
    """How to build a :class:`Checker` in any process: file names only, so it pickles for workers."""

    rubric_files: tuple[str, ...] = ()
    program_files: tuple[str, ...] = ()
    formats: Formats = Formats()

    def __call__(self) -> Checker:
        from ..programs import load_program
        return Checker(catalogue_with(self.rubric_files), [load_program(path) for path in self.program_files],
                       self.formats)


def jobs_for(requested: int | None, input_bytes: int | None, results: bool = False) -> int:
    """Worker processes: as asked, else one per core when the input is large enough to pay for them. Not
    when result documents are written on a machine of two cores or fewer: they are six times the input,
    and moving them from the workers costs more than the second core gains (make bench: twice the CPU
    time per record, and fewer records per second than one process)."""
    if requested:
        return max(1, requested)
    cores = os.cpu_count() or 1
    if input_bytes is None or input_bytes < PARALLEL_FROM_BYTES or (results and cores <= 2):
        return 1
    return max(1, min(cores, 8))


def run(segments, make_checker, jobs: int = 1, built: Checker | None = None):
    """A :class:`Chunk` per segment, in input order; ``make_checker()`` builds a Checker in each
    process, unless one was ``built`` already: this process uses it, and forked workers inherit it (its
    rubrics, programs and validators) instead of building their own. Only a few segments are ever in
    flight, so memory stays flat on any batch."""
    if jobs <= 1:
        checker = built or make_checker()
        for segment in segments:
            yield checker.chunk(segment)
        return
    import multiprocessing  # only for worker processes: it costs every one-file start-up

    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    if built is not None and method == "fork":
        make_checker = _Inherited(built)
    context = multiprocessing.get_context(method)
    pool = context.Pool(jobs, initializer=_start_worker, initargs=(make_checker, os.getpid()))
    pending = []
    try:
        window = jobs * 2  # segments in flight: enough to keep workers busy, few enough to bound memory
        for segment in segments:
            pending.append(pool.apply_async(_work, (segment,)))
            if len(pending) >= window:
                yield pending.pop(0).get()
        while pending:
            yield pending.pop(0).get()
    finally:
        _shut_down(pool, pending)


def _shut_down(pool, pending: list) -> None:
    """End the workers, also when the run stops early (SIGTERM, a full disk). Pool.terminate() alone can
    kill a worker while it sends a result and holds the result queue's lock, and then wait for that lock
    for ever; so no more tasks are given, the few in flight finish (their results are dropped), and only
    then is the pool terminated."""
    pool.close()
    for job in pending:
        job.wait(timeout=30)
    pool.terminate()
    pool.join()


class _Inherited:
    """The checker of the main process, as a forked worker finds it in its copy of the memory."""

    def __init__(self, checker: Checker):
        self.checker = checker

    def __call__(self) -> Checker:
        return self.checker


_worker_checker: Checker | None = None


def _start_worker(make_checker, parent: int | None = None) -> None:
    global _worker_checker
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # Pool.terminate() ends workers with SIGTERM: no clean-up to run
    _die_with_parent(parent)
    _worker_checker = make_checker()


def _die_with_parent(parent: int | None) -> None:
    """On Linux, a worker gets SIGKILL when the main process dies, even by SIGKILL: no orphan keeps running."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if parent is not None and os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)


def _work(segment: Segment) -> Chunk:
    return _worker_checker.chunk(segment)
