"""The handbook without a server: data scripts, offline search, the service worker and the offline copy.

Chromium opens the built handbook from disk (``file://``) but refuses ``fetch()`` and Workers of
``file://`` URLs there; it does run classic scripts. So:

- ``wsas site build`` writes beside the downloads a *data script* ``assets/data/<path>.js`` for every
  JSON file the pages read and for the batch page's worker: it sets ``self.WSAS_DATA["<path>"]`` to
  the file's text. The pages always read these (site_src/assets/js/offline-data.mjs), over http and
  from disk alike, and start Workers from a Blob of their source. It also writes a service worker
  ``sw.js`` that caches nothing, so that a site not finished below (``mkdocs serve``, another engine)
  replaces an older handbook's worker instead of being served from its cache.
- After ``mkdocs build``, ``python -m wsas.site.offline build/site build`` (``make``) finishes the site:
  ``search/search_index.js`` (the theme reads it on ``file://``) and the data script of the theme's
  search worker; ``sw.js`` with the list of every file of the build and a build id (a new build caches
  anew and drops the old cache); and the offline copy, ``downloads/wsas-handbook.zip`` in the site and
  ``build/wsas-handbook-<spec>.zip``: the whole site under one folder, written deterministically and
  atomically.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sys
import zipfile
from pathlib import Path

from ..conformance.protocol import SPEC_VERSION
from ..output import OutputError, atomic_file
from . import layout

# The JSON the pages read (forms, hazard and enterprise forms, batch page, examples); their data scripts.
DATA_FOLDERS = (layout.SCHEMA_DIR, "downloads/rubrics", "downloads/programs", "downloads/examples", "downloads/records")
SEARCH_INDEX = "search/search_index.json"
SEARCH_SCRIPT = "search/search_index.js"   # read by the theme on file:// (it sets __index)
SEARCH_WORKERS = "assets/javascripts/workers"
SW_SOURCE = layout.ROOT / "site_src" / "assets" / "js" / "offline-sw.js"
PRECACHE_MARK = "/* precache */"           # the SW source's list sits between two of these
NAME = f"wsas-handbook-{SPEC_VERSION}"     # the offline copy's folder and file name
ZIP_TIME = (1980, 1, 1, 0, 0, 0)           # the earliest a zip can say: no build time leaks into the bytes


class OfflineError(Exception):
    """The offline files could not be written (message in Chinese and English)."""


# ---- data scripts (wsas site build) -------------------------------------------------------------------


def data_script(path: str, text: str) -> str:
    """The classic script carrying ``text``, the file at ``path`` from the root (ASCII only: any charset reads it)."""
    return (f"(self.WSAS_DATA = self.WSAS_DATA || {{}})[{json.dumps(path)}] = "
            f"{json.dumps(text, ensure_ascii=True)};\n")


def write_data_script(out: Path, path: str) -> str:
    target = out / layout.data_script(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    text = (out / path).read_bytes().decode("utf-8").removeprefix("\ufeff")
    target.write_text(data_script(path, text), encoding="ascii", newline="\n")
    return layout.data_script(path)


def write_data_scripts(out: Path) -> list[str]:
    """The data scripts of the JSON the pages read and of the batch worker, under the docs folder ``out``."""
    paths = [p.relative_to(out).as_posix() for folder in DATA_FOLDERS for p in sorted((out / folder).rglob("*.json"))]
    return [write_data_script(out, path) for path in [*paths, layout.BATCH_WORKER]]


def write_docs_files(out: Path) -> list[str]:
    """What ``wsas site build`` adds to the docs folder ``out``: the data scripts and a sw.js caching nothing."""
    write_service_worker(out, None)
    return [*write_data_scripts(out), layout.SERVICE_WORKER]


# ---- after MkDocs ----------------------------------------------------------------------------------


def write_search_scripts(site: Path) -> list[str]:
    """search_index.js and the data script of the theme's search worker, when the site has search."""
    written = []
    index = site / SEARCH_INDEX
    if index.is_file():
        (site / SEARCH_SCRIPT).write_text(f"var __index = {index.read_text(encoding='utf-8')};\n", encoding="utf-8",
                                          newline="\n")
        written.append(SEARCH_SCRIPT)
    for worker in sorted((site / SEARCH_WORKERS).glob("*.js")):
        written.append(write_data_script(site, worker.relative_to(site).as_posix()))
    return written


def site_files(site: Path, *, service_worker: bool = False) -> list[str]:
    """Every published file of the site (paths from its root, sorted by their bytes), never the offline copy
    itself (nor a hidden file) and sw.js only when asked: the service worker is not in its own list."""
    left_out = {layout.OFFLINE_ZIP} | (set() if service_worker else {layout.SERVICE_WORKER})
    found = []
    for path in site.rglob("*"):
        relative = path.relative_to(site).as_posix()
        if path.is_file() and relative not in left_out and not any(p.startswith(".") for p in relative.split("/")):
            found.append(relative)
    return sorted(found, key=lambda name: name.encode("utf-8"))


def precache(site: Path, files: list[str]) -> dict:
    """The service worker's list: the files and a build id that changes whenever one of them does."""
    digest = hashlib.sha256()
    for name in files:
        digest.update(name.encode("utf-8") + b"\0" + hashlib.sha256((site / name).read_bytes()).digest())
    return {"build": digest.hexdigest()[:16], "files": files}


def service_worker(listing: dict) -> str:
    """sw.js: site_src/assets/js/offline-sw.js with ``listing`` between its two precache marks."""
    source = SW_SOURCE.read_text(encoding="utf-8")
    head, found, rest = source.partition(PRECACHE_MARK)
    _, found_end, tail = rest.partition(PRECACHE_MARK)
    if not (found and found_end):
        raise OfflineError(f"{SW_SOURCE} 缺少两处 {PRECACHE_MARK} / lacks its two {PRECACHE_MARK} marks")
    return f"{head}{PRECACHE_MARK} {json.dumps(listing, ensure_ascii=True)} {PRECACHE_MARK}{tail}"


def write_service_worker(site: Path, files: list[str] | None) -> dict:
    """sw.js at the root; ``files=None`` writes one that caches nothing (and drops the caches of older builds)."""
    listing = precache(site, files) if files is not None else {"build": "unfinished", "files": []}
    (site / layout.SERVICE_WORKER).write_text(service_worker(listing), encoding="utf-8", newline="\n")
    return listing


def write_zip(site: Path, files: list[str], target: Path) -> None:
    """``files`` of ``site`` under the folder ``NAME``: the same files give the same bytes; written atomically."""
    with atomic_file(target, encoding=None) as stream, zipfile.ZipFile(stream, "w") as archive:
        for name in files:
            info = zipfile.ZipInfo(f"{NAME}/{name}", date_time=ZIP_TIME)
            info.create_system = 3  # Unix, so that the permissions below hold everywhere
            info.external_attr = 0o100644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, (site / name).read_bytes(), compresslevel=6)


def finish_site(site: Path, *, copy_to: Path | None = None) -> dict:
    """Everything after MkDocs, in order: the search scripts, sw.js (listing the rest), the offline copy in
    the site and, with ``copy_to``, the same bytes as ``copy_to/wsas-handbook-<spec>.zip``."""
    site = Path(site)
    if not (site / "index.html").is_file():
        raise OfflineError(f"{site} 不是生成的手册（没有 index.html）/ is not a built handbook (no index.html)")
    try:
        search = write_search_scripts(site)
        listing = write_service_worker(site, site_files(site))
        zipped = site / layout.OFFLINE_ZIP
        write_zip(site, site_files(site, service_worker=True), zipped)
        copies = [str(zipped)]
        if copy_to is not None:
            target = Path(copy_to) / f"{NAME}.zip"
            with atomic_file(target, encoding=None) as stream, zipped.open("rb") as source:
                shutil.copyfileobj(source, stream)
            copies.append(str(target))
    except OutputError as exc:
        raise OfflineError(exc.message("wsas.site.offline")) from None
    return {"search": search, "precache": listing, "zip": copies}


# ---- command line ------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    """``python -m wsas.site.offline SITE [COPY_DIR]``, after ``mkdocs build`` (``make``: ``build/site build``)."""
    args = sys.argv[1:] if argv is None else argv
    if not 1 <= len(args) <= 2 or any(a.startswith("-") for a in args):
        print("用法 / usage: python -m wsas.site.offline SITE [COPY_DIR]", file=sys.stderr)
        return 2
    try:
        done = finish_site(Path(args[0]), copy_to=Path(args[1]) if len(args) == 2 else None)
    except OfflineError as exc:
        print(f"wsas.site.offline: {exc}", file=sys.stderr)
        return 2
    print("\n".join(done["zip"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
