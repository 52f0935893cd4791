"""``wsas bulletin PROGRAM --period 2020Q2 RESULTS… [--roster FILE] [--format markdown|html|json] [-o FILE]``.

Exit codes: 0 every record used; 1 some records were invalid (each reported
with file, line and JSON pointer; the rest were used); 2 usage error, unknown
program, a program without published rubrics, an unusable roster, or an input
named on the command line that cannot be opened (then nothing is written: a
bulletin that silently lacks a whole file would mislead).
"""

from __future__ import annotations

import argparse
import sys

from ..commands import INVALID, OK, UNREADABLE
from ..errors import Error
from ..output import write_atomic
from ..programs import load_program
from ..rubrics import RubricError
from ..sources import expand, records
from .build import BulletinBuilder, Duplicate
from .quarter import Quarter, period_words
from .render import FORMATS, rendered
from .roster import load_roster
from .scope import BulletinError



def register(bulletin) -> None:
    """The arguments of ``wsas bulletin`` (its parser made by :mod:`wsas.cli`)."""
    bulletin.description = ("汇总一个季度的评分结果，生成通报：各地区平均分与排名、触发结果运用的名单、得分分布、"
                            "逐月完成情况；给出名册时列出缺报对象。 / Aggregate a quarter's results into the bulletin.")
    bulletin.add_argument("program", metavar="PROGRAM", help="方案标识（如 lianyungang-2020）或方案文件")
    bulletin.add_argument("--period", required=True, type=_quarter, metavar="QUARTER", help="季度，如 2020Q2")
    bulletin.add_argument("files", nargs="+", metavar="RESULTS",
                          help="评分结果：JSON Lines 文件（.jsonl，每行一份，wsas score --jsonl 的输出）、"
                               "JSON 文件、目录（递归查找 .json/.jsonl）或 -（标准输入，JSON Lines）")
    bulletin.add_argument("--roster", metavar="FILE", help="应报对象名册（schemas/roster.json），用于统计缺报")
    bulletin.add_argument("--format", choices=FORMATS, default="markdown", help="输出格式，缺省 markdown")
    bulletin.add_argument("--output", "-o", metavar="FILE", help="写入文件（原子写入）；缺省写到标准输出")
    bulletin.add_argument("--quiet", "-q", action="store_true", help="不输出重复提示和汇总行（无效记录仍逐条报告）")
    bulletin.set_defaults(run=run)


def _quarter(text: str) -> Quarter:
    try:
        return Quarter.parse(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"不是季度 / not a quarter (YYYYQn, e.g. 2020Q2): {text}")


def run(args) -> int:
    try:
        program = load_program(args.program)
        roster = load_roster(args.roster, program) if args.roster else None
        builder = BulletinBuilder(program, args.period, roster)
    except RubricError as exc:
        return _fail(exc.errors)
    except BulletinError as exc:
        return _fail(exc.errors)
    files, missing = expand(args.files)
    if missing:
        return _fail(missing)
    if not files:
        return _fail([Error("no-input", "没有找到任何 .json 或 .jsonl 文件", "no .json or .jsonl files found")])
    named = set(args.files)
    unopened = False
    for record in records(files):
        errors, duplicate = builder.add(record)
        for error in errors:
            print(error, file=sys.stderr)
            unopened = unopened or (record.file in named and record.line is None and error.code == "unreadable")
        if duplicate is not None and not args.quiet:
            print(_duplicate_note(duplicate), file=sys.stderr)
    bulletin = builder.finish()
    if not args.quiet:
        inputs = bulletin["inputs"]
        print(f"合计 {inputs['records']} 条：采用 {inputs['used']}，无效 {inputs['invalid']}，"
              f"重复未采用 {inputs['duplicates']} / {inputs['records']} record(s): {inputs['used']} used, "
              f"{inputs['invalid']} invalid, {inputs['duplicates']} duplicate(s) set aside", file=sys.stderr)
    if unopened:
        print("wsas bulletin: 有输入文件无法打开，未生成通报 / an input file could not be opened; no bulletin written",
              file=sys.stderr)
        return UNREADABLE
    text = rendered(bulletin, args.format)
    if args.output:
        try:
            write_atomic(args.output, text)
        except OSError as exc:
            print(f"wsas bulletin: 无法写入 {args.output}：{exc.strerror} / cannot write {args.output}: {exc.strerror}",
                  file=sys.stderr)
            return UNREADABLE
    else:
        sys.stdout.write(text)
    return INVALID if bulletin["inputs"]["invalid"] else OK


def _duplicate_note(duplicate: Duplicate) -> str:
    slot = duplicate.dropped
    place = slot.file + (f":{slot.line}" if slot.line is not None else "")
    name = duplicate.subject["name"]
    return (f"{place}: [duplicate] 提示：{name} {period_words(duplicate.period)}另有更新的结果，本份未采用 / "
            f"note: {name} has a later result for {duplicate.period}; this one is set aside")


def _fail(errors: list[Error]) -> int:
    for error in errors:
        print(f"wsas bulletin: {error}", file=sys.stderr)
    return UNREADABLE
