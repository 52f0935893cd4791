"""User text in spreadsheets: never let a cell become a formula (CSV / formula injection).

A subject name such as ``=HYPERLINK("http://x","点我")`` written verbatim into a
CSV file becomes a live formula when an officer opens the file in Excel or WPS
(links that leak data, DDE commands). Following OWASP's "CSV Injection" advice,
every *text* cell of a CSV file the project writes that starts with ``=``,
``+``, ``-``, ``@``, a tab or a carriage return gets a leading single quote
``'``, which spreadsheets read as "this is text". Numbers written as numbers
(scores, counts, negative values) are left alone: a number is not a formula,
and a quote would turn it into text.

In .xlsx files the cell type decides, not the first character: user text is
stored as a string cell (:func:`set_text`), which no spreadsheet evaluates, so
the text keeps its exact value and ``wsas xlsx import`` reads back what was
written, without a quote to strip.

The rule is stated in spec/validation.md §6 (公式注入).
"""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """``value`` for a CSV cell: text starting like a formula gets a leading ``'``; anything else is unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def set_text(cell, value) -> None:
    """Put ``value`` into an openpyxl cell; text is always stored as text, never as a formula.

    openpyxl stores a string starting with ``=`` as a formula; forcing the data type
    ``"s"`` makes it a shared-string cell with exactly the original text.
    """
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"
