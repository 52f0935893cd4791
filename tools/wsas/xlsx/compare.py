"""Is a formula still the template's? Compared token by token, not as text.

Excel and LibreOffice rewrite formulas when they save a workbook: numbers come
back as 0.000000001 instead of 1E-9, spaces and ``$`` may appear, new functions
gain an ``_xlfn.`` prefix. None of that changes what the formula computes, so
such a workbook must still import; any other difference means the formula was
overwritten or edited and the cell cannot be trusted.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from openpyxl.formula.tokenizer import Token, Tokenizer

PREFIXES = ("_xlfn._xlws.", "_xlfn.", "_xlws.")


def _canonical(token: Token):
    if token.type == Token.WSPACE:
        return None
    if token.type == Token.OPERAND and token.subtype == Token.NUMBER:
        try:
            return ("number", Decimal(token.value).normalize())
        except InvalidOperation:
            return ("number", token.value)
    if token.type == Token.OPERAND and token.subtype == Token.RANGE:
        return ("range", token.value.replace("$", "").upper())
    if token.type == Token.OPERAND and token.subtype == Token.TEXT:
        return ("text", token.value)
    if token.type == Token.FUNC and token.subtype == Token.OPEN:
        name = token.value.upper()
        for prefix in PREFIXES:
            name = name.removeprefix(prefix.upper())
        return ("function", name)
    return (token.type, token.value.upper())


def tokens(formula: str) -> list | None:
    """The formula's meaning-bearing tokens, or None when it does not parse."""
    try:
        items = Tokenizer(formula if formula.startswith("=") else "=" + formula).items
    except Exception:  # the tokenizer raises bare exceptions on malformed input
        return None
    return [canonical for canonical in map(_canonical, items) if canonical is not None]


def same_formula(found, expected: str) -> bool:
    """Whether cell content ``found`` is the formula ``expected`` (up to how spreadsheets re-save it)."""
    if not isinstance(found, str) or not found.startswith("="):
        return False
    mine = tokens(found)
    return mine is not None and mine == tokens(expected)
