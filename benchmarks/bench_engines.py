"""Race the two engines on the same cases: durable-rules (every plan) against CLIPS (crosscheck's second engine).

    python benchmarks/bench_engines.py [--rounds 5] [--generated 1000] [--drift 6000]

Corpus: the sample cases plus generated ones. In every round each case runs
through durable, then CLIPS, then the rest of a plan (build, render JSON,
write the file), side by side; the figures are medians per case over every
run. The drift part runs one CLIPS environment over ``--drift`` cases without
rebuilding it, then the engine as crosscheck uses it (rebuilt every
``REBUILD_EVERY`` runs), and prints the median per window of 1,000 runs.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from _common import ROOT, corpus, median_ms, timed

from cec_advisor.advisor import Advisor
from cec_advisor.io.fileio import write_atomic
from cec_advisor.model.facts import case_facts
from cec_advisor.plan.build import build_plan
from cec_advisor.render.json import render_json
from cec_advisor.verify import clips as clips_module
from cec_advisor.verify.clips import REBUILD_EVERY, ClipsEngine


def race(advisor: Advisor, files: list[Path], rounds: int) -> None:
    """Per-case medians of each engine and of every other stage of a plan, run side by side."""
    engine = ClipsEngine(advisor.rulebase)
    stages: dict[str, list[float]] = {
        name: [] for name in ("load+validate", "durable run", "CLIPS run", "build plan", "render JSON", "write file")
    }
    cases = [advisor.load(path) for path in files]
    with tempfile.TemporaryDirectory() as out:
        for _ in range(rounds):
            for case in cases:
                facts = case_facts(case)
                path = files[cases.index(case)]
                stages["load+validate"].append(timed(lambda p=path: advisor.load(p)))
                stages["durable run"].append(timed(lambda f=facts: advisor.engine.run(f)))
                stages["CLIPS run"].append(timed(lambda f=facts: engine.run(f)))
                result = advisor.engine.run(facts)
                stages["build plan"].append(
                    timed(lambda c=case, f=facts, r=result: build_plan(c, f, r, advisor.rulebase))
                )
                plan = build_plan(case, facts, result, advisor.rulebase)
                stages["render JSON"].append(timed(lambda p=plan: render_json(p)))
                text = render_json(plan)
                target = Path(out) / f"{case.id}.json"
                stages["write file"].append(timed(lambda t=target, x=text: write_atomic(t, x, sync=False)))
    plan_total = sum(
        median_ms(stages[s]) for s in ("load+validate", "durable run", "build plan", "render JSON", "write file")
    )
    print(f"{len(files)} cases x {rounds} rounds, medians per case")
    print(f"{'stage':<16} {'ms':>7}  {'share of a plan':>15}")
    for name, samples in stages.items():
        share = "" if name == "CLIPS run" else f"{median_ms(samples) / plan_total:>14.0%}"
        print(f"{name:<16} {median_ms(samples):>7.3f}  {share:>15}")
    durable, clips_ms = median_ms(stages["durable run"]), median_ms(stages["CLIPS run"])
    print(f"CLIPS / durable per case: {clips_ms / durable:.2f}x")


def drift(advisor: Advisor, files: list[Path], runs: int) -> None:
    """Median CLIPS time per window of 1,000 runs: one environment never rebuilt, then rebuilt as crosscheck does."""
    facts = [case_facts(advisor.load(path)) for path in files]
    for label, every in (("never rebuilt", 10**9), (f"rebuilt every {REBUILD_EVERY}", REBUILD_EVERY)):
        clips_module.REBUILD_EVERY = every
        engine = ClipsEngine(advisor.rulebase)
        windows: list[list[float]] = []
        for n in range(runs):
            if n % 1000 == 0:
                windows.append([])
            case_facts_now = facts[n % len(facts)]
            windows[-1].append(timed(lambda f=case_facts_now, e=engine: e.run(f)))
        print(f"CLIPS, {label}: " + ", ".join(f"{median_ms(w):.3f}" for w in windows) + " ms per case by 1,000 runs")
    clips_module.REBUILD_EVERY = REBUILD_EVERY


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--generated", type=int, default=1000)
    parser.add_argument("--drift", type=int, default=6000)
    args = parser.parse_args()
    advisor = Advisor()
    files = sorted((ROOT / "cases").rglob("*.yaml")) + sorted(corpus(args.generated).glob("*.yaml"))
    for path in files[:20]:
        advisor.plan_file(path)
    race(advisor, files, args.rounds)
    if args.drift:
        drift(advisor, files, args.drift)


if __name__ == "__main__":
    main()
