"""What the sheet says: every Chinese text of the template apart from the rubric's own.

The rule and points wording is the handbook's (wsas.site.words), so the
workbook, the web form and the rubric page never describe a rule differently.
"""

from __future__ import annotations

from ..rubrics import Rubric
from ..scoring.rules import fmt
from .layout import Layout, TableRow

HINT = ("填写说明：只在浅黄色单元格填写。「填报值」按「评分规则」一栏填：评定填得分（按步长），是/否选「是」或「否」，"
        "按次扣分填发现次数，比率填百分数的数值（12.5 表示 12.5%，不带 %）。得分、合计由公式计算。"
        "工作表已保护（无密码），请勿增删行列、移动单元格或改动公式：导入（wsas xlsx import）时逐格检查。")
LOST = "（原文缺失）"


def words():
    """wsas.site.words, imported late: the handbook imports the template writer to offer downloads."""
    from ..site import words as module

    return module


def source_line(data: dict) -> str:
    """Issuer, document title, number and date, attachment, and who forwarded it."""
    source = data["source"]
    text = source["issuer"] + (f"《{source['title']}》" if source.get("title") else "")
    numbered = "，".join(x for x in (source.get("documentNumber"), source.get("date")) if x)
    text += (f"（{numbered}）" if numbered else "") + (source.get("attachment") or "")
    forwarded = source.get("forwardedBy")
    if forwarded:
        text += f"；转发：{forwarded['issuer']} {forwarded['documentNumber']}"
    return text


def meta_line(rubric: Rubric) -> str:
    """Rubric id and version, and how the score is computed."""
    data, scoring = rubric.data, rubric.scoring
    text = f"评估表 {rubric.id} · 版本 {rubric.version} · 满分 {fmt(data['total'])} 分 · "
    if scoring["normalise"]:
        text += f"得分 = 实得分 ÷ 应得分 × 100，四舍五入保留 {scoring['roundingPlaces']} 位小数"
    else:
        text += "得分 = 各细则得分之和"
    if rubric.lost_items:
        text += f" · 第 {'、'.join(item['id'] for item in rubric.lost_items)} 项原文缺失，按缺项处理"
    if scoring["notApplicable"]:
        text += " · 不适用的细则可在「缺项」栏选「缺项」"
    if rubric.data.get("assessment", {}).get("byDeadline"):
        text += (" · 按时间节点评估：评估日期（未填时为评估期的最后一日）尚未到「x月底前」的项目灰显、不计分、不计入应得分，"
                 f"得分按 实得分 ÷ 应得分 × 100 折算，四舍五入保留 {scoring['roundingPlaces']} 位小数")
    return text


def errata_note(data: dict, *ids: str) -> str:
    hits = [e["id"] for e in data.get("errata", []) if set(e["affects"]) & set(ids)]
    return f"（见勘误 {'、'.join(hits)}）" if hits else ""


def with_points(text: str, node: dict, suffix: bool) -> str:
    """「…（2分）」 where the source table has no points column."""
    return f"{text}（{words().points_words(node)}）" if suffix else text


def cell_text(role: str, row: TableRow, layout: Layout):
    """Content of one table cell by column role (None where a merged cell continues or nothing is shown)."""
    section, item, criterion = row.section, row.item, row.criterion
    suffix = layout.column("points") is None
    if role == "section":
        title = f"{section['id']}、{section.get('title', '')}"
        return with_points(title, section, suffix) if row.first_in_section else None
    if role == "number":
        return item["id"] if row.first_in_item else None
    if role == "item":
        if not row.first_in_item:
            return None
        title = item.get("title") or LOST
        title = title if layout.column("number") else f"{item['id']}. {title}"
        return with_points(title, item, suffix)
    if role == "criterion":
        if criterion is None:
            return LOST
        label = f"{criterion['label']} " if criterion.get("label") else ""
        return with_points(label + criterion["text"], criterion, suffix)
    if role == "deadline":
        deadline = item.get("deadline")
        return (deadline.get("text") or "（原文未给出）") if row.first_in_item and deadline else None
    if role == "points":
        return (criterion or item)["points"]
    if role == "id":
        return criterion["id"] if criterion else item["id"]
    if role == "rule":
        if criterion is None:
            return "原文缺失，按缺项处理（不计入应得分）" + errata_note(layout.rubric.data, item["id"])
        return words().rule_words(criterion["rule"], criterion["points"]) \
            + errata_note(layout.rubric.data, criterion["id"])
    return None


def summary_label(layout: Layout, kind: str) -> str:
    scoring = layout.rubric.scoring
    if kind == "total":
        return "合计（实得分）"
    if kind == "maximum":
        return "应得分（满分 − 缺项分 − 未到时间节点的分值）" if layout.by_deadline else "应得分（满分 − 缺项分）"
    if kind == "score":
        if scoring["normalise"]:
            return f"得分（实得分 ÷ 应得分 × 100，四舍五入保留 {scoring['roundingPlaces']} 位小数；触发否决项时为 0）"
        if layout.by_deadline:
            return (f"得分（有未到时间节点的项目时为 实得分 ÷ 应得分 × 100，四舍五入保留 {scoring['roundingPlaces']} 位小数，"
                    "否则即实得分；触发否决项时为 0）")
        return "得分（即实得分；触发否决项时为 0）"
    return {"vetoedBy": "触发的否决项", "outcome": "结果判定", "status": "填报状态",
            "asOf": "评估日期（未填时为评估期的最后一日；时间节点在其后的项目不计分）",
            "notYetDuePoints": "未到时间节点的分值（灰显各行，不计入应得分）"}[kind]
