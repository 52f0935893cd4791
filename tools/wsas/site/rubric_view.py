"""A rubric as the official table, with each erratum right after the rows it affects.

The table keeps the source's own columns (``rubric.columns``) so staff recognise
the form they know; WSAS adds one column, the rule in words. Markdown tables
cannot hold an admonition, so the table is cut after the affected rows and goes
on below the erratum with its header repeated.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..scoring.rules import fmt
from . import words
from .mdtext import inline

RULE_COLUMN = "评分规则（WSAS）"

# Column roles by header text; first match wins, exact names before parts of names.
ROLE_NAMES = [
    ("number", ("序号", "编号")),
    ("points", ("分值", "标准分", "分数", "满分")),
    ("deadline", ("时间节点", "时限", "完成时间")),
    ("blank", ("实际得分", "得分", "扣分原因", "扣分", "备注", "评分", "自评")),
    ("criterion", ("具体要求", "细则", "评分标准", "考核标准", "要求")),
    ("item", ("主要内容", "内容", "考核项目")),
    ("section", ("项目", "类别", "分项")),
]


def erratum_anchor(erratum_id: str) -> str:
    return f"erratum-{erratum_id}"


def column_roles(columns: list[str], has_section_titles: bool) -> list[str]:
    roles = []
    for column in columns:
        role = next((r for r, names in ROLE_NAMES if column in names), None)
        role = role or next((r for r, names in ROLE_NAMES if any(n in column for n in names)), "blank")
        if role == "section" and not has_section_titles:
            role = "item"
        roles.append(role)
    return roles


@dataclass
class Row:
    cells: list[str]
    nodes: list[str]                       # ids of the section, item and criterion of this row
    markers: list[str] = field(default_factory=list)


@dataclass
class Block:
    rows: list[Row] = field(default_factory=list)
    errata: list[dict] = field(default_factory=list)


@dataclass
class RubricTable:
    header: list[str]
    general: list[dict]                    # errata about the whole table, shown before it
    blocks: list[Block]


def rubric_table(data: dict) -> RubricTable:
    columns = data.get("columns") or ["序号", "主要内容", "具体要求", "分值"]
    has_titles = any(section.get("title") for section in data["sections"])
    roles = column_roles(columns, has_titles)
    rows = list(_rows(data, roles))
    general, after = _place_errata(data.get("errata", []), rows)
    for row in rows:
        if row.markers:
            row.cells[-1] += "<br>见" + "、".join(f"[勘误 {m}](#{erratum_anchor(m)})" for m in row.markers)
    blocks, current = [], Block()
    for index, row in enumerate(rows):
        current.rows.append(row)
        if after.get(index):
            current.errata = after[index]
            blocks.append(current)
            current = Block()
    if current.rows:
        blocks.append(current)
    return RubricTable([*columns, RULE_COLUMN], general, blocks)


def _rows(data: dict, roles: list[str]):
    suffix_points = "points" not in roles
    has_number = "number" in roles
    for section in data["sections"]:
        first_in_section = True
        for item in section["items"]:
            criteria = item["criteria"] or [None]  # a lost item still takes one row
            for position, criterion in enumerate(criteria):
                cells = []
                for role in roles:
                    cells.append(_cell(role, section, item, criterion, first_in_section, position == 0,
                                       suffix_points, has_number))
                rule = words.rule_words(criterion["rule"], criterion["points"]) if criterion else ""
                if criterion and position == 0 and data.get("assessment", {}).get("byDeadline"):
                    rule += f"；按时间节点：{words.item_due_words(item.get('deadline'))}"
                if item.get("lost"):
                    rule = "原文缺失，按缺项处理（不计入应得分）"
                cells.append(inline(rule))
                ids = [section["id"], item["id"]] + ([criterion["id"]] if criterion else [])
                yield Row(cells, ids)
                first_in_section = False


def _with_points(text: str, node: dict, suffix: bool) -> str:
    return f"{text}（{words.points_words(node)}）" if suffix else text


def _cell(role, section, item, criterion, first_in_section, first_in_item, suffix_points, has_number) -> str:
    anchor = f'<a id="item-{item["id"]}"></a>' if first_in_item else ""
    if role == "section":
        if not first_in_section:
            return ""
        title = f"{section['id']}、{section.get('title', '')}"
        return inline(_with_points(title, section, suffix_points))
    if role == "number":
        return anchor + inline(item["id"]) if first_in_item else ""
    if role == "item":
        if not first_in_item:
            return ""
        title = item.get("title") or "（原文缺失）"
        if not has_number:
            title = f"{item['id']}. {title}"
            return anchor + inline(_with_points(title, item, suffix_points))
        return inline(_with_points(title, item, suffix_points))
    if role == "criterion":
        if criterion is None:
            return inline("（原文缺失）")
        label = f"{criterion['label']} " if criterion.get("label") else ""
        text = inline(_with_points(label + criterion["text"], criterion, suffix_points))
        return f'<a id="criterion-{criterion["id"]}"></a>{text}'
    if role == "deadline":
        if not first_in_item or item.get("lost"):
            return ""
        deadline = item.get("deadline")
        if not deadline:
            return ""
        return inline(deadline.get("text") or "（原文未给出）")
    if role == "points":
        return inline(_points_cell(criterion or item))
    return ""


def _points_cell(node: dict) -> str:
    text = fmt(node["points"])
    if "statedPoints" in node:
        stated = node["statedPoints"]
        text += "（原文未标分值）" if stated is None else f"（原文标注{fmt(stated)}）"
    return text


def _place_errata(errata: list[dict], rows: list[Row]):
    """(errata before the table, {row index: errata shown after that row}); rows get markers."""
    general, after = [], {}
    for erratum in errata:
        hit = sorted(i for i, row in enumerate(rows) if set(erratum["affects"]) & set(row.nodes))
        if not hit or len(hit) == len(rows):
            general.append(erratum)
            continue
        end = hit[0]
        while end + 1 in hit:
            end += 1
        after.setdefault(end, []).append(erratum)
        for index in hit:
            rows[index].markers.append(erratum["id"])
    return general, after


def scoring_lines(data: dict) -> list[str]:
    """The rubric-level scoring settings in words."""
    scoring = data["scoring"]
    lines = [f"满分 {fmt(data['total'])} 分。"]
    lines.append("允许填报「缺项」（不适用）。" if scoring["notApplicable"] else "不允许填报「缺项」：每条细则都必须评分。")
    if scoring["normalise"]:
        lines.append(f"得分按 实得分 ÷ (满分 − 缺项分) × 100 折算，四舍五入（ROUND_HALF_UP）保留"
                     f"{scoring['roundingPlaces']}位小数。")
    else:
        lines.append("得分即各细则得分之和，不折算、不舍入。")
    lost = [item for section in data["sections"] for item in section["items"] if item.get("lost")]
    if lost:
        ids = "、".join(item["id"] for item in lost)
        points = sum((item["points"] for item in lost), 0)
        lines.append(f"原文缺失的项目（{ids}，共 {fmt(points)} 分）一律按缺项处理。")
    return lines
