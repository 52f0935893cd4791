"""The roster (名册) of subjects expected to submit: who is missing which month.

A roster (schemas/roster.json) lists, for one program, each expected subject
with its rubric, name, region and (usually) its code. A result matches a roster
entry by code; a result without a code, or a roster entry without one, matches
by region and name. The same key identifies a subject when no roster is given,
so "one subject" means the same thing with and without a roster.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import Error, InputError, UnreadableError
from ..programs import Program
from ..reading import load_json_file
from ..schemas import schema_errors
from .scope import BulletinError

NO_REGION = "（未填地区）"


def region_of(subject: dict) -> str:
    return subject.get("region") or NO_REGION


def own_key(subject: dict) -> tuple:
    """A subject's identity: its code when it has one, else its region and name."""
    code = subject.get("code")
    return ("code", code) if code else ("name", region_of(subject), subject["name"])


def name_key(subject: dict) -> tuple:
    return ("name", region_of(subject), subject["name"])


@dataclass(frozen=True)
class Expected:
    """One roster entry; ``pointer`` says where it is in the roster file."""

    rubric: str
    name: str
    code: str | None
    region: str
    pointer: str

    @property
    def subject(self) -> dict:
        found = {"name": self.name}
        if self.code:
            found["code"] = self.code
        found["region"] = self.region
        return found


class Roster:
    """Expected subjects by rubric, with lookups by code and by region + name."""

    def __init__(self, entries: list[Expected], path: str | None = None):
        self.path = path
        self.entries = entries
        self._keys: dict[str, dict[tuple, Expected]] = {}
        ambiguous: set[tuple] = set()
        names: dict[str, dict[tuple, Expected]] = {}
        for entry in entries:
            self._keys.setdefault(entry.rubric, {})[own_key(entry.subject)] = entry
            by_name = names.setdefault(entry.rubric, {})
            key = name_key(entry.subject)
            if key in by_name:
                ambiguous.add((entry.rubric, key))
            by_name[key] = entry
        for rubric, key in ambiguous:  # two entries share a region and name: only their codes tell them apart
            del names[rubric][key]
        self._names = names

    def of(self, rubric_id: str) -> list[Expected]:
        return [entry for entry in self.entries if entry.rubric == rubric_id]

    def match(self, rubric_id: str, subject: dict) -> Expected | None:
        """The roster entry a result's subject stands for, if any."""
        found = self._keys.get(rubric_id, {}).get(own_key(subject))
        if found is None:
            found = self._names.get(rubric_id, {}).get(name_key(subject))
            if found is not None and found.code and subject.get("code") and found.code != subject["code"]:
                return None  # same name, different code: another subject
        return found


def load_roster(path: str, program: Program) -> Roster:
    """Read and check a roster file; any problem makes it unusable (BulletinError)."""
    try:
        document = load_json_file(path)
    except (InputError, UnreadableError) as exc:
        raise BulletinError([exc.error])
    errors = schema_errors(document, "roster")
    if not errors:
        errors = _program_errors(document, program)
    if errors:
        raise BulletinError([error.located(path) for error in errors])
    entries = [Expected(item["rubric"], item["name"], item.get("code"), item["region"], f"/subjects/{index}")
               for index, item in enumerate(document["subjects"])]
    return Roster(entries, path)


def _program_errors(document: dict, program: Program) -> list[Error]:
    errors = []
    if document["program"] != program.id:
        errors.append(Error("roster-program", f"名册属于方案 {document['program']}，不是 {program.id}",
                            f"the roster is for program {document['program']}, not {program.id}", "/program"))
    rubrics = set(program.data.get("rubrics") or [])
    seen: dict[tuple, int] = {}
    for index, item in enumerate(document["subjects"]):
        if item["rubric"] not in rubrics:
            errors.append(Error("rubric-not-in-program",
                                f"评估表「{item['rubric']}」不属于方案 {program.id}",
                                f"rubric {item['rubric']!r} is not one of program {program.id}'s",
                                f"/subjects/{index}/rubric"))
        key = (item["rubric"], own_key(item))
        if key in seen:
            errors.append(Error("duplicate-subject",
                                f"名册中重复的对象「{item['name']}」（与 /subjects/{seen[key]} 相同）",
                                f"subject {item['name']!r} is listed twice (same as /subjects/{seen[key]})",
                                f"/subjects/{index}"))
        else:
            seen[key] = index
    return errors
