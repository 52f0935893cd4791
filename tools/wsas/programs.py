"""Program data (rubrics/<program>/program.yaml): loading and lookups."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path

from .errors import Error
from .paths import rubrics_dir
from .rubrics import RubricError, load_checked


class Program:
    """A schema-valid program document with lookups by id; the data stays plain."""

    def __init__(self, data: dict, path: str | None = None):
        self.data = data
        self.path = path

    @property
    def id(self) -> str:
        return self.data["id"]

    @property
    def version(self) -> str:
        return self.data["version"]

    def _index(self, key: str) -> dict:
        return {entry["id"]: entry for entry in self.data.get(key, [])}

    @cached_property
    def stages(self) -> dict:
        return self._index("stages")

    @cached_property
    def obligations(self) -> dict:
        return self._index("obligations")

    @cached_property
    def quotas(self) -> dict:
        return self._index("quotas")

    @cached_property
    def materials(self) -> dict:
        return self._index("materials")

    @cached_property
    def roles(self) -> dict:
        return self._index("roles")

    @cached_property
    def events(self) -> dict:
        """Anchor events the program defines besides campaign-start and campaign-end."""
        return self._index("events")

    @cached_property
    def variants(self) -> dict:
        return self._index("variants")

    @cached_property
    def grading(self) -> dict:
        return self._index("grading")

    def stages_in(self, variant: str | None) -> list[dict]:
        """Stages that exist in ``variant`` (all stages when the program has no variants)."""
        return [s for s in self.data.get("stages", []) if variant is None or variant in s.get("variants", [variant])]

    def __repr__(self) -> str:
        return f"Program({self.id!r}, {self.version!r})"


def read_program(path: str | Path) -> Program:
    """Load and schema-check one program file."""
    return Program(load_checked(path, "program"), str(path))


def program_paths(root: Path | None = None) -> list[Path]:
    return sorted((root or rubrics_dir()).glob("*/program.yaml"))


_published: dict | None = None


def published_programs() -> dict[str, Program]:
    global _published
    if _published is None:
        _published = {p.id: p for p in map(read_program, program_paths())}
    return _published


def load_program(ref: str | Path) -> Program:
    """A published program by id (``haimen-2022``) or any program file by path."""
    text = str(ref)
    if text.endswith((".yaml", ".yml", ".json")):
        return read_program(text)
    program = published_programs().get(text)
    if program is None:
        known = ", ".join(sorted(published_programs()))
        raise RubricError([Error("unknown-program", f"未知的方案「{text}」；已发布：{known}",
                                 f"unknown program {text!r}; published: {known}")])
    return program
