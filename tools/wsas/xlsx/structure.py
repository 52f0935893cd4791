"""Is this still the template it claims to be? Checked before any value is read.

The importer reads cells by address, so it must first be sure every address
still means what it meant: the manifest names a published rubric and version
and equals the one recomputed from that rubric (fingerprint included), the
headings and criterion ids sit where the layout puts them (rows and columns were
not inserted, deleted or moved), and every formula cell still holds the
template's formula (a value typed over a formula is reported, cell by cell).
"""

from __future__ import annotations

from ..rubrics import Catalogue
from . import manifest
from .cells import is_formula
from .compare import same_formula
from .errors import CellError, cell_error, file_error
from .formulas import formulas
from .layout import HEADER_ROW, MANIFEST_SHEET, SHEET, Layout

REGENERATE = "请用 wsas xlsx template 重新生成模板并重新填写"
REGENERATE_EN = "make a new template with `wsas xlsx template` and fill it in again"


def _shown(value) -> str:
    if value is None:
        return "（空）"
    text = str(getattr(value, "text", value))
    return text if len(text) <= 60 else text[:60] + "…"


def check_manifest(workbook, catalogue: Catalogue) -> tuple[Layout | None, list[CellError]]:
    """The layout of the rubric the workbook was made from, or the reason it cannot be trusted."""
    if MANIFEST_SHEET not in workbook.sheetnames:
        return None, [file_error("not-a-template",
                                 f"没有隐藏工作表 {MANIFEST_SHEET}：不是由 wsas xlsx template 生成的评估表，或该工作表被删除；"
                                 f"{REGENERATE}",
                                 f"no hidden sheet {MANIFEST_SHEET}: not made by `wsas xlsx template`, or the sheet "
                                 f"was deleted; {REGENERATE_EN}")]
    stored = manifest.read(workbook[MANIFEST_SHEET])
    found_format = manifest.lookup(stored, "format")
    if found_format != manifest.FORMAT:
        return None, [cell_error("tampered", f"清单格式应为 {manifest.FORMAT}，实为「{_shown(found_format)}」；{REGENERATE}",
                                 f"manifest format should be {manifest.FORMAT}, found {found_format!r}; "
                                 f"{REGENERATE_EN}", MANIFEST_SHEET, "B2")]
    rubric_id = manifest.lookup(stored, "rubric")
    version = manifest.lookup(stored, "rubricVersion")
    rubric = catalogue.get(rubric_id or "")
    if rubric is None:
        known = "、".join(sorted(catalogue.rubrics))
        return None, [cell_error("unknown-rubric", f"工作簿由评估表「{_shown(rubric_id)}」的模板生成，它不是已发布的评估表"
                                 f"（已发布：{known}）",
                                 f"the workbook was made from rubric {rubric_id!r}, which is not published "
                                 f"(published: {known})", MANIFEST_SHEET, "B3", pointer="/rubric")]
    if version != rubric.version:
        return None, [cell_error("unknown-version", f"工作簿由 {rubric.id} 版本 {_shown(version)} 的模板生成，"
                                 f"已发布的版本为 {rubric.version}；{REGENERATE}",
                                 f"the workbook was made from {rubric.id} version {version}, the published version is "
                                 f"{rubric.version}; {REGENERATE_EN}", MANIFEST_SHEET, "B4", pointer="/rubricVersion")]
    layout = Layout(rubric)
    expected = manifest.rows(layout)
    stored_print = manifest.lookup(stored, "fingerprint")
    if stored_print != manifest.fingerprint(layout):
        return None, [cell_error("tampered", f"结构指纹不符（{_shown(stored_print)}）：模板不是由当前的 {rubric.id} "
                                 f"{rubric.version} 生成，或其结构被改动；{REGENERATE}",
                                 f"structure fingerprint mismatch: the template was not made from the current "
                                 f"{rubric.id} {rubric.version}, or its structure was changed; {REGENERATE_EN}",
                                 MANIFEST_SHEET, "B5")]
    row = manifest.first_difference(stored, expected)
    if row is not None:
        return None, [cell_error("tampered", f"隐藏工作表 {MANIFEST_SHEET} 第 {row} 行被改动；{REGENERATE}",
                                 f"row {row} of the hidden sheet {MANIFEST_SHEET} was changed; {REGENERATE_EN}",
                                 MANIFEST_SHEET, f"A{row}")]
    return layout, []


def check_sheet(workbook, layout: Layout) -> list[CellError]:
    """Headings and criterion ids where the layout puts them; the first misplaced one is reported."""
    if SHEET not in workbook.sheetnames:
        return [file_error("tampered", f"没有工作表「{SHEET}」（被删除或改名）；{REGENERATE}",
                           f"the sheet {SHEET!r} is missing (deleted or renamed); {REGENERATE_EN}")]
    sheet = workbook[SHEET]
    for column in layout.columns:
        found = sheet.cell(HEADER_ROW, column.index).value
        if found != column.header:
            return [cell_error("tampered", f"列标题应为「{column.header}」，实为「{_shown(found)}」：列被插入、删除或移动；"
                               f"{REGENERATE}",
                               f"the column heading should be {column.header!r}, found {_shown(found)!r}: columns "
                               f"were inserted, deleted or moved; {REGENERATE_EN}", SHEET, f"{column.letter}{HEADER_ROW}")]
    id_column = layout.column("id")
    for row in layout.table:
        expected = row.criterion["id"] if row.criterion else row.item["id"]
        found = sheet.cell(row.row, id_column.index).value
        if found is None or str(found) != expected:
            return [cell_error("tampered", f"此处应为细则 {expected}，实为「{_shown(found)}」：行被插入、删除或移动；"
                               f"{REGENERATE}",
                               f"criterion {expected} belongs here, found {_shown(found)!r}: rows were inserted, "
                               f"deleted or moved; {REGENERATE_EN}", SHEET, f"{id_column.letter}{row.row}",
                               row.criterion["id"] if row.criterion else None)]
    for row in layout.summary:
        if row.kind in ("section", "item"):
            found = sheet.cell(row.row, 1).value
            if found is None or str(found) != row.node["id"]:
                return [cell_error("tampered", f"汇总区此处应为{'分项' if row.kind == 'section' else '项目'} "
                                   f"{row.node['id']}，实为「{_shown(found)}」：行被插入、删除或移动；{REGENERATE}",
                                   f"the summary row of {row.kind} {row.node['id']} belongs here, found "
                                   f"{_shown(found)!r}: rows were inserted, deleted or moved; {REGENERATE_EN}",
                                   SHEET, f"A{row.row}")]
    return []


def check_formulas(workbook, layout: Layout) -> list[CellError]:
    """Every formula cell that no longer holds the template's formula."""
    sheet = workbook[SHEET]
    expected = formulas(layout)
    errors = []
    for key, address in layout.formula_cells:
        cell = sheet[address]
        found = getattr(cell.value, "text", cell.value)
        if is_formula(cell) and same_formula(found, expected[key]):
            continue
        criterion = key.split(":", 1)[1] if key.startswith(("awarded:", "deducted:")) else None
        if is_formula(cell):
            what, what_en = f"公式被改动（实为 {_shown(found)}）", f"the formula was changed (found {_shown(found)})"
        else:
            what, what_en = (f"公式被值「{_shown(found)}」覆盖", f"the formula was overwritten with the value "
                             f"{_shown(found)!r}")
        errors.append(cell_error("formula-overwritten", f"{what}：此格应由模板公式计算，不予采信；{REGENERATE}",
                                 f"{what_en}: this cell must hold the template's formula and is not trusted; "
                                 f"{REGENERATE_EN}", SHEET, address, criterion))
    return errors
