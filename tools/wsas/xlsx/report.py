"""What ``wsas xlsx import`` writes: the two JSON files per workbook, and one report line each.

A workbook that imports gives ``<DIR>/<stem>.json`` (the submission, as
``wsas validate`` reads it) and ``<DIR>/<stem>.result.json`` (as ``wsas score
--format json`` writes it), each replaced atomically; a workbook with any error
gives nothing, so a half-right file never sits next to the good ones.
"""

from __future__ import annotations

from pathlib import Path

from ..output import dumps, write_atomic
from ..scoring.rules import fmt
from .importing import Imported


def output_paths(workbook: str, directory: str | None) -> tuple[Path, Path]:
    folder = Path(directory) if directory else Path(workbook).parent
    stem = Path(workbook).stem
    return folder / f"{stem}.json", folder / f"{stem}.result.json"


def save(imported: Imported, directory: str | None) -> tuple[Path, Path]:
    submission, result = output_paths(imported.file, directory)
    write_atomic(submission, dumps(imported.submission) + "\n")
    write_atomic(result, dumps(imported.result) + "\n")
    return submission, result


def as_json(imported: Imported, written: tuple[Path, Path] | None) -> str:
    result = imported.result
    return dumps({"file": imported.file, "ok": imported.ok and written is not None,
                  "rubric": imported.rubric.id if imported.rubric else None,
                  "rubricVersion": imported.rubric.version if imported.rubric else None,
                  "submission": str(written[0]) if written else None,
                  "result": str(written[1]) if written else None,
                  "score": result["score"] if result and written else None,
                  "errors": [e.as_dict() for e in imported.errors],
                  "warnings": [w.as_dict() for w in imported.warnings]}, indent=None)


def as_text(imported: Imported, written: tuple[Path, Path] | None) -> str:
    lines = [str(error) for error in imported.errors]
    lines += [f"{warning.file}: [提示 warning {warning.code}] {warning.message} / {warning.message_en}"
              for warning in imported.warnings]
    if written:
        result, rubric = imported.result, imported.rubric
        outcome = f"；结果 outcome：{result['outcome']['label']}" if result["outcome"] else ""
        lines.append(f"{imported.file}: 已导入 imported（{rubric.id} {rubric.version}，{result['subject']['name']}，"
                     f"{result['period']}）得分 score {fmt(result['score'])}{outcome} → {written[0]}、{written[1]}")
    return "\n".join(lines)
