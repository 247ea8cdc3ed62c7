"""CLI cold start for one `plan`, against the floor: `python -c` importing the same dependencies.

    python benchmarks/bench_cli.py [--runs 15]

The two commands alternate run by run so machine noise hits both alike.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time

from _common import ROOT

FLOOR = (
    "import durable.engine, click, yaml, orjson\nfrom pydantic import BaseModel\nclass M(BaseModel):\n    a: int = 1"
)


def wall(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, cwd=ROOT)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    cli = shutil.which("cec-advisor") or str(ROOT / ".venv" / "bin" / "cec-advisor")
    plan = [cli, "plan", "cases/riverside-adversarial.yaml", "--format", "json"]
    floor = [sys.executable, "-c", FLOOR]
    wall(plan), wall(floor)
    plans, floors = [], []
    for _ in range(args.runs):
        plans.append(wall(plan))
        floors.append(wall(floor))
    ratio = statistics.median(p / f for p, f in zip(plans, floors, strict=True))
    print(f"CLI cold start over {args.runs} alternating runs (medians)")
    print(f"cec-advisor plan (json)     {statistics.median(plans) * 1e3:8.1f} ms")
    print(f"floor: import the deps      {statistics.median(floors) * 1e3:8.1f} ms")
    print(f"ratio (run by run, median)  {ratio:8.2f}x   target <= 1.5x")


if __name__ == "__main__":
    main()
