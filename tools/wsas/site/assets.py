"""The browser assets of the forms: bundled by site_src/build-assets.mjs with esbuild.

The bundler is Node code maintained with the form; this step only runs it and
explains clearly what is missing when it cannot. Until the bundler exists the
build writes empty placeholders, so every page still links to real files.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from . import layout


class AssetError(Exception):
    """The asset bundler could not run or failed."""


PLACEHOLDER = {
    ".js": "/* WSAS form bundle not built: site_src/build-assets.mjs is missing. */\n",
    ".css": "/* WSAS form styles not built: site_src/build-assets.mjs is missing. */\n",
}


def build_assets(out: Path) -> str:
    """Bundle the form code into ``out/assets``; returns what was done, for the build summary."""
    target = out / "assets"
    target.mkdir(parents=True, exist_ok=True)
    if not layout.ASSET_BUILDER.is_file():
        for name in layout.ASSETS:
            path = out / name
            path.write_text(PLACEHOLDER[path.suffix], encoding="utf-8")
        return "占位文件（site_src/build-assets.mjs 不存在）/ placeholders (no site_src/build-assets.mjs)"
    node = shutil.which("node")
    if node is None:
        raise AssetError("找不到 node：请安装 Node.js 后再构建手册 / node not found: install Node.js to build the handbook")
    if not (layout.ROOT / "node_modules").is_dir():
        raise AssetError("缺少 node_modules：请先在仓库根目录运行 npm ci / node_modules missing: run `npm ci` "
                         "in the repository root first")
    completed = subprocess.run([node, str(layout.ASSET_BUILDER), str(target)], cwd=layout.ROOT,
                               capture_output=True, text=True)
    if completed.returncode != 0:
        raise AssetError(f"打包浏览器代码失败 / bundling the browser code failed "
                         f"(node site_src/build-assets.mjs, exit {completed.returncode}):\n"
                         f"{completed.stderr.strip() or completed.stdout.strip()}")
    missing = [name for name in layout.ASSETS if not (out / name).is_file()]
    if missing:
        raise AssetError(f"打包后缺少文件 / the bundler did not write: {', '.join(missing)}")
    return "node site_src/build-assets.mjs"
