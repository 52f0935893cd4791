"""Command line: ``wsas lint | validate | score | schedule | check | schema | xlsx | site | bulletin | records``.

Exit codes: 0 everything valid, 1 something invalid, 2 usage error or an
input that could not be opened.

A command's module (and what it imports: schemas, openpyxl, jinja2…) loads only
when that command runs, so ``wsas --help`` and a one-file ``wsas score`` start
at once; the other commands appear in the parser by name and help only.
"""

from __future__ import annotations

import argparse
import importlib
import signal
import sys
import threading

from . import __version__
from .commands import OK, UNREADABLE
from .output import TERMINATED, OutputError, catch_sigterm, check_terminated, terminating

# name: (help, "module:function" that adds the command's arguments to its parser)
COMMANDS = {
    "lint": ("检查评估表数据 / check rubric data", "wsas.lint_cli:register"),
    "validate": ("校验填报（文件、目录、JSON Lines）/ validate submissions", "wsas.scoring.cli:register_validate"),
    "score": ("评分（文件、目录、JSON Lines）/ score submissions", "wsas.scoring.cli:register_score"),
    "schedule": ("方案日程 / the calendar of a program instance", "wsas.workflows.cli:register_schedule"),
    "check": ("检查事件记录 / check an event log against its program", "wsas.workflows.cli:register_check"),
    "schema": ("模式文件 / schemas", "wsas.schema_cli:register"),
    "xlsx": ("电子表格评估表 / spreadsheet templates and their import", "wsas.xlsx.cli:register"),
    "site": ("手册 / the handbook", "wsas.site.cli:register"),
    "bulletin": ("季度通报 / the quarterly bulletin of a program's results", "wsas.bulletin.cli:register"),
    "records": ("隐患与风险记录 / hazard and risk records", "wsas.records.cli:register"),
    "conformance": ("一致性测试 / run the conformance suite against an implementation", "wsas.conformance.cli:register"),
}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = _parser(_command_of(argv))
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


def _command_of(argv: list[str]) -> str | None:
    """The command named in ``argv``: the first word that is not an option (``wsas`` has only -h and --version)."""
    return next((word for word in argv if not word.startswith("-")), None)


def _parser(chosen: str | None = None) -> argparse.ArgumentParser:
    """The parser, with the arguments of the ``chosen`` command (every command's, when ``chosen`` is "*")."""
    parser = argparse.ArgumentParser(prog="wsas", description="WSAS 工作安全评估规范参考实现 / reference implementation")
    parser.add_argument("--version", action="version", version=f"wsas {__version__}")
    commands = parser.add_subparsers(dest="command")
    for name, (helptext, where) in COMMANDS.items():
        command = commands.add_parser(name, help=helptext)
        if chosen in (name, "*"):
            module, function = where.split(":")
            getattr(importlib.import_module(module), function)(command)
    return parser
