"""Time per case as the rule base grows (1x, 2x, 3x, 4x, 8x, 16x copies of every rule) and as the known facts grow.

    python benchmarks/bench_scaling.py [--rounds 10] [--lift-limits]

Each size runs in its own process. A size the advisor refuses is reported with
the refusal, not a time: past :data:`cec_advisor.rulebase.model.MAX_RULES` the rule
base is refused at load, and a shared test over
:data:`cec_advisor.engine.compile.MAX_LINKS_PER_TEST` or
:data:`cec_advisor.engine.compile.MAX_PATTERNS_PER_TEST` is refused at its rule (both
one-line errors, exit 2 from the CLI). A size that kills the process (a crash
in durable-rules' C engine) is reported as such.

``--lift-limits`` raises those three limits out of reach inside each measuring
process, so the rule engine's own breaking point can still be measured, as the
limits were: durable-rules has fixed-size tables, and past them it fails with
an engine error or crashes the process. Measured with durable-rules 2.0.28 and
149 rules: 3x plans every sample case, 4x fails with error 303 asserting a
case, 8x crashes (SIGSEGV or SIGABRT, it varies), 16x fails with error 107
creating the ruleset. Use it to re-measure the limits after upgrading
durable-rules, never to plan real cases.
"""

from __future__ import annotations

import argparse
import copy
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

from _common import ROOT, median_ms, scaled_rules, timed

import cec_advisor.engine.compile
import cec_advisor.rulebase.model
from cec_advisor.advisor import Advisor
from cec_advisor.errors import CaseFileError, CecError
from cec_advisor.io.yamlsource import Locator, read_yaml
from cec_advisor.model.case import case_from_data
from cec_advisor.model.facts import case_facts
from cec_advisor.rulebase.load import load_rulebase

FACTORS = (1, 2, 3, 4, 8, 16)
BEYOND_REACH = 10**9


def lift_limits() -> None:
    """Raise the advisor's rule-base limits out of reach in this process, leaving only the engine's own."""
    cec_advisor.rulebase.model.MAX_RULES = BEYOND_REACH
    cec_advisor.engine.compile.MAX_LINKS_PER_TEST = BEYOND_REACH
    cec_advisor.engine.compile.MAX_PATTERNS_PER_TEST = BEYOND_REACH


def per_case(advisor: Advisor, files: list[Path], rounds: int) -> float:
    cases = [advisor.load(p) for p in files]
    samples = []
    for _ in range(rounds):
        for case in cases:
            samples.append(timed(lambda c=case: advisor.plan(c)))
    return median_ms(samples)


def one_factor(factor: int, rounds: int) -> str:
    """Measure one rule-base size: ``"<rules> <ms>"``, or ``"refused <error>: <message>"``.

    Run in its own process: a refused rule base can leave the engine unusable, or crash it.
    """
    files = sorted((ROOT / "cases").glob("*.yaml"))
    with tempfile.TemporaryDirectory() as temporary:
        folder = scaled_rules(factor, Path(temporary) / "rules")
        try:
            advisor = Advisor(folder)
            return f"{len(advisor.rulebase.rules)} {per_case(advisor, files, rounds):.3f}"
        except CecError as exc:
            message = str(exc).replace(f"{folder}/", "").removeprefix(f"{folder}: ")
            return f"refused {type(exc).__name__}: {message}"


def died(child: subprocess.CompletedProcess[str]) -> str:
    """Why a measuring process ended without an answer: its signal or exit code, and its last line of output."""
    how = signal.Signals(-child.returncode).name if child.returncode < 0 else f"exit {child.returncode}"
    last = child.stderr.strip().splitlines()[-1:]
    return f"the process died ({how})" + (f": {last[0]}" if last else "")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument(
        "--lift-limits",
        action="store_true",
        help="raise MAX_RULES, MAX_LINKS_PER_TEST and MAX_PATTERNS_PER_TEST out of reach (find the engine's limit)",
    )
    parser.add_argument("--factor", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.lift_limits:
        lift_limits()
    if args.factor:
        print(one_factor(args.factor, args.rounds))
        return
    shipped = len(load_rulebase().rules)
    limits = "lifted" if args.lift_limits else f"on (MAX_RULES {cec_advisor.rulebase.model.MAX_RULES})"
    print(f"Rule base size (sample cases, engine + plan per case, medians; advisor limits {limits})")
    print(f"{'factor':>6} {'rules':>6} {'ms/case':>8} {'x 1x':>6} {'ms/case per rule (x1000)':>26}")
    base = None
    for factor in FACTORS:
        command = [sys.executable, __file__, "--factor", str(factor), "--rounds", str(args.rounds)]
        child = subprocess.run(
            command + (["--lift-limits"] if args.lift_limits else []), capture_output=True, text=True, check=False
        )
        answer = child.stdout.strip()
        if child.returncode != 0 or not answer or answer.startswith("refused "):
            why = answer.removeprefix("refused ") if answer.startswith("refused ") else died(child)
            print(f"{factor:6d} {factor * shipped:6d}  {why}")
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
