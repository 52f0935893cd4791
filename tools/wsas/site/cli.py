"""``wsas site build`` (the generated pages and downloads) and ``wsas site serve`` (build, then preview)."""

from __future__ import annotations

import subprocess
import sys

from ..commands import OK, UNREADABLE
from ..rubrics import RubricError
from . import SiteError, build_site
from .layout import DEFAULT_OUT, ROOT


def register(site) -> None:
    site_commands = site.add_subparsers(dest="site_command", required=True)
    site_build = site_commands.add_parser("build", help="生成手册页面与下载文件 / write the handbook pages and downloads")
    site_build.add_argument("--out", metavar="DIR", help="输出目录，缺省为 build/docs（mkdocs.yml 的 docs_dir）")
    site_build.set_defaults(run=run_site_build)
    site_serve = site_commands.add_parser("serve", help="生成手册并本地预览（mkdocs serve）/ build, then preview locally")
    site_serve.add_argument("--dev-addr", default="127.0.0.1:8000", metavar="IP:PORT", help="预览地址，缺省 127.0.0.1:8000")
    site_serve.set_defaults(run=run_site_serve)


def run_site_build(args) -> int:
    try:
        summary = build_site(args.out or DEFAULT_OUT)
    except (SiteError, RubricError) as exc:
        print(f"wsas site build: {exc}", file=sys.stderr)
        return UNREADABLE
    print(f"手册页面 {len(summary['pages'])} 个、下载文件已写入 {summary['out']}；浏览器代码：{summary['assets']} / "
          f"{len(summary['pages'])} generated pages and the downloads written to {summary['out']}", file=sys.stderr)
    return OK


def run_site_serve(args) -> int:
    args.out = None
    status = run_site_build(args)
    if status != OK:
        return status
    return subprocess.call([sys.executable, "-m", "mkdocs", "serve", "--dev-addr", args.dev_addr], cwd=ROOT)
