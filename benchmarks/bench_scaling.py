"""Time per case as the rule base grows (1x, 2x, 4x, 8x copies of every rule) and as the known facts grow.

    python benchmarks/bench_scaling.py [--rounds 10]

Past a size durable-rules refuses the rule base itself (fixed-size tables in
its C engine: error 303 asserting a case at 8x, error 107 creating the
ruleset at 16x); the script reports that rather than a time.
"""

from __future__ import annotations

import argparse
import copy
import subprocess
import sys
import tempfile
from pathlib import Path

from _common import ROOT, median_ms, scaled_rules, timed

from cec_advisor.advisor import Advisor
from cec_advisor.case import case_from_data
from cec_advisor.errors import CaseFileError, EngineError
from cec_advisor.facts import case_facts
from cec_advisor.yamlsource import Locator, read_yaml


def per_case(advisor: Advisor, files: list[Path], rounds: int) -> float:
    cases = [advisor.load(p) for p in files]
    samples = []
    for _ in range(rounds):
        for case in cases:
            samples.append(timed(lambda c=case: advisor.plan(c)))
    return median_ms(samples)


def one_factor(factor: int, rounds: int) -> str:
    """Measure one rule-base size (run in its own process: a refused rule base can leave the engine unusable)."""
    files = sorted((ROOT / "cases").glob("*.yaml"))
    folder = scaled_rules(factor, Path(tempfile.mkdtemp()) / "rules")
    try:
        advisor = Advisor(folder)
        return f"{len(advisor.rulebase.rules)} {per_case(advisor, files, rounds):.3f}"
    except EngineError as exc:
        return f"refused {exc}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--factor", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.factor:
        print(one_factor(args.factor, args.rounds))
        return
    print("Rule base size (sample cases, engine + plan per case, medians)")
    print(f"{'factor':>6} {'rules':>6} {'ms/case':>8} {'x 1x':>6} {'ms/case per rule (x1000)':>26}")
    base = None
    for factor in (1, 2, 4, 8, 16):
        child = subprocess.run(
            [sys.executable, __file__, "--factor", str(factor), "--rounds", str(args.rounds)],
            capture_output=True,
            text=True,
            check=False,
        )
        answer = child.stdout.strip()
        if child.returncode != 0 or not answer or answer.startswith("refused"):
            why = answer.removeprefix("refused ") or f"the process died (exit {child.returncode})"
            print(f"{factor:6d} {factor * 104:6d}  refused by the engine: {why}")
            continue
        rules, ms = int(answer.split()[0]), float(answer.split()[1])
        base = base or ms
        print(f"{factor:6d} {rules:6d} {ms:8.3f} {ms / base:6.2f} {ms / rules * 1000:26.3f}")
    print("\nKnown facts (riverside-adversarial with a share of its facts set to unknown)")
    advisor = Advisor()
    data = read_yaml(ROOT / "cases" / "riverside-adversarial.yaml", CaseFileError).data
    leaves = [
        (block, key)
        for block, value in data.items()
        if isinstance(value, dict)
        for key in value
        if not isinstance(value[key], dict)
    ]
    print(f"{'known':>6} {'facts':>6} {'ms/case':>8}")
    for share in (0.25, 0.5, 0.75, 1.0):
        variant = copy.deepcopy(data)
        for block, key in leaves[int(len(leaves) * share) :]:
            variant[block][key] = "unknown"
        case = case_from_data(variant, Locator("scaling"))
        samples = [timed(lambda c=case: advisor.plan(c)) for _ in range(args.rounds * 20)]
        print(f"{share:6.0%} {len(case_facts(case)):6d} {median_ms(samples):8.3f}")


if __name__ == "__main__":
    main()
