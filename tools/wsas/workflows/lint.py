"""Consistency checks of program data: every reference resolves, deadlines are computable."""

from __future__ import annotations

from collections import Counter

from ..errors import pointer
from ..scoring.lint import Finding, Report, citation_findings
from ..programs import Program, read_program
from ..rubrics import RubricError, published_catalogue

COLLECTIONS = ("roles", "events", "variants", "stages", "obligations", "deadlines", "materials", "grading",
               "consequences", "targets", "quotas", "areas", "methods", "requirements", "checklists",
               "outlines", "rosters")


def lint_program_file(path) -> Report:
    try:
        program = read_program(path)
    except RubricError as exc:
        return Report.unreadable(path, exc.errors)
    return Report(str(path), program, lint_program(program))


def lint_program(program: Program) -> list[Finding]:
    return [*_unique_ids(program), *_references(program), *_cycles(program), *_errata(program),
            *_consequence_texts(program), *citation_findings(program.data)]


def _error(code, message, message_en, path) -> Finding:
    return Finding(code, "error", message, message_en, pointer(path))


def _unique_ids(program: Program):
    for key in COLLECTIONS:
        counts = Counter(entry["id"] for entry in program.data.get(key, []))
        for index, entry in enumerate(program.data.get(key, [])):
            if counts[entry["id"]] > 1:
                yield _error("duplicate-id", f"{key} 中编号 {entry['id']} 重复", f"id {entry['id']} repeats in {key}",
                             [key, index, "id"])


def _references(program: Program):
    data = program.data
    known = {key: {e["id"] for e in data.get(key, [])} for key in COLLECTIONS}
    rubrics = published_catalogue()

    def need(value, kind, path):
        if value not in known[kind]:
            return [_error("reference", f"{'/'.join(map(str, path))} 引用了不存在的 {kind} 编号 {value}",
                           f"{pointer(path)} refers to unknown {kind} {value}", path)]
        return []

    found = []
    for rubric_id in data.get("rubrics", []):
        if rubrics.get(rubric_id) is None:
            found.append(_error("reference", f"评估表 {rubric_id} 未发布", f"rubric {rubric_id} is not published", ["rubrics"]))
    for index, stage in enumerate(data.get("stages", [])):
        at = ["stages", index]
        found += need(stage["role"], "roles", at + ["role"])
        found += [f for a in stage.get("after", []) for f in need(a, "stages", at + ["after"])]
        found += [f for m in stage.get("materials", []) for f in need(m, "materials", at + ["materials"])]
        found += [f for v in stage.get("variants", []) for f in need(v, "variants", at + ["variants"])]
        for position, used in enumerate(stage.get("rubrics", [])):
            if used["rubric"] not in data.get("rubrics", []):
                found.append(_error("reference", f"阶段 {stage['id']} 对照的评估表 {used['rubric']} 不是本方案的评估表",
                                    f"stage {stage['id']} assesses with {used['rubric']}, not a rubric of this program",
                                    at + ["rubrics", position, "rubric"]))
        if "extension" in stage:
            found += need(stage["extension"]["to"], "roles", at + ["extension", "to"])
            found += [f for m in stage["extension"].get("requires", []) for f in need(m, "materials", at + ["extension", "requires"])]
        found += _event_refs(stage["due"], known, at + ["due"])
    for key in ("obligations", "deadlines"):
        for index, entry in enumerate(data.get(key, [])):
            for member in ("role", "to"):
                if member in entry:
                    found += need(entry[member], "roles", [key, index, member])
            if "due" in entry:
                found += _event_refs(entry["due"], known, [key, index, "due"])
            if entry.get("rubric") and entry["rubric"] not in data.get("rubrics", []):
                found.append(_error("reference", f"评估表 {entry['rubric']} 不在方案的 rubrics 中",
                                    f"rubric {entry['rubric']} is not listed in the program's rubrics", [key, index, "rubric"]))
            if "rubricItem" in entry:
                rubric_id, _, item = entry["rubricItem"].partition("#")
                rubric = rubrics.get(rubric_id)
                items = {i["id"] for s in rubric.data["sections"] for i in s["items"]} if rubric else set()
                if item not in items:
                    found.append(_error("reference", f"评估表项目 {entry['rubricItem']} 不存在",
                                        f"rubric item {entry['rubricItem']} does not exist", [key, index, "rubricItem"]))
    for key in ("targets", "quotas"):
        for index, entry in enumerate(data.get(key, [])):
            if "due" in entry:
                found += _event_refs(entry["due"], known, [key, index, "due"])
            if "stage" in entry:
                found += need(entry["stage"], "stages", [key, index, "stage"])
    for index, material in enumerate(data.get("materials", [])):
        if "outline" in material:
            found += need(material["outline"], "outlines", ["materials", index, "outline"])
    for index, scale in enumerate(data.get("grading", [])):
        if "stage" in scale:
            found += need(scale["stage"], "stages", ["grading", index, "stage"])
    scales = {s["id"]: {level["id"] for level in s["levels"]} for s in data.get("grading", [])}
    for index, consequence in enumerate(data.get("consequences", [])):
        at = ["consequences", index, "when"]
        when = consequence["when"]
        if "grade" in when and when["grade"]["level"] not in scales.get(when["grade"]["scale"], set()):
            found.append(_error("reference", f"分级 {when['grade']} 不存在", f"grade {when['grade']} does not exist", at))
        if "outcome" in when:
            rubric = rubrics.get(when["outcome"]["rubric"])
            outcomes = {o["id"] for o in rubric.data.get("outcomes", [])} if rubric else set()
            if when["outcome"]["outcome"] not in outcomes:
                found.append(_error("reference", f"评估表结果判定 {when['outcome']} 不存在",
                                    f"rubric outcome {when['outcome']} does not exist", at))
    return found


JUDGED_BY_PEOPLE = ("hazard", "rectification")


def _consequence_texts(program: Program):
    """A hazard or rectification condition is judged by the supervising department, not computed:
    the source's own words must be in the data (``text``)."""
    for index, consequence in enumerate(program.data.get("consequences", [])):
        kinds = [k for k in JUDGED_BY_PEOPLE if k in consequence["when"]]
        if kinds and "text" not in consequence:
            yield _error("consequence-text", f"结果运用 {consequence['id']} 的条件（{kinds[0]}）由监管部门认定，必须给出原文 text",
                         f"consequence {consequence['id']} has a {kinds[0]} condition, judged by people: its source text is required",
                         ["consequences", index])


def _event_refs(rule: dict, known: dict, path: list):
    event = rule.get("event")
    if not event or event in ("campaign-start", "campaign-end"):
        return []
    prefix, _, name = event.partition(":")
    if (prefix in ("stage", "due") and name in known["stages"]) or (not name and event in known["events"]):
        return []
    return [_error("reference", f"时限引用了不存在的事件 {event}", f"deadline refers to unknown event {event}", path + ["event"])]


def _cycles(program: Program):
    def depends(stage_id, seen):
        rule = program.stages[stage_id]["due"]
        prefix, _, name = rule.get("event", "").partition(":")
        if prefix in ("stage", "due") and name in program.stages:
            if name in seen:
                return True
            return depends(name, seen | {name})
        return False

    for index, stage in enumerate(program.data.get("stages", [])):
        if depends(stage["id"], {stage["id"]}):
            yield _error("cycle", f"阶段 {stage['id']} 的时限循环引用", f"the deadline of stage {stage['id']} is circular",
                         ["stages", index, "due"])


def _errata(program: Program):
    ids = {e["id"] for key in COLLECTIONS for e in program.data.get(key, [])}
    ids |= {item["id"] for c in program.data.get("checklists", []) for item in c["items"]}
    counts = Counter(e["id"] for e in program.data["errata"])
    for index, erratum in enumerate(program.data["errata"]):
        if counts[erratum["id"]] > 1:
            yield _error("errata", f"勘误编号 {erratum['id']} 重复", f"erratum id {erratum['id']} repeats", ["errata", index, "id"])
        for affected in erratum["affects"]:
            if affected not in ids and affected != "program":
                yield _error("errata", f"勘误 {erratum['id']} 指向不存在的编号 {affected}",
                             f"erratum {erratum['id']} affects unknown id {affected}", ["errata", index, "affects"])
