"""Reading ledgers: JSON Lines files (one record a line) and folders of one-record-per-file ``.json``.

Each command-line argument is one **ledger** (ids must be unique within it). A
record that cannot be read becomes an entry carrying its error, so one bad
record never stops the batch; a named path that cannot be opened at all is a
usage problem (exit 2) and is flagged on the ledger.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from ..errors import Error, InputError
from ..reading import decode, load_json_text
from ..sources import STDIN, Record, expand, records


@dataclass
class Entry:
    """One record of a ledger: where it is, the parsed document (None when unreadable) and read errors."""

    file: str
    line: int | None
    document: object = None
    errors: list[Error] = field(default_factory=list)

    @property
    def where(self) -> str:
        return self.file if self.line is None else f"{self.file}:{self.line}"

    def locate(self, error: Error) -> Error:
        """``error`` placed at this record (its file and, in JSON Lines, its line)."""
        return error.at_record(self.file, self.line)


@dataclass
class Ledger:
    name: str
    entries: list[Entry]
    unopenable: list[Error] = field(default_factory=list)


def read_ledger(path: str) -> Ledger:
    """Every record of the ledger named by ``path`` (a file, a folder or ``-`` for standard input)."""
    files, missing = expand([path])
    ledger = Ledger(path, [], list(missing))
    for record in records(files):
        if record.error is not None:
            if path != STDIN and record.error.code == "unreadable" and record.file == path:
                ledger.unopenable.append(record.error)
            else:
                ledger.entries.append(Entry(record.file, record.line, None, [record.error]))
            continue
        ledger.entries.append(entry_of(record))
    return ledger


def entry_of(record: Record) -> Entry:
    """A record read strictly (:mod:`wsas.reading`): the document, or why there is none."""
    if record.error is not None:
        return Entry(record.file, record.line, errors=[record.error])
    try:
        document = load_json_text(decode(record.data, record.file), record.file)
    except InputError as exc:
        return Entry(record.file, record.line, errors=[exc.error.at_record(record.file, record.line)])
    return Entry(record.file, record.line, document)


def read_entries(files: list[str]) -> Iterator[Entry]:
    """The documents of ``files`` (see :func:`wsas.sources.records`), read strictly, in order."""
    for record in records(files):
        yield entry_of(record)


def read_ledgers(paths: list[str]) -> list[Ledger]:
    return [read_ledger(path) for path in paths]
