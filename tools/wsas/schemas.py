"""The published JSON Schemas, resolved offline, and their errors in Chinese and English."""

from __future__ import annotations

import json
from decimal import Decimal
from functools import cache

from typing import TYPE_CHECKING

from .calendar_formats import FORMATS, format_messages, is_calendar_value
from .errors import Error, pointer
from .output import dumps
from .paths import schemas_dir
from .reading import nested_too_deep, too_deep_error

if TYPE_CHECKING:
    from jsonschema.exceptions import ValidationError
    from referencing import Registry

# python-jsonschema (the reference validator, with its translated errors) loads on first use: a batch of
# valid records never needs it, and it was a quarter of the start-up of `wsas validate FILE`.

BASE = "https://wsas.org/schemas/v1/"
NAMES = ("defs", "rubric", "submission", "result", "conformance", "program", "eventlog",
         "bulletin", "roster",
         "hazard", "risk", "record-lists", "record-rules", "inspection", "enterprise", "cadences", "code-map",
         "conformance-records",
         "calendar", "conformance-report", "conformance-workflows")
RESPONSE_KEYS = ("awarded", "met", "findings", "rate", "triggered", "notApplicable")


def schema_id(name: str) -> str:
    return f"{BASE}{name}.json"


@cache
def load_schema(name: str) -> dict:
    with open(schemas_dir() / f"{name}.json", encoding="utf-8") as handle:
        return json.load(handle)


@cache
def registry() -> Registry:
    """Every published schema under its ``$id``; nothing is fetched from the network."""
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012

    resources = [(schema_id(name), Resource.from_contents(load_schema(name), default_specification=DRAFT202012))
                 for name in NAMES]
    return Registry().with_resources(resources).crawl()


def _is_integer(checker, instance) -> bool:
    # JSON Schema counts 3.0 as an integer; decimals read from JSON must too.
    if isinstance(instance, bool):
        return False
    if isinstance(instance, int):
        return True
    if isinstance(instance, (float, Decimal)):
        return instance == instance.to_integral_value() if isinstance(instance, Decimal) else instance.is_integer()
    return False


@cache
def _ecma_regex(pattern: str):
    import regress

    return regress.Regex(pattern, "u")


def _ecma_pattern(validator, pattern, instance, schema):
    """``pattern`` in the ECMA-262 dialect JSON Schema prescribes (spec/validation.md §1), as Ajv and
    jsonschema-rs read it: Python's ``re`` lets ``$`` match before a final newline, so "1.1\\n" passed."""
    from jsonschema.exceptions import ValidationError

    if validator.is_type(instance, "string") and _ecma_regex(pattern).find(instance) is None:
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


@cache
def _validator_class():
    from jsonschema import Draft202012Validator, validators

    return validators.extend(Draft202012Validator, validators={"pattern": _ecma_pattern},
                             type_checker=Draft202012Validator.TYPE_CHECKER.redefine("integer", _is_integer))


@cache
def _format_checker():
    """Only the calendar formats are asserted (every ``format`` in the schemas is one of them)."""
    from jsonschema import FormatChecker

    checker = FormatChecker(formats=())
    for name in FORMATS:
        checker.checks(name)(lambda text, name=name: is_calendar_value(name, text))
    return checker


def __getattr__(name: str):
    """``Validator`` (python-jsonschema's draft 2020-12 validator, integers as JSON counts them) and
    ``FORMAT_CHECKER``, built when first asked for."""
    if name == "Validator":
        return _validator_class()
    if name == "FORMAT_CHECKER":
        return _format_checker()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@cache
def validator(name: str):
    return _validator_class()(load_schema(name), registry=registry(), format_checker=_format_checker())


@cache
def fast_validator(name: str, fragment: str = ""):
    """A jsonschema-rs validator of schema ``name`` (or of its part at the JSON pointer ``fragment``; same
    offline registry): a quick yes/no for batches, whose "no" is then explained by :func:`schema_errors`."""
    import jsonschema_rs

    schema = {"$ref": f"{schema_id(name)}#{fragment}"} if fragment else load_schema(name)
    formats = {name: (lambda text, name=name: is_calendar_value(name, text)) for name in FORMATS}
    return jsonschema_rs.validator_for(schema, registry=_fast_registry(), formats=formats, validate_formats=True)


@cache
def _fast_registry():
    import jsonschema_rs

    return jsonschema_rs.Registry([(schema_id(other), load_schema(other)) for other in NAMES])


def schema_errors(document, name: str) -> list[Error]:
    """Every schema error of ``document`` against schema ``name``, translated. A document built in
    memory that nests deeper than the readers allow gets their ``too-deep`` error, as it would from a file."""
    if nested_too_deep(document):
        return [too_deep_error()]
    found = []
    for error in sorted(validator(name).iter_errors(document), key=lambda e: list(map(str, e.absolute_path))):
        found.extend(_translate(error))
    return found


def _translate(error: ValidationError) -> list[Error]:
    if error.validator == "oneOf" and isinstance(error.instance, dict) and error.context:
        branch = _chosen_branch(error)
        if branch is not None:
            inner = [e for e in error.context if e.relative_schema_path and e.relative_schema_path[0] == branch]
            if inner:
                return [t for e in inner for t in _translate(e)]
    if error.validator == "format":
        message, message_en = format_messages(error.validator_value, _short(error.instance))
        return [Error("invalid-date", message, message_en, pointer(error.absolute_path), keyword="format")]
    message, message_en = _messages(error)
    return [Error("schema", message, message_en, pointer(error.absolute_path), keyword=error.validator)]


def _chosen_branch(error: ValidationError):
    """The ``oneOf`` branch meant by the instance: by its ``kind`` if the branches
    discriminate on it, else the one branch whose required keys it has."""
    kind = error.instance.get("kind")
    for index, branch in enumerate(error.validator_value):
        declared = branch.get("properties", {}).get("kind", {}) if isinstance(branch, dict) else {}
        if isinstance(declared, dict) and (declared.get("const") == kind or kind in declared.get("enum", [])) \
                and kind is not None:
            return index
    matches = []
    for index, branch in enumerate(error.validator_value):
        required = branch.get("required", []) if isinstance(branch, dict) else []
        if required and all(key in error.instance for key in required):
            matches.append(index)
    return matches[0] if len(matches) == 1 else None


def _short(value) -> str:
    text = dumps(value, indent=None, exact=False)
    return text if len(text) <= 60 else text[:57] + "…"


_TYPE_NAMES = {"object": "对象", "array": "数组", "string": "字符串", "number": "数值",
               "integer": "整数", "boolean": "布尔值（true/false）", "null": "null"}


def _messages(error: ValidationError) -> tuple[str, str]:
    keyword, value, instance = error.validator, error.validator_value, error.instance
    shown = _short(instance)
    if keyword == "required":
        missing = [key for key in value if isinstance(instance, dict) and key not in instance]
        return f"缺少必填字段：{'、'.join(missing)}", f"missing required field(s): {', '.join(missing)}"
    if keyword == "additionalProperties":
        extra = [str(key) for key in instance if key not in error.schema.get("properties", {})] if isinstance(instance, dict) else []
        return f"不允许的字段：{'、'.join(extra)}", f"field(s) not allowed: {', '.join(extra)}"
    if keyword == "type":
        wanted = value if isinstance(value, list) else [value]
        return (f"类型应为{'或'.join(_TYPE_NAMES.get(t, t) for t in wanted)}，实为 {shown}",
                f"{shown} is not of type {' or '.join(wanted)}")
    if keyword in ("enum", "const"):
        options = ", ".join(_short(o) for o in (value if keyword == "enum" else [value]))
        return f"取值应为 {options} 之一，实为 {shown}", f"{shown} is not one of {options}"
    simple = {
        "pattern": ("格式不符（应匹配 {v}）：{i}", "{i} does not match {v}"),
        "propertyNames": ("键名格式不符：{i}", "property name {i} has the wrong format"),
        "minimum": ("不得小于 {v}，实为 {i}", "{i} is less than the minimum of {v}"),
        "maximum": ("不得大于 {v}，实为 {i}", "{i} is greater than the maximum of {v}"),
        "exclusiveMinimum": ("必须大于 {v}，实为 {i}", "{i} must be greater than {v}"),
        "exclusiveMaximum": ("必须小于 {v}，实为 {i}", "{i} must be less than {v}"),
        "minLength": ("长度不得少于 {v} 个字符", "shorter than {v} characters"),
        "maxLength": ("长度不得超过 {v} 个字符", "longer than {v} characters"),
        "minItems": ("至少应有 {v} 项", "fewer than {v} items"),
        "maxItems": ("至多 {v} 项", "more than {v} items"),
        "maxProperties": ("字段数不得超过 {v}", "more than {v} fields"),
        "dependentRequired": ("缺少与已有字段配套的字段", "a field that goes with another one is missing"),
        "anyOf": ("不符合任何一种允许的形式", "matches none of the allowed forms"),
        "not": ("包含不允许的内容", "holds something that is not allowed"),
    }
    if keyword == "oneOf":
        if isinstance(instance, dict) and set(instance) & set(RESPONSE_KEYS):
            return ("应答必须且只能包含 awarded、met、findings、rate、triggered、notApplicable 之一",
                    "a response must hold exactly one of awarded, met, findings, rate, triggered, notApplicable")
        return "不符合任何一种允许的形式", "matches none of the allowed forms"
    if keyword == "pattern" and error.schema.get("description"):
        return f"格式不符：{shown}（{error.schema['description']}）", f"{shown} does not match {value}"
    if keyword in simple:
        zh, en = simple[keyword]
        shown_value = value if isinstance(value, str) else _short(value)
        return zh.format(v=shown_value, i=shown), en.format(v=shown_value, i=shown)
    return f"不符合规范（{keyword}）", error.message[:200]


def bundle() -> dict:
    """One self-contained schema holding every published schema (2020-12 compound document).

    Each embedded resource keeps its own ``$id`` so ``$ref``s resolve inside the
    bundle exactly as they do against the separate files.
    """
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": schema_id("bundle"),
        "title": "WSAS 规范全部模式（单文件）/ all WSAS schemas in one file",
        "description": "Validate a submission with {\"$ref\": \"submission.json\"} relative to this $id, "
                       "or use the embedded schemas by their own $id.",
        "$defs": {name: load_schema(name) for name in NAMES},
    }
