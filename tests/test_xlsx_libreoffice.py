"""The spreadsheet's own formulas, recalculated by LibreOffice, give the reference scorer's numbers.

How the recalculation is forced: every run gets a fresh LibreOffice profile
(``-env:UserInstallation``, so parallel and CI runs never share one) whose
registrymodifications.xcu sets Calc's "recalculation on file load" for Excel
2007+ and ODF files to *always* (``OOXMLRecalcMode`` / ``ODFRecalcMode`` = 0).
``soffice --headless --convert-to xlsx`` then loads each filled workbook,
recalculates every formula and saves the values it computed as the cached values,
which openpyxl reads back (``data_only=True``). Workbooks written by openpyxl have
no cached values at all, so LibreOffice would compute them anyway; the setting
makes the test independent of that (a stale cached value would otherwise be kept).

Needs LibreOffice Calc (``apt-get install --no-install-recommends libreoffice-calc``);
skipped when ``soffice`` is not on the PATH.
"""

import copy
import re
import shutil
import subprocess
import zipfile
from decimal import Decimal

import pytest
from openpyxl import load_workbook

import wsas
from conformance_runner import catalogue_for, load_vectors, submission_of, vector_files
from helpers import VALID_EXAMPLES
from wsas.rubrics import Catalogue, Rubric, published_catalogue
from wsas.scoring.rules import VALUE_KEY
from wsas.xlsx import Layout, fill_workbook, import_workbook
from wsas.xlsx.layout import SHEET
from wsas.xlsx.template import build

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
pytestmark = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed "
                                "(apt-get install --no-install-recommends libreoffice-calc)")

RECALCULATE_ON_LOAD = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
           xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


BATCH = 40  # soffice silently stops after a few hundred file arguments (exit code 0): convert in batches


def soffice(folder, target: str, files: list, out) -> None:
    """Convert ``files`` (all in one folder) with a fresh profile that recalculates everything on load."""
    profile = folder / f"profile-{target}"
    (profile / "user").mkdir(parents=True, exist_ok=True)
    (profile / "user" / "registrymodifications.xcu").write_text(RECALCULATE_ON_LOAD, encoding="utf-8")
    for start in range(0, len(files), BATCH):
        batch = files[start:start + BATCH]
        completed = subprocess.run([SOFFICE, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
                                    "--nologo", "--convert-to", target, "--outdir", str(out),
                                    *(path.name for path in batch)],
                                   cwd=batch[0].parent, capture_output=True, text=True, timeout=600)
        assert completed.returncode == 0, completed.stderr
        missing = [path.name for path in batch if not (out / f"{path.stem}.{target}").exists()]
        assert not missing, f"LibreOffice did not convert {missing}: {completed.stdout}{completed.stderr}"


def example(name: str) -> dict:
    return wsas.load_json_file(next(p for p in VALID_EXAMPLES if f"{p.parent.parent.name}/{p.name}" == name))


def varied(name: str, changes: dict) -> dict:
    submission = copy.deepcopy(example(name))
    submission["responses"].update(changes)
    return submission


TOWN, ENTERPRISE, COUNTY = "shishi-2024/town.valid.json", "shishi-2024/enterprise.valid.json", \
    "lianyungang-2020/county-bureau.valid.json"
COUNTY_SPEC = {"1.1": 7, "2.1": Decimal("8.5"), "3.1": 9, "4.1": 6, "5.1": 8, "6.1": 8, "7.1": 12, "9.1": 8,
               "10.1": 4}   # spec/scoring.md §5.3 例 1: 70.5 / 85 → 82.9

TARGETED = {
    "town-caps": varied(TOWN, {"5.1": {"findings": 8}, "10.2": {"findings": 4}, "15.4": {"findings": 3},
                               "14.1": {"findings": 100000}, "9.1": {"findings": 5}}),
    **{f"town-13.1-at-{rate}": varied(TOWN, {"13.1": {"rate": Decimal(rate)}})
       for rate in ("0", "4.99", "5", "9.99", "10", "13.1", "14.99", "15", "100")},
    **{f"town-15.1-at-{rate}": varied(TOWN, {"15.1": {"rate": Decimal(rate)}, "15.2": {"rate": Decimal(rate)}})
       for rate in ("89.9", "90", "94.99", "95")},
    "town-15.5-yes": varied(TOWN, {"15.5": {"met": True}}),
    "town-15.5-no": varied(TOWN, {"15.5": {"met": False}}),
    "enterprise-6.2-beyond-cap": varied(ENTERPRISE, {"6.2": {"findings": 4}, "19.1": {"findings": 0}}),
    "county-spec-82.9": varied(COUNTY, {key: {"awarded": value} for key, value in COUNTY_SPEC.items()}),
    "county-full": varied(COUNTY, {key: {"awarded": wsas.load_rubric("lianyungang-2020/county-bureau")
                                         .criteria[key].criterion["points"]} for key in COUNTY_SPEC}),
    # spec/scoring.md §4.3: the county bureau's February, 全年 items always due; 58.3 → redo on the enterprise form
    "county-february": dict(varied(COUNTY, {"6.1": {"awarded": 1}}), period="2020-02", assessedOn="2020-02-29"),
    "enterprise-february-redo": dict(varied("lianyungang-2020/enterprise.valid.json",
                                            {"1.1": {"awarded": 5}, "2.1": {"awarded": 2.5}, "3.1": {"awarded": 6},
                                             "6.1": {"awarded": 4}}), period="2020-02", assessedOn="2020-02-29"),
}

# The 评估日期 typed as text, or left empty (then the 评估期's last day counts), instead of a date cell.
DATE_TEXT = {
    "enterprise-date-as-text-before": ("enterprise-february-redo", "2020-02-28"),
    "enterprise-date-as-text-on": ("enterprise-february-redo", "2020-02-29"),
    "enterprise-quarter-without-date": ("enterprise-february-redo", None),
}

# Invalid on purpose: the sheet must show no score for these either.
TARGETED_INVALID = {
    "town-off-step-by-a-hair": varied(TOWN, {"1.1": {"awarded": Decimal("1.5000000001")}}),
    "town-count-not-whole": varied(TOWN, {"5.1": {"findings": Decimal("2.5")}}),
    "town-rate-above-100": varied(TOWN, {"13.1": {"rate": Decimal("100.5")}}),
    "town-yes-no-as-text": varied(TOWN, {"15.5": {"met": "对"}}),
    "county-above-points": varied(COUNTY, {"7.1": {"awarded": 16}}),
    "county-text-number": varied(COUNTY, {"7.1": {"awarded": "12"}}),
}

RESPONSE_VALUE = {"awarded", "findings", "rate", "met", "triggered"}
ONE_VALUE = re.compile(r"^/responses/[^/]+(/(awarded|findings|rate|met|triggered|notApplicable))?$")


NUMBERS, BOOLEANS = {"awarded", "findings", "rate"}, {"met", "triggered"}


def _sheet_can_hold(submission: dict, expected: dict, rubric) -> bool:
    """An invalid case a sheet can show: every error is about a response value the sheet holds.

    Not representable: unknown criteria, members other than the value, bad notes, and a value given under
    another rule's key that the one 填报值 cell reads just the same ({"rate": 50} for a count).
    """
    for error in expected["errors"]:
        if error["code"] == "unknown-criterion" or not ONE_VALUE.match(error["pointer"]):
            return False
        criterion_id = error["pointer"].split("/")[2]
        response = submission["responses"].get(criterion_id)
        if response is None:
            continue
        if not isinstance(response, dict):
            return False
        if any(not isinstance(response.get(key, ""), str) or len(response.get(key, "")) > 2000
               for key in ("reason", "evidence")):
            return False   # notes do not count towards the score
        values = set(response) - {"reason", "evidence"}
        if values == {"notApplicable"} and response["notApplicable"] is True:
            continue
        if len(values) != 1 or not values <= RESPONSE_VALUE:
            return False
        wanted = VALUE_KEY[rubric.criteria[criterion_id].criterion["rule"]["kind"]]
        if error["code"] == "wrong-response-kind" and any(values | {wanted} <= group for group in (NUMBERS, BOOLEANS)):
            return False
    return True


def cases() -> dict[str, tuple]:
    """name → (submission, catalogue, valid)."""
    found = {}
    catalogue = published_catalogue()
    for path in VALID_EXAMPLES:
        found[f"example-{path.parent.parent.name}-{path.stem}"] = (wsas.load_json_file(path), catalogue, True)
    for name, submission in TARGETED.items():
        found[name] = (submission, catalogue, True)
    for name, (base, day) in DATE_TEXT.items():
        submission = {key: value for key, value in TARGETED[base].items() if key != "assessedOn"}
        if day is None:
            submission["period"] = "2020Q1"
        else:
            submission["assessedOn"] = day
        found[name] = (submission, catalogue, True)
    variant = Rubric(dict(wsas.load_rubric("lianyungang-2020/enterprise").data, id="variant/enterprise",
                          columns=["序号", "主要内容", "具体要求", "分值", "扣分", "得分", "备注"]))
    found["variant-deducted-column"] = (dict(example("lianyungang-2020/enterprise.valid.json"),
                                             rubric="variant/enterprise"), Catalogue([variant]), True)
    for name, submission in TARGETED_INVALID.items():
        assert wsas.validate(submission), name
        found[name] = (submission, catalogue, False)
    for path in vector_files():
        vectors = load_vectors(path)
        vector_catalogue = catalogue_for(vectors)
        for index, case in enumerate(vectors["cases"]):
            if "raw" in case or "rawBase64" in case:
                continue  # the input layer: file bytes, not a submission a workbook could hold
            submission = submission_of(vectors, case)
            rubric = vector_catalogue.get(submission.get("rubric")) if isinstance(submission.get("rubric"), str) \
                else None
            if rubric is None or submission.get("rubricVersion") != rubric.version:
                continue
            if case["expected"]["valid"] or _sheet_can_hold(submission, case["expected"], rubric):
                found[f"vector-{path.stem}-{index}"] = (submission, vector_catalogue, case["expected"]["valid"])
    return found


CASES = cases()
VALID = sorted(name for name, (_, _, valid) in CASES.items() if valid)
INVALID = sorted(name for name, (_, _, valid) in CASES.items() if not valid)


@pytest.fixture(scope="module")
def recalculated(tmp_path_factory):
    """name → (workbook as LibreOffice recalculated and saved it, layout, catalogue)."""
    folder = tmp_path_factory.mktemp("libreoffice")
    source, out = folder / "filled", folder / "recalculated"
    source.mkdir()
    made = {}
    for name, (submission, catalogue, _) in CASES.items():
        rubric = catalogue.get(submission["rubric"])
        workbook, layout = build(rubric), Layout(rubric)
        fill_workbook(workbook, layout, submission)
        if DATE_TEXT.get(name, (None, None))[1]:
            workbook[SHEET][layout.field_cell("assessedOn")].value = DATE_TEXT[name][1]   # typed as text
        workbook.save(source / f"{name}.xlsx")
        made[name] = (layout, catalogue)
    for rubric in published_catalogue():
        name = "blank-" + rubric.id.replace("/", "-")
        build(rubric).save(source / f"{name}.xlsx")
        made[name] = (Layout(rubric), published_catalogue())
    soffice(folder, "xlsx", sorted(source.iterdir()), out)
    return {name: (out / f"{name}.xlsx", layout, catalogue) for name, (layout, catalogue) in made.items()}


def shown(path, layout: Layout) -> dict:
    """Every formula cell's value as LibreOffice computed it."""
    sheet = load_workbook(path, data_only=True)[SHEET]
    return {key: sheet[address].value for key, address in layout.formula_cells}


def exact(value) -> Decimal:
    assert isinstance(value, (int, float)) and not isinstance(value, bool), value
    return Decimal(repr(value))


@pytest.mark.parametrize("name", VALID)
def test_sheet_score_equals_the_reference(recalculated, name):
    path, layout, catalogue = recalculated[name]
    submission = CASES[name][0]
    reference = wsas.score(submission, catalogue)
    values = shown(path, layout)
    for line in reference["criteria"]:
        assert exact(values[f"awarded:{line['id']}"]) == line["awarded"], line["id"]
        if f"deducted:{line['id']}" in values:
            assert exact(values[f"deducted:{line['id']}"]) == line["deducted"], line["id"]
    for key in ("total", "notApplicablePoints", "maximum", "score"):
        assert exact(values[key]) == reference[key], key
    assert ("notYetDuePoints" in values) == ("notYetDuePoints" in reference)
    if "notYetDuePoints" in reference:   # spec/scoring.md §4.3
        assert exact(values["notYetDuePoints"]) == reference["notYetDuePoints"]
        assert values["asOf"].date().isoformat() == reference["asOf"]
    for part in reference["items"]:
        assert exact(values[f"item-na:{part['id']}"]) == part["notApplicablePoints"]
        if f"item:{part['id']}" in values:
            assert exact(values[f"item:{part['id']}"]) == part["awarded"]
    for part in reference["sections"]:
        if f"section:{part['id']}" in values:
            assert exact(values[f"section:{part['id']}"]) == part["awarded"]
            assert exact(values[f"section-na:{part['id']}"]) == part["notApplicablePoints"]
    if "outcome" in values:
        assert values["outcome"] == (reference["outcome"]["label"] if reference["outcome"] else "无")
    if "vetoedBy" in values:
        assert values["vetoedBy"] == (" ".join(reference["vetoedBy"]) or "无")
    assert values["status"] == "已填完"


def test_the_targeted_cases_are_what_they_say(recalculated):
    scores = {name: shown(recalculated[name][0], recalculated[name][1])["score"] for name in TARGETED}
    town = recalculated["town-13.1-at-5"][1]
    awarded_13 = {rate: shown(recalculated[f"town-13.1-at-{rate}"][0], town)["awarded:13.1"]
                  for rate in ("4.99", "5", "9.99", "10", "13.1", "14.99", "15")}
    assert awarded_13 == {"4.99": 0, "5": 2, "9.99": 2, "10": 4, "13.1": 4, "14.99": 4, "15": 5}
    awarded_15 = {rate: shown(recalculated[f"town-15.1-at-{rate}"][0], town)["awarded:15.1"]
                  for rate in ("89.9", "90", "94.99", "95")}
    assert awarded_15 == {"89.9": 0, "90": 1, "94.99": 1, "95": 2}
    caps = shown(recalculated["town-caps"][0], town)
    assert (caps["awarded:5.1"], caps["awarded:10.2"], caps["awarded:15.4"], caps["awarded:14.1"]) == (0, 0, 0, 0)
    assert scores["town-15.5-yes"] - scores["town-15.5-no"] == 2
    assert scores["county-spec-82.9"] == 82.9 and scores["county-full"] == 100
    assert shown(recalculated["county-spec-82.9"][0], recalculated["county-spec-82.9"][1])["total"] == 70.5
    # spec/scoring.md §4.3: 1.1 + 3.1 + 4.1 + 5.1 due by February plus the 全年 items 2, 9, 10 (lost 8 aside): 60
    county = shown(recalculated["county-february"][0], recalculated["county-february"][1])
    assert (county["notYetDuePoints"], county["maximum"], county["awarded:6.1"]) == (25, 60, 0)
    dated = {name: shown(recalculated[name][0], recalculated[name][1])
             for name in ("enterprise-february-redo", *DATE_TEXT)}
    assert {name: (v["maximum"], v["score"], v["outcome"]) for name, v in dated.items()} == {
        "enterprise-february-redo": (30, 58.3, "专项整治工作推倒重新开展"),
        "enterprise-date-as-text-on": (30, 58.3, "专项整治工作推倒重新开展"),
        "enterprise-date-as-text-before": (5, 80, "无"),
        "enterprise-quarter-without-date": (35, 62.9, "无")}
    variant = recalculated["variant-deducted-column"][1]
    assert [c.role for c in variant.columns] == ["number", "item", "criterion", "points", "id", "rule", "value",
                                                 "deducted", "awarded", "other", "reason", "evidence"]
    assert "deducted:7.1" in shown(recalculated["variant-deducted-column"][0], variant)


@pytest.mark.parametrize("name", INVALID)
def test_invalid_input_never_shows_a_score(recalculated, name):
    path, layout, _ = recalculated[name]
    values = shown(path, layout)
    assert isinstance(values["score"], str), values["score"]
    assert isinstance(values["total"], str) or values["score"] == "无可评分细则"
    assert values["status"] != "已填完" or values["score"] == "无可评分细则"


@pytest.mark.parametrize("rubric_id", sorted(r.id for r in published_catalogue()))
def test_blank_template_shows_no_score(recalculated, rubric_id):
    path, layout, _ = recalculated["blank-" + rubric_id.replace("/", "-")]
    values = shown(path, layout)
    assert values["total"] == values["score"] == "未填完"
    assert values["status"].startswith("未填完") and str(len(layout.criterion_rows)) in values["status"]
    assert all(values[f"awarded:{cid}"] in ("", None) for cid in layout.criterion_rows)


@pytest.mark.parametrize("name", VALID)
def test_a_workbook_saved_by_libreoffice_still_imports(recalculated, name):
    path, _, catalogue = recalculated[name]
    imported = import_workbook(path, catalogue)
    assert imported.ok, [str(e) for e in imported.errors]
    assert imported.warnings == []
    assert imported.result == wsas.score(CASES[name][0], catalogue)


def test_a_stale_cached_value_is_a_warning(recalculated, tmp_path):
    path, layout, catalogue = recalculated["example-shishi-2024-town.valid"]
    address = dict(layout.formula_cells)["score"]
    stale = tmp_path / "stale.xlsx"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(stale, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = data.decode("utf-8")
                text, count = re.subn(rf'(<c r="{address}"[^>]*>.*?<v>)[^<]*(</v>)', r"\g<1>99\g<2>", text, count=1)
                assert count == 1
                data = text.encode("utf-8")
            target.writestr(item, data)
    imported = import_workbook(stale, catalogue)
    assert imported.ok and imported.result["score"] == 83
    assert [(w.code, w.cell) for w in imported.warnings] == [("cached-value-differs", address)]


def test_legacy_xls_and_ods_saved_by_libreoffice_are_refused(recalculated, tmp_path):
    path = recalculated["example-shishi-2024-town.valid"][0]
    soffice(tmp_path, "xls", [path], tmp_path)
    soffice(tmp_path, "ods", [path], tmp_path)
    for suffix, code in ((".xls", "legacy-xls"), (".ods", "not-xlsx")):
        converted = tmp_path / (path.stem + suffix)
        renamed = converted.with_name(converted.stem + suffix + ".xlsx")
        converted.rename(renamed)
        imported = import_workbook(renamed)
        assert [e.code for e in imported.errors] == [code]
        assert ".xlsx" in imported.errors[0].message
