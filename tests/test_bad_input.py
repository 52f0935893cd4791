"""Bad input: a clear, located error, exit code 1 or 2, no traceback, nothing half-written."""

import json

import pytest

from helpers import VALID_EXAMPLES, run_wsas
import wsas
from wsas.errors import InputError

GOOD = next(p for p in VALID_EXAMPLES if p.name == "enterprise.valid.json")


def good_text() -> str:
    return GOOD.read_text(encoding="utf-8")


def write(tmp_path, name, content):
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def check(tmp_path, name, content, code, exit_code=1, where=None):
    path = write(tmp_path, name, content)
    before = path.read_bytes()
    result = run_wsas("validate", "--format", "json", path)
    assert result.returncode == exit_code, result.stdout + result.stderr
    report = json.loads(result.stdout.splitlines()[0])
    assert report["valid"] is False
    error = report["errors"][0]
    assert error["code"] == code, report
    assert error["file"] == str(path) and error["message"] and error["messageEn"]
    if where:
        assert where.items() <= error.items(), error
    assert path.read_bytes() == before, "inputs are never modified"
    return error


def test_malformed_json_names_line_and_column(tmp_path):
    check(tmp_path, "broken.json", '{\n  "rubric": "lianyungang-2020/enterprise",\n  "period": \n}', "syntax",
          where={"line": 4, "column": 1})


def test_duplicate_json_key(tmp_path):
    text = good_text().replace('"period": "2020-05",', '"period": "2020-05",\n  "period": "2020-06",')
    assert "duplicate" in check(tmp_path, "dup.json", text, "duplicate-key")["messageEn"]


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity(tmp_path, constant):
    text = good_text().replace('"awarded": 10,', f'"awarded": {constant},', 1)
    check(tmp_path, "nan.json", text, "syntax")


def test_gbk_file_is_refused_with_its_byte_offset(tmp_path):
    error = check(tmp_path, "gbk.json", good_text().encode("gbk"), "encoding")
    assert "GBK" in error["message"] and error["line"] >= 1


def test_utf8_bom_and_crlf_are_accepted(tmp_path):
    path = write(tmp_path, "bom.json", b"\xef\xbb\xbf" + good_text().replace("\n", "\r\n").encode("utf-8"))
    assert run_wsas("validate", path).returncode == 0


def test_huge_numbers(tmp_path):
    error = check(tmp_path, "huge.json", good_text().replace('"awarded": 10,', '"awarded": 1e400,', 1), "schema")
    assert error["pointer"] == "/responses/1.1/awarded"
    check(tmp_path, "digits.json", good_text().replace('"awarded": 10,', f'"awarded": {"9" * 5000},', 1), "syntax")


def test_numbers_with_more_digits_than_a_float_keeps(tmp_path):
    text = good_text().replace('"awarded": 10,', '"awarded": 100.0000000000000001,', 1)
    error = check(tmp_path, "precise.json", text, "out-of-range")
    assert error["pointer"] == "/responses/1.1/awarded" and "100.0000000000000001" in error["message"]
    town = (GOOD.parent.parent.parent / "shishi-2024" / "examples" / "town.valid.json").read_text(encoding="utf-8")
    text = town.replace('"rate": 12.5', '"rate": 100.0000000000000001', 1)
    assert check(tmp_path, "rate.json", text, "schema")["pointer"] == "/responses/13.1/rate"


def test_deep_nesting(tmp_path):
    check(tmp_path, "deep.json", "[" * 100_000 + "]" * 100_000, "too-deep")
    check(tmp_path, "deep65.json", '{"notes": ' + "[" * 70 + "]" * 70 + "}", "too-deep")


def nested(depth: int, leaf=None):
    """An object ``{"x": {"x": … leaf}}`` with ``depth`` levels, built in memory as an API caller would."""
    document = leaf if leaf is not None else {}
    for _ in range(depth - 1):
        document = {"x": document}
    return document


def test_a_document_built_in_memory_too_deep_gets_the_readers_error():
    for document in (nested(5_000), [nested(65)], json.loads(good_text()) | {"notes": nested(70)}):
        assert [(e.code, e.pointer) for e in wsas.validate(document)] == [("too-deep", "")]
        assert [e.code for e in wsas.schema_errors(document, "hazard")] == ["too-deep"]
    with pytest.raises(wsas.InvalidSubmission) as caught:
        wsas.score(nested(5_000))
    assert [e.code for e in caught.value.errors] == ["too-deep"]


def test_64_levels_are_validated_as_usual():
    assert "too-deep" not in {e.code for e in wsas.validate(nested(64))}
    assert wsas.validate(json.loads(good_text())) == []


def test_unknown_rubric_id(tmp_path):
    text = good_text().replace("lianyungang-2020/enterprise", "lianyungang-2020/factory")
    check(tmp_path, "unknown.json", text, "unknown-rubric", where={"pointer": "/rubric"})


def test_empty_file_and_wrong_top_level(tmp_path):
    check(tmp_path, "empty.json", "", "syntax")
    check(tmp_path, "list.json", "[]", "schema", where={"pointer": ""})


def test_missing_file_and_directory_exit_2(tmp_path):
    result = run_wsas("validate", tmp_path / "nope.json")
    assert result.returncode == 2 and "文件不存在" in result.stdout and "file not found" in result.stdout
    assert run_wsas("validate", tmp_path).returncode == 2
    assert run_wsas("score", tmp_path / "nope.json").returncode == 2


def test_usage_error_exits_2():
    assert run_wsas("validate").returncode == 2
    assert run_wsas("frobnicate").returncode == 2


def test_batch_goes_on_past_bad_files(tmp_path):
    bad = write(tmp_path, "bad.json", "{")
    result = run_wsas("score", "--format", "json", bad, GOOD)
    assert result.returncode == 1
    assert len(result.stdout.splitlines()) == 1
    assert json.loads(result.stdout)["subject"]["name"] == "示例金属制品有限公司"
    assert "bad.json" in result.stderr


def test_score_output_is_never_partial(tmp_path):
    out = tmp_path / "result.json"
    out.write_text("previous", encoding="utf-8")
    bad = write(tmp_path, "bad.json", "{")
    assert run_wsas("score", bad, "--output", out).returncode == 1
    assert out.read_text(encoding="utf-8") == "previous"
    assert run_wsas("score", GOOD, "--format", "json", "--output", out).returncode == 0
    assert json.loads(out.read_text(encoding="utf-8"))["score"] == 90  # assessed 2020-05-29: items 9, 10, 12 not yet due, 67.5 of 75 (spec/scoring.md §4.3)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


RUBRIC_YAML = """id: test/x
version: 1.0.0
program: test
"""


@pytest.mark.parametrize("text,code", [
    (RUBRIC_YAML + "program: other\n", "duplicate-key"),
    ("a: &a [1, 2]\nb: *a\n", "syntax"),
    ("a: [" + "*x, " * 3 + "]\n", "syntax"),
    ("a: .nan\n", "syntax"),
    ("a: &anchor 1\n", "syntax"),
    ("a: b: c\n", "syntax"),
])
def test_yaml_rubric_data_is_read_strictly(tmp_path, text, code):
    path = write(tmp_path, "rubric.yaml", text)
    with pytest.raises(InputError) as caught:
        wsas.load_document(path)
    assert caught.value.error.code == code
    assert caught.value.error.line is not None or code == "duplicate-key"
    result = run_wsas("lint", path)
    assert result.returncode == 1 and code in result.stdout


def test_yaml_alias_bomb_is_refused_quickly(tmp_path):
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [*a{i-1}, *a{i-1}, *a{i-1}, *a{i-1}, *a{i-1}, *a{i-1}, *a{i-1}, *a{i-1}, *a{i-1}, *a{i-1}]"
              for i in range(1, 9)]
    path = write(tmp_path, "bomb.yaml", "\n".join(lines) + "\n")
    with pytest.raises(InputError) as caught:
        wsas.load_document(path)
    assert "alias" in caught.value.error.message_en


def test_gbk_rubric_file(tmp_path):
    path = write(tmp_path, "rubric.yaml", "title: 评估表\n".encode("gbk"))
    result = run_wsas("lint", path)
    assert result.returncode == 1 and "encoding" in result.stdout


def test_a_missing_extra_rubric_file_is_a_usage_error(tmp_path):
    for command in ("validate", "score"):
        result = run_wsas(command, "--rubric", tmp_path / "missing.yaml", GOOD)
        assert result.returncode == 2 and "file not found" in result.stderr
