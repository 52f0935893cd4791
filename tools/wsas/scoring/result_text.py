"""The human summary of one result: totals, outcome and every deduction with its reason."""

from __future__ import annotations

from ..rubrics import Catalogue
from .rules import fmt


def summary(path: str, result: dict, catalogue: Catalogue) -> str:
    """A human summary of one result: totals, outcome and every deduction with its reason."""
    rubric = catalogue.get(result["rubric"])
    titles = {n["id"]: n.get("title", "（原文缺失）") for s in rubric.data["sections"] for n in [s, *s["items"]]}
    lines = [f"{path}: {result['subject']['name']} · {result['period']} · {rubric.data['title']}（{rubric.id} {rubric.version}）"]
    parts = result["sections"] if len(result["sections"]) > 1 else result["items"]
    for part in parts:
        if part.get("due") is False:  # spec/scoring.md §4.3: not assessed yet, not a zero
            lines.append(f"  {part['id']} {titles.get(part['id'], '')}: 未到时间节点（{part['dueOn']}），不计分 "
                         f"not yet due ({fmt(part['points'])} points left out)")
            continue
        na = f"，缺项 {fmt(part['notApplicablePoints'])}" if part["notApplicablePoints"] else ""
        lines.append(f"  {part['id']} {titles.get(part['id'], '')}: {fmt(part['awarded'])}/{fmt(part['points'])}{na}")
    for line in result["criteria"]:
        if line["deducted"] or line["notApplicable"]:
            reason = f"；原因：{line['reason']}" if line.get("reason") else ""
            lines.append(f"  - {line['id']} −{fmt(line['deducted'])}: {line['explanation']}{reason}")
    outcome = result["outcome"]["label"] if result["outcome"] else "无"
    not_due = (f"；未到时间节点 {fmt(result['notYetDuePoints'])} 分（评估日期 {result['asOf']}）"
               if result.get("notYetDuePoints") else "")
    normalised = (f"（实得 {fmt(result['total'])} / 应得 {fmt(result['maximum'])}{not_due}）"
                  if result["score"] != result["total"] or result["notApplicablePoints"] or not_due else "")
    veto = f"；否决：{'、'.join(result['vetoedBy'])}" if result["vetoedBy"] else ""
    lines.append(f"  得分 score {fmt(result['score'])}{normalised}{veto}；结果 outcome：{outcome}")
    if result.get("grade"):
        lines.append(f"  等级 grade：{result['grade']['label']}（{result['grade']['program']}）")
    for consequence in result.get("consequences", []):
        lines.append(f"  结果运用 consequence（{consequence['program']}）：{consequence['effect']}")
    return "\n".join(lines) + "\n\n"
