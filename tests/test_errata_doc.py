"""spec/errata.md (and the records pages' errata tables) list every erratum of the data, no more, no less,
so the summaries cannot drift from the data files they summarise."""

import re

import pytest
import yaml

from helpers import ROOT
from wsas.programs import published_programs
from wsas.rubrics import published_catalogue

ROW = re.compile(r"^\| (E\d+) \| ([^|]*) \|", re.M)


def tables_by_heading(text: str, heading: str) -> dict[str, list[tuple[str, str]]]:
    """Erratum rows (id, affects) under each heading matching ``heading`` (its first group names the data)."""
    parts = re.split(r"^(#{2,3} .*)$", text, flags=re.M)
    found = {}
    for title, body in zip(parts[1::2], parts[2::2]):
        match = re.match(heading, title)
        if match:
            found[match.group(1)] = ROW.findall(body)
    return found


def data_errata() -> dict[str, list[dict]]:
    errata = {rubric.id: rubric.data["errata"] for rubric in published_catalogue()}
    errata.update({program.id: program.data["errata"] for program in published_programs().values()})
    return errata


@pytest.fixture(scope="module")
def errata_doc() -> str:
    return (ROOT / "spec" / "errata.md").read_text(encoding="utf-8")


def test_every_rubric_and_program_erratum_is_listed(errata_doc):
    listed = tables_by_heading(errata_doc, r"### [34]\.\d+ `([^`]+)`")
    data = data_errata()
    assert sorted(listed) == sorted(data), "errata.md lists other rubrics or programs than the data"
    for data_id, errata in data.items():
        assert [row_id for row_id, _ in listed[data_id]] == [e["id"] for e in errata], data_id


def test_counted_criteria_match_the_erratum(errata_doc):
    listed = tables_by_heading(errata_doc, r"### [34]\.\d+ `([^`]+)`")
    for data_id, errata in data_errata().items():
        affects = {e["id"]: e["affects"] for e in errata}
        for row_id, where in listed[data_id]:
            counted = re.search(r"(\d+) 条细则", where)
            if counted:
                assert int(counted.group(1)) == len(affects[row_id]), (data_id, row_id)


def test_the_english_summary_gives_each_range(errata_doc):
    summary = errata_doc[errata_doc.index("**English summary.**"):]
    for data_id, errata in data_errata().items():
        last = errata[-1]["id"]
        wanted = f"`{data_id}` E1–{last} " if last != "E1" else f"`{data_id}` E1 "
        assert wanted in summary, wanted


@pytest.mark.parametrize("page,data", [("records.md", "records/rules.yaml"),
                                       ("records-cadence-import.md", "records/cadences.yaml")])
def test_the_records_pages_list_their_errata(page, data):
    text = (ROOT / "spec" / page).read_text(encoding="utf-8")
    section = tables_by_heading(text, r"## (\d+) 勘误")
    assert len(section) == 1, page
    rows = next(iter(section.values()))
    errata = yaml.safe_load((ROOT / data).read_text(encoding="utf-8"))["errata"]
    assert [row_id for row_id, _ in rows] == [e["id"] for e in errata], page
