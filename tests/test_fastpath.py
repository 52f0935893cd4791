"""The batch fast path (orjson + jsonschema-rs) agrees with the reference path on validity and scores."""

from __future__ import annotations

import copy
import json
import random

import pytest

from helpers import INVALID_EXAMPLES, VALID_EXAMPLES
from conformance_runner import VECTORS, load_vectors, submission_of
from wsas.batch import result_line, totals_of
from wsas.errors import InputError
from wsas.fastpath import FastPath
from wsas.output import dumps, plain
from wsas.reading import decode, load_json_text
from wsas.rubrics import published_catalogue
from wsas.scoring import score_valid
from wsas.synthetic import submissions
from wsas.validation import validate

CATALOGUE = published_catalogue()
FAST = FastPath(CATALOGUE)


def reference_valid(data: bytes):
    """The reference path's verdict: the strict document when valid, else None."""
    try:
        document = load_json_text(decode(data))
    except InputError:
        return None
    return None if validate(document, CATALOGUE) else document


def agree(data: bytes) -> bool:
    """Fast and reference paths agree; when both accept, they score identically. Returns validity."""
    fast = FAST.valid_document(data)
    reference = reference_valid(data)
    if fast is not None:
        assert reference is not None, f"fast path accepted what the reference rejects: {data[:300]!r}"
        document, rubric = fast
        assert plain(score_valid(document, rubric)) == plain(score_valid(reference, rubric))
    return reference is not None and fast is not None


def test_examples_and_vectors_agree():
    for path in VALID_EXAMPLES:
        assert agree(path.read_bytes()), path  # pretty-printed files take the fast path too
    for path in INVALID_EXAMPLES:
        assert not agree(path.read_bytes())
        assert FAST.valid_document(path.read_bytes()) is None, path
    accepted = 0
    for vector_file in sorted(VECTORS.glob("*.json")):
        vectors = load_vectors(vector_file)
        if not isinstance(vectors["rubric"], str):
            continue  # vectors with their own inline rubric are not in the published catalogue
        for case in vectors["cases"]:
            data = dumps(submission_of(vectors, case), indent=None).encode("utf-8")
            accepted += agree(data)
            assert (FAST.valid_document(data) is not None) == case["expected"]["valid"], case.get("id")
    assert accepted > 50


def test_generated_records_take_the_fast_path_and_score_like_the_reference():
    for rubric in CATALOGUE:
        for submission in submissions(rubric, 300, seed=3):
            data = dumps(submission, indent=None).encode("utf-8")
            assert agree(data)


def _mutate(document: dict, rng: random.Random) -> dict:
    values = [None, True, False, -1, 0, 0.5, 2.5, 3.0, 7.25, 100, 101, 1e6, "", "x", [], {}, "2020Q3",
              {"awarded": 1}, {"awarded": 0.5}, {"awarded": 0.3}, {"met": True}, {"findings": 2},
              {"findings": 2.5}, {"rate": 50}, {"rate": 99.95}, {"awarded": 1, "met": False},
              {"notApplicable": True}, {"notApplicable": False}, {"triggered": True}]
    mutated = copy.deepcopy(document)
    target = rng.random()
    if target < 0.6:
        parent = mutated["responses"]
        key = rng.choice(list(parent))
        if rng.random() < 0.5:
            parent = parent[key]
            key = rng.choice(list(parent) + ["reason", "extra"])
    else:
        parent = rng.choice([mutated, mutated["subject"]])
        key = rng.choice(list(parent) + ["extra", "assessor", "notes"])
    if rng.random() < 0.2:
        parent.pop(key, None)
    else:
        parent[key] = copy.deepcopy(rng.choice(values))
    return mutated


def test_mutated_records_agree():
    rng = random.Random(55)
    valid = invalid = 0
    for rubric in CATALOGUE:
        for submission in submissions(rubric, 400, seed=5):
            data = dumps(_mutate(submission, rng), indent=None, exact=False).encode("utf-8")
            if agree(data):
                valid += 1
            else:
                invalid += 1
    assert valid > 100 and invalid > 500


TEXT_EDITS = [
    # (description, edit of the JSON text, still valid for the reference path?)
    ("duplicate key", lambda t: t.replace('"period": ', '"period": "2020-01", "period": ', 1), False),
    ("whitespace before colon", lambda t: t.replace('"period": ', '"period" : ', 1), True),
    ("duplicate key hidden by spacing", lambda t: t.replace('"period": ', '"period" : "2020-01", "period" : ', 1), False),
    ("quote-colon inside a string", lambda t: t.replace('"subject": {"name": "', '"subject": {"name": "说\\":明', 1), True),
    ("17 significant digits", lambda t: t.replace('"1.1": {"awarded": 1}', '"1.1": {"awarded": 1.0000000000000001}', 1), False),
    ("20 digits after the point", lambda t: t.replace('"1.1": {"awarded": 1}', '"1.1": {"awarded": 1.00000000000000000000}', 1), True),
    ("exponent", lambda t: t.replace('"1.1": {"awarded": 1}', '"1.1": {"awarded": 1e0}', 1), True),
    ("tiny exponent", lambda t: t.replace('"1.1": {"awarded": 1}', '"1.1": {"awarded": 1e-400}', 1), False),
    ("NaN", lambda t: t.replace('"1.1": {"awarded": 1}', '"1.1": {"awarded": NaN}', 1), None),
    ("trailing comma", lambda t: t[:-1] + ",}", None),
    ("long code in a string", lambda t: t.replace('"code": "', '"code": "9132070612345678901', 1), None),
]


@pytest.mark.parametrize("description, edit, valid", TEXT_EDITS, ids=[t[0] for t in TEXT_EDITS])
def test_text_level_edits_agree(description, edit, valid):
    """Duplicate keys, long numbers and exponents: the fast path never accepts what the strict reader refuses."""
    rubric = CATALOGUE.get("lianyungang-2020/enterprise")
    for submission in submissions(rubric, 30, seed=11):
        submission["responses"]["1.1"] = {"awarded": 1}
        text = json.dumps(json.loads(dumps(submission, indent=None)), ensure_ascii=False)
        edited = edit(text)
        assert edited != text, description
        agree(edited.encode("utf-8"))
        if valid is not None:
            assert (reference_valid(edited.encode("utf-8")) is not None) == valid, description


def test_result_line_is_the_result_document_exactly():
    rubric = CATALOGUE.get("shishi-2024/town")
    for submission in submissions(rubric, 50, seed=9):
        result = score_valid(submission, rubric)
        assert json.loads(result_line(result)) == json.loads(dumps(result, indent=None))
        assert totals_of(result)["得分"] == str(plain(result["score"]))
