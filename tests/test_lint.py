"""wsas lint: the published rubrics pass, and each inconsistency is caught unless an erratum covers it."""

import copy
from decimal import Decimal

import pytest

import wsas
from helpers import run_wsas
from wsas.scoring.lint import lint
from wsas.rubrics import Rubric, published_paths


@pytest.fixture(scope="module")
def rubrics():
    return {r.id: r for r in wsas.published_catalogue()}


def codes(findings, severity="error"):
    return sorted(f.code for f in findings if f.severity == severity)


def mutated(rubric, change):
    data = copy.deepcopy(rubric.data)
    change(data)
    return Rubric(data)


def test_four_published_rubrics_pass_with_totals_of_100(rubrics):
    assert sorted(rubrics) == ["lianyungang-2020/county-bureau", "lianyungang-2020/enterprise",
                               "shishi-2024/enterprise", "shishi-2024/town"]
    for rubric in rubrics.values():
        assert codes(lint(rubric)) == [], rubric.id
        assert rubric.data["total"] == 100
        criteria = sum(Decimal(str(p.criterion["points"])) for p in rubric.placements)
        lost = sum(Decimal(str(i["points"])) for i in rubric.lost_items)
        assert criteria + lost == 100, rubric.id


def test_structure_matches_the_sources(rubrics):
    enterprise = rubrics["lianyungang-2020/enterprise"]
    assert [i["id"] for i in enterprise.data["sections"][0]["items"]] == [str(n) for n in range(1, 13)]
    assert all("deadline" in i for i in enterprise.data["sections"][0]["items"])
    assert len(rubrics["shishi-2024/enterprise"].data["sections"]) == 10
    assert len(rubrics["shishi-2024/town"].data["sections"]) == 6
    bureau = rubrics["lianyungang-2020/county-bureau"]
    assert [i["id"] for i in bureau.lost_items] == ["8"]
    assert "8" in bureau.data["errata"][0]["affects"]


def test_lost_row_is_reported_as_covered_by_its_erratum(rubrics):
    findings = lint(rubrics["lianyungang-2020/county-bureau"])
    lost = [f for f in findings if f.code == "lost-item"]
    assert [(f.severity, f.erratum) for f in lost] == [("covered", "E1")]
    shown = run_wsas("lint", "lianyungang-2020/county-bureau")
    assert shown.returncode == 0 and "lost-item" in shown.stdout and "E1" in shown.stdout


def test_points_corrected_by_erratum_are_covered(rubrics):
    findings = lint(rubrics["shishi-2024/enterprise"])
    assert {(f.code, f.erratum) for f in findings if f.severity == "covered"} >= {("points-differ", "E2")}


def test_an_uncovered_sum_mismatch_fails(rubrics):
    def change(data):
        data["sections"][0]["items"][0]["points"] = 9
    findings = lint(mutated(rubrics["lianyungang-2020/enterprise"], change))
    assert "item-sum" in codes(findings) and "section-sum" in codes(findings)


def test_removing_an_erratum_turns_a_covered_finding_into_an_error(rubrics):
    def change(data):
        data["errata"] = []
    assert "lost-item" in codes(lint(mutated(rubrics["lianyungang-2020/county-bureau"], change)))


def test_duplicate_ids_and_foreign_criterion_ids_fail(rubrics):
    def change(data):
        items = data["sections"][0]["items"]
        items[1]["criteria"][0]["id"] = "1.1"
    found = codes(lint(mutated(rubrics["lianyungang-2020/enterprise"], change)))
    assert "duplicate-id" in found and "id" in found


def test_overlapping_tiers_and_bad_rule_parameters_fail(rubrics):
    town = rubrics["shishi-2024/town"]
    path = next(p for p in town.placements if p.criterion["id"] == "13.1")

    def overlap(data):
        criterion = _find(data, "13.1")
        criterion["rule"]["tiers"][1]["range"]["lower"] = 4
    assert "rule" in codes(lint(mutated(town, overlap)))

    def cap_above_points(data):
        _find(data, "5.1")["rule"]["cap"] = 6
    assert "rule" in codes(lint(mutated(town, cap_above_points)), "warning")

    def deduct_above_cap(data):
        _find(data, "5.1")["rule"]["deduct"] = 6
    assert "rule" in codes(lint(mutated(town, deduct_above_cap)))

    def off_step_points(data):
        _find(data, "1.1")["rule"]["step"] = Decimal("1.5")
    assert "rule" in codes(lint(mutated(town, off_step_points)))
    assert path.criterion["points"] == 5


def test_unknown_rule_parameter_is_a_schema_error(tmp_path, rubrics):
    source = next(p for p in published_paths() if p.stem == "town")
    text = source.read_text(encoding="utf-8").replace("rule: {kind: yes-no}", "rule: {kind: yes-no, bonus: 1}", 1)
    broken = tmp_path / "town.yaml"
    broken.write_text(text, encoding="utf-8")
    result = run_wsas("lint", broken)
    assert result.returncode == 1
    assert "schema" in result.stdout and "/rule" in result.stdout


def test_erratum_on_unknown_id_and_stale_cover_are_reported(rubrics):
    def change(data):
        data["errata"][0]["affects"] = ["99"]
    found = lint(mutated(rubrics["lianyungang-2020/county-bureau"], change))
    assert "errata" in codes(found) and "lost-item" in codes(found)

    def stale(data):
        data["errata"][0]["covers"].append("item-sum")
    assert "stale-erratum" in codes(lint(mutated(rubrics["lianyungang-2020/county-bureau"], stale)), "warning")


def test_citation_of_a_blank_source_line_fails(rubrics):
    def change(data):
        data["sections"][0]["items"][0]["criteria"][0]["source"]["lines"] = [62]
    assert "source" in codes(lint(mutated(rubrics["lianyungang-2020/enterprise"], change)))


def _find(data, criterion_id):
    return next(c for s in data["sections"] for i in s["items"] for c in i.get("criteria", [])
                if c["id"] == criterion_id)


# --------------------------------------------------------------------------- citations of the records data

def _records_copy(tmp_path, edit) -> str:
    from wsas.paths import records_dir

    path = tmp_path / "rules.yaml"
    path.write_text(edit((records_dir() / "rules.yaml").read_text(encoding="utf-8")), encoding="utf-8")
    return str(path)


def test_published_records_data_cites_only_source_lines_and_declared_documents():
    from wsas.records.data_lint import lint_records_file, published_records_paths

    for path in published_records_paths():
        report = lint_records_file(path)
        assert report.ok, [f.as_dict() for f in report.findings]


def test_a_citation_of_a_missing_line_fails_lint(tmp_path):
    from wsas.records.data_lint import lint_records_file

    path = _records_copy(tmp_path, lambda text: text.replace("lines: [644]", "lines: [99999]", 1))
    report = lint_records_file(path)
    assert not report.ok and [f.code for f in report.findings] == ["source"]
    assert report.findings[0].pointer.startswith("/riskLevels/0/source/")


def test_an_undeclared_outside_document_fails_lint(tmp_path):
    from wsas.records.data_lint import lint_records_file

    path = _records_copy(tmp_path, lambda text: text.replace("{reference: anweiban-2016-11,", "{reference: unknown-doc,", 1))
    report = lint_records_file(path)
    assert not report.ok and {f.code for f in report.findings} == {"source"}
    assert "unknown-doc" in report.findings[0].message


# --------------------------------------------------------------------------- rubrics used at each stage

def test_shishi_stages_name_the_rubric_they_assess_with():
    from wsas.programs import load_program

    stages = {stage["id"]: [used["rubric"] for used in stage.get("rubrics", [])]
              for stage in load_program("shishi-2024").data["stages"]}
    both = ["shishi-2024/town", "shishi-2024/enterprise"]
    assert stages == {"self-check": both, "assistance": both, "supervision": both, "review": [], "summary": []}


def test_a_stage_rubric_outside_the_program_fails_lint(tmp_path):
    from wsas.paths import rubrics_dir
    from wsas.workflows.lint import lint_program_file

    text = (rubrics_dir() / "shishi-2024/program.yaml").read_text(encoding="utf-8")
    path = tmp_path / "program.yaml"
    path.write_text(text.replace("{rubric: shishi-2024/town,", "{rubric: lianyungang-2020/enterprise,", 1),
                    encoding="utf-8")
    report = lint_program_file(path)
    assert [(f.code, f.pointer) for f in report.findings if f.severity == "error"] == [
        ("reference", "/stages/0/rubrics/0/rubric")]
