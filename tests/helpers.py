"""Shared test helpers: running the CLI as a user would, and the example files."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted(ROOT.glob("rubrics/*/examples/*.json"))
VALID_EXAMPLES = [p for p in EXAMPLES if p.name.endswith(".valid.json")]
INVALID_EXAMPLES = [p for p in EXAMPLES if p.name.endswith(".invalid.json")]


def run_wsas(*args, cwd=None) -> subprocess.CompletedProcess:
    """``python -m wsas ARGS`` in a subprocess; asserts it never dies with a traceback."""
    completed = subprocess.run([sys.executable, "-m", "wsas", *map(str, args)], capture_output=True,
                               text=True, cwd=cwd or ROOT, timeout=120)
    assert "Traceback" not in completed.stderr, completed.stderr
    return completed


def expected_code(path: Path) -> str:
    """``enterprise.off-step.invalid.json`` → ``off-step``."""
    return path.name.removesuffix(".invalid.json").split(".", 1)[1]
