"""The three outputs of a bulletin: Markdown (the default), standalone HTML, and JSON (schemas/bulletin.json)."""

from __future__ import annotations

from ..output import dumps
from . import htmlpage, markdown
from .document import document

FORMATS = ("markdown", "html", "json")


def as_markdown(bulletin: dict, shift: int = 0, skip_title: bool = False) -> str:
    return markdown.render(document(bulletin), shift, skip_title)


def as_html(bulletin: dict) -> str:
    return htmlpage.render(document(bulletin))


def as_json(bulletin: dict) -> str:
    """Exact decimals as JSON numbers (``wsas.output.dumps`` refuses to round one silently)."""
    return dumps(bulletin) + "\n"


def rendered(bulletin: dict, fmt: str) -> str:
    return {"markdown": as_markdown, "html": as_html, "json": as_json}[fmt](bulletin)
