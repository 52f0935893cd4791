"""Inspection cadence: which periods of 「班组日查、车间周查、厂矿月查、集团公司季查」 were missed.

The cadences are data (``records/cadences.yaml``, schema ``cadences.json``),
each level cited. Inspection tasks and records (schema ``inspection.json``)
come from JSON Lines files or folders of ``.json`` files; every bad record is
reported with file, line and pointer and the rest are still counted. The
semantics are normative in spec/records-cadence-import.md:

* a *stream* is one enterprise × level × unit; its units come from the tasks
  and records of the input (a level with neither is checked as a whole);
* ``daily`` periods are every calendar day, rest days and holidays included (erratum E1:
  the one reading of 「班组日查」「班组日排查」, the same as the programs' schedules); ``weekly`` is
  Monday–Sunday, ``monthly`` and ``quarterly`` are calendar months and quarters (``wsas.workflows.deadlines.periods``);
* a period is judged when it overlaps [from, to] and ends by ``to``; every
  inspection dated inside it counts; a period ending after ``to`` is pending.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..workflows.deadlines import periods
from ..errors import Error, InputError, UnreadableError
from ..paths import records_dir
from ..reading import load_document
from ..schemas import schema_errors
from .ledger import Entry

EVERY = {"daily": "day", "weekly": "week", "monthly": "month", "quarterly": "quarter"}
CADENCE_LABEL = {"daily": "每日", "weekly": "每周", "monthly": "每月", "quarterly": "每季度"}
CHINA = dt.timezone(dt.timedelta(hours=8))
CALENDAR_DAYS = "calendar-days"  # how daily periods are counted: the only way (erratum E1)


def cadences_path() -> Path:
    return records_dir() / "cadences.yaml"


# ---------------------------------------------------------------- the cadence table


@dataclass(frozen=True)
class Level:
    id: str
    label: str
    label_en: str
    inspection: str
    cadence: str  # daily | weekly | monthly | quarterly
    at_least: int
    source: dict


@dataclass(frozen=True)
class CadenceProgram:
    id: str
    label: str
    levels: dict[str, Level]
    source: dict

    @classmethod
    def from_data(cls, data: dict) -> "CadenceProgram":
        """A program's cadence from its entry of the table (``programCadence`` in cadences.json)."""
        levels = {level["id"]: Level(level["id"], level["label"], level["labelEn"], level["inspection"],
                                     level["cadence"], level["atLeast"], level["source"])
                  for level in data["levels"]}
        return cls(data["program"], data["label"], levels, data["source"])


class CadenceError(Exception):
    """A cadence table that cannot be used, or a program it does not hold (a usage problem: exit 2)."""

    def __init__(self, errors: list[Error]):
        super().__init__("; ".join(str(e) for e in errors))
        self.errors = errors


def load_cadences(path: str | Path | None = None) -> dict[str, CadenceProgram]:
    """Every program of the cadence table at ``path`` (default: the published ``records/cadences.yaml``)."""
    name = str(path or cadences_path())
    try:
        data = load_document(name)
    except (InputError, UnreadableError) as exc:
        raise CadenceError([exc.error]) from None
    errors = [e.located(name) for e in unique_errors(schema_errors(data, "cadences"))]
    if errors:
        raise CadenceError(errors)
    found: dict[str, CadenceProgram] = {}
    for index, entry in enumerate(data["programs"]):
        if entry["program"] in found:
            errors.append(Error("duplicate-id", f"方案 {entry['program']} 重复出现",
                                f"program {entry['program']} appears twice", f"/programs/{index}/program", name))
        ids = [level["id"] for level in entry["levels"]]
        for position, level_id in enumerate(ids):
            if level_id in ids[:position]:
                errors.append(Error("duplicate-id", f"层级 {level_id} 重复出现", f"level {level_id} appears twice",
                                    f"/programs/{index}/levels/{position}/id", name))
        found[entry["program"]] = CadenceProgram.from_data(entry)
    if errors:
        raise CadenceError(errors)
    return found


def cadence_program(program_id: str, path: str | Path | None = None) -> CadenceProgram:
    table = load_cadences(path)
    if program_id not in table:
        known = "、".join(table) or "—"
        raise CadenceError([Error("unknown-program", f"排查周期表中没有方案 {program_id}（已有：{known}）",
                                  f"the cadence table has no program {program_id} (known: {', '.join(table)})",
                                  file=str(path or cadences_path()))])
    return table[program_id]


def unique_errors(errors: list[Error]) -> list[Error]:
    """Errors without repeats (a ``oneOf`` reports one error per missing field, each naming them all)."""
    seen, found = set(), []
    for error in errors:
        key = (error.code, error.pointer, error.message)
        if key not in seen:
            seen.add(key)
            found.append(error)
    return found


# ---------------------------------------------------------------- checking


def china_date(text: str) -> dt.date:
    """The calendar day (China time) of a ``dateTime``: a date alone is that day; a time without an
    offset is China time; ``Z`` (UTC) is converted to China time first. ValueError if no such day."""
    day = dt.date.fromisoformat(text[:10])
    if text.endswith("Z"):
        moment = dt.datetime.fromisoformat(text[:-1]).replace(tzinfo=dt.timezone.utc)
        return moment.astimezone(CHINA).date()
    if len(text) > 10:
        dt.datetime.fromisoformat(text)  # the time must exist too
    return day


@dataclass
class Stream:
    """One enterprise × level × unit and what happened in each of its periods."""

    subject: dict
    level: Level
    unit: str | None
    tasks: list[str] = field(default_factory=list)
    days: list[dt.date] = field(default_factory=list)  # dates of its inspection records, sorted at the end
    judged: int = 0
    missed: list[dict] = field(default_factory=list)
    pending: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"subject": self.subject, "level": self.level.id, "levelLabel": self.level.label,
                "inspection": self.level.inspection, "unit": self.unit, "cadence": self.level.cadence,
                "atLeast": self.level.at_least, "tasks": self.tasks, "inspections": len(self.days),
                "periods": self.judged, "missed": self.missed, "pending": self.pending}


@dataclass
class CadenceReport:
    program: CadenceProgram
    start: dt.date
    end: dt.date
    streams: list[Stream]
    errors: list[Error]
    inputs: int
    levels: list[str] = field(default_factory=list)  # the levels checked

    @property
    def missed(self) -> int:
        return sum(len(s.missed) for s in self.streams)

    @property
    def ok(self) -> bool:
        return not self.errors and not self.missed

    def summary(self) -> dict:
        by_level: dict[str, dict] = {}
        for stream in self.streams:
            entry = by_level.setdefault(stream.level.id, {"label": stream.level.label, "streams": 0, "periods": 0,
                                                          "missed": 0})
            entry["streams"] += 1
            entry["periods"] += stream.judged
            entry["missed"] += len(stream.missed)
        return {"inputs": self.inputs, "invalid": len({(e.file, e.line) for e in self.errors}),
                "periods": sum(s.judged for s in self.streams), "missed": self.missed, "byLevel": by_level}

    def as_dict(self) -> dict:
        return {"program": self.program.id, "label": self.program.label, "from": self.start.isoformat(),
                "to": self.end.isoformat(), "dayCounting": CALENDAR_DAYS, "levels": self.levels,
                "ok": self.ok, "errors": [e.as_dict() for e in self.errors],
                "streams": [s.as_dict() for s in self.streams], "summary": self.summary()}


def _subject_key(subject: dict) -> tuple:
    return ("code", subject["code"]) if "code" in subject else ("name", subject["name"])


def check_cadence(program: CadenceProgram, items: Iterable[Entry], start: dt.date, end: dt.date,
                  levels: Iterable[str] | None = None) -> CadenceReport:
    """Every missed period of every stream of ``items`` between ``start`` and ``end`` (both included).

    ``levels`` limits the check to those levels (an enterprise without a plant level, say), the others'
    entries are still validated. Every calendar day is a daily period (erratum E1): no holiday calendar is read.
    """
    if end < start:
        raise ValueError("end before start")
    wanted = list(program.levels) if levels is None else [level for level in program.levels if level in set(levels)]
    errors: list[tuple[int, Error]] = []  # (input position, error): reported in input order
    streams: dict[tuple, Stream] = {}
    occurrences: dict[str, list[tuple[int, str, int | None, str]]] = {}  # id → (position, file, line, where)
    counted: dict[int, tuple[tuple, object]] = {}  # input position → (stream key, its day or task id)
    inputs = 0

    for position, item in enumerate(items):
        inputs += 1
        found, shaped = _item_errors(item, program)
        errors.extend((position, e) for e in found)
        if shaped:
            occurrences.setdefault(item.document["id"], []).append((position, item.file, item.line, item.where))
        if any(e.code != "cadence-mismatch" for e in found):
            continue
        document = item.document
        level = program.levels[document["level"]]
        if level.id not in wanted:
            continue
        key = (_subject_key(document["subject"]), level.id, document.get("unit"))
        stream = streams.setdefault(key, Stream(document["subject"], level, document.get("unit")))
        value = document["id"] if document["kind"] == "task" else china_date(document["at"])
        (stream.tasks if document["kind"] == "task" else stream.days).append(value)
        counted[position] = (key, value)

    # an id used more than once: every occurrence is reported and none is counted
    for identifier, places in occurrences.items():
        if len(places) < 2:
            continue
        where = [place[3] for place in places]
        for position, file, line, _ in places:
            errors.append((position, Error(
                "duplicate-id", f"编号 {identifier} 在同一输入中出现 {len(places)} 次：{'、'.join(where)}；各处均不计入",
                f"id {identifier} occurs {len(places)} times in the input: {', '.join(where)}; none is counted",
                "/id", file, line)))
            if position in counted:
                key, value = counted.pop(position)
                stream = streams[key]
                (stream.tasks if isinstance(value, str) else stream.days).remove(value)
    live = {key for key, _ in counted.values()}
    for key in [key for key in streams if key not in live]:
        del streams[key]

    # a level that none of an enterprise's tasks or records mention is checked as a whole
    subjects = {key[0]: stream.subject for key, stream in streams.items()}
    for subject_key, subject in subjects.items():
        for level in (program.levels[level_id] for level_id in wanted):
            if not any(k[0] == subject_key and k[1] == level.id for k in streams):
                streams[(subject_key, level.id, None)] = Stream(subject, level, None)

    ordered = sorted(streams.values(), key=lambda s: (_subject_key(s.subject), list(program.levels).index(s.level.id),
                                                      s.unit is not None, s.unit or ""))
    for stream in ordered:
        _judge(stream, start, end)
    ordered_errors = [error for _, error in sorted(errors, key=lambda pair: pair[0])]
    return CadenceReport(program, start, end, ordered, ordered_errors, inputs, wanted)


def _item_errors(item: Entry, program: CadenceProgram) -> tuple[list[Error], bool]:
    """Why ``item`` cannot be counted (empty when it can; ``cadence-mismatch`` alone still counts), and
    whether it has the shape of an inspection (so that its id takes part in the duplicate check)."""
    if item.errors:
        return item.errors, False

    def error(code, message, message_en, at=""):
        return Error(code, message, message_en, at, item.file, item.line)

    document = item.document
    if not isinstance(document, dict):
        return [error("schema", "应为一个 JSON 对象（排查任务或排查记录）", "expected a JSON object (a task or a record)")], False
    found = [e.at_record(item.file, item.line) for e in unique_errors(schema_errors(document, "inspection"))]
    if found:
        return found, False
    if "program" in document and document["program"] != program.id:
        found.append(error("program-mismatch", f"本条属于方案 {document['program']}，不是 {program.id}",
                           f"the entry belongs to program {document['program']}, not {program.id}", "/program"))
    if document["level"] not in program.levels:
        known = "、".join(program.levels)
        found.append(error("unknown-level", f"方案 {program.id} 的排查周期没有层级 {document['level']}（已有：{known}）",
                           f"program {program.id} has no inspection level {document['level']} "
                           f"(known: {', '.join(program.levels)})", "/level"))
    if not found and document["kind"] == "task":
        level = program.levels[document["level"]]
        if document["cadence"] != level.cadence:
            found.append(error("cadence-mismatch",
                               f"任务周期为 {document['cadence']}，方案 {program.id} 规定{level.inspection}为 {level.cadence}；"
                               "按方案的周期检查",
                               f"the task says {document['cadence']} but program {program.id} requires {level.cadence} "
                               f"for {level.id}; the program's cadence is checked", "/cadence"))
    return found, True


def _judge(stream: Stream, start: dt.date, end: dt.date) -> None:
    level = stream.level
    days = sorted(stream.days)
    stream.days = days
    for period in periods(EVERY[level.cadence], start, end):
        if period.last > end:
            stream.pending.append(period.label)
            continue
        stream.judged += 1
        count = bisect.bisect_right(days, period.last) - bisect.bisect_left(days, period.first)
        if count < level.at_least:
            stream.missed.append({"period": period.label, "first": period.first.isoformat(),
                                  "last": period.last.isoformat(), "count": count})


__all__ = ["CadenceError", "CadenceProgram", "CadenceReport", "Level", "Stream", "cadence_program",
           "cadences_path", "check_cadence", "china_date", "load_cadences", "unique_errors"]
