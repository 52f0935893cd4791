"""Writing a submission into a template: the inverse of importing.

Used to test the round trip and by vendors who want to hand out a pre-filled
workbook. Values are written as an assessor would type them (numbers as
numbers, 是/否 as text, the assessment date as a date), and text always as a
text cell, never a formula (:mod:`wsas.spreadsheet_text`); the workbook is not
recalculated, so formula cells have no cached values until a spreadsheet opens it.
"""

from __future__ import annotations

import datetime

from ..rubrics import Rubric
from ..spreadsheet_text import set_text
from .layout import NA_TEXT, NO, SHEET, YES, Layout
from .template import build

RESPONSE_VALUE = ("awarded", "findings", "rate", "met", "triggered")


def _field_value(submission: dict, key: str):
    node = submission
    for part in key.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    if key == "assessedOn" and isinstance(node, str):
        try:
            return datetime.date.fromisoformat(node)
        except ValueError:
            return node
    return node


def _cell_value(value):
    if isinstance(value, bool):
        return YES if value else NO
    return value


def fill_workbook(workbook, layout: Layout, submission: dict) -> list[str]:
    """Write ``submission`` into a template workbook of ``layout``'s rubric.

    Returns the ids of responses with no row in the sheet (not in the rubric), which are skipped.
    """
    sheet = workbook[SHEET]
    for kind, key, address in layout.inputs:
        if kind == "field":
            value = _field_value(submission, key)
            if value is not None:
                set_text(sheet[address], value)
    skipped = []
    for criterion_id, response in submission.get("responses", {}).items():
        if criterion_id not in layout.criterion_rows:
            skipped.append(criterion_id)
            continue
        if not isinstance(response, dict):
            continue
        if response.get("notApplicable") is not None:
            set_text(sheet[layout.cell("na", criterion_id) or layout.cell("value", criterion_id)], NA_TEXT)
        for key in RESPONSE_VALUE:
            if key in response:
                set_text(sheet[layout.cell("value", criterion_id)], _cell_value(response[key]))
                break
        for key, role in (("reason", "reason"), ("evidence", "evidence")):
            if response.get(key) is not None:
                set_text(sheet[layout.cell(role, criterion_id)], response[key])
    return skipped


def fill_template(rubric: Rubric, submission: dict):
    """A new template workbook of ``rubric`` with ``submission`` written in."""
    workbook = build(rubric)
    fill_workbook(workbook, Layout(rubric), submission)
    return workbook
