"""Fuzzing every entry point that reads input (not part of the tests): crashes, hangs, time and memory.

Run with ``make fuzz`` (or ``.venv/bin/python benchmarks/fuzz.py [--per-entry N] [--entry NAME]… [--seed S]
[--out DIR] [--jobs J] [--chunk C]``). Each entry point (see ``benchmarks/fuzzing/entries.py``) runs in-process, in a
worker process of its own, on structure-aware mutations of the real examples drawn with ``hypothesis``:
dropped, duplicated and retyped members, extreme numbers, long and odd Unicode strings, deep nesting,
BOMs, GBK bytes, truncation, duplicate keys, impossible dates, YAML aliases and alias bombs, damaged
and oversized xlsx archives. The handbook's JavaScript (``js-*``: the batch page's reader, validator,
scorer and workbook import, the forms' import) gets the same inputs through one node process per worker
(``benchmarks/fuzzing/js_runner.mjs``), which times each input by its own CPU clock.

Per entry point it prints inputs tried, crashes (exceptions that are not the project's own error
values) with the number of distinct ones, hangs (an input using more than ``--timeout`` seconds of CPU,
5 by default, so that a loaded machine does not make hangs, in the worker and again when replayed alone in
a fresh process, ``--replay``; one that only the long-running worker was slow on is counted apart as
"slow here"; a worker stuck without progress for a minute
is killed, counted and started again for the inputs left, as is a worker that dies), memory blow-ups (an input needing more than ``--memory-mb`` above what the worker
holds, 1024 MB by default), the slowest input, the rate and the peak RSS of the worker (and its growth over the
run). Each distinct crash is shrunk and written to ``--out`` (default ``build/fuzz/``) as a
reproducer file with its traceback next to it; hangs are written there too.
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import multiprocessing
import os
import resource
import shutil
import signal
import sys
import time
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from fuzzing.entries import BY_NAME, ENTRIES, Hang, Mismatch  # noqa: E402
from fuzzing.shrink import shrink  # noqa: E402

STALL_SECONDS = 60  # no progress for this long (a hang the alarm could not interrupt): the worker is killed
MAX_RESTARTS = 20  # workers started again after dying or stalling, per entry point, before it is given up


def _alarm(signum, frame):
    raise Hang()


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def signature(exc: BaseException) -> str:
    """Exception type and the innermost frame inside the wsas package (where the bug is); for the
    JavaScript entry points, the innermost frame in the handbook's code."""
    if getattr(exc, "signature", None):
        return exc.signature
    frames = traceback.extract_tb(exc.__traceback__)
    inside = [f for f in frames if f"{os.sep}wsas{os.sep}" in f.filename] or frames[-1:]
    where = f"{Path(inside[-1].filename).name}:{inside[-1].lineno}" if inside else "?"
    return f"{type(exc).__name__}@{where}"


def _limit_memory(extra_mb: int | None) -> None:
    """While an input runs, it may take ``extra_mb`` of address space above what the worker holds; past that
    Python raises MemoryError, counted as a memory blow-up (not a crash of the machine). ``None`` lifts the
    limit again, for the harness's own work (hypothesis's state grows over a long run)."""
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if extra_mb is None:
        resource.setrlimit(resource.RLIMIT_AS, (hard, hard))
        return
    with open("/proc/self/status", encoding="ascii") as status:
        size_kb = next(int(line.split()[1]) for line in status if line.startswith("VmSize:"))
    limit = (size_kb * 1024) + extra_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit if hard == resource.RLIM_INFINITY else min(limit, hard), hard))


def worker(name: str, count: int, seed: int, out: str, timeout: float, memory_mb: int, chunk: int, progress,
           queue) -> None:
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis import seed as hseed
    from hypothesis import strategies as st

    entry = BY_NAME[name]
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 1000))
    ctx = entry.setup()
    signal.signal(signal.SIGPROF, _alarm)
    out_dir = Path(out)
    current = os.open(out_dir / f".current-{name}{entry.suffix}", os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o644)
    stats = {"entry": name, "inputs": 0, "crashes": 0, "unique": 0, "mismatches": 0, "hangs": 0, "slow": 0, "memory": 0,
             "max_s": 0.0, "busy_s": 0.0, "rss_base": _rss_mb(), "rss_peak": _rss_mb(), "reproducers": [], "done": False}
    seen: dict[str, str] = {}
    last_report = time.monotonic()

    def attempt(data: bytes):
        """(None, seconds) or (the exception, seconds) for one run of the entry point.

        The harness's own heap (hypothesis's state grows over a long run) is frozen out of the garbage
        collector meanwhile: an input that allocates a million objects must not be timed on the worker's
        collections of it (a fresh `wsas` process has no such heap)."""
        gc.freeze()
        _limit_memory(memory_mb)
        start, cpu = time.perf_counter(), time.process_time()
        signal.setitimer(signal.ITIMER_PROF, timeout)
        try:
            entry.run(ctx, data)
            found = None
        except (Exception, Hang, RecursionError, MemoryError) as exc:
            found = exc
        finally:
            signal.setitimer(signal.ITIMER_PROF, 0)
            _limit_memory(None)
            gc.unfreeze()
        if found is None and time.process_time() - cpu > timeout:
            found = Hang()  # the alarm fell in a garbage-collector callback, where Python ignores exceptions
        return found, time.perf_counter() - start

    def write(kind: str, data: bytes, text: str) -> str:
        digest = hashlib.sha1(data).hexdigest()[:10]
        path = out_dir / f"{name}-{kind}-{digest}{entry.suffix}"
        path.write_bytes(data)
        path.with_name(path.name + ".txt").write_text(text, encoding="utf-8")
        return str(path)

    def one(data: bytes) -> None:
        nonlocal last_report
        os.ftruncate(current, 0)
        os.pwrite(current, data, 0)
        exc, seconds = attempt(data)
        stats["inputs"] += 1
        stats["busy_s"] += seconds
        stats["max_s"] = max(stats["max_s"], seconds)
        if isinstance(exc, Hang):
            fresh = replay(name, data, timeout)
            kind = "hangs" if fresh is None else "slow"  # a hang must also be one in a fresh process
            stats[kind] += 1
            if stats[kind] <= 20:
                said = (f"more than {timeout} s of CPU, here and in a fresh process\n" if fresh is None else
                        f"more than {timeout} s of CPU in the worker, {fresh:.2f} s in a fresh process\n")
                stats["reproducers"].append(write(kind.rstrip("s"), data, said))
        elif isinstance(exc, MemoryError):
            stats["memory"] += 1
            if stats["memory"] <= 20:
                stats["reproducers"].append(write("memory", data, f"more than {memory_mb} MB\n"))
        elif exc is not None:
            stats["crashes"] += 1
            stats["mismatches"] += isinstance(exc, Mismatch)
            key = signature(exc)
            if key not in seen:
                stats["unique"] += 1
                text = "".join(traceback.format_exception(exc))

                def same(candidate: bytes) -> bool:
                    found, _ = attempt(candidate)
                    return found is not None and not isinstance(found, (Hang, MemoryError)) and signature(found) == key

                small = shrink(data, same)
                found, _ = attempt(small)
                if found is not None and not isinstance(found, Hang):
                    text = "".join(traceback.format_exception(found))
                seen[key] = write("crash", small, f"{key}\n\n{text}")
                stats["reproducers"].append(seen[key])
        stats["rss_peak"] = max(stats["rss_peak"], _rss_mb())
        progress.value = stats["inputs"]
        if time.monotonic() - last_report > 30:
            last_report = time.monotonic()
            queue.put(dict(stats))

    def fuzz(examples: int, from_seed: int):
        """One hypothesis run of ``examples`` inputs from ``from_seed``."""
        @settings(max_examples=examples, database=None, deadline=None, suppress_health_check=list(HealthCheck),
                  phases=[Phase.generate], print_blob=False)
        @hseed(from_seed)
        @given(st.data())
        def run(data):
            one(entry.draw(data.draw, ctx))

        run()

    # Runs of at most `chunk` inputs, each from a seed of its own: hypothesis's state grows with every input
    # of a run (at 50,000 inputs a worker held 1.3 GB and drew 2 inputs in 30 s). A run may also stop early
    # on a small search space; the next one goes on, until the count is met or a run adds nothing.
    for rounds in range(count // chunk + 21):
        before = stats["inputs"]
        if before >= count:
            break
        fuzz(min(chunk, count - before), seed + rounds)
        gc.collect()
        if stats["inputs"] == before:
            break
    os.close(current)
    stats["done"] = True
    queue.put(stats)


def supervise(names, args) -> list[dict]:
    """One worker per entry point, ``--jobs`` at a time; a worker that stops making progress is killed."""
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    slow_first = ("xlsx-import", "rubric-yaml-lint", "jsonl-batch")  # the slowest start first: better packing
    pending = sorted(names, key=lambda n: slow_first.index(n) if n in slow_first else len(slow_first))
    running, final = {}, {}
    latest: dict[str, dict] = {}
    started = time.monotonic()

    def start(name: str, count: int, seed: int):
        progress = context.Value("q", 0)
        process = context.Process(target=worker, daemon=True, args=(name, count, seed, args.out, args.timeout,
                                                                    args.memory_mb, args.chunk, progress, queue))
        process.start()
        running[name] = {"process": process, "progress": progress, "seen": 0, "since": time.monotonic(),
                         "count": count, "base": latest.get(name, {}).get("inputs", 0)}

    def restart(name: str, value: int, counted: str, kind: str) -> None:
        """A worker that died or stalled: keep its input as a reproducer, count it, and start a fresh worker
        for the inputs left (with another seed), carrying the counts of the ones before."""
        stuck = Path(args.out) / f".current-{name}{BY_NAME[name].suffix}"
        kept = Path(args.out) / f"{name}-{kind}-{int(time.time())}{BY_NAME[name].suffix}"
        if stuck.exists():
            shutil.copy(stuck, kept)
        prior = latest.get(name, {}).get("carry") or _empty(name)  # the workers before this one
        report = latest.get(name, {})  # this worker's last report, already added to the prior ones
        carried = {k: v for k, v in (report if "crashes" in report else prior).items() if k not in ("carry", "done")}
        carried["reproducers"] = list(carried["reproducers"])
        carried["inputs"] = prior["inputs"] + value  # the shared counter is this worker's exact progress
        carried[counted] += 1
        carried["restarts"] = carried.get("restarts", 0) + 1
        carried["reproducers"].append(str(kept))
        latest[name] = {"entry": name, "carry": carried, "inputs": carried["inputs"]}
        del running[name]
        left = args.per_entry - carried["inputs"] - 1
        if left > 0 and carried["restarts"] <= MAX_RESTARTS:
            start(name, left, args.seed + carried["restarts"] * 7919)
        else:
            final[name] = dict(carried, done=True)

    while pending or running:
        while pending and len(running) < args.jobs:
            start(pending.pop(0), args.per_entry, args.seed)
        try:
            while True:
                stats = queue.get(timeout=1)
                name = stats["entry"]
                prior = latest.get(name, {}).get("carry")
                if prior:  # a restarted worker: add up what the killed one did
                    stats = _merge(prior, stats)
                    stats["carry"] = prior
                latest[name] = stats
                if stats["done"]:
                    final[name] = stats
                else:
                    print(f"  … {name}: {stats['inputs']} inputs, {stats['crashes']} crashes, {stats['hangs']} hangs, "
                          f"{time.monotonic() - started:.0f} s", file=sys.stderr, flush=True)
        except Exception:  # queue.Empty
            pass
        for name, run_ in list(running.items()):
            process, value = run_["process"], run_["progress"].value
            if name in final:
                process.join(5)
                del running[name]
                continue
            if value != run_["seen"]:
                run_["seen"], run_["since"] = value, time.monotonic()
            elif not process.is_alive():  # died on an input (a crash no exception reports): count it, go on
                process.join()
                restart(name, value, "crashes", f"died-exit{process.exitcode}")
            elif time.monotonic() - run_["since"] > STALL_SECONDS:
                process.kill()
                process.join()
                restart(name, value, "hangs", "stall")
    return [final[name] for name in names if name in final]


def replay(name: str, data: bytes, timeout: float) -> float | None:
    """CPU seconds the input takes in a fresh process running only the entry point (as a command would
    run it), or None when it is a hang there too. A long-running worker can be slower than any command:
    its own heap, frozen out of the garbage collector during an input, leaves the collector's thresholds
    as a fresh process never has them."""
    import subprocess
    import tempfile

    with tempfile.NamedTemporaryFile(suffix=BY_NAME[name].suffix) as handle:
        handle.write(data)
        handle.flush()
        try:
            done = subprocess.run([sys.executable, __file__, "--replay", name, handle.name, "--timeout", str(timeout)],
                                  capture_output=True, text=True, timeout=max(60.0, timeout * 12))
        except subprocess.TimeoutExpired:
            return None
    return float(done.stdout) if done.returncode == 0 and done.stdout.strip() else None


def _replay_one(name: str, path: str, timeout: float) -> int:
    """``--replay NAME FILE``: run one input once in this fresh process; print its CPU seconds (exit 0), or
    exit 3 when it uses more than ``timeout`` seconds of CPU."""
    entry = BY_NAME[name]
    ctx = entry.setup()
    data = Path(path).read_bytes()
    signal.signal(signal.SIGPROF, _alarm)
    cpu = time.process_time()
    signal.setitimer(signal.ITIMER_PROF, timeout)
    try:
        entry.run(ctx, data)
    except Hang:
        return 3
    except BaseException:  # a crash is not what is asked here
        pass
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
    print(f"{time.process_time() - cpu:.3f}")
    return 0


def _empty(name: str) -> dict:
    return {"entry": name, "inputs": 0, "crashes": 0, "unique": 0, "mismatches": 0, "hangs": 0, "slow": 0, "memory": 0,
            "max_s": 0.0, "busy_s": 0.0, "rss_base": 0.0, "rss_peak": 0.0, "reproducers": [], "done": False}


def _merge(first: dict, second: dict) -> dict:
    merged = dict(second)
    for key in ("inputs", "crashes", "unique", "mismatches", "hangs", "slow", "memory", "busy_s", "restarts"):
        merged[key] = first.get(key, 0) + second.get(key, 0)
    for key in ("max_s", "rss_peak"):
        merged[key] = max(first.get(key, 0), second.get(key, 0))
    merged["rss_base"] = first.get("rss_base") or second.get("rss_base", 0)
    merged["reproducers"] = first.get("reproducers", []) + second.get("reproducers", [])
    return merged


def table(results: list[dict], elapsed: float) -> str:
    header = ("entry point", "inputs", "crashes", "distinct", "hangs", "slow here", "memory", "max s/input",
              "inputs/s", "peak RSS MB", "RSS growth MB")
    rows = [header]
    for r in results:
        rate = r["inputs"] / r["busy_s"] if r.get("busy_s") else 0
        rows.append((r["entry"], str(r["inputs"]), str(r["crashes"]), str(r["unique"]), str(r["hangs"]),
                     str(r.get("slow", 0)), str(r.get("memory", 0)), f"{r['max_s']:.2f}", f"{rate:.0f}", f"{r['rss_peak']:.0f}",
                     f"{r['rss_peak'] - r['rss_base']:.0f}"))
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(w) if i == 0 else cell.rjust(w) for i, (cell, w) in enumerate(zip(row, widths)))
             for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    lines.append(f"wall time {elapsed:.1f} s")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-entry", type=int, default=100_000, help="inputs per entry point (default 100000)")
    parser.add_argument("--entry", action="append", choices=[e.name for e in ENTRIES],
                        help="only this entry point (repeatable; default all)")
    parser.add_argument("--seed", type=int, default=0, help="hypothesis seed (default 0)")
    parser.add_argument("--out", default="build/fuzz", help="folder for reproducers (default build/fuzz/)")
    parser.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1),
                        help="entry points fuzzed at once (default 2)")
    parser.add_argument("--timeout", type=float, default=5.0, help="seconds after which an input is a hang")
    parser.add_argument("--memory-mb", type=int, default=1024,
                        help="memory an input may take above the worker's own before it is a blow-up (default 1024)")
    parser.add_argument("--chunk", type=int, default=10_000,
                        help="inputs per hypothesis run, each from a seed of its own (default 10000)")
    parser.add_argument("--replay", nargs=2, metavar=("NAME", "FILE"),
                        help="run one input of entry point NAME once and print its CPU seconds (used for hangs)")
    args = parser.parse_args(argv)
    if args.replay:
        return _replay_one(args.replay[0], args.replay[1], args.timeout)
    names = args.entry or [e.name for e in ENTRIES]
    Path(args.out).mkdir(parents=True, exist_ok=True)
    print(f"fuzzing {len(names)} entry point(s), {args.per_entry} inputs each, seed {args.seed}, "
          f"{args.jobs} at a time; reproducers in {args.out}/", file=sys.stderr, flush=True)
    started = time.monotonic()
    results = supervise(names, args)
    elapsed = time.monotonic() - started
    print(table(results, elapsed))
    for r in results:
        for path in r.get("reproducers", []):
            print(f"{r['entry']}: {path}")
    for name in names:
        leftover = Path(args.out) / f".current-{name}{BY_NAME[name].suffix}"
        leftover.unlink(missing_ok=True)
    bad = sum(r["crashes"] + r["hangs"] + r.get("memory", 0) for r in results)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
