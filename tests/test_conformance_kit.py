"""The vendors' conformance kit and the packages around it.

The kit zip holds every vector, schema and published data file byte for byte, the spec, the README and
the minimal adapter, and two builds give the same bytes; unzipped, the minimal adapter (standard library
only, run with no site-packages at all) passes everything it claims through ``wsas conformance run``; its
hand-written schema layer agrees with every submission vector and its yes-no scoring with the
reference; the vendors page shows what the harness found for the two references, with their reports;
the npm package's version and dependencies are tied to the harness and the handbook's.
Cost: about 12 s (two kit builds, two harness runs, the reference on some 240 submissions, one handbook
build whose reference runs the other handbook tests of the session reuse).
"""

from __future__ import annotations

import ast
import importlib.util
import itertools
import json
import subprocess
import sys
import zipfile
from decimal import Decimal

import pytest

from helpers import ROOT, build_docs, run_wsas
from wsas.conformance import adapter as reference
from wsas.conformance.compare import compare_submission, matches
from wsas.conformance.protocol import LEVELS, SPEC_VERSION
from wsas.conformance.suites import digest, load_cases
from wsas.output import dumps
from wsas.programs import published_programs
from wsas.rubrics import published_catalogue
from wsas.schemas import NAMES, schema_errors
from wsas.site import vendors, vendors_dist, vendors_kit

VECTORS = ROOT / "tests" / "conformance"
ADAPTER = ROOT / "tools" / "conformance-kit" / "minimal_adapter.py"
NAME = f"wsas-conformance-{SPEC_VERSION}"


@pytest.fixture(scope="module")
def kits(tmp_path_factory) -> list:
    """The kit built twice, each time from freshly written downloads."""
    return [vendors_kit.build_into(tmp_path_factory.mktemp(f"kit{n}")) for n in (1, 2)]


@pytest.fixture(scope="module")
def kit(kits) -> dict:
    with zipfile.ZipFile(kits[0]) as archive:
        return {info.filename: (info, archive.read(info)) for info in archive.infolist()}


@pytest.fixture(scope="module")
def unzipped(kits, tmp_path_factory):
    folder = tmp_path_factory.mktemp("unzipped")
    with zipfile.ZipFile(kits[0]) as archive:
        archive.extractall(folder)
    return folder / NAME


def minimal():
    spec = importlib.util.spec_from_file_location("minimal_adapter", ADAPTER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# ---------------------------------------------------------------- the zip


def test_the_kit_is_named_by_the_harness_spec_version_and_is_deterministic(kits):
    assert [k.name for k in kits] == [f"{NAME}.zip"] * 2
    assert kits[0].read_bytes() == kits[1].read_bytes()
    assert not list(kits[0].parent.glob(".*"))  # no temporary file left beside it


def test_the_kit_holds_every_vector_schema_and_data_file(kit):
    def content(name: str) -> bytes:
        return kit[f"{NAME}/{name}"][1]

    assert all(name.startswith(f"{NAME}/") for name in kit)
    assert all(info.date_time == (1980, 1, 1, 0, 0, 0) for info, _ in kit.values())
    assert [name for name in kit] == sorted(kit)
    vectors = sorted(p.relative_to(VECTORS).as_posix() for p in VECTORS.rglob("*.json"))
    assert sorted(n.removeprefix(f"{NAME}/vectors/") for n in kit if n.startswith(f"{NAME}/vectors/")) == vectors
    for name in vectors:
        assert content(f"vectors/{name}") == (VECTORS / name).read_bytes(), name
    for name in NAMES:
        assert content(f"schemas/{name}.json") == (ROOT / "schemas" / f"{name}.json").read_bytes(), name
    assert json.loads(content("schemas/wsas.bundle.json"))["$defs"]
    for rubric in published_catalogue():
        assert content(f"rubrics/{rubric.id}.json").decode() == dumps(rubric.data) + "\n"
    for program in published_programs().values():
        assert content(f"programs/{program.id}.json").decode() == dumps(program.data) + "\n"
    assert f"{NAME}/records/rules.json" in kit and f"{NAME}/records/cadences.json" in kit
    assert not any(n.startswith(f"{NAME}/records/examples/") for n in kit)
    assert content("calendar/china.json") == (ROOT / "calendar" / "china.json").read_bytes()
    assert content("spec/conformance.md") == (ROOT / "spec" / "conformance.md").read_bytes()
    assert content("minimal_adapter.py") == ADAPTER.read_bytes()
    assert kit[f"{NAME}/minimal_adapter.py"][0].external_attr >> 16 == 0o100755


def test_the_manifest_names_the_vector_set_a_report_names(kit):
    manifest = json.loads(kit[f"{NAME}/kit.json"][1])
    cases, _ = load_cases(VECTORS)
    assert manifest["spec"] == SPEC_VERSION and manifest["protocol"] == 1
    assert manifest["vectors"] == {"folder": "vectors", "sha256": digest(VECTORS), "cases": len(cases)}


def test_the_readme_says_how_to_run_in_chinese_then_english(kit):
    readme = kit[f"{NAME}/README.md"][1].decode("utf-8")
    assert "@" not in readme.replace("@example", "")
    assert readme.index("## 运行") < readme.index("**English.**")
    assert f'wsas conformance run --implementation "python3 {NAME}/minimal_adapter.py" --vectors {NAME}/vectors' \
        in readme
    assert "python -m pip install wsas-*.whl" in readme and "--format html -o report.html" in readme


def test_dist_usage_is_refused_clearly(capsys):
    assert vendors_dist.main([]) == 2
    assert "usage: python -m wsas.site.vendors_dist DIR" in capsys.readouterr().err


# ---------------------------------------------------------------- the minimal adapter


def test_the_minimal_adapter_imports_only_the_standard_library():
    tree = ast.parse(ADAPTER.read_text(encoding="utf-8"))
    modules = {alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import)
               for alias in node.names}
    modules |= {node.module.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert modules and modules <= sys.stdlib_module_names, modules - sys.stdlib_module_names


def test_the_unzipped_minimal_adapter_passes_all_it_claims(unzipped, tmp_path):
    # -I -S: no site-packages, so no wsas: the adapter stands on the standard library alone
    command = f"{sys.executable} -I -S {unzipped / 'minimal_adapter.py'}"
    report = tmp_path / "report.json"
    completed = run_wsas("conformance", "run", "--implementation", command, "--vectors", unzipped / "vectors",
                         "--format", "json", "-o", report, cwd=tmp_path)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    document = json.loads(report.read_text(encoding="utf-8"))
    assert document["ok"] and document["claims"] == {"levels": ["validator", "scorer"], "ruleKinds": ["yes-no"]}
    assert document["implementation"]["name"] == "wsas-minimal-adapter"
    assert document["totals"]["failed"] == 0 and document["totals"]["passed"] >= 14
    assert document["vectors"]["sha256"] == json.loads((unzipped / "kit.json").read_text())["vectors"]["sha256"]
    passed = {case["id"].split("#")[0] for case in document["cases"] if case["status"] == "passed"}
    assert {"yes-no.json", "schema.json"} <= passed
    assert not document["session"]["problems"] and not document["session"]["notes"]


def test_the_minimal_schema_layer_agrees_with_every_submission_vector():
    schema_errors = minimal().schema_errors
    cases = [case for case in load_cases(VECTORS)[0] if case.kind == "submission" and "submission" in case.input]
    assert len(cases) > 300
    for case in cases:
        found = schema_errors(case.input["submission"])
        wanted = [] if case.expected["valid"] else [e for e in case.expected["errors"]
                                                     if e["code"] in ("schema", "invalid-date")]
        if not wanted:
            assert found == [], (case.id, found)
            continue
        assert all(any(matches(want, got) for got in found) for want in wanted), (case.id, found)
        assert all(any(matches(want, got) for want in wanted) for got in found), (case.id, found)


def _variant(not_applicable: bool, normalise: bool, mandatory: bool) -> dict:
    """The yes-no vectors' rubric with the scoring options, maybe a mandatory criterion, an outcome and a lost item."""
    rubric = json.loads(json.dumps(json.loads((VECTORS / "yes-no.json").read_text())["rubric"]),
                        parse_float=Decimal)
    rubric["scoring"] = {"notApplicable": not_applicable, "normalise": normalise, "roundingPlaces": 1}
    rubric["sections"][0]["items"][1]["criteria"][0]["mandatory"] = mandatory
    rubric["sections"][0]["items"].append({"id": "3", "title": "原文缺失的项目", "points": 3, "lost": True,
                                           "source": {"lines": [60]}})
    rubric["sections"][0]["points"] = rubric["total"] = 13
    rubric["outcomes"] = [{"id": "low", "label": "低", "range": {"upper": 50, "upperInclusive": False},
                           "source": {"lines": [60]}}]
    return rubric


def test_the_minimal_yes_no_scorer_agrees_with_the_reference():
    module = minimal()
    base = json.loads((VECTORS / "yes-no.json").read_text())["base"]
    choices = ({"met": True}, {"met": False}, {"notApplicable": True}, None, {"awarded": 1})
    compared, codes = 0, set()
    for options in itertools.product((False, True), repeat=3):
        rubric = _variant(*options)
        for answers in itertools.product(choices[:3], repeat=3):
            codes |= _agree(module, rubric, base, dict(zip(("1.1", "1.2", "2.1"), answers)))
            compared += 1
        for answers in ({"1.1": None}, {"2.1": choices[4]}, {"9.9": choices[0]}):
            codes |= _agree(module, rubric, base, answers)
    assert compared == 8 * 27
    assert codes == {"valid", "not-applicable-not-allowed", "no-applicable-criteria", "missing-response",
                     "wrong-response-kind", "unknown-criterion"}


def _agree(module, rubric: dict, base: dict, responses: dict) -> set:
    """Whether the minimal adapter answers as the reference does; returns the codes met (or "valid")."""
    submission = json.loads(json.dumps(base))
    for key, value in responses.items():
        if value is None:
            submission["responses"].pop(key, None)
        else:
            submission["responses"][key] = value
    given = {"catalogue": [rubric], "submission": submission, "score": True}
    truth = reference.answer("submission", given)
    if truth["valid"]:
        result = truth["result"]
        expected = {"valid": True, "criteria": {line["id"]: line["awarded"] for line in result["criteria"]},
                    "total": result["total"], "maximum": result["maximum"], "score": result["score"],
                    "notApplicablePoints": result["notApplicablePoints"], "vetoedBy": result["vetoedBy"],
                    "outcome": result["outcome"]["id"] if result["outcome"] else None}
    else:
        expected = {"valid": False, "errors": [{"pointer": e["pointer"], "code": e["code"]} for e in truth["errors"]]}
    answer = module.answer_submission(json.loads(module.encode(given), parse_float=Decimal), None)
    assert compare_submission(expected, answer) == [], (responses, rubric["scoring"], truth, answer)
    return {e["code"] for e in truth["errors"]} or {"valid"}


def test_the_minimal_adapter_refuses_what_it_does_not_implement():
    module = minimal()
    rubric = json.loads((VECTORS / "veto.json").read_text(), parse_float=Decimal)["rubric"]
    submission = json.loads((VECTORS / "veto.json").read_text(), parse_float=Decimal)["base"]
    answer = module.answer_case({"type": "case", "id": "x#1", "kind": "submission",
                                 "input": {"catalogue": [rubric], "submission": submission, "score": True}}, None)
    assert answer["type"] == "error" and "not implemented" in answer["message"]
    assert module.answer_case({"type": "case", "id": "y#1", "kind": "schedule", "input": {}}, {})["type"] == "error"


def test_the_minimal_adapter_session_ends_on_stop():
    lines = [json.dumps({"type": "start", "protocol": 1, "spec": SPEC_VERSION}), "", "not json",
             json.dumps({"type": "stop"}), json.dumps({"type": "start"})]
    completed = subprocess.run([sys.executable, "-I", "-S", str(ADAPTER)], input="\n".join(lines) + "\n",
                               capture_output=True, text=True, timeout=30)
    assert completed.returncode == 0, completed.stderr
    answers = [json.loads(line) for line in completed.stdout.splitlines()]
    assert [a["type"] for a in answers] == ["hello", "error"]  # nothing after stop
    assert answers[0]["levels"] == ["validator", "scorer"] and answers[0]["ruleKinds"] == ["yes-no"]


# ---------------------------------------------------------------- the vendors page


def test_the_vendors_page_shows_the_reference_runs_and_the_kit(tmp_path_factory):
    built = build_docs(tmp_path_factory, "handbook-vendors")
    page = (built / "vendors.md").read_text(encoding="utf-8")
    assert f"[{NAME}.zip](downloads/conformance-kit/{NAME}.zip)" in page
    assert (built / vendors_kit.ADAPTER_DOWNLOAD).read_bytes() == ADAPTER.read_bytes()
    assert f"`{digest(VECTORS)}`" in page
    for step in ("第 1 步", "第 2 步", "第 3 步", "第 4 步", "第 5 步"):
        assert step in page
    assert "--format html -o report.html" in page and "python -m pip install wsas-*.whl" in page
    cases, _ = load_cases(VECTORS)
    for key, command, levels in (("python", "python -m wsas.conformance.adapter", len(LEVELS)),
                                 ("javascript", "node tools/js/conformance-adapter.mjs", 2)):
        document = json.loads((built / f"{vendors.REPORTS}/{key}.json").read_text(encoding="utf-8"),
                              parse_float=Decimal)
        assert schema_errors(document, "conformance-report") == []
        assert document["ok"] and document["command"] == command and len(document["claims"]["levels"]) == levels
        assert document["vectors"] == {"sha256": digest(VECTORS), "cases": len(cases)}
        [row] = [line for line in page.splitlines() if f"| `{command}` |" in line]
        for suite in ("scoring", "workflows", "records"):
            counts = document["suites"][suite]
            assert f"通过 {counts['passed']}，不通过 {counts['failed']}，跳过 {counts['skipped']}" in row, (suite, row)
        assert "**通过**" in row and f"({vendors.REPORTS}/{key}.html)" in row
        assert (built / f"{vendors.REPORTS}/{key}.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_the_page_figures_are_what_the_harness_found(tmp_path, monkeypatch):
    """A reference that fails shows as failing: the figures come from the run, whatever it finds."""
    broken = ROOT / "tests" / "conformance_impls" / "broken.py"
    for rubric in published_catalogue():  # the published rubrics as the kit holds them
        target = tmp_path / "rubrics" / f"{rubric.id}.json"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(dumps(rubric.data), encoding="utf-8")
    monkeypatch.setattr(vendors, "REFERENCES", (
        vendors.Reference("minimal", "最小适配程序", "python3 minimal_adapter.py",
                          (sys.executable, str(ADAPTER), "--rubrics", str(tmp_path / "rubrics"))),
        vendors.Reference("broken", "坏的实现", "python3 broken.py",
                          (sys.executable, str(broken), "crash-after", "3")),
    ))
    monkeypatch.setattr(vendors, "_FINISHED", {})
    runs = vendors.ReferenceRuns()
    shown = {row["label"]: row["report"] for row in runs.finish(tmp_path)}
    assert shown["最小适配程序"]["ok"] and shown["最小适配程序"]["totals"]["failed"] == 0
    assert not shown["坏的实现"]["ok"] and shown["坏的实现"]["totals"]["failed"] > 0
    assert json.loads((tmp_path / vendors.REPORTS / "broken.json").read_text())["ok"] is False


# ---------------------------------------------------------------- the npm package


def test_the_npm_package_is_tied_to_the_spec_and_the_handbook_versions():
    package = json.loads((ROOT / "packages" / "wsas-js" / "package.json").read_text(encoding="utf-8"))
    root = json.loads((ROOT / "package.json").read_text(encoding="utf-8"))
    assert package["name"] == "wsas-js" and package["version"] == SPEC_VERSION
    assert package["dependencies"] == {name: root["dependencies"][name] for name in package["dependencies"]}
    assert set(package["dependencies"]) == {"ajv", "decimal.js"}
    own = sorted(p.name for p in (ROOT / "packages" / "wsas-js").glob("*.mjs"))
    assert own == ["index.mjs", "node.mjs", "prepack.mjs"]  # the scorer and validator stay in site_src only
