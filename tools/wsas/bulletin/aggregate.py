"""Aggregating one rubric's results over a quarter, one result at a time.

Memory holds running sums (by region, by period, by score band) and, per
subject, one small slot per period — needed to notice a second result for
the same subject and month and to tell a roster who did not submit. It does
not hold the results themselves, so it grows with the number of subjects,
not with the number of records.

Duplicates: when a subject has several results for the same period, the one
with the latest ``assessedOn`` date is used; with equal dates (or none), the one
read last (files in the order given, lines in file order). A result without
``assessedOn`` counts as older than one with it. The others are reported.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal

from ..scoring.rules import num
from .figures import Sum, competition_ranks, rate
from .intake import Accepted
from .quarter import Quarter
from .roster import Expected, Roster, own_key, region_of
from .scope import MONTH, RubricScope

BANDS = 10
KEPT_DUPLICATES = 10  # locations kept per subject and period; beyond that only the count grows


@dataclass(slots=True)
class Slot:
    """The result used for one subject and period, reduced to what the bulletin needs."""

    order: tuple            # (assessedOn or "", input sequence): the larger one is the later result
    score: Decimal
    region: str
    consequences: tuple
    file: str
    line: int | None
    assessed_on: str | None


class Subject:
    __slots__ = ("name", "code", "region", "expected", "slots")

    def __init__(self, name: str, code: str | None, region: str, expected: Expected | None):
        self.name, self.code, self.region, self.expected = name, code, region, expected
        self.slots: dict[str, Slot] = {}

    def as_dict(self) -> dict:
        found = {"name": self.name}
        if self.code:
            found["code"] = self.code
        found["region"] = self.region
        return found


class RubricTally:
    """Running figures of one rubric's results in one quarter."""

    def __init__(self, scope: RubricScope, quarter: Quarter, roster: Roster | None):
        self.scope = scope
        self.quarter = quarter
        self.roster = roster
        self.subjects: dict[tuple, Subject] = {}
        self.overall = Sum()
        self.by_period = {period: Sum() for period in quarter.periods}
        self.by_region: dict[str, Sum] = {}
        self.by_region_period: dict[tuple[str, str], Sum] = {}
        self.width = scope.top / BANDS
        self.bands = [0] * BANDS
        self.flagged: dict[tuple, Slot] = {}
        self.duplicates: dict[tuple, list] = {}  # (subject, period) → [count, first KEPT_DUPLICATES slots]

    def add(self, accepted: Accepted, sequence: int) -> Slot | None:
        """Count one result; returns the slot it pushed aside when it duplicates another (else None)."""
        result = accepted.result
        subject = result["subject"]
        expected = self.roster.match(self.scope.id, subject) if self.roster else None
        key = own_key(expected.subject if expected else subject)
        record = self.subjects.get(key)
        if record is None:
            source = expected.subject if expected else subject
            record = self.subjects[key] = Subject(source["name"], source.get("code"), region_of(source), expected)
        period = result["period"]
        assessed_on = result.get("assessedOn")
        new = Slot((assessed_on or "", sequence), num(result["score"]), region_of(subject),
                   accepted.consequences, accepted.file, accepted.line, assessed_on)
        old = record.slots.get(period)
        if old is None:
            record.slots[period] = new
            self._count(key, period, new, +1)
            return None
        if new.order > old.order:
            record.slots[period] = new
            self._count(key, period, old, -1)
            self._count(key, period, new, +1)
            dropped = old
        else:
            dropped = new
        seen = self.duplicates.setdefault((key, period), [0, []])
        seen[0] += 1
        if len(seen[1]) < KEPT_DUPLICATES:
            seen[1].append(dropped)
        return dropped

    def _count(self, key: tuple, period: str, slot: Slot, sign: int) -> None:
        self.overall.add(slot.score, sign)
        self.by_period[period].add(slot.score, sign)
        self.by_region.setdefault(slot.region, Sum()).add(slot.score, sign)
        self.by_region_period.setdefault((slot.region, period), Sum()).add(slot.score, sign)
        self.bands[self._band(slot.score)] += sign
        if slot.consequences:
            if sign > 0:
                self.flagged[(key, period)] = slot
            else:
                self.flagged.pop((key, period), None)

    def _band(self, score: Decimal) -> int:
        return min(BANDS - 1, int((score / self.width).to_integral_value(rounding=ROUND_FLOOR)))

    # ---- the figures, once every result is in ----

    def figures(self) -> dict:
        scope = self.scope
        expected_periods = self.expected_periods
        regions = self._regions()
        return {
            "rubric": scope.id,
            "rubricVersion": scope.rubric.version,
            "title": scope.rubric.data["title"],
            "subjectLabel": scope.subject_label,
            "cadence": scope.cadence,
            "expectedPeriods": list(expected_periods),
            "summary": {"subjects": len([s for s in self.subjects.values() if s.slots]),
                        "results": self.overall.count, "total": self.overall.total,
                        "average": self.overall.average},
            "regions": regions,
            "completion": self._completion(),
            "bands": self._bands(),
            "rules": scope.rules,
            "flagged": self._flagged(),
            "missing": self._missing() if self.roster else None,
            "unexpected": self._unexpected() if self.roster else None,
            "duplicates": self._duplicates(),
        }

    @property
    def expected_periods(self) -> tuple[str, ...]:
        return self.quarter.months if self.scope.cadence == MONTH else (self.quarter.label,)

    def _expected(self) -> list[Expected]:
        return self.roster.of(self.scope.id) if self.roster else []

    def _monthly_duty(self, period: str) -> bool:
        """Whether each roster subject owes a result for this very period (a month, under a monthly duty)."""
        return bool(self.roster) and self.scope.cadence == MONTH and period in self.quarter.months

    def _submitted(self, subject: Subject | None, period: str) -> bool:
        """Whether ``subject`` submitted for an expected period; for a quarterly duty any result in the quarter counts."""
        if subject is None:
            return False
        if period == self.quarter.label and self.scope.cadence != MONTH:
            return bool(subject.slots)
        return period in subject.slots

    def _regions(self) -> list[dict]:
        expected_by_region: dict[str, list[Expected]] = {}
        for entry in self._expected():
            expected_by_region.setdefault(entry.region, []).append(entry)
        subjects_by_region: dict[str, int] = {}
        for subject in self.subjects.values():
            for region in {slot.region for slot in subject.slots.values()}:
                subjects_by_region[region] = subjects_by_region.get(region, 0) + 1
        flagged_by_region: dict[str, int] = {}
        for slot in self.flagged.values():
            flagged_by_region[slot.region] = flagged_by_region.get(slot.region, 0) + 1
        names = sorted(set(self.by_region) | set(expected_by_region))
        sums = [self.by_region.get(name) for name in names]
        ranks = competition_ranks([s.exact if s is not None else None for s in sums])
        rows = []
        for name, total, rank in zip(names, sums, ranks):
            total = total or Sum()
            entries = expected_by_region.get(name, [])
            expected_subjects = [self.subjects.get(own_key(entry.subject)) for entry in entries]
            periods = []
            for period in self.quarter.periods:
                cell = self.by_region_period.get((name, period)) or Sum()
                row = {"period": period, "results": cell.count, "total": cell.total, "average": cell.average}
                if self._monthly_duty(period):
                    done = sum(self._submitted(subject, period) for subject in expected_subjects)
                    row.update(expected=len(entries), submittedExpected=done, rate=rate(done, len(entries)))
                periods.append(row)
            row = {"region": name, "rank": rank, "subjects": subjects_by_region.get(name, 0),
                   "results": total.count, "total": total.total, "average": total.average,
                   "flagged": flagged_by_region.get(name, 0), "periods": periods}
            if self.roster:
                complete = sum(1 for subject in expected_subjects
                               if all(self._submitted(subject, p) for p in self.expected_periods))
                row.update(expected=len(entries), complete=complete, rate=rate(complete, len(entries)))
            rows.append(row)
        rows.sort(key=lambda row: (row["rank"] is None, row["rank"] or 0, row["region"]))
        return rows

    def _completion(self) -> dict:
        expected = self._expected()
        keyed = [self.subjects.get(own_key(entry.subject)) for entry in expected]
        periods = []
        for period in self.quarter.periods:
            row = {"period": period, "submitted": self.by_period[period].count}
            if self._monthly_duty(period):
                done = sum(self._submitted(subject, period) for subject in keyed)
                row.update(expected=len(expected), submittedExpected=done, rate=rate(done, len(expected)))
            periods.append(row)
        quarter = {"submitted": len([s for s in self.subjects.values() if s.slots])}
        if self.roster:
            some = sum(1 for subject in keyed if subject is not None and subject.slots)
            every = sum(1 for subject in keyed if all(self._submitted(subject, p) for p in self.expected_periods))
            quarter.update(expected=len(expected), submittedExpected=some, complete=every,
                           rate=rate(every, len(expected)))
        return {"periods": periods, "quarter": quarter}

    def _bands(self) -> list[dict]:
        bands = []
        for index, count in enumerate(self.bands):
            last = index == BANDS - 1
            bands.append({"lower": self.width * index, "lowerInclusive": True,
                          "upper": self.scope.top if last else self.width * (index + 1), "upperInclusive": last,
                          "count": count})
        return bands

    def _flagged(self) -> list[dict]:
        rows = []
        for (key, period), slot in self.flagged.items():
            subject = self.subjects[key]
            rows.append(dict(subject=dict(subject.as_dict(), region=slot.region), period=period, score=slot.score,
                             consequences=list(slot.consequences), **_where(slot)))
        rows.sort(key=lambda row: (row["subject"]["region"], row["score"], row["subject"]["name"], row["period"]))
        return rows

    def _missing(self) -> list[dict]:
        rows = []
        for entry in self._expected():
            subject = self.subjects.get(own_key(entry.subject))
            missing = [p for p in self.expected_periods if not self._submitted(subject, p)]
            if missing:
                rows.append({"subject": entry.subject, "missing": missing,
                             "submitted": sorted(subject.slots) if subject else []})
        return rows  # in the roster's own order, the order its authors keep their subjects in

    def _unexpected(self) -> list[dict]:
        rows = [{"subject": s.as_dict(), "periods": sorted(s.slots)}
                for s in self.subjects.values() if s.expected is None and s.slots]
        rows.sort(key=lambda row: (row["subject"]["region"], row["subject"]["name"]))
        return rows

    def _duplicates(self) -> list[dict]:
        rows = []
        for (key, period), (count, dropped) in self.duplicates.items():
            used = self.subjects[key].slots[period]
            rows.append({"subject": self.subjects[key].as_dict(), "period": period, "used": _where(used),
                         "replaced": [_where(slot) for slot in sorted(dropped, key=lambda s: s.order)],
                         "replacedCount": count})
        rows.sort(key=lambda row: (row["subject"]["region"], row["subject"]["name"], row["period"]))
        return rows


def _where(slot: Slot) -> dict:
    found = {"file": slot.file}
    if slot.line is not None:
        found["line"] = slot.line
    if slot.assessed_on:
        found["assessedOn"] = slot.assessed_on
    return found
