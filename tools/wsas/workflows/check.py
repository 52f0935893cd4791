"""Checking an event log against its program: did the campaign follow its process?"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..scoring.consequences import consequences_of
from .deadlines import Deadlines, WorkflowError, choose_variant, obligation_window, periods, require_end
from ..errors import pointer
from ..programs import Program
from ..rubrics import published_catalogue
from ..scoring.rules import num
from ..schemas import schema_errors
from ..scoring.score import outcome_of
from .workdays import CalendarRangeError, Workdays

INPUT_CODES = {"schema", "unknown-program", "unknown-version", "unknown-stage", "unknown-obligation",
               "unknown-quota", "unknown-material", "unknown-rubric", "unknown-scale", "unknown-grade", "events-out-of-order",
               "before-start", "end-before-start", "invalid-date", "calendar-range", "missing-end"}


@dataclass(frozen=True)
class Finding:
    code: str
    severity: str  # error | info
    message: str
    message_en: str
    pointer: str = ""
    ref: str | None = None
    period: str | None = None

    def as_dict(self) -> dict:
        data = {"code": self.code, "severity": self.severity, "pointer": self.pointer,
                "message": self.message, "messageEn": self.message_en}
        if self.ref:
            data["ref"] = self.ref
        if self.period:
            data["period"] = self.period
        return data


def _error(code, message, message_en, at="", ref=None, period=None) -> Finding:
    return Finding(code, "error", message, message_en, at, ref, period)


def check_log(log, program: Program, weekday_fallback: bool = False) -> list[Finding]:
    """Every finding of ``log``; input errors alone when the log itself is not usable."""
    errors = schema_errors(log, "eventlog")
    if errors:
        return [_error(e.code, e.message, e.message_en, e.pointer) for e in errors]
    problems = _input_problems(log, program)
    if problems:
        return problems
    instance = log["instance"]
    start = dt.date.fromisoformat(instance["start"])
    end = dt.date.fromisoformat(instance["end"]) if "end" in instance else None
    events = log["events"]
    dates = [dt.date.fromisoformat(e["date"]) for e in events]
    as_of = dt.date.fromisoformat(instance["asOf"]) if "asOf" in instance else (max(dates) if dates else start)
    try:
        require_end(program, end)
        variant = choose_variant(program, start, end)
        completed = {}
        for index, event in enumerate(events):
            if event["kind"] == "stage-completed" and event["stage"] not in completed:
                completed[event["stage"]] = (index, dates[index])
        deadlines = Deadlines(program, start, end, variant, Workdays(weekday_fallback),
                              {stage: day for stage, (_, day) in completed.items()}, planned=False)
        findings = [*_stages(program, variant, events, dates, completed, deadlines, as_of),
                    *_extensions(program, variant, events, dates, deadlines),
                    *_obligations(program, events, dates, start, end, as_of),
                    *_quotas(program, events, deadlines, as_of),
                    *_consequences(program, events)]
    except WorkflowError as exc:
        return [_error(exc.code, exc.message, exc.message_en, exc.pointer)]
    except CalendarRangeError as exc:
        return [_error("calendar-range", f"{exc.day} 超出节假日历的年份范围（可选用按周一至周五推算）",
                       f"{exc}; use the weekday-only fallback to compute anyway")]
    return findings


def _input_problems(log: dict, program: Program) -> list[Finding]:
    found = []
    if log["program"] != program.id:
        return [_error("unknown-program", f"事件记录属于方案 {log['program']}，不是 {program.id}",
                       f"the log belongs to program {log['program']}, not {program.id}", "/program")]
    if log["programVersion"] != program.version:
        return [_error("unknown-version", f"方案 {program.id} 没有版本 {log['programVersion']}（当前 {program.version}）",
                       f"program {program.id} has no version {log['programVersion']} (current {program.version})",
                       "/programVersion")]
    instance = log["instance"]
    parsed = {}
    for key in ("start", "end", "asOf"):
        if key in instance:
            parsed[key] = dt.date.fromisoformat(instance[key])  # the schema's date format proved it real
    if parsed.get("start") and parsed.get("end") and parsed["end"] < parsed["start"]:
        found.append(_error("end-before-start", "结束日期早于开始日期", "the end date is before the start date",
                            "/instance/end"))
    rubrics = published_catalogue()
    previous = None
    for index, event in enumerate(log["events"]):
        at = ["events", index]
        day = dt.date.fromisoformat(event["date"])
        if day and previous and day < previous:
            found.append(_error("events-out-of-order", f"事件日期 {day} 早于前一条事件的 {previous}",
                                f"event dated {day} comes after an event dated {previous}", pointer(at)))
        if day and parsed.get("start") and day < parsed["start"]:
            found.append(_error("before-start", f"事件日期 {day} 早于实例开始日期", f"event dated {day} is before the start",
                                pointer(at)))
        previous = day or previous
        for key, known, code, label in (("stage", program.stages, "unknown-stage", "阶段"),
                                        ("obligation", program.obligations, "unknown-obligation", "周期任务"),
                                        ("quota", program.quotas, "unknown-quota", "数量要求"),
                                        ("scale", program.grading, "unknown-scale", "分级")):
            if key in event and event[key] not in known:
                found.append(_error(code, f"方案 {program.id} 没有{label} {event[key]}",
                                    f"program {program.id} has no {key} {event[key]}", pointer(at + [key])))
        for d, document in enumerate(event.get("documents", [])):
            if document not in program.materials:
                found.append(_error("unknown-material", f"方案 {program.id} 没有材料 {document}",
                                    f"program {program.id} has no material {document}", pointer(at + ["documents", d])))
        if "rubric" in event and (event["rubric"] not in program.data.get("rubrics", [])
                                  or rubrics.get(event["rubric"]) is None):
            found.append(_error("unknown-rubric", f"方案 {program.id} 不使用评估表 {event['rubric']}",
                                f"program {program.id} uses no rubric {event['rubric']}", pointer(at + ["rubric"])))
        if "grade" in event and event.get("scale") in program.grading:
            levels = {level["id"] for level in program.grading[event["scale"]]["levels"]}
            if event["grade"] not in levels:
                found.append(_error("unknown-grade", f"分级 {event['scale']} 没有等级 {event['grade']}",
                                    f"scale {event['scale']} has no grade {event['grade']}", pointer(at + ["grade"])))
    return found


def _stages(program, variant, events, dates, completed, deadlines, as_of):
    present = {stage["id"] for stage in program.stages_in(variant)}
    for index, event in enumerate(events):
        if event["kind"] == "stage-completed" and event["stage"] not in present:
            yield _error("not-in-variant", f"阶段 {event['stage']} 不属于本次适用的程序（{variant}）",
                         f"stage {event['stage']} is not part of the {variant} procedure", pointer(["events", index]),
                         event["stage"])
    for stage in program.stages_in(variant):
        sid = stage["id"]
        due = deadlines.stage_due(sid)
        if sid not in completed:
            if due and due < as_of:
                yield _error("overdue", f"阶段「{stage['label']}」应于 {due} 前完成，截至 {as_of} 未完成",
                             f"stage {sid} was due by {due} and is not completed by {as_of}", "", sid)
            continue
        index, day = completed[sid]
        at = ["events", index]
        if due and day > due:
            if _extension_in_time(stage, events, dates, deadlines):
                yield Finding("late-with-extension", "info", f"阶段「{stage['label']}」于 {day} 完成，晚于 {due}，已按时申请延期",
                              f"stage {sid} completed on {day}, after {due}, with a timely extension request",
                              pointer(at), sid)
            else:
                yield _error("overdue", f"阶段「{stage['label']}」应于 {due} 前完成，实际 {day} 完成",
                             f"stage {sid} was due by {due} and completed on {day}", pointer(at), sid)
        waiting = [a for a in stage.get("after", []) if a in present
                   and (a not in completed or completed[a][1] > day)]
        if waiting:
            yield _error("out-of-order", f"阶段「{stage['label']}」在 {'、'.join(waiting)} 完成之前完成",
                         f"stage {sid} completed before {', '.join(waiting)}", pointer(at), sid)
        missing = [m for m in stage.get("materials", []) if m not in events[index].get("documents", [])]
        if missing:
            labels = "、".join(program.materials[m]["label"] for m in missing)
            yield _error("missing-material", f"阶段「{stage['label']}」缺少材料：{labels}",
                         f"stage {sid} lacks material(s): {', '.join(missing)}", _documents_pointer(events, index), sid)


def _documents_pointer(events, index) -> str:
    return pointer(["events", index, "documents"] if "documents" in events[index] else ["events", index])


def _extension_in_time(stage, events, dates, deadlines) -> bool:
    """A request counts only when made by the deadline with every required material. The deadline is
    computed only when the log holds a request for the stage (spec/workflows.md §5 item 6): without one, a
    deadline outside the calendar's years changes nothing and is not an error."""
    requests = [i for i, e in enumerate(events) if e["kind"] == "extension-requested" and e["stage"] == stage["id"]]
    if not requests or "extension" not in stage:
        return False
    deadline = deadlines.extension_deadline(stage)
    required = set(stage["extension"].get("requires", []))
    return deadline is not None and any(
        dates[i] <= deadline and required <= set(events[i].get("documents", [])) for i in requests)


def _extensions(program, variant, events, dates, deadlines):
    present = {stage["id"] for stage in program.stages_in(variant)}
    for index, event in enumerate(events):
        if event["kind"] != "extension-requested" or "extension" not in program.stages[event["stage"]] \
                or event["stage"] not in present:
            continue  # no extension procedure, or no such stage in this variant: the request changes nothing
        stage = program.stages[event["stage"]]
        deadline = deadlines.extension_deadline(stage)
        at = ["events", index]
        if deadline is not None and dates[index] > deadline:
            yield _error("extension-late", f"延期申请应不晚于 {deadline}（提前{stage['extension']['noticeWorkingDays']}个工作日），实际 {dates[index]}",
                         f"the extension request was due by {deadline} and was made on {dates[index]}", pointer(at), stage["id"])
        missing = [m for m in stage["extension"].get("requires", []) if m not in event.get("documents", [])]
        if missing:
            labels = "、".join(program.materials[m]["label"] if m in program.materials else m for m in missing)
            yield _error("extension-missing-material", f"延期申请缺少：{labels}",
                         f"the extension request lacks: {', '.join(missing)}", _documents_pointer(events, index), stage["id"])


def _obligations(program, events, dates, start, end, as_of):
    first, last = obligation_window(start, end)
    for obligation in program.data.get("obligations", []):
        cadence = obligation["cadence"]
        done = [dates[i] for i, e in enumerate(events) if e["kind"] == "obligation-done" and e["obligation"] == obligation["id"]]
        for period in periods(cadence["every"], first, last):
            if period.last >= as_of:
                break
            count = sum(period.first <= day <= period.last for day in done)
            if count < cadence["atLeast"]:
                yield _error("missing-obligation",
                             f"「{obligation['label']}」{period.label} 期间只有 {count} 次，至少应 {cadence['atLeast']} 次",
                             f"{obligation['id']}: {count} in {period.label}, at least {cadence['atLeast']} required",
                             "", obligation["id"], period.label)


def _quotas(program, events, deadlines, as_of):
    """Reported counts against each quota: the last report per quota and subject must meet it;
    a quota whose due date has passed needs at least one report."""
    last = {}
    for index, event in enumerate(events):
        if event["kind"] == "quota-reported":
            last[(event["quota"], event.get("subject"))] = index
    for quota in program.data.get("quotas", []):
        qid = quota["id"]
        reports = [index for (reported, _), index in last.items() if reported == qid]
        for index in sorted(reports):
            count = events[index]["count"]
            met = count >= quota["count"] if quota["comparison"] == "at-least" else count == quota["count"]
            if not met:
                wanted = ("不少于" if quota["comparison"] == "at-least" else "恰好") + str(quota["count"])
                wanted_en = ("at least " if quota["comparison"] == "at-least" else "exactly ") + str(quota["count"])
                whom = f"{events[index]['subject']}：" if "subject" in events[index] else ""
                yield _error("quota-not-met", f"{whom}「{quota['label']}」报告 {count}，应{wanted}",
                             f"{qid}: {count} reported, {wanted_en} required", pointer(["events", index]), qid)
        if reports:
            continue
        due = deadlines.entry_due(quota)  # computed only when it can matter: no report at all
        if due is not None and due < as_of:
            yield _error("missing-quota", f"「{quota['label']}」应于 {due} 前完成，截至 {as_of} 没有数量报告",
                         f"{qid} was due by {due} and no count is reported by {as_of}", "", qid)


def _consequences(program, events):
    catalogue = published_catalogue()
    for index, event in enumerate(events):
        if event["kind"] != "result":
            continue
        outcome = outcome_of(num(event["score"]), catalogue.get(event["rubric"])) if "score" in event else None
        grade = {"program": program.id, "scale": event["scale"], "level": event["grade"]} if "grade" in event else None
        for consequence in consequences_of(event.get("rubric"), outcome, grade, [program]):
            yield Finding("consequence", "info", f"{event['subject']}：{consequence['label']}——{consequence['effect']}",
                          f"{event['subject']}: consequence {consequence['id']}", pointer(["events", index]),
                          consequence["id"])
