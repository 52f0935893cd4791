"""Rows 1–8 of the sheet: title, source, rubric id and version, the eight input fields, how to fill in."""

from __future__ import annotations

from ..spreadsheet_text import set_text
from . import styles
from .layout import FIELDS, HINT_ROW, META_ROW, SOURCE_ROW, TITLE_ROW, Layout
from .texts import HINT, meta_line, source_line


def write_top(sheet, layout: Layout) -> None:
    rubric, width = layout.rubric, layout.width
    full = sum(column.width for column in layout.columns)
    for row, text, font, height in ((TITLE_ROW, rubric.data["title"], styles.TITLE, 30),
                                    (SOURCE_ROW, source_line(rubric.data), styles.BODY, None),
                                    (META_ROW, meta_line(rubric), styles.SMALL, None),
                                    (HINT_ROW, HINT, styles.SMALL, None)):
        cell = sheet.cell(row, 1)
        set_text(cell, text)
        styles.apply(cell, font, styles.CENTER if row == TITLE_ROW else styles.LEFT_MIDDLE, border=False)
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
        sheet.row_dimensions[row].height = height or styles.height(styles.lines(text, full * 0.9))
    for field in FIELDS:
        row, label_first, label_last, value_first, value_last = layout.field_spans[field.key]
        styles.apply(sheet.cell(row, label_first, field.label), styles.BOLD, styles.CENTER, styles.HEADER_FILL)
        styles.merge(sheet, row, label_first, label_last)
        value = sheet.cell(row, value_first)
        styles.apply(value, alignment=styles.LEFT_MIDDLE)
        styles.merge(sheet, row, value_first, value_last)
        # text format keeps 2020-04 and 2024Q2 as typed; the date field is a real date
        styles.unlock(sheet, value.coordinate, "yyyy-mm-dd" if field.key == "assessedOn" else "@")
        sheet.row_dimensions[row].height = 20
