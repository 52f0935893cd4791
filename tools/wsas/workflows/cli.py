"""``wsas schedule`` (what is due when) and ``wsas check`` (did an instance follow its program)."""

from __future__ import annotations

import argparse
import sys

from .check import check_log
from ..commands import INVALID, OK, UNREADABLE, rubric_failure
from .deadlines import WorkflowError, parse_date
from ..errors import InputError, UnreadableError
from ..output import dumps, write_atomic
from ..programs import load_program
from ..reading import load_json_file
from ..rubrics import RubricError
from .schedule import as_ics, as_table, build_schedule
from .workdays import CalendarRangeError


def register_schedule(schedule) -> None:
    schedule.add_argument("program", metavar="PROGRAM", help="方案标识（如 haimen-2022）或方案文件")
    schedule.add_argument("--start", required=True, type=_date_arg, help="开始日期 YYYY-MM-DD")
    schedule.add_argument("--end", type=_date_arg, help="结束日期 YYYY-MM-DD（专项整治结束日）")
    schedule.add_argument("--format", choices=["table", "json", "ics"], default="table")
    schedule.add_argument("--output", "-o", metavar="FILE", help="写入文件（原子写入）")
    schedule.add_argument("--weekday-fallback", action="store_true",
                          help="超出节假日历年份时按周一至周五推算工作日（结果中标注）")
    schedule.set_defaults(run=run_schedule)


def register_check(check) -> None:
    check.add_argument("program", metavar="PROGRAM", help="方案标识或方案文件")
    check.add_argument("log", metavar="EVENTLOG", help="事件记录 JSON 文件")
    check.add_argument("--format", choices=["text", "json"], default="text")
    check.add_argument("--weekday-fallback", action="store_true")
    check.set_defaults(run=run_check)


def _date_arg(text: str):
    try:
        return parse_date(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"不是日期 / not a date (YYYY-MM-DD): {text}")


def run_schedule(args) -> int:
    try:
        program = load_program(args.program)
        schedule = build_schedule(program, args.start, args.end, args.weekday_fallback)
    except RubricError as exc:
        return rubric_failure(exc)
    except WorkflowError as exc:
        print(f"wsas schedule: [{exc.code}] {exc.message} / {exc.message_en}", file=sys.stderr)
        return UNREADABLE
    except CalendarRangeError as exc:
        print(f"wsas schedule: [calendar-range] {exc.day} 超出节假日历年份，可加 --weekday-fallback 按周一至周五推算 / {exc}",
              file=sys.stderr)
        return UNREADABLE
    if args.format == "ics":
        data = as_ics(schedule)
        if args.output:
            write_atomic(args.output, data.decode("utf-8"))
        else:
            sys.stdout.write(data.decode("utf-8"))
        return OK
    text = dumps(schedule) + "\n" if args.format == "json" else as_table(schedule)
    if args.output:
        write_atomic(args.output, text)
    else:
        sys.stdout.write(text)
    return OK


def run_check(args) -> int:
    try:
        program = load_program(args.program)
    except RubricError as exc:
        return rubric_failure(exc)
    try:
        log = load_json_file(args.log)
    except UnreadableError as exc:
        print(exc.error, file=sys.stderr)
        return UNREADABLE
    except InputError as exc:
        findings_out = [exc.error.as_dict()]
        print(dumps({"file": args.log, "ok": False, "findings": findings_out}) if args.format == "json" else exc.error)
        return INVALID
    findings = check_log(log, program, args.weekday_fallback)
    ok = not any(f.severity == "error" for f in findings)
    if args.format == "json":
        print(dumps({"file": args.log, "program": program.id, "ok": ok,
                     "findings": [dict(f.as_dict(), file=args.log) for f in findings]}))
    else:
        for finding in findings:
            tag = "错误 error" if finding.severity == "error" else "提示 info"
            extra = f" [{finding.ref}{' ' + finding.period if finding.period else ''}]" if finding.ref else ""
            print(f"{args.log} {finding.pointer or '/'}: [{tag}] {finding.code}{extra}: {finding.message} / {finding.message_en}")
        print(f"{args.log}: {'符合流程 ok' if ok else '不符合流程 FAILED'}（{len(findings)} 条发现 / findings）")
    return OK if ok else INVALID
