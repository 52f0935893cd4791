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

from .due import by_deadline, not_due_criteria
from .rubrics import Catalogue, Rubric
from .rules import VALUE_KEY, num, on_step, step_of
from .schemas import fast_validator, load_schema

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
    """Decides quickly that a submission is valid; ``None`` means "ask the reference path".

    The document without its responses is checked by jsonschema-rs; the responses by one pass over
    the rubric's criteria, where each distinct (criterion, value) is judged once, by the schema's
    response definition and the semantic checks, and remembered: a batch repeats the same few values.
    """

    def __init__(self, catalogue: Catalogue):
        self.catalogue = catalogue
        self.schema = fast_validator("submission")
        self.response_schema = fast_validator("submission", "/$defs/response")
        self._note_limit = _note_limit()
        self._criteria = {rubric.id: _criteria_table(rubric) for rubric in catalogue}
        self._verdicts: dict = {}
        self._not_due: dict = {}

    def valid_document(self, data: bytes) -> tuple[dict, Rubric] | None:
        """(submission, rubric) when ``data`` is certainly a valid submission, else None."""
        if _LONG_RUN in data.translate(_DIGITS_AS_ZERO):  # digits and dots all read "0": one substring search
            return None
        try:
            document = orjson.loads(data)
        except orjson.JSONDecodeError:
            return None
        if type(document) is not dict or type(document.get("responses")) is not dict:
            return None
        shell = dict(document, responses={})
        if not self.schema.is_valid(shell):
            return None
        rubric = self.catalogue.get(document["rubric"])
        if rubric is None or document["rubricVersion"] != rubric.version:
            return None
        inner = self._responses_keys(document["responses"], rubric, self._not_due_of(document, rubric))
        if inner is None:
            return None
        keys = len(document) + len(document["subject"]) + len(document.get("assessor", ())) + inner
        if keys != _key_ends(data):
            return None
        return document, rubric

    def _not_due_of(self, document: dict, rubric: Rubric) -> frozenset:
        """Criteria not yet due at the document's date (spec/scoring.md §4.3), remembered per rubric and date."""
        if not by_deadline(rubric):
            return frozenset()
        key = (rubric.id, document["period"], document.get("assessedOn"))
        found = self._not_due.get(key)
        if found is None:
            found = not_due_criteria(rubric, document)
            if len(self._not_due) < _MEMO_LIMIT:
                self._not_due[key] = found
        return found

    def _responses_keys(self, responses: dict, rubric: Rubric, not_due: frozenset) -> int | None:
        """The number of keys in ``responses`` and in each response when all are valid, else None.
        Criteria in ``not_due`` may go without a response; one given is checked but does not count as applicable."""
        table = self._criteria[rubric.id]
        if table is None:
            return None
        if len(responses) != len(table) or responses.keys() != table.keys():
            if not not_due or not responses.keys() <= table.keys() or not table.keys() - responses.keys() <= not_due:
                return None
        limit, verdicts = self._note_limit, self._verdicts
        count, applicable = len(responses), False
        try:
            for criterion_id, response in responses.items():
                if type(response) is not dict:
                    return None
                size = len(response)
                count += size
                if size > 1:
                    reason, evidence = response.get("reason", ""), response.get("evidence", "")
                    if (size - ("reason" in response) - ("evidence" in response) != 1 or type(reason) is not str
                            or type(evidence) is not str or len(reason) > limit or len(evidence) > limit):
                        return None
                expected, may_skip, scores, fits = table[criterion_id]
                if expected in response:
                    value = response[expected]
                    if type(value) is float and not _EXACT_FLOAT_MIN <= abs(value) < _EXACT_FLOAT_MAX:
                        return None  # 0.0 may have been 1e-400 in the text, huge values 1e400: the exact reader decides
                    key = (rubric.id, criterion_id, type(value), value)
                    verdict = verdicts.get(key)
                    if verdict is None:
                        verdict = self.response_schema.is_valid({expected: value}) and (fits is None or fits(value))
                        if len(verdicts) < _MEMO_LIMIT:
                            verdicts[key] = verdict
                    if not verdict:
                        return None
                    applicable = applicable or (scores and criterion_id not in not_due)
                elif not (may_skip and response.get("notApplicable") is True):
                    return None
        except TypeError:  # an unhashable value (a list or an object): the reference path explains it
            return None
        return count if applicable else None


def _note_limit() -> int:
    """The longest reason or evidence the schema allows; the check above assumes notes are plain strings."""
    note = load_schema("submission")["$defs"]["note"]
    if set(note) != {"type", "maxLength"} or note["type"] != "string":
        raise ValueError("schemas/submission.json #/$defs/note changed: teach wsas.fastpath its new form")
    return note["maxLength"]


def _criteria_table(rubric: Rubric) -> dict | None:
    """criterion id → (expected response key, may be not applicable, has points, judgement range check);
    None when the rubric's responses could break a rule the check leaves to the schema of the shell (their
    number and the form of their ids), so that its submissions always take the reference path."""
    responses = load_schema("submission")["properties"]["responses"]
    id_pattern = re.compile(load_schema("defs")["$defs"]["criterionId"]["pattern"])
    if len(rubric.criteria) > responses["maxProperties"] or not all(map(id_pattern.search, rubric.criteria)):
        return None
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


def _key_ends(data: bytes) -> int:
    """Quote-colon pairs in ``data``; the plain count is enough unless whitespace may sit between them."""
    if b'" ' in data or b'"\t' in data or b'"\n' in data or b'"\r' in data:
        return len(_KEY_END.findall(data))
    return data.count(b'":')
