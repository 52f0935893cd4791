"""Reading result documents for a bulletin, one record at a time, and refusing the ones that do not belong.

A record is used only when it is a result document (schemas/result.json) of one
of the program's rubrics, in its published version, for a period inside the
quarter, whose outcome is the one the rubric gives its score. Anything else is
an :class:`~wsas.errors.Error` with file, line and JSON pointer, and the record
is skipped. The strict reader keeps every number an exact decimal;
``jsonschema-rs`` decides quickly that a document is schema-valid and
python-jsonschema is asked only for the translated errors of one that is not.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..scoring.consequences import consequences_of, grade_of
from ..errors import Error, InputError
from ..output import plain
from ..programs import Program
from ..reading import decode, load_json_text
from ..scoring.rules import fmt, num
from ..schemas import fast_validator, schema_errors
from ..scoring.score import outcome_of
from ..sources import Record
from .quarter import Quarter
from .scope import RubricScope


@dataclass
class Accepted:
    """A usable result: the document, its rubric's scope, the consequences it triggers and where it was read."""

    result: dict
    scope: RubricScope
    consequences: tuple[str, ...]
    file: str
    line: int | None


class Intake:
    """Checks records against the program and the quarter."""

    def __init__(self, program: Program, quarter: Quarter, scopes: list[RubricScope]):
        self.program = program
        self.quarter = quarter
        self.scopes = {scope.id: scope for scope in scopes}
        self._fast = fast_validator("result")

    def check(self, record: Record) -> tuple[Accepted | None, list[Error]]:
        """(the accepted result, []) or (None, the record's errors located at its file and line)."""
        if record.error is not None:
            return None, [record.error]
        try:
            document = load_json_text(decode(record.data, record.file), record.file)
        except InputError as exc:
            return None, [_located(exc.error, record)]
        errors = self._schema_errors(document)
        if not errors:
            errors, accepted = self._program_errors(document, record)
            if accepted is not None:
                return accepted, []
        return None, [_located(error.located(record.file), record) for error in errors]

    def _schema_errors(self, document) -> list[Error]:
        if self._fast.is_valid(document):
            return []
        if isinstance(document, dict) and "responses" in document and "criteria" not in document:
            return [Error("not-a-result", "这是填报（submission）而不是评分结果；请先用 wsas score 评分",
                          "this is a submission, not a result: score it first with wsas score", "")]
        return schema_errors(document, "result")  # the reference validator decides and explains

    def _program_errors(self, result: dict, record: Record) -> tuple[list[Error], Accepted | None]:
        scope = self.scopes.get(result["rubric"])
        if scope is None:
            known = "、".join(self.scopes)
            return [Error("rubric-not-in-program",
                          f"评估表「{result['rubric']}」不属于方案 {self.program.id}（本方案：{known}）",
                          f"rubric {result['rubric']!r} is not one of program {self.program.id}'s ({known})",
                          "/rubric")], None
        rubric = scope.rubric
        if result["rubricVersion"] != rubric.version:
            return [Error("unknown-version",
                          f"评估表 {rubric.id} 没有版本 {result['rubricVersion']}（当前版本 {rubric.version}）",
                          f"rubric {rubric.id} has no version {result['rubricVersion']} (current: {rubric.version})",
                          "/rubricVersion")], None
        if not self.quarter.holds(result["period"]):
            allowed = "、".join(self.quarter.periods)
            return [Error("period-outside",
                          f"评估期 {result['period']} 不在 {self.quarter.label} 内（应为 {allowed}）",
                          f"period {result['period']} is outside {self.quarter.label} (expected one of "
                          f"{', '.join(self.quarter.periods)})", "/period")], None
        score = num(result["score"])
        if score > scope.top:
            return [Error("score-out-of-range", f"得分 {fmt(score)} 超过该评估表的最高分 {fmt(scope.top)}",
                          f"score {fmt(score)} exceeds the rubric's highest score {fmt(scope.top)}", "/score")], None
        try:
            plain(score)
        except ValueError:  # the bulletin's JSON repeats scores exactly; this one no JSON number reproduces
            return [Error("score-not-exact", f"得分 {fmt(score)} 的有效数字多于 JSON 数值能精确表示的位数，不是评分得出的得分",
                          f"score {fmt(score)} has more significant digits than a JSON number keeps exactly: "
                          "not a score the rubric produces", "/score")], None
        outcome = outcome_of(score, rubric)
        stated = result["outcome"]["id"] if result["outcome"] else None
        if stated != (outcome["id"] if outcome else None):
            expected = f"「{outcome['label']}」" if outcome else "无（null）"
            return [Error("outcome-mismatch",
                          f"结果判定与评估表不符：得分 {fmt(score)} 的结果判定应为{expected}，文件中为 {stated or 'null'}",
                          f"outcome does not match the rubric: score {fmt(score)} gives "
                          f"{outcome['id'] if outcome else 'null'}, the result says {stated or 'null'}",
                          "/outcome")], None
        grade = grade_of(score, rubric.id, [self.program])
        triggered = tuple(c["id"] for c in consequences_of(rubric.id, outcome, grade, [self.program]))
        return [], Accepted(result, scope, triggered, record.file, record.line)


def _located(error: Error, record: Record) -> Error:
    """Errors of a JSON Lines record carry the file's line number (syntax errors keep their column)."""
    if record.line is None:
        return error
    return Error(error.code, error.message, error.message_en, error.pointer, record.file, record.line,
                 error.column if error.line is not None else None, error.keyword)
