"""Where everything goes on the 评估表 sheet, computed from the rubric alone.

The template writer, the filler and the importer all take cell addresses from
this one computation instead of searching the sheet, so a workbook is read back
exactly where it was written, and the manifest (``_wsas``) can be recomputed from
the rubric and compared with the one stored in a returned workbook.

Contract (rows are fixed, columns depend on the rubric's ``columns``):

- rows 1–3: title, source document, rubric id/version and scoring note;
- rows 4–7: eight input fields, two per row (label, value, label, value);
- row 8: how to fill in; row 9: the table header (repeated on every printed page);
- from row 10: one row per criterion (a lost item keeps one row), in rubric order;
- one empty row, then the summary: a header row, one row per section (only when
  the rubric has titled or several sections), one row per item, then 合计,
  评估日期 and 未到时间节点的分值 (rubrics assessed by deadline, spec/scoring.md §4.3),
  应得分, 得分, 否决项 (rubrics with veto criteria), 结果判定 (rubrics with
  outcomes) and 填报状态.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from openpyxl.utils import get_column_letter

from ..scoring.due import by_deadline
from ..rubrics import Rubric

SHEET = "评估表"
MANIFEST_SHEET = "_wsas"
DEFAULT_COLUMNS = ["序号", "主要内容", "具体要求", "分值"]

TITLE_ROW, SOURCE_ROW, META_ROW = 1, 2, 3
FIELD_ROW = 4
HINT_ROW = 8
HEADER_ROW = 9
FIRST_ROW = 10

NA_TEXT = "缺项"
YES, NO = "是", "否"


@dataclass(frozen=True)
class Field:
    key: str          # dotted path in the submission, e.g. subject.name
    label: str
    pointer: str


FIELDS = [
    Field("subject.name", "被评估单位", "/subject/name"),
    Field("subject.code", "统一社会信用代码", "/subject/code"),
    Field("subject.region", "地区", "/subject/region"),
    Field("period", "评估期", "/period"),
    Field("assessor.name", "评估人", "/assessor/name"),
    Field("assessor.organisation", "评估单位", "/assessor/organisation"),
    Field("assessedOn", "评估日期", "/assessedOn"),
    Field("notes", "备注", "/notes"),
]

# Added columns: WSAS's own, after the source's descriptive columns.
ADDED = {"id": "细则编号", "rule": "评分规则（WSAS）", "value": "填报值", "na": "缺项",
         "awarded": "得分", "reason": "扣分原因", "evidence": "佐证"}
WIDTHS = {"section": 12, "number": 6, "item": 18, "criterion": 44, "deadline": 9, "points": 7, "id": 8,
          "rule": 26, "value": 10, "na": 7, "awarded": 9, "deducted": 8, "reason": 22, "evidence": 18, "other": 10}


def blank_role(header: str) -> str:
    """What a source column left blank for the assessor becomes: reason, awarded, deducted or other."""
    if "原因" in header:
        return "reason"
    if header == "扣分":
        return "deducted"
    if any(word in header for word in ("得分", "评分", "自评")):
        return "awarded"
    return "other"


@dataclass(frozen=True)
class Column:
    role: str
    header: str
    index: int

    @property
    def letter(self) -> str:
        return get_column_letter(self.index)

    @property
    def width(self) -> float:
        return WIDTHS.get(self.role, 10)


@dataclass(frozen=True)
class TableRow:
    row: int
    section: dict
    item: dict
    criterion: dict | None          # None: the one row of a lost item
    first_in_section: bool
    first_in_item: bool


@dataclass(frozen=True)
class SummaryRow:
    row: int
    kind: str                       # section | item | total | asOf | notYetDuePoints | maximum | score | vetoedBy
                                    # | outcome | status
    node: dict | None = None


def may_be_not_applicable(rubric: Rubric, criterion: dict) -> bool:
    """scoring.md §4.1: the rubric allows it, the criterion is not mandatory and not a veto."""
    return bool(rubric.scoring["notApplicable"]) and not criterion.get("mandatory") \
        and criterion["rule"]["kind"] != "veto"


class Layout:
    """Cell addresses of one rubric's workbook."""

    def __init__(self, rubric: Rubric):
        self.rubric = rubric
        self.by_deadline = by_deadline(rubric)
        data = rubric.data
        self.has_section_titles = any(section.get("title") for section in data["sections"])
        self.show_sections = self.has_section_titles or len(data["sections"]) > 1
        self.columns = self._columns(data.get("columns") or DEFAULT_COLUMNS)
        self.table = self._table_rows()
        self.summary = self._summary_rows()

    # columns -----------------------------------------------------------------
    def _columns(self, source: list[str]) -> list[Column]:
        # Imported here: the handbook (wsas.site) offers these templates for download, so importing
        # it at module level would be circular. Same column roles as the handbook's table.
        from ..site.rubric_view import column_roles

        roles = column_roles(source, self.has_section_titles)
        descriptive = [(role, header) for role, header in zip(roles, source) if role != "blank"]
        blanks, seen = [], set()
        for role, header in zip(roles, source):
            if role == "blank":
                kind = blank_role(header)
                kind = "other" if kind in seen and kind != "other" else kind
                seen.add(kind)
                blanks.append((kind, header))
        added = [("id", ADDED["id"]), ("rule", ADDED["rule"]), ("value", ADDED["value"])]
        if self.rubric.scoring["notApplicable"]:
            added.append(("na", ADDED["na"]))
        if "awarded" not in seen:
            added.append(("awarded", ADDED["awarded"]))
        tail = [] if "reason" in seen else [("reason", ADDED["reason"])]
        tail.append(("evidence", ADDED["evidence"]))
        return [Column(role, header, index)
                for index, (role, header) in enumerate(descriptive + added + blanks + tail, start=1)]

    @cached_property
    def by_role(self) -> dict[str, Column]:
        found: dict[str, Column] = {}
        for column in self.columns:
            found.setdefault(column.role, column)
        return found

    @property
    def width(self) -> int:
        return len(self.columns)

    @property
    def last_letter(self) -> str:
        return get_column_letter(self.width)

    def column(self, role: str) -> Column | None:
        return self.by_role.get(role)

    # header fields -------------------------------------------------------------
    @cached_property
    def field_spans(self) -> dict[str, tuple[int, int, int, int, int]]:
        """key → (row, label first col, label last col, value first col, value last col)."""
        criterion = self.column("criterion")
        split = min(max(3, criterion.index if criterion else 3), self.width - 3)
        spans = {}
        for position, field in enumerate(FIELDS):
            row = FIELD_ROW + position // 2
            if position % 2 == 0:
                spans[field.key] = (row, 1, 2, 3, split)
            else:
                spans[field.key] = (row, split + 1, split + 2, split + 3, self.width)
        return spans

    def field_cell(self, key: str) -> str:
        row, _, _, first, _ = self.field_spans[key]
        return f"{get_column_letter(first)}{row}"

    # the table -------------------------------------------------------------------
    def _table_rows(self) -> list[TableRow]:
        rows, row = [], FIRST_ROW
        for section in self.rubric.data["sections"]:
            first_in_section = True
            for item in section["items"]:
                for position, criterion in enumerate(item["criteria"] or [None]):
                    rows.append(TableRow(row, section, item, criterion, first_in_section, position == 0))
                    first_in_section = False
                    row += 1
        return rows

    @property
    def last_table_row(self) -> int:
        return self.table[-1].row

    @cached_property
    def criterion_rows(self) -> dict[str, TableRow]:
        return {r.criterion["id"]: r for r in self.table if r.criterion is not None}

    def rows_of(self, node_id: str, kind: str) -> list[TableRow]:
        key = (lambda r: r.item["id"]) if kind == "item" else (lambda r: r.section["id"])
        return [r for r in self.table if key(r) == node_id]

    def cell(self, role: str, criterion_id: str) -> str | None:
        column = self.column(role)
        if column is None:
            return None
        if role == "na" and not may_be_not_applicable(self.rubric, self.criterion_rows[criterion_id].criterion):
            return None
        return f"{column.letter}{self.criterion_rows[criterion_id].row}"

    def column_range(self, role: str, first: int | None = None, last: int | None = None) -> str:
        letter = self.column(role).letter
        return f"{letter}{first or FIRST_ROW}:{letter}{last or self.last_table_row}"

    # the summary -------------------------------------------------------------------
    @property
    def summary_header_row(self) -> int:
        return self.last_table_row + 2

    def _summary_rows(self) -> list[SummaryRow]:
        rows, row = [], self.last_table_row + 3
        data = self.rubric.data
        if self.show_sections:
            for section in data["sections"]:
                rows.append(SummaryRow(row, "section", section))
                row += 1
        for section in data["sections"]:
            for item in section["items"]:
                rows.append(SummaryRow(row, "item", item))
                row += 1
        kinds = ["total", "asOf", "notYetDuePoints", "maximum", "score"] if self.by_deadline else \
            ["total", "maximum", "score"]
        if any(r.criterion["rule"]["kind"] == "veto" for r in self.criterion_rows.values()):
            kinds.append("vetoedBy")
        if data.get("outcomes"):
            kinds.append("outcome")
        kinds.append("status")
        for kind in kinds:
            rows.append(SummaryRow(row, kind))
            row += 1
        return rows

    @cached_property
    def summary_by_key(self) -> dict[str, SummaryRow]:
        return {(f"{r.kind}:{r.node['id']}" if r.node is not None else r.kind): r for r in self.summary}

    @property
    def last_row(self) -> int:
        return self.summary[-1].row

    @property
    def summary_columns(self) -> tuple[int, int, int]:
        """(分值, 缺项分, 得分) columns of the summary block: the last three."""
        return self.width - 2, self.width - 1, self.width

    def summary_cell(self, key: str, which: str = "awarded") -> str:
        """A summary value; the rows after 合计 hold one value, merged over the last three columns."""
        points, na, awarded = self.summary_columns
        row = self.summary_by_key[key]
        if row.kind not in ("section", "item", "total"):
            return f"{get_column_letter(points)}{row.row}"
        index = {"points": points, "na": na, "awarded": awarded}[which]
        return f"{get_column_letter(index)}{row.row}"

    # every cell that matters, by purpose -----------------------------------------------
    @cached_property
    def inputs(self) -> list[tuple[str, str, str]]:
        """(kind, key, cell) of every input: field, value, notApplicable, reason, evidence."""
        entries = [("field", field.key, self.field_cell(field.key)) for field in FIELDS]
        for criterion_id in self.criterion_rows:
            for kind, role in (("value", "value"), ("notApplicable", "na"), ("reason", "reason"),
                               ("evidence", "evidence")):
                address = self.cell(role, criterion_id)
                if address:
                    entries.append((kind, criterion_id, address))
        return entries

    @cached_property
    def formula_cells(self) -> list[tuple[str, str]]:
        """(key, cell) of every formula, keys named like the result document's members."""
        entries = []
        for criterion_id in self.criterion_rows:
            entries.append((f"awarded:{criterion_id}", self.cell("awarded", criterion_id)))
            if self.column("deducted"):
                entries.append((f"deducted:{criterion_id}", self.cell("deducted", criterion_id)))
        for row in self.summary:
            if row.kind in ("section", "item"):
                key = f"{row.kind}:{row.node['id']}"
                entries.append((key, self.summary_cell(key)))
                entries.append((f"{row.kind}-na:{row.node['id']}", self.summary_cell(key, "na")))
            elif row.kind == "total":
                entries.append(("total", self.summary_cell("total")))
                entries.append(("notApplicablePoints", self.summary_cell("total", "na")))
            else:
                entries.append((row.kind, self.summary_cell(row.kind)))
        return entries
