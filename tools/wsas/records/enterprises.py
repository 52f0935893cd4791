"""``wsas records enterprises``: enterprise base records (一企一档, 004:102) against ``enterprise.json``.

Per record: read errors; ``missing-field`` for each item 004:102 names that the record lacks
(the schema's ``required``, one error per field, at that field); the other schema errors
(``schema``, ``invalid-date``); ``unknown-program``. Per ledger: ``duplicate-id`` at every
occurrence of an id, and ``duplicate-enterprise`` at every record sharing a unified social
credit code — one enterprise, one record (「一企一档」). The semantics are normative in
spec/records.md §12; the same checks run in the handbook's form (enterprise-model.mjs).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache

from ..errors import Error
from ..schemas import load_schema, schema_errors
from .ledger import Entry, Ledger

SCHEMA = "enterprise"


@cache
def field_labels() -> dict[str, str]:
    """The Chinese label of every member of ``enterprise.json`` (its title before « / »)."""
    return {name: node.get("title", name).split(" / ")[0]
            for name, node in load_schema(SCHEMA)["properties"].items()}


@cache
def required_fields() -> tuple[str, ...]:
    """The members every record must have: the id and the eight items of 004:102."""
    return tuple(load_schema(SCHEMA)["required"])


@dataclass
class EnterpriseReport:
    """The verdict on one enterprise record."""

    entry: Entry
    errors: list[Error] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not self.errors

    def member(self, name: str):
        document = self.entry.document
        value = document.get(name) if isinstance(document, dict) else None
        return value if isinstance(value, str) else None

    def as_dict(self) -> dict:
        data = {"file": self.entry.file}
        if self.entry.line is not None:
            data["line"] = self.entry.line
        data.update(id=self.member("id"), name=self.member("name"), valid=self.valid,
                    errors=[error.as_dict() for error in self.errors])
        return data


@dataclass
class EnterpriseCheck:
    records: list[EnterpriseReport]
    unopenable: list[Error]

    @property
    def ok(self) -> bool:
        return not self.unopenable and all(record.valid for record in self.records)

    def summary(self) -> dict:
        return {"records": len(self.records), "valid": sum(r.valid for r in self.records),
                "invalid": sum(not r.valid for r in self.records)}

    def as_dict(self) -> dict:
        return {"ok": self.ok, "unopenable": [e.as_dict() for e in self.unopenable],
                "records": [r.as_dict() for r in self.records], "summary": self.summary()}


def enterprise_errors(document, known_programs=None) -> list[Error]:
    """The errors of one enterprise record (no location attached; ledger-wide checks not included)."""
    if not isinstance(document, dict):
        return [Error("schema", "应为一个 JSON 对象（企业基础档案）", "expected a JSON object (an enterprise record)")]
    errors = []
    labels = field_labels()
    for name in required_fields():
        if name not in document:
            errors.append(Error("missing-field", f"缺少「{labels[name]}」（一企一档的必填栏目，004:102）",
                                f"{name} is missing (a required item of the enterprise record, 004:102)",
                                f"/{name}"))
    errors += [error for error in schema_errors(document, SCHEMA) if error.keyword != "required"]
    own = document.get("program")
    if not errors and own is not None and known_programs is not None and own not in known_programs:
        errors.append(Error("unknown-program", f"未知的方案「{own}」；已发布：{'、'.join(sorted(known_programs))}",
                            f"unknown program {own!r}; published: {', '.join(sorted(known_programs))}", "/program"))
    return errors


def check_enterprise_ledgers(ledgers: list[Ledger], known_programs=None) -> EnterpriseCheck:
    """Check every record of every ledger; ids and credit codes must be unique within a ledger."""
    reports, unopenable = [], []
    for ledger in ledgers:
        unopenable.extend(ledger.unopenable)
        found = []
        for entry in ledger.entries:
            errors = list(entry.errors) or [entry.locate(e) for e in enterprise_errors(entry.document, known_programs)]
            found.append(EnterpriseReport(entry, errors))
        _same(found, "id", "duplicate-id", "编号「{}」在同一台账中重复", "id {!r} is used more than once in the ledger")
        _same(found, "code", "duplicate-enterprise", "统一社会信用代码「{}」在同一台账中有多份档案（一企一档）",
              "credit code {!r} has more than one record in the ledger (one enterprise, one record)")
        reports.extend(found)
    return EnterpriseCheck(reports, unopenable)


def _same(reports: list[EnterpriseReport], member: str, code: str, message: str, message_en: str) -> None:
    """``code`` at every record whose ``member`` another record of the ledger shares, naming the others."""
    places = defaultdict(list)
    for report in reports:
        if report.member(member) is not None:
            places[report.member(member)].append(report)
    for value, same in places.items():
        if len(same) < 2:
            continue
        for report in same:
            others = [other.entry.where for other in same if other is not report]
            report.errors.append(report.entry.locate(Error(
                code, f"{message.format(value)}，另见 {'、'.join(others)}",
                f"{message_en.format(value)}; also at {', '.join(others)}", f"/{member}")))


def as_text(check: EnterpriseCheck) -> str:
    lines = []
    for record in check.records:
        for error in record.errors:
            lines.append(f"{error.where()}: [错误 error] {error.code}: {error.message} / {error.message_en}")
        if record.valid:
            lines.append(f"{record.entry.where}: 有效 valid（{record.member('name')}）")
    summary = check.summary()
    lines.append(f"合计 {summary['records']} 份企业档案：有效 {summary['valid']}，无效 {summary['invalid']} / "
                 f"{summary['records']} enterprise record(s): {summary['valid']} valid, {summary['invalid']} invalid")
    return "".join(line + "\n" for line in lines)


__all__ = ["EnterpriseCheck", "EnterpriseReport", "as_text", "check_enterprise_ledgers", "enterprise_errors",
           "field_labels", "required_fields"]
