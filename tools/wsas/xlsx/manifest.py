"""The hidden ``_wsas`` sheet: which rubric a workbook is for and where every cell is.

It makes a returned workbook self-describing (other tools can read the cell map
without WSAS's layout code) and tamper-evident: the importer recomputes the whole
sheet from the published rubric and refuses a workbook whose manifest differs.
The fingerprint is a SHA-256 over the rubric's scoring structure (criterion ids,
points, rules, lost items, scoring settings, outcomes) and the cell map.

Layout: column A key or kind, B value or key, C cell. Rows 2–6 hold
format, rubric, rubricVersion, fingerprint and sheet; row 7 is the header
``kind | key | cell``; then one row per input (field, value, notApplicable,
reason, evidence) and per formula (``formula | awarded:7.1 | J16``…).
"""

from __future__ import annotations

import hashlib
import json

from ..output import plain
from .layout import MANIFEST_SHEET, SHEET, Layout

FORMAT = "wsas-xlsx/1"
TITLE = ("WSAS", "工作簿清单：导入时据此读取评估表，请勿修改 / manifest read by `wsas xlsx import`; do not edit", "")
TABLE_HEADER = ("kind", "key", "cell")
FIRST_ENTRY_ROW = 8


def _structure(layout: Layout) -> dict:
    data = layout.rubric.data
    sections = [{"id": section["id"], "points": section["points"],
                 "items": [{"id": item["id"], "points": item["points"], "lost": bool(item.get("lost")),
                            "criteria": [{"id": c["id"], "points": c["points"], "rule": c["rule"],
                                          "mandatory": bool(c.get("mandatory"))} for c in item["criteria"]]}
                           for item in section["items"]]}
                for section in data["sections"]]
    outcomes = [{"id": o["id"], "label": o["label"], "range": o["range"]} for o in data.get("outcomes", [])]
    structure = {"rubric": data["id"], "version": data["version"], "total": data["total"], "scoring": data["scoring"],
                 "outcomes": outcomes, "sections": sections,
                 "columns": [[c.role, c.header, c.letter] for c in layout.columns],
                 "inputs": [list(entry) for entry in layout.inputs],
                 "formulas": [list(entry) for entry in layout.formula_cells]}
    if layout.by_deadline:  # the sheet's formulas follow the items' deadlines (spec/scoring.md §4.3)
        structure["byDeadline"] = {item["id"]: item["deadline"] for section in data["sections"]
                                   for item in section["items"] if "deadline" in item}
    return structure


def fingerprint(layout: Layout) -> str:
    text = json.dumps(plain(_structure(layout)), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def rows(layout: Layout) -> list[tuple[str, str, str]]:
    """The manifest sheet's content, row by row from row 1."""
    rubric = layout.rubric
    content = [TITLE, ("format", FORMAT, ""), ("rubric", rubric.id, ""), ("rubricVersion", rubric.version, ""),
               ("fingerprint", fingerprint(layout), ""), ("sheet", SHEET, ""), TABLE_HEADER]
    content += [entry for entry in layout.inputs]
    content += [("formula", key, cell) for key, cell in layout.formula_cells]
    return content


def write(workbook, layout: Layout) -> None:
    sheet = workbook.create_sheet(MANIFEST_SHEET)
    for index, row in enumerate(rows(layout), start=1):
        for column, value in enumerate(row, start=1):
            if value:
                sheet.cell(index, column, value).number_format = "@"
    sheet.column_dimensions["A"].width = 16
    sheet.column_dimensions["B"].width = 40
    sheet.sheet_state = "veryHidden"
    sheet.protection.sheet = True


def read(sheet) -> list[tuple[str, str, str]]:
    """The stored manifest (a :class:`~wsas.xlsx.grid.Grid`) as strings (missing cells as empty strings)."""
    found = [tuple("" if value is None else str(value) for value in row) for row in sheet.values(3)]
    while found and not any(found[-1]):
        found.pop()
    return found


def lookup(stored: list[tuple[str, str, str]], key: str) -> str | None:
    """Value of a header entry (format, rubric, rubricVersion, fingerprint, sheet)."""
    for row in stored[:FIRST_ENTRY_ROW - 1]:
        if row[0] == key:
            return row[1]
    return None


def first_difference(stored, expected) -> int | None:
    """1-based row of the first difference between two manifests, or None when they agree."""
    for index in range(max(len(stored), len(expected))):
        left = stored[index] if index < len(stored) else ("", "", "")
        right = expected[index] if index < len(expected) else ("", "", "")
        if tuple(left) != tuple(right):
            return index + 1
    return None
