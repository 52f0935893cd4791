"""Building a bulletin from a stream of records: check each, count the good ones, report the rest.

:class:`BulletinBuilder` takes records one at a time (``wsas.sources.records``
streams them from files, folders and JSON Lines) and ends with the bulletin
as plain data (exact decimals), valid against schemas/bulletin.json.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from .. import __version__
from ..errors import Error
from ..programs import Program
from ..rubrics import Catalogue, published_catalogue
from ..sources import Record
from .aggregate import RubricTally, Slot
from .figures import PLACES
from .intake import Intake
from .quarter import Quarter
from .roster import Roster
from .scope import scopes_of

METHOD = {
    "rounding": "ROUND_HALF_UP",
    "places": PLACES,
    "ranking": "exact-average-shared",
    "duplicates": "latest-assessedOn-then-last-read",
    "bands": "lower-inclusive",
}


@dataclass
class Duplicate:
    """A result set aside because the same subject has a later one for the same period."""

    rubric: str
    subject: dict
    period: str
    dropped: Slot


class BulletinBuilder:
    """Check and count records one by one; :meth:`finish` gives the bulletin."""

    def __init__(self, program: Program, quarter: Quarter, roster: Roster | None = None,
                 catalogue: Catalogue | None = None):
        self.program = program
        self.quarter = quarter
        self.roster = roster
        self.scopes = scopes_of(program, catalogue or published_catalogue())  # BulletinError when unusable
        self.intake = Intake(program, quarter, self.scopes)
        self.tallies = {scope.id: RubricTally(scope, quarter, roster) for scope in self.scopes}
        self.records = 0
        self.valid = 0
        self.invalid_by_code: Counter = Counter()
        self.invalid = 0
        self.duplicates = 0

    def add(self, record: Record) -> tuple[list[Error], Duplicate | None]:
        """Take one record: its errors (it was skipped), or the duplicate it caused (if any)."""
        self.records += 1
        accepted, errors = self.intake.check(record)
        if errors:
            self.invalid += 1
            self.invalid_by_code.update({error.code for error in errors})
            return errors, None
        self.valid += 1
        dropped = self.tallies[accepted.scope.id].add(accepted, self.records)
        if dropped is None:
            return [], None
        self.duplicates += 1
        return [], Duplicate(accepted.scope.id, accepted.result["subject"], accepted.result["period"], dropped)

    def finish(self, sample: bool = False) -> dict:
        data = self.program.data
        return {
            "program": {"id": self.program.id, "version": self.program.version, "title": data["title"]},
            "period": self.quarter.label,
            "months": list(self.quarter.months),
            "sample": sample,
            "generator": f"wsas {__version__}",
            "method": dict(METHOD),
            "inputs": {"records": self.records, "valid": self.valid, "used": self.valid - self.duplicates,
                       "invalid": self.invalid,
                       "invalidByCode": dict(sorted(self.invalid_by_code.items())), "duplicates": self.duplicates,
                       "roster": self.roster.path if self.roster else None},
            "rubrics": [tally.figures() for tally in self.tallies.values()],
        }


def make_bulletin(program: Program, quarter: Quarter, records, roster: Roster | None = None,
                  sample: bool = False) -> tuple[dict, list[Error]]:
    """The bulletin of ``records`` and the errors of the records it skipped (for tests and the handbook)."""
    builder = BulletinBuilder(program, quarter, roster)
    errors = []
    for record in records:
        found, _ = builder.add(record)
        errors += found
    return builder.finish(sample), errors
