"""Importing one filled workbook: check it, read it, validate and score it.

Order matters. A workbook whose structure cannot be trusted is not read at all;
formula cells are checked but never used (the reference implementation scores
the submission read from the input cells); validation errors are mapped back to
the cells they came from. The values a spreadsheet cached when it saved are
only compared with the result, and a difference is a warning, not a failure.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import Decimal

from ..errors import Error, InputError
from ..rubrics import Catalogue, Rubric, published_catalogue
from ..scoring.rules import fmt
from ..scoring.score import score_valid
from ..scoring.validation import check_responses, validate
from .collect import Places, places, read_submission
from .errors import CellError, cell_error
from .layout import SHEET, Layout
from .opening import open_workbook
from .structure import check_formulas, check_manifest, check_sheet


@dataclass
class Imported:
    """What became of one workbook: errors (then nothing is written), or a submission and its result."""

    file: str
    errors: list[CellError]
    warnings: list[CellError] = field(default_factory=list)
    submission: dict | None = None
    result: dict | None = None
    rubric: Rubric | None = None

    @property
    def ok(self) -> bool:
        return not self.errors and self.result is not None


def _as_cell_error(error: Error, file: str) -> CellError:
    if isinstance(error, CellError):
        return error.located(file)
    return CellError(error.code, error.message, error.message_en, error.pointer, file, error.line, error.column,
                     error.keyword)


def map_errors(errors: list[Error], where: Places, taken: set[str]) -> list[CellError]:
    """Validation errors located in the workbook; errors on cells already reported are dropped."""
    found = []
    for error in errors:
        place = where.cell_of(error.pointer)
        if place is None:
            found.append(_as_cell_error(error, None))
            continue
        sheet, cell, criterion, label = place
        if f"{sheet}!{cell}" in taken:
            continue
        message = f"{label}：{error.message}" if label and not criterion else error.message
        message_en = f"{label}: {error.message_en}" if label and not criterion else error.message_en
        mapped = cell_error(error.code, message, message_en, sheet, cell, criterion, error.pointer)
        found.append(replace(mapped, keyword=error.keyword))
    return found


def validation_errors(document: dict, catalogue: Catalogue, rubric: Rubric) -> list[Error]:
    """:func:`wsas.validate`, plus the semantic errors of the responses that passed the schema.

    The reference validator stops at schema errors; a spreadsheet user fixing cells wants every
    wrong cell at once, so the responses without schema errors are checked as well.
    """
    errors = validate(document, catalogue)
    if not any(error.code == "schema" for error in errors):
        return errors
    broken = {error.pointer.split("/")[2] for error in errors if error.pointer.startswith("/responses/")}
    sound = {key: value for key, value in document["responses"].items() if key not in broken}
    more = [error for error in check_responses(sound, rubric)
            if error.code not in ("missing-response", "no-applicable-criteria")]
    return errors + more


def cached_differences(values_workbook, layout: Layout, result: dict) -> list[CellError]:
    """Cells whose cached value (what the spreadsheet showed) differs from the reference result."""
    if values_workbook is None or SHEET not in values_workbook.sheetnames:
        return []
    sheet = values_workbook[SHEET]
    cells = dict(layout.formula_cells)
    expected = [(f"awarded:{line['id']}", line["awarded"], line["id"]) for line in result["criteria"]]
    expected += [(key, result[key], None) for key in ("total", "notApplicablePoints", "notYetDuePoints", "maximum", "score")
                 if key in result and key in cells]
    found = []
    for key, want, criterion in expected:
        cached = sheet[cells[key]].value
        if cached is None:
            continue  # never calculated (e.g. written by a program, not a spreadsheet)
        if isinstance(cached, (int, float)) and not isinstance(cached, bool) and Decimal(repr(cached)) == want:
            continue
        found.append(cell_error("cached-value-differs",
                                f"表内显示 {cached}，评分结果为 {fmt(want)}：以评分结果为准（表格可能没有重新计算）",
                                f"the sheet shows {cached}, the reference result is {fmt(want)}: the result stands "
                                f"(the sheet may not have been recalculated)", SHEET, cells[key], criterion))
    return found


def import_workbook(path, catalogue: Catalogue | None = None) -> Imported:
    """Import the workbook at ``path``; raises :class:`wsas.UnreadableError` only for paths that cannot be opened."""
    catalogue = catalogue or published_catalogue()
    name = str(path)
    try:
        opened = open_workbook(path)
    except InputError as exc:
        return Imported(name, [_as_cell_error(exc.error, name)])
    try:
        return _import_opened(opened, name, catalogue)
    except Exception as exc:  # a workbook damaged in a way no check foresaw: report it, never a traceback
        return Imported(name, [CellError("corrupt", f"工作簿内容无法按模板读取（{type(exc).__name__}: {exc}）",
                                         f"the workbook's content cannot be read as a template "
                                         f"({type(exc).__name__}: {exc})", file=name)])


def _import_opened(opened, name: str, catalogue: Catalogue) -> Imported:
    layout, errors = check_manifest(opened.formulas, catalogue)
    if layout is None:
        return Imported(name, [e.located(name) for e in errors])
    errors = check_sheet(opened.formulas, layout)
    if errors:
        return Imported(name, [e.located(name) for e in errors], rubric=layout.rubric)
    errors = check_formulas(opened.formulas, layout)
    document, unreadable = read_submission(opened.formulas, layout)
    errors += unreadable
    taken = {e.at() for e in errors if e.cell}
    errors += map_errors(validation_errors(document, catalogue, layout.rubric), places(layout), taken)
    if errors:
        return Imported(name, [e.located(name) for e in errors], submission=document, rubric=layout.rubric)
    result = score_valid(document, layout.rubric)
    warnings = [w.located(name) for w in cached_differences(opened.cached(), layout, result)]
    return Imported(name, [], warnings, document, result, layout.rubric)
