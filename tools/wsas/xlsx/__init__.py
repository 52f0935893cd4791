"""Spreadsheet round-trip: a fillable .xlsx per rubric, and filled workbooks back into submissions.

>>> from wsas.xlsx import write_template, import_workbook
>>> write_template(wsas.load_rubric("shishi-2024/town"), "town.xlsx")
>>> imported = import_workbook("town-filled.xlsx")   # .errors (cells named) or .submission and .result

The cell layout is computed from the rubric (:mod:`.layout`) and recorded in the
workbook's hidden ``_wsas`` sheet (:mod:`.manifest`); the formulas repeat
spec/scoring.md (:mod:`.formulas`), but the importer scores with the reference
implementation and only uses the formulas' presence as a tamper check.
"""

from .fill import fill_template, fill_workbook
from .importing import Imported, import_workbook
from .layout import Layout
from .template import build, write_template

__all__ = ["Imported", "Layout", "build", "fill_template", "fill_workbook", "import_workbook", "write_template"]
