"""The handbook's record pages (隐患与风险记录) and their downloads, gathered from ``records/`` and ``schemas/``.

Pages: the overview, the hazard lifecycle (with the state diagram of
:mod:`.state_diagram`), the risk levels and their colours, the lists and cards,
cadence and import, and the fillable hazard-record and enterprise-record forms. Everything they show
is read from the published data (``records/rules.yaml``, ``cadences.yaml``,
``codes/*.yaml``, the schemas) at build time, so the pages never restate the
rules differently from the checks. Downloads: the rules, cadences and code
tables as JSON (same content as the YAML) and the example ledgers byte for byte.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

from ..output import dumps
from ..paths import records_dir, schemas_dir
from ..programs import published_programs
from ..reading import load_document, load_json_file
from ..records import lists as record_lists
from ..records.ledger import read_ledgers
from ..records.model import published_rules
from . import layout
from .state_diagram import state_diagram_svg

#: The pages, in navigation order: (name, title).
PAGES = (
    ("index", "记录总览"),
    ("lifecycle", "隐患生命周期"),
    ("risk-levels", "风险分级"),
    ("lists", "清单与告知卡"),
    ("cadence-import", "排查周期与导入"),
    ("hazard-form", "隐患登记表"),
    ("enterprise-form", "企业基础档案"),
)
TEMPLATES = {"index": "records-index.md.j2", "lifecycle": "records-lifecycle.md.j2",
             "risk-levels": "records-risk-levels.md.j2", "lists": "records-lists.md.j2",
             "cadence-import": "records-cadence-import.md.j2", "hazard-form": "hazard-form.md.j2",
             "enterprise-form": "enterprise-form.md.j2"}
SCHEMAS = ("hazard", "enterprise", "risk", "record-lists", "record-rules", "inspection", "cadences", "code-map")

#: Where each erratum of rules.yaml is shown (by what it affects); the rest go to the lifecycle page.
ERRATUM_PAGE = {"risk-levels": "risk-levels", "measure-list": "lists"}

#: The checks a schema or the state machine make (spec/records.md §7); program rules add theirs from rules.yaml.
STRUCTURAL_CODES = (
    ("schema", "error", "不符合 hazard.json（形状、取值、格式）"),
    ("invalid-date", "error", "不存在的日期或时刻（如 2024-02-30）"),
    ("unknown-program", "error", "记录的 program 不是已发布的方案"),
    ("duplicate-id", "error", "同一台账内编号重复（每一处都报告）"),
    ("bad-transition", "error", "状态历史不从「登记」开始、不允许的转换、时间倒序、转换的要求或条件不满足"),
    ("state-mismatch", "error", "state 与状态历史最后一项不符"),
    ("date-order", "error", "时间先后颠倒（见本页「时间先后」）"),
    ("missing-for-state", "error", "缺少当前状态要求的字段，或取值不符（见本页「各状态的必备字段」）"),
)
CADENCE_WORDS = {"daily": "每日", "weekly": "每周（周一至周日）", "monthly": "每月", "quarterly": "每季度"}
LIST_SOURCES = {
    "risk-list": "000:64；002:59「安全风险清单」",
    "measure-list": "000:86；000:64 作「风险管理措施清单」（勘误 E4）",
    "hazard-list": "000:64；001:30「问题隐患清单」",
    "rectification-list": "000:64；001:47「问题隐患整改情况清单」",
    "notice-card": "000:64「重大或较大风险作业岗位安全告知卡」；002:59「公示栏和告知卡」",
    "response-card": "000:64「应急处置卡」",
}
LIST_INPUT = {"risk-list": "风险点", "measure-list": "风险点", "hazard-list": "隐患记录",
              "rectification-list": "隐患记录", "notice-card": "风险点", "response-card": "风险点"}
EXAMPLE_AS_OF = "2024-06-30"         # records/examples/README.md: every example is checked on this day
EXAMPLE_GENERATED_AT = "2024-06-30T09:00:00+08:00"
HAZARD_EXAMPLE = "hazards/H-2024-005.json"   # the form's 「载入示例」: a major hazard, closed
ENTERPRISE_EXAMPLE = "enterprises/E-2017-001.json"   # the enterprise form's 「载入示例」


# --------------------------------------------------------------------------- downloads

def write_downloads(out: Path) -> dict:
    """Write the record downloads under ``out``; returns what was written (paths relative to ``out``)."""
    root = records_dir()
    written = {"rules": layout.records_download("rules.json"), "cadences": layout.records_download("cadences.json"),
               "codes": {}, "examples": []}
    _write(out / written["rules"], dumps(load_document(root / "rules.yaml")) + "\n")
    _write(out / written["cadences"], dumps(load_document(root / "cadences.yaml")) + "\n")
    for path in sorted((root / "codes").glob("*.yaml")):
        target = layout.records_download(f"codes/{path.stem}.json")
        _write(out / target, dumps(load_document(path)) + "\n")
        written["codes"][path.stem] = target
    examples = root / "examples"
    for path in sorted(examples.rglob("*")):
        # a Markdown file among the downloads would become a page: the README's content is on the overview page
        if path.is_file() and path.suffix != ".md":
            relative = path.relative_to(examples).as_posix()
            target = out / layout.records_download(f"examples/{relative}")
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
            written["examples"].append(relative)
    return written


def _write(target: Path, text: str) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8", newline="\n")


# --------------------------------------------------------------------------- words

def _programs_by_file() -> dict[str, str]:
    return {p.data["source"]["file"]: p.id for p in published_programs().values()}


def citations(sources) -> list[dict]:
    """``[{ref: "002:59", program, article}]`` for the ``source`` entries of the record data; a citation
    of a declared outside document (``{reference, article}``) shows as 「外部：文号」."""
    if isinstance(sources, dict):
        sources = [sources]
    by_file = _programs_by_file()
    outside = {ref["id"]: ref for ref in load_document(records_dir() / "rules.yaml").get("references", [])}
    found = []
    for source in sources or []:
        if "reference" in source:
            document = outside[source["reference"]]
            found.append({"ref": f"外部：{document['number']}", "program": None, "article": source["article"]})
            continue
        lines = source["lines"]
        span = str(lines[0]) if len(lines) == 1 or lines[0] == lines[-1] else f"{lines[0]}–{lines[-1]}"
        found.append({"ref": f"{source['file'][:3]}:{span}", "program": by_file.get(source["file"]),
                      "article": source.get("article")})
    return found


def _schema(name: str) -> dict:
    return load_json_file(schemas_dir() / f"{name}.json")


def _zh(title: str | None) -> str:
    return (title or "").split(" / ")[0]


def pointer_label(pointer: str, schema: dict | None = None) -> str:
    """The Chinese label of a hazard-record field from the titles in hazard.json: ``/acceptance/by`` → 「验收 · 验收人」."""
    schema = schema or _schema("hazard")
    node, names = schema, []
    for part in pointer.split("/")[1:]:
        node = _deref(schema, node)
        if part.isdigit() and "items" in node:
            node = node["items"]
            names.append(f"第{int(part) + 1}项")
            continue
        node = (node.get("properties") or {}).get(part)
        if node is None:
            return pointer
        names.append(_zh(node.get("title")) or part)
        node = _deref(schema, node) if "properties" not in node else node
    return " · ".join(names)


def _deref(schema: dict, node: dict) -> dict:
    ref = node.get("$ref", "")
    if ref.startswith("#/"):
        target = schema
        for part in ref[2:].split("/"):
            target = target[part]
        return target
    return node


# --------------------------------------------------------------------------- page data

def lifecycle(rules: dict) -> dict:
    """States with their own and cumulative requirements, transitions, rules and the check codes."""
    schema = _schema("hazard")

    def req(entry) -> dict:
        if isinstance(entry, str):
            return {"pointer": entry, "label": pointer_label(entry, schema), "unless": None}
        return {"pointer": entry["pointer"], "label": pointer_label(entry["pointer"], schema),
                "unless": entry["unless"]}

    states, cumulative, inherited = [], [], []
    for state in rules["states"]:
        own = [req(r) for r in state.get("requires", [])]
        conditions = [dict(c, label=pointer_label(c["pointer"], schema)) for c in state.get("conditions", [])]
        states.append({**state, "own": own, "all": cumulative + own, "conditionsShown": conditions,
                       "conditionsAll": inherited + conditions, "cited": citations(state["source"])})
        # a state required for some programs only passes its fields on with that said (erratum E6)
        note = _optional_note(state)
        cumulative = cumulative + [dict(r, note=note) for r in own]
        inherited = inherited + [dict(c, note=note) for c in conditions]
    labels = {s["id"]: s["label"] for s in rules["states"]}
    transitions = [{**t, "fromLabel": labels[t["from"]], "toLabel": labels[t["to"]], "cited": citations(t["source"]),
                    "requiresShown": [req(p) for p in t.get("requires", [])],
                    "skipsShown": [{"label": labels[s], "programs": rules_state(rules, s).get("requiredFor", [])}
                                   for s in t.get("skips", [])]} for t in rules["transitions"]]
    programs = published_programs()
    program_rules = []
    for rule in rules["rules"]:
        applies = rule["appliesTo"]
        program_rules.append({**rule, "cited": citations(rule["source"]),
                              "programs": [] if applies == "all" else [
                                  {"id": p, "title": programs[p].data["title"] if p in programs else p}
                                  for p in applies],
                              "requiresShown": [req(p) for p in rule.get("requires", [])],
                              "conditionsShown": [dict(c, label=pointer_label(c["pointer"], schema))
                                                  for c in rule.get("conditions", [])],
                              "inStatesShown": [labels[s] for s in rule.get("inStates", [])],
                              "fromStateShown": labels.get(rule.get("fromState"))})
    codes = [{"code": code, "kind": kind, "meaning": meaning, "rule": None} for code, kind, meaning in STRUCTURAL_CODES]
    codes += [{"code": r["code"], "kind": r["kind"], "meaning": r["description"], "rule": r} for r in program_rules]
    invalid = records_dir() / "examples" / "invalid"
    for entry in codes:
        kind = "finding" if entry["kind"] == "finding" else "invalid"
        name = f"hazard.{entry['code']}.{kind}.json"
        ledger = f"ledger.{entry['code']}.invalid.jsonl"
        entry["example"] = (f"invalid/{name}" if (invalid / name).is_file()
                            else f"invalid/{ledger}" if (invalid / ledger).is_file() else None)
    date_order = [dict(pair, beforeLabel=pointer_label(pair["before"], schema),
                       afterLabel=pointer_label(pair["after"], schema),
                       inStatesShown=[labels[s] for s in pair.get("inStates", [])])
                  for pair in rules.get("dateOrder", [])]
    return {"states": states, "transitions": transitions, "rules": program_rules, "codes": codes,
            "dateOrder": date_order, "planFields": plan_fields(rules)}


def rules_state(rules: dict, state_id: str) -> dict:
    return next(state for state in rules["states"] if state["id"] == state_id)


def _optional_note(state: dict) -> str | None:
    """How a later state inherits the requirements of a state only some programs require (``requiredFor``)."""
    if "requiredFor" not in state:
        return None
    return f"{'、'.join(state['requiredFor'])} 必须；其他方案只在状态历史经过「{state['label']}」时"


def plan_fields(rules: dict) -> list[dict]:
    """The members of a major-hazard plan with their citations (``planFields``, erratum E2)."""
    schema = _schema("hazard")
    return [{**entry, "title": pointer_label(entry["pointer"], schema), "cited": citations(entry["source"])}
            for entry in rules.get("planFields", [])]


def errata_for(rules: dict, page: str) -> list[dict]:
    """The errata of rules.yaml shown on ``page`` (each erratum on exactly one page)."""
    def home(erratum):
        return next((ERRATUM_PAGE[a] for a in erratum["affects"] if a in ERRATUM_PAGE), "lifecycle")
    return [e for e in rules.get("errata", []) if home(e) == page]


def risk_levels(rules: dict) -> dict:
    schema = _schema("risk")
    fields = []
    for name, prop in schema["properties"].items():
        if name == "$schema":
            continue
        fields.append({"name": name, "title": _zh(prop.get("title")), "description": prop.get("description", ""),
                       "required": name in schema.get("required", [])})
    levels = [{**level, "cited": citations(level["source"])} for level in rules["riskLevels"]]
    return {"levels": levels, "fields": fields,
            "measureKinds": record_lists.MEASURE_KINDS}


def list_kinds(rules_obj) -> list[dict]:
    """The four lists (columns from ``wsas records lists``) and the two cards (fields from record-lists.json)."""
    schema = _schema("record-lists")
    kinds = []
    for branch in schema["oneOf"]:
        kind = branch["properties"]["kind"]["const"]
        entry = {"kind": kind, "title": _zh(branch["title"]), "description": branch.get("description", ""),
                 "source": LIST_SOURCES.get(kind, ""), "input": LIST_INPUT.get(kind, ""),
                 "built": kind in record_lists.KINDS}
        if entry["built"]:
            entry["columns"] = [header for _, header, _ in record_lists.columns(kind, rules_obj)]
        else:
            entry["columns"] = [_zh(prop.get("title")) for name, prop in branch["properties"].items()
                                if name not in ("kind", "subject", "program", "generatedAt", "asOf", "title")]
        kinds.append(entry)
    return kinds


def list_samples(rules_obj) -> dict:
    """Each list as ``wsas records lists`` writes it (Markdown) for the example ledgers, on the examples' day."""
    examples = records_dir() / "examples"
    inputs = {"hazard-list": examples / "hazards.valid.jsonl", "rectification-list": examples / "hazards.valid.jsonl",
              "risk-list": examples / "risks.valid.jsonl", "measure-list": examples / "risks.valid.jsonl"}
    samples = {}
    for kind, path in inputs.items():
        built = record_lists.build(read_ledgers([str(path)]), kind, rules_obj,
                                   as_of=dt.date.fromisoformat(EXAMPLE_AS_OF), generated_at=EXAMPLE_GENERATED_AT,
                                   known_programs=set(published_programs()))
        if built.errors or built.unopenable:
            raise ValueError(f"example list {kind}: {(built.errors + built.unopenable)[0]}")  # a bug, not a sample
        text = record_lists.as_markdown(built.documents[:1], kind, rules_obj)
        # one enterprise's list, its heading one level below the page's sections
        text = "\n".join("#### " + line[3:] if line.startswith("## ") else line for line in text.splitlines())
        samples[kind] = {"input": path.relative_to(examples).as_posix(), "markdown": text.strip() + "\n",
                         "subjects": len(built.documents)}
    return samples


def cadence_data() -> dict:
    data = load_document(records_dir() / "cadences.yaml")
    programs = published_programs()
    rows = []
    for entry in data["programs"]:
        program = programs.get(entry["program"])
        rows.append({**entry, "title": program.data["title"] if program else entry["program"],
                     "cited": citations(entry["source"]),
                     "levelsShown": [{**level, "cadenceWords": CADENCE_WORDS.get(level["cadence"], level["cadence"]),
                                      "cited": citations(level["source"])} for level in entry["levels"]]})
    return {"data": data, "programs": rows}


def code_tables(rules: dict) -> list[dict]:
    """The import code tables with, for each code, the WSAS value and its Chinese label."""
    by_target = {"/level": "hazardLevels", "/state": "states", "/source": "hazardSources"}
    labels = {table: {e["id"]: e["label"] for e in rules[table]} for table in ("hazardLevels", "states",
                                                                              "hazardSources")}
    tables = []
    for path in sorted((records_dir() / "codes").glob("*.yaml")):
        data = load_document(path)
        fields, targets = [], {}
        for field in data.get("fields", []):
            fields.append(field)
            if field.get("codes"):
                targets[field["codes"]] = field["to"]
            for item in field.get("items", []):
                fields.append({**item, "from": field["from"] + item["from"], "to": field["to"] + "/*" + item["to"]})
                if item.get("codes"):
                    targets.setdefault(item["codes"], item["to"])
        code_lists = []
        for name, codes in data.get("codes", {}).items():
            table = by_target.get(targets.get(name, ""))
            values = [{"code": code, "value": value,
                       "label": labels[table].get(value, "") if table else ("是" if value is True else
                                                                             "否" if value is False else "")}
                      for code, value in codes.get("values", {}).items()]
            unmapped = [{"code": code, "why": why} for code, why in codes.get("unmapped", {}).items()]
            code_lists.append({"name": name, "label": codes.get("label", name), "target": targets.get(name),
                               "values": values, "unmapped": unmapped})
        tables.append({"id": data["id"], "data": data, "lists": code_lists, "fields": fields})
    return tables


def example_files(files: list[str], rules: dict) -> list[dict]:
    """What each example download is, from its name (records/examples/README.md's naming)."""
    states = {s["id"]: s["label"] for s in rules["states"]}
    levels = {s["id"]: s["label"] for s in rules["hazardLevels"]}
    shown = []
    for path in files:
        name = path.split("/")[-1]
        stem = name.split(".")
        if path.startswith("hazards/"):
            document = load_json_file(records_dir() / "examples" / path)
            what = (f"一患一档：{document['name']}（{levels.get(document['level'], '')}，"
                    f"{states.get(document['state'], document['state'])}）")
        elif path == "hazards.valid.jsonl":
            what = "与 hazards/ 相同的隐患记录，写成 JSON Lines 台账（每行一条）"
        elif path == "risks.valid.jsonl":
            what = "风险点记录（四个等级、四种颜色），用于风险清单、风险管控措施清单"
        elif path.startswith("invalid/hazard."):
            what = (f"有效，但报告发现 {stem[1]}" if name.endswith(".finding.json") else f"无效：报告错误 {stem[1]}")
        elif path.startswith("enterprises/"):
            document = load_json_file(records_dir() / "examples" / path)
            what = f"一企一档：{document['name']}（企业基础档案）"
        elif path == "enterprises.valid.jsonl":
            what = "与 enterprises/ 相同的企业基础档案，写成 JSON Lines 台账（每行一份）"
        elif path.startswith(("invalid/enterprise.", "invalid/enterprises.")):
            what = f"企业基础档案，无效：报告错误 {stem[1]}"
        elif path.startswith("invalid/ledger."):
            what = f"台账层面的错误：{stem[1]}（其余各行照常检查）"
        elif path.startswith("inspections."):
            what = ("排查任务与排查记录（有效）" + ("，huiji-2017" if "huiji" in name else "，xinzhou-2020")
                    if name.endswith(".valid.jsonl") else
                    f"排查记录：报告漏查（{stem[1]}）" if name.endswith(".finding.jsonl") else
                    f"排查记录：输入错误 {stem[1]}")
        elif path.startswith("import/"):
            what = ("示例生产方的导出记录（编码表 " + stem[0].split("/")[-1] + "）" if ".producer." in name else
                    f"用示例编码表 {stem[0]} 导入的结果（WSAS 隐患记录）" if ".hazards." in name else
                    "示例生产方 B 的导出记录（一条一个文件，编码表 sample-b）")
        else:
            what = ""
        shown.append({"path": path, "what": what})
    return shown


def form_context(example: str = HAZARD_EXAMPLE) -> dict:
    programs = [{"id": p.id, "title": p.data["title"]} for p in published_programs().values()]
    return {"programs_json": json.dumps(programs, ensure_ascii=False, separators=(",", ":")),
            "example": example}


def render_pages(out: Path, render, downloads: dict) -> list[str]:
    """Render every record page with ``render(out, template, page, **context)``; returns their paths."""
    rules_obj = published_rules()
    rules = rules_obj.data
    records = downloads["records"]
    common = {"rules": rules, "records": records,
              "record_pages": {name: layout.records_page(name) for name, _ in PAGES},
              "record_schemas": SCHEMAS, "programs": list(published_programs().values()), "as_of": EXAMPLE_AS_OF}
    context = {
        "index": {"pages": PAGES, "example_files": example_files(records["examples"], rules),
                  "schema_titles": {name: _zh(_schema(name).get("title")) for name in SCHEMAS}},
        "lifecycle": {"life": lifecycle(rules), "errata": errata_for(rules, "lifecycle"),
                      "svg": state_diagram_svg(rules, "hazard-lifecycle")},
        "risk-levels": {"risk": risk_levels(rules), "errata": errata_for(rules, "risk-levels")},
        "lists": {"kinds": list_kinds(rules_obj), "samples": list_samples(rules_obj),
                  "errata": errata_for(rules, "lists")},
        "cadence-import": {"cadences": cadence_data(), "tables": code_tables(rules)},
        "hazard-form": form_context(),
        "enterprise-form": form_context(ENTERPRISE_EXAMPLE),
    }
    return [render(out, TEMPLATES[name], layout.records_page(name), **common, **context[name]) for name, _ in PAGES]
