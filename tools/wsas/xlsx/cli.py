"""``wsas xlsx template`` (a fillable workbook of a rubric) and ``wsas xlsx import`` (filled workbooks back)."""

from __future__ import annotations

import sys

from ..commands import INVALID, OK, UNREADABLE, loaded
from ..errors import Error, UnreadableError
from ..output import dumps
from ..rubrics import catalogue_with, load_rubric
from . import import_workbook, write_template
from .report import as_json, as_text, output_paths, save


def register(xlsx) -> None:
    xlsx_commands = xlsx.add_subparsers(dest="xlsx_command", required=True)
    xlsx_template = xlsx_commands.add_parser("template", help="生成可填写的 .xlsx 评估表 / write a fillable workbook")
    xlsx_template.add_argument("rubric", metavar="RUBRIC", help="评估表标识（如 shishi-2024/town）或评估表文件")
    xlsx_template.add_argument("--output", "-o", required=True, metavar="FILE.xlsx", help="输出文件（原子写入）")
    xlsx_template.set_defaults(run=run_xlsx_template)
    xlsx_import = xlsx_commands.add_parser("import", help="导入填好的 .xlsx：校验、评分 / import filled workbooks")
    xlsx_import.add_argument("files", nargs="+", metavar="WORKBOOK", help="填好的 .xlsx 工作簿")
    xlsx_import.add_argument("--output", "-o", metavar="DIR",
                             help="输出目录（<名称>.json 与 <名称>.result.json，原子写入）；缺省为工作簿所在目录")
    xlsx_import.add_argument("--format", choices=["text", "json"], default="text")
    xlsx_import.add_argument("--rubric", action="append", default=[], metavar="FILE",
                             help="另加一份评估表文件（例如草稿），与已发布评估表一并使用")
    xlsx_import.set_defaults(run=run_xlsx_import)


def run_xlsx_template(args) -> int:
    if not args.output.lower().endswith(".xlsx"):
        print(f"wsas xlsx template: 输出文件应以 .xlsx 结尾 / the output file must end in .xlsx: {args.output}",
              file=sys.stderr)
        return UNREADABLE
    rubric, failed = loaded(load_rubric, args.rubric)
    if failed is not None:
        return failed
    try:
        layout = write_template(rubric, args.output)
    except OSError as exc:
        print(f"wsas xlsx template: 无法写入 {args.output}：{exc.strerror} / cannot write {args.output}: {exc.strerror}",
              file=sys.stderr)
        return UNREADABLE
    print(f"{args.output}：{rubric.id} {rubric.version}，{len(layout.criterion_rows)} 条细则 / "
          f"{len(layout.criterion_rows)} criteria", file=sys.stderr)
    return OK


def run_xlsx_import(args) -> int:
    catalogue, failed = loaded(catalogue_with, args.rubric)
    if failed is not None:
        return failed
    status, imported_count, taken = OK, 0, set()
    for path in args.files:
        try:
            imported = import_workbook(path, catalogue)
        except UnreadableError as exc:
            status = UNREADABLE
            print(dumps({"file": path, "ok": False, "errors": [exc.error.as_dict()]}, indent=None)
                  if args.format == "json" else exc.error)
            continue
        written = None
        if imported.ok:
            targets = output_paths(path, args.output)
            if any(target.resolve() in taken for target in targets):
                imported.errors.append(Error("output-conflict", f"输出文件 {targets[0]} 与同批另一工作簿重名，未写入",
                                             f"output {targets[0]} clashes with another workbook of this batch; "
                                             "nothing written", file=path))
            else:
                try:
                    written = save(imported, args.output)
                    taken.update(target.resolve() for target in targets)
                except OSError as exc:
                    status = UNREADABLE
                    imported.errors.append(Error("unwritable", f"无法写入输出：{exc}", f"cannot write the output: {exc}",
                                                 file=path))
        status = max(status, INVALID if imported.errors else OK)
        imported_count += written is not None
        print(as_json(imported, written) if args.format == "json" else as_text(imported, written))
    if args.format == "text":
        failed = len(args.files) - imported_count
        print(f"合计 {len(args.files)} 份：导入 {imported_count}，失败 {failed} / "
              f"{len(args.files)} workbook(s): {imported_count} imported, {failed} failed", file=sys.stderr)
    return status
