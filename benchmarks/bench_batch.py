"""Batch throughput and peak memory over generated corpora, with --jobs 1 and --jobs 2.

    python benchmarks/bench_batch.py [--sizes 1000,10000,100000] [--format json]

Corpora are generated once into benchmarks/.corpus/ (git-ignored). Each batch
runs as its own process under GNU time; peak memory is the largest resident
set of the batch and its workers.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from _common import ROOT, corpus


def run(folder: Path, jobs: int, fmt: str) -> tuple[float, float]:
    """Seconds and peak MB of one batch run."""
    cli = shutil.which("cec-advisor") or str(ROOT / ".venv" / "bin" / "cec-advisor")
    out = Path(tempfile.mkdtemp(prefix="cec-bench-"))
    report = out / "time.txt"
    start = time.perf_counter()
    subprocess.run(
        [
            "/usr/bin/time",
            "-f",
            "%M",
            "-o",
            str(report),
            cli,
            "batch",
            str(folder),
            "--out",
            str(out / "plans"),
            "--format",
            fmt,
            "--jobs",
            str(jobs),
        ],
        check=False,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    seconds = time.perf_counter() - start
    peak = int(report.read_text().split()[-1]) / 1024
    shutil.rmtree(out, ignore_errors=True)
    return seconds, peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--format", default="json")
    parser.add_argument("--jobs", default="1,2", help="Comma-separated --jobs values to run.")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    job_counts = [int(j) for j in args.jobs.split(",")]
    print(f"{'cases':>8} {'jobs':>4} {'seconds':>9} {'cases/s':>9} {'peak MB':>8}")
    peaks: dict[tuple[int, int], float] = {}
    for size in sizes:
        folder = corpus(size)
        for jobs in job_counts:
            seconds, peak = run(folder, jobs, args.format)
            peaks[(size, jobs)] = peak
            print(f"{size:8d} {jobs:4d} {seconds:9.1f} {size / seconds:9.0f} {peak:8.1f}", flush=True)
    if (10000, 2) in peaks and (100000, 2) in peaks:
        growth = peaks[(100000, 2)] / peaks[(10000, 2)] - 1
        print(f"peak memory, 100k vs 10k (--jobs 2): {growth:+.1%}   target within +10%")
    print("targets: >= 1,500 cases/s with --jobs 2")


if __name__ == "__main__":
    main()
