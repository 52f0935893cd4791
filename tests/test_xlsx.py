"""Spreadsheet round trip: templates for every rubric, filled workbooks imported exactly, bad workbooks refused.

Everything here runs without a spreadsheet program (openpyxl only); the sheet's own
formulas are recalculated by LibreOffice in test_xlsx_libreoffice.py.
"""

import datetime
import hashlib
import json
import zipfile
from decimal import Decimal

import pytest
from openpyxl import load_workbook

import wsas
from conformance_runner import catalogue_for, load_vectors, submission_of, vector_files
from helpers import VALID_EXAMPLES, run_wsas
from ole2 import ole2
from wsas.output import plain
from wsas.rubrics import published_catalogue
from wsas.xlsx import Layout, fill_workbook, import_workbook
from wsas.xlsx.layout import FIELDS, HEADER_ROW, MANIFEST_SHEET, SHEET
from wsas.xlsx.template import build, save_atomic

RUBRICS = sorted(rubric.id for rubric in published_catalogue())
EXAMPLE_IDS = [f"{p.parent.parent.name}/{p.name}" for p in VALID_EXAMPLES]
ENTERPRISE = "lianyungang-2020/enterprise.valid.json"
TOWN = "shishi-2024/town.valid.json"


def example(name: str) -> dict:
    return wsas.load_json_file(next(p for p in VALID_EXAMPLES if f"{p.parent.parent.name}/{p.name}" == name))


def filled(tmp_path, submission: dict, name: str = "filled.xlsx", rubric=None, edit=None):
    """A template written by the package, loaded back like a user's copy, filled, optionally edited, saved."""
    rubric = rubric or wsas.load_rubric(submission["rubric"])
    template = tmp_path / f"template-{name}"
    save_atomic(build(rubric), template)
    workbook = load_workbook(template)
    layout = Layout(rubric)
    fill_workbook(workbook, layout, submission)
    if edit:
        edit(workbook, layout)
    path = tmp_path / name
    workbook.save(path)
    return path


def imported_errors(path, catalogue=None):
    before = path.read_bytes()
    imported = import_workbook(path, catalogue)
    assert path.read_bytes() == before, "inputs are never modified"
    assert not imported.ok and imported.result is None
    return imported.errors


def only_error(path, code, at=None, criterion=None):
    errors = imported_errors(path)
    matching = [e for e in errors if e.code == code and (at is None or e.at() == at)]
    assert matching, [str(e) for e in errors]
    error = matching[0]
    assert error.file == str(path) and error.message and error.message_en
    if at:
        assert at in error.message and at in error.message_en
    if criterion:
        assert error.criterion == criterion and criterion in error.message and criterion in error.message_en
    return error


def value_cell(rubric_id: str, criterion_id: str, role: str = "value") -> str:
    return f"{SHEET}!{Layout(wsas.load_rubric(rubric_id)).cell(role, criterion_id)}"


# --- templates ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def templates(tmp_path_factory):
    folder = tmp_path_factory.mktemp("templates")
    paths = {}
    for rubric_id in RUBRICS:
        path = folder / (rubric_id.replace("/", "-") + ".xlsx")
        result = run_wsas("xlsx", "template", rubric_id, "-o", path)
        assert result.returncode == 0, result.stderr
        paths[rubric_id] = path
    return paths


@pytest.mark.parametrize("rubric_id", RUBRICS)
def test_template_sheets_and_manifest(templates, rubric_id):
    workbook = load_workbook(templates[rubric_id])
    assert workbook.sheetnames == [SHEET, MANIFEST_SHEET]
    assert workbook[SHEET].sheet_state == "visible"
    assert workbook[MANIFEST_SHEET].sheet_state == "veryHidden"
    manifest = workbook[MANIFEST_SHEET]
    rubric = wsas.load_rubric(rubric_id)
    assert (manifest["B3"].value, manifest["B4"].value) == (rubric.id, rubric.version)
    assert manifest["B5"].value.startswith("sha256:") and len(manifest["B5"].value) == 7 + 64
    layout = Layout(rubric)
    listed = {(row[1].value, row[2].value) for row in manifest.iter_rows(min_row=8) if row[0].value == "formula"}
    assert listed == set(layout.formula_cells)
    assert workbook.security.lockStructure


@pytest.mark.parametrize("rubric_id", RUBRICS)
def test_template_looks_like_the_source_table(templates, rubric_id):
    rubric = wsas.load_rubric(rubric_id)
    sheet = load_workbook(templates[rubric_id])[SHEET]
    headings = [cell.value for cell in sheet[HEADER_ROW] if cell.value]
    for column in rubric.data["columns"]:
        assert column in headings
    for added in ("细则编号", "填报值", "扣分原因", "佐证"):
        assert added in headings
    assert sheet["A1"].value == rubric.data["title"]
    assert rubric.data["source"]["issuer"] in sheet["A2"].value
    assert rubric.id in sheet["A3"].value and rubric.version in sheet["A3"].value
    labels = {cell.value for row in sheet.iter_rows(min_row=4, max_row=7) for cell in row}
    assert {field.label for field in FIELDS} <= labels
    texts = {str(cell.value) for row in sheet.iter_rows() for cell in row if cell.value is not None}
    for placement in rubric.placements:
        assert any(placement.criterion["text"] in text for text in texts), placement.criterion["id"]
    for column in Layout(rubric).columns:
        assert sheet.column_dimensions[column.letter].width == column.width


@pytest.mark.parametrize("rubric_id", RUBRICS)
def test_only_input_cells_are_unlocked(templates, rubric_id):
    sheet = load_workbook(templates[rubric_id])[SHEET]
    layout = Layout(wsas.load_rubric(rubric_id))
    inputs = {cell for _, _, cell in layout.inputs}
    assert sheet.protection.sheet and not sheet.protection.password
    unlocked = {cell.coordinate for row in sheet.iter_rows() for cell in row
                if type(cell).__name__ == "Cell" and not cell.protection.locked}
    assert unlocked == inputs
    for _, address in layout.formula_cells:
        assert sheet[address].protection.locked and str(sheet[address].value).startswith("=")


@pytest.mark.parametrize("rubric_id", RUBRICS)
def test_every_input_has_its_data_validation(templates, rubric_id):
    sheet = load_workbook(templates[rubric_id])[SHEET]
    rubric = wsas.load_rubric(rubric_id)
    layout = Layout(rubric)
    by_cell = {}
    for validation in sheet.data_validations.dataValidation:
        for cell_range in validation.sqref.ranges:
            by_cell[cell_range.coord] = validation
    for kind, key, address in layout.inputs:
        assert address in by_cell, (kind, key, address)
    for criterion_id, row in layout.criterion_rows.items():
        validation = by_cell[layout.cell("value", criterion_id)]
        rule, points = row.criterion["rule"], row.criterion["points"]
        assert validation.showErrorMessage and validation.errorStyle == "stop" and validation.prompt
        if rule["kind"] == "judgement":
            assert validation.type == "custom"
            assert f"<={points}" in validation.formula1 and "ROUND(" in validation.formula1
        elif rule["kind"] == "yes-no":
            assert (validation.type, validation.formula1) == ("list", '"是,否"')
        elif rule["kind"] == "per-finding":
            assert (validation.type, validation.formula1) == ("whole", "0")
        else:
            assert (validation.type, validation.formula1, validation.formula2) == ("decimal", "0", "100")
    assert by_cell[layout.field_cell("assessedOn")].type == "date"


@pytest.mark.parametrize("rubric_id", RUBRICS)
def test_print_setup(templates, rubric_id):
    sheet = load_workbook(templates[rubric_id])[SHEET]
    layout = Layout(wsas.load_rubric(rubric_id))
    assert int(sheet.page_setup.paperSize) == 9  # A4
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) == (1, 0)
    assert sheet.print_title_rows.replace("$", "") == f"{HEADER_ROW}:{HEADER_ROW}"
    assert sheet.print_area.replace("$", "") == f"'{SHEET}'!A1:{layout.last_letter}{layout.last_row}"
    for row in layout.table:
        assert sheet.row_dimensions[row.row].height >= 17
        text = sheet.cell(row.row, layout.column("criterion").index).value
        assert sheet.cell(row.row, layout.column("criterion").index).alignment.wrap_text, text


def test_template_usage_errors(tmp_path):
    assert run_wsas("xlsx", "template", "no-such/rubric", "-o", tmp_path / "x.xlsx").returncode == 2
    assert run_wsas("xlsx", "template", RUBRICS[0], "-o", tmp_path / "x.xls").returncode == 2
    assert run_wsas("xlsx", "template", RUBRICS[0]).returncode == 2
    assert run_wsas("xlsx", "template", tmp_path / "missing.yaml", "-o", tmp_path / "x.xlsx").returncode == 2
    assert run_wsas("xlsx", "import", "--rubric", tmp_path / "missing.yaml", tmp_path / "x.xlsx").returncode == 2
    assert not list(tmp_path.iterdir())


def test_template_from_a_rubric_file(tmp_path):
    source = wsas.load_rubric("shishi-2024/town").path
    result = run_wsas("xlsx", "template", source, "-o", tmp_path / "town.xlsx")
    assert result.returncode == 0 and "shishi-2024/town" in result.stderr


def test_draft_rubric_file_with_rubric_option(tmp_path):
    draft = dict(wsas.load_rubric("shishi-2024/town").data, id="shishi-2024/town-draft", version="0.1.0")
    rubric_file = tmp_path / "town-draft.json"
    rubric_file.write_text(json.dumps(plain(draft), ensure_ascii=False), encoding="utf-8")
    template = tmp_path / "draft.xlsx"
    assert run_wsas("xlsx", "template", rubric_file, "-o", template).returncode == 0
    submission = dict(example(TOWN), rubric="shishi-2024/town-draft", rubricVersion="0.1.0")
    workbook = load_workbook(template)
    fill_workbook(workbook, Layout(wsas.load_rubric(rubric_file)), submission)
    workbook.save(tmp_path / "filled.xlsx")
    refused = run_wsas("xlsx", "import", tmp_path / "filled.xlsx", "-o", tmp_path / "out")
    assert refused.returncode == 1 and "unknown-rubric" in refused.stdout and "_wsas!B3" in refused.stdout
    accepted = run_wsas("xlsx", "import", "--rubric", rubric_file, tmp_path / "filled.xlsx", "-o", tmp_path / "out")
    assert accepted.returncode == 0, accepted.stdout
    assert wsas.load_json_file(tmp_path / "out" / "filled.json")["rubric"] == "shishi-2024/town-draft"


# --- the round trip ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", EXAMPLE_IDS)
def test_example_round_trip_through_the_cli(tmp_path, name):
    submission = example(name)
    path = filled(tmp_path, submission, "assessment.xlsx")
    out = tmp_path / "out"
    result = run_wsas("xlsx", "import", "--format", "json", path, "-o", out)
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(result.stdout)
    assert report["ok"] and report["errors"] == [] and report["warnings"] == []
    written = wsas.load_json_file(out / "assessment.json")
    assert written == submission
    expected = json.loads(json.dumps(plain(wsas.score(submission))))
    assert json.loads((out / "assessment.result.json").read_text(encoding="utf-8")) == expected
    assert run_wsas("validate", out / "assessment.json").returncode == 0
    scored = run_wsas("score", "--format", "json", out / "assessment.json")
    assert json.loads(scored.stdout) == expected
    assert Decimal(str(report["score"])) == wsas.score(submission)["score"]


def test_text_report_and_default_output_folder(tmp_path):
    path = filled(tmp_path, example("lianyungang-2020/county-bureau.valid.json"), "haizhou.xlsx")
    result = run_wsas("xlsx", "import", path)
    assert result.returncode == 0
    assert "86.5" in result.stdout and "已导入" in result.stdout
    assert (tmp_path / "haizhou.json").exists() and (tmp_path / "haizhou.result.json").exists()


REPRESENTABLE = {"out-of-range", "off-step", "not-applicable-not-allowed", "missing-response",
                 "no-applicable-criteria"}


def _workbook_cases():
    """Vector cases a workbook can hold: a known rubric and version; if invalid, only errors about values."""
    found = []
    for path in vector_files():
        vectors = load_vectors(path)
        catalogue = catalogue_for(vectors)
        for index, case in enumerate(vectors["cases"]):
            if "raw" in case or "rawBase64" in case:
                continue  # the input layer: file bytes, not a submission a workbook could hold
            submission = submission_of(vectors, case)
            rubric = catalogue.get(submission["rubric"]) if isinstance(submission.get("rubric"), str) else None
            if rubric is None or submission.get("rubricVersion") != rubric.version:
                continue
            if case["expected"]["valid"] or {e["code"] for e in case["expected"]["errors"]} <= REPRESENTABLE:
                found.append((path, index))
    return found


VECTOR_CASES = _workbook_cases()


@pytest.mark.parametrize("path,index", VECTOR_CASES, ids=[f"{p.stem}-{i}" for p, i in VECTOR_CASES])
def test_conformance_vector_through_a_workbook(tmp_path, path, index):
    """Every valid vector imports to the reference result; invalid ones are refused at the right cells."""
    vectors = load_vectors(path)
    case, catalogue = vectors["cases"][index], catalogue_for(vectors)
    submission = submission_of(vectors, case)
    rubric, expected = catalogue.get(submission["rubric"]), case["expected"]
    path_out = filled(tmp_path, submission, rubric=rubric)
    imported = import_workbook(path_out, catalogue)
    if expected["valid"]:
        assert imported.ok, [str(e) for e in imported.errors]
        reference = wsas.score(submission, catalogue)
        assert imported.result == reference
        return
    assert not imported.ok
    layout = Layout(rubric)
    for want in expected["errors"]:
        hits = [e for e in imported.errors
                if e.pointer == want["pointer"] or e.pointer.startswith(want["pointer"] + "/")]
        assert hits, (want, [str(e) for e in imported.errors])
        code = "empty" if want["code"] == "missing-response" else want["code"]
        assert any(e.code == code for e in hits), (want, [str(e) for e in hits])
        criterion = want["pointer"].split("/")[2] if want["pointer"].count("/") >= 2 else None
        if criterion:
            cells = {layout.cell(role, criterion) for role in ("value", "na")}
            assert any(e.cell in cells and e.criterion == criterion for e in hits)


# --- bad workbooks ----------------------------------------------------------------------------------------


def test_workbook_from_another_version(tmp_path):
    path = filled(tmp_path, example(ENTERPRISE), edit=lambda wb, _: wb[MANIFEST_SHEET].__setitem__("B4", "1.1.0"))
    error = only_error(path, "unknown-version", f"{MANIFEST_SHEET}!B4")
    assert "1.1.0" in error.message and "wsas xlsx template" in error.message


def test_workbook_from_an_unpublished_rubric(tmp_path):
    path = filled(tmp_path, example(ENTERPRISE), edit=lambda wb, _: wb[MANIFEST_SHEET].__setitem__("B3", "x/y"))
    only_error(path, "unknown-rubric", f"{MANIFEST_SHEET}!B3")


def test_workbook_claiming_another_rubric(tmp_path):
    def claim_town(workbook, _):
        workbook[MANIFEST_SHEET]["B3"] = "shishi-2024/town"

    path = filled(tmp_path, example(ENTERPRISE), edit=claim_town)
    only_error(path, "tampered", f"{MANIFEST_SHEET}!B5")


def test_changed_manifest_entry(tmp_path):
    def move_a_cell(workbook, _):
        sheet = workbook[MANIFEST_SHEET]
        row = next(r for r in sheet.iter_rows(min_row=8) if r[0].value == "value")
        row[2].value = "Z99"

    only_error(filled(tmp_path, example(ENTERPRISE), edit=move_a_cell), "tampered")
    edited = filled(tmp_path, example(ENTERPRISE), "fp.xlsx",
                    edit=lambda wb, _: wb[MANIFEST_SHEET].__setitem__("B5", "sha256:" + "0" * 64))
    only_error(edited, "tampered", f"{MANIFEST_SHEET}!B5")


def test_missing_manifest(tmp_path):
    path = filled(tmp_path, example(ENTERPRISE), edit=lambda wb, _: wb.remove(wb[MANIFEST_SHEET]))
    assert "_wsas" in only_error(path, "not-a-template").message


@pytest.mark.parametrize("how", ["delete", "insert"])
def test_moved_rows(tmp_path, how):
    def change_rows(workbook, layout):
        row = layout.criterion_rows["3.1"].row
        getattr(workbook[SHEET], f"{how}_rows")(row)

    path = filled(tmp_path, example(ENTERPRISE), edit=change_rows)
    error = only_error(path, "tampered", value_cell("lianyungang-2020/enterprise", "3.1", "id"), "3.1")
    assert "行" in error.message and "row" in error.message_en


def test_moved_columns(tmp_path):
    path = filled(tmp_path, example(TOWN), edit=lambda wb, _: wb[SHEET].insert_cols(2))
    only_error(path, "tampered", f"{SHEET}!B{HEADER_ROW}")


def test_formulas_overwritten_with_values(tmp_path):
    def overwrite(workbook, layout):
        cells = dict(layout.formula_cells)
        workbook[SHEET][cells["awarded:7.1"]] = 15
        workbook[SHEET][cells["total"]] = 100
        workbook[SHEET][cells["score"]] = "=100"

    path = filled(tmp_path, example(ENTERPRISE), edit=overwrite)
    errors = imported_errors(path)
    cells = dict(Layout(wsas.load_rubric("lianyungang-2020/enterprise")).formula_cells)
    overwritten = {e.cell: e for e in errors if e.code == "formula-overwritten"}
    assert set(overwritten) == {cells["awarded:7.1"], cells["total"], cells["score"]}
    assert overwritten[cells["awarded:7.1"]].criterion == "7.1"
    assert "15" in overwritten[cells["awarded:7.1"]].message


def test_text_in_a_number_cell(tmp_path):
    path = filled(tmp_path, example(ENTERPRISE),
                  edit=lambda wb, lay: wb[SHEET].__setitem__(lay.cell("value", "4.1"), "4.5"))
    error = only_error(path, "not-a-number", value_cell("lianyungang-2020/enterprise", "4.1"), "4.1")
    assert "4.5" in error.message


def test_number_above_the_maximum(tmp_path):
    path = filled(tmp_path, example(ENTERPRISE),
                  edit=lambda wb, lay: wb[SHEET].__setitem__(lay.cell("value", "7.1"), 16))
    error = only_error(path, "out-of-range", value_cell("lianyungang-2020/enterprise", "7.1"), "7.1")
    assert error.pointer == "/responses/7.1/awarded"
    rate = filled(tmp_path, example(TOWN), "rate.xlsx",
                  edit=lambda wb, lay: wb[SHEET].__setitem__(lay.cell("value", "13.1"), 120))
    assert only_error(rate, "schema", value_cell("shishi-2024/town", "13.1"), "13.1").pointer == "/responses/13.1/rate"


def test_off_step_and_negative(tmp_path):
    def edit(workbook, layout):
        workbook[SHEET][layout.cell("value", "1.1")] = 9.3
        workbook[SHEET][layout.cell("value", "2.1")] = -1

    path = filled(tmp_path, example(ENTERPRISE), edit=edit)
    only_error(path, "off-step", value_cell("lianyungang-2020/enterprise", "1.1"), "1.1")
    only_error(path, "schema", value_cell("lianyungang-2020/enterprise", "2.1"), "2.1")


def test_yes_no_and_counts(tmp_path):
    def edit(workbook, layout):
        workbook[SHEET][layout.cell("value", "15.5")] = "对"
        workbook[SHEET][layout.cell("value", "5.1")] = 2.5
        workbook[SHEET][layout.cell("value", "6.1")] = "缺项"

    path = filled(tmp_path, example(TOWN), edit=edit)
    only_error(path, "bad-value", value_cell("shishi-2024/town", "15.5"), "15.5")
    only_error(path, "schema", value_cell("shishi-2024/town", "5.1"), "5.1")
    only_error(path, "not-applicable-not-allowed", value_cell("shishi-2024/town", "6.1"), "6.1")


def test_empty_inputs(tmp_path):
    def edit(workbook, layout):
        workbook[SHEET][layout.cell("value", "8.1")] = None   # 4月底前: due at the example's 2020-05-29
        workbook[SHEET][layout.field_cell("subject.name")] = None

    path = filled(tmp_path, example(ENTERPRISE), edit=edit)
    errors = imported_errors(path)
    only_error(path, "empty", value_cell("lianyungang-2020/enterprise", "8.1"), "8.1")
    layout = Layout(wsas.load_rubric("lianyungang-2020/enterprise"))
    only_error(path, "empty", f"{SHEET}!{layout.field_cell('subject.name')}")
    assert not any(e.code == "missing-response" for e in errors), "reported once, at the cell"


def test_items_not_yet_due_may_stay_empty(tmp_path):
    """spec/scoring.md §4.3: at the example's 评估日期 2020-05-29, items 9, 10 (5月底前) and 12 (10月底前) are not
    yet due: their cells may stay empty; typed in, they are checked but score nothing."""
    def edit(workbook, layout):
        for criterion_id in ("9.1", "10.1", "12.1"):
            workbook[SHEET][layout.cell("value", criterion_id)] = None

    submission = example(ENTERPRISE)
    imported = import_workbook(filled(tmp_path, submission, "empty-later.xlsx", edit=edit))
    assert imported.ok, [str(e) for e in imported.errors]
    assert set(imported.submission["responses"]) == set(submission["responses"]) - {"9.1", "10.1", "12.1"}
    result = imported.result
    assert (result["asOf"], result["notYetDue"], result["maximum"]) == ("2020-05-29", ["9", "10", "12"], 75)
    given = wsas.score(submission)   # the same as with the later responses given; only the explanations differ
    assert {k: v for k, v in result.items() if k != "criteria"} == {k: v for k, v in given.items() if k != "criteria"}
    assert [(c["id"], c["awarded"], c["due"]) for c in result["criteria"]] == \
        [(c["id"], c["awarded"], c["due"]) for c in given["criteria"]]
    assert "所填应答不计分" in given["criteria"][-1]["explanation"]
    assert "所填应答不计分" not in result["criteria"][-1]["explanation"]

    def too_many(workbook, layout):
        workbook[SHEET][layout.cell("value", "12.1")] = 16

    only_error(filled(tmp_path, submission, "over.xlsx", edit=too_many), "out-of-range",
               value_cell("lianyungang-2020/enterprise", "12.1"), "12.1")


def test_the_workbook_follows_the_deadlines_of_its_rubric():
    """The template of a rubric assessed by deadline carries the assessment date and the points not yet due;
    other templates do not."""
    enterprise = Layout(wsas.load_rubric("lianyungang-2020/enterprise"))
    keys = dict(enterprise.formula_cells)
    assert "asOf" in keys and "notYetDuePoints" in keys
    sheet = build(enterprise.rubric)[SHEET]
    assert sheet[keys["asOf"]].number_format == "yyyy-mm-dd"
    assert "notYetDuePoints" not in dict(Layout(wsas.load_rubric("shishi-2024/town")).formula_cells)
    greyed = {str(rule_range.sqref) for rule_range in sheet.conditional_formatting}
    dated = [item for item in enterprise.rubric.data["sections"][0]["items"]
             if item.get("deadline", {}).get("kind") == "month-end"]
    assert len(greyed) == len(dated) == 11     # every item but 6 (no deadline, erratum E2)


def test_bad_fields(tmp_path):
    def edit(workbook, layout):
        workbook[SHEET][layout.field_cell("period")] = datetime.date(2020, 5, 1)
        workbook[SHEET][layout.field_cell("subject.code")] = "91-统一"
        workbook[SHEET][layout.field_cell("assessedOn")] = "2020-13-45"

    path = filled(tmp_path, example(ENTERPRISE), edit=edit)
    layout = Layout(wsas.load_rubric("lianyungang-2020/enterprise"))
    only_error(path, "bad-value", f"{SHEET}!{layout.field_cell('period')}")
    code = only_error(path, "schema", f"{SHEET}!{layout.field_cell('subject.code')}")
    assert code.pointer == "/subject/code" and "统一社会信用代码" in code.message
    only_error(path, "invalid-date", f"{SHEET}!{layout.field_cell('assessedOn')}")


def test_rate_typed_as_a_percentage(tmp_path):
    def edit(workbook, layout):
        cell = workbook[SHEET][layout.cell("value", "15.1")]
        cell.value, cell.number_format = 0.932, "0.0%"

    path = filled(tmp_path, example(TOWN), edit=edit)
    error = only_error(path, "percent-format", value_cell("shishi-2024/town", "15.1"), "15.1")
    assert "93.2" in error.message


def test_formula_typed_into_an_input(tmp_path):
    path = filled(tmp_path, example(ENTERPRISE),
                  edit=lambda wb, lay: wb[SHEET].__setitem__(lay.cell("value", "1.1"), "=5+5"))
    only_error(path, "input-formula", value_cell("lianyungang-2020/enterprise", "1.1"), "1.1")


def test_long_reason(tmp_path):
    path = filled(tmp_path, example(ENTERPRISE),
                  edit=lambda wb, lay: wb[SHEET].__setitem__(lay.cell("reason", "3.1"), "长" * 2001))
    only_error(path, "schema", value_cell("lianyungang-2020/enterprise", "3.1", "reason"), "3.1")


@pytest.mark.parametrize("name,content,code,words", [
    ("renamed.xlsx", "序号,得分\n1,10\n".encode("utf-8"), "not-xlsx", "文本文件"),
    ("legacy.xlsx", ole2("Workbook", "\x05SummaryInformation"), "legacy-xls", "另存为 .xlsx"),
    ("legacy.xls", ole2("Book"), "legacy-xls", "另存为 .xlsx"),
    ("locked.xlsx", ole2("EncryptionInfo", "EncryptedPackage", "\x06DataSpaces"), "encrypted", "密码"),
    ("empty.xlsx", b"", "not-xlsx", "空"),
    ("page.xlsx", b"<!DOCTYPE html><html><body>table</body></html>", "not-xlsx", "HTML"),
])
def test_files_that_are_not_xlsx(tmp_path, name, content, code, words):
    path = tmp_path / name
    path.write_bytes(content)
    error = only_error(path, code)
    assert words in error.message and error.cell is None
    result = run_wsas("xlsx", "import", path, "-o", tmp_path / "out")
    assert result.returncode == 1 and str(path) in result.stdout and code in result.stdout
    assert not (tmp_path / "out").exists()


def test_corrupted_zip(tmp_path):
    good = filled(tmp_path, example(ENTERPRISE))
    data = good.read_bytes()
    truncated = tmp_path / "truncated.xlsx"
    truncated.write_bytes(data[: len(data) // 2])
    only_error(truncated, "corrupt")
    flipped = tmp_path / "flipped.xlsx"
    with zipfile.ZipFile(good) as archive:
        sheet = archive.getinfo("xl/worksheets/sheet1.xml")
    damaged = bytearray(data)
    start = sheet.header_offset + 30 + len(sheet.filename) + 20
    damaged[start:start + 8] = bytes(b ^ 0xFF for b in damaged[start:start + 8])
    flipped.write_bytes(bytes(damaged))
    only_error(flipped, "corrupt")
    other = tmp_path / "archive.xlsx"
    with zipfile.ZipFile(other, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<x/>")
    assert "OpenDocument" in only_error(other, "not-xlsx").message


def test_batch_continues_and_writes_only_good_workbooks(tmp_path):
    good = filled(tmp_path, example(TOWN), "good.xlsx")
    bad = filled(tmp_path, example(ENTERPRISE), "bad.xlsx",
                 edit=lambda wb, lay: wb[SHEET].__setitem__(lay.cell("value", "7.1"), 16))
    text = tmp_path / "notes.xlsx"
    text.write_text("not a workbook", encoding="utf-8")
    hashes = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in (good, bad, text)}
    out = tmp_path / "out"
    result = run_wsas("xlsx", "import", "--format", "json", bad, text, good, "-o", out)
    assert result.returncode == 1
    reports = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["ok"] for r in reports] == [False, False, True]
    located = reports[0]["errors"][0]
    assert located["at"] == value_cell("lianyungang-2020/enterprise", "7.1") and located["criterion"] == "7.1"
    assert located["code"] == "out-of-range" and located["pointer"] == "/responses/7.1/awarded"
    assert sorted(p.name for p in out.iterdir()) == ["good.json", "good.result.json"]
    assert {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in hashes} == hashes


def test_unreadable_paths_exit_2(tmp_path):
    good = filled(tmp_path, example(TOWN), "good.xlsx")
    result = run_wsas("xlsx", "import", tmp_path / "missing.xlsx", tmp_path, good, "-o", tmp_path / "out")
    assert result.returncode == 2
    assert "missing.xlsx" in result.stdout and "unreadable" in result.stdout
    assert (tmp_path / "out" / "good.result.json").exists()
    assert run_wsas("xlsx", "import").returncode == 2


def test_same_stem_twice_in_one_batch(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = filled(tmp_path / "a", example(TOWN), "town.xlsx")
    second = filled(tmp_path / "b", example(TOWN), "town.xlsx")
    result = run_wsas("xlsx", "import", first, second, "-o", tmp_path / "out")
    assert result.returncode == 1 and "output-conflict" in result.stdout


def test_resaved_by_openpyxl_still_imports(tmp_path):
    path = filled(tmp_path, example(TOWN))
    workbook = load_workbook(path)
    workbook.save(tmp_path / "again.xlsx")
    assert import_workbook(tmp_path / "again.xlsx").ok


def test_reasons_and_evidence_come_back(tmp_path):
    submission = example(ENTERPRISE)
    imported = import_workbook(filled(tmp_path, submission))
    assert imported.submission["responses"]["3.1"] == submission["responses"]["3.1"]
    assert imported.result["criteria"][2]["reason"] == "考核激励机制未落实到班组"


def test_spaces_around_yes_no_are_ignored(tmp_path):
    path = filled(tmp_path, example(TOWN), edit=lambda wb, lay: wb[SHEET].__setitem__(lay.cell("value", "15.5"), " 否 "))
    imported = import_workbook(path)
    assert imported.ok and imported.submission["responses"]["15.5"]["met"] is False


def test_unforeseen_damage_is_reported_not_raised(tmp_path):
    def chart_instead_of_manifest(workbook, _):
        workbook.remove(workbook[MANIFEST_SHEET])
        workbook.create_chartsheet(MANIFEST_SHEET)

    path = filled(tmp_path, example(ENTERPRISE), edit=chart_instead_of_manifest)
    result = run_wsas("xlsx", "import", path, "-o", tmp_path / "out")
    assert result.returncode == 1 and "corrupt" in result.stdout
