"""Every date-like value of every schema is asserted as a real calendar value, with one code."""

import json
import re
from pathlib import Path

import pytest

from helpers import VALID_EXAMPLES
import wsas
from wsas.calendar_formats import FORMATS, is_calendar_value
from wsas.schemas import NAMES, load_schema, schema_errors

ROOT = Path(__file__).resolve().parent.parent


def _walk(node, path=()):
    if isinstance(node, dict):
        yield path, node
        for key, value in node.items():
            yield from _walk(value, path + (key,))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _walk(value, path + (index,))


def test_every_format_in_the_schemas_is_a_calendar_format_and_no_date_pattern_is_left():
    used = set()
    for name in NAMES:
        for path, node in _walk(load_schema(name)):
            if isinstance(node.get("format"), str) and "properties" not in path[-1:]:
                used.add(node["format"])
                assert node["format"] in FORMATS, (name, path)
            pattern = node.get("pattern")
            assert not (isinstance(pattern, str) and re.search(r"\[0-9\]\{4\}[-Q(]", pattern)), (name, path)
    assert used == set(FORMATS)


@pytest.mark.parametrize("name, good, bad", [
    ("date", ["2024-02-29", "2000-02-29", "0001-01-01", "9999-12-31"],
     ["2023-02-29", "1900-02-29", "2023-02-30", "2023-04-31", "2024-00-10", "2024-01-00", "0000-01-01",
      "2024-1-05", "2024-01-05\n", " 2024-01-05", "２０２４-０１-０５", "2024-01-05T00:00", ""]),
    ("wsas-period", ["2023", "2023Q1", "2023Q4", "2023-01", "2023-12"],
     ["2023Q5", "2023Q0", "2023-13", "2023-00", "2023q1", "2023-02-01", "23", "2023Q1\n"]),
    ("wsas-quarter", ["2020Q2"], ["2020Q5", "2020", "2020-04"]),
    ("wsas-month", ["2020-04"], ["2020-13", "2020-4", "2020Q2"]),
    ("wsas-year-or-date", ["2020", "2020-02-24"], ["2020-02-30", "2020-02", "20"]),
    ("wsas-date-time", ["2024-06-03", "2024-06-03T23:59", "2024-06-03T23:59:59+08:00", "2024-06-03T01:30Z", "9999-12-31T15:59Z",
      "9999-12-31T23:59+08:00", "0001-01-01T00:00Z"],
     ["2024-06-31T10:00", "2024-06-03T24:00", "2024-06-03T10:60", "2024-06-03T10:00:60", "2024-06-03T10:00+09:00",
      "2024-06-03T10", "9999-12-31T16:00Z", "9999-12-31T23:59:59Z"]),
])
def test_calendar_values(name, good, bad):
    assert [text for text in good if not is_calendar_value(name, text)] == []
    assert [text for text in bad if is_calendar_value(name, text)] == []


def _document(name):
    if name == "submission":
        return json.loads(VALID_EXAMPLES[0].read_text(encoding="utf-8")), ["assessedOn"]
    if name == "result":
        return wsas.score(json.loads(VALID_EXAMPLES[0].read_text(encoding="utf-8"))), ["period"]
    if name == "eventlog":
        return json.loads((ROOT / "rubrics/haimen-2022/examples/eventlogs/ok.json").read_text(encoding="utf-8")), \
            ["instance", "start"]
    if name == "hazard":
        line = (ROOT / "records/examples/hazards.valid.jsonl").read_text(encoding="utf-8").splitlines()[0]
        return json.loads(line), ["discovered", "at"]
    raise AssertionError(name)


@pytest.mark.parametrize("name", ["submission", "result", "eventlog", "hazard"])
@pytest.mark.parametrize("value", ["2023-02-30", "2023-02-29", "2024-00-10"])
def test_each_document_type_refuses_an_impossible_date_with_invalid_date(name, value):
    document, path = _document(name)
    assert schema_errors(document, name) == []
    node = document
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    errors = schema_errors(document, name)
    assert [(e.code, e.pointer) for e in errors] == [("invalid-date", "/" + "/".join(path))]
    assert value in errors[0].message and value in errors[0].message_en


def test_the_fast_path_agrees_on_dates():
    from wsas.schemas import fast_validator
    document = json.loads(VALID_EXAMPLES[0].read_text(encoding="utf-8"))
    for value, valid in (("2024-02-29", True), ("2023-02-29", False), ("2024-13-01", False)):
        document["assessedOn"] = value
        assert fast_validator("submission").is_valid(document) is valid
        assert (schema_errors(document, "submission") == []) is valid
