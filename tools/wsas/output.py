"""Writing results: exact decimals as JSON numbers, files replaced atomically."""

from __future__ import annotations

import json
import os
import tempfile
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
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
