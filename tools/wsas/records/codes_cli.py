"""``wsas records import --codes TABLE INPUT… -o OUT.jsonl``: producer records → WSAS hazard records.

Every input record is converted by the code table; the records without errors
are written to OUT (JSON Lines, published atomically when the run ends), the
others are reported with file, line, producer field and code and are not
written. Exit codes: 0 every record imported; 1 some record not imported;
2 usage, an unusable code table, or a named input that cannot be opened.
"""

from __future__ import annotations

import os
import sys

from ..commands import INVALID, OK, UNREADABLE
from ..output import atomic_file, dumps
from ..sources import STDIN, named_inputs
from .codes import TableError, import_records, load_table, published_tables



def add_import_arguments(parser) -> None:
    """The arguments of ``wsas records import`` (and its runner as ``run``)."""
    parser.description = ("按编码表把生产方（如双重预防信息平台）导出的隐患记录转换为 WSAS 隐患记录；表中没有的编码报告为 "
                          "unknown-code，绝不猜测。 Convert producer hazard records to WSAS hazard records with a code "
                          "table; unknown codes are reported, never guessed.")
    parser.add_argument("inputs", nargs="+", metavar="INPUT",
                        help="生产方记录：JSON Lines 文件（每行一条）、.json 文件、目录（递归查找 .json/.jsonl）或 -（标准输入）")
    parser.add_argument("--codes", required=True, metavar="TABLE",
                        help=f"编码表：已发布的示例表标识（{', '.join(published_tables())}，仅为示例）或自己的编码表文件"
                             "（格式见 code-map.json）")
    parser.add_argument("--output", "-o", required=True, metavar="OUT.jsonl",
                        help="转换后的 WSAS 隐患记录（JSON Lines，原子写入；有错误的记录不写出）")
    parser.add_argument("--format", choices=["text", "json"], default="text",
                        help="报告格式：text 逐条列出错误与提示；json 每条输入一行 JSON")
    parser.set_defaults(run=run_import)


def run_import(args) -> int:
    def usage(message: str) -> int:
        print(f"wsas records import: {message}", file=sys.stderr)
        return UNREADABLE

    try:
        table = load_table(args.codes)
    except TableError as exc:
        for error in exc.errors:
            print(f"wsas records import: {error}", file=sys.stderr)
        return UNREADABLE
    files, found = named_inputs(args.inputs, "wsas records import")
    status = OK if found else UNREADABLE
    if not files:
        return UNREADABLE
    output = os.path.realpath(args.output)
    if any(path != STDIN and os.path.realpath(path) == output for path in files):
        return usage(f"输出文件 {args.output} 也是输入文件；输入文件从不改写 / the output is one of the inputs, "
                     "which are never modified")
    if table.illustrative:
        print(f"wsas records import: 注意：编码表 {table.id} 是示例，不是任何真实平台的编码 / note: table {table.id} is "
              "illustrative, not any real platform's codes", file=sys.stderr)
    named = set(args.inputs)
    imported = failed = warned = 0
    try:
        with atomic_file(args.output) as stream:
            for outcome in import_records(table, files):
                if outcome.ok:
                    stream.write(dumps(outcome.document, indent=None) + "\n")
                    imported += 1
                else:
                    failed += 1
                    unopened = outcome.line is None and outcome.file in named and \
                        outcome.errors[0].code == "unreadable"
                    status = max(status, UNREADABLE if unopened else INVALID)
                warned += bool(outcome.warnings)
                if args.format == "json":
                    print(dumps(outcome.as_dict(), indent=None))
                else:
                    for error in outcome.errors:
                        print(error)
                    for warning in outcome.warnings:
                        print(f"{warning}（提示 warning）")
    except OSError as exc:
        return usage(f"无法写入 {args.output}：{exc.strerror} / cannot write {args.output}: {exc.strerror}")
    print(f"{args.output}：导入 {imported} 条，未导入 {failed} 条，有提示 {warned} 条（编码表 {table.id} {table.version}）/ "
          f"{imported} imported, {failed} not imported, {warned} with warnings", file=sys.stderr)
    return status


__all__ = ["add_import_arguments", "run_import"]
