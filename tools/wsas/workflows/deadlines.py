"""Deadline rules and campaign periods (see spec/workflows.md).

Plain functions over dates; the only state is the :class:`Workdays`
calendar, which records whether the weekday-only fallback was needed.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field

from ..programs import Program
from .workdays import Workdays

ONE_DAY = dt.timedelta(days=1)


class WorkflowError(ValueError):
    """An instance whose deadlines cannot be computed (missing end date, unknown event, cycle…)."""

    def __init__(self, code: str, message: str, message_en: str, pointer: str = ""):
        super().__init__(message_en)
        self.code, self.message, self.message_en, self.pointer = code, message, message_en, pointer


def parse_date(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def anniversary(start: dt.date, years: int) -> dt.date:
    """Same month and day ``years`` later; 29 February becomes 1 March in a common year."""
    try:
        return start.replace(year=start.year + years)
    except ValueError:
        return dt.date(start.year + years, 3, 1)


def lasts_at_least(start: dt.date, end: dt.date, years: int) -> bool:
    """Whether start..end (both days included) covers at least ``years`` years."""
    return end >= anniversary(start, years) - ONE_DAY


def uses_campaign_end(program: Program) -> bool:
    """Whether any deadline rule of the program (stage, deadline entry, target, quota) counts from the
    campaign end: then the end date is required, whether or not a given output needs that rule's date."""
    nodes = [node for key in ("stages", "deadlines", "targets", "quotas") for node in program.data.get(key, [])]
    return any((node.get("due") or {}).get("event") == "campaign-end" for node in nodes)


def require_end(program: Program, end: dt.date | None) -> None:
    """``missing-end`` when the program has variants or a rule counting from the campaign end and no end is given
    (spec/workflows.md §1): a property of the program, checked before any date is computed."""
    if end is not None:
        return
    if program.variants:
        raise WorkflowError("missing-end", f"方案 {program.id} 按整治时限区分程序，必须给出结束日期",
                            f"program {program.id} has variants by duration: the campaign end date is required",
                            "/instance/end")
    if uses_campaign_end(program):
        raise WorkflowError("missing-end", "时限以整治结束日计算，必须给出结束日期",
                            "a deadline counts from the campaign end: the end date is required", "/instance/end")


def choose_variant(program: Program, start: dt.date, end: dt.date | None) -> str | None:
    """The program variant the campaign's duration selects (None when the program has none)."""
    if not program.variants:
        return None
    require_end(program, end)
    for variant in program.data["variants"]:
        condition = variant["durationYears"]
        if "atLeast" in condition and not lasts_at_least(start, end, condition["atLeast"]):
            continue
        if "below" in condition and lasts_at_least(start, end, condition["below"]):
            continue
        return variant["id"]
    raise WorkflowError("no-variant", "整治时限不符合任何程序变体", "the campaign duration matches no variant", "/instance")


def month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


@dataclass
class Deadlines:
    """Due dates of one program instance.

    ``completed`` holds actual stage completion dates (from an event log). When
    planning (``planned``), a stage not completed yet stands in with its own due
    date; when checking a log, a deadline counted from a stage that has not been
    completed has not started yet (None).
    """

    program: Program
    start: dt.date
    end: dt.date | None
    variant: str | None
    workdays: Workdays
    completed: dict = field(default_factory=dict)
    planned: bool = True
    _computing: set = field(default_factory=set)

    @property
    def year(self) -> int:
        return self.start.year

    def due(self, rule: dict | None) -> dt.date | None:
        if rule is None:
            return None
        kind = rule["kind"]
        if kind == "date":
            return parse_date(rule["date"])
        if kind == "month-end":
            return month_end(self.year, rule["month"])
        if kind == "year-end":
            return dt.date(self.year, 12, 31)
        if kind == "none":
            return None
        anchor = self.event(rule["event"])
        if anchor is None:
            return None
        if kind == "calendar-days-after":
            return anchor + dt.timedelta(days=rule["days"])
        direction = 1 if kind == "working-days-after" else -1
        return self.workdays.step(anchor, rule["days"], direction)

    def event(self, ref: str) -> dt.date | None:
        if ref == "campaign-start":
            return self.start
        if ref == "campaign-end":
            if self.end is None:
                raise WorkflowError("missing-end", "时限以整治结束日计算，必须给出结束日期",
                                    "a deadline counts from the campaign end: the end date is required",
                                    "/instance/end")
            return self.end
        if ref in self.program.events:
            return None  # a program-defined event: instances and logs give no date for it in 1.1
        prefix, _, stage = ref.partition(":")
        if prefix not in ("stage", "due") or stage not in self.program.stages:
            raise WorkflowError("unknown-event", f"未知的锚点事件 {ref}", f"unknown anchor event {ref}")
        if stage not in self.present:
            return None  # the stage does not exist in this variant: no due date, no completion date
        if prefix == "stage" and stage in self.completed:
            return self.completed[stage]
        if prefix == "stage" and not self.planned:
            return None
        return self.stage_due(stage)

    @property
    def present(self) -> set[str]:
        """Ids of the stages that exist in the instance's variant."""
        return {stage["id"] for stage in self.program.stages_in(self.variant)}

    def stage_due(self, stage_id: str) -> dt.date | None:
        """The stage's due date; None for a stage outside the instance's variant."""
        # Recomputed on every call (programs are small), so that each computation
        # touches the calendar again and fallback days are counted where used.
        if stage_id not in self.present:
            return None
        if stage_id in self._computing:
            raise WorkflowError("cycle", f"阶段 {stage_id} 的时限循环引用自身",
                                f"the deadline of stage {stage_id} depends on itself")
        self._computing.add(stage_id)
        try:
            return self.due(self.program.stages[stage_id]["due"])
        finally:
            self._computing.discard(stage_id)

    def entry_due(self, node: dict) -> dt.date | None:
        """A deadline entry's, target's or quota's own deadline; a quota tied to a stage without one
        is due with that stage (None when that stage is outside the variant)."""
        if "due" in node:
            return self.due(node["due"])
        if node.get("stage") in self.program.stages:
            return self.stage_due(node["stage"])
        return None

    def extension_deadline(self, stage: dict) -> dt.date | None:
        """Last day to request an extension: N working days before the stage's due date."""
        due = self.stage_due(stage["id"])
        if due is None or "extension" not in stage:
            return None
        return self.workdays.step(due, stage["extension"]["noticeWorkingDays"], -1)


@dataclass(frozen=True)
class Period:
    label: str
    first: dt.date
    last: dt.date


def periods(every: str, start: dt.date, end: dt.date) -> list[Period]:
    """Every calendar period of kind ``every`` that overlaps start..end, in order."""
    found = []
    day = start
    while day <= end:
        period = _period_of(every, day)
        found.append(period)
        day = period.last + ONE_DAY
    return found


def _period_of(every: str, day: dt.date) -> Period:
    if every == "day":
        return Period(day.isoformat(), day, day)
    if every == "week":
        first = day - dt.timedelta(days=day.weekday())
        year, week, _ = day.isocalendar()
        return Period(f"{year}-W{week:02d}", first, first + dt.timedelta(days=6))
    if every == "month":
        return Period(f"{day.year}-{day.month:02d}", day.replace(day=1), month_end(day.year, day.month))
    if every == "quarter":
        quarter = (day.month - 1) // 3 + 1
        return Period(f"{day.year}Q{quarter}", dt.date(day.year, 3 * quarter - 2, 1), month_end(day.year, 3 * quarter))
    return Period(str(day.year), dt.date(day.year, 1, 1), dt.date(day.year, 12, 31))


def obligation_window(start: dt.date, end: dt.date | None) -> tuple[dt.date, dt.date]:
    """Recurring obligations run from the start to the end, or to the end of the campaign year."""
    return start, end or dt.date(start.year, 12, 31)
