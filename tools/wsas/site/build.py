"""``wsas site build``: the whole docs folder, built aside and then swapped in.

MkDocs reads a folder of plain Markdown and files; this step writes it. It is
built in a fresh sibling folder and only replaces the old one when everything
succeeded, so a failed build never leaves a half-written handbook behind.
"""

from __future__ import annotations

import importlib.util
import shutil
import tempfile
from pathlib import Path

from . import layout
from .assets import AssetError, build_assets
from .copies import copy_pages, copy_spec
from .downloads import write_downloads
from .nav import write_nav
from .pages import render_all
from .vendors import ReferenceRunError, ReferenceRuns


class SiteError(Exception):
    """The handbook could not be built (message in Chinese and English)."""


# What only a source checkout has: an installed wheel carries the data, not the handbook's sources.
SOURCES = {"site_src/": layout.TEMPLATES.parent, "spec/": layout.SPEC, "mkdocs.yml": layout.ROOT / "mkdocs.yml"}
# The ``site`` extra: import name → distribution (``pip install "wsas[site]"``).
SITE_EXTRA = {"mkdocs": "mkdocs", "material": "mkdocs-material", "jieba": "jieba"}


def check_ready() -> None:
    """Refuse, with a message in Chinese and English, when the handbook cannot be built here.

    The handbook is built from a source checkout with the ``site`` extra
    installed; from an installed wheel (no ``site_src/``, ``spec/``,
    ``mkdocs.yml``) or without MkDocs it stops before writing anything.
    """
    missing = [name for name, path in SOURCES.items() if not path.exists()]
    if missing:
        names = "、".join(missing)
        raise SiteError(f"手册只能在源代码仓库中构建：{layout.ROOT} 下找不到 {names}；"
                        f"请在 WSAS 仓库的检出中运行 make / "
                        f"the handbook is built from a source checkout: {', '.join(missing)} not found under "
                        f"{layout.ROOT}; run `make` in a checkout of the WSAS repository "
                        f"(an installed wheel carries the schemas, rubrics and records, not the handbook's sources)")
    absent = [dist for module, dist in SITE_EXTRA.items() if importlib.util.find_spec(module) is None]
    if absent:
        raise SiteError(f"缺少手册所需的软件包 {'、'.join(absent)}；请安装：pip install -e \".[site]\"（或 "
                        f"pip install \"wsas[site]\"） / the handbook needs {', '.join(absent)}, which are not "
                        f"installed: pip install -e \".[site]\" (or pip install \"wsas[site]\")")


def build_site(out: str | Path = layout.DEFAULT_OUT) -> dict:
    """Build the docs folder ``out``; returns a summary (pages, downloads, assets)."""
    check_ready()
    out = Path(out).resolve()
    _check_replaceable(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    fresh = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=out.parent))
    fresh.chmod(0o755)  # mkdtemp makes it private; the handbook is not
    references = None
    try:
        references = ReferenceRuns()  # the vendors page's results: they run while the rest is written
        (fresh / layout.MARKER).write_text("built by wsas site build; replaced on every build\n", encoding="utf-8")
        downloads = write_downloads(fresh)
        copy_spec(fresh)
        guides = copy_pages(fresh)
        try:
            assets = build_assets(fresh)
            downloads["references"] = references.finish(fresh)
            from .offline import write_docs_files  # here: python -m wsas.site.offline must not find it imported

            downloads["offline"] = write_docs_files(fresh)  # the pages' JSON and worker readable from file://, sw.js
        except (AssetError, ReferenceRunError) as exc:
            raise SiteError(str(exc)) from None
        pages = render_all(fresh, downloads)
        write_nav(fresh, guides)
        _swap(fresh, out)
    except BaseException:
        if references is not None:
            references.cancel()
        shutil.rmtree(fresh, ignore_errors=True)
        raise
    return {"out": str(out), "pages": pages, "downloads": downloads, "assets": assets}


def _check_replaceable(out: Path) -> None:
    if out.exists() and not out.is_dir():
        raise SiteError(f"{out} 不是目录 / is not a folder")
    if out.is_dir() and any(out.iterdir()) and not (out / layout.MARKER).exists():
        raise SiteError(f"{out} 已有其他内容，不予覆盖；请指定空目录或由 wsas site build 生成的目录 / "
                        f"{out} holds other files and was not built by wsas site build: refusing to replace it")


def _swap(fresh: Path, out: Path) -> None:
    old = None
    if out.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
        out.rename(old / out.name)
    fresh.rename(out)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
