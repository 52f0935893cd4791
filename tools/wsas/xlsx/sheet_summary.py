"""The summary below the table: sections, items, 合计, the assessment date and the points not yet due (rubrics
assessed by deadline), 应得分, 得分, vetoes, outcome and status.

Each section and item row shows its points, 缺项分 and 得分 in the last three
columns; the rows after 合计 have one value, merged over those three columns.
"""

from __future__ import annotations

from . import styles
from .formulas import DATE_FORMAT
from .layout import Layout
from .texts import LOST, summary_label


def _width(layout: Layout, first: int, last: int) -> float:
    return sum(layout.columns[i - 1].width for i in range(first, last + 1))


def _header(sheet, layout: Layout) -> None:
    points, na, awarded = layout.summary_columns
    row = layout.summary_header_row
    for index, text in ((1, "编号"), (2, "分项、项目与合计"), (points, "分值"), (na, "缺项分"), (awarded, "得分")):
        styles.apply(sheet.cell(row, index, text), styles.BOLD, styles.CENTER, styles.HEADER_FILL)
    styles.merge(sheet, row, 2, points - 1)
    sheet.row_dimensions[row].height = 20


def _part(sheet, layout: Layout, row, formulas: dict, cells: dict) -> None:
    """A section, item or the 合计 row: label, points, 缺项分, 得分."""
    points_column = layout.summary_columns[0]
    bold = styles.BOLD if row.kind in ("section", "total") else styles.BODY
    if row.kind == "total":
        label, points = summary_label(layout, "total"), layout.rubric.data["total"]
        styles.apply(sheet.cell(row.row, 1, label), styles.BOLD, styles.RIGHT_MIDDLE)
        styles.merge(sheet, row.row, 1, points_column - 1)
        keys = ("notApplicablePoints", "total")
    else:
        node = row.node
        title = node.get("title") or LOST
        label = f"{node['id']}、{title}" if row.kind == "section" else f"　{title}"
        styles.apply(sheet.cell(row.row, 1, node["id"]), bold, styles.CENTER)
        styles.apply(sheet.cell(row.row, 2, label), bold, styles.LEFT_MIDDLE)
        styles.merge(sheet, row.row, 2, points_column - 1)
        points = node["points"]
        keys = (f"{row.kind}-na:{node['id']}", f"{row.kind}:{node['id']}")
    styles.apply(sheet.cell(row.row, points_column, points), alignment=styles.CENTER)
    for key in keys:
        sheet[cells[key]] = formulas[key]
        styles.apply(sheet[cells[key]], bold, styles.CENTER, styles.FORMULA_FILL)
    sheet.row_dimensions[row.row].height = styles.height(styles.lines(label, _width(layout, 2, points_column - 1)))


def _result(sheet, layout: Layout, row, formulas: dict, cells: dict) -> None:
    """应得分, 得分, vetoes, outcome or status: a label and one value."""
    points_column = layout.summary_columns[0]
    label = summary_label(layout, row.kind)
    styles.apply(sheet.cell(row.row, 1, label), styles.BOLD, styles.RIGHT_MIDDLE)
    styles.merge(sheet, row.row, 1, points_column - 1)
    cell = sheet[cells[row.kind]]
    cell.value = formulas[row.kind]
    styles.apply(cell, styles.BOLD, styles.CENTER, styles.FORMULA_FILL)
    if row.kind == "asOf":
        cell.number_format = DATE_FORMAT
    styles.merge(sheet, row.row, points_column, layout.width)
    lines = styles.lines(label, _width(layout, 1, points_column - 1))
    sheet.row_dimensions[row.row].height = styles.height(max(lines, 2 if row.kind == "status" else 1))


def write_summary(sheet, layout: Layout, formulas: dict[str, str]) -> None:
    _header(sheet, layout)
    cells = dict(layout.formula_cells)
    for row in layout.summary:
        (_part if row.kind in ("section", "item", "total") else _result)(sheet, layout, row, formulas, cells)
