"""Making a crashing input small: drop lines, JSON members and byte ranges while the same crash recurs."""

from __future__ import annotations

import json
import time

from .mutate import Obj, emit, tree


def _pairs(pairs):
    return Obj([k, v] for k, v in pairs)


def _json_tree(data: bytes):
    try:
        return json.loads(data.decode("utf-8"), object_pairs_hook=_pairs)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return None


def _children(node):
    if isinstance(node, Obj):
        return [v for _, v in node]
    if isinstance(node, list):
        return node
    return []


def _structural(data: bytes, same, deadline: float) -> bytes:
    """Delete JSON members (largest first) while ``same`` still holds."""
    document = _json_tree(data)
    if document is None or not isinstance(document, (Obj, list)):
        return data
    best = data
    progress = True
    while progress and time.monotonic() < deadline:
        progress = False
        stack = [document]
        while stack and time.monotonic() < deadline:
            node = stack.pop()
            index = len(node) - 1
            while index >= 0 and time.monotonic() < deadline:
                removed = node.pop(index)
                candidate = emit(document).encode("utf-8", errors="surrogatepass")
                if same(candidate):
                    best, progress = candidate, True
                else:
                    node.insert(index, removed)
                index -= 1
            stack.extend(child for child in _children(node) if isinstance(child, (Obj, list)))
    return best


def _chunks(data: bytes, same, deadline: float, unit: bytes | None) -> bytes:
    """ddmin-style removal of lines (``unit`` b"\\n") or byte ranges (``unit`` None)."""
    parts = data.split(unit) if unit else [data[i:i + 1] for i in range(len(data))]
    joiner = unit or b""
    size = max(len(parts) // 2, 1)
    while size >= 1 and time.monotonic() < deadline:
        start = 0
        while start < len(parts) and time.monotonic() < deadline:
            candidate = parts[:start] + parts[start + size:]
            if candidate and same(joiner.join(candidate)):
                parts = candidate
            else:
                start += size
        size //= 2
    return joiner.join(parts)


def shrink(data: bytes, same, seconds: float = 20.0) -> bytes:
    deadline = time.monotonic() + seconds
    data = _chunks(data, same, deadline, b"\n") if b"\n" in data else data
    data = _structural(data, same, deadline)
    if len(data) <= 4096:
        data = _chunks(data, same, deadline, None)
    return data


__all__ = ["shrink", "tree"]
