"""The bulletin's blocks as one standalone HTML file: inline CSS and SVG, no request to anywhere, A4 print.

Staff open it in any browser, e-mail it, or print it: the page uses only the
fonts already on the machine, tables repeat their header on each printed page,
and charts and table rows are not cut across pages.
"""

from __future__ import annotations

import re
from html import escape

from .document import Figure, Heading, Items, Note, Para, Table

_CODE = re.compile(r"`([^`]+)`")

STYLE = """
:root { color-scheme: light; }
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", "SimSun", sans-serif;
       color: #1d1d1d; background: #fff; margin: 0 auto; max-width: 190mm; padding: 12mm 10mm; line-height: 1.6;
       font-size: 10.5pt; }
h1 { font-size: 18pt; text-align: center; margin: 0 0 8pt; }
h2 { font-size: 14pt; margin: 18pt 0 6pt; border-bottom: 1px solid #999; padding-bottom: 2pt; }
h3 { font-size: 12pt; margin: 12pt 0 4pt; }
h1, h2, h3 { break-after: avoid; page-break-after: avoid; }
p, li { margin: 4pt 0; }
code { font-family: "Noto Sans Mono CJK SC", monospace; font-size: 0.95em; }
table { border-collapse: collapse; max-width: 100%; margin: 6pt 0; font-size: 9.5pt; }
table.wide { width: 100%; }
thead { display: table-header-group; }
th, td { border: 1px solid #777; padding: 2pt 4pt; text-align: left; vertical-align: top; }
th { background: #eee; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
tr, figure { break-inside: avoid; page-break-inside: avoid; }
figure { margin: 8pt 0; text-align: center; }
figcaption { font-size: 9pt; color: #444; }
svg { max-width: 100%; height: auto; }
.note { border: 2px solid #c0392b; padding: 4pt 8pt; margin: 8pt 0; }
.note strong { color: #c0392b; }
@page { size: A4; margin: 15mm 12mm; }
@media print { body { max-width: none; padding: 0; } }
"""


def _text(value: str) -> str:
    parts = _CODE.split(str(value))
    return "".join(f"<code>{escape(part)}</code>" if index % 2 else escape(part) for index, part in enumerate(parts))


def render(blocks: list) -> str:
    title = next((block.text for block in blocks if isinstance(block, Heading)), "通报")
    body = []
    for block in blocks:
        if isinstance(block, Heading):
            body.append(f"<h{block.level}>{_text(block.text)}</h{block.level}>")
        elif isinstance(block, Para):
            body.append(f"<p>{_text(block.text)}</p>")
        elif isinstance(block, Note):
            body.append(f'<div class="note" role="note"><strong>{_text(block.title)}</strong>'
                        f"<p>{_text(block.text)}</p></div>")
        elif isinstance(block, Items):
            body.append("<ul>" + "".join(f"<li>{_text(item)}</li>" for item in block.items) + "</ul>")
        elif isinstance(block, Table):
            body.append(_table(block))
        elif isinstance(block, Figure):
            body.append(f"<figure>{block.svg}<figcaption>{escape(block.caption)}</figcaption></figure>")
    return ("<!DOCTYPE html>\n"
            '<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{escape(title)}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n"
            + "\n".join(body) + "\n</body>\n</html>\n")


def _table(table: Table) -> str:
    def cls(index: int) -> str:
        return ' class="n"' if index in table.numeric else ""

    head = "".join(f"<th{cls(i)} scope=\"col\">{_text(h)}</th>" for i, h in enumerate(table.headers))
    rows = "".join("<tr>" + "".join(f"<td{cls(i)}>{_text(c)}</td>" for i, c in enumerate(row)) + "</tr>"
                   for row in table.rows)
    wide = ' class="wide"' if len(table.headers) >= 5 else ""  # many columns: use the page's width
    return f"<table{wide}><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"
