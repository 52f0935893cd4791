"""Rubric data: loading the published rubrics and indexing a rubric's criteria."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from .errors import Error, InputError, UnreadableError
from .paths import rubrics_dir
from . import checked
from .reading import load_document, parse_document, read_bytes
from .schemas import schema_errors

DEFAULT_STEP = "0.5"


@dataclass(frozen=True)
class Placement:
    """A criterion with the section and item it belongs to."""

    section: dict
    item: dict
    criterion: dict


class Rubric:
    """A schema-valid rubric document with lookups by id.

    The document itself stays plain data (``.data``); this class only adds
    the indexes that validation and scoring need.
    """

    def __init__(self, data: dict, path: str | None = None):
        self.data = data
        self.path = path

    @property
    def id(self) -> str:
        return self.data["id"]

    @property
    def version(self) -> str:
        return self.data["version"]

    @property
    def scoring(self) -> dict:
        return self.data["scoring"]

    @cached_property
    def placements(self) -> list[Placement]:
        return [Placement(section, item, criterion)
                for section in self.data["sections"]
                for item in section["items"]
                for criterion in item.get("criteria", [])]

    @cached_property
    def criteria(self) -> dict[str, Placement]:
        return {placement.criterion["id"]: placement for placement in self.placements}

    @cached_property
    def lost_items(self) -> list[dict]:
        return [item for section in self.data["sections"] for item in section["items"] if item.get("lost")]

    def __repr__(self) -> str:
        return f"Rubric({self.id!r}, {self.version!r})"


class RubricError(Exception):
    """A rubric file that does not load or does not match the rubric schema."""

    def __init__(self, errors: list[Error]):
        super().__init__("\n".join(map(str, errors)))
        self.errors = errors


def load_checked(path: str | Path, schema: str) -> dict:
    """A data file (YAML or JSON) read strictly and checked against ``schema``; errors carry the file name.

    The same bytes checked clean against the same schemas before are not checked again (:mod:`.checked`).
    """
    name = str(path)
    try:
        raw = read_bytes(path)
        data = parse_document(raw, name)
    except (InputError, UnreadableError) as exc:
        raise RubricError([exc.error])
    key = checked.key(raw, schema)
    if checked.known(key):
        return data
    errors = [error.located(name) for error in schema_errors(data, schema)]
    if errors:
        raise RubricError(errors)
    checked.remember(key)
    return data


def read_rubric(path: str | Path) -> Rubric:
    """Load and schema-check one rubric file (YAML or JSON)."""
    return Rubric(load_checked(path, "rubric"), str(path))


def published_paths(root: Path | None = None) -> list[Path]:
    """Rubric files of every program: ``rubrics/<program>/<rubric>.yaml``, not program.yaml."""
    root = root or rubrics_dir()
    return sorted(path for path in root.glob("*/*.yaml") if path.name != "program.yaml")


class Catalogue:
    """The rubrics a submission may refer to, by id."""

    def __init__(self, rubrics: list[Rubric]):
        self.rubrics = {rubric.id: rubric for rubric in rubrics}

    @classmethod
    def published(cls) -> "Catalogue":
        return cls([read_rubric(path) for path in published_paths()])

    def get(self, rubric_id: str) -> Rubric | None:
        return self.rubrics.get(rubric_id)

    def __iter__(self):
        return iter(self.rubrics.values())


_published: Catalogue | None = None


def published_catalogue() -> Catalogue:
    global _published
    if _published is None:
        _published = Catalogue.published()
    return _published


def catalogue_with(extra_files) -> Catalogue:
    """The published rubrics plus rubric files given on a command line (e.g. drafts)."""
    return Catalogue(list(published_catalogue()) + [read_rubric(path) for path in extra_files])


def load_rubric(ref: str | Path) -> Rubric:
    """A published rubric by id (``shishi-2024/town``) or any rubric file by path."""
    text = str(ref)
    if not text.endswith((".yaml", ".yml", ".json")):
        rubric = published_catalogue().get(text)
        if rubric is None:
            known = ", ".join(sorted(published_catalogue().rubrics))
            raise RubricError([Error("unknown-rubric", f"未知的评估表「{text}」；已发布：{known}",
                                     f"unknown rubric {text!r}; published: {known}")])
        return rubric
    return read_rubric(text)
