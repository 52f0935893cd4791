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


def build_docs(tmp_path_factory, name: str = "handbook") -> Path:
    """The handbook's docs folder, built into a temporary place (the repository's build/ is left alone)."""
    from wsas.site import build_site

    out = tmp_path_factory.mktemp(name) / "docs"
    build_site(out)
    return out


def mkdocs_site(built: Path) -> Path:
    """``mkdocs build --strict`` of built docs with the repository's mkdocs.yml pointed at them; fails on a warning."""
    import os

    import yaml
    from wsas.site import layout

    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    config.update(INHERIT=str(built / layout.NAV_FILE), docs_dir=str(built), site_dir=str(built.parent / "site"))
    if "custom_dir" in config.get("theme", {}):  # relative to mkdocs.yml, which moves to the temporary folder
        config["theme"]["custom_dir"] = str(ROOT / config["theme"]["custom_dir"])
    path = built.parent / "mkdocs.yml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    completed = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(path)], cwd=ROOT,
                               capture_output=True, text=True, timeout=300,
                               env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "WARNING" not in completed.stderr, completed.stderr
    return built.parent / "site"
