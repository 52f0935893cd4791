"""The concrete calendar of a program instance: every stage, deadline and recurring obligation."""

from __future__ import annotations

import datetime as dt

from icalendar import Calendar, Event, vRecur

from .deadlines import Deadlines, WorkflowError, choose_variant, obligation_window, periods, require_end
from ..programs import Program
from .workdays import Workdays

CADENCE_LABEL = {"day": "每日", "week": "每周", "month": "每月", "quarter": "每季度", "year": "每年"}


def build_schedule(program: Program, start: dt.date, end: dt.date | None = None,
                   weekday_fallback: bool = False) -> dict:
    """The schedule document: instance, chosen variant and every dated entry (see spec/workflows.md)."""
    if end is not None and end < start:
        raise WorkflowError("end-before-start", "结束日期早于开始日期", "the end date is before the start date",
                            "/instance/end")
    # One error, in the order of spec/workflows.md §7.3: end-before-start, missing-end, no-variant, calendar-range.
    require_end(program, end)
    workdays = Workdays(weekday_fallback)
    variant = choose_variant(program, start, end)
    deadlines = Deadlines(program, start, end, variant, workdays)
    entries = []

    def add(kind: str, node: dict, due_of, entry_id=None, label=None, role=None, **extra):
        guessed = workdays.fallback_days
        due = due_of()
        entry = {"id": entry_id or node["id"], "kind": kind, "label": label or node["label"],
                 "due": due.isoformat() if due else None, "fallback": workdays.fallback_days > guessed}
        role = role or node.get("role")
        if role:
            entry["role"] = role
            entry["roleLabel"] = program.roles[role]["label"] if role in program.roles else role
        text = (node.get("due") or {}).get("text") or node.get("text")
        if text:
            entry["text"] = text
        entry.update(extra)
        entry["source"] = node["source"]
        entries.append(entry)

    for stage in program.stages_in(variant):
        add("stage", stage, lambda s=stage: deadlines.stage_due(s["id"]))
        if "extension" in stage:
            extension = stage["extension"]
            add("extension-request", extension, lambda s=stage: deadlines.extension_deadline(s),
                entry_id=f"extension:{stage['id']}", label=f"{stage['label']}延期申请（至少提前{extension['noticeWorkingDays']}个工作日）",
                role=stage["role"], stage=stage["id"])
    for key, kind in (("deadlines", "deadline"), ("targets", "target"), ("quotas", "quota")):
        for node in program.data.get(key, []):
            add(kind, node, lambda n=node: deadlines.entry_due(n))

    first, last = obligation_window(start, end)
    obligations = []
    for obligation in program.data.get("obligations", []):
        cadence = obligation["cadence"]
        occurrences = [{"period": p.label, "due": p.last.isoformat()} for p in periods(cadence["every"], first, last)]
        entry = {
            "id": obligation["id"], "kind": "obligation", "label": obligation["label"],
            "role": obligation["role"], "roleLabel": _role_label(program, obligation["role"]),
            "cadence": cadence, "occurrences": occurrences, "source": obligation["source"],
        }
        if "to" in obligation:
            entry.update(to=obligation["to"], toLabel=_role_label(program, obligation["to"]))
        obligations.append(entry)
    entries.sort(key=lambda e: (e["due"] is None, e["due"] or ""))
    return {
        "program": program.id, "programVersion": program.version, "title": program.data["title"],
        "instance": {"start": start.isoformat(), "end": end.isoformat() if end else None, "variant": variant},
        "fallback": workdays.fallback_days > 0,
        "entries": entries,
        "obligations": obligations,
    }


def _role_label(program: Program, role: str) -> str:
    return program.roles.get(role, {}).get("label", role)


def _to_words(obligation: dict) -> str:
    """「，报送市…工作组」 when the obligation names whom it reports to."""
    return f"，报送{obligation['toLabel']}" if "toLabel" in obligation else ""


def as_table(schedule: dict) -> str:
    """A Markdown table staff can read or paste: due date, what, who, rule."""
    variant = f"，程序：{schedule['instance']['variant']}" if schedule["instance"]["variant"] else ""
    lines = [f"# {schedule['title']}（{schedule['program']} {schedule['programVersion']}）",
             f"开始 {schedule['instance']['start']}，结束 {schedule['instance']['end'] or '未给出'}{variant}", "",
             "| 截止日期 | 事项 | 责任方 | 依据 |", "|---|---|---|---|"]
    for entry in schedule["entries"]:
        due = entry["due"] or "原文未规定"
        if entry["fallback"]:
            due += "（按周一至周五推算）"
        lines.append(f"| {due} | {entry['label']} | {entry.get('roleLabel', '')} | {entry.get('text', '')} |")
    for obligation in schedule["obligations"]:
        occurrences = obligation["occurrences"]
        span = f"{occurrences[0]['due']} … {occurrences[-1]['due']}（{len(occurrences)} 期）" if occurrences else "—"
        cadence = f"{CADENCE_LABEL[obligation['cadence']['every']]}至少{obligation['cadence']['atLeast']}次"
        lines.append(f"| {span} | {obligation['label']}（{cadence}） | {obligation['roleLabel']}{_to_words(obligation)} | 周期任务 |")
    if schedule["fallback"]:
        lines += ["", "注意：部分日期超出节假日历年份，已按周一至周五为工作日推算。"]
    return "\n".join(lines) + "\n"


_FREQ = {"day": ("DAILY", 1), "week": ("WEEKLY", 1), "month": ("MONTHLY", 1), "quarter": ("MONTHLY", 3),
         "year": ("YEARLY", 1)}


def as_ics(schedule: dict) -> bytes:
    """An iCalendar file: one all-day event per due date, one recurring event per obligation."""
    cal = Calendar()
    cal.add("prodid", "-//WSAS//schedule//ZH")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", f"{schedule['title']}（{schedule['instance']['start']}）")
    base = f"{schedule['program']}-{schedule['instance']['start']}"
    for entry in schedule["entries"]:
        if entry["due"]:
            description = "\n".join(filter(None, [f"责任方：{entry.get('roleLabel', '')}", f"依据：{entry.get('text', '')}",
                                                   "按周一至周五推算" if entry["fallback"] else ""]))
            cal.add_component(_all_day(f"{base}-{entry['id'].replace(':', '-')}", f"【截止】{entry['label']}",
                                       dt.date.fromisoformat(entry["due"]), description))
    for obligation in schedule["obligations"]:
        occurrences = obligation["occurrences"]
        if not occurrences:
            continue
        every = obligation["cadence"]["every"]
        freq, interval = _FREQ[every]
        rule = {"freq": freq, "interval": interval, "count": len(occurrences)}
        if every in ("month", "quarter"):
            rule["bymonthday"] = -1
        event = _all_day(f"{base}-{obligation['id']}", f"{obligation['label']}（{CADENCE_LABEL[every]}）",
                         dt.date.fromisoformat(occurrences[0]["due"]),
                         f"责任方：{obligation['roleLabel']}{_to_words(obligation)}；每期至少 {obligation['cadence']['atLeast']} 次")
        event.add("rrule", vRecur(rule))
        cal.add_component(event)
    return cal.to_ical()


def _all_day(uid: str, summary: str, day: dt.date, description: str) -> Event:
    """An all-day event with a stable UID, so re-importing a schedule updates instead of duplicating."""
    event = Event()
    event.add("uid", f"{uid}@wsas")
    event.add("dtstamp", dt.datetime(2000, 1, 1, tzinfo=dt.timezone.utc))
    event.add("summary", summary)
    event.add("dtstart", day)
    event.add("dtend", day + dt.timedelta(days=1))
    event.add("description", description)
    return event
