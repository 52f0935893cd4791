"""``wsas lint [RUBRIC|PROGRAM|FILE…]``: check rubric and program data against the schemas and the sources."""

from __future__ import annotations

import sys
from pathlib import Path

from .commands import INVALID, OK, UNREADABLE, rubric_failure
from .errors import InputError, UnreadableError
from .scoring.lint import lint_file
from .output import dumps
from .workflows.lint import lint_program_file
from .programs import program_paths
from .reading import load_document
from .records.data_lint import is_records_data, lint_records_file, published_records_paths
from .rubrics import RubricError, published_paths


def register(lint) -> None:
    lint.add_argument("rubrics", nargs="*", metavar="RUBRIC",
                      help="评估表、方案或记录数据（records/rules.yaml、cadences.yaml）的文件或标识；缺省为全部已发布的数据")
    lint.add_argument("--format", choices=["text", "json"], default="text")
    lint.set_defaults(run=run_lint)


def run_lint(args) -> int:
    paths = []
    every = [str(p) for p in [*published_paths(), *program_paths(), *published_records_paths()]]
    for ref in args.rubrics or every:
        if Path(ref).suffix in (".yaml", ".yml", ".json"):
            paths.append(ref)
        else:
            match = [p for p in published_paths() if f"{p.parent.name}/{p.stem}" == ref]
            match += [p for p in program_paths() if p.parent.name == ref]
            if not match:
                print(f"wsas lint: 未知的评估表或方案 {ref} / unknown rubric or program {ref}", file=sys.stderr)
                return UNREADABLE
            paths.append(str(match[0]))
    try:
        reports = [_lint(path) for path in paths]
    except RubricError as exc:  # a published rubric or program the checks compare with does not load
        return rubric_failure(exc)
    if args.format == "json":
        print(dumps([{"file": r.path, "rubric": r.document.id if r.document else None, "ok": r.ok,
                      "errata": len(r.document.data["errata"]) if r.document else 0,
                      "findings": [f.as_dict() for f in r.findings]} for r in reports]))
    else:
        for report in reports:
            _print_lint(report)
    if any(not Path(r.path).exists() for r in reports):
        return UNREADABLE
    return OK if all(r.ok for r in reports) else INVALID


def _lint(path: str):
    if is_records_data(path):
        return lint_records_file(path)
    return lint_program_file(path) if _is_program(path) else lint_file(path)


def _is_program(path: str) -> bool:
    """Program files are named program.yaml; any other file is a program when it has roles but no sections."""
    if Path(path).name.startswith("program."):
        return True
    try:
        document = load_document(path)
    except (InputError, UnreadableError):
        return False  # the rubric linter reports why it cannot be read
    return isinstance(document, dict) and "roles" in document and "sections" not in document


def _print_lint(report) -> None:
    label = f"{report.document.id} {report.document.version}" if report.document else ""
    status = "通过 ok" if report.ok else "未通过 FAILED"
    errata = f"，勘误 {len(report.document.data['errata'])} 条 / {len(report.document.data['errata'])} errata" if report.document else ""
    print(f"{report.path} {label}: {status}{errata}")
    for finding in report.findings:
        tag = {"error": "错误 error", "covered": f"勘误 {finding.erratum} covered", "warning": "提示 warning"}[finding.severity]
        print(f"  [{tag}] {finding.code} {finding.pointer}: {finding.message} / {finding.message_en}")
