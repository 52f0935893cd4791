"""The fast path of batch checking: orjson to parse, jsonschema-rs to validate.

It only ever says "valid" or "don't know". Whenever a document is not plainly
valid — a syntax or encoding problem, a schema error, a duplicate key, a
number with more digits than a binary float keeps exactly, a semantic error —
it answers ``None`` and the caller takes the reference path
(:func:`wsas.reading.load_json_text` + :func:`wsas.validation.validate`), which
produces the detailed, translated errors. The two paths are tested to agree
on validity (tests/test_fastpath.py).
"""

from __future__ import annotations

import re
from decimal import Decimal

import orjson

from .rubrics import Catalogue, Rubric
from .rules import VALUE_KEY, num, on_step, step_of
from .schemas import fast_validator

# A run of 16 digits/dots may hold a number with more significant digits than a double keeps (15), or a
# long code inside a string: either way the reference reader decides. Shorter numbers read exactly, except
# extreme exponents, which the float checks in _responses_valid send to the reference reader.
_DIGITS_AS_ZERO = bytes.maketrans(b"123456789.", b"0000000000")
_LONG_RUN = b"0" * 16
# Every key of a JSON text ends with a quote followed by a colon; a count above the parsed keys means a
# duplicate key (orjson keeps the last one silently) or the pair inside a string (then: slow path).
_KEY_END = re.compile(rb'"[ \t\r\n]*:')
_MEMO_LIMIT = 100_000
_EXACT_FLOAT_MIN, _EXACT_FLOAT_MAX = 1e-7, 1e15


class FastPath:
    """Decides quickly that a submission is valid; ``None`` means "ask the reference path"."""

    def __init__(self, catalogue: Catalogue):
        self.catalogue = catalogue
        self.schema = fast_validator("submission")
        self._criteria = {rubric.id: _criteria_table(rubric) for rubric in catalogue}

    def valid_document(self, data: bytes) -> tuple[dict, Rubric] | None:
        """(submission, rubric) when ``data`` is certainly a valid submission, else None."""
        if _LONG_RUN in data.translate(_DIGITS_AS_ZERO):  # digits and dots all read "0": one substring search
            return None
        try:
            document = orjson.loads(data)
        except orjson.JSONDecodeError:
            return None
        if type(document) is not dict or not self.schema.is_valid(document):
            return None
        if _key_count(document) != _key_ends(data):
            return None
        rubric = self.catalogue.get(document["rubric"])
        if rubric is None or document["rubricVersion"] != rubric.version:
            return None
        if not self._responses_valid(document["responses"], rubric):
            return None
        return document, rubric

    def _responses_valid(self, responses: dict, rubric: Rubric) -> bool:
        table = self._criteria[rubric.id]
        if len(responses) != len(table) or responses.keys() != table.keys():
            return False
        applicable = False
        for criterion_id, response in responses.items():
            expected, may_skip, scores, fits = table[criterion_id]
            if "notApplicable" in response:
                if not may_skip:
                    return False
                continue
            if expected not in response:
                return False
            value = response[expected]
            if type(value) is float and not _EXACT_FLOAT_MIN <= abs(value) < _EXACT_FLOAT_MAX:
                return False  # 0.0 may have been 1e-400 in the text, huge values 1e400: let the exact reader decide
            if fits is not None and not fits(value):
                return False
            applicable = applicable or scores
        return applicable


def _criteria_table(rubric: Rubric) -> dict:
    """criterion id → (expected response key, may be not applicable, has points, judgement range check)."""
    table = {}
    for criterion_id, placement in rubric.criteria.items():
        criterion, rule = placement.criterion, placement.criterion["rule"]
        may_skip = bool(rubric.scoring["notApplicable"]) and not criterion.get("mandatory") and rule["kind"] != "veto"
        points = num(criterion["points"])
        fits = _JudgementRange(points, step_of(rule)) if rule["kind"] == "judgement" else None
        table[criterion_id] = (VALUE_KEY[rule["kind"]], may_skip, points > 0, fits)
    return table


class _JudgementRange:
    """Whether an awarded value is within the points and on the step; remembered per distinct value."""

    def __init__(self, points: Decimal, step: Decimal):
        self.points, self.step, self.known = points, step, {}

    def __call__(self, value) -> bool:
        fits = self.known.get(value)
        if fits is None:
            exact = num(value)
            fits = exact <= self.points and on_step(exact, self.step)
            if len(self.known) < _MEMO_LIMIT:
                self.known[value] = fits
        return fits


def _key_count(document: dict) -> int:
    """Keys of a schema-valid submission: the document, subject, assessor, responses and each response."""
    count = len(document) + len(document["subject"]) + len(document["responses"])
    if "assessor" in document:
        count += len(document["assessor"])
    for response in document["responses"].values():
        count += len(response)
    return count


def _key_ends(data: bytes) -> int:
    """Quote-colon pairs in ``data``; the plain count is enough unless whitespace may sit between them."""
    if b'" ' in data or b'"\t' in data or b'"\n' in data or b'"\r' in data:
        return len(_KEY_END.findall(data))
    return data.count(b'":')
