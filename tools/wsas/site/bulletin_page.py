"""The handbook's sample bulletin: generated data in, the very bulletin ``wsas bulletin`` writes out.

At every build the sample quarter (``wsas.bulletin.sample``) is written as the
downloadable JSON Lines file and roster, and the bulletin is built from those
same lines, named after the download, so that a reader who runs the command on
the downloads gets the page's bulletin, line numbers included.
"""

from __future__ import annotations

from pathlib import Path

from ..bulletin import BulletinBuilder, Quarter, as_html, as_json, as_markdown, load_roster
from ..bulletin.sample import sample_quarter
from ..output import dumps
from ..programs import published_programs
from ..scoring.synthetic import SAMPLE_REGIONS
from . import layout

PROGRAM = "lianyungang-2020"
PERIOD = "2020Q2"


def write_sample(out: Path) -> dict:
    """Write the sample bulletin's downloads under ``out``; returns what its page shows."""
    program = published_programs()[PROGRAM]
    quarter = Quarter.parse(PERIOD)
    sample = sample_quarter(program, quarter)
    files = {suffix: layout.bulletin_download(PROGRAM, PERIOD, suffix)
             for suffix in ("results.jsonl", "roster.json", "bulletin.json", "bulletin.html")}
    results_name, roster_name = Path(files["results.jsonl"]).name, Path(files["roster.json"]).name
    _write(out / files["results.jsonl"], "".join(sample.lines()))
    _write(out / files["roster.json"], dumps(sample.roster) + "\n")
    roster = load_roster(str(out / files["roster.json"]), program)  # checked against schemas/roster.json
    roster.path = roster_name  # the bulletin names the file as a reader who downloaded it would
    builder = BulletinBuilder(program, quarter, roster)
    for record in sample.records(results_name):
        errors, _ = builder.add(record)
        if errors:  # generated data must be valid: a failure here is a bug, not a sample of bad input
            raise ValueError(f"sample bulletin: {errors[0]}")
    bulletin = builder.finish(sample=True)
    _write(out / files["bulletin.json"], as_json(bulletin))
    _write(out / files["bulletin.html"], as_html(bulletin))
    return {"program": program, "quarter": quarter, "bulletin": bulletin, "files": files, "regions": SAMPLE_REGIONS,
            "results_name": results_name, "roster_name": roster_name,
            "body": as_markdown(bulletin, shift=1, skip_title=True)}


def _write(target: Path, text: str) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8", newline="\n")
