"""Every records vector file is valid against its published format (schemas/conformance-records.json), so a
vendor can check the files it reads, and a malformed case cannot pass silently; every vector file states its
spec version and gives each case a stable id."""

from __future__ import annotations

from pathlib import Path

import pytest

from wsas.reading import load_json_file
from wsas.schemas import schema_errors

RECORDS = sorted((Path(__file__).parent / "conformance" / "records").glob("*.json"))


@pytest.mark.parametrize("path", RECORDS, ids=[p.name for p in RECORDS])
def test_records_vector_file_follows_its_schema(path):
    assert [str(error) for error in schema_errors(load_json_file(path), "conformance-records")] == []


def test_the_schema_refuses_a_case_without_expectations():
    document = load_json_file(RECORDS[0])
    del document["cases"][0]["expected"]
    assert schema_errors(document, "conformance-records")


ALL = sorted((Path(__file__).parent / "conformance").rglob("*.json"))


@pytest.mark.parametrize("path", ALL, ids=[p.name for p in ALL])
def test_every_vector_file_states_its_spec_version_and_stable_case_ids(path):
    """spec/conformance.md §1: the spec version, and an id per case, unique in the file, that names the case."""
    from wsas.conformance.protocol import SPEC_VERSION

    document = load_json_file(path)
    ids = [case.get("id") for case in document["cases"]]
    assert document.get("spec") == SPEC_VERSION
    assert None not in ids and len(set(ids)) == len(ids), ids
