"""A program page's parts, and where each of its errata goes.

An erratum is shown after the part (stages, obligations, grading…) holding the
first entry it affects; entries it affects elsewhere link to it. Errata about
the whole document (``affects: [program]``) or about nothing on the page come
first.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Page order of the parts; each is a list in program.yaml whose entries have ids.
PARTS = [
    ("roles", "角色"),
    ("variants", "程序变体"),
    ("stages", "评估程序与时限"),
    ("deadlines", "单项时限"),
    ("obligations", "周期性任务"),
    ("materials", "材料"),
    ("grading", "分级认定"),
    ("consequences", "结果运用"),
    ("targets", "量化目标"),
    ("quotas", "数量要求"),
    ("areas", "评估内容"),
    ("methods", "评估方式"),
    ("requirements", "工作要求"),
    ("checklists", "问题清单"),
    ("outlines", "报告撰写格式"),
    ("rosters", "名单"),
]


@dataclass
class ProgramErrata:
    general: list[dict] = field(default_factory=list)
    after: dict[str, list[dict]] = field(default_factory=dict)     # part key → errata
    markers: dict[str, list[str]] = field(default_factory=dict)    # entry id → erratum ids


def place_errata(data: dict) -> ProgramErrata:
    where = {}
    for key, _ in PARTS:
        for entry in data.get(key, []):
            where.setdefault(entry["id"], key)
    placed = ProgramErrata()
    order = [key for key, _ in PARTS]
    for erratum in data.get("errata", []):
        parts = [where[i] for i in erratum["affects"] if i in where]
        if "program" in erratum["affects"] or not parts:
            placed.general.append(erratum)
        else:
            first = min(parts, key=order.index)
            placed.after.setdefault(first, []).append(erratum)
        for entry_id in erratum["affects"]:
            if entry_id in where:
                placed.markers.setdefault(entry_id, []).append(erratum["id"])
    return placed


def stage_order(data: dict) -> dict[str, int]:
    return {stage["id"]: index + 1 for index, stage in enumerate(data.get("stages", []))}


def used_by(data: dict) -> dict[str, list[str]]:
    """material id → labels of the stages that hand it in (or of the extension that needs it)."""
    found: dict[str, list[str]] = {}
    for stage in data.get("stages", []):
        for material in stage.get("materials", []):
            found.setdefault(material, []).append(stage["label"])
        for material in stage.get("extension", {}).get("requires", []):
            found.setdefault(material, []).append(f"{stage['label']}延期申请")
    return found
