"""Assessment by deadline (时间节点): which items a submission's date has made due (spec/scoring.md §4.3).

连应急〔2020〕31号 has the monthly assessments made 「根据不同时间节点的目标任务」 (000:31): in a
month only the items whose deadline has passed are assessed. A rubric opts in with
``assessment.byDeadline``; its items that are not yet due leave the maximum and the score is
re-normalised. Dates are compared as ISO text (YYYY-MM-DD), which orders like the calendar.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass

from ..rubrics import Rubric


@dataclass(frozen=True)
class DatedItem:
    """An item with a month-end deadline (「x月底前」): the month, and the deadline's own text."""

    id: str
    month: int
    text: str
    criteria: tuple[str, ...]


@dataclass(frozen=True)
class Timing:
    """The assessment date of one submission and what it leaves out."""

    as_of: str                      # the assessment date (assessedOn, else the last day of the period)
    due_on: dict                    # item id → its deadline date, for every item with a month-end deadline
    not_due_items: frozenset        # ids of items whose deadline is after as_of
    not_due_criteria: frozenset     # ids of their criteria


def by_deadline(rubric: Rubric) -> bool:
    """Whether the rubric declares that its items count only from their deadline on."""
    return bool(rubric.data.get("assessment", {}).get("byDeadline"))


def dated_items(rubric: Rubric) -> tuple[DatedItem, ...]:
    """The rubric's items with a month-end deadline, kept on the rubric (empty unless it assesses by deadline).

    Items with ``kind: none`` (no deadline in the source) or ``whole-year`` (全年) are always due.
    """
    found = rubric.__dict__.get("_dated_items")
    if found is None:
        found = rubric.__dict__["_dated_items"] = tuple(
            DatedItem(item["id"], item["deadline"]["month"], item["deadline"]["text"],
                      tuple(criterion["id"] for criterion in item.get("criteria", [])))
            for section in rubric.data["sections"] for item in section["items"]
            if by_deadline(rubric) and item.get("deadline", {}).get("kind") == "month-end")
    return found


def month_end(year: int, month: int) -> str:
    """The last day of a month as ISO text (「x月底前」, spec/workflows.md §2)."""
    return f"{year:04d}-{month:02d}-{calendar.monthrange(year, month)[1]:02d}"


def period_end(period: str) -> str:
    """The last day of a period: 2020 → 2020-12-31, 2020Q1 → 2020-03-31, 2020-02 → 2020-02-29."""
    year = int(period[:4])
    if len(period) == 4:
        return f"{year:04d}-12-31"
    if period[4] == "Q":
        return month_end(year, 3 * int(period[5]))
    return month_end(year, int(period[5:7]))


def as_of(submission: dict) -> str:
    """The assessment date: ``assessedOn`` when given, else the last day of ``period``."""
    return submission.get("assessedOn") or period_end(submission["period"])


def timing(rubric: Rubric, submission: dict) -> Timing | None:
    """What the submission's date leaves out; None for a rubric that does not assess by deadline.

    A deadline falls in the year of the period (the campaign year); an item is due when its deadline
    is on or before the assessment date. ``submission`` must be schema-valid.
    """
    if not by_deadline(rubric):
        return None
    date = as_of(submission)
    year = int(submission["period"][:4])
    due_on, items, criteria = {}, [], []
    for item in dated_items(rubric):
        due_on[item.id] = month_end(year, item.month)
        if due_on[item.id] > date:
            items.append(item.id)
            criteria.extend(item.criteria)
    return Timing(date, due_on, frozenset(items), frozenset(criteria))


def not_due_criteria(rubric: Rubric, submission: dict) -> frozenset:
    """Ids of the criteria not yet due at the submission's date (empty for other rubrics)."""
    found = timing(rubric, submission)
    return found.not_due_criteria if found else frozenset()
