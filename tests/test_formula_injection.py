"""CSV / formula injection: user text that starts like a formula never becomes one in our CSV or xlsx files.

OWASP "CSV Injection": a CSV text cell starting with = + - @ tab or carriage return gets a leading
single quote; numbers stay numbers. In xlsx, user text is a string cell (data type "s"), never a formula,
and ``wsas xlsx import`` gives the original text back.
"""

from __future__ import annotations

import copy
import csv
import io
import json

import pytest
from openpyxl import load_workbook

import wsas
from helpers import ROOT, VALID_EXAMPLES, run_wsas
from wsas.scoring.batch import CSV_COLUMNS, csv_row, totals_of
from wsas.output import plain
from wsas.reading import load_json_file
from wsas.cli import main as records_main
from wsas.spreadsheet_text import safe_cell, set_text
from wsas.xlsx import Layout, fill_workbook, import_workbook
from wsas.xlsx.layout import SHEET
from wsas.xlsx.template import build, save_atomic

RECORD_EXAMPLES = ROOT / "records" / "examples"
PREFIXES = ["=", "+", "-", "@", "\t", "\r"]
ATTACK = 'HYPERLINK("http://x","点我")'
ENTERPRISE = next(p for p in VALID_EXAMPLES if p.parent.parent.name == "lianyungang-2020"
                  and p.name == "enterprise.valid.json")


def hostile(prefix: str, text: str = ATTACK) -> str:
    return prefix + text


# --------------------------------------------------------------------------- the rule


@pytest.mark.parametrize("prefix", PREFIXES)
def test_text_starting_like_a_formula_gets_a_quote(prefix):
    assert safe_cell(hostile(prefix)) == "'" + hostile(prefix)


@pytest.mark.parametrize("value", ["示例金属制品有限公司", "", "a=b", " =x", "'=already", "中-1"])
def test_other_text_is_unchanged(value):
    assert safe_cell(value) == value


@pytest.mark.parametrize("value", [0, -5, -2.5, 85, None, True])
def test_numbers_and_other_values_are_unchanged(value):
    assert safe_cell(value) is value


def test_negative_numbers_in_score_columns_are_not_quoted():
    row = {column: "x" for column in CSV_COLUMNS}
    row.update(行=3, 实得分="-5", 应得分="85", 缺项分="0", 得分="-5.88", 被评估对象="-负数公司")
    cells = dict(zip(CSV_COLUMNS, csv_row(row)))
    assert (cells["实得分"], cells["得分"], cells["行"]) == ("-5", "-5.88", 3)
    assert cells["被评估对象"] == "'-负数公司"


# --------------------------------------------------------------------------- wsas score --csv


def _submissions():
    base = load_json_file(ENTERPRISE)
    found = []
    for prefix in PREFIXES:
        submission = copy.deepcopy(base)
        submission["subject"]["name"] = hostile(prefix)
        submission["subject"]["region"] = hostile(prefix, "地区")
        found.append(submission)
    found.append(copy.deepcopy(base))  # a normal one
    return base, found


def test_score_csv_quotes_hostile_names_and_keeps_numbers(tmp_path):
    base, submissions = _submissions()
    batch = tmp_path / "batch.jsonl"
    batch.write_text("".join(json.dumps(plain(s), ensure_ascii=False) + "\n" for s in submissions), encoding="utf-8")
    table = tmp_path / "t.csv"
    result = run_wsas("score", batch, "--csv", table)
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(table.read_bytes().decode("utf-8-sig"), newline="")))
    assert len(rows) == len(PREFIXES) + 1
    expected = totals_of(wsas.score(base))
    for prefix, row in zip(PREFIXES, rows):
        assert row["被评估对象"] == "'" + hostile(prefix)
        assert row["地区"] == "'" + hostile(prefix, "地区")
    normal = rows[-1]
    assert normal["被评估对象"] == base["subject"]["name"] and normal["地区"] == base["subject"]["region"]
    for row in rows:
        for column in ("实得分", "应得分", "缺项分", "得分"):
            assert row[column] == expected[column] and not row[column].startswith("'")
        assert row["行"].isdigit() and row["编码"] == base["subject"]["code"]


# --------------------------------------------------------------------------- records lists CSV


def _records_csv(capsys, ledger, kind: str) -> list[list[str]]:
    status = records_main(["records", "lists", str(ledger), "--kind", kind, "--format", "csv", "--as-of", "2024-06-30"])
    out = capsys.readouterr().out
    assert status == 0, out
    return list(csv.reader(io.StringIO(out, newline="")))


def test_risk_list_csv_quotes_hostile_text(tmp_path, capsys):
    first = json.loads((RECORD_EXAMPLES / "risks.valid.jsonl").read_text(encoding="utf-8").splitlines()[0])
    documents = []
    for index, prefix in enumerate(PREFIXES + [""], start=1):
        risk = copy.deepcopy(first)
        risk["id"] = f"R-T-{index:02d}"
        risk["subject"] = dict(first["subject"], name=hostile(prefix, "企业"), code=f"91140900INJECT{index:04d}")
        risk["name"] = hostile(prefix, "储罐区")
        risk["place"] = hostile(prefix, "北侧")
        documents.append(risk)
    ledger = tmp_path / "risks.jsonl"
    ledger.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in documents), encoding="utf-8")
    rows = _records_csv(capsys, ledger, "risk-list")
    header, body = rows[0], rows[1:]
    assert header[:3] == ["企业", "风险点编号", "风险点"]
    by_id = {row[1]: dict(zip(header, row)) for row in body}
    for index, prefix in enumerate(PREFIXES, start=1):
        row = by_id[f"R-T-{index:02d}"]
        assert row["企业"] == "'" + hostile(prefix, "企业")
        assert row["风险点"] == "'" + hostile(prefix, "储罐区")
        assert row["位置"] == "'" + hostile(prefix, "北侧")
    normal = by_id[f"R-T-{len(PREFIXES) + 1:02d}"]
    assert (normal["企业"], normal["风险点"], normal["位置"]) == ("企业", "储罐区", "北侧")


def test_rectification_list_keeps_funds_numeric(tmp_path, capsys):
    hazards = [json.loads(line) for line in
               (RECORD_EXAMPLES / "hazards.valid.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    with_funds = [h for h in hazards if "funds" in json.dumps(h)]
    assert with_funds
    hazard = copy.deepcopy(with_funds[0])
    hazard["name"] = "-" + hazard["name"]
    ledger = tmp_path / "hazards.jsonl"
    ledger.write_text(json.dumps(hazard, ensure_ascii=False) + "\n", encoding="utf-8")
    rows = _records_csv(capsys, ledger, "rectification-list")
    row = dict(zip(rows[0], rows[1]))
    assert row["隐患名称"] == "'" + hazard["name"]
    funds = row["资金（元）"]
    assert funds and not funds.startswith("'") and float(funds) >= 0


# --------------------------------------------------------------------------- xlsx


def _filled_workbook(tmp_path, submission):
    rubric = wsas.load_rubric(submission["rubric"])
    template = tmp_path / "template.xlsx"
    save_atomic(build(rubric), template)
    workbook = load_workbook(template)
    layout = Layout(rubric)
    fill_workbook(workbook, layout, submission)
    path = tmp_path / "filled.xlsx"
    workbook.save(path)
    return path, layout


def _hostile_submission(prefix: str) -> dict:
    submission = load_json_file(ENTERPRISE)
    submission["subject"]["name"] = hostile(prefix)
    submission["subject"]["region"] = hostile(prefix, "地区")
    submission["responses"]["3.1"]["reason"] = hostile(prefix, "1+1")
    submission["responses"]["3.1"]["evidence"] = hostile(prefix, "cmd|' /C calc'!A0")
    return submission


@pytest.mark.parametrize("prefix", PREFIXES)
def test_xlsx_user_text_is_stored_as_text_not_formula(tmp_path, prefix):
    path, layout = _filled_workbook(tmp_path, _hostile_submission(prefix))
    sheet = load_workbook(path)[SHEET]
    addresses = [layout.field_cell("subject.name"), layout.field_cell("subject.region"),
                 layout.cell("reason", "3.1"), layout.cell("evidence", "3.1")]
    for address in addresses:
        cell = sheet[address]
        assert cell.data_type == "s", (address, cell.value)
        assert isinstance(cell.value, str) and not cell.value.startswith("'")
    # openpyxl writes a carriage return unescaped, so XML reads it back as a line feed (not our concern here)
    assert sheet[layout.field_cell("subject.name")].value == hostile(prefix).replace("\r", "\n")


@pytest.mark.parametrize("prefix", ["=", "+", "-", "@"])
def test_xlsx_round_trip_gives_back_the_original_text(tmp_path, prefix):
    submission = _hostile_submission(prefix)
    path, _ = _filled_workbook(tmp_path, submission)
    imported = import_workbook(path)
    assert imported.ok, imported.errors
    assert imported.submission["subject"] == submission["subject"]
    assert imported.submission["responses"]["3.1"] == submission["responses"]["3.1"]


def test_set_text_keeps_numbers_numbers():
    sheet = load_workbook(_template_bytes()).active
    set_text(sheet["A1"], -5)
    set_text(sheet["A2"], "=1+1")
    assert sheet["A1"].data_type == "n" and sheet["A1"].value == -5
    assert sheet["A2"].data_type == "s" and sheet["A2"].value == "=1+1"


def _template_bytes():
    stream = io.BytesIO()
    build(wsas.load_rubric("shishi-2024/town")).save(stream)
    stream.seek(0)
    return stream


def test_template_has_no_formulas_outside_the_scoring_cells():
    """Rubric texts pass through the same guard: every formula in the template is one of ours."""
    rubric = wsas.load_rubric("shishi-2024/town")
    layout = Layout(rubric)
    ours = {address for _, address in layout.formula_cells}
    sheet = load_workbook(_template_bytes())[SHEET]
    formulas = {cell.coordinate for row in sheet.iter_rows() for cell in row if cell.data_type == "f"}
    assert formulas <= ours
