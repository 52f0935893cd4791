"""Writing results: exact decimals as JSON numbers, files replaced atomically."""

from __future__ import annotations

import json
import os
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
        if value.is_finite() and value == value.to_integral_value() and abs(value) < 10 ** 18:
            return int(value)
        as_float = float(value)
        if exact and Decimal(repr(as_float)) != value:  # never print a number that differs from the decimal
            raise ValueError(f"{value} cannot be written exactly as a JSON number")
        return as_float
    if isinstance(value, dict):
        return {key: plain(item, exact) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(item, exact) for item in value]
    return value


def dumps(value, indent: int | None = 2, exact: bool = True) -> str:
    return json.dumps(plain(value, exact), ensure_ascii=False, indent=indent)


def write_atomic(path: str | Path, text: str) -> None:
    """Write ``text`` to ``path`` so that readers see the old file or the whole new one, never a part."""
    with atomic_file(path) as stream:
        stream.write(text)


@contextmanager
def atomic_file(path: str | Path, encoding: str | None = "utf-8", newline: str | None = "\n"):
    """A stream into a temporary file beside ``path`` that replaces ``path`` only when the block ends
    without an exception; on failure the temporary file is removed and ``path`` is untouched. Lets a
    batch stream millions of lines to disk and still publish the output atomically. ``encoding=None``
    gives a binary stream."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with (os.fdopen(handle, "wb") if encoding is None else
              os.fdopen(handle, "w", encoding=encoding, newline=newline)) as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o666 & ~_umask())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
