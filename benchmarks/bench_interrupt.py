"""How long a batch takes to stop after Ctrl-C, and whether every process goes with it.

    python benchmarks/bench_interrupt.py [--rounds 3]

For ``-j 1``, ``-j 2`` and ``-j 8``: start a batch over 2,000 generated
cases (all three formats) in its own process group, wait until it has
written 30 plans, send SIGINT to the whole group (what a terminal's Ctrl-C
does), and time until the batch has exited and no process of the group is
left. Prints the median and worst time per ``-j``, the exit code and whether
anything printed a traceback.
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import corpus


def group_alive(group: int) -> bool:
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return False
    return True


def one_stop(cases: Path, jobs: int) -> tuple[float, int, bool]:
    """Seconds from SIGINT until every process of the batch's group is gone; its exit code; whether it traced back."""
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "out"
        command = [sys.executable, "-m", "cec_advisor", "batch", str(cases), "--out", str(out), "-j", str(jobs)]
        command += ["-f", "json,markdown,html"]
        process = subprocess.Popen(command, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, start_new_session=True)
        while not (out.is_dir() and sum(1 for p in out.iterdir() if p.suffix == ".html") >= 30):
            time.sleep(0.01)
        sent = time.perf_counter()
        os.killpg(process.pid, signal.SIGINT)
        _, stderr = process.communicate(timeout=120)
        while group_alive(process.pid):
            time.sleep(0.005)
        return time.perf_counter() - sent, process.returncode, b"Traceback" in stderr


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    cases = corpus(2000)
    print("Ctrl-C to a running batch: seconds until every process is gone")
    print(f"{'jobs':>4} {'median s':>9} {'worst s':>8} {'exit':>5} {'traceback':>9}")
    for jobs in (1, 2, 8):
        runs = [one_stop(cases, jobs) for _ in range(args.rounds)]
        times = [t for t, _, _ in runs]
        codes = sorted({code for _, code, _ in runs})
        traced = any(t for _, _, t in runs)
        print(f"{jobs:>4} {statistics.median(times):>9.3f} {max(times):>8.3f} {codes!s:>5} {traced!s:>9}")


if __name__ == "__main__":
    main()
