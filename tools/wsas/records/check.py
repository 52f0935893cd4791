"""``wsas records check``: hazard ledgers against ``hazard.json`` and the lifecycle rules.

Per record: read errors, schema errors (``schema``), unknown programs, then —
for schema-valid records — the lifecycle (see :mod:`wsas.records.lifecycle`).
Per ledger: duplicate ids (``duplicate-id``, reported at every occurrence).
Over everything: a summary of open, overdue and closed hazards by level and unit.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from ..errors import Error
from ..schemas import schema_errors
from .ledger import Entry, Ledger
from .lifecycle import evaluate
from .model import Rules, published_rules, today

LEVELS = ("general", "major")


@dataclass
class RecordReport:
    """The verdict on one record."""

    entry: Entry
    errors: list[Error] = field(default_factory=list)
    findings: list[Error] = field(default_factory=list)
    usable: bool = False  # schema-valid: counted in the summary
    program: str | None = None

    @property
    def valid(self) -> bool:
        return not self.errors

    @property
    def document(self):
        return self.entry.document

    @property
    def id(self):
        document = self.entry.document
        value = document.get("id") if isinstance(document, dict) else None
        return value if isinstance(value, str) else None

    def as_dict(self) -> dict:
        data = {"file": self.entry.file}
        if self.entry.line is not None:
            data["line"] = self.entry.line
        data["id"] = self.id
        if self.usable:
            data.update(level=self.document["level"], state=self.document["state"], program=self.program)
        data.update(valid=self.valid, errors=[e.as_dict() for e in self.errors],
                    findings=[f.as_dict() for f in self.findings])
        return data


@dataclass
class Report:
    as_of: dt.date
    program: str | None
    records: list[RecordReport]
    unopenable: list[Error]
    summary: dict

    @property
    def ok(self) -> bool:
        return not self.unopenable and all(r.valid and not r.findings for r in self.records)

    def as_dict(self) -> dict:
        return {"ok": self.ok, "asOf": self.as_of.isoformat(), "program": self.program,
                "unopenable": [e.as_dict() for e in self.unopenable],
                "records": [r.as_dict() for r in self.records], "summary": self.summary}


def check_document(document, rules: Rules | None = None, program: str | None = None,
                   as_of: dt.date | None = None, known_programs=None) -> tuple[list[Error], list[Error]]:
    """Errors and findings of one hazard ``document`` (no location attached)."""
    rules = rules or published_rules()
    as_of = as_of or today()
    errors = schema_errors(document, "hazard")
    if errors:
        return errors, []
    own = document.get("program")
    if own is not None and known_programs is not None and own not in known_programs:
        return [Error("unknown-program", f"未知的方案「{own}」；已发布：{'、'.join(sorted(known_programs))}",
                      f"unknown program {own!r}; published: {', '.join(sorted(known_programs))}", "/program")], []
    outcome = evaluate(document, rules, own or program, as_of)
    return outcome.errors, outcome.findings


def check_ledgers(ledgers: list[Ledger], rules: Rules | None = None, program: str | None = None,
                  as_of: dt.date | None = None, known_programs=None) -> Report:
    """Check every record of every ledger; ``program`` applies to records that name none."""
    rules = rules or published_rules()
    as_of = as_of or today()
    reports, unopenable = [], []
    for ledger in ledgers:
        unopenable.extend(ledger.unopenable)
        ledger_reports = []
        for entry in ledger.entries:
            report = RecordReport(entry, list(entry.errors))
            if not entry.errors:
                errors, findings = check_document(entry.document, rules, program, as_of, known_programs)
                report.errors = [entry.locate(error) for error in errors]
                report.findings = [entry.locate(finding) for finding in findings]
                report.usable = not any(error.code in ("schema", "unknown-program") for error in errors)
                if report.usable:
                    report.program = entry.document.get("program") or program
            ledger_reports.append(report)
        _duplicates(ledger_reports)
        reports.extend(ledger_reports)
    return Report(as_of, program, reports, unopenable, summarise(reports, rules))


def _duplicates(reports: list[RecordReport]) -> None:
    """``duplicate-id`` at every occurrence of an id used more than once in one ledger, naming the others."""
    places = defaultdict(list)
    for report in reports:
        if report.id is not None:
            places[report.id].append(report)
    for hazard_id, same in places.items():
        if len(same) < 2:
            continue
        for report in same:
            others = "、".join(other.entry.where for other in same if other is not report)
            others_en = ", ".join(other.entry.where for other in same if other is not report)
            report.errors.append(report.entry.locate(Error(
                "duplicate-id", f"编号「{hazard_id}」在同一台账中重复，另见 {others}",
                f"id {hazard_id!r} is used more than once in the ledger; also at {others_en}", "/id")))


def summarise(reports: list[RecordReport], rules: Rules) -> dict:
    """Counts over the schema-valid records: open / overdue / closed by level and by unit, and totals."""
    def counts():
        return {"total": 0, "open": 0, "overdue": 0, "closed": 0}

    by_level = {level: counts() for level in LEVELS}
    by_unit: dict = defaultdict(counts)
    by_state = Counter()
    errors, findings = Counter(), Counter()
    usable = 0
    for report in reports:
        errors.update(error.code for error in report.errors)
        findings.update(finding.code for finding in report.findings)
        if not report.usable:
            continue
        usable += 1
        document = report.document
        state = document["state"]
        by_state[state] += 1
        unit = (document.get("location") or {}).get("unit")
        overdue = any(f.code == "overdue" for f in report.findings)
        for bucket in (by_level[document["level"]], by_unit[unit]):
            bucket["total"] += 1
            bucket["open" if rules.is_open(state) else "closed"] += 1
            bucket["overdue"] += overdue
    return {
        "records": len(reports),
        "valid": sum(r.valid for r in reports),
        "invalid": sum(not r.valid for r in reports),
        "withFindings": sum(bool(r.findings) for r in reports),
        "counted": usable,
        "byLevel": by_level,
        "byUnit": [dict(unit=unit, **by_unit[unit]) for unit in sorted(by_unit, key=lambda u: (u is None, u or ""))],
        "byState": {state: by_state[state] for state in rules.states if by_state[state]},
        "errors": dict(sorted(errors.items())),
        "findings": dict(sorted(findings.items())),
    }


def summary_text(summary: dict, rules: Rules) -> str:
    lines = [f"合计 {summary['records']} 条记录：有效 {summary['valid']}，无效 {summary['invalid']}，"
             f"有发现 {summary['withFindings']} / {summary['records']} record(s): {summary['valid']} valid, "
             f"{summary['invalid']} invalid, {summary['withFindings']} with findings"]
    for level, bucket in summary["byLevel"].items():
        lines.append(f"  {rules.label('hazardLevels', level)} {level}: 未销号 open {bucket['open']}，"
                     f"逾期 overdue {bucket['overdue']}，已销号 closed {bucket['closed']}")
    for bucket in summary["byUnit"]:
        unit = bucket["unit"] or "（未注明风险单元 no unit）"
        lines.append(f"  单元 unit {unit}: 未销号 open {bucket['open']}，逾期 overdue {bucket['overdue']}，"
                     f"已销号 closed {bucket['closed']}")
    for title, counter in (("错误 errors", summary["errors"]), ("发现 findings", summary["findings"])):
        if counter:
            lines.append(f"  {title}: " + ", ".join(f"{code} {count}" for code, count in counter.items()))
    return "\n".join(lines) + "\n"
