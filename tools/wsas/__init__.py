"""WSAS reference implementation: rubric data, validation and scoring.

>>> import wsas
>>> rubric = wsas.load_rubric("lianyungang-2020/enterprise")
>>> errors = wsas.validate(submission)          # [] when valid
>>> result = wsas.score(submission)             # raises wsas.InvalidSubmission

The names below load on first use (PEP 562), so that ``import wsas.cli`` and
``wsas --help`` do not pay for the schemas and rubric data.
"""

from importlib import import_module

__version__ = "1.0.0"

_PUBLIC = {
    ".errors": ("Error", "InputError", "UnreadableError"),
    ".scoring.lint": ("Finding", "lint", "lint_file"),
    ".reading": ("load_document", "load_json_file", "load_json_text"),
    ".rubrics": ("Catalogue", "Rubric", "RubricError", "load_rubric", "published_catalogue"),
    ".schemas": ("bundle", "schema_errors"),
    ".scoring.score": ("InvalidSubmission", "score"),
    ".scoring.validation": ("validate",),
}
_WHERE = {name: module for module, names in _PUBLIC.items() for name in names}

__all__ = sorted(_WHERE)


def __getattr__(name: str):
    if name in _WHERE:
        value = getattr(import_module(_WHERE[name], __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(__all__))
