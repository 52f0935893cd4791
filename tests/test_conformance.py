"""Every conformance vector agrees with the reference implementation."""

import pytest

from conformance_runner import check_case, load_vectors, vector_files
from wsas.scoring.lint import lint
from wsas.rubrics import Rubric

CASES = [(path, index) for path in vector_files() for index in range(len(load_vectors(path)["cases"]))]


def test_there_are_enough_vectors():
    assert len(CASES) >= 80


@pytest.mark.parametrize("path,index", CASES, ids=[f"{p.stem}-{i}" for p, i in CASES])
def test_vector(path, index):
    vectors = load_vectors(path)
    problems = check_case(vectors, vectors["cases"][index])
    assert not problems, vectors["cases"][index]["description"] + "\n" + "\n".join(problems)


@pytest.mark.parametrize("path", [p for p in vector_files() if isinstance(load_vectors(p)["rubric"], dict)],
                         ids=lambda p: p.stem)
def test_inline_rubrics_are_lint_clean(path):
    findings = lint(Rubric(load_vectors(path)["rubric"]))
    assert not [f for f in findings if f.severity == "error"], findings
