"""Errors as values: where (file, JSON pointer), what (code) and why (zh + en)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Error:
    """One problem found in a document.

    ``pointer`` is a JSON Pointer into the document (RFC 6901); ``line`` and
    ``column`` are set for syntax and encoding errors, where no pointer exists.
    """

    code: str
    message: str
    message_en: str
    pointer: str = ""
    file: str | None = None
    line: int | None = None
    column: int | None = None
    keyword: str | None = None

    def located(self, file: str | None) -> "Error":
        return Error(self.code, self.message, self.message_en, self.pointer, file,
                     self.line, self.column, self.keyword)

    def at_record(self, file: str | None, line: int | None) -> "Error":
        """This error placed at a record: its file and, for a JSON Lines record, the file's line
        (a syntax error keeps its column within the line)."""
        if line is None:
            return self.located(file)
        return Error(self.code, self.message, self.message_en, self.pointer, file, line,
                     self.column if self.line is not None else None, self.keyword)

    def where(self) -> str:
        place = self.file or "<input>"
        if self.line is not None:
            place += f":{self.line}"
            if self.column is not None:
                place += f":{self.column}"
        if self.pointer or self.line is None:
            place += f" {self.pointer or '/'}"
        return place

    def as_dict(self) -> dict:
        data = {"file": self.file, "pointer": self.pointer, "code": self.code,
                "message": self.message, "messageEn": self.message_en}
        if self.line is not None:
            data["line"] = self.line
            data["column"] = self.column
        if self.keyword:
            data["keyword"] = self.keyword
        return data

    def __str__(self) -> str:
        return f"{self.where()}: [{self.code}] {self.message} / {self.message_en}"


class InputError(Exception):
    """A document that cannot be read at all (encoding, syntax, size, nesting)."""

    def __init__(self, error: Error):
        super().__init__(str(error))
        self.error = error


class UnreadableError(Exception):
    """A path that cannot be opened (missing, a directory, no permission)."""

    def __init__(self, error: Error):
        super().__init__(str(error))
        self.error = error


def pointer(path) -> str:
    """JSON Pointer for a sequence of keys and indexes."""
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in path)
