"""The criteria table: the source's columns and WSAS's, one row per criterion, merged like the source.

Section, item number, item title and deadline cells are merged over the rows of
their section or item, as in the printed table. Row heights are estimated from
the unmerged texts, then raised where a merged title needs more room.
"""

from __future__ import annotations

from openpyxl.formatting.rule import FormulaRule

from ..spreadsheet_text import set_text
from . import styles
from .formulas import not_due_test
from .layout import HEADER_ROW, NA_TEXT, Layout
from .texts import cell_text

CENTERED = {"number", "points", "id", "value", "na", "awarded", "deducted", "deadline"}
MERGED = {"section": "section", "number": "item", "item": "item", "deadline": "item"}
INPUTS = ("value", "na", "awarded", "deducted", "reason", "evidence")


def groups(layout: Layout, kind: str) -> list[list]:
    """Consecutive table rows of the same item or section."""
    key = (lambda r: r.item["id"]) if kind == "item" else (lambda r: r.section["id"])
    found: list[list] = []
    for row in layout.table:
        if found and key(found[-1][0]) == key(row):
            found[-1].append(row)
        else:
            found.append([row])
    return found


def _header(sheet, layout: Layout) -> None:
    for column in layout.columns:
        styles.apply(sheet.cell(HEADER_ROW, column.index, column.header), styles.BOLD, styles.CENTER,
                     styles.HEADER_FILL)
        sheet.column_dimensions[column.letter].width = column.width
    sheet.row_dimensions[HEADER_ROW].height = styles.height(max(styles.lines(c.header, c.width)
                                                                for c in layout.columns))


def _row(sheet, layout: Layout, row, formulas: dict[str, str], cells: dict[str, str]) -> None:
    single = len(layout.rows_of(row.item["id"], "item")) == 1
    line_count = 1
    for column in layout.columns:
        cell = sheet.cell(row.row, column.index)
        styles.apply(cell, alignment=styles.CENTER if column.role in CENTERED else styles.TOP)
        value = NA_TEXT if row.criterion is None and column.role == "value" else cell_text(column.role, row, layout)
        if value is not None:
            set_text(cell, value)  # rubric texts (a custom rubric's too) stay text, never formulas
        if row.criterion is None and column.role in INPUTS:
            cell.fill = styles.MUTED_FILL
        if column.role in ("criterion", "rule", "id") or (single and column.role in ("number", "item")):
            line_count = max(line_count, styles.lines(value, column.width))
    sheet.row_dimensions[row.row].height = styles.height(line_count)
    if row.criterion is None:
        return
    cid = row.criterion["id"]
    styles.unlock(sheet, layout.cell("value", cid))
    for role in ("reason", "evidence"):
        styles.unlock(sheet, layout.cell(role, cid), "@")
    if layout.cell("na", cid):
        styles.unlock(sheet, layout.cell("na", cid), "@")
    elif layout.column("na"):
        sheet.cell(row.row, layout.column("na").index).fill = styles.MUTED_FILL
    for key in (f"awarded:{cid}", f"deducted:{cid}"):
        if key in formulas:
            sheet[cells[key]] = formulas[key]
            sheet[cells[key]].fill = styles.FORMULA_FILL


def _merge_and_fit(sheet, layout: Layout) -> None:
    for role, kind in MERGED.items():
        column = layout.column(role)
        if column is None:
            continue
        for rows in groups(layout, kind):
            if len(rows) < 2:
                continue
            sheet.merge_cells(start_row=rows[0].row, start_column=column.index, end_row=rows[-1].row,
                              end_column=column.index)
            need = styles.height(styles.lines(sheet.cell(rows[0].row, column.index).value, column.width))
            have = sum(sheet.row_dimensions[r.row].height for r in rows)
            if need > have:
                sheet.row_dimensions[rows[-1].row].height += need - have


def _grey_not_due(sheet, layout: Layout) -> None:
    """Rows of items not yet due at the assessment date turn grey as the dates are typed (spec/scoring.md §4.3)."""
    for rows in groups(layout, "item"):
        later = not_due_test(layout, rows[0].item)
        if later:
            sheet.conditional_formatting.add(f"A{rows[0].row}:{layout.last_letter}{rows[-1].row}",
                                             FormulaRule(formula=[later], fill=styles.NOT_DUE_FILL,
                                                         font=styles.NOT_DUE_FONT, stopIfTrue=False))


def write_table(sheet, layout: Layout, formulas: dict[str, str]) -> None:
    _header(sheet, layout)
    cells = dict(layout.formula_cells)
    for row in layout.table:
        _row(sheet, layout, row, formulas, cells)
    _merge_and_fit(sheet, layout)
    _grey_not_due(sheet, layout)
