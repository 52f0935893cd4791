"""The built wheel: what it carries, what it pulls in, and that it works installed outside the repository.

The wheel is built from this checkout and installed into a fresh venv under
tmp_path; every command runs from a working directory outside the
repository, so it can only read the data the wheel carries.

Dependencies are installed the ordinary way (``pip install <wheel>``, from
whatever index pip is configured with), because that is what checks the
wheel's metadata. Measured here: build ~2 s, venv ~5 s, install ~5 s with a
warm pip cache, so no offline wheelhouse (``pip download`` + ``--no-index``)
is worth its extra machinery.

The wheel carries the conformance vectors (``wsas/_data/tests/conformance``), so the installed
``wsas conformance run`` needs no ``--vectors``; the run here gives the checkout's vectors
explicitly, as a vendor gives the kit's (about 5 s).
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from wsas.cli import main
from wsas.site import SiteError, build

REPO = Path(__file__).resolve().parents[1]
SITE_EXTRA = {"mkdocs", "mkdocs-material", "jieba"}


def _run(command: list, cwd: Path, env: dict | None = None, timeout: int = 300) -> subprocess.CompletedProcess:
    return subprocess.run([str(c) for c in command], cwd=cwd, env=env, capture_output=True, text=True,
                          encoding="utf-8", timeout=timeout)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    dist = tmp_path_factory.mktemp("dist")
    built = _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", REPO, "-w", dist], cwd=dist)
    assert built.returncode == 0, built.stdout + built.stderr
    [found] = dist.glob("wsas-*.whl")
    return found


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> tuple[Path, dict]:
    """(bin folder of a fresh venv holding the wheel, environment for running it)."""
    venv = tmp_path_factory.mktemp("venv") / "wsas"
    made = _run([sys.executable, "-m", "venv", venv], cwd=venv.parent)
    assert made.returncode == 0, made.stderr
    bin_dir = venv / ("Scripts" if os.name == "nt" else "bin")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "WSAS_SOURCES")}
    env["PATH"] = f"{bin_dir}{os.pathsep}{env.get('PATH', '')}"
    done = _run([bin_dir / "python", "-m", "pip", "install", "--quiet", wheel], cwd=venv.parent, env=env, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    return bin_dir, env


@pytest.fixture
def outside(tmp_path) -> Path:
    """A working directory outside the repository, holding a copy of every example submission."""
    work = tmp_path / "work"
    for path in sorted(REPO.glob("rubrics/*/examples/*.valid.json")):
        target = work / "examples" / path.parent.parent.name / path.name  # names repeat across programs
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
    assert not work.resolve().is_relative_to(REPO.resolve())
    return work


def test_the_wheel_carries_the_data_and_the_licence(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    dist_info = next(n.split("/")[0] for n in names if n.endswith(".dist-info/METADATA"))
    assert any(n.startswith(f"{dist_info}/") and n.endswith("/LICENSE") or n == f"{dist_info}/LICENSE"
               for n in names), names
    for folder in ("schemas", "rubrics", "records", "calendar", "tests/conformance"):
        source = sorted(p.relative_to(REPO / folder).as_posix() for p in (REPO / folder).rglob("*")
                        if p.is_file() and "__pycache__" not in p.parts)
        assert source, folder
        packed = sorted(n.removeprefix(f"wsas/_data/{folder}/") for n in names
                        if n.startswith(f"wsas/_data/{folder}/"))
        assert packed == source, folder
    assert "wsas/_data/calendar/china.json" in names
    licence = zipfile.ZipFile(wheel).read(next(n for n in names if n.startswith(dist_info) and n.endswith("LICENSE")))
    assert licence == (REPO / "LICENSE").read_bytes()
    assert b"Apache License" in licence and b"Version 2.0, January 2004" in licence
    assert not any(n.startswith(("site_src/", "spec/", "mkdocs.yml")) for n in names)


def test_the_handbook_packages_are_an_extra(wheel):
    metadata = zipfile.ZipFile(wheel).read(f"{wheel.name.split('-')[0]}-{wheel.name.split('-')[1]}.dist-info/METADATA")
    requires = [line.removeprefix("Requires-Dist: ") for line in metadata.decode("utf-8").splitlines()
                if line.startswith("Requires-Dist: ")]
    for name in SITE_EXTRA:
        [line] = [r for r in requires if r.split("<")[0].split(">")[0].split(";")[0].strip().lower() == name]
        assert "extra == 'site'" in line.replace('"', "'"), line
    assert "Provides-Extra: site" in metadata.decode("utf-8")


def test_the_installed_wheel_does_not_pull_in_the_handbook(installed):
    bin_dir, env = installed
    listed = _run([bin_dir / "python", "-m", "pip", "list", "--format", "freeze"], cwd=bin_dir, env=env)
    assert listed.returncode == 0, listed.stderr
    present = {line.split("==")[0].lower().replace("_", "-") for line in listed.stdout.splitlines()}
    assert "wsas" in present
    assert not SITE_EXTRA & present, sorted(present)


def test_the_installed_commands_work_outside_the_repository(installed, outside):
    bin_dir, env = installed
    wsas = bin_dir / "wsas"
    examples = sorted((outside / "examples").rglob("*.valid.json"))
    assert examples
    runs = {
        "lint": [wsas, "lint"],
        "validate": [wsas, "validate", *examples],
        "score": [wsas, "score", *examples],
        "bundle": [wsas, "schema", "bundle", "-o", outside / "bundle.json"],
        "schedule": [wsas, "schedule", "haimen-2022", "--start", "2021-01-01", "--end", "2022-12-31"],
    }
    for name, command in runs.items():
        done = _run(command, cwd=outside, env=env)
        assert done.returncode == 0, (name, done.stdout, done.stderr)
        assert "Traceback" not in done.stderr, (name, done.stderr)
    assert (outside / "bundle.json").stat().st_size > 0
    where = _run([bin_dir / "python", "-c", "import wsas.paths as p; print(p.data_root())"], cwd=outside, env=env)
    assert Path(where.stdout.strip()).resolve().is_relative_to(bin_dir.parent.resolve()), where.stdout


def test_the_installed_harness_passes_the_installed_reference(installed, outside):
    from wsas.conformance.suites import digest, load_cases

    bin_dir, env = installed
    where = _run([bin_dir / "python", "-c", "from wsas.conformance.suites import default_vectors as d; print(d())"],
                 cwd=outside, env=env)
    assert Path(where.stdout.strip()).resolve().is_relative_to(bin_dir.parent.resolve()), where.stdout + where.stderr
    vectors = REPO / "tests" / "conformance"
    report = outside / "report.json"
    command = f"{shlex.quote(str(bin_dir / 'python'))} -m wsas.conformance.adapter"
    done = _run([bin_dir / "wsas", "conformance", "run", "--implementation", command, "--vectors", vectors,
                 "--format", "json", "-o", report], cwd=outside, env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Traceback" not in done.stderr, done.stderr
    document = json.loads(report.read_text(encoding="utf-8"))
    cases, _ = load_cases(vectors)
    assert document["ok"] and document["totals"] == {"passed": len(cases), "failed": 0, "skipped": 0}
    assert document["vectors"]["sha256"] == digest(vectors)


def test_the_installed_site_build_refuses_clearly(installed, outside):
    bin_dir, env = installed
    for command in (["site", "build"], ["site", "serve"]):
        done = _run([bin_dir / "wsas", *command], cwd=outside, env=env)
        assert done.returncode == 2, (command, done.stdout, done.stderr)
        assert "Traceback" not in done.stderr, done.stderr
        assert "手册只能在源代码仓库中构建" in done.stderr and "built from a source checkout" in done.stderr, done.stderr
        assert "site_src/" in done.stderr
    assert not any(outside.rglob("*.md")) and not list(bin_dir.parent.glob("lib/*/build"))  # nothing written


def test_a_checkout_without_the_site_extra_names_it(monkeypatch, capsys):
    monkeypatch.setattr(build, "SITE_EXTRA", {"wsas_no_such_module": "mkdocs"})
    with pytest.raises(SiteError, match=r'wsas\[site\]'):
        build.check_ready()
    assert main(["site", "build"]) == 2
    err = capsys.readouterr().err
    assert 'pip install "wsas[site]"' in err and "mkdocs" in err
