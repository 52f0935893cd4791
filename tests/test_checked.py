"""The cache of data files checked clean: a hit skips the schema check, a change of any kind misses."""

from __future__ import annotations

import shutil

import pytest

from wsas import checked, rubrics
from wsas.rubrics import RubricError, load_checked, published_paths

RUBRIC = published_paths()[0]


@pytest.fixture
def cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("WSAS_CACHE_DIR", str(folder))
    return folder


def _count_checks(monkeypatch) -> list:
    calls = []
    real = rubrics.schema_errors

    def counting(data, schema):
        calls.append(schema)
        return real(data, schema)

    monkeypatch.setattr(rubrics, "schema_errors", counting)
    return calls


def test_a_file_checked_clean_is_not_checked_again(cache, monkeypatch):
    calls = _count_checks(monkeypatch)
    first = load_checked(RUBRIC, "rubric")
    assert calls == ["rubric"] and len(list(cache.iterdir())) == 1
    assert load_checked(RUBRIC, "rubric") == first
    assert calls == ["rubric"]


def test_changed_bytes_are_checked_afresh(cache, tmp_path, monkeypatch):
    load_checked(RUBRIC, "rubric")
    broken = tmp_path / "draft.yaml"
    broken.write_text(RUBRIC.read_text(encoding="utf-8").replace("version:", "versoin:", 1), encoding="utf-8")
    with pytest.raises(RubricError):
        load_checked(broken, "rubric")
    assert len(list(cache.iterdir())) == 1  # errors are never remembered


def test_another_schema_or_schema_content_gives_another_key(tmp_path, monkeypatch):
    data = RUBRIC.read_bytes()
    assert checked.key(data, "rubric") != checked.key(data, "program")
    copied = tmp_path / "schemas"
    shutil.copytree(checked.schemas_dir(), copied)
    before = checked.key(data, "rubric")
    (copied / "rubric.json").write_text((copied / "rubric.json").read_text(encoding="utf-8") + " ", encoding="utf-8")
    monkeypatch.setattr(checked, "schemas_dir", lambda: copied)
    assert checked.key(data, "rubric") != before


def test_an_unwritable_or_disabled_cache_still_loads(tmp_path, monkeypatch):
    calls = _count_checks(monkeypatch)
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    monkeypatch.setenv("WSAS_CACHE_DIR", str(blocked / "cache"))  # cannot be made: a file is in the way
    load_checked(RUBRIC, "rubric")
    monkeypatch.setenv("WSAS_CACHE_DIR", "")
    load_checked(RUBRIC, "rubric")
    load_checked(RUBRIC, "rubric")
    assert calls == ["rubric"] * 3
