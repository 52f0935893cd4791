"""Consistency checks of rubric data beyond what the rubric schema can say.

A finding that an erratum covers (its ``covers`` names the check and its
``affects`` the node) is reported as covered, with the erratum id; any other
inconsistency is an error. See spec/errata.md.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

from ..errors import pointer
from ..paths import sources_dir
from ..rubrics import Rubric, RubricError, read_rubric
from .rules import fmt, interval_contains, num, on_step, step_of

# Checks an erratum may cover; the others are always errors.
COVERABLE = {"points-differ", "missing-points", "item-sum", "section-sum", "total-sum",
             "lost-item", "numbering", "deadline"}


@dataclass(frozen=True)
class Finding:
    code: str
    severity: str  # error | covered | warning
    message: str
    message_en: str
    pointer: str = ""
    node: str | None = None
    erratum: str | None = None

    def as_dict(self) -> dict:
        data = {"code": self.code, "severity": self.severity, "pointer": self.pointer,
                "message": self.message, "messageEn": self.message_en}
        if self.erratum:
            data["erratum"] = self.erratum
        return data


@dataclass
class Report:
    """Lint outcome of one rubric or program file."""

    path: str
    document: object  # the Rubric or Program, None when it did not load
    findings: list

    @property
    def ok(self) -> bool:
        return not any(f.severity == "error" for f in self.findings)

    @classmethod
    def unreadable(cls, path, errors) -> Report:
        """A file that did not load: its reading errors, as findings."""
        return cls(str(path), None, [Finding(e.code, "error", e.message, e.message_en, e.pointer) for e in errors])


def lint_file(path: str | Path) -> Report:
    try:
        rubric = read_rubric(path)
    except RubricError as exc:
        return Report.unreadable(path, exc.errors)
    return Report(str(path), rubric, lint(rubric))


def lint(rubric: Rubric) -> list[Finding]:
    raw = [*_ids(rubric), *_sums(rubric), *_rules(rubric), *_scoring(rubric), *_assessment(rubric),
           *_outcomes(rubric), *_sources(rubric)]
    errata = rubric.data["errata"]
    findings, used = [], set()
    for finding in raw:
        cover = _cover(finding, errata) if finding.code in COVERABLE else None
        if cover:
            used.add((cover, finding.code))
            finding = Finding(finding.code, "covered", finding.message, finding.message_en,
                              finding.pointer, finding.node, cover)
        findings.append(finding)
    findings.extend(_errata(rubric, used))
    return findings


def _cover(finding: Finding, errata: list[dict]) -> str | None:
    for erratum in errata:
        affects = erratum["affects"]
        if finding.code in erratum.get("covers", []) and (
                finding.node in affects or any(a.startswith(f"{finding.node}.") for a in affects)):
            return erratum["id"]
    return None


def _error(code, message, message_en, path=(), node=None) -> Finding:
    return Finding(code, "error", message, message_en, pointer(path), node)


def _warning(code, message, message_en, path=(), node=None) -> Finding:
    """Suspicious data whose scoring is still well defined (see spec/scoring.md)."""
    return Finding(code, "warning", message, message_en, pointer(path), node)


def _walk(rubric: Rubric):
    """(path, section, item, criterion) for every node; item/criterion None above their level."""
    for s, section in enumerate(rubric.data["sections"]):
        yield ["sections", s], section, None, None
        for i, item in enumerate(section["items"]):
            yield ["sections", s, "items", i], section, item, None
            for c, criterion in enumerate(item.get("criteria", [])):
                yield ["sections", s, "items", i, "criteria", c], section, item, criterion


def _ids(rubric: Rubric):
    data = rubric.data
    if data["id"].split("/")[0] != data["program"]:
        yield _error("id", f"评估表标识 {data['id']} 与方案 {data['program']} 不一致",
                     f"rubric id {data['id']} does not start with program {data['program']}", ["id"])
    seen = Counter()
    for path, section, item, criterion in _walk(rubric):
        node = criterion or item or section
        seen[node["id"]] += 1
        if seen[node["id"]] == 2:
            yield _error("duplicate-id", f"编号 {node['id']} 重复", f"id {node['id']} is used twice", path + ["id"])
    for path, section, item, criterion in _walk(rubric):
        if item is None or criterion is not None:
            continue
        numbers = []
        for c, crit in enumerate(item.get("criteria", [])):
            prefix, _, rest = crit["id"].partition(".")
            if prefix != item["id"]:
                yield _error("id", f"评分细则 {crit['id']} 不属于项目 {item['id']}",
                             f"criterion {crit['id']} does not start with its item id {item['id']}",
                             path + ["criteria", c, "id"], crit["id"])
            number, letter = re.fullmatch(r"([0-9]+)([a-z]?)", rest).groups()
            numbers.append((int(number), letter))
        expected = _expected_numbers(numbers)
        if numbers and numbers != expected:
            shown = "、".join(f"{n}{l}" for n, l in numbers)
            yield _error("numbering", f"项目 {item['id']} 的细则序号 {shown} 不是从 1 起连续编号",
                         f"item {item['id']} numbers its criteria {shown}, not 1, 2, … in order",
                         path + ["criteria"], item["id"])


def _expected_numbers(numbers):
    expected, number, letter_index = [], 0, 0
    for index, (n, letter) in enumerate(numbers):
        if letter and index and numbers[index - 1][0] == n and numbers[index - 1][1]:
            letter_index += 1
            expected.append((number, "abcdefghijklmnopqrstuvwxyz"[letter_index]))
        else:
            number += 1
            letter_index = 0
            expected.append((number, "a" if letter else ""))
    return expected


def _sums(rubric: Rubric):
    data = rubric.data
    section_total = Decimal(0)
    for path, section, item, criterion in _walk(rubric):
        node = criterion or item or section
        if "statedPoints" in node:
            stated = node["statedPoints"]
            if stated is None:
                yield _error("missing-points", f"{node['id']} 原文未给分值，WSAS 取 {fmt(node['points'])} 分",
                             f"{node['id']} has no points in the source; WSAS uses {fmt(node['points'])}",
                             path + ["statedPoints"], node["id"])
            elif num(stated) != num(node["points"]):
                yield _error("points-differ",
                             f"{node['id']} 原文分值 {fmt(stated)} 与 WSAS 采用的 {fmt(node['points'])} 不同",
                             f"{node['id']} states {fmt(stated)} points in the source; WSAS uses {fmt(node['points'])}",
                             path + ["statedPoints"], node["id"])
        if criterion is None and item is not None:
            if item.get("lost"):
                yield _error("lost-item", f"项目 {item['id']} 在原文中缺失（{fmt(item['points'])} 分）",
                             f"item {item['id']} is lost from the source ({fmt(item['points'])} points)",
                             path, item["id"])
                continue
            total = sum((num(c["points"]) for c in item["criteria"]), Decimal(0))
            if total != num(item["points"]):
                yield _error("item-sum", f"项目 {item['id']} 分值 {fmt(item['points'])} ≠ 细则合计 {fmt(total)}",
                             f"item {item['id']}: {fmt(item['points'])} points ≠ criteria sum {fmt(total)}",
                             path + ["points"], item["id"])
            deadline = item.get("deadline")
            if deadline and deadline["kind"] == "none":
                yield _error("deadline", f"项目 {item['id']} 没有时间节点", f"item {item['id']} has no deadline",
                             path + ["deadline"], item["id"])
        if item is None:
            section_total += num(section["points"])
            total = sum((num(i["points"]) for i in section["items"]), Decimal(0))
            if total != num(section["points"]):
                yield _error("section-sum", f"分项 {section['id']} 分值 {fmt(section['points'])} ≠ 项目合计 {fmt(total)}",
                             f"section {section['id']}: {fmt(section['points'])} points ≠ items sum {fmt(total)}",
                             path + ["points"], section["id"])
    if section_total != num(data["total"]):
        yield _error("total-sum", f"满分 {fmt(data['total'])} ≠ 分项合计 {fmt(section_total)}",
                     f"total {fmt(data['total'])} ≠ sections sum {fmt(section_total)}", ["total"], "total")


def _rules(rubric: Rubric):
    for path, _, _, criterion in _walk(rubric):
        if criterion is None:
            continue
        rule, points, cid = criterion["rule"], num(criterion["points"]), criterion["id"]
        at = path + ["rule"]
        kind = rule["kind"]
        if kind == "veto" and points != 0:
            yield _error("rule", f"否决项 {cid} 的分值必须为 0", f"veto criterion {cid} must have 0 points", at, cid)
        if kind != "veto" and points == 0:
            yield _error("rule", f"评分细则 {cid} 分值为 0", f"criterion {cid} has 0 points", at, cid)
        if kind == "judgement" and not on_step(points, step_of(rule)):
            yield _error("rule", f"{cid} 的分值 {fmt(points)} 不是步长 {fmt(step_of(rule))} 的整数倍",
                         f"{cid}: points {fmt(points)} are not a multiple of the step {fmt(step_of(rule))}", at, cid)
        if kind == "per-finding":
            if num(rule["cap"]) > points:
                yield _warning("rule", f"{cid} 的扣分上限 {fmt(rule['cap'])} 超过分值 {fmt(points)}（扣至 0 分为止）",
                             f"{cid}: cap {fmt(rule['cap'])} exceeds the points {fmt(points)}", at, cid)
            if num(rule["deduct"]) > num(rule["cap"]):
                yield _error("rule", f"{cid} 的单次扣分大于扣分上限", f"{cid}: deduct exceeds cap", at, cid)
        if kind == "rate-tiers":
            yield from _tiers(rule["tiers"], points, cid, at)


def _tiers(tiers, points, cid, at):
    ranges = [tier["range"] for tier in tiers]
    for t, tier in enumerate(tiers):
        interval = tier["range"]
        if num(tier["deduct"]) > points:
            yield _warning("rule", f"{cid} 第 {t + 1} 档扣分超过分值（扣至 0 分为止）",
                           f"{cid}: tier {t + 1} deducts more than the points (floored at 0)",
                           at + ["tiers", t], cid)
        for end in ("lower", "upper"):
            if end in interval and not 0 <= num(interval[end]) <= 100:
                yield _error("rule", f"{cid} 第 {t + 1} 档边界超出 0–100%", f"{cid}: tier {t + 1} bound outside 0–100%",
                             at + ["tiers", t, "range"], cid)
        if not _nonempty(interval):
            yield _error("rule", f"{cid} 第 {t + 1} 档为空区间", f"{cid}: tier {t + 1} is an empty interval",
                         at + ["tiers", t, "range"], cid)
    for a in range(len(ranges)):
        for b in range(a + 1, len(ranges)):
            if _overlap(ranges[a], ranges[b]):
                yield _error("rule", f"{cid} 第 {a + 1} 档与第 {b + 1} 档区间重叠",
                             f"{cid}: tiers {a + 1} and {b + 1} overlap", at + ["tiers", b, "range"], cid)


def _nonempty(interval) -> bool:
    if "lower" in interval and "upper" in interval:
        lower, upper = num(interval["lower"]), num(interval["upper"])
        return lower < upper or (lower == upper and interval["lowerInclusive"] and interval["upperInclusive"])
    return True


def _overlap(first, second) -> bool:
    """Two intervals share a point: the larger lower end lies inside both."""
    candidates = [num(i[k]) for i in (first, second) for k in ("lower", "upper") if k in i]
    probes = set(candidates)
    probes.update((a + b) / 2 for a in candidates for b in candidates)
    probes.update({min(candidates, default=Decimal(0)) - 1, max(candidates, default=Decimal(0)) + 1})
    return any(interval_contains(first, p) and interval_contains(second, p) for p in probes)


def _scoring(rubric: Rubric):
    if rubric.lost_items and not rubric.scoring["normalise"]:
        yield _error("scoring", "有缺失项目的评估表必须按缺项折算（scoring.normalise = true）",
                     "a rubric with lost items must normalise (scoring.normalise = true)", ["scoring", "normalise"])
    if rubric.scoring["notApplicable"] and not rubric.scoring["normalise"]:
        yield Finding("scoring", "warning", "允许缺项但不折算：缺项会直接降低得分",
                      "not-applicable criteria allowed without normalisation: they lower the score",
                      pointer(["scoring"]))


def _assessment(rubric: Rubric):
    """Assessing by deadline (spec/scoring.md §4.3) needs every item to say its deadline, or that it has none."""
    if not rubric.data.get("assessment", {}).get("byDeadline"):
        return
    dated = 0
    for path, _, item, criterion in _walk(rubric):
        if item is None or criterion is not None or item.get("lost"):
            continue
        if "deadline" not in item:
            yield _error("assessment", f"按时间节点评估，但项目 {item['id']} 没有写时间节点（原文未给出时写 kind: none）",
                         f"assessed by deadline, but item {item['id']} states no deadline (kind: none when the "
                         "source gives none)", path, item["id"])
        elif item["deadline"]["kind"] == "month-end":
            dated += 1
    if not dated:
        yield _warning("assessment", "按时间节点评估，但没有一个项目有「x月底前」的时间节点：不起作用",
                       "assessed by deadline, but no item has a month-end deadline: it changes nothing",
                       ["assessment", "byDeadline"])


def _outcomes(rubric: Rubric):
    outcomes = rubric.data.get("outcomes", [])
    ids = Counter(o["id"] for o in outcomes)
    for index, outcome in enumerate(outcomes):
        if ids[outcome["id"]] > 1:
            yield _error("outcomes", f"结果判定 {outcome['id']} 重复", f"outcome {outcome['id']} is repeated",
                         ["outcomes", index, "id"])
        for later in range(index + 1, len(outcomes)):
            if _overlap(outcome["range"], outcomes[later]["range"]):
                yield _warning("outcomes", f"结果判定 {outcome['id']} 与 {outcomes[later]['id']} 的区间重叠（按顺序取第一个）",
                               f"outcomes {outcome['id']} and {outcomes[later]['id']} overlap (the first one applies)",
                               ["outcomes", later, "range"])


def _errata(rubric: Rubric, used: set):
    ids = {node["id"] for _, section, item, criterion in _walk(rubric) for node in [criterion or item or section]}
    counts = Counter(e["id"] for e in rubric.data["errata"])
    for index, erratum in enumerate(rubric.data["errata"]):
        at = ["errata", index]
        if counts[erratum["id"]] > 1:
            yield _error("errata", f"勘误编号 {erratum['id']} 重复", f"erratum id {erratum['id']} is repeated", at + ["id"])
        for affected in erratum["affects"]:
            if affected not in ids and affected != "total":
                yield _error("errata", f"勘误 {erratum['id']} 指向不存在的编号 {affected}",
                             f"erratum {erratum['id']} affects unknown id {affected}", at + ["affects"])
        for code in erratum.get("covers", []):
            if code in COVERABLE and (erratum["id"], code) not in used:
                yield Finding("stale-erratum", "warning",
                              f"勘误 {erratum['id']} 声明覆盖 {code}，但数据中没有对应的不一致",
                              f"erratum {erratum['id']} covers {code}, but the data shows no such inconsistency",
                              pointer(at + ["covers"]))


@cache
def _source_lines(path: Path) -> list[str] | None:
    try:
        return path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return None


def _sources(rubric: Rubric):
    yield from citation_findings(rubric.data)


def citation_findings(data: dict):
    """Every ``source`` citation in ``data`` (one, or a list) must name existing, non-blank lines of a source
    file, or an outside document declared in the data's ``references`` (``{reference, article}``).

    Citations without ``file`` refer to the document's own source file. Lines are
    not checked when the source documents are not available.
    """
    folder = sources_dir()
    own = data.get("source")
    default_file = own.get("file") if isinstance(own, dict) else None
    declared = {ref["id"] for ref in data.get("references", [])}

    def visit(node, path):
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "source" and isinstance(value, dict):
                    yield from check(value, path + [key])
                elif key == "source" and isinstance(value, list):
                    for index, ref in enumerate(value):
                        yield from check(ref, path + [key, index])
                else:
                    yield from visit(value, path + [key])
        elif isinstance(node, list):
            for index, value in enumerate(node):
                yield from visit(value, path + [index])

    def check(ref, path):
        if "reference" in ref:
            if ref["reference"] not in declared:
                yield _error("source", f"外部出处 {ref['reference']} 没有在 references 中声明",
                             f"outside document {ref['reference']} is not declared in references",
                             path + ["reference"])
            return
        if "lines" not in ref:
            yield _error("source", "出处既没有行号，也不是声明的外部文件", "a citation with neither lines nor a "
                         "declared outside document", path)
            return
        if folder is None:
            return
        name = ref.get("file", default_file)
        if name is None:
            yield _error("source", "出处没有写源文件", "the citation names no source file", path)
            return
        text = _source_lines(folder / name)
        if text is None:
            yield _error("source", f"找不到源文件 {name}", f"source file {name} not found", path + ["file"])
            return
        for number in ref["lines"]:  # a whole number, maybe written 36.0 (JSON Schema's integer): a Decimal
            if number > len(text) or not text[int(number) - 1].strip():
                yield _error("source", f"引用的源文件 {name} 第 {number} 行不存在或为空",
                             f"cited line {number} of {name} is missing or blank", path + ["lines"])
        if len(ref["lines"]) == 2 and ref["lines"][0] > ref["lines"][1]:
            yield _error("source", "引用的行号范围颠倒", "cited line range is reversed", path + ["lines"])

    yield from visit(data, [])
