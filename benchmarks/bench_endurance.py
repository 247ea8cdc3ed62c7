"""Staying power: many cases planned in one process, resident memory sampled along the way.

    python benchmarks/bench_endurance.py [--cases 100000]

Plans a grid of distinct cases over and over in one process (one engine
session per case, deleted after it), and prints the time, any errors, and the
resident set size every tenth of the way.
"""

from __future__ import annotations

import argparse
import resource
import time

import _common  # noqa: F401  (puts the project on sys.path)

from cec_advisor.advisor import Advisor
from cec_advisor.errors import CecError
from cec_advisor.verify.witness import VARIED_GRID, grid_cases


def rss_mb() -> float:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * resource.getpagesize() / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    args = parser.parse_args()
    advisor = Advisor()
    cases = grid_cases(VARIED_GRID)
    errors = 0
    start = time.perf_counter()
    print(f"{'cases':>8} {'seconds':>8} {'RSS MB':>8} {'errors':>7}")
    for n in range(1, args.cases + 1):
        try:
            advisor.plan(cases[n % len(cases)])
        except CecError:
            errors += 1
        if n % (args.cases // 10) == 0:
            print(f"{n:8d} {time.perf_counter() - start:8.1f} {rss_mb():8.1f} {errors:7d}", flush=True)


if __name__ == "__main__":
    main()
