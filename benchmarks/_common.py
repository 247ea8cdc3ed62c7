"""Helpers shared by the benchmark scripts: medians, side-by-side timing, generated corpora, scaled rule bases."""

from __future__ import annotations

import re
import shutil
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cec_advisor.io.fileio import write_atomic  # noqa: E402
from cec_advisor.verify.strategies import generate_cases  # noqa: E402

CORPORA = ROOT / "benchmarks" / ".corpus"


def median_ms(samples: list[float]) -> float:
    """Median of seconds, in milliseconds."""
    return statistics.median(samples) * 1e3


def timed(fn: Callable[[], object]) -> float:
    """Seconds one call takes."""
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def corpus(size: int, seed: int = 1) -> Path:
    """A folder of ``size`` generated case files (made once, then reused)."""
    folder = CORPORA / f"{size}-{seed}"
    if len(list(folder.glob("*.yaml"))) == size:
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    for data in generate_cases(size, seed):
        write_atomic(folder / f"{data['id']}.yaml", yaml.safe_dump(data, sort_keys=False), sync=False)
    return folder


def scaled_rules(factor: int, target: Path) -> Path:
    """A copy of rules/ where every rule appears ``factor`` times (copies get new ids, same logic)."""
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(ROOT / "rules", target)
    for path in sorted(target.glob("*.yaml")):
        if path.name in ("decisions.yaml", "services.yaml", "tiers.yaml"):
            continue
        head, body = path.read_text().split("\nrules:\n", 1)
        for n in range(2, factor + 1):
            copy = re.sub(r"(- id: K\d+-[a-z0-9-]+)", rf"\1-copy{n}", body)
            (target / f"{path.stem}-copy{n}.yaml").write_text(head + "\nrules:\n" + copy)
    return target
