"""Rules, deadlines and intervals in plain Chinese words.

Staff read the handbook, not the YAML: every scoring rule and every deadline
rule is spelt out here once, with the side each boundary belongs to, so the
pages never paraphrase the data differently from one another.
"""

from __future__ import annotations

from decimal import Decimal

from ..rubrics import DEFAULT_STEP
from ..scoring.rules import fmt, interval_contains, num

CADENCE = {"day": "每日", "week": "每周（周一至周日）", "month": "每月", "quarter": "每季度", "year": "每年"}
FINDING_NOUNS = {"家", "处", "个", "项", "次", "人", "起", "条", "台", "份"}


def bound(value, inclusive: bool, side: str, unit: str) -> str:
    """One side of an inequality: ``5% ≤`` (lower) or ``< 10%`` (upper)."""
    if side == "lower":
        return f"{fmt(value)}{unit} {'≤' if inclusive else '<'} "
    return f" {'≤' if inclusive else '<'} {fmt(value)}{unit}"


def interval_words(interval: dict, measure: str = "x", unit: str = "") -> str:
    """``5% ≤ 评审达标率 < 10%``: both sides written, so every boundary value has one place."""
    lower = bound(interval["lower"], interval["lowerInclusive"], "lower", unit) if "lower" in interval else ""
    upper = bound(interval["upper"], interval["upperInclusive"], "upper", unit) if "upper" in interval else ""
    return f"{lower}{measure}{upper}"


def _uncovered(intervals: list[dict], low=Decimal(0), high=Decimal(100)) -> list[dict]:
    """The parts of [low, high] that no interval covers (rates are percentages)."""
    points = sorted({low, high} | {num(i[k]) for i in intervals for k in ("lower", "upper") if k in i})
    gaps = []
    probes = []  # every boundary, and every open stretch between two neighbouring boundaries
    for index, value in enumerate(points):
        probes.append((value, value))
        if index + 1 < len(points):
            probes.append((value, points[index + 1]))
    for left, right in probes:
        sample = left if left == right else (left + right) / 2
        if not low <= sample <= high or any(interval_contains(i, sample) for i in intervals):
            continue
        if left == right:
            gaps.append({"lower": left, "lowerInclusive": True, "upper": left, "upperInclusive": True})
        else:
            gaps.append({"lower": left, "lowerInclusive": False, "upper": right, "upperInclusive": False})
    return _merge(gaps)


def _merge(gaps: list[dict]) -> list[dict]:
    merged: list[dict] = []
    for gap in gaps:
        if merged and merged[-1]["upper"] == gap["lower"] and (merged[-1]["upperInclusive"] or gap["lowerInclusive"]):
            merged[-1] = {**merged[-1], "upper": gap["upper"], "upperInclusive": gap["upperInclusive"]}
        else:
            merged.append(dict(gap))
    return merged


def _gap_words(gap: dict, measure: str) -> str:
    if gap["lower"] == gap["upper"]:
        return f"{measure} = {fmt(gap['lower'])}%"
    if gap["upper"] == 100 and gap["upperInclusive"]:
        return f"{measure} {'≥' if gap['lowerInclusive'] else '>'} {fmt(gap['lower'])}%"
    if gap["lower"] == 0 and gap["lowerInclusive"]:
        return f"{measure} {'≤' if gap['upperInclusive'] else '<'} {fmt(gap['upper'])}%"
    return interval_words(gap, measure, "%")


def rule_words(rule: dict, points=None) -> str:
    """How one criterion (or target) is scored, e.g. 「每发现一家扣1分，扣满5分为止」."""
    kind = rule["kind"]
    if kind == "judgement":
        step = fmt(rule.get("step", Decimal(DEFAULT_STEP)))
        return f"评估人评定：0至{fmt(points)}分，按{step}分的整数倍给分"
    if kind == "yes-no":
        return f"是/否：符合得{fmt(points)}分，不符合得0分"
    if kind == "per-finding":
        unit = rule["unit"]
        counted = f"每发现一{unit}" if unit in FINDING_NOUNS else f"每计一{unit}"
        text = f"{counted}扣{fmt(rule['deduct'])}分，扣满{fmt(rule['cap'])}分为止"
        if points is not None and num(rule["cap"]) > num(points):
            text += f"（扣至细则分值{fmt(points)}分即止）"
        return text
    if kind == "rate-tiers":
        measure = rule["measure"]
        parts = []
        for tier in rule["tiers"]:
            deduct = f"扣{fmt(tier['deduct'])}分"
            if points is not None and num(tier["deduct"]) > num(points):
                deduct += f"（以细则分值{fmt(points)}分为限）"
            parts.append(f"{interval_words(tier['range'], measure, '%')} {deduct}")
        rest = [_gap_words(gap, measure) for gap in _uncovered([t["range"] for t in rule["tiers"]])]
        tail = f"；{'或'.join(rest)} 不扣分" if rest else ""
        return "；".join(parts) + tail + "（只落一档，不叠加）"
    if kind == "shortfall-steps":
        partial = "不足一档的差额不计" if rule["partialStep"] == "ignore" else "不足一档的差额也计为一档"
        text = (f"{rule['measure']}以{fmt(rule['target'])}%为目标：每少{fmt(rule['step'])}个百分点扣"
                f"{fmt(rule['deduct'])}分，{partial}；{rule['measure']} ≥ {fmt(rule['target'])}% 不扣分")
        if points is not None:
            text += f"；扣分以分值{fmt(points)}分为限"
        return text
    if kind == "veto":
        return "否决项：本身不计分；触发时整张评估表得0分"
    raise ValueError(f"unknown rule kind {kind!r}")


def anchor_words(event: str, program=None) -> str:
    if event == "campaign-start":
        return "专项整治开始日"
    if event == "campaign-end":
        return "专项整治结束日"
    prefix, _, name = event.partition(":")
    stages = program.stages if program is not None else {}
    if prefix in ("stage", "due") and name:
        label = stages.get(name, {}).get("label", name)
        return f"「{label}」完成之日" if prefix == "stage" else f"「{label}」到期日"
    events = {e["id"]: e["label"] for e in (program.data.get("events", []) if program is not None else [])}
    return f"事件「{events.get(event, event)}」"


DAY_COUNTING = ("「…前」「…内」都包括到期日本身，当日完成为按时；「N个日历日内」从起算日的次日数起，到期日遇周末、"
                "节假日不顺延；工作日按国家法定节假日和调休计算；整治年度为实例开始日所在的年份。")


def due_words(due: dict | None, program=None) -> str:
    """A program deadline rule (stage, deadline entry, target, quota) in words; day counting: DAY_COUNTING."""
    if not due:
        return "原文未规定期限"
    kind = due["kind"]
    if kind == "date":
        return f"{due['date']}当日或之前"
    if kind == "calendar-days-after":
        return f"{anchor_words(due['event'], program)}后{due['days']}个日历日内"
    if kind == "working-days-after":
        return f"{anchor_words(due['event'], program)}后第{due['days']}个工作日"
    if kind == "working-days-before":
        return f"{anchor_words(due['event'], program)}前第{due['days']}个工作日"
    if kind == "month-end":
        return f"整治年度{due['month']}月最后一日当日或之前"
    if kind == "year-end":
        return "整治年度12月31日当日或之前"
    if kind == "none":
        return "原文未规定期限，不作逾期判断"
    raise ValueError(f"unknown deadline kind {kind!r}")


def cadence_words(cadence: dict) -> str:
    return f"{CADENCE[cadence['every']]}至少{cadence['atLeast']}次"


# Conditions that the supervising department finds from the source's words; WSAS never computes them.
FOUND_BY_PEOPLE = {
    "hazard": {"major": "存在重大隐患"},
    "rectification": {"refused-or-incomplete": "拒不整改或者隐患整改不彻底"},
}


def consequence_condition(when: dict, program=None) -> str:
    """When a program consequence applies, in words (spec/workflows.md §10.2)."""
    if "grade" in when:
        scales = program.grading if program is not None else {}
        scale = scales.get(when["grade"]["scale"], {})
        level = next((lv for lv in scale.get("levels", []) if lv["id"] == when["grade"]["level"]), {})
        return f"{scale.get('label', when['grade']['scale'])}为「{level.get('label', when['grade']['level'])}」"
    if "outcome" in when:
        return f"{when['outcome']['rubric']} 的结果判定为 {when['outcome']['outcome']}"
    for kind, values in FOUND_BY_PEOPLE.items():
        if kind in when:
            return f"{values[when[kind]]}（由监管部门按原文认定，WSAS 不自动判断）"
    raise ValueError(f"unknown consequence condition {when!r}")


def quota_words(quota: dict) -> str:
    comparison = "恰好" if quota["comparison"] == "exactly" else "不少于"
    per = f"（每{quota['per']}）" if quota.get("per") else "（合计）"
    return f"{comparison}{quota['count']}{per}"


def duration_words(condition: dict) -> str:
    parts = []
    if "atLeast" in condition:
        parts.append(f"整治时限不少于{condition['atLeast']}年（恰好{condition['atLeast']}年属于此类）")
    if "below" in condition:
        parts.append(f"整治时限少于{condition['below']}年")
    return "，且".join(parts) + "；时限从开始日算到结束日，含两端"


BY_DEADLINE = ("按时间节点评估：以填报的评估日期（assessedOn）为准，未填时取评估期的最后一日；「x月底前」的到期日为"
               "评估期所在年份该月的最后一日，到期日当天及以后评估才考核该项目；「全年」和原文未给出时间节点的项目"
               "每次都考核。尚未到时间节点的项目不计分、不计入应得分（可以不填；填了也不计分），得分按 实得分 ÷ 应得分 × 100 "
               "折算，四舍五入（ROUND_HALF_UP）保留{places}位小数{line}。")


def by_deadline_words(data: dict) -> str | None:
    """The rule of a rubric assessed by deadline (spec/scoring.md §4.3) in words; None for other rubrics."""
    assessment = data.get("assessment", {})
    if not assessment.get("byDeadline"):
        return None
    outcomes = data.get("outcomes", [])
    line = "，结果判定（如低于60分）按折算后的得分" if outcomes else ""
    return BY_DEADLINE.format(places=data["scoring"]["roundingPlaces"], line=line)


def item_due_words(deadline: dict | None) -> str:
    """When an item of a rubric assessed by deadline starts to count."""
    if not deadline or deadline["kind"] == "none":
        return "原文未给出时间节点：每次都考核"
    if deadline["kind"] == "whole-year":
        return "全年：每次都考核"
    return f"评估期所在年份{deadline['month']}月最后一日起考核"


def outcome_words(outcome: dict) -> str:
    return f"{interval_words(outcome['range'], '得分')}：{outcome['label']}"


def lines_words(lines: list[int]) -> str:
    return f"第{lines[0]}行" if len(lines) == 1 or lines[0] == lines[-1] else f"第{lines[0]}–{lines[-1]}行"


def source_words(source: dict, default_file: str | None = None) -> str:
    """「000_….txt 第57行（二、评估方法（一））」: the citation of a row or entry."""
    parts = [source.get("file") or default_file or "", lines_words(source["lines"])]
    text = " ".join(p for p in parts if p)
    extra = "，".join(x for x in (source.get("attachment"), source.get("article")) if x)
    return f"{text}（{extra}）" if extra else text


def points_words(node: dict) -> str:
    """「4分；原文标注2分」 — the WSAS points, and the printed ones where they differ."""
    text = f"{fmt(node['points'])}分"
    if "statedPoints" in node:
        stated = node["statedPoints"]
        text += "；原文未标分值" if stated is None else f"；原文标注{fmt(stated)}分"
    return text
