"""The vendors' conformance kit: one versioned zip holding everything an implementation is tested with.

``wsas-conformance-<spec>.zip`` holds, under one folder of that name, the conformance vectors, the
schemas, the rubric, program and record data as JSON and the calendar table — the very bytes the
handbook publishes under ``downloads/`` — with the normative text (``spec/``; the protocol is
conformance.md §6), ``kit.json`` (versions and the vectors' SHA-256, the one a report names) and
what ``tools/conformance-kit/`` holds: the README and a minimal adapter in plain Python. The spec
version is the harness's (``wsas.conformance.protocol.SPEC_VERSION``). The zip is written
deterministically (sorted names, fixed time and permissions) and atomically. ``make dist`` writes the
kit alone with ``python -m wsas.site.vendors_dist DIR``.
"""

from __future__ import annotations

import tempfile
import zipfile
from pathlib import Path

from ..conformance.protocol import LEVELS, PROTOCOL, SPEC_VERSION
from ..conformance.suites import digest, load_cases
from ..output import atomic_file, dumps
from . import layout

SOURCES = layout.ROOT / "tools" / "conformance-kit"
ADAPTER = "minimal_adapter.py"
NAME = f"wsas-conformance-{SPEC_VERSION}"
FOLDER = "downloads/conformance-kit"
DOWNLOAD = f"{FOLDER}/{NAME}.zip"
ADAPTER_DOWNLOAD = f"{FOLDER}/{ADAPTER}"

# folder in the kit → the handbook downloads it copies (records: the data, not the example ledgers)
FROM_DOWNLOADS = {
    "vectors": "downloads/conformance",
    "schemas": layout.SCHEMA_DIR,
    "rubrics": "downloads/rubrics",
    "programs": "downloads/programs",
    "records": "downloads/records",
    "calendar": "downloads/calendar",
}
LEFT_OUT = ("records/examples/",)
ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest a zip can say: no build time leaks into the bytes


def kit_files(out: Path, facts: dict) -> dict[str, bytes]:
    """The kit's files (path in the kit → bytes), from the downloads written under ``out``, the sources and
    ``facts`` (:func:`manifest`)."""
    files = {}
    for folder, download in FROM_DOWNLOADS.items():
        root = out / download
        for path in sorted(root.rglob("*")):
            name = f"{folder}/{path.relative_to(root).as_posix()}"
            if path.is_file() and not name.startswith(LEFT_OUT):
                files[name] = path.read_bytes()
    for path in sorted(layout.SPEC.glob("*.md")):
        files[f"spec/{path.name}"] = path.read_bytes()
    readme = (SOURCES / "README.md").read_text(encoding="utf-8")
    files["README.md"] = readme.replace("@NAME@", NAME).replace("@SPEC@", SPEC_VERSION).encode("utf-8")
    files[ADAPTER] = (SOURCES / ADAPTER).read_bytes()
    files["kit.json"] = (dumps(facts) + "\n").encode("utf-8")
    return files


def manifest(vectors: Path) -> dict:
    """What the kit is: the spec and protocol versions and the vector set a report must name."""
    cases, _ = load_cases(vectors)
    return {"kit": NAME, "spec": SPEC_VERSION, "protocol": PROTOCOL, "levels": list(LEVELS),
            "vectors": {"folder": "vectors", "sha256": digest(vectors), "cases": len(cases)},
            "adapter": ADAPTER}


def write_zip(target: Path, files: dict[str, bytes]) -> None:
    """``files`` as a zip under the folder ``NAME``: the same files give the same bytes; written atomically."""
    with atomic_file(target, encoding=None) as stream, zipfile.ZipFile(stream, "w") as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(f"{NAME}/{name}", date_time=ZIP_TIME)
            info.create_system = 3  # Unix, so that the permissions below hold everywhere
            info.external_attr = (0o100755 if name == ADAPTER else 0o100644) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, files[name], compresslevel=9)


def write_kit(out: Path) -> dict:
    """Write the kit (and its adapter, to link to) among the downloads under ``out``, after the data
    downloads are written; returns what the vendors page shows."""
    facts = manifest(out / FROM_DOWNLOADS["vectors"])
    files = kit_files(out, facts)
    write_zip(out / DOWNLOAD, files)
    (out / ADAPTER_DOWNLOAD).write_bytes(files[ADAPTER])
    return {"path": DOWNLOAD, "name": NAME, "spec": SPEC_VERSION, "protocol": PROTOCOL, "files": len(files),
            "bytes": (out / DOWNLOAD).stat().st_size, "adapter": ADAPTER_DOWNLOAD, "vectors": facts["vectors"]}


def build_into(folder: Path) -> Path:
    """The kit alone, written into ``folder`` (the downloads are written aside first, then dropped)."""
    from .downloads import write_downloads
    with tempfile.TemporaryDirectory(prefix=".wsas-kit-") as scratch:
        written = write_downloads(Path(scratch))
        target = folder / Path(written["kit"]["path"]).name
        with atomic_file(target, encoding=None) as stream:
            stream.write((Path(scratch) / written["kit"]["path"]).read_bytes())
    return target

