"""Where the specification data lives: inside an installed wheel, or in the repository."""

from __future__ import annotations

import os
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def data_root() -> Path:
    """The folder holding ``schemas/``, ``rubrics/``, ``records/`` and ``calendar/``.

    A wheel carries them under ``wsas/_data``; an editable install or a
    checkout reads them from the repository top level.
    """
    bundled = _PACKAGE / "_data"
    if (bundled / "schemas").is_dir():
        return bundled
    return _PACKAGE.parent.parent


def schemas_dir() -> Path:
    return data_root() / "schemas"


def rubrics_dir() -> Path:
    return data_root() / "rubrics"


def records_dir() -> Path:
    """Record rules, cadences, code tables and example ledgers (``records/``)."""
    return data_root() / "records"


def calendar_dir() -> Path:
    """The working-day calendar table (``calendar/china.json``), published spec data."""
    return data_root() / "calendar"


def sources_dir() -> Path | None:
    """The source documents (``shared/sources``) when they can be found.

    They sit beside the repository checkout; ``WSAS_SOURCES`` overrides.
    """
    configured = os.environ.get("WSAS_SOURCES")
    candidates = [Path(configured)] if configured else []
    repo = _PACKAGE.parent.parent
    candidates += [repo.parent / "shared" / "sources", repo / "shared" / "sources"]
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    return None
