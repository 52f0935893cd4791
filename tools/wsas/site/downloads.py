"""The handbook's downloads: the very files vendors and the browser form use.

Schemas, examples and conformance vectors are copied byte for byte (what the
handbook serves is what the repository holds); rubric and program data are
written as JSON from the same YAML the reference implementation reads.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from ..output import dumps
from ..programs import published_programs
from ..rubrics import published_catalogue
from ..paths import rubrics_dir, schemas_dir
from ..schemas import NAMES, bundle
from . import layout


def write_downloads(out: Path) -> dict:
    """Write every download under ``out``; returns what was written, for the pages to link to."""
    written = {"schemas": [], "rubrics": [], "programs": [], "examples": {}, "eventlogs": {}, "conformance": []}
    for name in NAMES:
        _copy(schemas_dir() / f"{name}.json", out / layout.schema_download(name))
        written["schemas"].append(name)
    _write(out / layout.BUNDLE, dumps(bundle()) + "\n")
    for rubric in published_catalogue():
        _write(out / layout.rubric_download(rubric.id), dumps(rubric.data) + "\n")
        written["rubrics"].append(rubric.id)
    for program in published_programs().values():
        _write(out / layout.program_download(program.id), dumps(program.data) + "\n")
        written["programs"].append(program.id)
        examples = rubrics_dir() / program.id / "examples"
        written["examples"][program.id] = [p.name for p in sorted(examples.glob("*.json"))]
        written["eventlogs"][program.id] = [p.name for p in sorted((examples / "eventlogs").glob("*.json"))]
        for name in written["examples"][program.id]:
            _copy(examples / name, out / layout.example_download(program.id, name))
        for name in written["eventlogs"][program.id]:
            _copy(examples / "eventlogs" / name, out / layout.eventlog_download(program.id, name))
    for path in sorted(layout.CONFORMANCE.rglob("*.json")):
        relative = path.relative_to(layout.CONFORMANCE).as_posix()
        _copy(path, out / layout.conformance_download(relative))
        written["conformance"].append(relative)
    return written


def _copy(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)


def _write(target: Path, text: str) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8", newline="\n")
