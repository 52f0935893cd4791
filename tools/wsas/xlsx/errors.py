"""Errors located in a workbook: the file, the sheet and cell, and the criterion.

A spreadsheet user cannot act on a JSON pointer, so every problem found while
importing names the cell to fix (``评估表!H12``); the pointer of the submission
member it became is kept as well, so JSON tools can still match the error.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import Error


@dataclass(frozen=True)
class CellError(Error):
    """An :class:`wsas.Error` with the place in the workbook it comes from."""

    sheet: str | None = None
    cell: str | None = None
    criterion: str | None = None

    def located(self, file: str | None) -> "CellError":
        return CellError(self.code, self.message, self.message_en, self.pointer, file, self.line, self.column,
                         self.keyword, self.sheet, self.cell, self.criterion)

    def at(self) -> str:
        """``评估表!H12`` (empty when the error concerns the whole file)."""
        if not self.cell:
            return ""
        return f"{self.sheet}!{self.cell}" if self.sheet else self.cell

    def where(self) -> str:
        """The file only: the messages themselves start with the cell and criterion."""
        return self.file or "<input>"

    def as_dict(self) -> dict:
        data = super().as_dict()
        data.update(sheet=self.sheet, cell=self.cell, at=self.at() or None, criterion=self.criterion)
        return data


def file_error(code: str, message: str, message_en: str) -> CellError:
    """A problem with the file as a whole (not a workbook, encrypted, corrupted…)."""
    return CellError(code, message, message_en)


def cell_error(code: str, message: str, message_en: str, sheet: str, cell: str,
               criterion: str | None = None, pointer: str = "") -> CellError:
    """A problem in one cell; the message says which cell and criterion, in both languages."""
    prefix = f"{sheet}!{cell}" + (f"（细则 {criterion}）" if criterion else "")
    prefix_en = f"{sheet}!{cell}" + (f" (criterion {criterion})" if criterion else "")
    return CellError(code, f"{prefix}：{message}", f"{prefix_en}: {message_en}", pointer,
                     sheet=sheet, cell=cell, criterion=criterion)
