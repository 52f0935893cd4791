"""``python -m wsas.site.vendors_dist DIR``: the vendors' conformance kit alone, written into DIR (``make dist``).

A module of its own, so that running it does not find it already imported by ``wsas.site``.
"""

from __future__ import annotations

import sys
from pathlib import Path

from ..output import OutputError
from .vendors_kit import build_into


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1 or args[0].startswith("-"):
        print("用法 / usage: python -m wsas.site.vendors_dist DIR", file=sys.stderr)
        return 2
    try:
        target = build_into(Path(args[0]))
    except OutputError as exc:
        print(exc.message("wsas.site.vendors_dist"), file=sys.stderr)
        return 2
    print(target)
    return 0


if __name__ == "__main__":
    sys.exit(main())
