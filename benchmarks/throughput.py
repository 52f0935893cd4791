"""Start-up, batch throughput and memory of ``wsas`` (the targets printed as ratios measured in one run).

Run with ``make bench`` (or ``.venv/bin/python benchmarks/throughput.py [--per-rubric N] [--stream M]
[--differential K]``). Everything is measured in one run:

- start-up: the median of 5 whole-process runs of ``python -c pass``, ``wsas --help`` and ``wsas validate``
  / ``wsas score`` of one file, and their ratios to ``python -c pass`` (targets 10× and 30×);

and on the same generated JSON Lines file:

- orjson parse-only throughput (the floor any JSON tool pays),
- wsas throughput, in one process and with the worker processes the CLI would use, for validate, for
  validate+score (every record scored: score, outcome, grade; nothing written) and for score writing JSON
  Lines and CSV, each run between two orjson runs and its ratio taken to their mean (the machine may be
  shared: load that comes and goes then weighs on both sides of a ratio),
- python-jsonschema-only throughput (parse + schema validation, no scoring) on a prefix of the same file,
- the ratios against the targets (≥ 0.5× orjson, ≥ 50× python-jsonschema),
- peak RSS of ``wsas score`` streaming a file of M records (target < 150 MB), process tree summed,
- a 100,000-record file with one bad record: how many scored, how many reported,
- the differential check of the fast path against the reference path on K generated records (valid,
  mutated and edited as text; totals, result bytes and CSV rows per record, and every fifth block of
  1,000 also as a batch: outputs, errors, counts; ``tests/differential.py``, the comparison the tests run
  on a bounded sample), in as many processes as the CLI would use.

The file holds generated submissions (``wsas.scoring.synthetic``) for every published rubric.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from decimal import Decimal
from pathlib import Path

import orjson
import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

import differential  # noqa: E402  (tests/differential.py: the one fast-versus-reference comparison)
from wsas.scoring.batch import CheckerSpec, Formats, jobs_for, run  # noqa: E402
from wsas.output import dumps  # noqa: E402
from wsas.rubrics import published_catalogue  # noqa: E402
from wsas.schemas import validator  # noqa: E402
from wsas.sources import RESULT_SEGMENT_BYTES, SEGMENT_BYTES, segments  # noqa: E402
from wsas.scoring.synthetic import submissions  # noqa: E402

TARGET_ORJSON, TARGET_JSONSCHEMA, TARGET_RSS_MB = 0.5, 50, 150
TARGET_HELP, TARGET_ONE_FILE = 10, 30  # start-up, as multiples of `python -c pass`
MODES = {  # what each measured run computes and writes, as the command line would
    "validate": Formats(scoring=False, stdout=None),
    "validate+score": Formats(scoring=True, stdout=None),
    "score --jsonl --csv": Formats(scoring=True, stdout=None, results=True, rows=True),
}


def generate(path: Path, per_rubric: int) -> int:
    """``per_rubric`` submissions for each published rubric, interleaved, one per line."""
    streams = [submissions(rubric, per_rubric, seed=7) for rubric in published_catalogue()]
    count = 0
    with open(path, "w", encoding="utf-8") as handle:
        for group in itertools.zip_longest(*streams):
            for submission in group:
                if submission is not None:
                    handle.write(dumps(submission, indent=None) + "\n")
                    count += 1
    return count


def repeat(source: Path, target: Path, count: int) -> None:
    """A file of ``count`` lines cycling through ``source`` (for the memory run)."""
    lines = source.read_bytes().splitlines(keepends=True)
    with open(target, "wb") as handle:
        for line in itertools.islice(itertools.cycle(lines), count):
            handle.write(line)


def rate_of(count_records) -> float:
    """Records per second of ``count_records()``, which returns how many it went through."""
    seconds, count = timed(count_records)
    return count / seconds


def cpu_seconds() -> float:
    """CPU time of this process and of its finished children (the worker processes of a run)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def timed(function) -> tuple[float, object]:
    start = time.perf_counter()
    value = function()
    return time.perf_counter() - start, value


def orjson_parse(path: Path) -> int:
    count = 0
    with open(path, "rb") as handle:
        for line in handle:
            orjson.loads(line)
            count += 1
    return count


def wsas_pipeline(path: Path, jobs: int, formats: Formats = MODES["validate+score"]) -> int:
    """Every record through the batch checker with ``formats`` (outputs built, not written): records valid."""
    spec = CheckerSpec(formats=formats)
    checker = spec()  # as the command line does: built (cold) in the main process, inherited by forked workers
    scored = 0
    size = RESULT_SEGMENT_BYTES if formats.results else SEGMENT_BYTES  # as the command line chooses
    for chunk in run(segments([str(path)], jobs > 1, size), spec, jobs, checker):
        scored += sum(chunk.valid_by_rubric.values())
    return scored


def median_seconds(command: list[str], runs: int = 5) -> float:
    """Median wall time of ``runs`` whole-process runs of ``command`` (after one run that warms caches)."""
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return sorted(times)[len(times) // 2]


def start_up() -> None:
    wsas = [sys.executable, "-m", "wsas"]
    example = str(ROOT / "rubrics/lianyungang-2020/examples/enterprise.valid.json")
    floor = median_seconds([sys.executable, "-c", "pass"])
    print(f"start-up (median of 5): python -c pass {floor:.3f} s")
    for label, command, target in (("wsas --help", [*wsas, "--help"], TARGET_HELP),
                                   ("wsas validate (1 file)", [*wsas, "validate", example], TARGET_ONE_FILE),
                                   ("wsas score (1 file)", [*wsas, "score", example], TARGET_ONE_FILE)):
        seconds = median_seconds(command)
        ratio = seconds / floor
        print(f"  {label:24} {seconds:.3f} s = {ratio:5.1f}× python -c pass (target ≤ {target}×) "
              f"{'met' if ratio <= target else 'NOT MET'}")


def jsonschema_only(path: Path, limit: int) -> int:
    check = validator("submission")
    count = 0
    with open(path, "rb") as handle:
        for line in itertools.islice(handle, limit):
            assert check.is_valid(json.loads(line, parse_float=Decimal))
            count += 1
    return count


def peak_memory_mb(command: list[str]) -> tuple[float, float, int]:
    """Peak memory of ``command`` with its worker processes, sampled every 50 ms: the sum of RSS (counts
    pages shared between the forked workers once per process) and the sum of PSS (shares them out)."""
    process = psutil.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peak_rss = peak_pss = 0
    done = threading.Event()

    def sample():
        nonlocal peak_rss, peak_pss
        while not done.is_set():
            rss = pss = 0
            try:
                for member in [process] + process.children(recursive=True):
                    info = member.memory_full_info()
                    rss += info.rss
                    pss += getattr(info, "pss", info.rss)
            except psutil.Error:
                pass
            peak_rss, peak_pss = max(peak_rss, rss), max(peak_pss, pss)
            time.sleep(0.05)

    sampler = threading.Thread(target=sample)
    sampler.start()
    process.wait()
    done.set()
    sampler.join()
    return peak_rss / 1e6, peak_pss / 1e6, process.returncode


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-rubric", type=int, default=25_000, help="generated submissions per rubric")
    parser.add_argument("--jsonschema-sample", type=int, default=2_000,
                        help="records validated by python-jsonschema alone (it is slow)")
    parser.add_argument("--stream", type=int, default=1_000_000, help="records in the memory run")
    parser.add_argument("--workdir", help="keep generated files here (default: a temporary folder)")
    parser.add_argument("--differential", type=int, default=100_000,
                        help="generated records compared between the fast and the reference path")
    args = parser.parse_args()
    start_up()

    with tempfile.TemporaryDirectory(prefix="wsas-bench-") as temporary:
        work = Path(args.workdir or temporary)
        work.mkdir(parents=True, exist_ok=True)
        batch = work / "batch.jsonl"
        count = generate(batch, args.per_rubric)
        size = batch.stat().st_size
        jobs = jobs_for(None, size)
        print(f"file: {count} records, {size / 1e6:.1f} MB, {size / count:.0f} bytes/record; "
              f"{os.cpu_count()} CPU(s), CLI would use {jobs} worker process(es)")

        # The machine may be shared: each wsas run is measured between two orjson parse-only runs of the same
        # file, and its ratio taken to their mean, so that load that comes and goes hits both sides alike.
        # CPU time per record (all processes) is printed too: unlike wall time, other jobs on the machine do not
        # change it much, so it tells what the code costs when they take the cores a run would need.
        floors, rates, ratios, orjson_cpu = [], {}, {}, []
        for mode, formats in MODES.items():
            for processes in sorted({1, jobs}):
                used = cpu_seconds()
                before = rate_of(lambda: orjson_parse(batch))
                orjson_cpu.append((cpu_seconds() - used) / count)
                used = cpu_seconds()
                seconds, scored = timed(lambda: wsas_pipeline(batch, processes, formats))
                cpu = (cpu_seconds() - used) / count
                after = rate_of(lambda: orjson_parse(batch))
                assert scored == count, (scored, count)
                floor, rate = (before + after) / 2, count / seconds
                floors += [before, after]
                rates[mode, processes], ratios[mode, processes] = rate, rate / floor
                print(f"wsas {mode + ',':20} {processes} proc: {rate:10,.0f} records/s (CPU {cpu * 1e6:5.1f} µs/record, "
                      f"all processes); orjson parse-only beside it {floor:10,.0f} records/s: {rate / floor:.3f}×")
        orjson_rate = statistics.median(floors)
        print(f"orjson parse-only:            {orjson_rate:12,.0f} records/s (median of {len(floors)} runs; "
              f"CPU {statistics.median(orjson_cpu) * 1e6:.1f} µs/record)")
        for mode in MODES:
            shown = ", ".join(f"{processes} process{'es' if processes > 1 else ''} {ratios[mode, processes]:.3f}×"
                              for processes in sorted({1, jobs}))
            print(f"batch ratio to orjson parse-only, {mode}: {shown}")
        best_rate = max(rates["validate+score", processes] for processes in {1, jobs})
        sample = min(args.jsonschema_sample, count)
        seconds, checked = timed(lambda: jsonschema_only(batch, sample))
        jsonschema_rate = checked / seconds
        print(f"python-jsonschema only:       {jsonschema_rate:12,.0f} records/s (first {sample} records)")
        versus_orjson = ratios["validate+score", jobs]
        print(f"ratio wsas validate+score / orjson with all cores ({jobs} processes): {versus_orjson:.3f}×  "
              f"(target ≥ {TARGET_ORJSON}×) {'met' if versus_orjson >= TARGET_ORJSON else 'NOT MET'}")
        versus_jsonschema = best_rate / jsonschema_rate
        print(f"ratio wsas / python-jsonschema: {versus_jsonschema:6.1f}×  (target ≥ {TARGET_JSONSCHEMA}×) "
              f"{'met' if versus_jsonschema >= TARGET_JSONSCHEMA else 'NOT MET'}")

        one_bad = work / "one-bad.jsonl"
        repeat(batch, one_bad, 100_000)
        lines = one_bad.read_bytes().splitlines(keepends=True)
        lines[54_321] = b'{"rubric": "lianyungang-2020/enterprise", "responses": \n'
        one_bad.write_bytes(b"".join(lines))
        del lines
        scored_file = work / "one-bad.results.jsonl"
        completed = subprocess.run([sys.executable, "-m", "wsas", "score", str(one_bad), "--jsonl", str(scored_file),
                                    "--quiet"], capture_output=True, text=True)
        reported = [line for line in completed.stderr.splitlines() if line.startswith(str(one_bad))]
        with open(scored_file, "rb") as handle:
            written = sum(1 for _ in handle)
        print(f"100,000 records with 1 bad: {written} scored, {len(reported)} reported "
              f"(exit {completed.returncode}): {reported[0] if reported else '-'}")

        stream = work / "stream.jsonl"
        repeat(batch, stream, args.stream)
        for label, extra in (("1 process", ["--jobs", "1"]), (f"{jobs} processes", ["--jobs", str(jobs)])):
            start = time.perf_counter()
            rss, pss, code = peak_memory_mb([sys.executable, "-m", "wsas", "score", str(stream), "--quiet",
                                             "--jsonl", str(work / "stream.results.jsonl"),
                                             "--csv", str(work / "stream.csv"), *extra])
            seconds = time.perf_counter() - start
            print(f"peak memory, {args.stream:,} records, {label}: PSS {pss:6.1f} MB "
                  f"(target < {TARGET_RSS_MB} MB: {'met' if pss < TARGET_RSS_MB else 'NOT MET'}; RSS summed over the "
                  f"processes {rss:.1f} MB counts pages the forked workers share once per process); "
                  f"{args.stream / seconds:,.0f} records/s with JSONL + CSV written (exit {code})")

    seconds, counts = timed(lambda: differential_run(args.differential, jobs))
    print(f"differential fast path vs reference: {counts['records']:,} generated records ({counts['both']:,} accepted by "
          f"both, {counts['refused']:,} left to the reference path; {counts['batch']:,} also compared as batches: "
          f"outputs, errors, counts), 0 disagreements, {seconds:.0f} s")
    return 0


def differential_run(count: int, jobs: int) -> dict:
    """:func:`differential.compare_all` on ``count`` records, in ``jobs`` processes (each its own seed)."""
    if jobs <= 1:
        return differential.compare_all(count, seed=1)
    import multiprocessing

    with multiprocessing.get_context("fork").Pool(jobs) as pool:
        shards = pool.starmap(differential.compare_all, [(count // jobs, seed) for seed in range(1, jobs + 1)])
    return {key: sum(shard[key] for shard in shards) for key in shards[0]}


if __name__ == "__main__":
    sys.exit(main())
