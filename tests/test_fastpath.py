"""The batch fast path (orjson + jsonschema-rs) agrees with the reference path on validity and scores."""

from __future__ import annotations

import base64
import json

import pytest

import differential
from conformance_runner import VECTORS, load_vectors, submission_of
from helpers import INVALID_EXAMPLES, VALID_EXAMPLES
from wsas.batch import result_line, totals_of
from wsas.fastpath import FastPath
from wsas.output import dumps, plain
from wsas.rubrics import published_catalogue
from wsas.scoring import score_valid
from wsas.synthetic import submissions

CATALOGUE = published_catalogue()
FAST = FastPath(CATALOGUE)


def reference_valid(data: bytes):
    return differential.reference_valid(data, CATALOGUE)


def agree(data: bytes) -> bool:
    return differential.agree(FAST, data)


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
            if "raw" in case or "rawBase64" in case:  # the file's very bytes (input.json): the fast path may defer
                data = case["raw"].encode("utf-8") if "raw" in case else base64.b64decode(case["rawBase64"])
                agree(data)  # raises on a disagreement
                assert FAST.valid_document(data) is None or case["expected"]["valid"], case["id"]
                continue
            data = dumps(submission_of(vectors, case), indent=None).encode("utf-8")
            accepted += agree(data)
            assert (FAST.valid_document(data) is not None) == case["expected"]["valid"], case.get("id")
    assert accepted > 50


def test_generated_records_take_the_fast_path_and_score_like_the_reference():
    for rubric in CATALOGUE:
        for submission in submissions(rubric, 300, seed=3):
            data = dumps(submission, indent=None).encode("utf-8")
            assert agree(data)


def test_records_without_responses_not_yet_due_take_the_fast_path():
    """A February assessment to a rubric assessed by deadline may leave out the later items (spec/scoring.md §4.3);
    leaving out one already due sends the record to the reference path, which reports missing-response."""
    rubric = CATALOGUE.get("lianyungang-2020/enterprise")
    for submission in submissions(rubric, 20, seed=4, period="2020-02"):
        submission["responses"] = {key: value for key, value in submission["responses"].items()
                                   if key in ("1.1", "2.1", "3.1", "6.1")}
        data = dumps(submission, indent=None).encode("utf-8")
        assert FAST.valid_document(data) is not None and agree(data)
        submission["responses"].pop("6.1")   # no deadline (erratum E2): always due
        data = dumps(submission, indent=None).encode("utf-8")
        assert FAST.valid_document(data) is None and reference_valid(data) is None


def test_generated_and_mutated_records_agree():
    """The bounded run of the differential check (``make bench`` runs it on 100,000 records)."""
    both, refused = differential.compare(CATALOGUE, 2_000, seed=5)
    assert both > 700 and refused > 700


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
