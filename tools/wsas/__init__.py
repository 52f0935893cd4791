"""WSAS reference implementation: rubric data, validation and scoring.

>>> import wsas
>>> rubric = wsas.load_rubric("lianyungang-2020/enterprise")
>>> errors = wsas.validate(submission)          # [] when valid
>>> result = wsas.score(submission)             # raises wsas.InvalidSubmission
"""

__version__ = "1.0.0"

from .errors import Error, InputError, UnreadableError  # noqa: E402
from .lint import Finding, lint, lint_file  # noqa: E402
from .reading import load_document, load_json_file, load_json_text  # noqa: E402
from .rubrics import Catalogue, Rubric, RubricError, load_rubric, published_catalogue  # noqa: E402
from .schemas import bundle, schema_errors  # noqa: E402
from .scoring import InvalidSubmission, score  # noqa: E402
from .validation import validate  # noqa: E402

__all__ = [
    "Catalogue", "Error", "Finding", "InputError", "InvalidSubmission", "Rubric", "RubricError",
    "UnreadableError", "bundle", "lint", "lint_file", "load_document", "load_json_file",
    "load_json_text", "load_rubric", "published_catalogue", "schema_errors", "score", "validate",
]
