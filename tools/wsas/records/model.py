"""Hazard records: the lifecycle rules (``records/rules.yaml``), times and JSON pointers.

The rules are data: states, transitions, the fields each state requires, the
program rules and the labels all come from ``records/rules.yaml`` (schema
``record-rules.json``); nothing about the lifecycle is hard-coded here except
how each kind of rule is evaluated.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path

from ..errors import Error
from ..paths import data_root
from ..reading import load_yaml_file
from ..schemas import schema_errors

CHINA = dt.timezone(dt.timedelta(hours=8))
_DATETIME = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2}))?(\+08:00|Z)?)?$")
_MISSING = object()


def records_dir() -> Path:
    """The folder holding ``rules.yaml``, ``cadences.yaml``, ``codes/`` and ``examples/``."""
    return data_root() / "records"


class RulesError(Exception):
    """``rules.yaml`` (or a replacement) is not valid against ``record-rules.json``."""

    def __init__(self, errors: list[Error]):
        super().__init__("\n".join(map(str, errors)))
        self.errors = errors


# --------------------------------------------------------------------------- times

@dataclass(frozen=True)
class When:
    """A ``dateTime`` value as the span of instants it may stand for.

    A date alone is "some time that day" (China time); a time without an offset
    is China time. ``lo`` and ``hi`` are the earliest and latest instant (aware).
    """

    text: str
    lo: dt.datetime
    hi: dt.datetime

    @property
    def day(self) -> dt.date:
        """The calendar day in China time (a date alone: that date)."""
        return self.lo.astimezone(CHINA).date()

    def certainly_before(self, other: "When") -> bool:
        return self.hi < other.lo


def parse_when(text: str) -> When | None:
    """The :class:`When` of a ``dateTime`` string; None when it does not name a real day or time."""
    match = _DATETIME.match(text) if isinstance(text, str) else None
    if not match:
        return None
    year, month, day, hour, minute, second, zone = match.groups()
    try:
        date = dt.date(int(year), int(month), int(day))
        if hour is None:
            lo = dt.datetime.combine(date, dt.time(0, 0), CHINA)
            return When(text, lo, dt.datetime.combine(date, dt.time.max, CHINA))
        tz = dt.timezone.utc if zone == "Z" else CHINA
        moment = dt.datetime(date.year, date.month, date.day, int(hour), int(minute), int(second or 0), tzinfo=tz)
    except ValueError:
        return None
    return When(text, moment, moment)


def parse_day(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if isinstance(text, str) and len(text) == 10 else None
    except ValueError:
        return None


def today() -> dt.date:
    return dt.datetime.now(CHINA).date()


# --------------------------------------------------------------------------- pointers

def resolve(document, pointer: str, default=_MISSING):
    """The value at JSON Pointer ``pointer`` (RFC 6901), or ``default`` when absent."""
    node = document
    for raw in pointer.split("/")[1:]:
        key = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and key in node:
            node = node[key]
        elif isinstance(node, list) and key.isdigit() and int(key) < len(node):
            node = node[int(key)]
        else:
            return None if default is _MISSING else default
    return node


def present(document, pointer: str) -> bool:
    """Whether ``pointer`` names a value that is there and not empty ("", [], {} count as absent)."""
    value = resolve(document, pointer, _MISSING)
    return value is not _MISSING and value is not None and value != "" and value != [] and value != {}


def holds(document, condition: dict) -> bool:
    value = resolve(document, condition["pointer"], _MISSING)
    return value is not _MISSING and type(value) is type(condition["equals"]) and value == condition["equals"]


# --------------------------------------------------------------------------- rules

class Rules:
    """The lifecycle rules with lookups; ``data`` is the plain, schema-valid document."""

    def __init__(self, data: dict, path: str | None = None):
        self.data = data
        self.path = path

    @cached_property
    def states(self) -> dict[str, dict]:
        return {state["id"]: state for state in self.data["states"]}

    @cached_property
    def order(self) -> dict[str, int]:
        return {state["id"]: index for index, state in enumerate(self.data["states"])}

    @property
    def initial(self) -> str:
        return self.data["initial"]

    @cached_property
    def transitions(self) -> dict[tuple[str, str], dict]:
        return {(t["from"], t["to"]): t for t in self.data["transitions"]}

    @property
    def rules(self) -> list[dict]:
        return self.data["rules"]

    def rule(self, rule_id: str) -> dict | None:
        return next((rule for rule in self.rules if rule["id"] == rule_id), None)

    @property
    def date_order(self) -> list[dict]:
        return self.data.get("dateOrder", [])

    def mandatory(self, state: str, program: str | None) -> bool:
        """Whether records of ``program`` must pass through ``state``: its ``requiredFor`` names the program, or it
        has none (a step of every program). ``accepted`` is required for xinzhou-2020 only (erratum E6)."""
        targets = self.states[state].get("requiredFor")
        return targets is None or program in targets

    def _line(self, state: str, program: str | None, passed) -> list[dict]:
        """The main-line states up to ``state`` whose requirements a record in ``state`` must meet: ``state``
        itself, every state mandatory for ``program``, and the optional ones its history ``passed`` through."""
        return [entry for entry in self.data["states"][: self.order[state] + 1]
                if entry["id"] == state or entry["id"] in passed or self.mandatory(entry["id"], program)]

    def requirements(self, state: str, program: str | None = None, passed=()) -> list[tuple[str, dict]]:
        """``(pointer, unless-condition or None)`` a record in ``state`` must have (cumulative: its own
        requirements and those of the earlier main-line states that count, see :meth:`_line`)."""
        found = []
        for entry in self._line(state, program, passed):
            for requirement in entry.get("requires", []):
                if isinstance(requirement, str):
                    found.append((requirement, None))
                else:
                    found.append((requirement["pointer"], requirement["unless"]))
        return found

    def conditions(self, state: str, program: str | None = None, passed=()) -> list[tuple[str, dict]]:
        """``(state id, condition)`` that must hold in ``state`` (cumulative like the requirements)."""
        return [(entry["id"], condition) for entry in self._line(state, program, passed)
                for condition in entry.get("conditions", [])]

    def skipped_required(self, transition: dict, program: str | None) -> list[str]:
        """The states ``transition`` bypasses (``skips``) that records of ``program`` must pass through."""
        return [state for state in transition.get("skips", []) if self.mandatory(state, program)]

    def is_open(self, state: str) -> bool:
        return self.states[state]["open"]

    def applies(self, rule: dict, program: str | None, level: str, state: str) -> bool:
        targets = rule["appliesTo"]
        if targets != "all" and program not in targets:
            return False
        if "level" in rule and rule["level"] != level:
            return False
        if "fromState" in rule and self.order[state] < self.order[rule["fromState"]]:
            return False
        if "inStates" in rule and state not in rule["inStates"]:
            return False
        return True

    @cached_property
    def labels(self) -> dict[str, dict[str, dict]]:
        """Labels by table (``states``, ``hazardLevels``, ``hazardSources``, ``riskLevels``) and id."""
        return {key: {entry["id"]: entry for entry in self.data.get(key, [])}
                for key in ("states", "hazardLevels", "hazardSources", "riskLevels")}

    def label(self, table: str, value) -> str:
        entry = self.labels.get(table, {}).get(value)
        return entry["label"] if entry else ("" if value is None else str(value))


def read_rules(path: str | Path) -> Rules:
    data = load_yaml_file(path)
    errors = [error.located(str(path)) for error in schema_errors(data, "record-rules")]
    if not errors:
        errors = _consistency(data, str(path))
    if errors:
        raise RulesError(errors)
    return Rules(data, str(path))


def _consistency(data: dict, path: str) -> list[Error]:
    """References between the parts of the rules: transitions and rules name existing states."""
    states = {state["id"] for state in data["states"]}
    errors = []

    def check(value, where):
        if value not in states:
            errors.append(Error("unknown-state", f"未定义的状态「{value}」", f"undefined state {value!r}", where, path))

    check(data["initial"], "/initial")
    for index, transition in enumerate(data["transitions"]):
        check(transition["from"], f"/transitions/{index}/from")
        check(transition["to"], f"/transitions/{index}/to")
        for position, state in enumerate(transition.get("skips", [])):
            where = f"/transitions/{index}/skips/{position}"
            check(state, where)
            entry = next((s for s in data["states"] if s["id"] == state), None)
            if entry is not None and "requiredFor" not in entry:
                errors.append(Error("bad-skip", f"转换跳过的状态「{state}」对所有方案都是必经状态（没有 requiredFor）",
                                    f"the transition skips {state!r}, which every program requires (no requiredFor)",
                                    where, path))
    for index, rule in enumerate(data["rules"]):
        if "fromState" in rule:
            check(rule["fromState"], f"/rules/{index}/fromState")
        for position, state in enumerate(rule.get("inStates", [])):
            check(state, f"/rules/{index}/inStates/{position}")
    return errors


@cache
def published_rules() -> Rules:
    """``records/rules.yaml`` as published with the specification."""
    return read_rules(records_dir() / "rules.yaml")
