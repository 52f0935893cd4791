#!/usr/bin/env python3
"""A minimal implementation behind the WSAS conformance protocol (wsas-conformance/1).

A worked example for vendors: plain Python 3.8+, standard library only, no WSAS code. The protocol is
spec/conformance.md section 6; the rules it implements are spec/validation.md and spec/scoring.md.

It claims only what it really implements:

    levels     validator, scorer   -> the harness sends it "submission" cases
    ruleKinds  yes-no              -> only cases whose rubric uses no other rule kind

so it validates submissions (the JSON Schema layer of schemas/submission.json, written out by hand, then
the semantic checks of spec/validation.md section 2) and scores rubrics whose criteria are all yes-no
(spec/scoring.md sections 3.2, 4, 5, 7). Whatever it does not implement it answers with an "error"
message instead of guessing: that case fails, and the session goes on.

Run it through the harness (from the unzipped kit):

    wsas conformance run --implementation "python3 minimal_adapter.py" --vectors vectors

The published rubrics ("catalogue": "published") are read from rubrics/<program>/<rubric>.json beside
this file (the kit's layout), or from --rubrics DIR.
"""

import argparse
import io
import json
import re
import sys
from decimal import Decimal
from pathlib import Path

PROTOCOL = 1
IMPLEMENTATION = {"name": "wsas-minimal-adapter", "version": "1.0.0", "language": "Python"}
LEVELS = ["validator", "scorer"]
RULE_KINDS = ["yes-no"]


# ---------------------------------------------------------------- reading and writing messages

def read_message(line):
    """One line as JSON, numbers as exact decimals (spec/conformance.md section 2)."""
    def no_constants(name):
        raise ValueError(f"{name} is not JSON")
    return json.loads(line, parse_float=Decimal, parse_constant=no_constants)


def encode(value):
    """JSON text of one message on one line; a Decimal is written as the exact number it holds."""
    if isinstance(value, dict):
        return "{" + ",".join(json.dumps(str(k)) + ":" + encode(v) for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(encode(v) for v in value) + "]"
    if isinstance(value, Decimal):
        return "0" if value == 0 else format(value, "f")
    return json.dumps(value, ensure_ascii=False)


def error(pointer, code, message, message_en):
    return {"pointer": pointer, "code": code, "message": message, "messageEn": message_en}


def child(pointer, key):
    """The JSON Pointer of member ``key`` of the value at ``pointer`` (RFC 6901 escaping)."""
    return pointer + "/" + str(key).replace("~", "~0").replace("/", "~1")


# ---------------------------------------------------------------- the schema layer (schemas/submission.json)

RUBRIC_ID = re.compile(r"[a-z][a-z0-9-]{0,62}/[a-z][a-z0-9-]{0,62}")
VERSION = re.compile(r"(0|[1-9][0-9]{0,5})\.(0|[1-9][0-9]{0,5})\.(0|[1-9][0-9]{0,5})")
CRITERION_ID = re.compile(r"[0-9]{1,3}\.[0-9]{1,3}[a-z]?")
SUBJECT_CODE = re.compile(r"[0-9A-Za-z-]{1,40}")
DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
PERIOD = re.compile(r"([0-9]{4})(?:Q([0-9])|-([0-9]{2}))?")
DAYS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def is_number(value):
    return isinstance(value, (int, Decimal)) and not isinstance(value, bool)


def text_check(low, high):
    """A string of ``low`` to ``high`` characters (JSON Schema counts code points, as len() does)."""
    def check(value, pointer):
        if not isinstance(value, str):
            return [error(pointer, "schema", "应为字符串", "must be a string")]
        if not low <= len(value) <= high:
            return [error(pointer, "schema", f"长度应为 {low}–{high} 个字符", f"must be {low} to {high} characters")]
        return []
    return check


def pattern_check(grammar, what):
    """A string matching ``grammar`` as a whole (ECMA-262 patterns: "$" never matches before a final newline)."""
    def check(value, pointer):
        if not isinstance(value, str):
            return [error(pointer, "schema", "应为字符串", "must be a string")]
        if not grammar.fullmatch(value):
            return [error(pointer, "schema", f"不是有效的{what[0]}", f"is not a valid {what[1]}")]
        return []
    return check


def number_check(low, high, integer=False):
    def check(value, pointer):
        if not is_number(value) or (integer and value != int(value)):
            kind = ("整数", "an integer") if integer else ("数", "a number")
            return [error(pointer, "schema", f"应为{kind[0]}", f"must be {kind[1]}")]
        if not low <= value <= high:
            return [error(pointer, "schema", f"应在 {low} 与 {high} 之间", f"must be from {low} to {high}")]
        return []
    return check


def boolean_check(value, pointer):
    return [] if isinstance(value, bool) else [error(pointer, "schema", "应为 true 或 false", "must be true or false")]


def true_check(value, pointer):
    return [] if value is True else [error(pointer, "schema", "只能为 true", "must be true")]


def real_date(year, month, day):
    """Whether the day exists in the Gregorian calendar, from year 0001 on."""
    if year < 1 or not 1 <= month <= 12:
        return False
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    return 1 <= day <= (29 if leap else 28) if month == 2 else 1 <= day <= DAYS[month - 1]


def calendar_check(grammar, what):
    """A calendar format (spec/validation.md section 1): a wrong form or an unreal day is invalid-date."""
    def check(value, pointer):
        if not isinstance(value, str):
            return [error(pointer, "schema", "应为字符串", "must be a string")]
        match = grammar.fullmatch(value)
        if match and grammar is DATE:
            real = real_date(int(match[1]), int(match[2]), int(match[3]))
        elif match:
            real = int(match[1]) >= 1 and (match[2] is None or 1 <= int(match[2]) <= 4) and (
                match[3] is None or 1 <= int(match[3]) <= 12)
        else:
            real = False
        return [] if real else [error(pointer, "invalid-date", f"不是日历上存在的{what[0]}：{value!r}",
                                      f"{value!r} is not a real calendar {what[1]}")]
    return check


def object_check(members, required=()):
    """An object with only ``members`` (name -> check), the ``required`` ones present."""
    def check(value, pointer):
        if not isinstance(value, dict):
            return [error(pointer, "schema", "应为对象", "must be an object")]
        found = [error(pointer, "schema", f"缺少 {name}", f"{name} is required") for name in required
                 if name not in value]
        found += [error(pointer, "schema", f"不允许的成员 {name}", f"member {name} is not allowed") for name in value
                  if name not in members]
        for name, member in value.items():
            if name in members:
                found += members[name](member, child(pointer, name))
        return found
    return check


NOTE = text_check(0, 2000)
SHORT_TEXT = text_check(1, 200)
RESPONSE_VALUES = {  # the member that carries the answer -> its check; one response has exactly one
    "awarded": number_check(0, 1000), "met": boolean_check, "findings": number_check(0, 100000, integer=True),
    "rate": number_check(0, 100), "triggered": boolean_check, "notApplicable": true_check,
}


def response_check(value, pointer):
    """One response: the oneOf of schemas/submission.json, reported where it goes wrong."""
    if not isinstance(value, dict):
        return [error(pointer, "schema", "应答应为对象", "a response must be an object")]
    given = [key for key in RESPONSE_VALUES if key in value]
    if len(given) != 1:
        return [error(pointer, "schema", "应答须恰有一个取值成员（" + "、".join(RESPONSE_VALUES) + "）",
                      "a response must have exactly one of " + ", ".join(RESPONSE_VALUES))]
    return object_check({given[0]: RESPONSE_VALUES[given[0]], "reason": NOTE, "evidence": NOTE})(value, pointer)


def responses_check(value, pointer):
    if not isinstance(value, dict):
        return [error(pointer, "schema", "应为对象", "must be an object")]
    found = []
    if len(value) > 500:
        found.append(error(pointer, "schema", "应答至多 500 条", "at most 500 responses"))
    for key, response in value.items():
        if not CRITERION_ID.fullmatch(key):  # propertyNames: reported at the object, as validators do
            found.append(error(pointer, "schema", f"{key!r} 不是细则编号", f"{key!r} is not a criterion id"))
        found += response_check(response, child(pointer, key))
    return found


SUBMISSION = object_check({
    "$schema": text_check(0, 200),
    "rubric": pattern_check(RUBRIC_ID, ("评估表编号", "rubric id")),
    "rubricVersion": pattern_check(VERSION, ("版本号", "version")),
    "subject": object_check({"name": SHORT_TEXT, "code": pattern_check(SUBJECT_CODE, ("编码", "code")),
                             "region": SHORT_TEXT}, required=("name",)),
    "period": calendar_check(PERIOD, ("评估期", "period")),
    "assessor": object_check({"name": SHORT_TEXT, "organisation": SHORT_TEXT}, required=("name",)),
    "assessedOn": calendar_check(DATE, ("日期", "date")),
    "responses": responses_check,
    "notes": text_check(1, 4000),
}, required=("rubric", "rubricVersion", "subject", "period", "responses"))


def schema_errors(submission):
    """The schema layer: ``schema`` and ``invalid-date`` errors (spec/validation.md section 1)."""
    return SUBMISSION(submission, "")


# ---------------------------------------------------------------- rubrics this adapter can handle

class NotImplementedHere(Exception):
    """The case needs something this adapter does not implement: it answers an error, not a guess."""


# members that may change validation or scoring; anything else there is refused rather than ignored
RUBRIC_MEMBERS = {"$schema", "id", "version", "program", "title", "titleEn", "subject", "source", "columns", "total",
                  "scoring", "outcomes", "sections", "errata"}
SCORING_MEMBERS = {"notApplicable", "normalise", "roundingPlaces"}
SECTION_MEMBERS = {"id", "title", "points", "statedPoints", "source", "items"}
ITEM_MEMBERS = {"id", "title", "points", "statedPoints", "deadline", "lost", "source", "criteria"}
CRITERION_MEMBERS = {"id", "label", "text", "points", "statedPoints", "rule", "mandatory", "source"}


def supported(rubric):
    """``rubric`` when every part of it that matters is implemented here; else :class:`NotImplementedHere`."""
    def only(node, known, what):
        unknown = sorted(set(node) - known)
        if unknown:
            raise NotImplementedHere(f"{what} member(s) {', '.join(unknown)} not implemented")
    only(rubric, RUBRIC_MEMBERS, "rubric")
    only(rubric["scoring"], SCORING_MEMBERS, "scoring")
    for section in rubric["sections"]:
        only(section, SECTION_MEMBERS, "section")
        for item in section["items"]:
            only(item, ITEM_MEMBERS, "item")
            for criterion in item.get("criteria", []):
                only(criterion, CRITERION_MEMBERS, "criterion")
                if criterion["rule"]["kind"] not in RULE_KINDS:
                    raise NotImplementedHere(f"rule kind {criterion['rule']['kind']} not implemented (not claimed)")
    return rubric


def criteria_of(rubric):
    """Every criterion of the rubric, in rubric order."""
    return [criterion for section in rubric["sections"] for item in section["items"]
            for criterion in item.get("criteria", [])]


def lost_points(rubric):
    """Points of the items lost from the source: always counted as not applicable (spec/scoring.md 4.2)."""
    return sum((item["points"] for section in rubric["sections"] for item in section["items"] if item.get("lost")),
               Decimal(0))


# ---------------------------------------------------------------- the semantic layer and the score

def semantic_errors(submission, rubric):
    """spec/validation.md section 2, for a schema-valid submission to a known rubric."""
    if submission["rubricVersion"] != rubric["version"]:
        return [error("/rubricVersion", "unknown-version", f"评估表没有版本 {submission['rubricVersion']}",
                      f"the rubric has no version {submission['rubricVersion']}")]
    responses = submission["responses"]
    criteria = {criterion["id"]: criterion for criterion in criteria_of(rubric)}
    found = [error(child("/responses", key), "unknown-criterion", f"评估表没有细则 {key}", f"no criterion {key}")
             for key in responses if key not in criteria]
    not_applicable = Decimal(0)
    for key, criterion in criteria.items():
        where = child("/responses", key)
        response = responses.get(key)
        if response is None:
            found.append(error(where, "missing-response", f"细则 {key} 没有应答", f"criterion {key} has no response"))
        elif "notApplicable" in response:
            if not rubric["scoring"]["notApplicable"] or criterion.get("mandatory"):
                found.append(error(where + "/notApplicable", "not-applicable-not-allowed",
                                   f"细则 {key} 不得填报缺项", f"criterion {key} cannot be not applicable"))
            else:
                not_applicable += criterion["points"]
        elif "met" not in response:
            found.append(error(where, "wrong-response-kind", f"细则 {key} 为是/否，应填 met",
                               f"criterion {key} is yes-no: expected met"))
    if not found and rubric["total"] - not_applicable - lost_points(rubric) == 0:
        found.append(error("/responses", "no-applicable-criteria", "应得分为 0，无从评分",
                           "the maximum is 0: nothing to score"))
    return found


def contains(interval, value):
    """spec/scoring.md 3.4: whether ``value`` lies in ``interval``."""
    if "lower" in interval and not (value > interval["lower"] or value == interval["lower"] and
                                    interval["lowerInclusive"]):
        return False
    return "upper" not in interval or value < interval["upper"] or value == interval["upper"] and \
        interval["upperInclusive"]


def score(submission, rubric):
    """The result of a valid submission (spec/scoring.md sections 3.2, 4, 5, 7)."""
    responses = submission["responses"]
    lines, total, not_applicable = [], Decimal(0), lost_points(rubric)
    for criterion in criteria_of(rubric):
        response = responses[criterion["id"]]
        if response.get("notApplicable"):
            awarded = Decimal(0)
            not_applicable += criterion["points"]
        else:
            awarded = Decimal(criterion["points"]) if response["met"] else Decimal(0)
        total += awarded
        lines.append({"id": criterion["id"], "awarded": awarded})
    maximum = rubric["total"] - not_applicable
    scoring = rubric["scoring"]
    final = rounded(total, maximum, scoring["roundingPlaces"]) if scoring["normalise"] else total
    outcome = next(({"id": o["id"]} for o in rubric.get("outcomes", []) if contains(o["range"], final)), None)
    return {"criteria": lines, "total": total, "maximum": maximum, "notApplicablePoints": not_applicable,
            "score": final, "outcome": outcome, "vetoedBy": []}


def rounded(total, maximum, places):
    """total ÷ maximum × 100 rounded half up to ``places`` decimals, the only rounding (spec/scoring.md 5.3):
    floor(total × 100 × 10^p ÷ maximum + 1/2) ÷ 10^p in exact integer arithmetic."""
    total, maximum, places = Decimal(total), Decimal(maximum), int(places)
    scale = max(-total.as_tuple().exponent, -maximum.as_tuple().exponent, 0)
    numerator = int(total.scaleb(scale)) * 100 * 10 ** places
    denominator = int(maximum.scaleb(scale))
    units = (2 * numerator + denominator) // (2 * denominator)
    return Decimal(units).scaleb(-places)


# ---------------------------------------------------------------- one case

def answer_submission(given, published):
    submission = given["submission"]
    errors = schema_errors(submission)
    rubric = None
    if not errors:
        if given["catalogue"] == "published":
            if published is None:
                raise NotImplementedHere("the published rubrics were not found: give --rubrics DIR")
            catalogue = published
        else:
            catalogue = {r["id"]: r for r in given["catalogue"]}
        rubric = catalogue.get(submission["rubric"])
        if rubric is None:
            errors = [error("/rubric", "unknown-rubric", f"未知的评估表 {submission['rubric']}",
                            f"unknown rubric {submission['rubric']}")]
        else:
            errors = semantic_errors(submission, supported(rubric))
    output = {"valid": not errors, "errors": errors}
    if not errors and given.get("score"):
        output["result"] = score(submission, rubric)
    return output


def answer_case(message, published):
    case_id = message.get("id")
    if message.get("kind") != "submission":
        return {"type": "error", "id": case_id, "message": f"case kind {message.get('kind')} not claimed"}
    try:
        return {"type": "result", "id": case_id, "output": answer_submission(message["input"], published)}
    except NotImplementedHere as exc:
        return {"type": "error", "id": case_id, "message": str(exc)}
    except Exception as exc:  # one case it cannot handle must not end the session
        return {"type": "error", "id": case_id, "message": f"{exc.__class__.__name__}: {exc}"}


def load_published(folder):
    """{id: rubric} from <folder>/<program>/<rubric>.json; None when there is no such folder."""
    if not folder.is_dir():
        return None
    rubrics = {}
    for path in sorted(folder.glob("*/*.json")):
        rubric = json.loads(path.read_text(encoding="utf-8"), parse_float=Decimal)
        rubrics[rubric["id"]] = rubric
    return rubrics


# ---------------------------------------------------------------- the session

def serve(lines, write, published):
    """Answer each message until stop (or the end of input): hello to start, one answer per case."""
    for line in lines:
        if not line.strip():
            continue
        try:
            message = read_message(line)
        except ValueError as exc:
            write({"type": "error", "id": None, "message": f"unreadable message: {exc}"})
            continue
        kind = message.get("type") if isinstance(message, dict) else None
        if kind == "start":
            write({"type": "hello", "protocol": PROTOCOL, "implementation": IMPLEMENTATION, "levels": LEVELS,
                   "ruleKinds": RULE_KINDS})
        elif kind == "case":
            write(answer_case(message, published))
        elif kind == "stop":
            break
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(description="WSAS conformance protocol: a minimal yes-no scorer")
    parser.add_argument("--rubrics", type=Path, default=Path(__file__).resolve().parent / "rubrics",
                        help="folder of the published rubrics as <program>/<rubric>.json")
    args = parser.parse_args(argv)
    published = load_published(args.rubrics)
    stdout = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="\n", line_buffering=True)

    def write(message):
        stdout.write(encode(message) + "\n")  # only protocol messages on stdout; diagnostics go to stderr

    try:
        return serve(io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8"), write, published)
    except (BrokenPipeError, KeyboardInterrupt):
        return 0


if __name__ == "__main__":
    sys.exit(main())
