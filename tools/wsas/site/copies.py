"""Pages copied, not generated: the normative spec text and the hand-written guides.

The spec is the normative text and must read the same in the handbook as in
the repository; only links that point outside ``spec/`` are redirected to the
handbook's own copies (downloads, rubric and program pages).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from . import layout

_LINK = re.compile(r"\]\((\.\./[^)#\s]+)(#[^)\s]*)?\)")


def spec_link(match: re.Match) -> str:
    """Links from spec/*.md to repository files outside spec/ become links to their downloads."""
    target, anchor = match.group(1), match.group(2) or ""
    path = target.removeprefix("../")
    if path.startswith("schemas/") and path.endswith(".json"):
        return f"]({layout.rel('spec/x.md', layout.schema_download(Path(path).stem))}{anchor})"
    if path.startswith("tests/conformance/"):
        return f"]({layout.rel('spec/x.md', layout.conformance_download(path.removeprefix('tests/conformance/')))})"
    if path.startswith("rubrics/") and path.endswith((".yaml", ".yml")):
        program, name = Path(path).parent.name, Path(path).stem
        page = layout.program_page(program) if name == "program" else layout.rubric_page(f"{program}/{name}")
        return f"]({layout.rel('spec/x.md', page)}{anchor})"
    return match.group(0)


def copy_spec(out: Path) -> None:
    """spec/*.md as they are, except links that leave spec/ (see :func:`spec_link`)."""
    target = out / "spec"
    target.mkdir(parents=True, exist_ok=True)
    for path in sorted(layout.SPEC.glob("*.md")):
        text = _LINK.sub(spec_link, path.read_text(encoding="utf-8"))
        (target / path.name).write_text(text, encoding="utf-8", newline="\n")


def copy_pages(out: Path) -> list[str]:
    """site_src/pages/** → the docs root, as they are; returns the Markdown pages copied."""
    pages = []
    for path in sorted(layout.PAGES.rglob("*")) if layout.PAGES.is_dir() else []:
        if path.is_file():
            relative = path.relative_to(layout.PAGES)
            target = out / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
            if path.suffix == ".md":
                pages.append(relative.as_posix())
    return pages
