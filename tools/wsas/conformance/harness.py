"""Running cases against an implementation behind a command, whatever it does.

The implementation runs as a child process; a reader thread turns its stdout into lines on a queue, so
that every wait has a deadline. A case whose answer is late, missing, unreadable or for another case
fails with the reason, and the implementation is restarted so that the next case starts in step; after
``restarts`` restarts the remaining cases are failed as not run. Nothing here raises past :func:`run`.
"""

from __future__ import annotations

import collections
import os
import queue
import shlex
import subprocess
import threading
import time
from dataclasses import dataclass, field

from ..errors import InputError
from . import protocol
from .compare import Difference, compare

PASSED, FAILED, SKIPPED = "passed", "failed", "skipped"
_EOF = object()


class UsageError(Exception):
    """The command cannot be started at all: a usage error, not a failed case."""


@dataclass
class Outcome:
    case: object
    status: str
    level: str | None = None
    reason: str = ""
    differences: list[Difference] = field(default_factory=list)
    seconds: float = 0.0


@dataclass
class Session:
    command: str
    hello: dict | None = None
    outcomes: list[Outcome] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)   # about the session, not one case
    notes: list[str] = field(default_factory=list)      # worth telling, not a failure
    restarts: int = 0
    started: float = 0.0
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.problems and not any(o.status == FAILED for o in self.outcomes)


class _Broken(Exception):
    """The implementation is out of step (crashed, hung, garbage): the case fails and it is restarted."""


class Process:
    """One run of the implementation: line I/O with deadlines, the tail of its stderr kept for reports."""

    def __init__(self, argv: list[str]):
        try:
            self.child = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                          stderr=subprocess.PIPE, start_new_session=True)
        except OSError as exc:
            raise UsageError(f"cannot start {argv[0]!r}: {exc.strerror or exc}") from None
        self.lines: queue.Queue = queue.Queue()
        self.stderr = collections.deque(maxlen=20)
        threading.Thread(target=self._read_stdout, daemon=True).start()
        threading.Thread(target=self._read_stderr, daemon=True).start()

    def _read_stdout(self) -> None:
        try:
            for raw in iter(lambda: self.child.stdout.readline(protocol.MAX_LINE), b""):
                self.lines.put(raw)
        except (OSError, ValueError):
            pass
        self.lines.put(_EOF)

    def _read_stderr(self) -> None:
        try:
            for raw in iter(lambda: self.child.stderr.readline(65536), b""):
                self.stderr.append(raw.decode("utf-8", "replace").rstrip("\n"))
        except (OSError, ValueError):
            pass

    def send(self, message: dict) -> None:
        try:
            self.child.stdin.write((protocol.encode(message) + "\n").encode("ascii"))
            self.child.stdin.flush()
        except (BrokenPipeError, OSError, ValueError):
            raise _Broken(self._gone("stopped reading its input")) from None

    def receive(self, timeout: float):
        """The next message, or :class:`_Broken` with the reason."""
        try:
            raw = self.lines.get(timeout=timeout)
        except queue.Empty:
            raise _Broken(f"no answer within {timeout:g} s (the implementation hangs or is too slow)") from None
        if raw is _EOF:
            raise _Broken(self._gone("exited before answering"))
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise _Broken(f"the answer is not UTF-8: {raw[:80]!r}") from None
        if not text.endswith("\n") and len(raw) >= protocol.MAX_LINE:
            raise _Broken(f"an answer line longer than {protocol.MAX_LINE} bytes")
        try:
            return protocol.decode(text)
        except InputError as exc:
            raise _Broken(f"the answer is not JSON ({exc.error.message_en}): {protocol.excerpt_text(text)}") from None

    def _gone(self, what: str) -> str:
        try:
            status = self.child.wait(timeout=1)
        except subprocess.TimeoutExpired:
            status = None
        text = f"the implementation {what}" + (f" (exit status {status})" if status is not None else "")
        tail = self.stderr_tail()
        return text + (f"; its stderr ends: {tail}" if tail else "")

    def stderr_tail(self, lines: int = 5) -> str:
        return " | ".join(list(self.stderr)[-lines:])

    def stop(self, grace: float) -> int | None:
        """Ask it to stop, wait ``grace`` seconds, then kill it; its exit status (None when killed)."""
        try:
            self.send(protocol.stop_message())
            self.child.stdin.close()
        except (_Broken, OSError):
            pass
        try:
            return self.child.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            self.kill()
            return None

    def kill(self) -> None:
        try:
            os.killpg(self.child.pid, 9)
        except (ProcessLookupError, PermissionError):
            pass
        try:
            self.child.kill()
            self.child.wait(timeout=5)
        except (OSError, subprocess.TimeoutExpired):
            pass
        for stream in (self.child.stdin, self.child.stdout, self.child.stderr):
            try:
                stream.close()
            except OSError:
                pass


def split_command(command: str) -> list[str]:
    try:
        argv = shlex.split(command)
    except ValueError as exc:
        raise UsageError(f"cannot read the command {command!r}: {exc}") from None
    if not argv:
        raise UsageError("the implementation command is empty")
    return argv


def run(command: str, cases: list, timeout: float = 10.0, start_timeout: float = 30.0,
        restarts: int = 3, progress=None) -> Session:
    """Start the implementation, say hello, ask every case in order, stop. :class:`UsageError` only
    when the command cannot be started."""
    argv = split_command(command)
    session = Session(command, started=time.time())
    clock = time.monotonic()
    process = _start(argv, session, start_timeout)
    if process is None:  # nothing is known of its claims: every case fails, each saying why
        reason = "not run: " + "; ".join(session.problems)
        session.outcomes = [Outcome(case, FAILED, reason=reason) for case in cases]
        session.seconds = time.monotonic() - clock
        return session
    claimed = protocol.claimed_levels(session.hello)
    kinds = session.hello.get("ruleKinds")
    for case in cases:
        level, reason = _claim(case, claimed, kinds)
        if level is None:
            session.outcomes.append(Outcome(case, SKIPPED, reason=reason))
            continue
        if process is None:
            session.outcomes.append(Outcome(case, FAILED, level, "not run: the implementation stopped answering "
                                            f"and was not restarted again (after {session.restarts} restarts)"))
            continue
        outcome, in_step = _ask(process, case, level, claimed, timeout)
        session.outcomes.append(outcome)
        if progress:
            progress(outcome)
        if not in_step:
            process.kill()
            process = None
            if session.restarts < restarts:
                session.restarts += 1
                process = _start(argv, session, start_timeout, again=True)
    if process is not None:
        status = process.stop(grace=5.0)
        if status is None:
            session.notes.append("the implementation did not exit after stop; it was killed")
        elif status != 0:
            session.notes.append(f"the implementation exited with status {status} after stop")
    session.seconds = time.monotonic() - clock
    return session


def _start(argv, session: Session, start_timeout: float, again: bool = False) -> Process | None:
    process = Process(argv)
    try:
        process.send(protocol.start_message())
        hello = process.receive(start_timeout)
    except _Broken as exc:
        process.kill()
        session.problems.append(("after a restart, " if again else "") + f"no hello: {exc}")
        return None
    problems = protocol.hello_problems(hello)
    if not again:
        session.hello = hello if not problems else None
    elif hello != session.hello:
        problems = problems or ["the implementation said a different hello after a restart"]
    if problems:
        process.kill()
        session.problems.extend(f"hello: {p}" for p in problems)
        return None
    unknown = [level for level in hello["levels"] if level not in protocol.LEVELS]
    if unknown and not again:
        session.notes.append(f"unknown levels in hello ignored: {', '.join(unknown)}")
    if not again and not protocol.claimed_levels(hello):
        session.problems.append("the implementation claims no conformance level")
    return process


def _claim(case, claimed: set[str], kinds) -> tuple[str | None, str]:
    """The level the case is judged at (the highest of its levels that is claimed), or why it is skipped."""
    levels = [level for level in case.levels if level in claimed]
    if not levels:
        return None, f"level not claimed: {' / '.join(case.levels)}"
    if kinds is not None and case.rule_kinds - set(kinds):
        return None, f"rule kind not claimed: {', '.join(sorted(case.rule_kinds - set(kinds)))}"
    return levels[-1], ""


def _ask(process: Process, case, level: str, claimed: set[str], timeout: float) -> tuple[Outcome, bool]:
    """The case's outcome, and whether the implementation is still in step."""
    message = protocol.case_message(case)
    if case.kind == "submission":
        message["input"] = dict(case.input, score="scorer" in claimed)
    clock = time.monotonic()
    try:
        process.send(message)
        answer = process.receive(timeout)
    except _Broken as exc:
        return Outcome(case, FAILED, level, str(exc), seconds=time.monotonic() - clock), False
    seconds = time.monotonic() - clock
    problem = protocol.answer_problem(answer, case.id)
    if problem:
        return Outcome(case, FAILED, level, f"protocol: {problem}", seconds=seconds), False
    if answer["type"] == "error":
        text = answer.get("message")
        return Outcome(case, FAILED, level, "the implementation could not run the case: "
                       + (text if isinstance(text, str) else "(no message)"), seconds=seconds), True
    differences = compare(case, answer["output"], claimed)
    status = FAILED if differences else PASSED
    return Outcome(case, status, level, "differs from the expectation" if differences else "", differences,
                   seconds), True
