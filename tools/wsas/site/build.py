"""``wsas site build``: the whole docs folder, built aside and then swapped in.

MkDocs reads a folder of plain Markdown and files; this step writes it. It is
built in a fresh sibling folder and only replaces the old one when everything
succeeded, so a failed build never leaves a half-written handbook behind.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from . import layout
from .assets import AssetError, build_assets
from .copies import copy_pages, copy_spec
from .downloads import write_downloads
from .nav import write_nav
from .pages import render_all


class SiteError(Exception):
    """The handbook could not be built (message in Chinese and English)."""


def build_site(out: str | Path = layout.DEFAULT_OUT) -> dict:
    """Build the docs folder ``out``; returns a summary (pages, downloads, assets)."""
    out = Path(out).resolve()
    _check_replaceable(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    fresh = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=out.parent))
    fresh.chmod(0o755)  # mkdtemp makes it private; the handbook is not
    try:
        (fresh / layout.MARKER).write_text("built by wsas site build; replaced on every build\n", encoding="utf-8")
        downloads = write_downloads(fresh)
        pages = render_all(fresh, downloads)
        copy_spec(fresh)
        write_nav(fresh, copy_pages(fresh))
        try:
            assets = build_assets(fresh)
        except AssetError as exc:
            raise SiteError(str(exc)) from None
        _swap(fresh, out)
    except BaseException:
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
