"""The lifecycle of one hazard record, checked against the rules (``records/rules.yaml``).

Input is a record that is already valid against ``hazard.json``; the checks
here are the ones a schema cannot express: real dates, the state history and
its transitions, the fields each state requires, the order of the times, and
the program rules (errors such as closing without acceptance, findings such
as overdue or 不过夜 broken).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ..errors import Error
from .model import Rules, When, parse_when, present, holds, resolve

#: Fields holding a ``dateTime`` or a ``date`` (history times are added per record).
TIME_POINTERS = ("/discovered/at", "/rectification/deadline", "/rectification/completedAt", "/plan/deadline",
                 "/supervision/at", "/acceptance/at", "/closed/at")
COMPLETED = "/rectification/completedAt"


@dataclass
class Outcome:
    """What the lifecycle checks found in one record: ``errors`` make it invalid, ``findings`` do not."""

    errors: list[Error] = field(default_factory=list)
    findings: list[Error] = field(default_factory=list)


def evaluate(document: dict, rules: Rules, program: str | None, as_of: dt.date) -> Outcome:
    """Every lifecycle error and finding of a schema-valid hazard ``document``.

    ``program`` is the program whose rules apply (the record's own, else the
    command line's); ``as_of`` is the day open hazards are judged on.
    """
    out = Outcome()
    times = _times(document)
    state, level = document["state"], document["level"]
    covered: set[str] = set()  # pointers an error-kind program rule already reported
    applicable = [rule for rule in rules.rules if rules.applies(rule, program, level, state)]
    for rule in applicable:
        found = _rule(rule, document, rules, times, as_of)
        if rule["kind"] == "error":
            out.errors.extend(found)
            covered.update(error.pointer for error in found)
        else:
            out.findings.extend(found)
    missing = _missing_for_state(document, rules, state, program, covered)
    out.errors.extend(missing)
    covered.update(error.pointer for error in missing)
    out.errors.extend(_history(document, rules, program, times, covered))
    out.errors.extend(_date_order(document, rules, times))
    return out


# --------------------------------------------------------------------------- times

def _times(document: dict) -> dict[str, When]:
    """Every time of the record by pointer (the schema's formats have proved each a real day or time)."""
    pointers = list(TIME_POINTERS)
    history = document.get("history") or []
    pointers += [f"/history/{index}/at" for index in range(len(history))]
    return {pointer: parse_when(value) for pointer in pointers if (value := resolve(document, pointer)) is not None}


def completed(rules: Rules, state: str) -> bool:
    """Whether records in ``state`` have finished rectifying (the state requires the completion time)."""
    return any(pointer == COMPLETED for pointer, _ in rules.requirements(state))


def deadline_of(document: dict, times: dict[str, When]) -> tuple[str, dt.date] | None:
    """The rectification deadline, or for a major hazard without one the plan's deadline."""
    for pointer in ("/rectification/deadline", "/plan/deadline"):
        if pointer in times and (pointer == "/rectification/deadline" or document["level"] == "major"):
            return pointer, times[pointer].day
    return None


# --------------------------------------------------------------------------- state requirements

def passed_states(document: dict) -> set[str]:
    """The states the record's history went through (an optional state counts only then, erratum E6)."""
    return {item["state"] for item in document.get("history") or []}


def _missing_for_state(document: dict, rules: Rules, state: str, program: str | None,
                       covered: set[str]) -> list[Error]:
    label = rules.states[state]["label"]
    passed = passed_states(document)
    errors = []
    for pointer, unless in rules.requirements(state, program, passed):
        if pointer in covered or present(document, pointer) or (unless is not None and holds(document, unless)):
            continue
        errors.append(Error("missing-for-state", f"状态「{label}」必须填写 {pointer}",
                            f"state {state} requires {pointer}", pointer))
    reported = {error.pointer for error in errors}
    for owner, condition in rules.conditions(state, program, passed):
        pointer = condition["pointer"]
        if pointer in covered or pointer in reported or holds(document, condition):
            continue
        value = _shown(condition["equals"])
        errors.append(Error("missing-for-state", f"状态「{label}」要求 {pointer} 为 {value}",
                            f"state {state} requires {pointer} to be {value}", pointer))
    return errors


def _shown(value) -> str:
    return "true" if value is True else "false" if value is False else str(value)


# --------------------------------------------------------------------------- history

def _history(document: dict, rules: Rules, program: str | None, times: dict[str, When],
             covered: set[str]) -> list[Error]:
    history = document.get("history") or []
    errors = []
    if not history:
        return errors
    if history[0]["state"] != rules.initial:
        first = rules.label("states", rules.initial)
        errors.append(Error("bad-transition", f"状态历史应从「{first}」开始，实为 {history[0]['state']}",
                            f"the history must start with {rules.initial}, not {history[0]['state']}",
                            "/history/0/state"))
    taken = []
    for index in range(1, len(history)):
        before, after = history[index - 1]["state"], history[index]["state"]
        transition = rules.transitions.get((before, after))
        skipped = rules.skipped_required(transition, program) if transition is not None else []
        if transition is None:
            errors.append(Error("bad-transition", f"不允许的状态转换：{before} → {after}",
                                f"transition {before} → {after} is not allowed", f"/history/{index}/state"))
        elif skipped:
            names = "、".join(f"「{rules.label('states', state)}」" for state in skipped)
            errors.append(Error("bad-transition", f"方案 {program} 的隐患必须经过{names}，不能 {before} → {after}",
                                f"program {program} requires {', '.join(skipped)}: {before} → {after} is not allowed",
                                f"/history/{index}/state"))
        else:
            taken.append((index, transition))
        earlier, later = times.get(f"/history/{index - 1}/at"), times.get(f"/history/{index}/at")
        if earlier and later and later.certainly_before(earlier):
            errors.append(Error("bad-transition", f"状态历史时间倒序：{later.text} 早于上一项 {earlier.text}",
                                f"history out of order: {later.text} is before the previous {earlier.text}",
                                f"/history/{index}/at"))
    last = len(history) - 1
    for index, transition in taken:
        for pointer in transition.get("requires", []):
            if pointer not in covered and not present(document, pointer):
                covered.add(pointer)
                errors.append(Error("bad-transition", f"转换「{transition['label']}」要求 {pointer}",
                                    f"transition {transition['id']} requires {pointer}", pointer))
        if transition.get("scope", "latest") == "latest" and index != last:
            continue
        for condition in transition.get("when", []):
            if not holds(document, condition):
                value = _shown(condition["equals"])
                errors.append(Error("bad-transition",
                                    f"转换「{transition['label']}」要求 {condition['pointer']} 为 {value}",
                                    f"transition {transition['id']} requires {condition['pointer']} to be {value}",
                                    condition["pointer"]))
    if history[-1]["state"] != document["state"]:
        errors.append(Error("state-mismatch",
                            f"状态 {document['state']} 与状态历史最后一项 {history[-1]['state']} 不符",
                            f"state {document['state']} differs from the last history state {history[-1]['state']}",
                            "/state"))
    return errors


# --------------------------------------------------------------------------- time order

def _date_order(document: dict, rules: Rules, times: dict[str, When]) -> list[Error]:
    errors = []
    for pair in rules.date_order:
        if "inStates" in pair and document["state"] not in pair["inStates"]:
            continue
        before, after = times.get(pair["before"]), times.get(pair["after"])
        if before and after and after.certainly_before(before):
            errors.append(Error("date-order",
                                f"{pair['label']}：{pair['after']} {after.text} 早于 {pair['before']} {before.text}",
                                f"{pair['after']} {after.text} is before {pair['before']} {before.text}",
                                pair["after"]))
    return errors


# --------------------------------------------------------------------------- program rules

def _rule(rule: dict, document: dict, rules: Rules, times: dict[str, When], as_of: dt.date) -> list[Error]:
    code, label, label_en = rule["code"], rule["label"], rule["labelEn"]
    found = []
    for pointer in rule.get("requires", []):
        if not present(document, pointer):
            found.append(Error(code, f"{label}：缺少 {pointer}", f"{label_en}: {pointer} is missing", pointer))
    reported = {error.pointer for error in found}
    for condition in rule.get("conditions", []):
        if condition["pointer"] not in reported and not holds(document, condition):
            value = _shown(condition["equals"])
            found.append(Error(code, f"{label}：{condition['pointer']} 应为 {value}",
                               f"{label_en}: {condition['pointer']} must be {value}", condition["pointer"]))
    special = _SPECIAL.get(code)
    if special is not None:
        found.extend(special(rule, document, rules, times, as_of))
    return found


def _overdue(rule, document, rules, times, as_of):
    deadline = deadline_of(document, times)
    if deadline is None or completed(rules, document["state"]):
        return []
    pointer, day = deadline
    if as_of <= day:
        return []
    days = (as_of - day).days
    return [Error("overdue", f"{rule['label']}：截至 {as_of} 已逾期 {days} 天（期限 {day}）",
                  f"{rule['labelEn']}: {days} day(s) past the deadline {day} as of {as_of}", pointer)]


def _late(rule, document, rules, times, as_of):
    deadline = deadline_of(document, times)
    done = times.get(COMPLETED)
    if deadline is None or done is None or not completed(rules, document["state"]):
        return []
    _, day = deadline
    if done.day <= day:
        return []
    return [Error("late", f"{rule['label']}：{done.day} 完成，晚于期限 {day} {(done.day - day).days} 天",
                  f"{rule['labelEn']}: completed {done.day}, {(done.day - day).days} day(s) after the deadline {day}",
                  COMPLETED)]


def _overnight(rule, document, rules, times, as_of):
    found = times.get("/discovered/at")
    if found is None:
        return []
    done = times.get(COMPLETED) if completed(rules, document["state"]) else None
    if done is not None:
        if done.day <= found.day:
            return []
        return [Error("overnight", f"{rule['label']}：{found.day} 发现，{done.day} 才整改完成",
                      f"{rule['labelEn']}: found {found.day}, rectified only {done.day}", COMPLETED)]
    if as_of <= found.day:
        return []
    return [Error("overnight", f"{rule['label']}：{found.day} 发现，截至 {as_of} 仍未整改完成",
                  f"{rule['labelEn']}: found {found.day}, still not rectified as of {as_of}", COMPLETED)]


def _not_supervised(rule, document, rules, times, as_of):
    listed, closed = times.get("/supervision/at"), times.get("/closed/at")
    if listed and closed and closed.certainly_before(listed):
        return [Error("not-supervised", f"{rule['label']}：挂牌督办 {listed.text} 晚于销号 {closed.text}",
                      f"{rule['labelEn']}: listed {listed.text}, after closing {closed.text}", "/supervision/at")]
    return []


_SPECIAL = {"overdue": _overdue, "late": _late, "overnight": _overnight, "not-supervised": _not_supervised}
