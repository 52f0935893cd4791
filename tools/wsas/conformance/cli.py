"""``wsas conformance run``: the suites against an implementation behind a command (spec/conformance.md §6)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..commands import INVALID, OK, UNREADABLE
from .suites import SUITES

FORMATS = ("text", "json", "markdown", "html")


def register(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", metavar="run")
    run_parser = actions.add_parser("run", help="运行一致性向量 / run the vectors against an implementation")
    run_parser.add_argument("--implementation", required=True, metavar="COMMAND",
                            help="启动被测实现的命令 / the command that starts the implementation, e.g. "
                                 "\"python -m wsas.conformance.adapter\"")
    run_parser.add_argument("--suite", action="append", choices=SUITES,
                            help="只运行这套向量（可重复）/ only this suite (repeatable)")
    run_parser.add_argument("--case", action="append", metavar="TEXT",
                            help="只运行编号或说明含 TEXT 的用例（可重复）/ only cases whose id or description "
                                 "contains TEXT (repeatable)")
    run_parser.add_argument("--timeout", type=_seconds, default=10.0, metavar="SECONDS",
                            help="每个用例的时限 / seconds allowed per case (default 10)")
    run_parser.add_argument("--start-timeout", type=_seconds, default=30.0, metavar="SECONDS",
                            help="等待 hello 的时限 / seconds allowed for the hello (default 30)")
    run_parser.add_argument("--restarts", type=int, default=3, metavar="N",
                            help="实现失步后最多重启几次 / restarts after a crash, hang or garbage (default 3)")
    run_parser.add_argument("--vectors", type=Path, metavar="DIR",
                            help="向量目录 / the vectors folder (default: tests/conformance of the checkout)")
    run_parser.add_argument("--format", choices=FORMATS, default="text", help="报告格式 / report format")
    run_parser.add_argument("--output", "-o", type=Path, metavar="FILE",
                            help="报告写入文件，终端仍显示汇总 / write the report here; the summary still prints")
    run_parser.set_defaults(run=run)
    parser.set_defaults(run=lambda args: _usage(parser))


def _seconds(text: str) -> float:
    value = float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError("must be a positive number of seconds")
    return value


def _usage(parser) -> int:
    parser.print_help(sys.stderr)
    return UNREADABLE


def _fail(message: str) -> int:
    print(f"wsas conformance: {message}", file=sys.stderr)
    return UNREADABLE


def run(args) -> int:
    from . import harness, report
    from .suites import default_vectors, digest, load_cases
    vectors = args.vectors or default_vectors()
    if vectors is None or not vectors.is_dir():
        return _fail("没有找到向量目录 / no vectors folder" + (f": {vectors}" if vectors else
                                                           " (give --vectors DIR)"))
    cases, problems = load_cases(vectors)
    for problem in problems:
        print(f"wsas conformance: 跳过无法读取的向量文件 / skipped unreadable vector file {problem}", file=sys.stderr)
    cases = [c for c in cases if (not args.suite or c.suite in args.suite) and
             (not args.case or any(text in c.id or text in c.description for text in args.case))]
    if not cases:
        return _fail("没有符合条件的用例 / no case matches --suite/--case")
    if args.restarts < 0:
        return _fail("--restarts must be 0 or more")
    try:
        session = harness.run(args.implementation, cases, args.timeout, args.start_timeout, args.restarts)
    except harness.UsageError as exc:
        return _fail(str(exc))
    filters = {"suites": args.suite or list(SUITES), "cases": args.case or []}
    document = report.document(session, digest(vectors), filters)
    writers = {"text": report.as_text, "json": report.as_json, "markdown": report.as_markdown, "html": report.as_html}
    text = writers[args.format](document)
    if args.output:
        from ..output import write_atomic
        write_atomic(args.output, text)
        if args.format != "text":
            sys.stdout.write(report.as_text(document))
    else:
        sys.stdout.write(text)
        if args.format != "text":
            totals = document["totals"]
            print(f"wsas conformance: {totals['passed']} passed, {totals['failed']} failed, "
                  f"{totals['skipped']} skipped — {'PASS' if document['ok'] else 'FAIL'}", file=sys.stderr)
    return OK if session.ok else INVALID
