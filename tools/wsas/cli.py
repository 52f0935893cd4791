"""Command line: ``wsas lint | validate | score | schema bundle``.

Exit codes: 0 everything valid, 1 something invalid, 2 usage error or an
input that could not be opened.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import __version__
from .errors import Error, InputError, UnreadableError
from .lint import lint_file
from .output import dumps, write_atomic
from .reading import load_json_file
from .rubrics import Catalogue, RubricError, published_catalogue, published_paths, read_rubric
from .rules import fmt
from .schemas import bundle
from .scoring import score_valid
from .validation import validate

OK, INVALID, UNREADABLE = 0, 1, 2


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help(sys.stderr)
        return UNREADABLE
    try:
        return args.run(args)
    except BrokenPipeError:
        return OK
    except KeyboardInterrupt:
        return 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="wsas", description="WSAS 工作安全评估规范参考实现 / reference implementation")
    parser.add_argument("--version", action="version", version=f"wsas {__version__}")
    commands = parser.add_subparsers(dest="command")

    lint = commands.add_parser("lint", help="检查评估表数据 / check rubric data")
    lint.add_argument("rubrics", nargs="*", metavar="RUBRIC", help="评估表文件或标识；缺省为全部已发布评估表")
    lint.add_argument("--format", choices=["text", "json"], default="text")
    lint.set_defaults(run=run_lint)

    for name, helptext, runner in (("validate", "校验填报 / validate submissions", run_validate),
                                   ("score", "评分 / score submissions", run_score)):
        command = commands.add_parser(name, help=helptext)
        command.add_argument("files", nargs="+", metavar="SUBMISSION", help="填报 JSON 文件")
        command.add_argument("--format", choices=["text", "json"], default="text")
        command.add_argument("--rubric", action="append", default=[], metavar="FILE",
                             help="另加一份评估表文件（例如草稿），与已发布评估表一并使用")
        if name == "score":
            command.add_argument("--output", "-o", metavar="FILE", help="把结果写入文件（原子写入）")
        command.set_defaults(run=runner)

    schema = commands.add_parser("schema", help="模式文件 / schemas")
    schema_commands = schema.add_subparsers(dest="schema_command", required=True)
    bundled = schema_commands.add_parser("bundle", help="生成单文件模式 / write the bundled schema")
    bundled.add_argument("--output", "-o", metavar="FILE", help="输出文件；缺省写到标准输出")
    bundled.set_defaults(run=run_bundle)
    return parser


def run_lint(args) -> int:
    paths = []
    for ref in args.rubrics or [str(p) for p in published_paths()]:
        if Path(ref).suffix in (".yaml", ".yml", ".json"):
            paths.append(ref)
        else:
            match = [p for p in published_paths() if f"{p.parent.name}/{p.stem}" == ref]
            if not match:
                print(f"wsas lint: 未知的评估表 {ref} / unknown rubric {ref}", file=sys.stderr)
                return UNREADABLE
            paths.append(str(match[0]))
    reports = [lint_file(path) for path in paths]
    if args.format == "json":
        print(dumps([{"file": r.path, "rubric": r.rubric.id if r.rubric else None, "ok": r.ok,
                      "errata": len(r.rubric.data["errata"]) if r.rubric else 0,
                      "findings": [f.as_dict() for f in r.findings]} for r in reports]))
    else:
        for report in reports:
            _print_lint(report)
    if any(not Path(r.path).exists() for r in reports):
        return UNREADABLE
    return OK if all(r.ok for r in reports) else INVALID


def _print_lint(report) -> None:
    label = f"{report.rubric.id} {report.rubric.version}" if report.rubric else ""
    status = "通过 ok" if report.ok else "未通过 FAILED"
    errata = f"，勘误 {len(report.rubric.data['errata'])} 条 / {len(report.rubric.data['errata'])} errata" if report.rubric else ""
    print(f"{report.path} {label}: {status}{errata}")
    for finding in report.findings:
        tag = {"error": "错误 error", "covered": f"勘误 {finding.erratum} covered", "warning": "提示 warning"}[finding.severity]
        print(f"  [{tag}] {finding.code} {finding.pointer}: {finding.message} / {finding.message_en}")


def _catalogue(extra: list[str]) -> Catalogue:
    rubrics = list(published_catalogue())
    for path in extra:
        rubrics.append(read_rubric(path))
    return Catalogue(rubrics)


def _check(path: str, catalogue: Catalogue):
    """(document, errors, unreadable) of one submission file."""
    try:
        document = load_json_file(path)
    except UnreadableError as exc:
        return None, [exc.error], True
    except InputError as exc:
        return None, [exc.error], False
    return document, [e.located(path) for e in validate(document, catalogue)], False


def run_validate(args) -> int:
    try:
        catalogue = _catalogue(args.rubric)
    except RubricError as exc:
        return _rubric_failure(exc)
    status = OK
    valid = 0
    for path in args.files:
        _, errors, unreadable = _check(path, catalogue)
        status = max(status, UNREADABLE if unreadable else INVALID if errors else OK)
        valid += not errors
        if args.format == "json":
            print(dumps({"file": path, "valid": not errors, "errors": [e.as_dict() for e in errors]}, indent=None))
        elif errors:
            for error in errors:
                print(error)
        else:
            print(f"{path}: 有效 valid")
    if args.format == "text":
        print(f"合计 {len(args.files)} 份：有效 {valid}，无效 {len(args.files) - valid} / "
              f"{len(args.files)} file(s): {valid} valid, {len(args.files) - valid} invalid", file=sys.stderr)
    return status


def run_score(args) -> int:
    try:
        catalogue = _catalogue(args.rubric)
    except RubricError as exc:
        return _rubric_failure(exc)
    status, results = OK, []
    for path in args.files:
        document, errors, unreadable = _check(path, catalogue)
        if errors:
            status = max(status, UNREADABLE if unreadable else INVALID)
            for error in errors:
                print(error, file=sys.stderr)
            continue
        results.append((path, score_valid(document, catalogue.get(document["rubric"]))))
    if args.format == "json":
        if len(args.files) == 1:
            text = dumps(results[0][1]) + "\n" if results else ""
        else:
            text = "".join(dumps(result, indent=None) + "\n" for _, result in results)
    else:
        text = "".join(summary(path, result, catalogue) for path, result in results)
    if args.output:
        if results:  # an output file is written whole or not at all
            write_atomic(args.output, text)
    else:
        sys.stdout.write(text)
    return status


def summary(path: str, result: dict, catalogue: Catalogue) -> str:
    """A human summary of one result: totals, outcome and every deduction with its reason."""
    rubric = catalogue.get(result["rubric"])
    titles = {n["id"]: n.get("title", "（原文缺失）") for s in rubric.data["sections"] for n in [s, *s["items"]]}
    lines = [f"{path}: {result['subject']['name']} · {result['period']} · {rubric.data['title']}（{rubric.id} {rubric.version}）"]
    parts = result["sections"] if len(result["sections"]) > 1 else result["items"]
    for part in parts:
        na = f"，缺项 {fmt(part['notApplicablePoints'])}" if part["notApplicablePoints"] else ""
        lines.append(f"  {part['id']} {titles.get(part['id'], '')}: {fmt(part['awarded'])}/{fmt(part['points'])}{na}")
    for line in result["criteria"]:
        if line["deducted"] or line["notApplicable"]:
            reason = f"；原因：{line['reason']}" if line.get("reason") else ""
            lines.append(f"  - {line['id']} −{fmt(line['deducted'])}: {line['explanation']}{reason}")
    outcome = result["outcome"]["label"] if result["outcome"] else "无"
    normalised = f"（实得 {fmt(result['total'])} / 应得 {fmt(result['maximum'])}）" if result["score"] != result["total"] or result["notApplicablePoints"] else ""
    veto = f"；否决：{'、'.join(result['vetoedBy'])}" if result["vetoedBy"] else ""
    lines.append(f"  得分 score {fmt(result['score'])}{normalised}{veto}；结果 outcome：{outcome}")
    return "\n".join(lines) + "\n\n"


def run_bundle(args) -> int:
    text = dumps(bundle()) + "\n"
    if args.output:
        write_atomic(args.output, text)
    else:
        sys.stdout.write(text)
    return OK


def _rubric_failure(exc: RubricError) -> int:
    for error in exc.errors:
        print(error, file=sys.stderr)
    return UNREADABLE
