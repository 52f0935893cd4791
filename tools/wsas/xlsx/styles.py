"""How the sheet looks and prints: fonts, fills, borders, row heights, A4 setup.

Kept apart from the content so the look can change without touching what is
written where. Excel does not fit row heights to wrapped text when it opens a
file, so heights are estimated here from the text (CJK characters count double).
"""

from __future__ import annotations

import math
import unicodedata

from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.worksheet.page import PageMargins

FONT_NAME = "宋体"
BODY = Font(name=FONT_NAME, size=10)
BOLD = Font(name=FONT_NAME, size=10, bold=True)
TITLE = Font(name=FONT_NAME, size=16, bold=True)
SMALL = Font(name=FONT_NAME, size=9, color="404040")

INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")      # light yellow: fill in here
FORMULA_FILL = PatternFill("solid", fgColor="E2EFDA")    # light green: computed
HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
MUTED_FILL = PatternFill("solid", fgColor="EDEDED")      # lost items, cells not used
NOT_DUE_FILL = PatternFill(start_color="D9D9D9", end_color="D9D9D9", fill_type="solid")  # conditional: not yet due
NOT_DUE_FONT = Font(color="808080")

_THIN = Side(style="thin", color="808080")
BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)

TOP = Alignment(wrap_text=True, vertical="top")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT_MIDDLE = Alignment(horizontal="left", vertical="center", wrap_text=True)
RIGHT_MIDDLE = Alignment(horizontal="right", vertical="center", wrap_text=True)

LINE_POINTS = 13.5   # one line of 10 pt text
PADDING = 4


def text_width(text: str) -> int:
    """Width in Excel column units: CJK and full-width characters take two."""
    return sum(2 if unicodedata.east_asian_width(char) in ("W", "F") else 1 for char in text)


def lines(text, width: float) -> int:
    """Lines the text wraps to in a cell ``width`` units wide."""
    if text is None or text == "":
        return 1
    usable = max(width - 1, 1)
    return sum(max(1, math.ceil(text_width(part) / usable)) for part in str(text).split("\n"))


def height(line_count: int) -> float:
    return line_count * LINE_POINTS + PADDING


def set_print(sheet, header_row: int, last_column: str, last_row: int) -> None:
    """A4 landscape, fitted to the page width, header row repeated, page numbers in the footer."""
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.horizontalCentered = True
    sheet.page_margins = PageMargins(left=0.4, right=0.4, top=0.5, bottom=0.6, header=0.2, footer=0.3)
    sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.print_area = f"A1:{last_column}{last_row}"
    sheet.oddFooter.center.text = "第 &P 页，共 &N 页"
    sheet.oddFooter.center.size = 9


def apply(cell, font=BODY, alignment=TOP, fill=None, border=True) -> None:
    cell.font = font
    cell.alignment = alignment
    if fill is not None:
        cell.fill = fill
    if border:
        cell.border = BORDER


def merge(sheet, row: int, first: int, last: int, last_row: int | None = None) -> None:
    """Merge a block, bordering every cell of it (a merged cell's border is drawn from its parts)."""
    last_row = last_row or row
    for r in range(row, last_row + 1):
        for c in range(first, last + 1):
            sheet.cell(r, c).border = BORDER
    if last > first or last_row > row:
        sheet.merge_cells(start_row=row, start_column=first, end_row=last_row, end_column=last)


def unlock(sheet, address: str, number_format: str = "General") -> None:
    """An input cell: unlocked under sheet protection, and tinted so it is seen to be one."""
    cell = sheet[address]
    cell.protection = Protection(locked=False)
    cell.fill = INPUT_FILL
    cell.number_format = number_format
