"""Structure-aware mutations of JSON, YAML and raw bytes, driven by ``hypothesis`` draws.

Every mutator takes ``draw`` (``st.data().draw``) so that hypothesis chooses what is mutated and how.
JSON documents are mutated as trees whose objects are :class:`Obj` (a list of pairs, so that a key can
appear twice) and whose leaves may be :class:`Raw` JSON text (``NaN``, ``1e-400``, ``-0``, an escaped lone
surrogate…), then written by :func:`emit`.
"""

from __future__ import annotations

import io
import json
import random
import zipfile
from dataclasses import dataclass
from decimal import Decimal

from hypothesis import strategies as st

BOM = b"\xef\xbb\xbf"


@dataclass
class Raw:
    """JSON text written as is."""

    text: str


class Obj(list):
    """A JSON object as a list of (key, value) pairs: duplicates allowed."""


def tree(value):
    """A parsed JSON document as a mutable tree (objects become :class:`Obj`)."""
    if isinstance(value, dict):
        return Obj([k, tree(v)] for k, v in value.items())
    if isinstance(value, list):
        return [tree(v) for v in value]
    return value


def emit(value) -> str:
    if isinstance(value, Raw):
        return value.text
    if isinstance(value, Obj):
        return "{" + ", ".join(f"{emit(k) if isinstance(k, Raw) else json.dumps(k, ensure_ascii=False)}: {emit(v)}"
                               for k, v in value) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(emit(v) for v in value) + "]"
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    return json.dumps(value, ensure_ascii=False)


def plain_value(value):
    """The tree back to plain Python (last duplicate wins, Raw numbers parsed), for YAML output."""
    if isinstance(value, Obj):
        return {str(k): plain_value(v) for k, v in value}
    if isinstance(value, list):
        return [plain_value(v) for v in value]
    if isinstance(value, Raw):
        try:
            return json.loads(value.text)
        except ValueError:
            return value.text
    if isinstance(value, Decimal):
        return float(value)
    return value


# ---------------------------------------------------------------- weird leaves

NUMBERS = ["1e308", "-1e308", "1e309", "-0", "-0.0", "1e-400", "0.1e-999999", str(10 ** 40), "-" + str(10 ** 40),
           "9" * 5000, "NaN", "Infinity", "-Infinity", "1.0000000000000000000000000001", "0.30000000000000004",
           "5e-324", "2.5", "-1", "0", "1E+2", "100000000000000000000.5", "1" + "0" * 400 + ".5"]
UNICODE = ["\u0000", "a\u0000b", "\\ud800", "\\udfff", "\\ud83d", "\u202e\u05d0\u05d1\u202c", "\u0301\u0301\u0301e",
           "e\u0301", "\ufeff", "\u200b", "\u2028\u2029", "\U0001f4a9", "\uffff", "\\u0000", "測試\u00a0", "'\"\\",
           "\x7f\x01\x1f", "\u00e9" * 3, "ｆｕｌｌｗｉｄｔｈ", "İı", "ß", "\u0130"]
DATES = ["2023-02-30", "2023-13", "2023-13-01", "2023Q5", "2023Q0", "2023-00-10", "0000-01-01", "9999-12-31",
         "2024-02-29", "2023-02-29", "2023-W53", "2023-1-1", "２０２３-01-01", "2023-01-01T25:00:00", "2023",
         "99999-01-01", "2023-06", "2023-04-31", "-2023-01-01", "2023-01-01 09:00:00", "2023-06-31 24:00:00",
         "2020Q2", "2020-04", "1900-02-29"]


def _string(draw) -> Raw:
    kind = draw(st.sampled_from(["unicode", "long", "date", "text"]))
    if kind == "unicode":
        parts = draw(st.lists(st.sampled_from(UNICODE), min_size=1, max_size=4))
        return Raw('"' + "".join(p if p.startswith("\\u") else json.dumps(p, ensure_ascii=False)[1:-1]
                                 for p in parts) + '"')
    if kind == "long" and draw(st.integers(0, 49)) == 0:
        kind = "huge"  # rare: a 3 MB string costs every entry point real time
    if kind == "long":
        return Raw(json.dumps(draw(st.sampled_from(["a", "测", "\u0301", " "])) * draw(st.sampled_from([300, 10_000, 200_000])),
                              ensure_ascii=False))
    if kind == "huge":
        return Raw(json.dumps("x" * 3_000_000))
    if kind == "date":
        return Raw(json.dumps(draw(st.sampled_from(DATES)), ensure_ascii=False))
    return Raw(json.dumps(draw(st.text(max_size=20)), ensure_ascii=False).replace("\\ud", "\\ud"))


def _nested(draw) -> Raw:
    depth = draw(st.sampled_from([63, 64, 65, 100, 1000, 100_000]))
    open_, close = draw(st.sampled_from([("[", "]"), ('{"a": ', "}")]))
    return Raw(open_ * depth + "1" + close * depth)


def leaf(draw, original=None):
    """A replacement value: another type, an extreme number, an odd string, deep nesting…"""
    kind = draw(st.sampled_from(["number", "string", "null", "bool", "empty", "nested", "keep-type", "array-of"]))
    if kind == "number":
        return Raw(draw(st.sampled_from(NUMBERS)))
    if kind == "string":
        return _string(draw)
    if kind == "null":
        return None
    if kind == "bool":
        return draw(st.booleans())
    if kind == "empty":
        return draw(st.sampled_from([Obj(), [], ""]))
    if kind == "nested":
        return _nested(draw)
    if kind == "array-of":
        times = draw(st.sampled_from([0, 2, 1000]))
        big = isinstance(original, (Obj, list)) or (isinstance(original, Raw) and len(original.text) > 10_000)
        return [original] * (min(times, 2) if big else times)  # no 1000 rubrics, no 200 MB of one long string
    if isinstance(original, str):
        return draw(st.one_of(st.sampled_from(DATES), st.text(max_size=8), st.just(original + original)))
    if isinstance(original, (int, Decimal)) and not isinstance(original, bool):
        return draw(st.one_of(st.integers(-10 ** 20, 10 ** 20), st.decimals(allow_nan=False, allow_infinity=False,
                                                                             places=draw(st.integers(0, 30)))))
    return Raw(draw(st.sampled_from(NUMBERS)))


def _containers(node, path=()):
    yield path, node
    items = node if isinstance(node, Obj) else (enumerate(node) if isinstance(node, list) else ())
    if isinstance(node, Obj):
        for index, (_, child) in enumerate(node):
            if isinstance(child, (Obj, list)):
                yield from _containers(child, path + (index,))
    elif isinstance(node, list):
        for index, child in items:
            if isinstance(child, (Obj, list)):
                yield from _containers(child, path + (index,))


def mutate_tree(draw, document, keys=()):
    """One structural mutation of ``document`` (in place when possible); returns the document."""
    containers = [node for _, node in _containers(document) if isinstance(node, (Obj, list))]
    if not containers:
        return leaf(draw, document)
    node = draw(st.sampled_from(containers))
    op = draw(st.sampled_from(["drop", "duplicate", "retype", "retype", "retype", "add", "swap-root", "dup-key",
                               "rename"]))
    if op == "swap-root":
        return leaf(draw, document)
    if not node:
        if isinstance(node, Obj):
            node.append([draw(st.sampled_from(list(keys) or ["x"])), leaf(draw)])
        else:
            node.append(leaf(draw))
        return document
    index = draw(st.integers(0, len(node) - 1))
    if op == "drop":
        del node[index]
    elif op in ("duplicate", "dup-key"):
        item = node[index]
        node.insert(index + 1, [item[0], leaf(draw, item[1])] if isinstance(node, Obj) and op == "dup-key"
                    else (list(item) if isinstance(node, Obj) else item))
    elif op == "retype":
        if isinstance(node, Obj):
            node[index][1] = leaf(draw, node[index][1])
        else:
            node[index] = leaf(draw, node[index])
    elif op == "add":
        if isinstance(node, Obj):
            key = draw(st.one_of(st.sampled_from(list(keys) or ["x"]), st.sampled_from(["", "__proto__", "\u0000",
                                                                                          "a" * 1000])))
            node.insert(index, [key, leaf(draw)])
        else:
            node.insert(index, leaf(draw, node[index]))
    elif op == "rename" and isinstance(node, Obj):
        node[index][0] = draw(st.sampled_from(list(keys) or ["x"]))
    return document


def all_keys(value, found=None) -> set:
    found = set() if found is None else found
    if isinstance(value, dict):
        found.update(value)
        for child in value.values():
            all_keys(child, found)
    elif isinstance(value, list):
        for child in value:
            all_keys(child, found)
    return found


# ---------------------------------------------------------------- bytes

def gbk(text: str) -> bytes:
    return text.encode("gbk", errors="replace")


def mutate_bytes(draw, data: bytes) -> bytes:
    """A byte-level damage: BOM (start or middle), truncation, flipped byte, NUL, GBK, CRLF…"""
    op = draw(st.sampled_from(["bom", "bom-mid", "truncate", "flip", "nul", "gbk", "crlf", "utf16", "latin1",
                               "lone-cr", "trailing-garbage"]))
    at = draw(st.integers(0, max(len(data) - 1, 0)))
    if op == "bom":
        return BOM + data
    if op == "bom-mid":
        return data[:at] + BOM + data[at:]
    if op == "truncate":
        return data[:at]
    if op == "flip" and data:
        return data[:at] + bytes([data[at] ^ draw(st.integers(1, 255))]) + data[at + 1:]
    if op == "nul":
        return data[:at] + b"\x00" + data[at:]
    if op == "gbk":
        return gbk(data.decode("utf-8", errors="replace"))
    if op == "crlf":
        return data.replace(b"\n", b"\r\n")
    if op == "utf16":
        return data.decode("utf-8", errors="replace").encode("utf-16")
    if op == "latin1":
        return data.decode("utf-8", errors="replace").encode("latin-1", errors="replace")
    if op == "lone-cr":
        return data.replace(b"\n", b"\r")
    return data + draw(st.sampled_from([b"}", b"\x00", b" x", b"\n{}", b"\xff", b"\n\n\n"]))


def json_input(draw, seeds: list, keys: set, rounds: int = 3) -> bytes:
    """A seed document, a few structural mutations, sometimes byte damage on top."""
    document = tree(draw(st.sampled_from(seeds)))
    for _ in range(draw(st.integers(0, rounds))):
        document = mutate_tree(draw, document, keys)
    data = emit(document).encode("utf-8", errors="surrogatepass")
    if draw(st.integers(0, 3)) == 0:
        data = mutate_bytes(draw, data)
    return data


def jsonl_input(draw, seeds: list, keys: set) -> bytes:
    """A few lines of (mostly mutated) documents, with odd separators and the odd BOM or blank line."""
    lines = []
    for _ in range(draw(st.integers(1, 6))):
        if draw(st.integers(0, 2)):
            lines.append(json_input(draw, seeds, keys, 2).replace(b"\n", b" "))
        else:
            lines.append(emit(tree(draw(st.sampled_from(seeds)))).encode("utf-8"))
    separator = draw(st.sampled_from([b"\n", b"\r\n", b"\n\n", b"\n \n"]))
    data = separator.join(lines) + draw(st.sampled_from([b"", b"\n", b"\r\n"]))
    if draw(st.integers(0, 3)) == 0:
        data = mutate_bytes(draw, data)
    return data


# ---------------------------------------------------------------- YAML

def _bomb(levels: int, width: int) -> str:
    lines = ["a0: &a0 [lol]"]
    for level in range(1, levels):
        lines.append(f"a{level}: &a{level} [" + ", ".join([f"*a{level - 1}"] * width) + "]")
    return "\n".join(lines) + "\n"


YAML_SNIPPETS = [
    "x: &a 1\ny: *a\n", "!!python/object/apply:os.system ['true']\n", "x: !!binary aGVsbG8=\n", "x: .nan\n",
    "x: .inf\n", "x: 2023-02-30\n", "x: 2023-13-01\n", "x: 0x1F\n", "x: 0o17\n", "x: 1_000\n", "x: 1e400\n",
    "x: ~\n", "? [a, b]\n: c\n", "x: !custom 1\n", "<<: {a: 1}\n", "--- 1\n--- 2\n", "x: |\n  \u0000\n",
    "\tx: 1\n", "x: 'unterminated\n", "x: \"\\ud800\"\n", "x: {a: 1, a: 2}\n", "%YAML 1.1\n---\nx: 1\n",
    "x: \"\\x00\"\n", "x: 10000000000000000000000000000000000000000\n", "x: 2023Q5\n", "x: 12:30:00\n",
]


def mutate_yaml_text(draw, text: str) -> str:
    op = draw(st.sampled_from(["snippet", "bomb", "deep", "dup-line", "truncate", "indent"]))
    lines = text.splitlines(keepends=True)
    at = draw(st.integers(0, max(len(lines) - 1, 0)))
    if op == "snippet":
        return "".join(lines[:at]) + draw(st.sampled_from(YAML_SNIPPETS)) + "".join(lines[at:])
    if op == "bomb":
        bomb = _bomb(draw(st.integers(2, 12)), draw(st.integers(2, 10)))
        return bomb + text if draw(st.booleans()) else text + "\n" + bomb
    if op == "deep":
        depth = draw(st.sampled_from([65, 1000, 50_000]))
        return text + "\nzz: " + "[" * depth + "]" * depth + "\n"
    if op == "dup-line" and lines:
        return "".join(lines[:at + 1]) + lines[at] + "".join(lines[at + 1:])
    if op == "truncate":
        return text[:draw(st.integers(0, len(text)))]
    if lines:
        return "".join(lines[:at]) + " " + "".join(lines[at:])
    return text


def yaml_input(draw, seeds: list, keys: set) -> bytes:
    import yaml

    kind = draw(st.sampled_from(["tree", "text", "both"]))
    document, text = draw(st.sampled_from(seeds))
    if kind in ("tree", "both"):
        mutated = tree(document)
        for _ in range(draw(st.integers(1, 3))):
            mutated = mutate_tree(draw, mutated, keys)
        try:
            text = yaml.dump(plain_value(mutated), Dumper=getattr(yaml, "CSafeDumper", yaml.SafeDumper), allow_unicode=True,
                             sort_keys=False)
        except (yaml.YAMLError, RecursionError, ValueError):
            text = emit(mutated)  # JSON is YAML (mostly)
    if kind in ("text", "both"):
        text = mutate_yaml_text(draw, text)
    data = text.encode("utf-8", errors="surrogatepass")
    if draw(st.integers(0, 3)) == 0:
        data = mutate_bytes(draw, data)
    return data


# ---------------------------------------------------------------- xlsx

def zip_members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def rezip(members: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


CELL_TEXTS = ["2023-02-30", "NaN", "1e308", "-0", "1e-400", str(10 ** 40), "\u202e12", "１２", "12\u0000", "\ufeff5",
              "5 ", "", "=1/0", "#DIV/0!", "TRUE", "不适用", "\ud800", "\u0301", "x" * 40_000, "0x10", "1,5", "½"]


def xlsx_input(draw, template: bytes, members: dict[str, bytes]) -> bytes:
    import re

    op = draw(st.sampled_from(["cell", "cell", "cell", "flip", "truncate", "drop-member", "wrong-member",
                               "bomb-member", "garbage-member", "stored", "not-zip", "xml-break"]))
    if op == "flip":
        data = bytearray(template)
        for _ in range(draw(st.integers(1, 8))):
            at = draw(st.integers(0, len(data) - 1))
            data[at] ^= draw(st.integers(1, 255))
        return bytes(data)
    if op == "truncate":
        return template[:draw(st.integers(0, len(template) - 1))]
    if op == "not-zip":
        return draw(st.sampled_from([b"", b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600,
                                     "序号,分数\n1,2\n".encode("gbk"), b"<html></html>", BOM + b"a,b\n"]))
    changed = dict(members)
    names = sorted(changed)
    name = draw(st.sampled_from(names))
    if op == "drop-member":
        del changed[name]
    elif op == "wrong-member":
        other = draw(st.sampled_from(names))
        changed[name] = members[other]
    elif op == "bomb-member":
        changed[name] = b" " * draw(st.sampled_from([10 ** 6, 10 ** 7, 5 * 10 ** 7]))
    elif op == "garbage-member":
        changed[name] = draw(st.binary(max_size=64))
    elif op == "xml-break":
        content = changed[name]
        changed[name] = content[:draw(st.integers(0, len(content)))]
    elif op == "cell":
        sheets = [n for n in names if n.startswith("xl/worksheets/") or n == "xl/sharedStrings.xml"]
        name = draw(st.sampled_from(sheets))
        text = changed[name].decode("utf-8")
        values = list(re.finditer(r"<(v|t)(?: [^>]*)?>([^<]*)</\1>", text))
        for _ in range(draw(st.integers(1, 5))):
            if not values:
                break
            match = draw(st.sampled_from(values))
            new = draw(st.sampled_from(CELL_TEXTS))
            new = new.replace("&", "&amp;").replace("<", "&lt;")
            text = text[:match.start(2)] + new + text[match.end(2):]
            values = list(re.finditer(r"<(v|t)(?: [^>]*)?>([^<]*)</\1>", text))
        changed[name] = text.encode("utf-8", errors="surrogatepass")
    return rezip(changed, zipfile.ZIP_STORED if op == "stored" else zipfile.ZIP_DEFLATED)


def seeded_random(seed: int) -> random.Random:
    return random.Random(seed)
