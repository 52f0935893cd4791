"""``wsas records cadence PROGRAM INSPECTIONS… --from D --to D``: missed inspection periods.

Exit codes: 0 no period missed and every input valid; 1 a period missed or an
input invalid; 2 usage, an unknown program or level, or a named file that cannot
be opened. Daily periods are every calendar day (erratum E1): there is no option for another reading.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys

from ..commands import INVALID, OK, UNREADABLE
from ..output import dumps, write_atomic
from ..sources import named_inputs
from .ledger import read_entries
from .cadence import CADENCE_LABEL, CadenceError, CadenceReport, cadence_program, cadences_path, check_cadence



def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text) if len(text) == 10 else _bad_date(text)
    except ValueError:
        return _bad_date(text)


def _bad_date(text: str):
    raise argparse.ArgumentTypeError(f"不是日期 / not a date (YYYY-MM-DD): {text}")


def add_cadence_arguments(parser: argparse.ArgumentParser) -> None:
    """The arguments of ``wsas records cadence`` (and its runner as ``run``)."""
    parser.description = ("按方案的排查周期（如「班组日查、车间周查、厂矿月查、集团公司季查」）检查排查记录，报告漏查的周期。"
                          "日查按每个日历日计，休息日、节假日也是一期（勘误 E1）。"
                          " Check inspection records against a program's cadence and report the missed periods;"
                          " every calendar day is a daily period.")
    parser.add_argument("program", metavar="PROGRAM",
                        help="方案标识，见 records/cadences.yaml（xinzhou-2020、huiji-2017）/ program id")
    parser.add_argument("inputs", nargs="+", metavar="INSPECTIONS",
                        help="排查任务与排查记录：JSON Lines 文件（每行一条）、.json 文件、目录（递归查找 .json/.jsonl）或 -（标准输入）")
    parser.add_argument("--from", dest="start", required=True, type=_date, metavar="YYYY-MM-DD",
                        help="检查范围的第一天（含）/ first day checked")
    parser.add_argument("--to", dest="end", required=True, type=_date, metavar="YYYY-MM-DD",
                        help="检查范围的最后一天（含）；最后一日晚于此日的周期列为未到期 / last day checked")
    parser.add_argument("--level", action="append", default=None, metavar="LEVEL",
                        help="只检查这一层级（可重复），例如企业不设厂矿时 / check only this level (repeatable)")
    parser.add_argument("--cadences", metavar="FILE",
                        help="另用一份排查周期表（格式见 cadences.json），缺省为 records/cadences.yaml")
    parser.add_argument("--format", choices=["text", "json"], default="text")
    parser.add_argument("--output", "-o", metavar="FILE", help="报告写入文件（原子写入），缺省写到标准输出")
    parser.set_defaults(run=run_cadence)


def run_cadence(args) -> int:
    def usage(message: str) -> int:
        print(f"wsas records cadence: {message}", file=sys.stderr)
        return UNREADABLE

    if args.end < args.start:
        return usage(f"--to {args.end} 早于 --from {args.start} / --to is before --from")
    try:
        program = cadence_program(args.program, args.cadences)
    except CadenceError as exc:
        for error in exc.errors:
            print(f"wsas records cadence: {error}", file=sys.stderr)
        return UNREADABLE
    unknown = [level for level in args.level or [] if level not in program.levels]
    if unknown:
        return usage(f"方案 {program.id} 没有层级 {'、'.join(unknown)}（已有：{'、'.join(program.levels)}）/ "
                     f"unknown level(s) {', '.join(unknown)} (known: {', '.join(program.levels)})")
    files, found = named_inputs(args.inputs, "wsas records cadence")
    status = OK if found else UNREADABLE
    if not files:
        return UNREADABLE
    report = check_cadence(program, read_entries(files), args.start, args.end, levels=args.level)
    named = set(args.inputs)
    if any(e.code == "unreadable" and e.line is None and e.file in named for e in report.errors):
        status = UNREADABLE
    text = dumps(report.as_dict()) + "\n" if args.format == "json" else as_text(report)
    try:
        if args.output:
            write_atomic(args.output, text)
        else:
            sys.stdout.write(text)
    except OSError as exc:
        return usage(f"无法写入 {args.output}：{exc.strerror} / cannot write {args.output}: {exc.strerror}")
    return max(status, OK if report.ok else INVALID)


def _subject(subject: dict) -> str:
    return subject["name"] + (f"（{subject['code']}）" if "code" in subject else "")


def as_text(report: CadenceReport) -> str:
    program = report.program
    lines = [f"{program.id} {program.label}：{report.start} 至 {report.end}（日查按每个日历日计，含休息日、节假日）"]
    for error in report.errors:
        lines.append(str(error))
    for stream in report.streams:
        level = stream.level
        unit = f" {stream.unit}" if stream.unit else ""
        head = (f"{_subject(stream.subject)} {level.label}{unit} {level.inspection}"
                f"（{CADENCE_LABEL[level.cadence]}至少 {level.at_least} 次）")
        if stream.missed:
            labels = "、".join(m["period"] for m in stream.missed)
            body = f"应查 {stream.judged} 期，漏查 {len(stream.missed)} 期：{labels}"
        else:
            body = f"应查 {stream.judged} 期，没有漏查"
        if stream.pending:
            body += f"；未到期 {len(stream.pending)} 期：{'、'.join(stream.pending)}"
        lines.append(f"{head}：{body}")
    summary = report.summary()
    lines.append(f"合计：{summary['inputs']} 条输入，无效 {summary['invalid']} 条；应查 {summary['periods']} 期，"
                 f"漏查 {summary['missed']} 期 / {summary['inputs']} input(s), {summary['invalid']} invalid; "
                 f"{summary['periods']} period(s) judged, {summary['missed']} missed")
    return "\n".join(lines) + "\n"


__all__ = ["add_cadence_arguments", "run_cadence", "as_text", "cadences_path"]
