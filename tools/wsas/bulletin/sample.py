"""Sample data for a bulletin: a full quarter of generated results and a roster, the same on every run.

Everything here is invented (示例): the regions are ``wsas.scoring.synthetic.SAMPLE_REGIONS``,
the subjects are named 「…示例企业07」 or 「…应急管理局（示例）」 with codes that
start with ``SAMPLE-``. The handbook builds its sample bulletin from it and the
tests check the bulletin's figures against it.

The quarter has what a real one has: regions that do better or worse,
enterprises that improve month by month, a few below the program's line,
missed months, a roster entry that never submits, a subject not on the
roster, and re-assessments (two results for the same month; the later counts).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal

from ..output import dumps
from ..programs import Program
from ..rubrics import Rubric, published_catalogue
from ..scoring.rules import num, step_of
from ..scoring.score import score_valid
from ..sources import Record
from ..scoring.synthetic import SAMPLE_REGIONS, submission
from .quarter import Quarter

SEED = "wsas-bulletin-sample"
REGION_BODIES = {"county-bureau", "town"}   # rubric subjects that are one body per region


@dataclass
class Sample:
    results: list[dict]
    roster: dict

    def lines(self) -> list[str]:
        """The results as JSON Lines (one result document per line)."""
        return [dumps(result, indent=None) + "\n" for result in self.results]

    def records(self, file: str) -> list[Record]:
        """The results as the records ``wsas.sources`` would read from a JSON Lines file named ``file``."""
        return [Record(file, number, data=line.rstrip("\n").encode("utf-8"))
                for number, line in enumerate(self.lines(), 1)]


def sample_quarter(program: Program, quarter: Quarter, seed: str = SEED, per_region: tuple[int, int] = (8, 14)) -> Sample:
    """Results of every rubric of ``program`` for every month of ``quarter``, and the roster they answer to."""
    rng = random.Random(f"{seed}:{program.id}:{quarter.label}")
    results, expected = [], []
    regions = list(SAMPLE_REGIONS)
    strength = {region: rng.uniform(0.05, 0.8) for region in regions}
    for rubric_id in program.data.get("rubrics") or []:
        rubric = published_catalogue().get(rubric_id)
        bodies = rubric.data["subject"]["kind"] in REGION_BODIES
        subjects = _subjects(rubric, regions, strength, rng, per_region)
        newcomer = None if bodies else subjects.pop()  # submits, but is not on the roster yet
        expected += [dict(rubric=rubric.id, **{k: s[k] for k in ("name", "code", "region")}) for s in subjects]
        never = subjects[len(subjects) // 3]["code"]        # on the roster, never submits
        late = subjects[-1]["code"]                          # misses the last month
        for month_index, month in enumerate(quarter.months):
            for subject in subjects + ([newcomer] if newcomer else []):
                last = month_index == len(quarter.months) - 1
                if (not bodies and subject["code"] == never) or (subject["code"] == late and last) or \
                        (not bodies and rng.random() < 0.04):
                    continue  # a month not submitted
                quality = subject["quality"] + 0.05 * month_index
                day = rng.randint(18, 27)
                results.append(_result(rubric, rng, subject, month, quality, f"{month}-{day:02d}"))
                if rng.random() < 0.015:  # re-assessed later the same month: the later result counts
                    results.append(_result(rubric, rng, subject, month, quality + 0.2, f"{month}-{day + 3:02d}"))
    roster = {"program": program.id, "title": f"{quarter.words}应报对象名册（示例）",
              "note": "WSAS 生成的示例名册：地区、名称和编码均为虚构。", "subjects": expected}
    return Sample(results, roster)


def _subjects(rubric: Rubric, regions: list[str], strength: dict, rng: random.Random,
              per_region: tuple[int, int]) -> list[dict]:
    """The rubric's sample subjects: one body per region (county bureau, town) or several enterprises,
    and for enterprises a last one that is new (not on the roster)."""
    kind = rubric.data["subject"]["kind"]
    initials = "".join(part[0] for part in kind.split("-")).upper()
    subjects = []
    for number, region in enumerate(regions, 1):
        if kind in REGION_BODIES:
            name = f"{region}应急管理局（示例）" if kind == "county-bureau" else f"{region}（示例）"
            subjects.append({"name": name, "code": f"SAMPLE-{initials}-{number:02d}", "region": region,
                             "quality": strength[region] + rng.uniform(0, 0.2)})
            continue
        for index in range(1, rng.randint(*per_region) + 1):
            subjects.append({"name": f"{region}示例企业{index:02d}", "code": f"SAMPLE-{number:02d}{index:03d}",
                             "region": region, "quality": strength[region] + rng.gauss(0, 0.3)})
    if kind not in REGION_BODIES:
        subjects.append(dict(subjects[0], name=f"{regions[0]}示例新增企业", code=f"SAMPLE-NEW-{initials}"))
    return subjects


def _result(rubric: Rubric, rng: random.Random, subject: dict, period: str, quality: float, day: str) -> dict:
    document = submission(rubric, rng, period=period, region=subject["region"], name=subject["name"],
                          code=subject["code"])
    document["assessedOn"] = day
    _shape(document, rubric, rng, quality)
    return score_valid(document, rubric)


def _shape(document: dict, rubric: Rubric, rng: random.Random, quality: float) -> None:
    """Move judgement answers up (good subjects get more full marks) or down (weak ones lose more)."""
    for placement in rubric.placements:
        criterion = placement.criterion
        response = document["responses"][criterion["id"]]
        if criterion["rule"]["kind"] != "judgement" or "awarded" not in response:
            continue
        points, step = num(criterion["points"]), step_of(criterion["rule"])
        if quality >= 0 and rng.random() < min(quality, 0.95):
            response["awarded"] = _plain(points)
            response.pop("reason", None)
        elif quality < 0:
            lowered = (num(response["awarded"]) * Decimal(str(round(1 + quality / 2, 2))) / step).to_integral_value(
                rounding=ROUND_FLOOR) * step
            response["awarded"] = _plain(max(Decimal(0), lowered))
            if lowered < points:
                response["reason"] = "现场检查发现问题"


def _plain(value: Decimal):
    return int(value) if value == value.to_integral_value() else value
