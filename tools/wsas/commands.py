"""What every ``wsas`` command shares: its exit codes and how it reports a rubric or program it cannot load."""

from __future__ import annotations

import sys

OK, INVALID, UNREADABLE = 0, 1, 2


def loaded(load, ref):
    """``(load(ref), None)``, or ``(None, exit status)`` after printing why a rubric, program or file
    named on the command line does not load."""
    from .errors import UnreadableError
    from .rubrics import RubricError  # not at import: the command line starts without the rubric data

    try:
        return load(ref), None
    except RubricError as exc:
        return None, rubric_failure(exc)
    except UnreadableError as exc:
        print(exc.error, file=sys.stderr)
        return None, UNREADABLE


def rubric_failure(exc) -> int:
    """Print each error of a :class:`wsas.RubricError` and return the usage-error status."""
    for error in exc.errors:
        print(error, file=sys.stderr)
    return UNREADABLE
