"""The four lists of 「一图两卡四清单」 (000:64, 000:86) built from records.

``hazard-list`` 问题隐患清单 and ``rectification-list`` 问题隐患整改清单 come
from hazard records; ``risk-list`` 风险清单 and ``measure-list`` 风险管控措施清单
from risk records. Each list is one ``record-lists.json`` document per
enterprise (subject); rows keep the input order. Only valid records make rows;
the others are reported with their errors.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal

from ..errors import Error
from ..output import dumps, plain
from ..schemas import schema_errors
from ..spreadsheet_text import safe_cell
from .check import check_document
from .ledger import Ledger
from .model import CHINA, Rules, published_rules, today

KINDS = ("hazard-list", "rectification-list", "risk-list", "measure-list")
RECORD_SCHEMA = {"hazard-list": "hazard", "rectification-list": "hazard", "risk-list": "risk", "measure-list": "risk"}
TITLES = {"hazard-list": "问题隐患清单", "rectification-list": "问题隐患整改清单", "risk-list": "风险清单",
          "measure-list": "风险管控措施清单"}
MEASURE_KINDS = {"engineering": "工程技术措施", "personal-protection": "个体防护措施", "other": "其他"}


@dataclass
class Built:
    documents: list[dict]
    errors: list[Error]
    unopenable: list[Error]


def _name(person) -> str | None:
    return person.get("name") if isinstance(person, dict) else None


def _drop_empty(row: dict) -> dict:
    return {key: value for key, value in row.items() if value is not None and value != ""}


def hazard_row(document: dict, findings: list[Error]) -> dict:
    location = document.get("location") or {}
    rectification = document.get("rectification") or {}
    discovered = document.get("discovered") or {}
    return _drop_empty({
        "hazard": document["id"], "name": document["name"], "level": document["level"],
        "source": document.get("source"), "type": document.get("type"), "unit": location.get("unit"),
        "place": location.get("place"), "discoveredAt": discovered.get("at"),
        "discoveredBy": _name(discovered.get("by")), "state": document["state"],
        "deadline": rectification.get("deadline"), "overdue": any(f.code == "overdue" for f in findings),
    })


def rectification_row(document: dict, findings: list[Error]) -> dict:
    rectification = document.get("rectification") or {}
    acceptance = document.get("acceptance") or {}
    return _drop_empty({
        "hazard": document["id"], "name": document["name"], "level": document["level"],
        "measures": rectification.get("measures"), "responsible": _name(rectification.get("responsible")),
        "funds": rectification.get("funds"), "deadline": rectification.get("deadline"),
        "completedAt": rectification.get("completedAt"),
        "acceptedAt": acceptance.get("at") if acceptance.get("passed") is True else None,
        "closedAt": (document.get("closed") or {}).get("at"), "state": document["state"],
        "overdue": any(f.code == "overdue" for f in findings), "late": any(f.code == "late" for f in findings),
    })


def risk_row(document: dict, rules: Rules) -> dict:
    colour = rules.labels["riskLevels"].get(document["level"], {}).get("colour")
    events = "；".join(event["description"] for event in document.get("events", []))
    return _drop_empty({
        "risk": document["id"], "name": document["name"], "unit": document.get("unit"),
        "place": document.get("place"), "level": document["level"], "colour": colour, "events": events,
        "responsible": _name(document.get("responsible")), "reviewedAt": document.get("reviewedAt"),
    })


def measure_rows(document: dict) -> list[dict]:
    return [_drop_empty({
        "risk": document["id"], "riskName": document["name"], "level": document["level"],
        "kind": measure.get("kind"), "category": measure.get("category"), "description": measure["description"],
        "responsible": _name(measure.get("responsible")) or _name(document.get("responsible")),
    }) for measure in document.get("measures", [])]


def _risk_errors(document) -> list[Error]:
    return schema_errors(document, "risk")


def build(ledgers: list[Ledger], kind: str, rules: Rules | None = None, program: str | None = None,
          as_of: dt.date | None = None, generated_at: str | None = None, known_programs=None) -> Built:
    """One ``kind`` document per subject, from the valid records of ``ledgers``."""
    rules = rules or published_rules()
    as_of = as_of or today()
    generated_at = generated_at or dt.datetime.now(CHINA).replace(microsecond=0).isoformat()
    by_subject: dict[tuple, dict] = {}
    errors, unopenable = [], []
    for ledger in ledgers:
        unopenable.extend(ledger.unopenable)
        seen: dict[str, str] = {}
        for entry in ledger.entries:
            if entry.errors:
                errors.extend(entry.errors)
                continue
            document = entry.document
            if RECORD_SCHEMA[kind] == "hazard":
                found, findings = check_document(document, rules, program, as_of, known_programs)
            else:
                found, findings = _risk_errors(document), []
            record_id = document.get("id") if isinstance(document, dict) else None
            if isinstance(record_id, str) and record_id in seen:
                found.append(Error("duplicate-id", f"编号「{record_id}」在同一台账中重复，另见 {seen[record_id]}",
                                   f"id {record_id!r} is used more than once in the ledger; also at {seen[record_id]}",
                                   "/id"))
            if found:
                errors.extend(entry.locate(error) for error in found)
                continue
            seen[record_id] = entry.where
            subject = document["subject"]
            key = (subject["name"], subject.get("code"))
            target = by_subject.setdefault(key, _document(kind, subject, generated_at, as_of, program))
            if kind == "hazard-list":
                target["rows"].append(hazard_row(document, findings))
            elif kind == "rectification-list":
                target["rows"].append(rectification_row(document, findings))
            elif kind == "risk-list":
                target["rows"].append(risk_row(document, rules))
            else:
                target["rows"].extend(measure_rows(document))
    return Built(list(by_subject.values()), errors, unopenable)


def _document(kind: str, subject: dict, generated_at: str, as_of: dt.date, program: str | None) -> dict:
    document = {"kind": kind, "subject": subject, "title": TITLES[kind]}
    if program:
        document["program"] = program
    document.update(generatedAt=generated_at, asOf=as_of.isoformat(), rows=[])
    return document


# --------------------------------------------------------------------------- output formats

def columns(kind: str, rules: Rules) -> list[tuple[str, str, object]]:
    """``(row key, Chinese header, formatter)`` of each column."""
    def label(table):
        return lambda value: rules.label(table, value)

    def yes(value):
        return "是" if value else ""

    def kinds(value):
        return MEASURE_KINDS.get(value, value)

    def colour(value):
        return {entry["colour"]: entry["colourLabel"] for entry in rules.data.get("riskLevels", [])}.get(value, value)

    hazard = [("hazard", "隐患编号", None), ("name", "隐患名称", None), ("level", "隐患等级", label("hazardLevels"))]
    table = {
        "hazard-list": hazard + [("source", "发现方式", label("hazardSources")), ("type", "隐患类别", None),
                                 ("unit", "风险单元", None), ("place", "位置", None), ("discoveredAt", "发现时间", None),
                                 ("discoveredBy", "发现人", None), ("deadline", "整改期限", None),
                                 ("state", "状态", label("states")), ("overdue", "逾期", yes)],
        "rectification-list": hazard + [("measures", "整改措施", None), ("responsible", "责任人", None),
                                        ("funds", "资金（元）", None), ("deadline", "整改期限", None),
                                        ("completedAt", "完成时间", None), ("acceptedAt", "验收时间", None),
                                        ("closedAt", "销号时间", None), ("state", "状态", label("states")),
                                        ("overdue", "逾期", yes), ("late", "超期完成", yes)],
        "risk-list": [("risk", "风险点编号", None), ("name", "风险点", None), ("unit", "风险单元", None),
                      ("place", "位置", None), ("level", "风险等级", label("riskLevels")), ("colour", "颜色", colour),
                      ("events", "风险事件", None), ("responsible", "责任人", None), ("reviewedAt", "复核日期", None)],
        "measure-list": [("risk", "风险点编号", None), ("riskName", "风险点", None),
                         ("level", "风险等级", label("riskLevels")), ("kind", "措施类别", kinds),
                         ("category", "类别说明", None), ("description", "管控措施", None),
                         ("responsible", "责任人", None)],
    }
    return table[kind]


def _cell(row: dict, key: str, formatter) -> str:
    value = row.get(key)
    if value is None:
        return ""
    if formatter is not None:
        return str(formatter(value))
    value = plain(value, exact=False)
    return str(value)


def as_json(documents: list[dict]) -> str:
    """One document per line: a single subject gives one JSON document."""
    return "".join(dumps(document, indent=None) + "\n" for document in documents)


def as_csv(documents: list[dict], kind: str, rules: Rules) -> str:
    table = io.StringIO()
    writer = csv.writer(table, lineterminator="\r\n")
    cols = columns(kind, rules)
    writer.writerow(["企业"] + [header for _, header, _ in cols])
    for document in documents:
        for row in document["rows"]:
            writer.writerow([safe_cell(document["subject"]["name"])]
                            + [_csv_cell(row, key, fmt) for key, _, fmt in cols])
    return table.getvalue()


def _csv_cell(row: dict, key: str, formatter):
    """A CSV cell: numbers (资金) as they are, text neutralised against formula injection."""
    value = row.get(key)
    if formatter is None and isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return _cell(row, key, formatter)
    return safe_cell(_cell(row, key, formatter))


def _md(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\r", " ").replace("\n", "<br>")


def as_markdown(documents: list[dict], kind: str, rules: Rules) -> str:
    cols = columns(kind, rules)
    parts = []
    for document in documents:
        subject = document["subject"]
        parts.append(f"## {TITLES[kind]}：{_md(subject['name'])}\n")
        parts.append(f"生成时间 {document['generatedAt']}，截至 {document['asOf']}。\n")
        parts.append("| " + " | ".join(header for _, header, _ in cols) + " |")
        parts.append("|" + "---|" * len(cols))
        for row in document["rows"]:
            parts.append("| " + " | ".join(_md(_cell(row, key, fmt)) for key, _, fmt in cols) + " |")
        parts.append("")
    return "\n".join(parts)
