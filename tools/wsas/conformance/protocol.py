"""The line protocol between the harness and an implementation (spec/conformance.md §6): messages and checks.

One JSON object per line each way. The harness writes ASCII-only lines (every non-ASCII character
escaped) so that any language's line reader can read them; numbers are written as exact decimals.
"""

from __future__ import annotations

import json
from decimal import Decimal

from ..reading import load_json_text

PROTOCOL = 1                 # the major version; a change that breaks an implementation increments it
SPEC_VERSION = "1.1.0"       # the specification (and vector set) the suites belong to
MAX_LINE = 16 * 1024 * 1024  # longer answers are refused as garbage rather than read into memory

LEVELS = ("validator", "scorer", "workflow-schedule", "workflow-check", "records-lifecycle", "records-cadence",
          "records-enterprise")
RULE_KINDS = ("judgement", "yes-no", "per-finding", "rate-tiers", "shortfall-steps", "veto")
KINDS = ("submission", "schedule", "event-log", "lifecycle", "cadence")


def encode(value) -> str:
    """One message as one line of JSON, without the newline; decimals written exactly as they are."""
    if isinstance(value, dict):
        return "{" + ",".join(f"{json.dumps(str(k))}:{encode(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(encode(v) for v in value) + "]"
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"{value} is not a JSON number")
        text = format(value, "f")
        return "0" if text == "-0" else text
    if isinstance(value, float):
        return encode(Decimal(repr(value)))
    return json.dumps(value)


def decode(line: str):
    """One received line as a JSON value with exact decimals; :class:`wsas.InputError` when it is not JSON."""
    return load_json_text(line, "answer")


def start_message() -> dict:
    return {"type": "start", "protocol": PROTOCOL, "spec": SPEC_VERSION}


def case_message(case) -> dict:
    return {"type": "case", "id": case.id, "kind": case.kind, "input": case.input}


def stop_message() -> dict:
    return {"type": "stop"}


def hello_problems(message) -> list[str]:
    """What is wrong with a hello message; empty when it can be used."""
    if not isinstance(message, dict) or message.get("type") != "hello":
        return [f"the first line must be a hello message, got {_excerpt(message)}"]
    problems = []
    if message.get("protocol") != PROTOCOL:
        problems.append(f"the implementation speaks protocol {message.get('protocol')!r}, the harness {PROTOCOL}")
    implementation = message.get("implementation")
    if not isinstance(implementation, dict):
        problems.append("hello.implementation must be an object with name, version and language")
    else:
        for key in ("name", "version", "language"):
            if not isinstance(implementation.get(key), str) or not implementation[key]:
                problems.append(f"hello.implementation.{key} must be a non-empty string")
    levels = message.get("levels")
    if not isinstance(levels, list) or not all(isinstance(level, str) for level in levels):
        problems.append("hello.levels must be a list of level names")
    kinds = message.get("ruleKinds")
    if kinds is not None and (not isinstance(kinds, list) or not all(isinstance(k, str) for k in kinds)):
        problems.append("hello.ruleKinds must be a list of rule kinds when given")
    return problems


def claimed_levels(message: dict) -> set[str]:
    """The levels a hello claims, with the levels they include (a scorer is also a validator)."""
    levels = {level for level in message["levels"] if level in LEVELS}
    if "scorer" in levels:
        levels.add("validator")
    return levels


def answer_problem(message, case_id: str) -> str | None:
    """Why a line read for case ``case_id`` is not its answer; None when it is a result or an error for it."""
    if not isinstance(message, dict):
        return f"the answer must be a JSON object, got {_excerpt(message)}"
    if message.get("type") not in ("result", "error"):
        return f"the answer must have type \"result\" or \"error\", got {_excerpt(message.get('type'))}"
    if message.get("id") != case_id:
        return f"answered case {_excerpt(message.get('id'))}, which was not the case asked ({case_id})"
    if message["type"] == "result" and not isinstance(message.get("output"), dict):
        return "a result must carry an \"output\" object"
    return None


def _excerpt(value, limit: int = 120) -> str:
    try:
        text = encode(value)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= limit else text[:limit] + "…"


def excerpt_text(text: str, limit: int = 120) -> str:
    text = text.rstrip("\n")
    shown = json.dumps(text[:limit], ensure_ascii=False)
    return shown + ("…" if len(text) > limit else "")
