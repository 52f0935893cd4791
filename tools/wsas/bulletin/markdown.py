"""The bulletin's blocks as Markdown: pipe tables, charts as inline SVG inside ``<figure>``.

Names come from the results and are quoted, never interpreted: a ``|`` in an
enterprise name must not split a table cell, a ``*`` must not start emphasis.
A ``<figure>`` block holds no blank line, so Markdown renderers (Python-Markdown,
MkDocs, GitHub) pass the SVG through as it is.
"""

from __future__ import annotations

import html
import re

from .document import Figure, Heading, Items, Note, Para, Table

_SPECIAL = re.compile(r"([\\`*_\[\]|{}#!])")
_CODE = re.compile(r"`([^`]+)`")


def text(value: str) -> str:
    """Plain text for a paragraph or a table cell; `code` spans written by the bulletin itself stay code."""
    parts = _CODE.split(str(value))
    out = []
    for index, part in enumerate(parts):
        if index % 2:
            out.append(f"`{part}`")
        else:
            out.append(_SPECIAL.sub(r"\\\1", html.escape(part, quote=False)).replace("\n", " "))
    return "".join(out)


def render(blocks: list, shift: int = 0, skip_title: bool = False) -> str:
    """Markdown of ``blocks``; ``shift`` lowers every heading (to embed the bulletin in another page)."""
    out = []
    for block in blocks:
        if isinstance(block, Heading):
            if skip_title and block.level == 1:
                continue
            out.append(f"{'#' * min(6, block.level + shift)} {text(block.text)}")
        elif isinstance(block, Para):
            out.append(text(block.text))
        elif isinstance(block, Note):
            out.append(f"> **{text(block.title)}**\n>\n> {text(block.text)}")
        elif isinstance(block, Items):
            out.append("\n".join(f"- {text(item)}" for item in block.items))
        elif isinstance(block, Table):
            out.append(_table(block))
        elif isinstance(block, Figure):
            out.append(f'<figure class="wsas-figure">{block.svg}<figcaption>{html.escape(block.caption)}'
                       f"</figcaption></figure>")
    return "\n\n".join(out) + "\n"


def _table(table: Table) -> str:
    def cell(value: str) -> str:
        return text(value) or " "

    lines = ["| " + " | ".join(cell(h) for h in table.headers) + " |",
             "|" + "|".join("---:" if i in table.numeric else "---" for i in range(len(table.headers))) + "|"]
    lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in table.rows]
    return "\n".join(lines)
