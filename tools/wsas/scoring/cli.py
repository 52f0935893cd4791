"""``wsas validate`` and ``wsas score`` over files, folders and JSON Lines, streaming.

Every bad record is reported (file, line, JSON pointer, zh + en) and the rest
are processed; a summary by rubric and error code ends the run. Outputs are
streamed into temporary files and published atomically when the run ends.
"""

from __future__ import annotations

import csv
import sys
from contextlib import ExitStack, closing

import orjson

from ..commands import INVALID, OK, UNREADABLE
from .batch import CSV_COLUMNS, CheckerSpec, Formats, Summary, jobs_for, run
from ..output import OutputError, OutputGroup, atomic_file, check_terminated, dumps
from ..rubrics import RubricError
from ..sources import RESULT_SEGMENT_BYTES, SEGMENT_BYTES, is_lines, named_inputs, segments, total_size



def register_validate(command) -> None:
    add_arguments(command, scoring=False)
    command.set_defaults(run=run_validate)


def register_score(command) -> None:
    add_arguments(command, scoring=True)
    command.set_defaults(run=run_score)


def add_arguments(command, scoring: bool) -> None:
    command.add_argument("files", nargs="+", metavar="INPUT",
                         help="填报 JSON 文件、JSON Lines 文件（.jsonl，每行一份）、目录（递归查找 .json/.jsonl）或 -（标准输入，JSON Lines）")
    command.add_argument("--format", choices=["text", "json"], default=None,
                         help="标准输出格式；缺省为 text（score 指定了 --jsonl/--csv 时缺省不输出逐条结果）")
    command.add_argument("--rubric", action="append", default=[], metavar="FILE",
                         help="另加一份评估表文件（例如草稿），与已发布评估表一并使用")
    command.add_argument("--jobs", "-j", type=int, default=None, metavar="N",
                         help="工作进程数；缺省在输入较大（≥8 MiB）时每个 CPU 核一个（写结果文档且不多于 2 核时为 1），否则 1")
    command.add_argument("--quiet", "-q", action="store_true", help="不显示进度条和汇总（错误仍逐条输出）")
    command.add_argument("--summary", metavar="FILE", help="把汇总写成 JSON 文件（原子写入）")
    if scoring:
        command.add_argument("--output", "-o", metavar="FILE", help="把标准输出的内容改写入文件（原子写入；没有任何结果时不写）")
        command.add_argument("--jsonl", metavar="FILE", help="评分结果写成 JSON Lines（每行一份结果文档，原子写入）")
        command.add_argument("--csv", metavar="FILE", help="得分汇总表 CSV（UTF-8 带 BOM，Excel/WPS 可直接打开；原子写入）")
        command.add_argument("--program", action="append", default=[], metavar="FILE",
                             help="另加一份方案文件（例如采用单位规定了分数线的分级），用于等级与结果运用")


def run_validate(args) -> int:
    return _run(args, scoring=False)


def run_score(args) -> int:
    return _run(args, scoring=True)


def _run(args, scoring: bool) -> int:
    files, found = named_inputs(args.files, f"wsas {'score' if scoring else 'validate'}",
                                sys.stderr if scoring else sys.stdout)
    status = OK if found else UNREADABLE
    if not files:
        return UNREADABLE
    jsonl, table = (getattr(args, "jsonl", None), getattr(args, "csv", None)) if scoring else (None, None)
    fmt = args.format or ("text" if not (jsonl or table) else None)
    formats = Formats(scoring=scoring, stdout=fmt, results=bool(scoring and (jsonl or fmt == "json")), rows=bool(table))
    spec = CheckerSpec(tuple(args.rubric), tuple(getattr(args, "program", [])), formats)
    try:
        checker = spec()
    except RubricError as exc:
        for error in exc.errors:
            print(f"wsas: {error}", file=sys.stderr)
        return UNREADABLE
    named = {path for path in args.files if path in files}  # files named on the command line, not found in a folder
    single_document = len(files) == 1 and not is_lines(files[0])
    summary = Summary()
    size = total_size(files)
    jobs = jobs_for(args.jobs, size, formats.results)
    try:
        with OutputGroup() as group, ExitStack() as stack:  # every output published together, or none
            out = _Outputs(stack, group, args, jsonl, table, fmt)
            progress = stack.enter_context(_progress(size, args.quiet or not sys.stderr.isatty(),
                                                     "校验评分" if scoring else "校验"))
            # closed first on any exit (SIGTERM, a full disk): the worker processes stop before the outputs are dropped
            size = RESULT_SEGMENT_BYTES if formats.results else SEGMENT_BYTES
            chunks = stack.enter_context(closing(run(segments(files, jobs > 1, size), spec, jobs, checker)))
            for chunk in chunks:
                check_terminated()  # SIGTERM raised inside a callback may have come out as another error, or none
                summary.add_chunk(chunk)
                progress.update(chunk.size)
                for outcome in chunk.invalid:
                    unopened = outcome.file in named and outcome.line is None and outcome.errors[0].code == "unreadable"
                    status = max(status, UNREADABLE if unopened else INVALID)
                    if scoring:
                        for error in outcome.errors:
                            _say(progress, str(error), sys.stderr)
                if chunk.stdout:
                    out.write_stdout("".join(chunk.stdout), progress)
                out.results(chunk, single_document, progress)
            check_terminated()
            out.finish(summary if args.summary else None)
    except OutputError as exc:
        print(exc.message(f"wsas {'score' if scoring else 'validate'}"), file=sys.stderr)
        return UNREADABLE
    except OSError as exc:
        print(f"wsas: 无法写入输出 / cannot write an output: {exc}", file=sys.stderr)
        return UNREADABLE
    if not args.quiet:
        print(summary.text(), file=sys.stderr)
    return status


class _NoProgress:
    """What a run without a progress bar (quiet, or standard error is not a terminal) talks to."""

    disable = True

    def __enter__(self):
        return self

    def __exit__(self, *exc_info) -> None:
        return None

    def update(self, amount) -> None:
        return None


def _progress(size: int, hidden: bool, label: str):
    """A tqdm bar on the terminal; tqdm is imported only when one is shown (it slows every start-up)."""
    if hidden:
        return _NoProgress()
    from tqdm import tqdm

    return tqdm(total=size, unit="B", unit_scale=True, leave=False, desc=label)


def _say(progress, text: str, stream) -> None:
    """A line of output that does not tear the progress bar apart."""
    if progress.disable:
        print(text, file=stream)
    else:
        progress.write(text, file=stream)


class _Outputs:
    """The run's outputs: standard output (or ``--output``), ``--jsonl``, ``--csv``, ``--summary``.

    Files are streamed into temporary files that replace their targets only when the run completes;
    the ``--output`` file is not written at all when no record was scored (as before batches existed).
    """

    def __init__(self, stack: ExitStack, group: OutputGroup, args, jsonl: str | None, table: str | None,
                 fmt: str | None):
        self.fmt = fmt
        self._stack, self._group = stack, group
        self._output_path = getattr(args, "output", None)
        self._stdout = None if self._output_path else sys.stdout
        self._jsonl = stack.enter_context(atomic_file(jsonl, encoding=None, group=group)) if jsonl else None
        self._csv = None
        if table:
            self._csv = stack.enter_context(atomic_file(table, encoding="utf-8-sig", newline="", group=group))
            _write(self._csv, table, lambda stream: csv.writer(stream).writerow(CSV_COLUMNS))
        self._jsonl_path, self._csv_path = jsonl, table
        self._summary_path = args.summary

    def write_stdout(self, text: str, progress) -> None:
        if self._stdout is None:  # --output is opened on first use: a run that scores nothing writes no file
            self._stdout = self._stack.enter_context(atomic_file(self._output_path, group=self._group))
        if self._stdout is sys.stdout and not progress.disable:
            progress.write(text.rstrip("\n"), file=sys.stdout)  # keeps the bar on stderr intact
        elif self._stdout is sys.stdout:
            self._stdout.write(text)
        else:
            _write(self._stdout, self._output_path, lambda stream: stream.write(text))

    def results(self, chunk, single_document: bool, progress) -> None:
        """A chunk's result lines and CSV rows, written as they come."""
        if self._jsonl is not None:
            _write(self._jsonl, self._jsonl_path, lambda stream: stream.write(chunk.results))
        if self._csv is not None:
            _write(self._csv, self._csv_path, lambda stream: stream.write(chunk.rows))
        if self.fmt == "json" and chunk.results:
            if single_document:
                self.write_stdout(dumps(orjson.loads(chunk.results)) + "\n", progress)
            else:
                self.write_stdout(chunk.results.decode("utf-8"), progress)

    def finish(self, summary: Summary | None) -> None:
        if summary is not None:
            with atomic_file(self._summary_path, group=self._group) as stream:
                _write(stream, self._summary_path, lambda stream: stream.write(dumps(summary.as_dict()) + "\n"))


def _write(stream, path: str, write) -> None:
    """``write(stream)``, a failing file system reported as an :class:`OutputError` naming ``path``."""
    try:
        write(stream)
    except OutputError:
        raise
    except OSError as exc:
        raise OutputError(path, exc) from exc

