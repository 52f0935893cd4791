"""Reading ledgers: JSON Lines files (one record a line) and folders of one-record-per-file ``.json``.

Each command-line argument is one **ledger** (ids must be unique within it). A
record that cannot be read becomes an entry carrying its error, so one bad
record never stops the batch; a named path that cannot be opened at all is a
usage problem (exit 2) and is flagged on the ledger.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import Error, InputError
from ..reading import decode, load_json_text
from ..sources import STDIN, expand, records


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
        if self.line is None:
            return error.located(self.file)
        return Error(error.code, error.message, error.message_en, error.pointer, self.file, self.line,
                     error.column if error.line is not None else None, error.keyword)


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
        entry = Entry(record.file, record.line)
        try:
            entry.document = load_json_text(decode(record.data, record.file), record.file)
        except InputError as exc:
            entry.errors.append(entry.locate(exc.error))
        ledger.entries.append(entry)
    return ledger


def read_ledgers(paths: list[str]) -> list[Ledger]:
    return [read_ledger(path) for path in paths]
