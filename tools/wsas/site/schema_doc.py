"""Reference pages for the JSON Schemas, rendered by hand from the schema files.

A small renderer of our own (no plugin) so the pages show exactly the keywords
WSAS uses, in Chinese, with every ``$defs`` entry at a stable anchor
(``#defs-<name>``) and every ``$ref`` as a link to that anchor. ``$id`` URLs are
identifiers, shown as code and never linked or fetched.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from ..schemas import load_schema, schema_id
from . import layout
from .mdtext import code, inline

TYPES = {"object": "对象", "array": "数组", "string": "字符串", "number": "数值", "integer": "整数",
         "boolean": "布尔值", "null": "null"}
QUIET = {"description", "title", "$comment", "$schema", "$id"}


@dataclass
class Field:
    name: str
    type: str
    required: str
    constraints: str
    description: str


@dataclass
class Form:
    """One branch of a ``oneOf``/``anyOf`` whose branches are objects of their own."""

    title: str
    fields: list[Field]
    notes: list[str]


@dataclass
class Part:
    name: str
    anchor: str | None
    description: str
    type: str
    constraints: str
    fields: list[Field] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    forms: list[Form] = field(default_factory=list)
    forms_rule: str = ""


@dataclass
class SchemaPage:
    name: str
    id: str
    title: str
    description: str
    root: Part
    defs: list[Part]


def defs_anchor(name: str) -> str:
    return f"defs-{name}"


class _Context:
    def __init__(self, name: str):
        self.name = name
        self.page = layout.schema_page(name)

    def link(self, ref: str) -> str:
        target, _, pointer = ref.partition("#")
        schema = target.removesuffix(".json") if target else self.name
        page = "" if schema == self.name else layout.schema_page(schema)
        anchor = ""
        parts = [p for p in pointer.split("/") if p]
        if len(parts) >= 2 and parts[0] == "$defs":
            anchor = "#" + defs_anchor(parts[1])
        href = layout.rel(self.page, page + anchor) if page else anchor or "#"
        return f"[{code(ref)}]({href})"


def schema_page(name: str) -> SchemaPage:
    schema = load_schema(name)
    context = _Context(name)
    root = _part(schema, "顶层", None, context)
    root.description = ""  # shown once, at the top of the page
    defs = [_part(sub, key, defs_anchor(key), context) for key, sub in schema.get("$defs", {}).items()]
    return SchemaPage(name, schema.get("$id", schema_id(name)), schema.get("title", name),
                      schema.get("description", ""), root, defs)


def _part(schema: dict, name: str, anchor: str | None, context: _Context) -> Part:
    part = Part(name, anchor, inline(schema.get("description", "")), type_of(schema, context),
                "；".join(constraints_of(schema, context)))
    part.fields, nested_notes, nested_forms = _walk(schema, context)
    part.notes = notes_of(schema, context) + nested_notes
    keyword, branches = _object_branches(schema)
    if branches:
        part.forms = [_form(b, _branch_title(b, i), context) for i, b in enumerate(branches, 1)]
        part.forms_rule = f"须{'恰好' if keyword == 'oneOf' else '至少'}符合下列形式之一（`{keyword}`）："
    part.forms += nested_forms
    return part


def _object_branches(schema) -> tuple[str, list]:
    """(keyword, branches) when a oneOf/anyOf lists objects of their own (each with properties)."""
    for keyword in ("oneOf", "anyOf"):
        branches = schema.get(keyword, []) if isinstance(schema, dict) else []
        if branches and all(isinstance(b, dict) and "properties" in b for b in branches):
            return keyword, branches
    return "", []


def _form(branch: dict, title: str, context: _Context) -> Form:
    fields, notes, forms = _walk(branch, context)
    return Form(title, fields, notes_of(branch, context) + notes)


def _branch_title(branch: dict, index: int) -> str:
    if branch.get("title"):
        return inline(branch["title"])
    for name, sub in branch.get("properties", {}).items():
        if isinstance(sub, dict) and "const" in sub:
            return f"形式 {index}：{code(name)} = {code(json.dumps(sub['const'], ensure_ascii=False))}"
    kind = branch.get("properties", {}).get("kind")
    if isinstance(kind, dict) and "enum" in kind:
        return f"形式 {index}：`kind` 取 " + "、".join(code(json.dumps(v, ensure_ascii=False)) for v in kind["enum"])
    return f"形式 {index}"


def type_of(schema, context: _Context) -> str:
    if schema is True:
        return "允许（定义见上）"
    if schema is False:
        return "不允许"
    if "$ref" in schema and not set(schema) - QUIET - {"$ref"}:
        return context.link(schema["$ref"])
    if "const" in schema:
        return "常量 " + code(json.dumps(schema["const"], ensure_ascii=False))
    if "enum" in schema:
        return "枚举"
    kinds = schema.get("type")
    if kinds:
        kinds = kinds if isinstance(kinds, list) else [kinds]
        text = " 或 ".join(TYPES.get(k, k) for k in kinds)
        items = schema.get("items")
        if "array" in kinds and isinstance(items, dict):
            inner = "对象（字段见下行）" if "properties" in items else type_of(items, context)
            text += f"，元素：{inner}"
        return text
    for keyword, word in (("oneOf", "恰好符合其一"), ("anyOf", "至少符合其一")):
        branches = schema.get(keyword)
        if branches:
            names = [context.link(b["$ref"]) if isinstance(b, dict) and "$ref" in b else _branch_title(b, i)
                     for i, b in enumerate(branches, 1)]
            return f"{word}：" + "、".join(names)
    if "properties" in schema:
        return "对象"
    if not set(schema) - QUIET:
        return "任意"
    return "—"


def constraints_of(schema, context: _Context) -> list[str]:
    if not isinstance(schema, dict):
        return []
    found = []
    if "enum" in schema:
        found.append("取值：" + "、".join(code(json.dumps(v, ensure_ascii=False)) for v in schema["enum"]))
    for keyword, sign in (("minimum", "≥"), ("exclusiveMinimum", ">"), ("maximum", "≤"), ("exclusiveMaximum", "<")):
        if keyword in schema:
            found.append(f"{sign} {schema[keyword]}")
    if "maxLength" in schema:
        found.append(f"长度 {schema.get('minLength', 0)}–{schema['maxLength']} 个字符")
    elif "minLength" in schema:
        found.append(f"至少 {schema['minLength']} 个字符")
    if "pattern" in schema:
        found.append("格式：" + code(schema["pattern"]))
    if "format" in schema:
        found.append("格式：" + code(schema["format"]))
    for keyword, text in (("minItems", "至少 {} 项"), ("maxItems", "至多 {} 项"),
                          ("minProperties", "至少 {} 个字段"), ("maxProperties", "至多 {} 个字段")):
        if keyword in schema:
            found.append(text.format(schema[keyword]))
    if schema.get("uniqueItems"):
        found.append("元素不得重复")
    if isinstance(schema.get("propertyNames"), dict):
        found.append("键名：" + type_of(schema["propertyNames"], context))
    if isinstance(schema.get("additionalProperties"), dict):
        found.append("各键的值：" + type_of(schema["additionalProperties"], context))
    items = schema.get("items")
    if isinstance(items, dict) and "properties" not in items and "$ref" not in items:
        found += [f"元素{c}" for c in constraints_of(items, context)]
    return found


def fields_of(schema, context: _Context) -> list[Field]:
    return _walk(schema, context)[0]


def _walk(schema, context: _Context, prefix: str = "") -> tuple[list[Field], list[str], list[Form]]:
    """The rows of an object's fields, nested inline objects flattened as ``a.b`` and ``a[].b``,
    with the notes of nested objects and the forms of nested oneOf/anyOf fields."""
    if not isinstance(schema, dict):
        return [], [], []
    required = set(schema.get("required", []))
    rows, notes, forms = [], [], []
    for name, sub in schema.get("properties", {}).items():
        path = prefix + name
        description = inline(_description(sub, context)) if isinstance(sub, dict) else ""
        rows.append(Field(code(path), type_of(sub, context), "是" if name in required else "否",
                          "；".join(constraints_of(sub, context)), description))
        if not isinstance(sub, dict):
            continue
        nested = []
        if "properties" in sub and "$ref" not in sub:
            nested.append((sub, path))
        if isinstance(sub.get("items"), dict) and "properties" in sub["items"]:
            nested.append((sub["items"], path + "[]"))
        for inner, label in nested:
            inner_rows, inner_notes, inner_forms = _walk(inner, context, label + ".")
            rows += inner_rows
            notes += [f"{code(label)}：{note}" for note in notes_of(inner, context)] + inner_notes
            forms += inner_forms
        keyword, branches = _object_branches(sub)
        for index, branch in enumerate(branches, 1):
            forms.append(_form(branch, f"{code(path)} {_branch_title(branch, index)}", context))
    return rows, notes, forms


def _description(schema: dict, context: _Context) -> str:
    """The field's own description, else the one of the definition it refers to."""
    if schema.get("description") or schema.get("title"):
        return schema.get("description") or schema["title"]
    ref = schema.get("$ref") or (schema.get("items") or {}).get("$ref") if isinstance(schema.get("items", {}), dict) else None
    if not ref:
        return ""
    target, _, pointer = ref.partition("#")
    node = load_schema(target.removesuffix(".json") if target else context.name)
    for key in [p for p in pointer.split("/") if p]:
        node = node.get(key, {}) if isinstance(node, dict) else {}
    return node.get("description", "") if isinstance(node, dict) else ""


def notes_of(schema, context: _Context) -> list[str]:
    """Rules that are not about one field: closed objects, conditions, dependencies, extra $ref."""
    if not isinstance(schema, dict):
        return []
    notes = []
    if "$ref" in schema and set(schema) - QUIET - {"$ref"}:
        notes.append(f"同时须符合 {context.link(schema['$ref'])}。")
    if schema.get("additionalProperties") is False:
        notes.append("不允许上表以外的字段。")
    for name, needs in schema.get("dependentRequired", {}).items():
        notes.append(f"给出 {code(name)} 时必须同时给出 " + "、".join(code(n) for n in needs) + "。")
    for keyword, word in (("anyOf", "至少满足其一"), ("oneOf", "恰好满足其一")):
        branches = schema.get(keyword, [])
        if branches and all(isinstance(b, dict) and set(b) <= {"required", "not"} for b in branches):
            notes.append(f"{word}：" + "；".join(condition(b, context) for b in branches) + "。")
    if "if" in schema:
        text = f"若{condition(schema['if'], context)}，则{condition(schema.get('then', {}), context)}"
        if "else" in schema:
            text += f"；否则{condition(schema['else'], context)}"
        notes.append(text + "。")
    if "not" in schema:
        notes.append(f"不得{condition(schema['not'], context)}。")
    return notes


def condition(schema, context: _Context) -> str:
    """A sub-schema used as a condition, in words: 「给出 `lost`」「`kind` 为 "month-end"」."""
    if not isinstance(schema, dict) or not schema:
        return "不另限制"
    parts = []
    if schema.get("required"):
        parts.append("给出 " + "、".join(code(n) for n in schema["required"]))
    for name, sub in schema.get("properties", {}).items():
        if isinstance(sub, dict) and "const" in sub:
            parts.append(f"{code(name)} 为 {code(json.dumps(sub['const'], ensure_ascii=False))}")
        elif isinstance(sub, dict):
            parts.append(f"{code(name)} " + "、".join(constraints_of(sub, context) or [type_of(sub, context)]))
    if "not" in schema:
        parts.append("不" + condition(schema["not"], context))
    return "，".join(parts) or code(json.dumps(schema, ensure_ascii=False))
