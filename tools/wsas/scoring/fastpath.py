"""The fast path of batch checking: orjson to parse, jsonschema-rs for the document shell, a compiled
check for the responses.

It only ever says "valid" (with the record's totals) or "don't know". Whenever a document is not plainly
valid — a syntax or encoding problem, a schema error, a duplicate key, a number with more digits than a
binary float keeps exactly, a semantic error, an award the compiled check does not hold exactly — it
answers ``None`` and the caller takes the reference path (:func:`wsas.reading.load_json_text` +
:func:`wsas.scoring.validation.validate`), which produces the detailed, translated errors. The two paths are
proven to agree on validity, totals and output bytes (tests/differential.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import orjson

from .compiled import CompiledCheck, Compiler
from .due import Timing, by_deadline, timing
from ..rubrics import Catalogue, Rubric
from ..schemas import fast_validator, load_schema

# Digits and dots all read "0" and whitespace " ": then one substring search finds a run of 16 digits/dots —
# a number with more significant digits than a double keeps (15), or a long code inside a string: either way
# the reference reader decides — and another finds a quote followed by whitespace (see _keys_ok).
_PROBE = bytes.maketrans(b"123456789.\t\r\n", b"0000000000   ")
_LONG_RUN = b"0" * 16
# Every key of a JSON text ends with a quote and a colon; a count above the parsed keys means a duplicate
# key (orjson keeps the last one silently) or the pair inside a string (then: the reference path).
_KEY_END = re.compile(rb'"[ \t\r\n]*:')
_MEMO_LIMIT = 100_000
_DATES_LIMIT = 10_000  # contexts kept per rubric assessed by deadline (one per period and assessment date)


@dataclass(frozen=True, eq=False)
class Context:
    """A rubric as assessed at one date: its compiled check and, for a rubric assessed by deadline, the timing."""

    rubric: Rubric
    version: str
    check: CompiledCheck
    when: Timing | None


class FastPath:
    """Decides quickly that a submission is valid; ``None`` means "ask the reference path"."""

    def __init__(self, catalogue: Catalogue):
        self.catalogue = catalogue
        self.schema = fast_validator("submission")
        self.compiler = Compiler()
        self._contexts: dict = {}
        self._shells: dict = {}
        self._subject = _SubjectCheck.of_schema()
        self._subject_check = self._subject.check if self._subject is not None else None

    def accept(self, data: bytes) -> tuple | None:
        """(submission, context, totals) when ``data`` is certainly a valid submission, else None;
        totals as :class:`~wsas.scoring.compiled.CompiledCheck` answers them."""
        probe = data.translate(_PROBE)
        if _LONG_RUN in probe:
            return None
        try:
            document = orjson.loads(data)
        except orjson.JSONDecodeError:
            return None
        if type(document) is not dict:
            return None
        responses = document.get("responses")
        if type(responses) is not dict:
            return None
        size, subject = len(document), document.get("subject")
        if subject is not None and self._subject_check is not None and (
                size == 5 or (size == 6 and "assessedOn" in document)):
            # The common shell: with the subject and the responses present, the other members are these four
            # (the size tells an assessedOn that is null from one that is absent).
            try:
                key = (document.get("rubric"), document.get("rubricVersion"), document.get("period"),
                       document.get("assessedOn"), size)
                context = self._shells.get(key)
            except TypeError:  # an unhashable value: a list or an object where text belongs
                return None
            if context is None:
                context = self._common_shell(document, key)
            if not context or not self._subject_check(subject):
                return None
        else:
            if not self.schema.is_valid(dict(document, responses={})):
                return None
            context = self._context(document)
            if context is None:
                return None
        totals = context.check.run(responses)
        if totals is None:
            return None
        keys = size + len(subject) + len(document.get("assessor", ())) + len(responses) + totals[2]
        if data.count(b":") != keys and not _keys_ok(data, probe, keys):
            return None
        return document, context, totals

    def valid_document(self, data: bytes) -> tuple[dict, Rubric] | None:
        """(submission, rubric) when ``data`` is certainly a valid submission, else None."""
        found = self.accept(data)
        return None if found is None else (found[0], found[1].rubric)

    def _common_shell(self, document: dict, key: tuple):
        """The context of a common shell — rubric, version, period, subject (and assessedOn) — or False when it
        is not schema-valid (judged by jsonschema-rs with a stand-in subject; the subject is checked apart) or
        names no rubric of the catalogue; remembered per (rubric, version, period, assessedOn, members)."""
        context = self.schema.is_valid(dict(document, subject=self._subject.stand_in, responses={})) and \
            self._context(document)
        context = context or False
        if len(self._shells) < _MEMO_LIMIT:
            self._shells[key] = context
        return context

    def _context(self, document: dict) -> Context | None:
        """The context of a schema-valid document, remembered per rubric (and date, when assessed by deadline)."""
        rubric_id = document["rubric"]
        context = self._contexts.get(rubric_id)
        if context is None:
            rubric = self.catalogue.get(rubric_id)
            if rubric is None:
                return None
            context = self._contexts[rubric_id] = (
                _Dated(rubric) if by_deadline(rubric) else Context(rubric, rubric.version, self.compiler.check_for(rubric), None))
        if context.__class__ is _Dated:  # a rubric assessed by deadline: one context per date
            context = context.at(document, self.compiler)
        return context if document["rubricVersion"] == context.version else None


class _Dated:
    """The contexts of a rubric assessed by deadline, by (period, assessedOn)."""

    def __init__(self, rubric: Rubric):
        self.rubric, self.contexts = rubric, {}

    def at(self, document: dict, compiler: Compiler) -> Context:
        key = (document["period"], document.get("assessedOn"))
        context = self.contexts.get(key)
        if context is None:
            rubric = self.rubric
            when = timing(rubric, document)
            context = Context(rubric, rubric.version, compiler.check_for(rubric, when.not_due_criteria), when)
            if len(self.contexts) < _DATES_LIMIT:
                self.contexts[key] = context
        return context


def _keys_ok(data: bytes, probe: bytes, keys: int) -> bool:
    """Whether the text holds no more keys than were parsed (no duplicate key), when it holds more colons:
    each key brings exactly one colon (so ``keys`` colons settle it, as the caller tries first), others sit in
    strings; then count quote-colon pairs, with whitespace between them if any."""
    if b'" ' in probe:
        return len(_KEY_END.findall(data)) == keys
    return data.count(b'":') == keys


class _SubjectCheck:
    """The submission schema's subject in plain Python: an object of strings with length bounds and patterns.

    Read from the schema itself and compiled to straight-line code; a schema using anything else makes
    :meth:`of_schema` answer None, and every shell is then checked by jsonschema-rs."""

    def __init__(self, fields: dict, required: frozenset):
        self.stand_in = {name: text for name, (_, _, _, text) in fields.items() if name in required}
        code = ["def check(subject, type=type, len=len, str=str, dict=dict):",
                "    if type(subject) is not dict:", "        return False", "    found = 0"]
        namespace = {}
        for index, (name, (shortest, longest, pattern, _)) in enumerate(fields.items()):
            namespace[f"p{index}"] = pattern.search if pattern is not None else None
            bad = [f"type(v) is not str", f"not {shortest} <= len(v)" + (f" <= {longest}" if longest is not None else "")]
            if pattern is not None:  # a JSON Schema "$" ends the text; Python's also matches before a final newline
                bad += [f"not p{index}(v)", "'\\n' in v"]
            check = [f"    if {' or '.join(bad)}:", "        return False", "    found += 1"]
            if name in required:
                code += [f"    v = subject.get({name!r})", *check]
            else:
                code += [f"    v = subject.get({name!r})", "    if v is not None:", *("    " + line for line in check)]
        code.append("    return found == len(subject)")
        exec(compile("\n".join(code) + "\n", "<wsas subject check>", "exec"), namespace)
        self.check = namespace["check"]

    @classmethod
    def of_schema(cls) -> "_SubjectCheck | None":
        subject = load_schema("submission")["$defs"]["subject"]
        if set(subject) - {"description", "type", "properties", "required", "additionalProperties"} or \
                subject.get("type") != "object" or subject.get("additionalProperties") is not False:
            return None
        fields = {}
        for name, field in subject["properties"].items():
            field = _resolved(field)
            if field is None or set(field) - {"description", "type", "minLength", "maxLength", "pattern"} \
                    or field.get("type") != "string" or not name.isidentifier():
                return None
            if "\\" in field.get("pattern", "") or "(?" in field.get("pattern", ""):
                return None  # escapes and groups may differ between ECMA-262 (the schema's) and Python's re
            pattern = re.compile(field["pattern"], re.ASCII) if "pattern" in field else None
            stand_in = "0" * max(1, field.get("minLength", 0))
            if pattern is not None and not pattern.search(stand_in):
                return None
            fields[name] = (int(field.get("minLength", 0)), field.get("maxLength"), pattern, stand_in)
        return cls(fields, frozenset(subject.get("required", ())))


def _resolved(field: dict) -> dict | None:
    """A property schema with its one ``$ref`` into defs.json followed (the schema's only kind of reference)."""
    if "$ref" not in field:
        return field
    reference = field["$ref"]
    if set(field) - {"$ref", "description"} or not reference.startswith("defs.json#/$defs/"):
        return None
    return load_schema("defs")["$defs"].get(reference.rsplit("/", 1)[1])
