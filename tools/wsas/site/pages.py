"""Rendering the generated pages: the data through Jinja2 templates into Markdown.

Templates live in ``site_src/templates``; this module only gathers what each
page shows and hands every template the same helpers (escaping, words for
rules and deadlines, links relative to the page being written).
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from ..workflows.deadlines import WorkflowError
from ..programs import Program, published_programs
from ..reading import load_json_file
from ..rubrics import Rubric, published_catalogue
from ..paths import rubrics_dir
from ..scoring.rules import fmt
from ..workflows.schedule import CADENCE_LABEL, build_schedule
from ..schemas import NAMES, schema_id
from ..workflows.workdays import CalendarRangeError
from . import bulletin_page, layout, program_view, records_view, rubric_view, schema_doc, words
from .mdtext import attr, code, inline
from .timeline import timeline_svg


@functools.cache
def environment() -> Environment:
    env = Environment(loader=FileSystemLoader(str(layout.TEMPLATES)), undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True, autoescape=False,
                      comment_start_string="{##", comment_end_string="##}")  # {#id} is Markdown's
    env.filters.update(md=inline, code=code, attr=attr, fmt=fmt,
                       yaml_str=lambda text: json.dumps(str(text), ensure_ascii=False))
    env.globals.update(words=words, layout=layout, cadence_label=CADENCE_LABEL,
                       erratum_anchor=rubric_view.erratum_anchor, schema_id=schema_id)
    return env


def render(out: Path, template: str, page: str, **context) -> str:
    """Render ``template`` as the page ``page`` (a path relative to the docs root) and write it."""
    link = functools.partial(layout.rel, page)
    text = environment().get_template(template).render(page=page, link=link, **context)
    target = out / page
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8", newline="\n")
    return page


def program_rubrics(program: Program) -> list[Rubric]:
    return [rubric for rubric in published_catalogue() if rubric.data["program"] == program.id]


def rubric_examples(rubric: Rubric, files: list[str]) -> list[dict]:
    """The example submissions of one rubric (by file name: ``<rubric>.….json`` or ``<rubric>-….json``)."""
    program, name = layout.split(rubric.id)
    others = {layout.split(r.id)[1] for r in published_catalogue() if r.data["program"] == program} - {name}
    found = []
    for filename in files:
        head = filename.split(".")[0]
        if head == name or (head.startswith(name + "-") and head not in others):
            valid = filename.endswith(".valid.json")
            code_ = None if valid else filename.removesuffix(".invalid.json").split(".", 1)[-1]
            found.append({"file": filename, "valid": valid, "code": code_,
                          "path": layout.example_download(program, filename)})
    return found


def example_schedule(program: Program) -> dict | None:
    """The schedule of the program's example instance (eventlogs/ok.json), with its timeline."""
    log = rubrics_dir() / program.id / "examples" / "eventlogs" / "ok.json"
    if not log.is_file():
        return None
    instance = load_json_file(log)["instance"]
    start = dt.date.fromisoformat(instance["start"])
    end = dt.date.fromisoformat(instance["end"]) if instance.get("end") else None
    try:
        schedule = build_schedule(program, start, end)
    except (WorkflowError, CalendarRangeError):
        return None
    return {"name": instance["name"], "schedule": schedule, "svg": timeline_svg(schedule, f"timeline-{program.id}"),
            "log": layout.eventlog_download(program.id, "ok.json")}


def render_all(out: Path, downloads: dict) -> list[str]:
    """Every generated page; returns their paths."""
    programs = list(published_programs().values())
    rubrics = list(published_catalogue())
    by_id = {program.id: program for program in programs}
    written = [render(out, "index.md.j2", "index.md", programs=programs, rubrics=rubrics, by_id=by_id)]
    for program in programs:
        data = program.data
        written.append(render(
            out, "program.md.j2", layout.program_page(program.id), program=program, data=data,
            rubrics=program_rubrics(program), errata=program_view.place_errata(data), parts=program_view.PARTS,
            example=example_schedule(program), used_by=program_view.used_by(data),
            materials={m["id"]: m for m in data.get("materials", [])},
            outlines={o["id"]: o for o in data.get("outlines", [])},
            eventlogs=downloads["eventlogs"].get(program.id, [])))
    for rubric in rubrics:
        program = by_id.get(rubric.data["program"])
        examples = rubric_examples(rubric, downloads["examples"].get(rubric.data["program"], []))
        valid = next((e for e in examples if e["file"] == layout.split(rubric.id)[1] + ".valid.json"), None)
        common = dict(rubric=rubric, data=rubric.data, program=program, examples=examples, example=valid)
        written.append(render(out, "rubric.md.j2", layout.rubric_page(rubric.id),
                              table=rubric_view.rubric_table(rubric.data),
                              scoring=rubric_view.scoring_lines(rubric.data), **common))
        written.append(render(out, "form.md.j2", layout.form_page(rubric.id), **common))
    pages = [schema_doc.schema_page(name) for name in NAMES]
    for schema in pages:
        written.append(render(out, "schema.md.j2", layout.schema_page(schema.name), schema=schema))
    written.append(render(out, "schemas-index.md.j2", "schemas/index.md", schemas=pages))
    vectors = [{"file": f, "description": load_json_file(layout.CONFORMANCE / f).get("description", "")}
               for f in downloads["conformance"]]
    written.append(render(out, "vendors.md.j2", "vendors.md", schemas=pages, programs=programs, rubrics=rubrics,
                          downloads=downloads, vectors=vectors))
    written.append(render(out, "bulletin.md.j2", layout.bulletin_page(bulletin_page.PROGRAM),
                          **bulletin_page.write_sample(out)))
    written.extend(records_view.render_pages(out, render, downloads))
    written.append(render(out, "batch.md.j2", layout.BATCH_PAGE,  # the data its worker fetches, as links from the page
                          rubric_urls=[layout.rel(layout.BATCH_PAGE, layout.rubric_download(r.id)) for r in rubrics],
                          program_urls=[layout.rel(layout.BATCH_PAGE, layout.program_download(p.id)) for p in programs]))
    return written
