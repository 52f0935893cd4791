"""Import adapters (wsas records import): code tables, conversions, unknown codes, examples, command line."""

from __future__ import annotations

import copy
import datetime as dt
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from helpers import ROOT
from wsas.reading import load_json_file, load_yaml_file
from wsas.cli import main
from wsas.records.ledger import Entry
from wsas.records.codes import TableError, convert, import_items, load_table, published_tables
from wsas.schemas import schema_errors

IMPORT = ROOT / "records" / "examples" / "import"
CODES = ROOT / "records" / "codes"


def run_import(capsys, *argv) -> tuple[int, str, str]:
    """``wsas records import ARGV`` through ``wsas.cli.main``: (exit status, stdout, stderr)."""
    status = main(["records", "import", *map(str, argv)])
    out, err = capsys.readouterr()
    return status, out, err


def json_reports(out: str) -> list[dict]:
    return [json.loads(line) for line in out.splitlines()]


def one(table, record) -> object:
    """The outcome of converting one producer record."""
    return convert(table, Entry("in.jsonl", 1, record))


def sample_a_record(**changes) -> dict:
    record = json.loads((IMPORT / "sample-a.producer.jsonl").read_text(encoding="utf-8").splitlines()[0])
    record.update(changes)
    return {k: v for k, v in record.items() if v is not None}


def write_table(tmp_path: Path, data: dict, name: str = "table.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def sample(name: str) -> dict:
    return load_yaml_file(CODES / f"{name}.yaml")


# ---------------------------------------------------------------- the published tables


def test_published_tables_are_labelled_samples():
    assert set(published_tables()) == {"sample-a", "sample-b"}
    for name, path in published_tables().items():
        data = load_yaml_file(path)
        assert schema_errors(data, "code-map") == []
        assert data["illustrative"] is True and "示例" in data["title"] and "示例" in data["description"]
        assert "not any real platform" in data["titleEn"]
        assert path.read_text(encoding="utf-8").startswith("# 示例编码表")
        assert data["id"] == name
        load_table(name)  # passes the table checks too


def test_the_same_code_means_different_things_for_different_producers():
    a, b = load_table("sample-a"), load_table("sample-b")
    assert a.codes["level"] == {"0": "general", "1": "major"}
    assert b.codes["grade"] == {"1": "general", "2": "major"}
    assert a.codes["state"] == {"0": "rectifying", "1": "closed", "2": "awaiting-acceptance", "3": "accepted",
                                "9": "registered"}
    assert set(a.codes["source"]) == {str(n) for n in range(1, 8)}
    assert set(a.data["codes"]["source"]["unmapped"]) == {"8", "9", "10"}


# ---------------------------------------------------------------- examples


def _expected_lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_sample_a_example(capsys, tmp_path):
    out = tmp_path / "hazards.jsonl"
    status, stdout, err = run_import(capsys, "--codes", "sample-a", IMPORT / "sample-a.producer.jsonl", "-o", out,
                                     "--format", "json")
    assert status == 1
    assert "示例" in err and "导入 5 条，未导入 7 条，有提示 1 条" in err
    assert out.read_text(encoding="utf-8") == (IMPORT / "sample-a.hazards.jsonl").read_text(encoding="utf-8")
    reports = json_reports(stdout)
    assert len(reports) == 12
    problems = [(r["line"], e["code"], e["pointer"], e.get("value")) for r in reports for e in r["errors"]]
    assert problems == [
        (5, "unknown-code", "/yhly", "8"),
        (6, "unknown-code", "/yhjb", "5"),
        (7, "missing-field", "/yhmc", None),
        (8, "bad-value", "/zgqx", "20240231"),
        (8, "duplicate-id", "/yhbh", "A-2024-008"),  # a duplicated id is reported at every occurrence
        (9, "duplicate-id", "/yhbh", "A-2024-008"),
        (11, "unknown-code", "/lzjl/0/zt", "7"),
        (12, "syntax", "", None),
    ]
    warnings = [(r["line"], w["code"], w["pointer"]) for r in reports for w in r["warnings"]]
    assert warnings == [(10, "unmapped-field", "/sjly"), (10, "unmapped-field", "/lzjl/0/zdbh")]
    unknown = reports[4]["errors"][0]
    assert unknown["field"] == "/yhly" and unknown["target"] == "/source" and "有意不映射" in unknown["message"]


def test_sample_b_example_folder(capsys, tmp_path):
    out = tmp_path / "hazards.jsonl"
    status, stdout, _ = run_import(capsys, "--codes", "sample-b", IMPORT / "sample-b", "-o", out)
    assert status == 1
    assert out.read_text(encoding="utf-8") == (IMPORT / "sample-b.hazards.jsonl").read_text(encoding="utf-8")
    assert "hb-003.json /status: [unknown-code]" in stdout and "编码 7" in stdout
    assert "hb-004.json /hazard/grade: [unknown-code]" in stdout and "编码 0" in stdout
    first = _expected_lines(out)[0]
    assert first["level"] == "major" and first["rectification"]["completedAt"] == "2024-03-18T17:00:00+08:00"
    assert first["attachments"][1]["sha256"].startswith("9f2c") and first["history"][-1]["note"] == "销号"


@pytest.mark.parametrize("name", ["sample-a.hazards.jsonl", "sample-b.hazards.jsonl"])
def test_imported_ledgers_are_valid_records(name):
    from wsas.programs import published_programs
    from wsas.records.check import check_ledgers
    from wsas.records.ledger import read_ledger

    for document in _expected_lines(IMPORT / name):
        assert schema_errors(document, "hazard") == []
    report = check_ledgers([read_ledger(str(IMPORT / name))], as_of=dt.date(2024, 3, 31),
                           known_programs=set(published_programs()))
    problems = [str(e) for r in report.records for e in [*r.errors, *r.findings]]
    assert report.ok and not problems, problems


def test_inputs_are_never_modified(capsys, tmp_path):
    before = {p: p.read_bytes() for p in IMPORT.rglob("*") if p.is_file()}
    run_import(capsys, "--codes", "sample-a", IMPORT / "sample-a.producer.jsonl", "-o", tmp_path / "x.jsonl")
    assert before == {p: p.read_bytes() for p in IMPORT.rglob("*") if p.is_file()}


# ---------------------------------------------------------------- conversions


def test_codes_compare_as_text():
    table = load_table("sample-a")
    for code in (0, "0", " 0 ", Decimal("0"), Decimal("0.0")):
        outcome = one(table, sample_a_record(yhjb=code))
        assert outcome.ok and outcome.document["level"] == "general", code
    for code in ("00", "0.5", Decimal("0.5"), True, "general"):
        outcome = one(table, sample_a_record(yhjb=code))
        assert [e.code for e in outcome.errors] == ["unknown-code"], code
        assert outcome.document is None


def test_unknown_code_is_never_guessed_and_names_everything():
    table = load_table("sample-b")
    record = load_json_file(IMPORT / "sample-b" / "hb-002.json")
    record["hazard"]["grade"] = 3
    outcome = convert(table, Entry("b.jsonl", 7, record))
    (error,) = outcome.errors
    assert (error.code, error.file, error.line, error.pointer) == ("unknown-code", "b.jsonl", 7, "/hazard/grade")
    assert error.as_dict()["value"] == "3" and error.as_dict()["target"] == "/level"
    assert "3" in error.message and "/hazard/grade" in error.message and "1、2" in error.message
    assert outcome.document is None


def test_dates():
    table = load_table("sample-a")
    assert one(table, sample_a_record(zgqx="20240229")).document["rectification"]["deadline"] == "2024-02-29"
    for bad in ("2024-02-29", "20230229", "2024022", 20240229):
        assert [e.code for e in one(table, sample_a_record(zgqx=bad)).errors] == ["bad-value"], bad
    assert one(table, sample_a_record(fxsj="2024-03-04")).document["discovered"]["at"] == "2024-03-04"
    assert one(table, sample_a_record(fxsj="2024-03-04 24:00:00")).errors[0].code == "bad-value"


def test_epoch_and_default_date_time(tmp_path):
    table = load_table("sample-b")
    record = load_json_file(IMPORT / "sample-b" / "hb-002.json")
    for value in (1711434600000, "1711434600999"):  # milliseconds below a second are dropped
        expected = "2024-03-26T14:30:00+08:00"
        record["rectify"]["finishTime"] = value
        assert convert(table, Entry("b", 1, record)).document["rectification"]["completedAt"] == expected
    record["rectify"]["finishTime"] = "2024-03-26"
    assert convert(table, Entry("b", 1, record)).errors[0].code == "bad-value"
    data = sample("sample-b")
    for field in data["fields"]:
        if field["from"] == "/rectify/finishTime":
            del field["format"]
    own = load_table(str(write_table(tmp_path, data)))
    for value, ok in (("2024-03-26T14:30", True), ("2024-03-26T14:30:00Z", True), ("2024-03-26 14:30", False),
                      ("2024-02-30T14:30", False), (1711434600000, False)):
        record["rectify"]["finishTime"] = value
        assert convert(own, Entry("b", 1, record)).ok is ok, value


def test_numbers_are_exact():
    table = load_table("sample-a")
    document = one(table, sample_a_record(zgzj="1200.50")).document
    assert document["rectification"]["funds"] == Decimal("1200.50")
    assert one(table, sample_a_record(zgzj=0.1)).document["rectification"]["funds"] == Decimal("0.1")
    assert [e.code for e in one(table, sample_a_record(zgzj="1,200")).errors] == ["bad-value"]
    negative = one(table, sample_a_record(zgzj="-5"))
    (error,) = negative.errors
    assert (error.code, error.pointer, error.as_dict()["target"]) == ("schema", "/zgzj", "/rectification/funds")


# make fuzz (records-import) found a cost of 1e309 crashing the writer: the imported document held a number
# that no JSON number reproduces. Such a record is now refused with a located error and the batch goes on.

@pytest.mark.parametrize("funds", ["1e309", "12345678901234567890.5", "-1e400"])
def test_a_number_no_json_number_reproduces_is_refused(funds):
    table = load_table("sample-a")
    for raw in {Decimal(funds), funds if "e" not in funds else Decimal(funds)}:  # a text amount has no exponent
        (error,) = one(table, sample_a_record(zgzj=raw)).errors
        assert (error.code, error.pointer, error.as_dict()["target"]) == ("bad-value", "/zgzj", "/rectification/funds")
        assert "准确" in error.message and "exactly" in error.message_en


def test_large_numbers_that_are_written_exactly_still_import():
    table = load_table("sample-a")
    for funds in (Decimal("1e20"), "123456789012345678", Decimal("1.5e300"), "0.1"):
        assert one(table, sample_a_record(zgzj=funds)).document["rectification"]["funds"] == Decimal(funds)


def test_the_command_writes_the_others_and_reports_the_record(tmp_path, capsys):
    lines = (IMPORT / "sample-a.producer.jsonl").read_text(encoding="utf-8").splitlines()
    bad = json.loads(lines[0])
    bad["zgzj"] = "@"
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join([json.dumps(bad, ensure_ascii=False).replace('"@"', "1e309"), *lines[1:]]) + "\n",
                      encoding="utf-8")
    before = source.read_bytes()
    out = tmp_path / "out.jsonl"
    status, stdout, stderr = run_import(capsys, "--codes", "sample-a", source, "-o", out)
    assert status == 1 and "Traceback" not in stderr and source.read_bytes() == before
    assert "in.jsonl:1" in stdout and "/zgzj" in stdout and "exactly" in stdout
    expected = (IMPORT / "sample-a.hazards.jsonl").read_text(encoding="utf-8").splitlines()
    assert expected[0].startswith('{"id": "A-2024-001"')  # the record given the cost no double holds
    assert out.read_text(encoding="utf-8").splitlines() == expected[1:]


def test_text_takes_numbers_but_not_objects():
    table = load_table("sample-a")
    assert one(table, sample_a_record(yhbh=20240001)).document["id"] == "20240001"
    assert one(table, sample_a_record(yhmc={"a": 1})).errors[0].code == "bad-value"
    assert one(table, sample_a_record(yhmc=True)).errors[0].code == "bad-value"


def test_required_and_empty_values():
    table = load_table("sample-a")
    for empty in ("", "   ", None):
        outcome = one(table, sample_a_record(yhmc=empty) if empty is not None else
                      {k: v for k, v in sample_a_record().items() if k != "yhmc"})
        assert [(e.code, e.as_dict()["field"]) for e in outcome.errors] == [("missing-field", "/yhmc")]
    outcome = one(table, sample_a_record(yhms=""))
    assert outcome.ok and "description" not in outcome.document  # empty optional field: absent, not ""


def test_unmapped_required_field(tmp_path):
    data = sample("sample-a")
    data["fields"] = [f for f in data["fields"] if f["to"] != "/name"]
    data["ignore"].append("/yhmc")
    table = load_table(str(write_table(tmp_path, data)))
    (error,) = one(table, sample_a_record()).errors
    assert (error.code, error.pointer, error.as_dict()["target"]) == ("unmapped-required", "", "/name")
    assert "没有映射" in error.message


def test_list_elements_map_and_report_inside(tmp_path):
    table = load_table("sample-a")
    record = sample_a_record()
    record["lzjl"][1]["czsj"] = "yesterday"
    record["lzjl"][2].pop("czr")
    outcome = one(table, record)
    assert [(e.code, e.pointer, e.as_dict()["target"]) for e in outcome.errors] == [
        ("bad-value", "/lzjl/1/czsj", "/history/1/at"), ("missing-field", "", "/history/2/by/name")]
    record = sample_a_record(lzjl="9")
    assert [e.code for e in one(table, record).errors] == ["bad-value"]
    record = sample_a_record(lzjl=[])
    assert "history" not in one(table, record).document


def test_schema_errors_point_at_the_producer_field():
    table = load_table("sample-b")
    record = load_json_file(IMPORT / "sample-b" / "hb-001.json")
    record["photos"][0]["url"] = "photos/with space.jpg"
    record["hazard"]["title"] = "长" * 201
    outcome = convert(table, Entry("b", None, record))
    assert sorted((e.pointer, e.as_dict()["target"]) for e in outcome.errors) == [
        ("/hazard/title", "/name"), ("/photos/0/url", "/attachments/0/href")]


def test_unmapped_fields_warn_and_ignore_silences():
    table = load_table("sample-b")
    record = load_json_file(IMPORT / "sample-b" / "hb-001.json")
    record["hazard"]["level2"] = "x"
    record["photos"][0]["exif"] = {"camera": "x"}
    record["photos"][0]["uploadedBy"] = "ignored"
    record["extra"] = None  # empty values carry nothing to lose
    outcome = convert(table, Entry("b", None, record))
    assert outcome.ok
    assert [w.pointer for w in outcome.warnings] == ["/hazard/level2", "/photos/0/exif"]


def test_constants_and_duplicate_ids(tmp_path):
    data = sample("sample-a")
    data["constants"] = [{"to": "/program", "value": "xinzhou-2020"}]
    table = load_table(str(write_table(tmp_path, data)))
    first, second = sample_a_record(), sample_a_record(yhmc="again")
    third = sample_a_record(yhbh="B")
    outcomes = list(import_items(table, [Entry("f", 1, first), Entry("f", 2, second), Entry("f", 3, third)]))
    assert [o.ok for o in outcomes] == [False, False, True]  # which of the two is right cannot be known
    assert outcomes[2].document["program"] == "xinzhou-2020"
    for outcome in outcomes[:2]:
        (error,) = outcome.errors
        assert error.code == "duplicate-id" and "f:1、f:2" in error.message and outcome.document is None


# ---------------------------------------------------------------- bad tables


def _lint_codes(tmp_path, change) -> list[tuple[str, str]]:
    data = sample("sample-a")
    change(data)
    with pytest.raises(TableError) as caught:
        load_table(str(write_table(tmp_path, data)))
    return [(e.code, e.pointer) for e in caught.value.errors]


def test_table_checks(tmp_path):
    def field(data, target):
        return next(f for f in data["fields"] if f["to"] == target)

    assert _lint_codes(tmp_path, lambda d: field(d, "/level").update(codes="nope")) == [
        ("unknown-code-list", "/fields/5/codes")]
    assert _lint_codes(tmp_path, lambda d: d["codes"]["level"]["values"].update({"2": "critical"})) == [
        ("bad-code-value", "/codes/level/values/2")]
    assert _lint_codes(tmp_path, lambda d: d["codes"]["yesNo"]["values"].update({"2": "maybe"})) == [
        ("bad-code-value", "/codes/yesNo/values/2"), ("bad-code-value", "/codes/yesNo/values/2")]
    assert _lint_codes(tmp_path, lambda d: field(d, "/name").update(to="/title")) == [
        ("unknown-target", "/fields/3/to")]
    assert _lint_codes(tmp_path, lambda d: field(d, "/name").update(to="/subject")) == [
        ("duplicate-target", "/fields/3/to")]
    assert _lint_codes(tmp_path, lambda d: field(d, "/name").update(format="YYYY")) == [
        ("bad-format", "/fields/3/format")]
    assert _lint_codes(tmp_path, lambda d: field(d, "/rectification/deadline").update(format="YYYY-MM-DD hh:mm")) == [
        ("bad-format", "/fields/14/format")]
    assert _lint_codes(tmp_path, lambda d: field(d, "/discovered/at").update(format=["YYYY-MM", "YYYY-MM-DD"])) == [
        ("bad-format", "/fields/10/format/0")]
    assert _lint_codes(tmp_path, lambda d: d["fields"].append({"from": "/yhmc", "to": "/notes"})) == [
        ("duplicate-field", f"/fields/{len(sample('sample-a')['fields'])}/from")]
    assert _lint_codes(tmp_path, lambda d: d["ignore"].append("/yhmc")) == [("duplicate-field", "/fields/3/from")]
    as_list = {"as": "list", "items": [{"from": "/a", "to": "/b"}]}
    assert _lint_codes(tmp_path, lambda d: field(d, "/name").update(as_list)) == [("bad-list-target", "/fields/3/to")]
    assert _lint_codes(tmp_path, lambda d: d.update(constants=[{"to": "/level", "value": "huge"}])) == [
        ("duplicate-target", "/constants/0/to")]
    assert _lint_codes(tmp_path, lambda d: d.update(constants=[{"to": "/program", "value": "Not An Id"}])) == [
        ("bad-code-value", "/constants/0/value")]
    assert _lint_codes(tmp_path, lambda d: field(d, "/level").pop("codes")) == [("schema", "/fields/5")]
    assert _lint_codes(tmp_path, lambda d: d.update(illustrative="yes")) == [("schema", "/illustrative")]


def test_table_errors_are_usage_errors(capsys, tmp_path):
    out = tmp_path / "out.jsonl"
    status, _, err = run_import(capsys, "--codes", "sample-c", IMPORT / "sample-a.producer.jsonl", "-o", out)
    assert status == 2 and "unknown-table" in err and "sample-a" in err and not out.exists()
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: [", encoding="utf-8")
    status, _, err = run_import(capsys, "--codes", bad, IMPORT / "sample-a.producer.jsonl", "-o", out)
    assert status == 2 and "syntax" in err and not out.exists()
    status, _, err = run_import(capsys, "--codes", tmp_path / "missing.yaml", IMPORT / "sample-a.producer.jsonl",
                                "-o", out)
    assert status == 2 and "unreadable" in err and not out.exists()


# ---------------------------------------------------------------- command line


def test_output_is_never_an_input(capsys, tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps(sample_a_record(), ensure_ascii=False) + "\n", encoding="utf-8")
    before = source.read_bytes()
    status, _, err = run_import(capsys, "--codes", "sample-a", source, "-o", source)
    assert status == 2 and source.read_bytes() == before
    status, _, err = run_import(capsys, "--codes", "sample-a", tmp_path, "-o", tmp_path / "in.jsonl")
    assert status == 2 and source.read_bytes() == before


def test_output_replaced_atomically_and_only_good_records(capsys, tmp_path):
    out = tmp_path / "out.jsonl"
    out.write_text("old\n", encoding="utf-8")
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps(sample_a_record(yhjb=7), ensure_ascii=False) + "\n", encoding="utf-8")
    status, _, _ = run_import(capsys, "--codes", "sample-a", source, "-o", out)
    assert status == 1 and out.read_text(encoding="utf-8") == ""  # this run imported nothing
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out.jsonl.")]  # no temporary file left


def test_missing_input_still_imports_the_others(capsys, tmp_path):
    out = tmp_path / "out.jsonl"
    status, _, err = run_import(capsys, "--codes", "sample-b", tmp_path / "nope.jsonl", IMPORT / "sample-b", "-o", out)
    assert status == 2 and "nope.jsonl" in err
    assert len(out.read_text(encoding="utf-8").splitlines()) == 2


def test_standard_input(capsys, tmp_path, monkeypatch):
    data = (json.dumps(sample_a_record(), ensure_ascii=False) + "\n").encode("utf-8")
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))
    out = tmp_path / "out.jsonl"
    status, _, _ = run_import(capsys, "--codes", "sample-a", "-", "-o", out)
    assert status == 0 and json.loads(out.read_text(encoding="utf-8"))["id"] == "A-2024-001"


def test_standard_input_is_read_twice_for_duplicates(capsys, tmp_path, monkeypatch):
    line = json.dumps(sample_a_record(), ensure_ascii=False)
    other = json.dumps(sample_a_record(yhbh="A-2"), ensure_ascii=False)
    data = f"{line}\n{other}\n{line}\n".encode("utf-8")
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))
    out = tmp_path / "out.jsonl"
    status, stdout, _ = run_import(capsys, "--codes", "sample-a", "-", "-o", out, "--format", "json")
    reports = json_reports(stdout)
    assert status == 1 and [r["ok"] for r in reports] == [False, True, False]
    assert all(r["file"] == "-" for r in reports)
    assert "-:1、-:3" in reports[0]["errors"][0]["message"]
    assert [json.loads(x)["id"] for x in out.read_text(encoding="utf-8").splitlines()] == ["A-2"]


def test_clean_import_exits_0_and_warnings_do_not_fail(capsys, tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps(sample_a_record(extra="x"), ensure_ascii=False) + "\n", encoding="utf-8")
    status, stdout, _ = run_import(capsys, "--codes", "sample-a", source, "-o", tmp_path / "out.jsonl")
    assert status == 0 and "unmapped-field" in stdout and "提示 warning" in stdout


def test_gbk_file_is_reported(capsys, tmp_path):
    source = tmp_path / "in.jsonl"
    good = json.dumps(sample_a_record(), ensure_ascii=False)
    source.write_bytes(json.dumps(sample_a_record(yhbh="G-1"), ensure_ascii=False).encode("gbk") + b"\n"
                       + good.encode("utf-8") + b"\n")
    status, stdout, _ = run_import(capsys, "--codes", "sample-a", source, "-o", tmp_path / "out.jsonl",
                                   "--format", "json")
    reports = json_reports(stdout)
    assert status == 1 and reports[0]["errors"][0]["code"] == "encoding" and reports[1]["ok"]


def test_own_table_file_with_same_records(capsys, tmp_path):
    data = copy.deepcopy(sample("sample-a"))
    data.update(id="my-platform", title="本单位平台编码表", titleEn="Our platform", illustrative=False)
    path = write_table(tmp_path, data, "my-platform.yaml")
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps(sample_a_record(), ensure_ascii=False) + "\n", encoding="utf-8")
    status, _, err = run_import(capsys, "--codes", path, source, "-o", tmp_path / "out.jsonl")
    assert status == 0 and "示例" not in err.split("\n")[0]


def test_python_m_wsas_records_import(tmp_path):
    from helpers import run_wsas

    completed = run_wsas("records", "import", "--codes", "sample-b", IMPORT / "sample-b", "-o", tmp_path / "o.jsonl")
    assert completed.returncode == 1 and "unknown-code" in completed.stdout
