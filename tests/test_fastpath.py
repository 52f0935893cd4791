"""The batch fast path (orjson, jsonschema-rs, compiled checks, outputs from integer totals) agrees with the
reference path: validity, totals, result bytes, CSV rows and, on whole batches, errors and counts."""

from __future__ import annotations

import base64
import json
import random

import orjson
import pytest

import differential
from conformance_runner import catalogue_for, load_vectors, submission_of, vector_files
from helpers import INVALID_EXAMPLES, VALID_EXAMPLES
from wsas.scoring.batch import result_line, totals_of
from wsas.scoring.compiled.checks import rubric_places
from wsas.scoring.fastpath import FastPath, _SubjectCheck
from wsas.output import dumps, plain
from wsas.rubrics import published_catalogue
from wsas.schemas import fast_validator
from wsas.scoring.score import score_valid
from wsas.scoring.synthetic import submissions

CATALOGUE = published_catalogue()
FAST = FastPath(CATALOGUE)


def reference_valid(data: bytes):
    return differential.reference_valid(data, CATALOGUE)


def agree(data: bytes) -> bool:
    return differential.agree(FAST, data)


def vector_data(vectors: dict, case: dict) -> bytes:
    """A case's submission as the bytes a batch would hold (the input layer's raw bytes as they are)."""
    if "raw" in case:
        return case["raw"].encode("utf-8")
    if "rawBase64" in case:
        return base64.b64decode(case["rawBase64"])
    return dumps(submission_of(vectors, case), indent=None).encode("utf-8")


def test_examples_agree_and_take_the_fast_path_when_valid():
    for path in VALID_EXAMPLES:
        assert agree(path.read_bytes()), path  # pretty-printed files take the fast path too
    for path in INVALID_EXAMPLES:
        assert FAST.accept(path.read_bytes()) is None, path
    lines = [json.dumps(json.loads(path.read_bytes()), ensure_ascii=False).encode("utf-8")
             for path in VALID_EXAMPLES + INVALID_EXAMPLES]
    differential.compare_batch(CATALOGUE, lines, "examples.jsonl")


@pytest.mark.parametrize("path", vector_files(), ids=lambda path: path.name)
def test_vectors_agree(path):
    """Every vector, with its file's rubric (published, or its own: not-applicable, veto, yes-no, caps,
    tiers, shortfall steps): the fast path accepts exactly the valid submissions of published rubrics and
    concludes and writes what the reference does; each vector file as a batch gives the same outputs."""
    vectors = load_vectors(path)
    catalogue = catalogue_for(vectors)
    fast = FAST if catalogue is CATALOGUE else FastPath(catalogue)
    lines = []
    for case in vectors["cases"]:
        if "submission" not in case and "responses" not in case and "raw" not in case and "rawBase64" not in case:
            continue
        data = vector_data(vectors, case)
        both = differential.agree(fast, data)
        if "raw" not in case and "rawBase64" not in case and catalogue is CATALOGUE:
            assert both == case["expected"]["valid"], case["id"]
        elif not case["expected"]["valid"]:
            assert not both, case["id"]
        lines.append(data.replace(b"\n", b" ").replace(b"\r", b" "))
    differential.compare_batch(catalogue, lines, path.stem + ".jsonl")


def test_generated_records_take_the_fast_path_and_agree():
    for catalogue in [CATALOGUE] + differential.inline_catalogues():
        fast = FAST if catalogue is CATALOGUE else FastPath(catalogue)
        for rubric in catalogue:
            for submission in submissions(rubric, 60, seed=3):
                data = dumps(submission, indent=None).encode("utf-8")
                assert differential.agree(fast, data), (rubric.id, data[:200])


def test_records_without_responses_not_yet_due_take_the_fast_path():
    """A February assessment to a rubric assessed by deadline may leave out the later items (spec/scoring.md §4.3);
    leaving out one already due sends the record to the reference path, which reports missing-response."""
    rubric = CATALOGUE.get("lianyungang-2020/enterprise")
    for submission in submissions(rubric, 20, seed=4, period="2020-02"):
        submission["responses"] = {key: value for key, value in submission["responses"].items()
                                   if key in ("1.1", "2.1", "3.1", "6.1")}
        data = dumps(submission, indent=None).encode("utf-8")
        assert FAST.accept(data) is not None and agree(data)
        submission["responses"].pop("6.1")   # no deadline (erratum E2): always due
        data = dumps(submission, indent=None).encode("utf-8")
        assert FAST.accept(data) is None and reference_valid(data) is None


def test_generated_mutated_and_edited_records_agree():
    """The bounded run of the differential check (``make bench`` runs it on 100,000 records)."""
    counts = differential.compare_all(1_500, seed=5, batch_every=2, block=250)
    assert counts["records"] >= 1_400 and counts["both"] > 500 and counts["refused"] > 400
    assert counts["batch"] >= 500


def test_every_assessment_date_compiles_a_check_that_agrees():
    """Each set of criteria not yet due (a month of 2020, with and without the later responses) has its own check."""
    rng = random.Random(8)
    for rubric_id in ("lianyungang-2020/enterprise", "lianyungang-2020/county-bureau"):
        rubric = CATALOGUE.get(rubric_id)
        for month in range(1, 13):
            for submission in submissions(rubric, 6, seed=month, period=f"2020-{month:02d}"):
                document = differential.dated(dict(submission, period=f"2020-{month:02d}"), rubric, rng)
                agree(dumps(document, indent=None).encode("utf-8"))


def _plain_totals(totals):
    return None if totals is None else (*totals[:3], list(totals[3]))


def test_the_generated_check_answers_as_the_general_one():
    """A check runs one criterion at a time for its first records, then as generated code: both answer alike
    on valid, mutated and thinned-out responses, for every rubric and set of criteria not yet due."""
    rng, answers = random.Random(6), []
    for catalogue in [CATALOGUE] + differential.inline_catalogues():
        compiler = FastPath(catalogue).compiler
        for rubric in catalogue:
            due_sets = {frozenset()} | {frozenset(differential.not_due_criteria(rubric, {"period": f"2020-{month:02d}"}))
                                        for month in range(1, 13)}
            for not_due in due_sets:
                check = compiler.check_for(rubric, not_due)
                generated = check.compiled()
                for index, submission in enumerate(submissions(rubric, 30, seed=len(not_due))):
                    document = differential.mutate(submission, rng) if index % 2 else submission
                    responses = orjson.loads(dumps(document, indent=None, exact=False)).get("responses")
                    if type(responses) is not dict:
                        continue
                    if index % 3 == 0:
                        responses = {key: value for key, value in responses.items() if key not in not_due}
                    answers.append(_plain_totals(check.general(responses)))
                    assert _plain_totals(generated(responses)) == answers[-1], responses
    assert 0.3 < sum(answer is not None for answer in answers) / len(answers) < 0.9


SHELL_EDGES = [  # the same shell as a valid one but for one member, after the valid one was accepted
    ("assessedOn", None), ("assessedOn", "2020-02-30"), ("assessedOn", 20200229), ("period", None), ("period", "2020Q5"),
    ("rubricVersion", "1.0.1"), ("rubric", "lianyungang-2020/none"), ("rubric", ["lianyungang-2020/enterprise"]),
    ("notes", None), ("notes", ""), ("$schema", 5), ("assessor", {"name": ""}), ("extra", "x"),
]


@pytest.mark.parametrize("member, value", SHELL_EDGES, ids=[f"{m}={v!r}" for m, v in SHELL_EDGES])
def test_a_remembered_shell_is_not_taken_for_another(member, value):
    """The verdict on a common shell is remembered per (rubric, version, period, assessedOn, members): an
    absent member, a null one and a wrong one are never taken for each other (a null assessedOn once was)."""
    fast = FastPath(CATALOGUE)
    rubric = CATALOGUE.get("lianyungang-2020/county-bureau")
    for submission in submissions(rubric, 3, seed=13, period="2020"):
        assert agree(dumps(submission, indent=None).encode("utf-8"))
        assert fast.accept(dumps(submission, indent=None).encode("utf-8")) is not None
        submission[member] = value
        data = dumps(submission, indent=None, exact=False).encode("utf-8")
        assert fast.accept(data) is None or reference_valid(data) is not None
        differential.agree(fast, data)


VALUE_EDGES = [
    # (response, accepted by the fast path?) — floats it cannot tell from other texts, and other types, are left
    ({"awarded": 0.0}, False), ({"awarded": -0.0}, False), ({"awarded": True}, False), ({"awarded": 1e-8}, False),
    ({"awarded": 2.0}, True), ({"awarded": 2}, True), ({"awarded": 2.5}, True), ({"awarded": "2"}, False),
    ({"awarded": 2, "reason": "y" * 2000}, True), ({"awarded": 2, "reason": "y" * 2001}, False),
    ({"awarded": 2, "reason": None}, False), ({"awarded": 2, "evidence": "照片", "reason": ""}, True),
    ({"awarded": 2, "note": "x"}, False), ({"notApplicable": True}, False), ([2], False), (None, False),
]


@pytest.mark.parametrize("response, accepted", VALUE_EDGES, ids=[json.dumps(v[0])[:40] for v in VALUE_EDGES])
def test_value_edges(response, accepted):
    rubric = CATALOGUE.get("lianyungang-2020/enterprise")
    for submission in submissions(rubric, 3, seed=12, period="2020-12"):
        submission["responses"]["1.1"] = response
        data = dumps(submission, indent=None, exact=False).encode("utf-8")
        assert (FAST.accept(data) is not None) == accepted
        agree(data)


TEXT_EDITS = [
    # (description, edit of the JSON text, still valid for the reference path?)
    ("duplicate key", lambda t: t.replace('"period": ', '"period": "2020-01", "period": ', 1), False),
    ("whitespace before colon", lambda t: t.replace('"period": ', '"period" : ', 1), True),
    ("duplicate key hidden by spacing", lambda t: t.replace('"period": ', '"period" : "2020-01", "period" : ', 1), False),
    ("duplicate key in a response", lambda t: t.replace('{"awarded": 1}', '{"awarded": 2, "awarded": 1}', 1), False),
    ("quote-colon inside a string", lambda t: t.replace('"subject": {"name": "', '"subject": {"name": "说\\":明', 1), True),
    ("colon inside a string", lambda t: t.replace('"subject": {"name": "', '"subject": {"name": "10:30 ', 1), True),
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


SUBJECTS = [{"name": "甲"}, {"name": ""}, {"name": "z" * 200}, {"name": "z" * 201}, {"name": 5}, {"name": None},
            {"code": "AB"}, {"name": "甲", "code": "AB-12"}, {"name": "甲", "code": "AB 12"}, {"name": "甲", "code": "AB\n"},
            {"name": "甲", "code": "x" * 40}, {"name": "甲", "code": "x" * 41}, {"name": "甲", "code": "１２"},
            {"name": "甲", "code": ""}, {"name": "甲", "region": ""}, {"name": "甲", "region": "乙"},
            {"name": "甲", "extra": "x"}, {"name": "甲", "code": None}, [], "甲", None]


def test_the_subject_check_is_the_schema():
    """The shell's subject in plain Python (read from the schema) answers as jsonschema-rs does."""
    check = _SubjectCheck.of_schema()
    assert check is not None  # the schema's subject has the simple form the fast shell check handles
    schema = fast_validator("submission", "/$defs/subject")
    for subject in SUBJECTS:
        assert check.check(subject) == schema.is_valid(subject), subject


def test_rubric_places_cover_every_point_value():
    assert {rubric.id: rubric_places(rubric) for rubric in CATALOGUE} == {
        "lianyungang-2020/county-bureau": 1, "lianyungang-2020/enterprise": 1,
        "shishi-2024/enterprise": 1, "shishi-2024/town": 1}


def test_result_line_is_the_result_document_exactly():
    rubric = CATALOGUE.get("shishi-2024/town")
    for submission in submissions(rubric, 50, seed=9):
        result = score_valid(submission, rubric)
        assert json.loads(result_line(result)) == json.loads(dumps(result, indent=None))
        assert totals_of(result)["得分"] == str(plain(result["score"]))
