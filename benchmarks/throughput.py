"""Batch throughput and memory of ``wsas validate``/``wsas score`` (issue targets printed as ratios).

Run with ``make bench`` (or ``.venv/bin/python benchmarks/throughput.py [--per-rubric N] [--stream M]``).
Everything is measured in one run on the same generated JSON Lines file:

- orjson parse-only throughput (the floor any JSON tool pays),
- wsas validate+score throughput, in one process and with the worker processes the CLI would use,
- python-jsonschema-only throughput (parse + schema validation, no scoring) on a prefix of the same file,
- the ratios against the targets (≥ 0.5× orjson, ≥ 50× python-jsonschema),
- peak RSS of ``wsas score`` streaming a file of M records (target < 150 MB), process tree summed,
- a 100,000-record file with one bad record: how many scored, how many reported.

The file holds generated submissions (``wsas.synthetic``) for every published rubric.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from decimal import Decimal
from pathlib import Path

import orjson
import psutil

from wsas.batch import CheckerSpec, Formats, jobs_for, run
from wsas.output import dumps
from wsas.rubrics import published_catalogue
from wsas.schemas import validator
from wsas.sources import segments
from wsas.synthetic import submissions

TARGET_ORJSON, TARGET_JSONSCHEMA, TARGET_RSS_MB = 0.5, 50, 150


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


def wsas_pipeline(path: Path, jobs: int) -> int:
    """Validate and score every record (result computed, nothing written): records scored."""
    spec = CheckerSpec(formats=Formats(scoring=True, stdout=None))
    checker = spec()
    scored = 0
    for chunk in run(segments([str(path)]), (lambda: checker) if jobs == 1 else spec, jobs):
        scored += sum(chunk.valid_by_rubric.values())
    return scored


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
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="wsas-bench-") as temporary:
        work = Path(args.workdir or temporary)
        work.mkdir(parents=True, exist_ok=True)
        batch = work / "batch.jsonl"
        count = generate(batch, args.per_rubric)
        size = batch.stat().st_size
        jobs = jobs_for(None, size)
        print(f"file: {count} records, {size / 1e6:.1f} MB, {size / count:.0f} bytes/record; "
              f"{os.cpu_count()} CPU(s), CLI would use {jobs} worker process(es)")

        seconds, parsed = timed(lambda: orjson_parse(batch))
        orjson_rate = parsed / seconds
        print(f"orjson parse-only:            {orjson_rate:12,.0f} records/s")
        seconds, scored = timed(lambda: wsas_pipeline(batch, 1))
        assert scored == count, (scored, count)
        single_rate = count / seconds
        print(f"wsas validate+score, 1 proc:  {single_rate:12,.0f} records/s")
        best_rate = single_rate
        if jobs > 1:
            seconds, scored = timed(lambda: wsas_pipeline(batch, jobs))
            assert scored == count, (scored, count)
            best_rate = max(best_rate, count / seconds)
            print(f"wsas validate+score, {jobs} proc:  {count / seconds:12,.0f} records/s")
        sample = min(args.jsonschema_sample, count)
        seconds, checked = timed(lambda: jsonschema_only(batch, sample))
        jsonschema_rate = checked / seconds
        print(f"python-jsonschema only:       {jsonschema_rate:12,.0f} records/s (first {sample} records)")

        versus_orjson = best_rate / orjson_rate
        versus_jsonschema = best_rate / jsonschema_rate
        print(f"ratio wsas / orjson:          {versus_orjson:8.3f}×  (target ≥ {TARGET_ORJSON}×) "
              f"{'met' if versus_orjson >= TARGET_ORJSON else 'NOT MET'}")
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
    return 0


if __name__ == "__main__":
    sys.exit(main())
