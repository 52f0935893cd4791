"""Escaping source text for Markdown.

Transcribed text is quoted, never interpreted: a 「**镇」 in a source title must
not turn into bold, a 「|」 must not split a table cell, a 「<」 must not open a tag.
"""

from __future__ import annotations

import html
import re

_SPECIAL = re.compile(r"([\\`*_\[\]|{}#!])")


def inline(text) -> str:
    """Text shown literally inside a Markdown paragraph, list item or table cell."""
    if text is None:
        return ""
    escaped = html.escape(str(text), quote=False)
    return _SPECIAL.sub(r"\\\1", escaped).replace("\n", "<br>")


def code(text) -> str:
    """Inline code, taken literally (the tables extension keeps pipes inside code spans)."""
    text = str(text)
    if "`" in text:
        return f"`` {text} ``"
    return f"`{text}`"


def attr(text) -> str:
    """A value for an HTML attribute."""
    return html.escape(str(text), quote=True)
