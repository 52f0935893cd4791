"""Checking and scoring a stream of records, in one process or several.

Each record becomes an :class:`Outcome`: valid or not, the errors with file,
line and pointer, and (when scoring) the result already serialised for the
outputs, so that worker processes hand back small strings instead of big
nested dicts. The main process keeps only counters (:class:`Summary`), so
memory does not grow with the batch.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

import orjson

from .errors import Error, InputError
from .fastpath import FastPath
from .output import plain
from .reading import decode, load_json_text
from .result_text import summary
from .rubrics import Catalogue, catalogue_with
from .scoring import score_valid
from .sources import Record
from .validation import validate

CHUNK = 500  # records per message to a worker process
PARALLEL_FROM_BYTES = 8 * 1024 * 1024  # below this, starting processes costs more than it saves


@dataclass
class Outcome:
    """What became of one record."""

    file: str
    line: int | None
    rubric: str | None
    errors: list[Error]
    result_json: bytes | None = None  # the result document, one JSON line (when scoring)
    totals: dict | None = None  # the CSV row's values (when scoring)
    text: str | None = None  # the human summary (when asked for)
    size: int = 0

    @property
    def valid(self) -> bool:
        return not self.errors


class Checker:
    """Validates (and scores) records against a catalogue: fast path first, reference path for errors."""

    def __init__(self, catalogue: Catalogue, extra_programs: list | None = None, scoring: bool = False,
                 results: bool = False, text: bool = False):
        self.catalogue = catalogue
        self.extra_programs = extra_programs or []
        self.scoring = scoring or results or text
        self.results = results
        self.text = text
        self.fast = FastPath(catalogue)

    def outcome(self, record: Record) -> Outcome:
        if record.error is not None:
            return Outcome(record.file, record.line, None, [record.error], size=record.size)
        found = self.fast.valid_document(record.data)
        if found is not None:
            document, rubric = found
        else:
            document, errors = self._reference(record)
            if errors:
                rubric_id = document.get("rubric") if isinstance(document, dict) else None
                return Outcome(record.file, record.line, rubric_id if isinstance(rubric_id, str) else None,
                               errors, size=record.size)
            rubric = self.catalogue.get(document["rubric"])
        outcome = Outcome(record.file, record.line, rubric.id, [], size=record.size)
        if self.scoring:
            result = score_valid(document, rubric, self.extra_programs)
            outcome.totals = totals_of(result)
            if self.results:
                outcome.result_json = result_line(result)
            if self.text:
                outcome.text = summary(record.file if record.line is None else f"{record.file}:{record.line}",
                                       result, self.catalogue)
        return outcome

    def _reference(self, record: Record):
        """The reference reader and validator: exact decimals and every error, translated and located."""
        try:
            document = load_json_text(decode(record.data, record.file), record.file)
        except InputError as exc:
            return None, [_at_line(exc.error, record)]
        return document, [_at_line(error.located(record.file), record) for error in validate(document, self.catalogue)]


def _at_line(error: Error, record: Record) -> Error:
    """Errors of a JSON Lines record carry the file's line number (syntax errors keep their column)."""
    if record.line is None:
        return error
    return Error(error.code, error.message, error.message_en, error.pointer, record.file, record.line,
                 error.column if error.line is not None else None, error.keyword)


_PLAIN: dict = {}  # Decimal value → its JSON number; results repeat the same few values endlessly


def _default(value):
    if isinstance(value, Decimal):
        number = _PLAIN.get(value)
        if number is None:
            number = plain(value)
            if len(_PLAIN) < 100_000:
                _PLAIN[value] = number
        return number
    raise TypeError(f"{type(value).__name__} is not JSON data")


def result_line(result: dict) -> bytes:
    """One result document as a JSON line; decimals written exactly (never a rounded float)."""
    return orjson.dumps(result, default=_default) + b"\n"


CSV_COLUMNS = ("文件", "行", "评估表", "版本", "被评估对象", "编码", "地区", "评估期",
               "实得分", "应得分", "缺项分", "得分", "结果", "等级", "否决项", "结果运用")


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
    scoring: bool = False
    results: bool = False
    text: bool = False

    def __call__(self) -> Checker:
        from .programs import load_program
        return Checker(catalogue_with(self.rubric_files), [load_program(path) for path in self.program_files],
                       self.scoring, self.results, self.text)


def jobs_for(requested: int | None, input_bytes: int | None) -> int:
    """Worker processes: as asked, else one per core when the input is large enough to pay for them."""
    if requested:
        return max(1, requested)
    if input_bytes is None or input_bytes < PARALLEL_FROM_BYTES:
        return 1
    return max(1, min(os.cpu_count() or 1, 8))


def run(records, make_checker, jobs: int = 1):
    """Outcomes of ``records`` in input order; ``make_checker()`` builds a Checker in each process."""
    if jobs <= 1:
        checker = make_checker()
        for record in records:
            yield checker.outcome(record)
        return
    context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")
    with context.Pool(jobs, initializer=_start_worker, initargs=(make_checker,)) as pool:
        pending = []
        window = jobs * 3  # chunks in flight: enough to keep workers busy, few enough to bound memory
        for chunk in _chunks(records):
            pending.append(pool.apply_async(_work, (chunk,)))
            if len(pending) >= window:
                yield from pending.pop(0).get()
        for job in pending:
            yield from job.get()


def _chunks(records):
    chunk = []
    for record in records:
        chunk.append(record)
        if len(chunk) >= CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


_worker_checker: Checker | None = None


def _start_worker(make_checker) -> None:
    global _worker_checker
    _worker_checker = make_checker()


def _work(chunk: list[Record]) -> list[Outcome]:
    return [_worker_checker.outcome(record) for record in chunk]
