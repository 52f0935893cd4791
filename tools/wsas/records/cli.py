"""``wsas records``: check hazard ledgers, build the lists, check inspection cadence, import producer records,
check enterprise base records (一企一档).

Exit codes: 0 clean; 1 a record invalid or a finding; 2 usage error or a named
file that cannot be opened.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys

from ..commands import INVALID, OK, UNREADABLE
from ..output import dumps, write_atomic
from .cadence_cli import add_cadence_arguments, run_cadence
from .check import check_ledgers, summary_text
from .codes_cli import add_import_arguments, run_import
from .ledger import read_ledgers
from .lists import KINDS, as_csv, as_json, as_markdown, build
from .model import RulesError, published_rules



def register(records) -> None:
    """The sub-commands of ``wsas records`` (its parser made by :mod:`wsas.cli`)."""
    records.description = "隐患记录、风险点与清单（规范见 spec/records.md）。 Hazard records, risk units and their lists."
    sub = records.add_subparsers(dest="records_command", required=True)

    check = sub.add_parser("check", help="检查隐患台账 / check hazard ledgers",
                           description="按 hazard.json 和 records/rules.yaml 检查隐患记录：形状、状态转换、各状态必备字段、"
                                       "时间先后、方案规则（逾期、不过夜、重大隐患治理方案、挂牌督办、验收销号，各按适用的方案）。")
    check.add_argument("ledgers", nargs="+", metavar="LEDGER",
                       help="台账：JSON Lines 文件（每行一条）、一患一档的 .json 目录，或 -（标准输入）；可给多个")
    _common(check)
    check.add_argument("--format", choices=["text", "json"], default="text")
    check.add_argument("--summary", metavar="FILE", help="汇总（JSON）写入文件（原子写入）")
    check.set_defaults(run=run_check)

    lists = sub.add_parser("lists", help="生成清单 / build the lists",
                           description="由隐患记录生成问题隐患清单、问题隐患整改清单，由风险点记录生成风险清单、风险管控措施清单。")
    lists.add_argument("ledgers", nargs="+", metavar="LEDGER", help="隐患台账或风险点台账（格式同 check）")
    lists.add_argument("--kind", required=True, choices=KINDS, help="清单种类")
    _common(lists)
    lists.add_argument("--format", choices=["json", "csv", "markdown"], default="json",
                       help="json：每个企业一份 record-lists.json 文档（每行一份）；csv：UTF-8 带 BOM；markdown：表格")
    lists.add_argument("--output", "-o", metavar="FILE", help="写入文件（原子写入），缺省写到标准输出")
    lists.set_defaults(run=run_lists)

    enterprises = sub.add_parser("enterprises", help="检查企业基础档案 / check enterprise base records",
                                 description="按 enterprise.json 检查企业基础档案（一企一档，004:102）：原文列出的八项必填、"
                                             "形状、方案，同一台账内编号和统一社会信用代码不得重复。")
    enterprises.add_argument("ledgers", nargs="+", metavar="LEDGER",
                             help="台账：JSON Lines 文件（每行一份）、一企一档的 .json 目录，或 -（标准输入）；可给多个")
    enterprises.add_argument("--format", choices=["text", "json"], default="text")
    enterprises.set_defaults(run=run_enterprises)

    cadence = sub.add_parser("cadence", help="排查周期 / missed inspection periods")
    add_cadence_arguments(cadence)
    cadence.set_defaults(run=run_cadence)

    imported = sub.add_parser("import", help="导入平台数据 / import producer records with a code table")
    add_import_arguments(imported)
    imported.set_defaults(run=run_import)


def _common(parser) -> None:
    parser.add_argument("--program", metavar="PROGRAM",
                        help="记录未写 program 时适用的方案（如 huiji-2017、xinzhou-2020、lianyungang-2020）")
    parser.add_argument("--as-of", type=_date, metavar="YYYY-MM-DD", help="判断逾期的日期，缺省为今天（北京时间）")


def _date(text: str) -> dt.date:
    try:
        if len(text) == 10:
            return dt.date.fromisoformat(text)
    except ValueError:
        pass
    raise argparse.ArgumentTypeError(f"不是日期 / not a date (YYYY-MM-DD): {text}")


def _known_programs() -> set[str]:
    from ..programs import published_programs

    return set(published_programs())


def _setup(args, command: str):
    """The rules and published programs; None (after a message) when the command cannot run."""
    try:
        rules = published_rules()
    except RulesError as exc:
        for error in exc.errors:
            print(f"wsas records {command}: {error}", file=sys.stderr)
        return None
    known = _known_programs()
    if args.program is not None and args.program not in known:
        print(f"wsas records {command}: 未知的方案 {args.program}；已发布：{', '.join(sorted(known))} / "
              f"unknown program {args.program}", file=sys.stderr)
        return None
    return rules, known


def run_check(args) -> int:
    setup = _setup(args, "check")
    if setup is None:
        return UNREADABLE
    rules, known = setup
    report = check_ledgers(read_ledgers(args.ledgers), rules, args.program, args.as_of, known)
    for error in report.unopenable:
        print(f"wsas records check: {error}", file=sys.stderr)
    if args.format == "json":
        sys.stdout.write(dumps(report.as_dict()) + "\n")
    else:
        sys.stdout.write(_text(report) + summary_text(report.summary, rules))
    if args.summary:
        write_atomic(args.summary, dumps(dict(report.summary, asOf=report.as_of.isoformat(),
                                              program=report.program)) + "\n")
    if report.unopenable:
        return UNREADABLE
    return OK if report.ok else INVALID


def _text(report) -> str:
    lines = []
    for record in report.records:
        for error in record.errors:
            lines.append(f"{error.where()}: [错误 error] {error.code}: {error.message} / {error.message_en}")
        for finding in record.findings:
            lines.append(f"{finding.where()}: [发现 finding] {finding.code}: {finding.message} / {finding.message_en}")
        if not record.errors and not record.findings and record.entry.line is None:
            lines.append(f"{record.entry.file}: 有效 valid")
    return "".join(line + "\n" for line in lines)


def run_enterprises(args) -> int:
    from .enterprises import as_text, check_enterprise_ledgers

    check = check_enterprise_ledgers(read_ledgers(args.ledgers), _known_programs())
    for error in check.unopenable:
        print(f"wsas records enterprises: {error}", file=sys.stderr)
    sys.stdout.write(dumps(check.as_dict()) + "\n" if args.format == "json" else as_text(check))
    if check.unopenable:
        return UNREADABLE
    return OK if check.ok else INVALID


def run_lists(args) -> int:
    setup = _setup(args, "lists")
    if setup is None:
        return UNREADABLE
    rules, known = setup
    built = build(read_ledgers(args.ledgers), args.kind, rules, args.program, args.as_of, known_programs=known)
    for error in built.unopenable:
        print(f"wsas records lists: {error}", file=sys.stderr)
    for error in built.errors:
        print(f"{error.where()}: [错误 error] {error.code}: {error.message} / {error.message_en}", file=sys.stderr)
    if args.format == "json":
        text = as_json(built.documents)
    elif args.format == "csv":
        text = as_csv(built.documents, args.kind, rules)
    else:
        text = as_markdown(built.documents, args.kind, rules)
    if args.output:
        from ..output import atomic_file

        with atomic_file(args.output, encoding="utf-8-sig" if args.format == "csv" else "utf-8",
                         newline="" if args.format == "csv" else "\n") as stream:
            stream.write(text)
    else:
        sys.stdout.write(text)
    rows = sum(len(document["rows"]) for document in built.documents)
    print(f"{args.kind}：{len(built.documents)} 家企业、{rows} 行；无效记录 {len(built.errors)} 处 / "
          f"{len(built.documents)} subject(s), {rows} row(s), {len(built.errors)} error(s)", file=sys.stderr)
    if built.unopenable:
        return UNREADABLE
    return INVALID if built.errors else OK

