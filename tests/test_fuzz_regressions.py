"""Regressions found by ``make fuzz`` (benchmarks/fuzz.py): each minimal reproducer gives a clear error value."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import ROOT
from wsas.scoring.batch import Checker, Formats
from wsas.errors import InputError
from wsas.scoring.lint import lint_file
from wsas.reading import load_json_text, load_yaml_text
from wsas.records.ledger import entry_of
from wsas.rubrics import published_catalogue
from wsas.sources import Record, Segment


def _input_error(load, text: str):
    with pytest.raises(InputError) as caught:
        load(text, "fuzz")
    return caught.value.error


# Lone surrogates: JSON "\ud800" and YAML "\ud800" escapes made strings no UTF-8 output can hold, and every
# command that echoed them (wsas validate, wsas lint…) died with UnicodeEncodeError while printing.

@pytest.mark.parametrize("text, at", [('{"rubric": "\\ud800x"}', "/rubric"), ('["ok", {"\\uDFFF": 1}]', "/1"),
                                      ('{"a": ["\\ud83d"]}', "/a/0")])
def test_json_lone_surrogate_is_an_encoding_error(text, at):
    error = _input_error(load_json_text, text)
    assert (error.code, error.pointer) == ("encoding", at)
    str(error).encode("utf-8")


def test_json_surrogate_pair_and_escaped_backslash_still_read():
    assert load_json_text('{"a": "\\ud83d\\ude00", "b": "\\\\ud800"}') == {"a": "\U0001f600", "b": "\\ud800"}


def test_batch_reports_lone_surrogate_and_prints_utf8():
    checker = Checker(published_catalogue(), [], Formats(scoring=False, stdout="json"))
    data = b'{"rubric": "\\ud800x", "rubricVersion": "1"}'
    chunk = checker.chunk(Segment("fuzz.json", record=Record("fuzz.json", None, data=data)))
    assert [e.code for o in chunk.invalid for e in o.errors] == ["encoding"]
    "".join(chunk.stdout).encode("utf-8")


def test_records_entry_lone_surrogate():
    entry = entry_of(Record("fuzz.jsonl", 3, data=b'{"id": "\\udc80"}'))
    assert [(e.code, e.line, e.pointer) for e in entry.errors] == [("encoding", 3, "/id")]


def test_yaml_lone_surrogate_is_a_located_syntax_error():
    error = _input_error(load_yaml_text, 'id: "\\ud800"\n')  # libyaml refuses the escape itself
    assert (error.code, error.line, error.column) == ("syntax", 1, 8)


def test_yaml_text_with_a_lone_surrogate_is_an_encoding_error():
    error = _input_error(load_yaml_text, "id: \ud800\n")  # a caller's str; libyaml reads UTF-8 only
    assert error.code == "encoding"


# YAML complex keys (``? [a, b]``) crashed the duplicate-key check with TypeError: unhashable type: 'list'.

def test_yaml_unhashable_key_is_a_syntax_error():
    error = _input_error(load_yaml_text, "? [a, b]\n: c\n")
    assert error.code == "syntax" and "unhashable" in error.message_en and error.line == 1


# YAML !!binary (and !!set) made bytes and sets, which crashed the schema error messages (TypeError: Object
# of type bytes is not JSON serializable) in wsas lint.

@pytest.mark.parametrize("text", ["x: !!binary aGVsbG8=\n", "x: !!set {a: null}\n", "x: !!omap [a: 1]\n"])
def test_yaml_binary_and_set_are_refused(text):
    error = _input_error(load_yaml_text, text)
    assert error.code == "syntax" and "not allowed" in error.message_en


def test_lint_of_binary_rubric_reports(tmp_path: Path):
    text = (ROOT / "rubrics/lianyungang-2020/enterprise.yaml").read_text(encoding="utf-8")
    path = tmp_path / "fuzz.yaml"
    path.write_text(text.replace("\nversion:", "\nextra: !!binary aGVsbG8=\nversion:", 1), encoding="utf-8")
    report = lint_file(path)
    assert not report.ok and [f.code for f in report.findings] == ["syntax"]


# A cited line written 36.0 is an integer to JSON Schema, so the rubric loads, and the citation check then
# indexed the source's lines with a Decimal (TypeError).

def test_a_line_number_written_as_a_whole_decimal_is_checked(tmp_path: Path):
    text = (ROOT / "rubrics/lianyungang-2020/enterprise.yaml").read_text(encoding="utf-8")
    path = tmp_path / "fuzz.yaml"
    path.write_text(text.replace("source: {lines: [57]}", "source: {lines: [57.0]}", 1)
                        .replace("source: {lines: [58]}", "source: {lines: [9999.0]}", 1), encoding="utf-8")
    report = lint_file(path)
    assert [(f.code, f.pointer) for f in report.findings if f.severity == "error"] == [
        ("source", "/sections/0/items/1/source/lines")]


# A 4 MB YAML file nested 64,000 mappings deep (1,000 levels at a time) took seconds to compose before the
# depth check ran on the result; the depth is now checked as each mapping or sequence opens.

def test_deep_yaml_is_refused_where_it_gets_too_deep():
    text = "".join("  " * level + "a:\n" for level in range(2_000)) + "  " * 2_000 + "b\n"
    error = _input_error(load_yaml_text, text)
    assert (error.code, error.line) == ("too-deep", 65)


def test_yaml_at_the_depth_limit_still_reads():
    value, depth = load_yaml_text("a: " + "[" * 63 + "]" * 63)["a"], 1
    while value:
        value, depth = value[0], depth + 1
    assert depth == 63  # 63 lists inside the root mapping: 64 levels, the limit


# 1.0000000000000000000000000001 (29 significant digits) passed the judgement step check, because Decimal
# division rounds to 28 digits, and then crashed the result writer, which refuses a number it cannot write exactly.

def test_a_value_off_the_step_by_a_tiny_amount_is_off_step():
    from decimal import Decimal

    from wsas.scoring.rules import on_step

    assert not on_step(Decimal("1.0000000000000000000000000001"), Decimal("0.5"))
    assert on_step(Decimal("1.50000000000000000000000000000000"), Decimal("0.5"))
    assert on_step(Decimal("0"), Decimal("0.5")) and on_step(Decimal("7E+2"), Decimal("0.5"))
    assert not on_step(Decimal("0.3"), Decimal("0.5"))


def test_the_batch_reports_it_instead_of_crashing():
    from wsas.output import dumps

    catalogue = published_catalogue()
    rubric = catalogue.get("shishi-2024/enterprise")
    responses = {p.criterion["id"]: {"met": True} if p.criterion["rule"]["kind"] == "yes-no" else
                 {"findings": 0} if p.criterion["rule"]["kind"] == "per-finding" else
                 {"awarded": 0} for p in rubric.placements}
    responses["3.1"] = {"awarded": "@"}
    text = dumps({"rubric": rubric.id, "rubricVersion": rubric.version, "subject": {"name": "x"}, "period": "2024",
                  "responses": responses}, indent=None).replace('"@"', "1.0000000000000000000000000001")
    checker = Checker(catalogue, [], Formats(scoring=True, stdout="text", results=True, rows=True))
    chunk = checker.chunk(Segment("fuzz.jsonl", record=Record("fuzz.jsonl", 1, data=text.encode())))
    assert [(e.code, e.pointer) for o in chunk.invalid for e in o.errors] == [("off-step", "/responses/3.1/awarded")]


# An exponent of more than 18 digits (1e99999999999999999999) is beyond what a Decimal holds: the reader
# crashed with decimal.InvalidOperation (found in a hazard ledger by records-check).

@pytest.mark.parametrize("text", ['{"a": 1e99999999999999999999}', '[1E-99999999999999999999]',
                                  '{"level": -12.5e+123456789012345678901234}'])
def test_an_exponent_beyond_any_decimal_is_a_syntax_error(text):
    error = _input_error(load_json_text, text)
    assert error.code == "syntax" and "exponent out of range" in error.message_en


def test_the_largest_exponent_a_decimal_holds_still_reads():
    assert str(load_json_text("[1e999999999999999999]")[0]) == "1E+999999999999999999"


def test_a_ledger_with_such_a_number_reports_the_line():
    entry = entry_of(Record("fuzz.jsonl", 7, data=b'{"id": "H-1", "x": 1e99999999999999999999}'))
    assert [(e.code, e.line) for e in entry.errors] == [("syntax", 7)]
