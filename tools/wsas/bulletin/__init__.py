"""The quarterly bulletin (通报) of a program's results: ``wsas bulletin``.

Results (what ``wsas score`` writes) are read as a stream, checked against the
program and the quarter, and counted: averages and rankings by region, the
subjects whose outcome triggers one of the program's consequences, score
bands, month-by-month completion and, with a roster, who did not submit.
"""

from .build import BulletinBuilder, make_bulletin
from .quarter import Quarter
from .render import as_html, as_json, as_markdown
from .roster import Roster, load_roster
from .scope import BulletinError

__all__ = ["BulletinBuilder", "BulletinError", "Quarter", "Roster", "as_html", "as_json", "as_markdown",
           "load_roster", "make_bulletin"]
