"""Command line: ``wsas lint | validate | score | schema bundle``.

Exit codes: 0 everything valid, 1 something invalid, 2 usage error or an
input that could not be opened.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from pathlib import Path

from . import __version__
from .errors import Error, InputError, UnreadableError
from .batch_cli import add_arguments as add_batch_arguments, run_score, run_validate
from .bulletin.cli import register as register_bulletin
from .check import check_log
from .records.cli import register as register_records
from .deadlines import WorkflowError, parse_date
from .lint import lint_file
from .program_lint import lint_program_file
from .programs import load_program, program_paths
from .schedule import as_ics, as_table, build_schedule
from .workdays import CalendarRangeError
from .output import TERMINATED, OutputError, catch_sigterm, check_terminated, dumps, terminating, write_atomic
from .reading import load_document, load_json_file
from .rubrics import RubricError, catalogue_with, load_rubric, published_paths
from .schemas import bundle

OK, INVALID, UNREADABLE = 0, 1, 2


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help(sys.stderr)
        return UNREADABLE
    previous = None
    if threading.current_thread() is threading.main_thread():
        previous = catch_sigterm()
    try:
        status = args.run(args)
        check_terminated()
        return status
    except BaseException as exc:
        if not terminating():
            return _failure(exc, args)
        print("wsas: 收到 SIGTERM，已停止；未完成的输出没有写入，原有文件不变 / terminated (SIGTERM); "
              "unfinished outputs were not written, existing files left as they were", file=sys.stderr)
        return TERMINATED
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _failure(exc: BaseException, args) -> int:
    if isinstance(exc, BrokenPipeError):
        return OK
    if isinstance(exc, KeyboardInterrupt):
        return 130
    if isinstance(exc, OutputError):  # a full disk or a read-only folder under any command's output file
        print(exc.message(f"wsas {args.command}"), file=sys.stderr)
        return UNREADABLE
    raise exc


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="wsas", description="WSAS 工作安全评估规范参考实现 / reference implementation")
    parser.add_argument("--version", action="version", version=f"wsas {__version__}")
    commands = parser.add_subparsers(dest="command")

    lint = commands.add_parser("lint", help="检查评估表数据 / check rubric data")
    lint.add_argument("rubrics", nargs="*", metavar="RUBRIC", help="评估表文件或标识；缺省为全部已发布评估表")
    lint.add_argument("--format", choices=["text", "json"], default="text")
    lint.set_defaults(run=run_lint)

    for name, helptext, runner in (("validate", "校验填报（文件、目录、JSON Lines）/ validate submissions", run_validate),
                                   ("score", "评分（文件、目录、JSON Lines）/ score submissions", run_score)):
        command = commands.add_parser(name, help=helptext)
        add_batch_arguments(command, scoring=name == "score")
        command.set_defaults(run=runner)

    schedule = commands.add_parser("schedule", help="方案日程 / the calendar of a program instance")
    schedule.add_argument("program", metavar="PROGRAM", help="方案标识（如 haimen-2022）或方案文件")
    schedule.add_argument("--start", required=True, type=_date_arg, help="开始日期 YYYY-MM-DD")
    schedule.add_argument("--end", type=_date_arg, help="结束日期 YYYY-MM-DD（专项整治结束日）")
    schedule.add_argument("--format", choices=["table", "json", "ics"], default="table")
    schedule.add_argument("--output", "-o", metavar="FILE", help="写入文件（原子写入）")
    schedule.add_argument("--weekday-fallback", action="store_true",
                          help="超出节假日历年份时按周一至周五推算工作日（结果中标注）")
    schedule.set_defaults(run=run_schedule)

    check = commands.add_parser("check", help="检查事件记录 / check an event log against its program")
    check.add_argument("program", metavar="PROGRAM", help="方案标识或方案文件")
    check.add_argument("log", metavar="EVENTLOG", help="事件记录 JSON 文件")
    check.add_argument("--format", choices=["text", "json"], default="text")
    check.add_argument("--weekday-fallback", action="store_true")
    check.set_defaults(run=run_check)

    schema = commands.add_parser("schema", help="模式文件 / schemas")
    schema_commands = schema.add_subparsers(dest="schema_command", required=True)
    bundled = schema_commands.add_parser("bundle", help="生成单文件模式 / write the bundled schema")
    bundled.add_argument("--output", "-o", metavar="FILE", help="输出文件；缺省写到标准输出")
    bundled.set_defaults(run=run_bundle)

    xlsx = commands.add_parser("xlsx", help="电子表格评估表 / spreadsheet templates and their import")
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

    site = commands.add_parser("site", help="手册 / the handbook")
    site_commands = site.add_subparsers(dest="site_command", required=True)
    site_build = site_commands.add_parser("build", help="生成手册页面与下载文件 / write the handbook pages and downloads")
    site_build.add_argument("--out", metavar="DIR", help="输出目录，缺省为 build/docs（mkdocs.yml 的 docs_dir）")
    site_build.set_defaults(run=run_site_build)
    site_serve = site_commands.add_parser("serve", help="生成手册并本地预览（mkdocs serve）/ build, then preview locally")
    site_serve.add_argument("--dev-addr", default="127.0.0.1:8000", metavar="IP:PORT", help="预览地址，缺省 127.0.0.1:8000")
    site_serve.set_defaults(run=run_site_serve)
    register_bulletin(commands)
    register_records(commands)
    return parser


def run_lint(args) -> int:
    paths = []
    every = [str(p) for p in published_paths()] + [str(p) for p in program_paths()]
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
    reports = [lint_program_file(path) if _is_program(path) else lint_file(path) for path in paths]
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
        return _rubric_failure(exc)
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
        return _rubric_failure(exc)
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


def run_bundle(args) -> int:
    text = dumps(bundle()) + "\n"
    if args.output:
        write_atomic(args.output, text)
    else:
        sys.stdout.write(text)
    return OK


def run_xlsx_template(args) -> int:
    from .xlsx import write_template  # openpyxl loads only when needed

    if not args.output.lower().endswith(".xlsx"):
        print(f"wsas xlsx template: 输出文件应以 .xlsx 结尾 / the output file must end in .xlsx: {args.output}",
              file=sys.stderr)
        return UNREADABLE
    try:
        rubric = load_rubric(args.rubric)
    except RubricError as exc:
        return _rubric_failure(exc)
    except UnreadableError as exc:
        print(exc.error, file=sys.stderr)
        return UNREADABLE
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
    from .xlsx import import_workbook
    from .xlsx.report import as_json, as_text, output_paths, save

    try:
        catalogue = catalogue_with(args.rubric)
    except RubricError as exc:
        return _rubric_failure(exc)
    except UnreadableError as exc:
        print(exc.error, file=sys.stderr)
        return UNREADABLE
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


def run_site_build(args) -> int:
    from .site import SiteError, build_site  # the handbook's dependencies load only when needed
    from .site.layout import DEFAULT_OUT

    try:
        summary = build_site(args.out or DEFAULT_OUT)
    except (SiteError, RubricError) as exc:
        print(f"wsas site build: {exc}", file=sys.stderr)
        return UNREADABLE
    print(f"手册页面 {len(summary['pages'])} 个、下载文件已写入 {summary['out']}；浏览器代码：{summary['assets']} / "
          f"{len(summary['pages'])} generated pages and the downloads written to {summary['out']}", file=sys.stderr)
    return OK


def run_site_serve(args) -> int:
    import subprocess

    from .site.layout import ROOT

    args.out = None
    status = run_site_build(args)
    if status != OK:
        return status
    return subprocess.call([sys.executable, "-m", "mkdocs", "serve", "--dev-addr", args.dev_addr], cwd=ROOT)


def _rubric_failure(exc: RubricError) -> int:
    for error in exc.errors:
        print(error, file=sys.stderr)
    return UNREADABLE
