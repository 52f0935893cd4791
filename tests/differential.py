"""The batch fast path against the reference path: one comparison, for the tests and for ``make bench``.

The fast path (orjson, jsonschema-rs on the shell, the compiled per-rubric checks of
:mod:`wsas.scoring.compiled.checks` and the outputs built from their integer totals, :mod:`wsas.scoring.compiled.results`)
may only say "valid" where the reference reader and validator say so, and for a record it accepts:

- its totals must conclude what :func:`wsas.scoring.score.score_valid` of the reference-read document concludes
  (total, maximum, not-applicable points, score, vetoes, outcome, grade, consequences),
- its result line must be byte for byte the reference's ``result_line(score_valid(...))``,
- its CSV row must be the reference's ``csv_row(totals_of(...))``.

Records it does not accept go through the reference path, so their errors are the reference's by
construction; :func:`compare_batch` checks that too, on whole batches: a :class:`~wsas.scoring.batch.Checker`
against the same checker with its fast path switched off, for score (JSON Lines, CSV) and validate
(JSON, text) outputs, errors and counts.

``tests/test_fastpath.py`` runs a bounded sample; ``benchmarks/throughput.py`` runs ≥ 100,000 generated
records (valid, mutated, and edited as text).
"""

from __future__ import annotations

import copy
import random

from wsas.scoring.batch import Checker, Formats, csv_row, result_line, totals_of
from wsas.scoring.compiled.results import ResultWriter
from wsas.scoring.due import not_due_criteria
from wsas.errors import InputError
from wsas.scoring.fastpath import FastPath
from wsas.output import dumps, plain
from wsas.reading import decode, load_json_text
from wsas.rubrics import Catalogue, Rubric, published_catalogue
from wsas.scoring.score import score_valid
from wsas.sources import Record, Segment
from wsas.scoring.synthetic import submissions
from wsas.scoring.validation import validate


class Disagreement(AssertionError):
    """The fast path accepted what the reference refuses, or concluded, wrote or counted differently."""


def reference_valid(data: bytes, catalogue: Catalogue):
    """The reference path's verdict: the strict document when valid, else None."""
    try:
        document = load_json_text(decode(data))
    except InputError:
        return None
    return None if validate(document, catalogue) else document


def agree(fast: FastPath, data: bytes, extra_programs: list | None = None) -> bool:
    """Raise :class:`Disagreement` unless both paths agree on ``data``; True when both accept it."""
    accepted = fast.accept(data)
    if accepted is None:
        return False  # the reference path decides, by construction (compare_batch checks the batch machinery)
    reference = reference_valid(data, fast.catalogue)
    if reference is None:
        raise Disagreement(f"the fast path accepted what the reference rejects: {data[:300]!r}")
    document, context, totals = accepted
    expected = score_valid(reference, context.rubric, extra_programs)
    writers = fast.__dict__.setdefault("differential_writers", {})  # one per programs list, kept with the fast path
    writer = writers.setdefault(id(extra_programs), ResultWriter(extra_programs))
    scored = writer.scored(context, totals)
    found = {"total": scored.total, "maximum": scored.maximum, "notApplicablePoints": scored.not_applicable,
             "score": scored.score, "vetoedBy": scored.vetoed_by, "outcome": scored.outcome,
             "grade": scored.grade, "consequences": scored.consequences}
    wanted = {key: expected.get(key) for key in found}
    wanted["consequences"] = wanted["consequences"] or []
    if plain(found) != plain(wanted):
        raise Disagreement(f"the totals conclude {plain(found)}, the reference {plain(wanted)}: {data[:300]!r}")
    if writer.line(document, context, totals) != result_line(expected):
        raise Disagreement(f"the result lines differ: {data[:300]!r}")
    if writer.row(document, context, totals, "f.jsonl", 7) != csv_row(dict(totals_of(expected), 文件="f.jsonl", 行=7)):
        raise Disagreement(f"the CSV rows differ: {data[:300]!r}")
    return True


# Values a mutation puts anywhere: other types, the float edges the fast path must leave to the exact reader,
# note and subject texts at and over their limits, dates and periods that exist or do not.
VALUES = [None, True, False, -1, 0, 0.0, -0.0, 1e-08, 0.5, 1.0, 2.0, 2.5, 3.0, 7.25, 100, 101, 1e6, 1e300, "", "x",
          "y" * 2000, "y" * 2001, "z" * 200, "z" * 201, "AB-12", "AB 12", "AB12\n", "=1+1", [], {}, "2020Q3",
          "2020Q5", "2023-02-30", "2020-02-29", "2020-02-28", "2021-13", {"awarded": 1}, {"awarded": 0.5},
          {"awarded": 0.3}, {"awarded": 0}, {"awarded": 0.0}, {"awarded": True}, {"met": True}, {"met": 1},
          {"findings": 2}, {"findings": 2.0}, {"findings": 2.5}, {"rate": 50}, {"rate": 99.95}, {"rate": 100.5},
          {"awarded": 1, "met": False}, {"awarded": 1, "reason": None}, {"awarded": 1, "reason": 5},
          {"awarded": 1, "evidence": "照片"}, {"awarded": 1, "reason": "", "evidence": ""},
          {"awarded": 1, "note": "x"}, {"notApplicable": True}, {"notApplicable": True, "reason": "不涉及"},
          {"notApplicable": False}, {"triggered": True}, {"triggered": 0}]
EXTRA_KEYS = ["extra", "assessor", "notes", "assessedOn", "$schema", "reason", "evidence", "notApplicable"]
# Assessment dates across the 连云港 deadlines (spec/scoring.md §4.3): before, on and after month ends.
PERIODS = ["2020-01", "2020-02", "2020-05", "2020Q1", "2020Q2", "2020-11", "2020", "2021-02"]
ASSESSED_ON = ["2020-02-28", "2020-02-29", "2020-04-30", "2020-05-29", "2020-12-31", "2021-01-10"]
# Edits of the JSON text itself: whitespace, number forms, duplicate keys, long numbers, escapes.
TEXT_EDITS = [
    (b'": ', b'" : '), (b'": ', b'":\t'), (b', "', b',\n"'), (b'.5}', b'.50}'), (b'.5,', b'.5000000000000001,'),
    (b'.5}', b'.50000000000000001}'), (b'.5}', b'5e-1}'), (b': 10}', b': 1e1}'), (b': 10}', b': 10.0}'),
    (b': 0}', b': 0.0}'), (b': 0}', b': -0}'), (b': 0}', b': 0e-400}'), (b'"period": ', b'"period": "2020-01", "period": '),
    (b'"reason": ', b'"reason": "x", "reason": '), (b'"name": "', b'"name": "\\u793a'), (b'"name": "', b'"name": "\\"":'),
    (b'{"awarded"', b'{"awarded": 1, "awarded"'), (b'"code": "', b'"code": "9132070612345678901'),
]


def dated(document: dict, rubric: Rubric, rng: random.Random) -> dict:
    """The document at another assessment date; for a rubric that assesses by deadline, sometimes without
    the responses its date has not made due yet (they may be left out)."""
    document = dict(document, period=rng.choice(PERIODS))
    if rng.random() < 0.3:
        document["assessedOn"] = rng.choice(ASSESSED_ON)
    later = not_due_criteria(rubric, document)
    if later and rng.random() < 0.5:
        document["responses"] = {key: value for key, value in document["responses"].items() if key not in later}
    return document


def mutate(document: dict, rng: random.Random) -> dict:
    """One or two random changes: a response or one of its members, or a top-level or subject member,
    replaced or dropped."""
    mutated = copy.deepcopy(document)
    for _ in range(1 + (rng.random() < 0.2)):
        if rng.random() < 0.6:
            parent = mutated.get("responses")
            if type(parent) is not dict or not parent:
                continue
            key = rng.choice(list(parent))
            if rng.random() < 0.5 and type(parent[key]) is dict:
                parent = parent[key]
                key = rng.choice(list(parent) + EXTRA_KEYS[5:])
        else:
            parent = rng.choice([mutated, mutated.get("subject")])
            if type(parent) is not dict:
                continue
            key = rng.choice(list(parent) + EXTRA_KEYS[:5] + ["code", "region"])
        if rng.random() < 0.2:
            parent.pop(key, None)
        else:
            parent[key] = copy.deepcopy(rng.choice(VALUES))
    return mutated


def edited(data: bytes, rng: random.Random) -> bytes:
    """``data`` with one text edit that applies, if any does."""
    for old, new in rng.sample(TEXT_EDITS, len(TEXT_EDITS)):
        if old in data:
            return data.replace(old, new, 1)
    return data


def generated(catalogue: Catalogue, count: int, seed: int):
    """About ``count`` records as JSON text, every rubric alike: a third at other dates, half mutated
    (mostly invalid), one in eight edited as text."""
    rng = random.Random(seed)
    rubrics = list(catalogue)
    per_rubric = max(1, count // len(rubrics))
    for rubric in rubrics:
        for index, submission in enumerate(submissions(rubric, per_rubric, seed=seed)):
            if index % 3 == 0:
                submission = dated(submission, rubric, rng)
            document = mutate(submission, rng) if index % 2 else submission
            data = dumps(document, indent=None, exact=False).encode("utf-8")
            yield edited(data, rng) if index % 8 == 5 else data


def inline_catalogues() -> list[Catalogue]:
    """A catalogue per conformance vector file with a rubric of its own (not-applicable, veto, yes-no,
    per-finding caps, rate tiers, shortfall steps, normalising, outcomes): the rule kinds and options the
    published rubrics do not use."""
    from conformance_runner import load_vectors, vector_files

    found = []
    for path in vector_files():
        vectors = load_vectors(path)
        if not isinstance(vectors["rubric"], str):
            found.append(Catalogue([Rubric(vectors["rubric"])]))
    return found


def compare(catalogue: Catalogue, count: int, seed: int) -> tuple[int, int]:
    """Run :func:`agree` over :func:`generated` records: (accepted by both, refused by the fast path)."""
    fast = FastPath(catalogue)
    both = refused = 0
    for data in generated(catalogue, count, seed):
        if agree(fast, data):
            both += 1
        else:
            refused += 1
    return both, refused


def compare_all(count: int, seed: int, batch_every: int = 5, block: int = 1_000) -> dict:
    """:func:`compare` over the published rubrics (four fifths of ``count``) and the vectors' own rubrics
    (the rest), and :func:`compare_batch` on every ``batch_every``-th block of ``block`` of those records.
    Returns the counts: records, accepted by both, left to the reference path, batch records compared."""
    counts = {"records": 0, "both": 0, "refused": 0, "batch": 0}
    inline = inline_catalogues()
    shares = [(published_catalogue(), count * 4 // 5)] + [(catalogue, count // 5 // len(inline)) for catalogue in inline]
    for catalogue, share in shares:
        fast, lines = FastPath(catalogue), []
        for data in generated(catalogue, share, seed):
            counts["records"] += 1
            counts["both" if agree(fast, data) else "refused"] += 1
            lines.append(data)
            if len(lines) == block:
                if counts["records"] // block % batch_every == 0:
                    counts["batch"] += compare_batch(catalogue, lines)
                lines = []
    return counts


BATCH_FORMATS = [Formats(scoring=True, stdout=None, results=True, rows=True),
                 Formats(scoring=True, stdout=None),
                 Formats(scoring=False, stdout="json"),
                 Formats(scoring=False, stdout="text")]


def reference_checker(catalogue: Catalogue, formats: Formats, extra_programs: list | None = None) -> Checker:
    """A batch checker whose fast path accepts nothing: every record takes the reference path."""
    checker = Checker(catalogue, extra_programs, formats)
    checker.fast.accept = lambda data: None
    return checker


def compare_batch(catalogue: Catalogue, lines: list[bytes], name: str = "batch.jsonl",
                  extra_programs: list | None = None) -> int:
    """Raise :class:`Disagreement` unless a batch of ``lines`` (one JSON Lines segment; each line also as a
    whole-file document) gives the same outputs, errors and counts through the fast and the reference path."""
    segments = [Segment(name, 1, b"\n".join(lines) + b"\n", size=sum(map(len, lines)) + len(lines))]
    segments += [Segment(f"{index}.json", record=Record(f"{index}.json", None, data=data, size=len(data)))
                 for index, data in enumerate(lines[:50])]
    readings: dict = {}  # each record read and validated by the reference once, for all eight checkers
    for formats in BATCH_FORMATS:
        fast = Checker(catalogue, extra_programs, formats)
        reference = reference_checker(catalogue, formats, extra_programs)
        for checker in (fast, reference):
            checker._reference = _remembered(checker._reference, readings)
        for segment in segments:
            if _chunk_view(fast.chunk(segment)) != _chunk_view(reference.chunk(segment)):
                raise Disagreement(f"batch outputs differ ({formats}) for {segment.file}")
    return len(lines)


def _remembered(read, readings: dict):
    def remembered(record):
        key = (record.file, record.line, record.data)
        if key not in readings:
            readings[key] = read(record)
        return readings[key]
    return remembered


def _chunk_view(chunk) -> tuple:
    return (chunk.results, chunk.rows, "".join(chunk.stdout), dict(chunk.valid_by_rubric),
            [(outcome.file, outcome.line, outcome.rubric, [error.as_dict() for error in outcome.errors])
             for outcome in chunk.invalid])


__all__ = ["Disagreement", "agree", "compare", "compare_all", "compare_batch", "generated", "not_due_criteria",
           "reference_checker", "reference_valid"]
