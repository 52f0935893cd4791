"""Data files already proved valid against their schema: not checked again on the next start.

Checking the published rubric and program files against their schemas with the
reference validator was most of the time a one-file ``wsas score`` took. A file
checked clean is remembered by a digest of its bytes, the schema's name, every
schema file and the wsas version, as an empty marker file in the user's cache
folder: any change to the data, the schemas or wsas gives another digest, so a
stale entry can never vouch for changed data. Only clean results are kept;
errors are always computed afresh.

The folder is ``$WSAS_CACHE_DIR`` (empty: no cache), else
``$XDG_CACHE_HOME/wsas/checked``, else ``~/.cache/wsas/checked``. A folder that
cannot be written just means no cache.
"""

from __future__ import annotations

import hashlib
import os
from functools import cache
from pathlib import Path

from . import __version__
from .paths import schemas_dir


def folder() -> Path | None:
    chosen = os.environ.get("WSAS_CACHE_DIR")
    if chosen is not None:
        return Path(chosen) if chosen else None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "wsas" / "checked"


@cache
def _schemas_digest(where: Path) -> bytes:
    digest = hashlib.sha256(__version__.encode())
    for path in sorted(where.glob("*.json")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.digest()


def key(data: bytes, schema: str) -> str:
    """The digest naming ``data`` checked against schema ``schema`` (and every schema it may refer to)."""
    return hashlib.sha256(_schemas_digest(schemas_dir()) + schema.encode() + b"\0" + data).hexdigest()


def known(digest: str) -> bool:
    where = folder()
    return where is not None and (where / digest).is_file()


def remember(digest: str) -> None:
    where = folder()
    if where is None:
        return
    try:
        where.mkdir(parents=True, exist_ok=True)
        (where / digest).touch()
    except OSError:  # read-only home, full disk: run without the cache
        pass
