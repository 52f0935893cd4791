"""Nothing lost: a batch killed mid-run (SIGTERM, SIGKILL; one process or ``--jobs 2``) or writing into a
read-only or full folder leaves every output whole or as it was, and the inputs untouched.

Read-only and full folders are made in a private mount namespace (``unshare --user --map-root-user
--mount``, util-linux: no real root needed, and chmod would not stop root): a read-only bind mount of
the output folder and a 64 KiB tmpfs. Where unshare cannot do that, the same guarantees are checked
with what any Linux has: an output folder below a regular file, and a file size limit (RLIMIT_FSIZE).
"""

from __future__ import annotations

import hashlib
import itertools
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from helpers import ROOT, VALID_EXAMPLES
from wsas.output import OutputError, OutputGroup, atomic_file, dumps
from wsas.rubrics import published_catalogue
from wsas.scoring.synthetic import submissions

RECORDS = 50_000
WSAS = [sys.executable, "-m", "wsas"]
OUTPUTS = ("out.jsonl", "out.csv", "summary.json")
OLD = {"out.csv": b"old,csv\r\n", "summary.json": b'{"old": true}\n'}  # out.jsonl does not exist before


@pytest.fixture(scope="module")
def batch(tmp_path_factory) -> Path:
    """A JSON Lines file of 50,000 generated submissions (every published rubric), read-only to the runs."""
    lines = [dumps(s, indent=None) for rubric in published_catalogue() for s in submissions(rubric, 40, seed=5)]
    path = tmp_path_factory.mktemp("inputs") / "batch.jsonl"
    path.write_text("\n".join(itertools.islice(itertools.cycle(lines), RECORDS)) + "\n", encoding="utf-8")
    return path


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def prepare(folder: Path) -> dict[str, bytes | None]:
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in OLD.items():
        (folder / name).write_bytes(data)
    return {name: OLD.get(name) for name in OUTPUTS}


def score_args(folder: Path, batch: Path, *extra) -> list[str]:
    return [*WSAS, "score", str(batch), "--jsonl", str(folder / "out.jsonl"), "--csv", str(folder / "out.csv"),
            "--summary", str(folder / "summary.json"), "-q", *extra]


def assert_as_before(folder: Path, before: dict[str, bytes | None]) -> None:
    for name, data in before.items():
        path = folder / name
        if data is None:
            assert not path.exists(), f"{name} was published by an interrupted run"
        else:
            assert path.read_bytes() == data, f"{name} is not the old file any more"


def temporaries(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    """Running (a zombie, dead but not yet reaped by whoever adopted it, is not)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def start_and_wait_for_writing(args, folder: Path, jobs: int) -> subprocess.Popen:
    """The run, once it has streamed results into its temporary JSON Lines file (and its workers run)."""
    process = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 40
    while time.monotonic() < deadline:
        assert process.poll() is None, process.stderr.read().decode()  # finished (or failed) before the kill
        temporary = [p for p in folder.glob(".out.jsonl.*.tmp") if p.stat().st_size > 0]
        if temporary and (jobs == 1 or len(children(process.pid)) >= jobs):
            return process
        time.sleep(0.02)
    process.kill()
    pytest.fail("the run never started writing")


@pytest.mark.parametrize("jobs", [1, 2])
def test_sigterm_mid_run_cleans_up_promptly(batch, tmp_path, jobs):
    folder, before_input = tmp_path / "out", digest(batch)
    before = prepare(folder)
    process = start_and_wait_for_writing(score_args(folder, batch, "--jobs", str(jobs)), folder, jobs)
    workers = children(process.pid)
    sent = time.monotonic()
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=20)
    took = time.monotonic() - sent
    stderr = stderr.decode()
    assert process.returncode == 128 + signal.SIGTERM, stderr
    assert took < 5, f"SIGTERM took {took:.1f} s"
    assert "Traceback" not in stderr and "SIGTERM" in stderr
    assert_as_before(folder, before)
    assert temporaries(folder) == []  # the temporary files are gone too
    assert digest(batch) == before_input
    deadline = time.monotonic() + 5
    while any(alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not [pid for pid in workers if alive(pid)], "a worker process outlived the run"


@pytest.mark.parametrize("jobs", [1, 2])
def test_sigkill_mid_run_leaves_at_most_hidden_temporaries(batch, tmp_path, jobs):
    folder, before_input = tmp_path / "out", digest(batch)
    before = prepare(folder)
    process = start_and_wait_for_writing(score_args(folder, batch, "--jobs", str(jobs)), folder, jobs)
    workers = children(process.pid)
    process.kill()
    process.communicate(timeout=20)
    assert process.returncode == -signal.SIGKILL
    assert_as_before(folder, before)
    for name in temporaries(folder):  # allowed: hidden temporary files beside the outputs, nothing else
        assert re.fullmatch(r"\.(out\.jsonl|out\.csv|summary\.json)\.[^/]+\.tmp", name), name
    assert sorted(p.name for p in folder.iterdir() if not p.name.startswith(".")) == sorted(OLD)
    assert digest(batch) == before_input
    deadline = time.monotonic() + 5  # workers die with the main process (PR_SET_PDEATHSIG), no orphans
    while any(alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not [pid for pid in workers if alive(pid)], "a worker process outlived the killed run"


# --- read-only and full output folders -------------------------------------------------------------

def _namespace_mounts() -> bool:
    """Whether ``unshare`` gives this process a private mount namespace where it may mount."""
    if not shutil.which("unshare"):
        return False
    probe = subprocess.run(["unshare", "--user", "--map-root-user", "--mount", "sh", "-c",
                            "d=$(mktemp -d) && mount -t tmpfs -o size=64k tmpfs \"$d\" && "
                            "mount -o remount,bind,ro \"$d\" && ! touch \"$d/x\" 2>/dev/null"],
                           capture_output=True, timeout=30)
    return probe.returncode == 0


NAMESPACE = _namespace_mounts()
# inside the namespace: $0 the folder, $1 what to do with it, then the command; the folder's final state is
# copied to $0.after (hidden temporaries included) since a tmpfs mounted there vanishes with the namespace
IN_NAMESPACE = r'''
folder=$0 how=$1; shift
case $how in
  readonly) mount --bind "$folder" "$folder" && mount -o remount,bind,ro "$folder" || exit 97 ;;
  full) mkdir -p "$folder.old" && cp -a "$folder/." "$folder.old/" &&
        mount -t tmpfs -o size=64k tmpfs "$folder" && cp -a "$folder.old/." "$folder/" || exit 97 ;;
esac
"$@"; status=$?
mkdir -p "$folder.after" && cp -a "$folder/." "$folder.after/"
exit $status
'''


def run_unwritable(how: str, folder: Path, args: list[str]) -> tuple[subprocess.CompletedProcess, Path]:
    """``args`` with ``folder`` read-only or full; returns the run and where the folder's final state is."""
    if NAMESPACE:
        completed = subprocess.run(["unshare", "--user", "--map-root-user", "--mount", "sh", "-c", IN_NAMESPACE,
                                    str(folder), how, *args], cwd=ROOT, capture_output=True, text=True, timeout=120)
        assert completed.returncode != 97, completed.stderr
        return completed, folder.parent / f"{folder.name}.after"

    def limit():  # no namespace: a 64 KiB limit on any file written (EFBIG instead of SIGXFSZ)
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, 64 * 1024))
    return subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=120,
                          preexec_fn=limit if how == "full" else None), folder


def unwritable_folder(tmp_path: Path, how: str) -> Path:
    """The output folder: with no namespace, a read-only folder is one below a regular file."""
    if how == "readonly" and not NAMESPACE:
        (tmp_path / "not-a-folder").write_bytes(b"a file\n")
        return tmp_path / "not-a-folder" / "out"
    return tmp_path / "out"


def small_batch(batch: Path, tmp_path: Path, count: int) -> Path:
    path = tmp_path / "inputs" / "small.jsonl"
    path.parent.mkdir()
    with open(batch, "rb") as source:
        path.write_bytes(b"".join(itertools.islice(source, count)))
    return path


def assert_write_error(completed: subprocess.CompletedProcess, output: Path, how: str) -> None:
    assert completed.returncode == 2, completed.stderr
    assert "Traceback" not in completed.stderr
    assert f"无法写入输出 {output}" in completed.stderr and f"cannot write the output {output}" in completed.stderr
    if NAMESPACE and how in ("readonly", "full"):
        reason = {"readonly": ("只读文件系统", "Read-only file system"),
                  "full": ("磁盘空间已满", "No space left on device")}[how]
        assert all(part in completed.stderr for part in reason), completed.stderr


@pytest.mark.parametrize("how", ["readonly", "full"])
@pytest.mark.parametrize("jobs", [1, 2])
def test_unwritable_output_folder(batch, tmp_path, how, jobs):
    inputs = small_batch(batch, tmp_path, 3000)  # ≈ 4 MB: results far beyond 64 KiB
    before_input = digest(inputs)
    folder = unwritable_folder(tmp_path, how)
    before = prepare(folder) if folder.parent.is_dir() else {name: None for name in OUTPUTS}
    completed, after = run_unwritable(how, folder, score_args(folder, inputs, "--jobs", str(jobs)))
    assert_write_error(completed, folder / "out.jsonl", how)
    if after.is_dir():
        assert_as_before(after, before)
        assert temporaries(after) == []
    assert digest(inputs) == before_input


def test_last_output_failing_publishes_none(batch, tmp_path):
    """The summary, written after every record, cannot be written: the finished JSON Lines and CSV are not
    published either (all the outputs of a run are published together)."""
    inputs = small_batch(batch, tmp_path, 200)
    folder = tmp_path / "out"
    before = prepare(folder)
    (tmp_path / "not-a-folder").write_bytes(b"a file\n")
    summary = tmp_path / "not-a-folder" / "summary.json"
    completed = subprocess.run([*WSAS, "score", str(inputs), "--jsonl", str(folder / "out.jsonl"), "--csv",
                                str(folder / "out.csv"), "--summary", str(summary), "-q"],
                               cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert_write_error(completed, summary, "other")
    assert_as_before(folder, {name: OLD.get(name) for name in ("out.jsonl", "out.csv")})
    assert temporaries(folder) == []


@pytest.mark.parametrize("command", [["score", str(VALID_EXAMPLES[0]), "-o"], ["schema", "bundle", "-o"]])
def test_single_output_file_in_unwritable_folder(tmp_path, command):
    folder = unwritable_folder(tmp_path, "readonly")
    if folder.parent.is_dir():
        folder.mkdir()
        (folder / "result.txt").write_bytes(b"old\n")
    before_input = digest(VALID_EXAMPLES[0])
    completed, after = run_unwritable("readonly", folder, [*WSAS, *command, str(folder / "result.txt")])
    assert_write_error(completed, folder / "result.txt", "readonly")
    if after.is_dir():
        assert (after / "result.txt").read_bytes() == b"old\n" and temporaries(after) == []
    assert digest(VALID_EXAMPLES[0]) == before_input


def test_output_group_publishes_all_or_nothing(tmp_path):
    (tmp_path / "b.txt").write_text("old b\n")
    with pytest.raises(RuntimeError):
        with OutputGroup() as group:
            with atomic_file(tmp_path / "a.txt", group=group) as stream:
                stream.write("new a\n")
            with atomic_file(tmp_path / "b.txt", group=group) as stream:
                stream.write("new b\n")
            raise RuntimeError("the run failed after both files were complete")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.txt"]
    assert (tmp_path / "b.txt").read_text() == "old b\n"
    with OutputGroup() as group:
        with atomic_file(tmp_path / "a.txt", group=group) as stream:
            stream.write("new a\n")
        assert not (tmp_path / "a.txt").exists()  # published only when the group ends
    assert (tmp_path / "a.txt").read_text() == "new a\n"


def test_output_error_names_the_output_not_the_temporary(tmp_path):
    (tmp_path / "file").write_text("x")
    with pytest.raises(OutputError) as caught:
        with atomic_file(tmp_path / "file" / "out.json") as stream:
            stream.write("never")
    assert caught.value.filename == str(tmp_path / "file" / "out.json")
    assert "无法写入输出" in caught.value.message() and "cannot write the output" in caught.value.message()
