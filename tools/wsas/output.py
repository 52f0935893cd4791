"""Writing results: exact decimals as JSON numbers, files replaced atomically."""

from __future__ import annotations

import errno
import json
import os
import signal
import tempfile
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path


def plain(value, exact: bool = True):
    """JSON-ready data: Decimal becomes int or the float with the same shortest repr.

    With ``exact`` (results, exports) a decimal that no JSON number reproduces
    is an error; without it (messages quoting bad input) the nearest float is used.
    """
    if isinstance(value, Decimal):
        if _integer(value):
            return int(value)
        as_float = _exact_double(value)
        if as_float is not None:
            return as_float
        if exact:  # never print a number that differs from the decimal
            raise ValueError(f"{value} cannot be written exactly as a JSON number")
        return float(value)
    if isinstance(value, dict):
        return {key: plain(item, exact) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(item, exact) for item in value]
    return value


def writes_exactly(value: Decimal) -> bool:
    """Whether ``plain`` can write this decimal as a JSON number that reads back as the same value:
    an integer below 10^18, or a decimal a double holds (its shortest repr is the decimal). Beyond
    that, e.g. 1e309 or 12345678901234567890.5, a reader with doubles would get another number."""
    return _integer(value) or _exact_double(value) is not None


def _integer(value: Decimal) -> bool:
    return value.is_finite() and value == value.to_integral_value() and abs(value) < 10 ** 18


def _exact_double(value: Decimal) -> float | None:
    """The double whose shortest repr is this decimal, if there is one."""
    as_float = float(value)
    return as_float if value.is_finite() and Decimal(repr(as_float)) == value else None


def dumps(value, indent: int | None = 2, exact: bool = True) -> str:
    return json.dumps(plain(value, exact), ensure_ascii=False, indent=indent)


_REASONS = {  # errno → what it means for an output, in Chinese (the English is the system's strerror)
    errno.ENOSPC: "磁盘空间已满", errno.EDQUOT: "超出磁盘配额", errno.EROFS: "只读文件系统",
    errno.EACCES: "没有写入权限", errno.EPERM: "不允许写入", errno.ENOTDIR: "路径中有一段不是目录",
    errno.EEXIST: "路径中有一段已存在且不是目录", errno.EISDIR: "输出路径是目录", errno.EFBIG: "文件超出大小限制",
    errno.ENOENT: "目录不存在", errno.EIO: "输入输出错误",
}


class OutputError(OSError):
    """An output that could not be written (full disk, read-only folder, no permission …); ``filename``
    is the output path asked for, not the temporary file. Nothing was published at that path."""

    def __init__(self, path: str | Path, cause: OSError):
        super().__init__(cause.errno, cause.strerror or str(cause), str(path))
        self.path = str(path)

    @property
    def reason(self) -> str:
        return _REASONS.get(self.errno, "写入失败")

    def message(self, prog: str = "wsas") -> str:
        """``prog: 无法写入输出 PATH：原因 / cannot write the output PATH: reason``."""
        return (f"{prog}: 无法写入输出 {self.path}：{self.reason}；未写入任何内容，原有文件不变 / "
                f"cannot write the output {self.path}: {self.strerror}; nothing written, any existing file left as it was")


def _unwritable(path: Path, exc: OSError) -> OutputError:
    return exc if isinstance(exc, OutputError) else OutputError(path, exc)


def write_atomic(path: str | Path, text: str) -> None:
    """Write ``text`` to ``path`` so that readers see the old file or the whole new one, never a part."""
    with atomic_file(path) as stream:
        try:
            stream.write(text)
        except OSError as exc:
            raise _unwritable(Path(path), exc) from exc


class OutputGroup:
    """Outputs of one run published together: each :func:`atomic_file` opened with ``group=`` is
    written and synced to its temporary file, but replaces its target only when the group ends
    without an exception, so a run that fails half way (a full disk while writing the last output)
    leaves every output path as it was. Use as a context manager around the files."""

    def __init__(self):
        self._staged: list[tuple[str, Path]] = []

    def __enter__(self):
        return self

    def __exit__(self, kind, value, traceback):
        if kind is not None:
            self.discard()
            return False
        self.publish()
        return False

    def _stage(self, temporary: str, path: Path) -> None:
        self._staged.append((temporary, path))

    def publish(self) -> None:
        while self._staged:
            temporary, path = self._staged[0]
            try:
                os.replace(temporary, path)
            except OSError as exc:
                self.discard()
                raise _unwritable(path, exc) from exc
            self._staged.pop(0)

    def discard(self) -> None:
        for temporary, _ in self._staged:
            Path(temporary).unlink(missing_ok=True)
        self._staged.clear()


@contextmanager
def atomic_file(path: str | Path, encoding: str | None = "utf-8", newline: str | None = "\n",
                group: OutputGroup | None = None):
    """A stream into a temporary file beside ``path`` that replaces ``path`` only when the block ends
    without an exception; on failure the temporary file is removed and ``path`` is untouched. Lets a
    batch stream millions of lines to disk and still publish the output atomically. ``encoding=None``
    gives a binary stream. With ``group`` the replacement waits for the whole :class:`OutputGroup`.

    A failure of the file system (creating, flushing, syncing or renaming the file) raises
    :class:`OutputError` naming ``path``; writes inside the block raise what the stream raises.
    Killed outright (SIGKILL, power loss) a hidden ``.NAME.xxxx.tmp`` may stay behind, never a part
    of the file at ``path``."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise _unwritable(path, exc) from exc
    try:
        stream = (os.fdopen(handle, "wb") if encoding is None else
                  os.fdopen(handle, "w", encoding=encoding, newline=newline))
        completed = False
        try:
            yield stream
            try:
                stream.flush()
                os.fsync(stream.fileno())
            except OSError as exc:
                raise _unwritable(path, exc) from exc
            completed = True
        finally:
            try:
                stream.close()
            except OSError as exc:  # the buffer could not be flushed: only news when nothing failed before
                if completed:
                    raise _unwritable(path, exc) from exc
        try:
            os.chmod(temporary, 0o666 & ~_umask())
            if group is None:
                os.replace(temporary, path)
        except OSError as exc:
            raise _unwritable(path, exc) from exc
        if group is not None:
            group._stage(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


TERMINATED = 128 + signal.SIGTERM  # the shell's code for "ended by SIGTERM"
_terminating = False


class Terminated(SystemExit):
    """SIGTERM, turned into an exception so that every ``finally`` runs: temporary outputs are removed,
    worker processes stopped. A SystemExit, so no ``except Exception`` on the way swallows it."""

    def __init__(self):
        super().__init__(TERMINATED)


def _on_sigterm(signum, frame):
    global _terminating
    _terminating = True
    signal.signal(signal.SIGTERM, signal.SIG_IGN)  # a second SIGTERM must not interrupt the clean-up
    raise Terminated()


def catch_sigterm():
    """Turn SIGTERM into :class:`Terminated` (main thread only); returns the handler to restore, or None."""
    global _terminating
    _terminating = False
    return signal.signal(signal.SIGTERM, _on_sigterm)


def terminating() -> bool:
    """Whether SIGTERM arrived: the exception it raised may have been turned into another one on the way
    (inside a C extension's callback, say), so the command line asks this rather than the exception's type."""
    return _terminating


def check_terminated() -> None:
    """Raise :class:`Terminated` if SIGTERM arrived but its exception was swallowed somewhere."""
    if _terminating:
        raise Terminated()


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
