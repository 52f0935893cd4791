"""Where batch records come from: files, folders and JSON Lines, read as a stream.

A record is the raw bytes of one document plus its location (file, line).
Anything that keeps a record from being read — an unreadable file in a
folder, an empty file, an over-long line — becomes a record carrying an
:class:`~wsas.errors.Error` instead, so the batch reports it and goes on.
Nothing is decoded or parsed here; that is the checker's job.
"""

from __future__ import annotations

import errno
import os
import sys
from dataclasses import dataclass

from .errors import Error, UnreadableError
from .reading import BOM, MAX_BYTES, read_bytes

LINE_SUFFIXES = (".jsonl", ".ndjson")
DOCUMENT_SUFFIXES = (".json",)
STDIN = "-"


@dataclass(frozen=True)
class Record:
    """One document to check: ``data`` is its bytes, or ``error`` says why there are none.

    ``line`` is set for JSON Lines records (1-based); whole-file documents have none.
    """

    file: str
    line: int | None
    data: bytes | None = None
    error: Error | None = None
    size: int = 0  # bytes of input this record stands for, for progress


@dataclass(frozen=True)
class Segment:
    """A run of consecutive JSON Lines of one file (``first_line`` is the number of the first), or one
    whole-file record. Segments are what the main process hands to workers: a few big byte strings
    instead of many small records, so that reading stays cheap and workers do the splitting. A segment
    of a regular file may leave its bytes in the file (``offset``): the worker reads them itself, and
    nothing but the segment's place goes through the pipe."""

    file: str
    first_line: int | None = None
    lines: bytes = b""
    record: Record | None = None
    size: int = 0
    offset: int = -1      # where the lines are in the file, when they were not carried
    newlines: int = 0     # how many newlines they hold: a file changed since is noticed

    def parts(self) -> list[bytes]:
        """The segment's lines, split at newlines (the last part follows the last newline)."""
        if self.offset < 0:
            return self.lines.split(b"\n")
        with open(self.file, "rb") as handle:
            handle.seek(self.offset)
            data = handle.read(self.size)
        parts = data.split(b"\n")
        if len(data) != self.size or len(parts) - 1 != self.newlines:
            raise OSError(errno.ESTALE, "the file changed while it was read")
        return parts

    def records(self):
        """The segment's records; blank lines are skipped (they separate nothing in JSON Lines)."""
        if self.record is not None:
            yield self.record
            return
        for offset, raw in enumerate(self.parts()):
            data = raw.rstrip(b"\r")
            if data.strip():
                yield Record(self.file, self.first_line + offset, data=data, size=len(raw) + 1)


SEGMENT_BYTES = 1024 * 1024  # a block read at once and a worker's unit of work: few round trips, flat memory
# when result documents travel back (about six times the bytes of their submissions), smaller units keep memory flat
RESULT_SEGMENT_BYTES = 256 * 1024


def expand(paths: list[str]) -> tuple[list[str], list[Error]]:
    """The files named by ``paths``: files as given, folders walked (sorted) for .json/.jsonl files.

    Paths that do not exist are returned as errors (a usage problem of the command line).
    """
    files, missing = [], []
    for path in paths:
        if path == STDIN:
            files.append(path)
        elif os.path.isdir(path):
            files.extend(_walk(path))
        elif os.path.lexists(path):
            files.append(path)
        else:
            missing.append(Error("unreadable", "文件不存在", "file not found", file=path))
    return files, missing


def named_inputs(paths: list[str], command: str, stream=None) -> tuple[list[str], bool]:
    """:func:`expand` for a command line: each missing path, and a search that found no file at all,
    is reported on ``stream`` (standard error by default). Returns the files and whether every path was found."""
    stream = stream or sys.stderr
    files, missing = expand(paths)
    for error in missing:
        print(error, file=stream)
    if not files and not missing:
        print(f"{command}: 没有找到任何 .json 或 .jsonl 文件 / no .json or .jsonl files found", file=sys.stderr)
    return files, not missing


def _walk(folder: str) -> list[str]:
    found = []
    for root, dirs, names in os.walk(folder, onerror=lambda exc: found.append(exc)):
        dirs.sort()
        found.extend(os.path.join(root, name) for name in sorted(names)
                     if name.lower().endswith(LINE_SUFFIXES + DOCUMENT_SUFFIXES) and not name.startswith("."))
    # a sub-folder that cannot be listed is reported as an unreadable "file" so it is not silently skipped
    return [item.filename if isinstance(item, OSError) else item for item in found]


def is_lines(path: str) -> bool:
    return path == STDIN or path.lower().endswith(LINE_SUFFIXES)


def total_size(files: list[str]) -> int | None:
    """Bytes to read, for a progress bar; None when unknown (standard input)."""
    size = 0
    for path in files:
        if path == STDIN:
            return None
        try:
            size += os.path.getsize(path)
        except OSError:
            pass
    return size


def records(files: list[str]):
    """Every record of ``files`` in order, streaming: one segment of a JSON Lines file in memory at a time."""
    for segment in segments(files):
        yield from segment.records()


def segments(files: list[str], by_reference: bool = False, size: int | None = None):
    """The :class:`Segment` s of ``files`` in order, of about ``size`` bytes (:data:`SEGMENT_BYTES`);
    ``by_reference``: those of regular JSON Lines files leave their bytes in the file (for worker processes,
    which read them themselves)."""
    for path in files:
        if is_lines(path):
            yield from _line_segments(path, by_reference, size or SEGMENT_BYTES)
        else:
            record = _document_record(path)
            yield Segment(path, record=record, size=record.size)


def _document_record(path: str) -> Record:
    try:
        if os.path.isdir(path):
            raise UnreadableError(Error("unreadable", "无法列出目录内容", "cannot list the folder", file=path))
        data = read_bytes(path)
    except UnreadableError as exc:
        return Record(path, None, error=exc.error)
    except Exception as exc:  # InputError (too large) and anything else the file system raises
        return Record(path, None, error=getattr(exc, "error", None) or
                      Error("unreadable", f"无法读取：{exc}", f"cannot read: {exc}", file=path))
    return Record(path, None, data=data, size=len(data))


def _line_segments(path: str, by_reference: bool = False, size: int | None = None):
    try:
        handle = sys.stdin.buffer if path == STDIN else open(path, "rb")
    except IsADirectoryError:
        yield _error_segment(path, Error("unreadable", "是目录，不是文件", "is a folder, not a file", file=path))
        return
    except OSError as exc:
        reason = "没有读取权限" if isinstance(exc, PermissionError) else f"无法读取：{exc.strerror}"
        reason_en = "permission denied" if isinstance(exc, PermissionError) else f"cannot read: {exc.strerror}"
        yield _error_segment(path, Error("unreadable", reason, reason_en, file=path))
        return
    try:
        yield from _segments_of(handle, path, by_reference and handle is not sys.stdin.buffer and handle.seekable(),
                                size or SEGMENT_BYTES)
    except OSError as exc:  # e.g. an I/O error half way through a file
        yield _error_segment(path, Error("unreadable", f"读取中断：{exc.strerror}", f"read failed: {exc.strerror}",
                                         file=path))
    finally:
        if handle is not sys.stdin.buffer:
            handle.close()


def _error_segment(path: str, error: Error, line: int | None = None, size: int = 0) -> Segment:
    return Segment(path, record=Record(path, line, error=error, size=size), size=size)


def _segments_of(handle, path: str, by_reference: bool = False, size: int | None = None):
    """The file read in blocks of :data:`SEGMENT_BYTES`, each completed to the end of its last line: a
    segment. A line longer than MAX_BYTES becomes an error record of its own (skipped, never held whole);
    a file with no record at all is reported as empty. Two copies of the bytes and no work per line: the
    main process of a parallel run reads almost for free."""
    number, anything, start, position, size = 0, False, True, 0, size or SEGMENT_BYTES
    while True:
        block = handle.read(max(size, len(BOM)) if start else size)
        if not block:
            break
        offset, position = position, position + len(block)
        if start:
            start = False
            if block.startswith(BOM):
                block, offset = block[len(BOM):], offset + len(BOM)
        skipped = 0
        if block and not block.endswith(b"\n"):  # complete the last line, unless it is over-long
            begin = block.rfind(b"\n") + 1
            tail = handle.readline(MAX_BYTES + 1)
            position += len(tail)
            if len(block) - begin + len(tail) - tail.endswith(b"\n") > MAX_BYTES:
                skipped = len(block) - begin + len(tail)
                while tail and not tail.endswith(b"\n"):
                    tail = handle.readline(MAX_BYTES + 1)
                    skipped += len(tail)
                    position += len(tail)
                block = block[:begin]
            else:
                block += tail
        if block:
            newlines = block.count(b"\n")
            yield (Segment(path, number + 1, size=len(block), offset=offset, newlines=newlines) if by_reference
                   else Segment(path, number + 1, block, size=len(block)))
            number += newlines
            anything = anything or not block.isspace()
        if skipped:
            number += 1
            yield _too_large(path, number, skipped)
            anything = True
    if not anything:
        yield _error_segment(path, Error("empty", "文件中没有任何记录（空文件）", "the file holds no records (empty)",
                                         file=path))


def _too_large(path: str, line: int, size: int) -> Segment:
    return _error_segment(path, Error("too-large", f"该行超过 {MAX_BYTES // (1024 * 1024)} MiB 上限",
                                      f"line exceeds the {MAX_BYTES // (1024 * 1024)} MiB limit",
                                      file=path, line=line), line, size)
