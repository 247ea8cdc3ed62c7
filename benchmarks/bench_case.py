"""Per-case planning time in process, split by stage, against the floor of loading and validating the case.

    python benchmarks/bench_case.py [--rounds 15] [--generated 300]

Corpus: the sample cases plus generated ones. Every stage is timed for every
case in every round, side by side; the figures are medians over all of them.
"""

from __future__ import annotations

import argparse

from _common import ROOT, corpus, median_ms, timed

from cec_advisor.advisor import Advisor
from cec_advisor.model.facts import case_facts
from cec_advisor.plan.build import build_plan
from cec_advisor.render.json import render_json
from cec_advisor.render.markdown import render_markdown


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--generated", type=int, default=300)
    args = parser.parse_args()
    advisor = Advisor()
    files = sorted((ROOT / "cases").glob("*.yaml")) + sorted(corpus(args.generated).glob("*.yaml"))
    for path in files[:20]:  # warm up
        advisor.plan_file(path)
    stages: dict[str, list[float]] = {
        "load+validate (floor)": [],
        "engine": [],
        "plan": [],
        "render json": [],
        "render markdown": [],
        "engine+plan": [],
        "total": [],
    }
    for _ in range(args.rounds):
        for path in files:
            load = timed(lambda p=path: advisor.load(p))
            case = advisor.load(path)
            facts = case_facts(case)
            engine = timed(lambda f=facts: advisor.engine.run(f))
            result = advisor.engine.run(facts)
            plan_time = timed(lambda c=case, f=facts, r=result: build_plan(c, f, r, advisor.rulebase))
            plan = build_plan(case, facts, result, advisor.rulebase)
            json_time = timed(lambda p=plan: render_json(p))
            md_time = timed(lambda p=plan: render_markdown(p))
            for name, value in (
                ("load+validate (floor)", load),
                ("engine", engine),
                ("plan", plan_time),
                ("render json", json_time),
                ("render markdown", md_time),
                ("engine+plan", engine + plan_time),
                ("total", load + engine + plan_time + json_time),
            ):
                stages[name].append(value)
    floor = median_ms(stages["load+validate (floor)"])
    print(f"Per-case time in process: {len(files)} cases x {args.rounds} rounds (medians)")
    print(f"{'stage':24} {'median ms':>10} {'x floor':>8}")
    for name, samples in stages.items():
        print(f"{name:24} {median_ms(samples):10.3f} {median_ms(samples) / floor:8.2f}")
    print("target: engine+plan <= 1.5 ms median per case")


if __name__ == "__main__":
    main()
