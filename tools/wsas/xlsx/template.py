"""Writing the fillable workbook of a rubric (``wsas xlsx template``).

The 评估表 sheet looks like the source table (its own column headings, section
and item cells merged over their rows) plus WSAS's columns: criterion id, the
rule in words, 填报值, 得分 (formula), 扣分原因 and 佐证. Only input cells are
unlocked; the sheet is protected without a password (against accidents, not
people) and the workbook structure is locked so the hidden manifest stays put.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from openpyxl import Workbook
from openpyxl.workbook.protection import WorkbookProtection

from ..rubrics import Rubric
from . import manifest, styles, validations
from .formulas import formulas
from .layout import HEADER_ROW, SHEET, Layout
from .sheet_summary import write_summary
from .sheet_table import write_table
from .sheet_top import write_top


def build(rubric: Rubric) -> Workbook:
    """The template workbook of ``rubric`` (not yet saved)."""
    layout = Layout(rubric)
    found = formulas(layout)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET
    write_top(sheet, layout)
    write_table(sheet, layout, found)
    write_summary(sheet, layout, found)
    validations.add(sheet, layout)
    sheet.protection.sheet = True            # no password: protection is against accidents
    sheet.protection.formatColumns = False   # widening columns and rows stays possible
    sheet.protection.formatRows = False
    styles.set_print(sheet, HEADER_ROW, layout.last_letter, layout.last_row)
    manifest.write(workbook, layout)
    workbook.security = WorkbookProtection(lockStructure=True)
    workbook.properties.title = rubric.data["title"]
    workbook.properties.subject = f"{rubric.id} {rubric.version}"
    workbook.properties.creator = "wsas"
    workbook.active = 0
    return workbook


def save_atomic(workbook: Workbook, path: str | Path) -> None:
    """Save so that readers see the old file or the whole new one, never a part."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(handle)
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)  # mkstemp's 0600 would keep a shared template private
        workbook.save(temporary)
        with open(temporary, "rb") as stream:
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_template(rubric: Rubric, path: str | Path) -> Layout:
    """Write the template of ``rubric`` to ``path`` atomically; returns its layout."""
    save_atomic(build(rubric), path)
    return Layout(rubric)
