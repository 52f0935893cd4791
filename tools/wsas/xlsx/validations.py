"""Data validation on every input cell, so Excel refuses a bad entry as it is typed.

This is a convenience for the person filling in, not a safeguard: pasted values
bypass it, so the formulas and the importer check everything again. A cell has
at most one validation, so the judgement rule (range and step) is one custom
formula. Excel limits prompt titles to 32 and prompts to 255 characters.
"""

from __future__ import annotations

from openpyxl.worksheet.datavalidation import DataValidation

from ..scoring.rules import fmt, step_of
from .formulas import on_step
from .layout import FIELDS, NA_TEXT, NO, YES, Layout
from .texts import words

NOTE_LIMIT = 2000


def _validation(kind: str, cell: str, title: str, prompt: str, error: str, **options) -> DataValidation:
    validation = DataValidation(type=kind, allow_blank=True, showErrorMessage=True, showInputMessage=True,
                                errorStyle="stop", errorTitle="输入无效", error=error[:225],
                                promptTitle=title[:32], prompt=prompt[:255], **options)
    validation.add(cell)
    return validation


def value_validation(criterion: dict, cell: str) -> DataValidation:
    """The 填报值 cell of one criterion, by rule kind."""
    rule, points = criterion["rule"], fmt(criterion["points"])
    kind, title = rule["kind"], f"细则 {criterion['id']}"
    how = words().rule_words(rule, criterion["points"])
    if kind == "judgement":
        step = fmt(step_of(rule))
        formula = f"AND(ISNUMBER({cell}),{cell}>=0,{cell}<={points},{on_step(cell, step_of(rule))})"
        return _validation("custom", cell, title, f"填得分：0 至 {points}，{step} 的整数倍。{how}",
                           f"应为 0 至 {points} 之间 {step} 的整数倍", formula1=formula)
    if kind in ("yes-no", "veto"):
        question = "是否触发否决项" if kind == "veto" else "是否符合"
        return _validation("list", cell, title, f"选「{YES}」或「{NO}」（{question}）。{how}",
                           f"只能填「{YES}」或「{NO}」", formula1=f'"{YES},{NO}"')
    if kind == "per-finding":
        return _validation("whole", cell, title, f"填发现的{rule['unit']}数（不小于 0 的整数）。{how}",
                           "应为不小于 0 的整数", operator="between", formula1="0", formula2="100000")
    measure = rule["measure"]
    return _validation("decimal", cell, title, f"填{measure}的百分数数值，0 至 100（12.5 表示 12.5%）。{how}",
                       "应为 0 至 100 之间的数（百分数的数值，不带 %）", operator="between", formula1="0",
                       formula2="100")


def _text_limit(cell: str, title: str, limit: int, prompt: str) -> DataValidation:
    return _validation("textLength", cell, title, prompt, f"不超过 {limit} 个字", operator="lessThanOrEqual",
                       formula1=str(limit))


FIELD_RULES = {
    "subject.name": (200, "被评估单位全称（必填）"),
    "subject.code": (40, "统一社会信用代码或其他唯一编码：字母、数字或连字符，不超过 40 位"),
    "subject.region": (200, "所在地区，如 连云港市海州区"),
    "assessor.name": (200, "评估人姓名或评估组名称"),
    "assessor.organisation": (200, "评估人所在单位"),
    "notes": (4000, "其他说明"),
}


def add(sheet, layout: Layout) -> None:
    """Every validation of the sheet."""
    found = []
    for key, (limit, prompt) in FIELD_RULES.items():
        label = next(field.label for field in FIELDS if field.key == key)
        found.append(_text_limit(layout.field_cell(key), label, limit, prompt))
    found.append(_validation("textLength", layout.field_cell("period"), "评估期",
                             "年 2024、季度 2024Q2 或月份 2024-04（必填）", "应为 2024、2024Q2 或 2024-04 形式",
                             operator="between", formula1="4", formula2="7"))
    found.append(_validation("date", layout.field_cell("assessedOn"), "评估日期", "日期，如 2024-11-29",
                             "应为日期，如 2024-11-29", operator="between", formula1="36526",  # 2000-01-01
                             formula2="73415"))  # 2100-12-31
    for criterion_id, row in layout.criterion_rows.items():
        found.append(value_validation(row.criterion, layout.cell("value", criterion_id)))
        na = layout.cell("na", criterion_id)
        if na:
            found.append(_validation("list", na, "缺项", f"本细则不适用时选「{NA_TEXT}」，填报值留空",
                                     f"只能选「{NA_TEXT}」或留空", formula1=f'"{NA_TEXT}"'))
        for role, label in (("reason", "扣分原因"), ("evidence", "佐证")):
            found.append(_text_limit(layout.cell(role, criterion_id), label, NOTE_LIMIT,
                                     f"{label}（不超过 {NOTE_LIMIT} 字）"))
    for validation in found:
        sheet.add_data_validation(validation)
