"""From input cells to a submission document, remembering which cell each member came from.

Only what the assessor typed is read: the formula cells are never trusted for
the score (the reference implementation scores the submission). Empty and
unreadable cells are reported here with their cell; everything else is left to
:func:`wsas.validate`, whose JSON pointers :func:`Places.cell_of` maps back to cells.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..calendar_formats import is_calendar_value
from ..scoring.due import not_due_criteria
from .cells import CellProblem, date, is_empty, number, period, rate, refuse_formula, text, yes_no
from .errors import CellError, cell_error
from .layout import FIELDS, MANIFEST_SHEET, NA_TEXT, SHEET, Layout

SUBMISSION_SCHEMA = "https://wsas.org/schemas/v1/submission.json"


@dataclass
class Places:
    """JSON pointer (prefix) → (sheet, cell, criterion id, label)."""

    entries: dict[str, tuple[str, str, str | None, str | None]] = field(default_factory=dict)

    def add(self, pointer: str, cell: str, criterion: str | None = None, label: str | None = None,
            sheet: str = SHEET) -> None:
        self.entries[pointer] = (sheet, cell, criterion, label)

    def cell_of(self, pointer: str):
        """The place of the longest registered pointer that is ``pointer`` or above it."""
        probe = pointer
        while True:
            if probe in self.entries:
                return self.entries[probe]
            if not probe:
                return None
            probe = probe.rsplit("/", 1)[0]


def places(layout: Layout) -> Places:
    found = Places()
    found.add("/rubric", "B3", sheet=MANIFEST_SHEET, label="评估表标识")
    found.add("/rubricVersion", "B4", sheet=MANIFEST_SHEET, label="评估表版本")
    for item in FIELDS:
        found.add(item.pointer, layout.field_cell(item.key), label=item.label)
    found.add("/subject", layout.field_cell("subject.name"), label="被评估单位")
    found.add("/assessor", layout.field_cell("assessor.name"), label="评估人")
    found.add("/responses", layout.column_range("value"), label="填报值")
    for criterion_id in layout.criterion_rows:
        base = f"/responses/{criterion_id}"
        found.add(base, layout.cell("value", criterion_id), criterion_id)
        found.add(f"{base}/notApplicable", layout.cell("na", criterion_id) or layout.cell("value", criterion_id),
                  criterion_id)
        found.add(f"{base}/reason", layout.cell("reason", criterion_id), criterion_id, "扣分原因")
        found.add(f"{base}/evidence", layout.cell("evidence", criterion_id), criterion_id, "佐证")
    return found


def _problem(problem: CellProblem, address: str, criterion: str | None = None, label: str | None = None,
             pointer: str = "") -> CellError:
    message = f"{label}：{problem.message}" if label else problem.message
    message_en = f"{label}: {problem.message_en}" if label else problem.message_en
    return cell_error(problem.code, message, message_en, SHEET, address, criterion, pointer)


def _read(sheet, address: str, reader, errors: list, criterion=None, label=None, pointer=""):
    cell = sheet[address]
    try:
        refuse_formula(cell)
        return reader(cell)
    except CellProblem as problem:
        errors.append(_problem(problem, address, criterion, label, pointer))
        return None


def _fields(sheet, layout: Layout, errors: list) -> dict:
    values = {}
    for item in FIELDS:
        reader = {"period": lambda c: period(c.value), "assessedOn": lambda c: date(c.value)}.get(
            item.key, lambda c: text(c.value))
        values[item.key] = _read(sheet, layout.field_cell(item.key), reader, errors, label=item.label,
                                 pointer=item.pointer)
    for key, label in (("subject.name", "被评估单位"), ("period", "评估期")):
        if values[key] is None and not any(e.cell == layout.field_cell(key) for e in errors):
            errors.append(cell_error("empty", f"{label}未填写（必填）", f"{label} is required but empty", SHEET,
                                     layout.field_cell(key), pointer="/" + key.replace(".", "/")))
    if values["assessor.organisation"] and not values["assessor.name"]:
        errors.append(cell_error("empty", "填了评估单位，也要填评估人", "an assessing organisation needs an assessor name",
                                 SHEET, layout.field_cell("assessor.name"), pointer="/assessor/name"))
    return values


def _not_due(layout: Layout, values: dict) -> frozenset:
    """Criteria not yet due at the dates typed in (spec/scoring.md §4.3); none while the dates are not real ones."""
    dates = {"period": values["period"]}
    if values["assessedOn"] is not None:
        dates["assessedOn"] = values["assessedOn"]
    if not is_calendar_value("wsas-period", dates["period"] or "") or \
            not is_calendar_value("date", dates.get("assessedOn", "2000-01-01")):
        return frozenset()
    return not_due_criteria(layout.rubric, dates)


def _response(sheet, layout: Layout, criterion: dict, errors: list, optional: bool = False) -> dict | None:
    """The response typed into a criterion's row; None when it has errors, or when it is ``optional`` (not yet due)
    and left empty."""
    cid, kind = criterion["id"], criterion["rule"]["kind"]
    base = f"/responses/{cid}"
    value_cell = layout.cell("value", cid)
    value = sheet[value_cell].value
    before = len(errors)
    response: dict = {}
    na_cell = layout.cell("na", cid)
    marked = _read(sheet, na_cell, lambda c: text(c.value), errors, cid, "缺项", base) if na_cell else None
    if marked is not None and marked != NA_TEXT:
        errors.append(cell_error("bad-value", f"「缺项」栏只能选「{NA_TEXT}」或留空", f"the 缺项 column takes {NA_TEXT} or nothing",
                                 SHEET, na_cell, cid, f"{base}/notApplicable"))
    elif marked == NA_TEXT:
        if not is_empty(value):
            errors.append(cell_error("bad-value", "选了缺项，填报值应留空", "marked not applicable: leave the value empty",
                                     SHEET, value_cell, cid, base))
        response["notApplicable"] = True
    elif isinstance(value, str) and value.strip() == NA_TEXT and sheet[value_cell].data_type != "f":
        if na_cell:
            errors.append(cell_error("bad-value", f"缺项请在「缺项」栏选「{NA_TEXT}」，填报值留空",
                                     "mark not applicable in the 缺项 column and leave the value empty",
                                     SHEET, value_cell, cid, base))
        else:
            response["notApplicable"] = True   # the validator reports that it is not allowed here
    elif is_empty(value):
        if optional:
            return None
        errors.append(cell_error("empty", "未填写填报值", "no value filled in", SHEET, value_cell, cid, base))
    else:
        reader = {"judgement": ("awarded", lambda c: number(c.value)),
                  "yes-no": ("met", lambda c: yes_no(c.value)),
                  "veto": ("triggered", lambda c: yes_no(c.value)),
                  "per-finding": ("findings", lambda c: number(c.value)),
                  "rate-tiers": ("rate", lambda c: rate(c.value, c.number_format)),
                  "shortfall-steps": ("rate", lambda c: rate(c.value, c.number_format))}[kind]
        key, read = reader
        found = _read(sheet, value_cell, read, errors, cid, pointer=f"{base}/{key}")
        if found is not None:
            response[key] = found
    for key, role, label in (("reason", "reason", "扣分原因"), ("evidence", "evidence", "佐证")):
        note = _read(sheet, layout.cell(role, cid), lambda c: text(c.value), errors, cid, label, f"{base}/{key}")
        if note is not None:
            response[key] = note
    return response if len(errors) == before else None


def _nest(values: dict, *keys: str) -> dict:
    return {key.split(".")[1]: values[key] for key in keys if values[key] is not None}


def read_submission(workbook, layout: Layout) -> tuple[dict, list[CellError]]:
    """The submission typed into the sheet, and the cells that could not be read."""
    sheet = workbook[SHEET]
    errors: list[CellError] = []
    values = _fields(sheet, layout, errors)
    later = _not_due(layout, values)
    responses = {}
    for criterion_id, row in layout.criterion_rows.items():
        response = _response(sheet, layout, row.criterion, errors, optional=criterion_id in later)
        if response is not None:
            responses[criterion_id] = response
    document = {"$schema": SUBMISSION_SCHEMA, "rubric": layout.rubric.id, "rubricVersion": layout.rubric.version,
                "subject": _nest(values, "subject.name", "subject.code", "subject.region")}
    if values["period"] is not None:
        document["period"] = values["period"]
    assessor = _nest(values, "assessor.name", "assessor.organisation")
    if assessor:
        document["assessor"] = assessor
    if values["assessedOn"] is not None:
        document["assessedOn"] = values["assessedOn"]
    document["responses"] = responses
    if values["notes"] is not None:
        document["notes"] = values["notes"]
    return document, errors
