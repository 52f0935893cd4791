"""Import adapters: producer hazard records with numeric codes → WSAS hazard records.

A code table (``records/codes/*.yaml``, schema ``code-map.json``) maps each
producer field (a JSON Pointer into the producer's record) to a WSAS field (a
JSON Pointer into the hazard record) and converts it: text, number, date,
dateTime, a code looked up in one of the table's code lists, or a list whose
elements are mapped field by field (a producer's 流转记录 → ``history``).
Nothing is guessed: a code the list does not hold is ``unknown-code`` (file,
line, producer field and code), a value that does not convert is
``bad-value``, and a record with any error is not written. The sources hold
no real platform's code table: the published tables ``sample-a`` and
``sample-b`` are illustrations (示例). Normative text: spec/records-cadence-import.md.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path

from ..errors import Error, InputError, UnreadableError, pointer
from ..output import writes_exactly
from ..reading import load_document
from ..paths import records_dir
from ..schemas import Validator, load_schema, registry, schema_errors, schema_id, validator
from ..sources import STDIN
from .cadence import CHINA, unique_errors
from .ledger import Entry, read_entries

ABSENT = object()
KINDS = ("text", "number", "date", "dateTime", "code", "list")
_TOKENS = re.compile(r"YYYY|MM|DD|hh|mm|ss")
_NUMBER = re.compile(r"^[+-]?[0-9]+(\.[0-9]+)?$")
_DATE_TIME = re.compile(r"^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"
                        r"(T([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?(\+08:00|Z)?)?$")


def codes_dir() -> Path:
    return records_dir() / "codes"


def published_tables() -> dict[str, Path]:
    """The published code tables by id (their file name): ``sample-a``, ``sample-b``."""
    return {path.stem: path for path in sorted(codes_dir().glob("*.yaml"))}


@dataclass(frozen=True)
class ImportProblem(Error):
    """An import error or warning. ``pointer`` and ``field`` point into the producer's record; ``target``
    is the WSAS field concerned; ``value`` is the producer's code or value, as text."""

    field: str | None = None
    target: str | None = None
    value: str | None = None

    def as_dict(self) -> dict:
        data = super().as_dict()
        for key in ("field", "target", "value"):
            if getattr(self, key) is not None:
                data[key] = getattr(self, key)
        return data


class TableError(Exception):
    """A code table that cannot be used (a usage problem: exit 2)."""

    def __init__(self, errors: list[Error]):
        super().__init__("; ".join(str(e) for e in errors))
        self.errors = errors


# ---------------------------------------------------------------- the table


@dataclass(frozen=True)
class FieldMap:
    """One producer field: ``source`` and ``target`` are JSON Pointers (relative to the element for the
    ``items`` of a list)."""

    source: str
    target: str
    label: str | None
    kind: str  # text | number | date | dateTime | code | list
    codes: str | None
    formats: tuple[str, ...]
    required: bool
    items: tuple["FieldMap", ...] = ()
    ignore: tuple[str, ...] = ()

    @classmethod
    def from_data(cls, data: dict) -> "FieldMap":
        given = data.get("format")
        formats = () if given is None else tuple(given) if isinstance(given, list) else (given,)
        if not formats and data.get("as") == "date":
            formats = ("YYYY-MM-DD",)
        return cls(data["from"], data["to"], data.get("label"), data.get("as", "text"), data.get("codes"), formats,
                   data.get("required", False), tuple(cls.from_data(d) for d in data.get("items", [])),
                   tuple(data.get("ignore", [])))


@dataclass
class CodeTable:
    id: str
    version: str
    title: str
    path: str
    illustrative: bool
    fields: tuple[FieldMap, ...]
    constants: list[tuple[str, object]]
    ignore: tuple[str, ...]
    codes: dict[str, dict[str, object]]
    data: dict


def parts(json_pointer: str) -> list[str]:
    return [p.replace("~1", "/").replace("~0", "~") for p in json_pointer.split("/")[1:]] if json_pointer else []


def _escape(key: str) -> str:
    return str(key).replace("~", "~0").replace("/", "~1")


def table_path(ref: str) -> Path:
    """The file of table ``ref``: a published id (``sample-a``) or a path."""
    published = published_tables()
    if ref in published and not Path(ref).exists():
        return published[ref]
    path = Path(ref)
    if path.exists() or path.suffix.lower() in (".yaml", ".yml", ".json"):
        return path
    known = "、".join(published) or "—"
    raise TableError([Error("unknown-table", f"没有编码表 {ref}（已发布：{known}；或给出文件路径）",
                            f"no code table {ref} (published: {', '.join(published)}; or give a file path)")])


def load_table(ref: str) -> CodeTable:
    """The code table ``ref``, checked: schema, code lists, targets, formats and every code's value."""
    path = table_path(ref)
    name = str(path)
    try:
        data = load_document(path)
    except (InputError, UnreadableError) as exc:
        raise TableError([exc.error]) from None
    errors = [e.located(name) for e in unique_errors(schema_errors(data, "code-map"))]
    if errors:
        raise TableError(errors)
    table = CodeTable(data["id"], data["version"], data["title"], name, data["illustrative"],
                      tuple(FieldMap.from_data(f) for f in data["fields"]),
                      [(c["to"], c["value"]) for c in data.get("constants", [])], tuple(data.get("ignore", [])),
                      {key: dict(value["values"]) for key, value in data["codes"].items()}, data)
    errors = _lint(table)
    if errors:
        raise TableError([e.located(name) for e in errors])
    return table


# ---------------------------------------------------------------- checking a table


def _lint(table: CodeTable) -> list[Error]:
    found: list[Error] = []

    def error(code, message, message_en, at):
        found.append(Error(code, message, message_en, at))

    targets: dict[str, str] = {}
    _lint_fields(table, table.fields, table.data["fields"], "/fields", ("hazard", []), table.ignore, targets, error)
    for index, (target, value) in enumerate(table.constants):
        at = f"/constants/{index}"
        resolved = _lint_target(target, ("hazard", []), at + "/to", targets, error)
        if resolved:
            _lint_value(value, resolved, target, at + "/value", error)
    return found


def _lint_fields(table, fields, raw_fields, at_base, base, ignore, targets, error) -> None:
    sources: dict[str, str] = {}
    for index, fmap in enumerate(fields):
        at = f"{at_base}/{index}"
        raw = raw_fields[index]
        if fmap.source in sources:
            error("duplicate-field", f"生产方字段 {fmap.source} 映射了两次（另见 {sources[fmap.source]}）",
                  f"producer field {fmap.source} is mapped twice (see {sources[fmap.source]})", at + "/from")
        sources.setdefault(fmap.source, at)
        if fmap.source in ignore or any(fmap.source.startswith(i + "/") for i in ignore):
            error("duplicate-field", f"生产方字段 {fmap.source} 既映射又列入 ignore",
                  f"producer field {fmap.source} is both mapped and ignored", at + "/from")
        if fmap.kind == "code" and fmap.codes not in table.codes:
            error("unknown-code-list", f"没有编码清单 {fmap.codes}", f"no code list {fmap.codes}", at + "/codes")
        if "format" in raw and fmap.kind not in ("date", "dateTime"):
            error("bad-format", "只有 as 为 date 或 dateTime 的字段才能写 format",
                  "format applies to date and dateTime fields only", at + "/format")
        if "ignore" in raw and fmap.kind != "list":
            error("bad-format", "只有 as 为 list 的字段才能写 ignore", "ignore applies to list fields only", at + "/ignore")
        layouts = fmap.formats if "format" in raw and fmap.kind in ("date", "dateTime") else ()
        for position, layout in enumerate(layouts):
            where = at + "/format" + (f"/{position}" if isinstance(raw["format"], list) else "")
            tokens = _TOKENS.findall(layout)
            if fmap.kind == "date" and (layout.startswith("epoch") or {"hh", "mm", "ss"} & set(tokens)):
                error("bad-format", f"as 为 date 的字段的格式 {layout} 不能含时刻（会丢失时刻）；请改用 dateTime",
                      f"a date field's format {layout} must not hold a time (it would be lost); use dateTime", where)
            elif not layout.startswith("epoch") and (not all(t in tokens for t in ("YYYY", "MM", "DD"))
                                                     or len(tokens) != len(set(tokens))):
                error("bad-format", f"格式 {layout} 须含 YYYY、MM、DD 各一次，其余各项至多一次",
                      f"format {layout} must hold YYYY, MM and DD once each, the other parts at most once", where)
        resolved = _lint_target(fmap.target, base, at + "/to", targets, error)
        if not resolved:
            continue
        if fmap.kind == "list":
            items = _items_of(resolved)
            if items is None:
                error("bad-list-target", f"WSAS 字段 {fmap.target} 不是数组，不能用 as: list",
                      f"WSAS field {fmap.target} is not an array; as: list does not apply", at + "/to")
            else:
                _lint_fields(table, fmap.items, raw["items"], at + "/items", items, fmap.ignore, {}, error)
        elif fmap.kind == "code" and fmap.codes in table.codes:
            for code, value in table.codes[fmap.codes].items():
                _lint_value(value, resolved, fmap.target, f"/codes/{fmap.codes}/values/{_escape(code)}", error,
                            f"（清单 {fmap.codes} 用于 {fmap.target}）")


def _lint_target(target: str, base, at: str, targets: dict[str, str], error):
    resolved = _resolve(target, base)
    if resolved is None:
        error("unknown-target", f"隐患记录（hazard.json）没有字段 {target}", f"the hazard record has no field {target}", at)
        return None
    for other, where in targets.items():
        if other == target or other.startswith(target + "/") or target.startswith(other + "/"):
            error("duplicate-target", f"WSAS 字段 {target} 与 {where} 的 {other} 重叠",
                  f"WSAS field {target} overlaps {other} of {where}", at)
            return None
    targets[target] = at.rsplit("/", 1)[0]
    return resolved


def _lint_value(value, resolved, target: str, at: str, error, note: str = "") -> None:
    problems = list(_validator(resolved).iter_errors(value))
    if problems:
        error("bad-code-value", f"值 {value!r} 不是 {target} 允许的值{note}：{problems[0].message[:120]}",
              f"{value!r} is not a valid value of {target}: {problems[0].message[:120]}", at)


def _node(name: str, path: list[str]):
    node = load_schema(name)
    for part in path:
        node = node[part]
    return node


def _deref(name: str, path: list[str], node):
    """Follow ``$ref`` (to a sibling file or inside one) while the node has no structure of its own."""
    while isinstance(node, dict) and "$ref" in node and "properties" not in node and "items" not in node:
        file, _, fragment = node["$ref"].partition("#")
        name = file.removesuffix(".json") if file else name
        path = parts(fragment)
        node = _node(name, path)
    return name, path, node


def _resolve(target: str, base) -> tuple[str, list[str]] | None:
    """(schema, path) of the sub-schema at ``target`` below ``base`` (hazard.json's root or a list's items)."""
    name, path = base
    node = _node(name, path)
    for part in parts(target):
        name, path, node = _deref(name, path, node)
        properties = node.get("properties", {}) if isinstance(node, dict) else {}
        if part not in properties:
            return None
        path, node = path + ["properties", part], properties[part]
    return name, path


def _items_of(resolved) -> tuple[str, list[str]] | None:
    name, path, node = _deref(*resolved, _node(*resolved))
    if not isinstance(node, dict) or not isinstance(node.get("items"), dict):
        return None
    return name, path + ["items"]


_VALIDATORS: dict = {}


def _validator(resolved):
    ref = f"{schema_id(resolved[0])}#{pointer(resolved[1])}"
    if ref not in _VALIDATORS:
        _VALIDATORS[ref] = Validator({"$ref": ref}, registry=registry())
    return _VALIDATORS[ref]


# ---------------------------------------------------------------- converting records


@dataclass
class ImportOutcome:
    """What became of one producer record: the WSAS ``document`` (None when it has errors)."""

    file: str
    line: int | None
    id: str | None
    document: dict | None
    errors: list[Error] = field(default_factory=list)
    warnings: list[Error] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def where(self) -> str:
        return self.file if self.line is None else f"{self.file}:{self.line}"

    def as_dict(self) -> dict:
        data = {"file": self.file}
        if self.line is not None:
            data["line"] = self.line
        data.update(id=self.id, ok=self.ok, errors=[e.as_dict() for e in self.errors],
                    warnings=[w.as_dict() for w in self.warnings])
        return data


def import_records(table: CodeTable, files: list[str]) -> Iterator[ImportOutcome]:
    """Every producer record of ``files`` converted by ``table``, in order.

    Two passes over the input, each streaming: the hazard ids first (a duplicated id is reported at every
    occurrence and none of them is written, since which one is right cannot be known), then the records.
    Standard input is kept in a temporary file for the second pass.
    """
    with _replayable(files) as (paths, rename):
        locations = _id_locations(table, _renamed(read_entries(paths), rename))
        yield from import_items(table, _renamed(read_entries(paths), rename), locations)


def import_items(table: CodeTable, items: Iterable[Entry],
                 locations: dict[str, list[str]] | None = None) -> Iterator[ImportOutcome]:
    """Like :func:`import_records` over ``items``; ``locations`` (id → where it occurs) comes from a first
    pass, or is computed here (the items are then held in memory)."""
    if locations is None:
        items = list(items)
        locations = _id_locations(table, items)
    id_field = next((f.source for f in table.fields if f.target == "/id"), None)
    for item in items:
        outcome = convert(table, item)
        where = locations.get(outcome.id, []) if outcome.id is not None else []
        if len(where) > 1:
            outcome.errors.append(_problem(
                item, "duplicate-id", f"隐患编号 {outcome.id} 在本批输入中出现 {len(where)} 次：{'、'.join(where)}；"
                                      "无法判断哪一条正确，各处均不写出",
                f"hazard id {outcome.id} occurs {len(where)} times in this input: {', '.join(where)}; which one is "
                "right cannot be known, none is written", id_field or "", id_field, "/id", outcome.id))
            outcome.document = None
        yield outcome


def _id_locations(table: CodeTable, items: Iterable[Entry]) -> dict[str, list[str]]:
    """Where each hazard id occurs (the id as the conversion would write it)."""
    found: dict[str, list[str]] = {}
    id_field = next((f for f in table.fields if f.target == "/id"), None)
    constant = next((value for target, value in table.constants if target == "/id"), None)
    for item in items:
        if item.errors or not isinstance(item.document, dict):
            continue
        value = constant
        if id_field is not None:
            raw = _lookup(item.document, parts(id_field.source))
            if not _absent(raw):
                value, _ = _convert(raw, id_field, table, item, id_field.source, "/id")
        if isinstance(value, str):
            found.setdefault(value, []).append(item.where)
    return found


@contextmanager
def _replayable(files: list[str]):
    """``files`` with standard input saved to a temporary file (it can be read only once)."""
    if STDIN not in files:
        yield files, {}
        return
    with tempfile.TemporaryDirectory(prefix="wsas-import-") as folder:
        copy = os.path.join(folder, "stdin.jsonl")
        with open(copy, "wb") as stream:
            shutil.copyfileobj(sys.stdin.buffer, stream)
        yield [copy if path == STDIN else path for path in files], {copy: STDIN}


def _renamed(items: Iterable[Entry], rename: dict[str, str]) -> Iterator[Entry]:
    for item in items:
        if item.file in rename:
            name = rename[item.file]
            item = Entry(name, item.line, item.document,
                        [replace(e, file=name) if e.file == item.file else e for e in item.errors])
        yield item


def _problem(item: Entry, code: str, message: str, message_en: str, at: str = "", field_: str | None = None,
             target: str | None = None, value: str | None = None) -> ImportProblem:
    return ImportProblem(code, message, message_en, at, item.file, item.line, field=field_, target=target,
                         value=value)


def convert(table: CodeTable, item: Entry) -> ImportOutcome:
    """One producer record → one WSAS hazard record, or the reasons it cannot be one."""
    outcome = ImportOutcome(item.file, item.line, None, None, list(item.errors))
    if item.errors:
        return outcome
    record = item.document
    if not isinstance(record, dict):
        outcome.errors.append(_problem(item, "bad-record", "生产方记录应为一个 JSON 对象",
                                       "a producer record must be a JSON object"))
        return outcome
    document = _map_object(record, table.fields, table, item, "", "", outcome.errors)
    for target, value in table.constants:
        _put(document, parts(target), value)
    if isinstance(document.get("id"), str):
        outcome.id = document["id"]
    outcome.warnings = list(_unmapped(record, table.fields, table.ignore, item, ""))
    if not outcome.errors:
        outcome.errors = _document_errors(document, table, item)
    if not outcome.errors:
        outcome.document = document
    return outcome


def _map_object(obj: dict, fields, table: CodeTable, item: Entry, source_base: str, target_base: str,
                errors: list) -> dict:
    """``obj`` (a producer record or list element) mapped by ``fields``; problems go to ``errors``."""
    document: dict = {}
    for fmap in fields:
        raw = _lookup(obj, parts(fmap.source))
        source, target = source_base + fmap.source, target_base + fmap.target
        if _absent(raw) or (fmap.kind == "list" and raw == []):
            if fmap.required:
                errors.append(_problem(
                    item, "missing-field", f"缺少生产方字段 {source}{_label(fmap)}（编码表要求必须有值，写入 {target}）",
                    f"producer field {source} is missing or empty (required by the table; goes to {target})",
                    source if raw is not ABSENT else "", source, target))
            continue
        if fmap.kind == "list":
            value = _map_list(raw, fmap, table, item, source, target, errors)
        else:
            value, problem = _convert(raw, fmap, table, item, source, target)
            if problem is not None:
                errors.append(problem)
        if value is not None:
            _put(document, parts(fmap.target), value)
    return document


def _map_list(raw, fmap: FieldMap, table: CodeTable, item: Entry, source: str, target: str, errors: list):
    if not isinstance(raw, list):
        errors.append(_problem(item, "bad-value", f"生产方字段 {source}{_label(fmap)}应为数组",
                               f"producer field {source} must be an array", source, source, target, _shown(raw)[:200]))
        return None
    elements = []
    for index, element in enumerate(raw):
        at = f"{source}/{index}"
        if not isinstance(element, dict):
            errors.append(_problem(item, "bad-value", f"生产方字段 {at} 应为对象", f"producer field {at} must be an object",
                                   at, at, f"{target}/{index}", _shown(element)[:200]))
            continue
        elements.append(_map_object(element, fmap.items, table, item, at, f"{target}/{index}", errors))
    return elements


def _label(fmap: FieldMap) -> str:
    return f"（{fmap.label}）" if fmap.label else ""


def _lookup(record, path: list[str]):
    node = record
    for part in path:
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return ABSENT
    return node


def _absent(value) -> bool:
    return value is ABSENT or value is None or (isinstance(value, str) and not value.strip())


def _put(document: dict, path: list[str], value) -> None:
    node = document
    for part in path[:-1]:
        node = node.setdefault(part, {})
    node[path[-1]] = value


def _shown(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal) and value == value.to_integral_value():
        return str(int(value))
    if isinstance(value, (dict, list)):
        return "对象" if isinstance(value, dict) else "数组"
    return str(value)


def _convert(raw, fmap: FieldMap, table: CodeTable, item: Entry, source: str, target: str):
    """(value, None) or (None, problem)."""

    def bad(reason: str, reason_en: str):
        return None, _problem(item, "bad-value", f"生产方字段 {source}{_label(fmap)}的值 {_shown(raw)} {reason}",
                              f"producer field {source}: {_shown(raw)} {reason_en}", source, source, target,
                              _shown(raw)[:200])

    if isinstance(raw, (dict, list)):
        return bad("是对象或数组，不能转换", "is an object or array and cannot be converted")
    if fmap.kind == "text":
        if isinstance(raw, bool):
            return bad("是布尔值，不是文本", "is a boolean, not text")
        return (raw if isinstance(raw, str) else _shown(raw)), None
    if fmap.kind == "number":
        if isinstance(raw, bool):
            return bad("是布尔值，不是数值", "is a boolean, not a number")
        if isinstance(raw, (int, Decimal)):
            number = Decimal(raw)
        elif isinstance(raw, float):  # documents built in Python rather than read from JSON
            number = Decimal(repr(raw))
        elif _NUMBER.match(raw.strip()):
            number = Decimal(raw.strip())
        else:
            return bad("不是数值", "is not a number")
        if not writes_exactly(number):
            return bad("超出 JSON 数值能准确写出的范围（双精度数不能准确表示它，读取方会得到另一个数）",
                       "cannot be written exactly as a JSON number (a double does not hold it; a reader "
                       "would get another number)")
        return number, None
    if fmap.kind == "code":
        code = _shown(raw).strip()
        values = table.codes[fmap.codes]
        if code in values:
            return values[code], None
        why = table.data["codes"][fmap.codes].get("unmapped", {}).get(code)
        note = f"；编码表说明：{why.rstrip('。')}" if why else ""
        return None, _problem(
            item, "unknown-code",
            f"生产方字段 {source}{_label(fmap)}的编码 {code} 不在编码表 {table.id} 的清单 {fmap.codes} 中"
            f"（已有：{'、'.join(values)}）{note}；不猜测，本条不写出",
            f"producer field {source}: code {code} is not in list {fmap.codes} of table {table.id} "
            f"(known: {', '.join(values)}); not guessed, the record is not written",
            source, source, target, code[:200])
    if fmap.kind == "dateTime" and not fmap.formats:
        if isinstance(raw, str) and _DATE_TIME.match(raw) and _real(raw):
            return raw, None
        return bad("不是 WSAS 的日期或时刻（YYYY-MM-DD 或 YYYY-MM-DDThh:mm[:ss][+08:00|Z]）；可在编码表中写明 format",
                   "is not a WSAS date or date-time; give the producer's layout as format in the table")
    for layout in fmap.formats:
        converted = _parse(raw, layout, fmap.kind)
        if converted is not None:
            return converted, None
    return bad(f"不符合日期格式 {' 或 '.join(fmap.formats)}，或不是存在的日期",
               f"does not match {' or '.join(fmap.formats)}, or is not a real date")


def _real(text: str) -> bool:
    try:
        dt.datetime.fromisoformat(text[:-1] if text.endswith("Z") else text)
        return True
    except ValueError:
        return False


def _parse(raw, layout: str, kind: str) -> str | None:
    """``raw`` read with ``layout`` as a WSAS date or dateTime, or None."""
    if layout.startswith("epoch"):
        if isinstance(raw, bool) or not isinstance(raw, (int, Decimal, str)):
            return None
        text = raw.strip() if isinstance(raw, str) else _shown(raw)
        if not re.fullmatch(r"[0-9]{1,16}", text):
            return None
        seconds = int(text) // 1000 if layout == "epoch-ms" else int(text)
        try:
            moment = dt.datetime.fromtimestamp(seconds, CHINA)
        except (OverflowError, OSError, ValueError):
            return None
        return moment.strftime("%Y-%m-%dT%H:%M:%S+08:00")
    if not isinstance(raw, str):
        return None
    pattern = "".join(f"(?P<{t}>[0-9]{{{len(t)}}})" if _TOKENS.fullmatch(t) else re.escape(t)
                      for t in re.split(r"(YYYY|MM|DD|hh|mm|ss)", layout) if t)
    match = re.fullmatch(pattern, raw.strip())
    if not match:
        return None
    got = match.groupdict()
    try:
        day = dt.date(int(got["YYYY"]), int(got["MM"]), int(got["DD"]))
        moment = dt.time(int(got["hh"]), int(got.get("mm") or 0), int(got.get("ss") or 0)) if "hh" in got else None
    except ValueError:
        return None
    if kind == "date" or moment is None:
        return day.isoformat()
    text = f"{day.isoformat()}T{moment.hour:02d}:{moment.minute:02d}"
    return text + (f":{moment.second:02d}" if "ss" in got else "")


def _unmapped(obj: dict, fields, ignore, item: Entry, base: str) -> Iterator[Error]:
    """Producer fields neither mapped nor ignored (their value would be lost): warnings."""
    mapped = {tuple(parts(f.source)): f for f in fields}
    ignored = {tuple(parts(p)) for p in ignore}
    inner = {m[:i] for m in mapped for i in range(1, len(m))}

    def walk(node: dict, path: tuple):
        for key, value in node.items():
            here = path + (key,)
            if here in ignored or _absent(value):
                continue
            fmap = mapped.get(here)
            if fmap is not None:
                if fmap.kind == "list" and isinstance(value, list):
                    for index, element in enumerate(value):
                        if isinstance(element, dict):
                            yield from _unmapped(element, fmap.items, fmap.ignore, item,
                                                 f"{base}{pointer(here)}/{index}")
                continue
            if here in inner and isinstance(value, dict):
                yield from walk(value, here)
                continue
            at = base + pointer(here)
            yield _problem(item, "unmapped-field", f"生产方字段 {at} 没有映射，也没有列入 ignore：它的值不会导入",
                           f"producer field {at} is neither mapped nor ignored: its value is not imported", at, at)

    yield from walk(obj, ())


def _source_of(fields, target: list[str], base: str = "") -> tuple[str | None, bool]:
    """(the producer field that writes WSAS field ``target`` or the nearest field above it, whether exactly)."""
    best, exact, length = None, False, -1
    for fmap in fields:
        mine = parts(fmap.target)
        if target[:len(mine)] != mine or len(mine) <= length:
            continue
        length, rest = len(mine), target[len(mine):]
        best, exact = base + fmap.source, not rest
        if fmap.kind == "list" and rest and rest[0].isdigit():
            element = f"{base}{fmap.source}/{rest[0]}"
            inner, inner_exact = _source_of(fmap.items, rest[1:], element)
            best, exact = (inner, inner_exact) if inner else (element, False)
    return best, exact


def _document_errors(document: dict, table: CodeTable, item: Entry) -> list[Error]:
    """The converted record against hazard.json: required fields without a value, then other shapes."""
    found = []
    for error in validator("hazard").iter_errors(document):
        if error.validator != "required" or not isinstance(error.instance, dict):
            continue
        for key in error.validator_value:
            if key in error.instance:
                continue
            target = pointer([*error.absolute_path, key])
            source, exact = _source_of(table.fields, parts(target))
            if not exact:
                found.append(_problem(item, "unmapped-required", f"WSAS 必填字段 {target} 没有值：编码表 {table.id} 没有映射它",
                                      f"required WSAS field {target} has no value: table {table.id} does not map it",
                                      "", None, target))
            else:
                found.append(_problem(item, "unmapped-required",
                                      f"WSAS 必填字段 {target} 没有值：生产方字段 {source} 缺失或为空",
                                      f"required WSAS field {target} has no value: producer field {source} is missing "
                                      "or empty", "", source, target))
    for error in unique_errors(schema_errors(document, "hazard")):
        if error.keyword == "required":
            continue
        source, _ = _source_of(table.fields, parts(error.pointer))
        found.append(_problem(item, "schema", f"{error.pointer or '/'}：{error.message}"
                                              + (f"（来自生产方字段 {source}）" if source else ""),
                              f"{error.pointer or '/'}: {error.message_en}"
                              + (f" (from producer field {source})" if source else ""),
                              source or "", source, error.pointer or "/"))
    return found


__all__ = ["CodeTable", "FieldMap", "ImportOutcome", "ImportProblem", "TableError", "codes_dir", "convert",
           "import_items", "import_records", "load_table", "published_tables", "table_path"]
