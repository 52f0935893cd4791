"""A returned workbook's sheets as plain cell grids, each read in one streaming pass.

The importer looks at cells by address only: their value, type and number
format. openpyxl's full load also builds styles for every cell of every merged
range, which was most of an import's time, so workbooks are opened read-only
(streamed) and each sheet the importer asks for is read once into a dict.
"""

from __future__ import annotations

from openpyxl.cell.read_only import EMPTY_CELL
from openpyxl.utils.cell import coordinate_to_tuple


class Grid:
    """The cells of one sheet by (row, column); a missing cell reads as openpyxl's empty cell."""

    def __init__(self, worksheet):
        worksheet.reset_dimensions()  # the stored size can be wrong: read every row there is
        self._cells = {}
        self.max_row = 0
        for row in worksheet.iter_rows():
            for cell in row:
                if cell is not EMPTY_CELL:
                    self._cells[(cell.row, cell.column)] = cell
                    self.max_row = max(self.max_row, cell.row)

    def cell(self, row: int, column: int):
        return self._cells.get((row, column), EMPTY_CELL)

    def __getitem__(self, address: str):
        return self.cell(*coordinate_to_tuple(address))

    def values(self, columns: int) -> list[tuple]:
        """Rows 1 … the last one holding a cell, as tuples of the first ``columns`` values."""
        return [tuple(self.cell(row, column).value for column in range(1, columns + 1))
                for row in range(1, self.max_row + 1)]


class Book:
    """A read-only workbook whose sheets are read into :class:`Grid` on first use."""

    def __init__(self, workbook):
        self._workbook = workbook
        self.sheetnames = list(workbook.sheetnames)
        self._grids: dict[str, Grid] = {}

    def __getitem__(self, name: str) -> Grid:
        if name not in self._grids:
            self._grids[name] = Grid(self._workbook[name])
        return self._grids[name]
