"""The batch fast path against the reference path: one comparison, for the tests and for ``make bench``.

The fast path (orjson + jsonschema-rs + the per-rubric checks of :mod:`wsas.fastpath`) may only say
"valid" where the reference reader and validator say so, and a record it accepts must score exactly as
the reference-read document does. Records it does not accept go through the reference path, so their
errors are the reference's by construction. ``tests/test_fastpath.py`` runs a bounded sample;
``benchmarks/throughput.py`` runs ≥ 100,000 generated records.
"""

from __future__ import annotations

import copy
import random

from wsas.due import not_due_criteria
from wsas.errors import InputError
from wsas.fastpath import FastPath
from wsas.output import dumps, plain
from wsas.reading import decode, load_json_text
from wsas.rubrics import Catalogue
from wsas.scoring import score_valid
from wsas.synthetic import submissions
from wsas.validation import validate


class Disagreement(AssertionError):
    """The fast path accepted what the reference refuses, or scored differently."""


def reference_valid(data: bytes, catalogue: Catalogue):
    """The reference path's verdict: the strict document when valid, else None."""
    try:
        document = load_json_text(decode(data))
    except InputError:
        return None
    return None if validate(document, catalogue) else document


def agree(fast: FastPath, data: bytes) -> bool:
    """Raise :class:`Disagreement` unless both paths agree (and score alike); True when both accept."""
    accepted = fast.valid_document(data)
    reference = reference_valid(data, fast.catalogue)
    if accepted is not None:
        if reference is None:
            raise Disagreement(f"the fast path accepted what the reference rejects: {data[:300]!r}")
        document, rubric = accepted
        if plain(score_valid(document, rubric)) != plain(score_valid(reference, rubric)):
            raise Disagreement(f"the two readings score differently: {data[:300]!r}")
    return reference is not None and accepted is not None


VALUES = [None, True, False, -1, 0, 0.5, 2.5, 3.0, 7.25, 100, 101, 1e6, "", "x", "y" * 2001, [], {}, "2020Q3", "2023-02-30",
          {"awarded": 1}, {"awarded": 0.5}, {"awarded": 0.3}, {"met": True}, {"findings": 2},
          {"findings": 2.5}, {"rate": 50}, {"rate": 99.95}, {"awarded": 1, "met": False},
          {"notApplicable": True}, {"notApplicable": False}, {"triggered": True}, "2020-02-29", "2020-02-28"]
# Assessment dates across the 连云港 deadlines (spec/scoring.md §4.3): before, on and after month ends.
PERIODS = ["2020-01", "2020-02", "2020-05", "2020Q1", "2020Q2", "2020-11", "2020", "2021-02"]
ASSESSED_ON = ["2020-02-28", "2020-02-29", "2020-04-30", "2020-05-29", "2020-12-31", "2021-01-10"]


def dated(document: dict, rubric, rng: random.Random) -> dict:
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
    """One random change: a response or one of its members, or a top-level or subject member, replaced or dropped."""
    mutated = copy.deepcopy(document)
    if rng.random() < 0.6:
        parent = mutated["responses"]
        key = rng.choice(list(parent))
        if rng.random() < 0.5:
            parent = parent[key]
            key = rng.choice(list(parent) + ["reason", "extra"])
    else:
        parent = rng.choice([mutated, mutated["subject"]])
        key = rng.choice(list(parent) + ["extra", "assessor", "notes", "assessedOn"])
    if rng.random() < 0.2:
        parent.pop(key, None)
    else:
        parent[key] = copy.deepcopy(rng.choice(VALUES))
    return mutated


def generated(catalogue: Catalogue, count: int, seed: int):
    """About ``count`` records as JSON text, every rubric alike, every other one mutated (mostly invalid)."""
    rng = random.Random(seed)
    per_rubric = max(1, count // len(list(catalogue)))
    for rubric in catalogue:
        for index, submission in enumerate(submissions(rubric, per_rubric, seed=seed)):
            if index % 3 == 0:
                submission = dated(submission, rubric, rng)
            document = mutate(submission, rng) if index % 2 else submission
            yield dumps(document, indent=None, exact=False).encode("utf-8")


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
