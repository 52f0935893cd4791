"""Strict reading of JSON and YAML documents.

Everything that is not plain, unambiguous data is refused with a located
error instead of being guessed at: other encodings than UTF-8, duplicate keys,
NaN and Infinity, YAML aliases, over-deep nesting and oversized files.
JSON numbers with a fraction or exponent become ``decimal.Decimal``.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from decimal import Decimal, InvalidOperation
from pathlib import Path

import yaml
import yaml.cyaml

from .errors import Error, InputError, UnreadableError, pointer

MAX_BYTES = 16 * 1024 * 1024
MAX_DEPTH = 64
BOM = b"\xef\xbb\xbf"


def read_bytes(path: str | Path) -> bytes:
    """The file's bytes, or :class:`UnreadableError` naming the path."""
    name = str(path)
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except IsADirectoryError:
        raise UnreadableError(_error("unreadable", "是目录，不是文件", "is a directory, not a file", name))
    except FileNotFoundError:
        raise UnreadableError(_error("unreadable", "文件不存在", "file not found", name))
    except PermissionError:
        raise UnreadableError(_error("unreadable", "没有读取权限", "permission denied", name))
    except OSError as exc:
        raise UnreadableError(_error("unreadable", f"无法读取：{exc.strerror}", f"cannot read: {exc.strerror}", name))
    if len(data) > MAX_BYTES:
        raise InputError(_error("too-large", f"文件超过 {MAX_BYTES // (1024 * 1024)} MiB 上限",
                                f"file exceeds the {MAX_BYTES // (1024 * 1024)} MiB limit", name))
    return data


def decode(data: bytes, name: str | None = None) -> str:
    """UTF-8 text (a leading BOM is dropped); any other encoding is an error."""
    if data.startswith(BOM):
        data = data[len(BOM):]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise InputError(Error(
            "encoding",
            f"不是 UTF-8 编码（第 {exc.start} 字节处为 0x{data[exc.start]:02x}）；请另存为 UTF-8，例如 GBK 文件需转换",
            f"not UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}); save the file as UTF-8 (e.g. convert from GBK)",
            file=name, line=line, column=column))


def load_json_text(text: str, name: str | None = None):
    """Parse one JSON document strictly."""
    try:
        document = json.loads(text, parse_float=_decimal, parse_constant=_reject_constant,
                              object_pairs_hook=_unique_object)
    except json.JSONDecodeError as exc:
        raise InputError(Error("syntax", f"JSON 语法错误：{_json_reason(exc.msg)}", f"JSON syntax error: {exc.msg}",
                               file=name, line=exc.lineno, column=exc.colno))
    except _DuplicateKey as exc:
        raise InputError(Error("duplicate-key", f"重复的键「{exc.key}」", f"duplicate key {exc.key!r}", file=name))
    except _BadConstant as exc:
        raise InputError(Error("syntax", f"不允许 {exc.constant}（JSON 不含此值）",
                               f"{exc.constant} is not allowed (not valid JSON)", file=name))
    except _BadNumber as exc:
        raise InputError(_error("syntax", f"无法解析的数值：指数超出范围（{exc.text}）",
                                f"unparseable number: exponent out of range ({exc.text})", name))
    except RecursionError:
        raise InputError(too_deep_error(name))
    except ValueError as exc:  # e.g. integers with more digits than Python converts
        raise InputError(_error("syntax", f"无法解析的数值：{exc}", f"unparseable number: {exc}", name))
    check_depth(document, name)
    if "\\u" in text and _ESCAPED_SURROGATE.search(text):  # only an escape can make a lone surrogate
        check_surrogates(document, name)
    return document


def load_json_file(path: str | Path):
    name = str(path)
    return load_json_text(decode(read_bytes(path), name), name)


def load_yaml_text(text: str, name: str | None = None):
    """Parse one YAML document with the safe loader, hardened (see module doc)."""
    if _SURROGATE.search(text):  # only from a caller's str (decoded bytes have none); libyaml needs UTF-8
        raise InputError(_surrogate_error(text, (), name))
    try:
        document = yaml.load(text, Loader=StrictLoader)
    except _DuplicateKey as exc:
        raise InputError(Error("duplicate-key", f"重复的键「{exc.key}」", f"duplicate key {exc.key!r}",
                               file=name, line=exc.line, column=exc.column))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or str(exc)
        raise InputError(Error("syntax", f"YAML 语法错误：{problem}", f"YAML syntax error: {problem}", file=name,
                               line=mark.line + 1 if mark else None, column=mark.column + 1 if mark else None))
    except _TooDeep as exc:
        raise InputError(replace(too_deep_error(name), line=exc.mark.line + 1, column=exc.mark.column + 1))
    except yaml.YAMLError as exc:
        raise InputError(_error("syntax", f"YAML 错误：{exc}", f"YAML error: {exc}", name))
    return document


def load_yaml_file(path: str | Path):
    name = str(path)
    return load_yaml_text(decode(read_bytes(path), name), name)


def load_document(path: str | Path):
    """JSON or YAML by file extension."""
    return parse_document(read_bytes(path), str(path))


def parse_document(data: bytes, name: str):
    """The bytes of the file ``name`` as JSON or YAML, by its extension."""
    if name.lower().endswith((".yaml", ".yml")):
        return load_yaml_text(decode(data, name), name)
    return load_json_text(decode(data, name), name)


def check_depth(document, name: str | None = None) -> None:
    """Refuse documents nested deeper than :data:`MAX_DEPTH`."""
    if nested_too_deep(document):
        raise InputError(too_deep_error(name))


def nested_too_deep(document) -> bool:
    """Whether objects and arrays nest deeper than :data:`MAX_DEPTH` (the outermost is level 1).
    Iterative, so that a document built in memory thousands deep is answered, not a RecursionError."""
    stack = [(document, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, (dict, list, tuple)):
            if depth > MAX_DEPTH:
                return True
            stack.extend((child, depth + 1) for child in (node.values() if isinstance(node, dict) else node))
    return False


def too_deep_error(name: str | None = None) -> Error:
    return Error("too-deep", f"嵌套层次过深（上限 {MAX_DEPTH} 层）", f"nesting too deep (limit {MAX_DEPTH} levels)",
                 file=name)


_ESCAPED_SURROGATE = re.compile(r"\\u[dD][89a-fA-F]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def check_surrogates(document, name: str | None = None) -> None:
    """Refuse strings (keys or values) holding a lone surrogate (``"\\ud800"``): not a Unicode character, so
    nothing could print or write them as UTF-8."""
    stack = [(document, ())]
    while stack:
        node, path = stack.pop()
        if isinstance(node, dict):
            for key, child in node.items():
                if isinstance(key, str) and _SURROGATE.search(key):
                    raise InputError(_surrogate_error(key, path, name))
                stack.append((child, path + (key,)))
        elif isinstance(node, list):
            stack.extend((child, path + (index,)) for index, child in enumerate(node))
        elif isinstance(node, str) and _SURROGATE.search(node):
            raise InputError(_surrogate_error(node, path, name))


def _surrogate_error(text: str, path, name: str | None) -> Error:
    code = f"\\u{ord(_SURROGATE.search(text).group()):04x}"
    return Error("encoding", f"字符串中有孤立的代理码位 {code}（不是 Unicode 字符，无法以 UTF-8 写出）",
                 f"lone surrogate {code} in a string (not a Unicode character; cannot be written as UTF-8)",
                 pointer(path), name)


def _error(code: str, message: str, message_en: str, name: str | None) -> Error:
    return Error(code, message, message_en, file=name)


class _TooDeep(Exception):
    """A mapping or sequence opened deeper than :data:`MAX_DEPTH`: refused as it is met, before the
    rest of a large file is composed."""

    def __init__(self, mark):
        super().__init__(mark)
        self.mark = mark


class _DuplicateKey(Exception):
    def __init__(self, key, line=None, column=None):
        super().__init__(key)
        self.key, self.line, self.column = key, line, column


class _BadConstant(Exception):
    def __init__(self, constant):
        super().__init__(constant)
        self.constant = constant


def _unique_object(pairs):
    result = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateKey(key)
        result[key] = value
    return result


def _reject_constant(constant):
    raise _BadConstant(constant)


class _BadNumber(Exception):
    def __init__(self, text: str):
        self.text = text if len(text) <= 40 else text[:37] + "…"


def _decimal(text: str) -> Decimal:
    try:
        value = Decimal(text)
    except InvalidOperation:  # an exponent of more than 18 digits: beyond any decimal (make fuzz)
        raise _BadNumber(text) from None
    if not value.is_finite():
        raise _BadConstant(text)
    return value


_JSON_REASONS = {
    "Expecting value": "此处应为一个值",
    "Expecting property name enclosed in double quotes": "此处应为双引号括起的键名",
    "Expecting ',' delimiter": "缺少逗号",
    "Expecting ':' delimiter": "缺少冒号",
    "Unterminated string starting at": "字符串没有结束",
    "Extra data": "文档结束后还有多余内容",
    "Invalid control character at": "字符串中有非法控制字符",
    "Invalid \\escape": "非法转义",
}


def _json_reason(message: str) -> str:
    for english, chinese in _JSON_REASONS.items():
        if message.startswith(english):
            return chinese
    return message


class StrictLoader(yaml.composer.Composer, yaml.cyaml.CParser, yaml.constructor.SafeConstructor,
                   yaml.resolver.Resolver):
    """SafeLoader without anchors, aliases, duplicate keys, floats or timestamps.

    Aliases can blow a small file up to gigabytes ("billion laughs"), so they
    are refused outright; numbers with a fraction become ``Decimal`` and
    dates stay strings, so YAML data reads exactly like its JSON form.
    libyaml (in every PyYAML wheel) scans and parses, six times faster than
    PyYAML's Python parser; the nodes are composed here, in Python, so that
    anchors are refused before any alias is resolved.
    """

    def __init__(self, stream):
        yaml.cyaml.CParser.__init__(self, stream)
        yaml.composer.Composer.__init__(self)
        yaml.constructor.SafeConstructor.__init__(self)
        yaml.resolver.Resolver.__init__(self)

    def compose_node(self, parent, index):
        event = self.peek_event()
        if isinstance(event, yaml.events.AliasEvent) or getattr(event, "anchor", None):
            raise yaml.composer.ComposerError(
                None, None, "YAML anchors (&name) and aliases (*name) are not allowed in WSAS data",
                event.start_mark)
        if not isinstance(event, yaml.events.CollectionStartEvent):
            return super().compose_node(parent, index)
        self.depth = getattr(self, "depth", 0) + 1
        try:
            if self.depth > MAX_DEPTH:
                raise _TooDeep(event.start_mark)
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            try:
                hash(key)
            except TypeError:  # a list or mapping as a key (``? [a, b]``)
                raise yaml.constructor.ConstructorError("while constructing a mapping", node.start_mark,
                                                        "found unhashable key", key_node.start_mark)
            if key in seen:
                mark = key_node.start_mark
                raise _DuplicateKey(key, mark.line + 1, mark.column + 1)
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def _construct_decimal(loader, node):
    text = loader.construct_scalar(node).replace("_", "")
    try:
        value = Decimal(text)
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite():
        raise yaml.constructor.ConstructorError(
            None, None, f"number {text!r} is not allowed (only finite decimals)", node.start_mark)
    return value


StrictLoader.add_constructor("tag:yaml.org,2002:float", _construct_decimal)
StrictLoader.add_constructor("tag:yaml.org,2002:timestamp", StrictLoader.construct_yaml_str)


def _refuse_tag(loader, node):
    raise yaml.constructor.ConstructorError(None, None, f"{node.tag} values are not allowed in WSAS data",
                                            node.start_mark)


for _tag in ("binary", "set", "omap", "pairs"):  # bytes, sets and pair lists have no JSON form
    StrictLoader.add_constructor(f"tag:yaml.org,2002:{_tag}", _refuse_tag)
