"""The handbook generator: published data → Markdown pages and downloads for MkDocs.

Page generation is a plain pre-build step (Jinja2 writing Markdown), so the
handbook does not depend on MkDocs plugins and survives a change of engine;
MkDocs only turns the folder into HTML (``mkdocs build``).
"""

from .build import SiteError, build_site

__all__ = ["SiteError", "build_site"]
