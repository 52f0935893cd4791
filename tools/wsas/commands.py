"""What every ``wsas`` command shares: its exit codes and how it reports a rubric or program it cannot load."""

from __future__ import annotations

import sys

OK, INVALID, UNREADABLE = 0, 1, 2


def rubric_failure(exc) -> int:
    """Print each error of a :class:`wsas.RubricError` and return the usage-error status."""
    for error in exc.errors:
        print(error, file=sys.stderr)
    return UNREADABLE
