"""A session as a report: a terminal summary, JSON (schemas/conformance-report.json), Markdown and HTML.

The JSON document is the report; the text, Markdown and HTML forms are written from it, so every form
says the same.
"""

from __future__ import annotations

import datetime as dt
import html

from .. import __version__
from .harness import FAILED, PASSED, SKIPPED, Session
from .protocol import LEVELS, PROTOCOL, SPEC_VERSION, encode
from .suites import SUITES

_STATUSES = (PASSED, FAILED, SKIPPED)


def document(session: Session, vectors_digest: str, filters: dict) -> dict:
    """The report as data, valid against schemas/conformance-report.json."""
    hello = session.hello or {}
    outcomes = session.outcomes
    return {
        "report": "wsas-conformance-report",
        "protocol": PROTOCOL,
        "spec": SPEC_VERSION,
        "harness": {"name": "wsas", "version": __version__},
        "vectors": {"sha256": vectors_digest, "cases": len(outcomes)},
        "filters": filters,
        "date": dt.datetime.fromtimestamp(session.started or 0, dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "command": session.command,
        "implementation": hello.get("implementation"),
        "claims": {"levels": hello.get("levels", []), "ruleKinds": hello.get("ruleKinds")},
        "ok": session.ok,
        "totals": _counts(outcomes),
        "suites": {suite: _counts([o for o in outcomes if o.case.suite == suite])
                   for suite in SUITES if any(o.case.suite == suite for o in outcomes)},
        "levels": {level: _counts([o for o in outcomes if (o.level or o.case.levels[-1]) == level])
                   for level in LEVELS if any((o.level or o.case.levels[-1]) == level for o in outcomes)},
        "session": {"problems": session.problems, "notes": session.notes, "restarts": session.restarts,
                    "seconds": round(session.seconds, 3)},
        "cases": [_case(o) for o in outcomes],
    }


def _counts(outcomes) -> dict:
    return {status: sum(1 for o in outcomes if o.status == status) for status in _STATUSES}


def _case(outcome) -> dict:
    data = {"id": outcome.case.id, "suite": outcome.case.suite, "kind": outcome.case.kind,
            "description": outcome.case.description, "status": outcome.status, "level": outcome.level,
            "seconds": round(outcome.seconds, 4)}
    if outcome.reason:
        data["reason"] = outcome.reason
    if outcome.differences:
        data["differences"] = [d.as_dict() for d in outcome.differences]
    return data


def as_json(report: dict) -> str:
    return encode(report) + "\n"


# ---------------------------------------------------------------- text

def as_text(report: dict, failures: int = 20) -> str:
    lines = [_title(report), ""]
    lines += _table(report, lambda row: "  ".join(row))
    for problem in report["session"]["problems"]:
        lines.append(f"problem: {problem}")
    for note in report["session"]["notes"]:
        lines.append(f"note: {note}")
    failed = [c for c in report["cases"] if c["status"] == FAILED]
    if failed:
        lines += ["", f"{len(failed)} failed case(s):"]
        for case in failed[:failures]:
            lines.append(f"FAIL {case['id']}  {case['description'][:70]}")
            lines.append(f"     {case['reason']}")
            lines += [f"     - {_difference(d)}" for d in case.get("differences", [])[:5]]
        if len(failed) > failures:
            lines.append(f"… and {len(failed) - failures} more (every failure is in --format json|markdown|html)")
    lines += ["", "RESULT: " + ("PASS — every claimed case passed" if report["ok"] else "FAIL")]
    return "\n".join(lines) + "\n"


def _title(report: dict) -> str:
    implementation = report["implementation"] or {"name": "(no hello)", "version": "?", "language": "?"}
    return (f"WSAS conformance {report['spec']} (protocol {report['protocol']}) — {implementation['name']} "
            f"{implementation['version']} ({implementation['language']}), {report['date']}")


def _table(report: dict, join) -> list[str]:
    rows = [("", "passed", "failed", "skipped (not claimed)")]
    for group in ("suites", "levels"):
        for name, counts in report[group].items():
            rows.append((f"{group[:-1]} {name}", *(str(counts[s]) for s in _STATUSES)))
    rows.append(("total", *(str(report["totals"][s]) for s in _STATUSES)))
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    return [join([row[0].ljust(widths[0])] + [row[i].rjust(widths[i]) for i in range(1, 4)]) for row in rows]


def _difference(difference: dict) -> str:
    text = f"{difference['path'] or '/'}: {difference['message']}"
    if "expected" in difference or "got" in difference:
        text += f" — expected {_value(difference, 'expected')}, got {_value(difference, 'got')}"
    return text


def _value(difference: dict, key: str) -> str:
    if key not in difference:
        return "nothing"
    text = encode(difference[key])
    return text if len(text) <= 300 else text[:300] + "…"


# ---------------------------------------------------------------- Markdown and HTML

def as_markdown(report: dict) -> str:
    implementation = report["implementation"] or {}
    lines = [f"# WSAS conformance report: {implementation.get('name', '(no hello)')} "
             f"{implementation.get('version', '')}", "",
             "| | |", "|---|---|",
             f"| implementation | {_md(implementation.get('name', '—'))} {_md(implementation.get('version', ''))} "
             f"({_md(implementation.get('language', '—'))}) |",
             f"| command | `{_md(report['command'])}` |",
             f"| claimed levels | {_md(', '.join(report['claims']['levels']) or '—')} |",
             f"| claimed rule kinds | {_md(', '.join(report['claims']['ruleKinds'] or ['all']))} |",
             f"| specification | WSAS {report['spec']}, protocol {report['protocol']} |",
             f"| vectors | {report['vectors']['cases']} cases, sha256 `{report['vectors']['sha256']}` |",
             f"| harness | {report['harness']['name']} {report['harness']['version']} |",
             f"| date | {report['date']} |",
             f"| result | **{'PASS' if report['ok'] else 'FAIL'}** |", "",
             "## Summary", ""]
    table = _table(report, lambda row: "| " + " | ".join(row) + " |")
    lines += [table[0], "|---|--:|--:|--:|", *table[1:], ""]
    if report["session"]["problems"] or report["session"]["notes"]:
        lines += ["## Session", ""]
        lines += [f"- problem: {_md(p)}" for p in report["session"]["problems"]]
        lines += [f"- note: {_md(n)}" for n in report["session"]["notes"]]
        lines.append("")
    failed = [c for c in report["cases"] if c["status"] == FAILED]
    lines += ["## Failures", "", "None." if not failed else f"{len(failed)} failed case(s).", ""]
    for case in failed:
        lines += [f"### `{case['id']}`", "", _md(case["description"]), "", f"- level: {case['level']}",
                  f"- reason: {_md(case['reason'])}"]
        for difference in case.get("differences", []):
            lines.append(f"- `{_md(difference['path'] or '/')}` {_md(difference['message'])}")
            for key in ("expected", "got"):
                if key in difference:
                    lines.append(f"  - {key}: `{_md(_value(difference, key))}`")
        lines.append("")
    return "\n".join(lines)


def _md(text: str) -> str:
    return str(text).replace("|", "\\|").replace("`", "'").replace("\n", " ")


def as_html(report: dict) -> str:
    implementation = report["implementation"] or {}
    e = html.escape
    rows = "".join(f"<tr><th>{e(k)}</th><td>{e(v)}</td></tr>" for k, v in (
        ("implementation", f"{implementation.get('name', '(no hello)')} {implementation.get('version', '')} "
                           f"({implementation.get('language', '—')})"),
        ("command", report["command"]),
        ("claimed levels", ", ".join(report["claims"]["levels"]) or "—"),
        ("claimed rule kinds", ", ".join(report["claims"]["ruleKinds"] or ["all"])),
        ("specification", f"WSAS {report['spec']}, protocol {report['protocol']}"),
        ("vectors", f"{report['vectors']['cases']} cases, sha256 {report['vectors']['sha256']}"),
        ("harness", f"{report['harness']['name']} {report['harness']['version']}"),
        ("date", report["date"]), ("result", "PASS" if report["ok"] else "FAIL")))
    summary = _table(report, lambda row: "<tr>" + "".join(f"<td>{e(cell.strip())}</td>" for cell in row) + "</tr>")
    session = "".join(f"<li>problem: {e(p)}</li>" for p in report["session"]["problems"]) + \
        "".join(f"<li>note: {e(n)}</li>" for n in report["session"]["notes"])
    failures = []
    for case in (c for c in report["cases"] if c["status"] == FAILED):
        items = "".join(
            f"<li><code>{e(d['path'] or '/')}</code> {e(d['message'])}"
            + "".join(f"<br>{key}: <code>{e(_value(d, key))}</code>" for key in ("expected", "got") if key in d)
            + "</li>" for d in case.get("differences", []))
        failures.append(f"<section><h3><code>{e(case['id'])}</code></h3><p>{e(case['description'])}</p>"
                        f"<p>level {e(str(case['level']))}: {e(case['reason'])}</p><ul>{items}</ul></section>")
    title = f"WSAS conformance report: {implementation.get('name', '(no hello)')} {implementation.get('version', '')}"
    return (f"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{e(title)}</title>"
            "<style>body{font-family:sans-serif;max-width:60rem;margin:2rem auto}table{border-collapse:collapse}"
            "td,th{border:1px solid #999;padding:.2rem .5rem;text-align:left}code{word-break:break-all}</style>"
            f"</head><body><h1>{e(title)}</h1><table>{rows}</table><h2>Summary</h2><table>{''.join(summary)}</table>"
            + (f"<h2>Session</h2><ul>{session}</ul>" if session else "")
            + f"<h2>Failures</h2><p>{len(failures) or 'None'}{' failed case(s)' if failures else ''}.</p>"
            + "".join(failures) + "</body></html>\n")
