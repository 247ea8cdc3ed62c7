"""Gap analysis: inputs for which a single-valued decision gets no value, or more than one.

Two sources of cases, both deterministic for a seed:

- enumerated: for each required single-valued decision, every combination (or,
  past a limit, a seeded sample) of the facts its concluding rules test, and of
  the facts behind the decisions those rules depend on, on a neutral case;
- sampled: cases drawn from the same Hypothesis strategies the tests use.

Every case is run through the real engine, which refuses a run where a
single-valued decision was concluded twice differently (a conflict) or a
required one not at all (a gap). Each distinct problem is reported once, with
a witness case file written to the output folder.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from cec_advisor.advisor import Advisor
from cec_advisor.case import Case, case_from_data
from cec_advisor.errors import CaseFileError, EngineError
from cec_advisor.fileio import write_atomic
from cec_advisor.rulebase import Rule, RuleBase
from cec_advisor.strategies import generate_cases
from cec_advisor.witness import witnesses
from cec_advisor.yamlsource import Locator


@dataclass(frozen=True)
class Gap:
    """A decision problem found on a case: what the engine said, and the witness case."""

    problem: str
    source: str
    witness: dict[str, Any]
    file: Path | None = None


@dataclass
class GapReport:
    """What the gap analysis ran and found."""

    enumerated: int
    sampled: int
    gaps: list[Gap]


def relevant_rules(rulebase: RuleBase, decision: str, depth: int = 2) -> list[Rule]:
    """Rules that conclude ``decision``, and (to ``depth``) the rules concluding the decisions they test."""
    found: list[Rule] = []
    wanted = {decision}
    for _ in range(depth):
        layer = [r for r in rulebase.rules if set(r.then.conclude) & wanted and r not in found]
        found += layer
        wanted = {t.decision for r in layer for t in r.when.decisions}
    return found


def enumerated_cases(rulebase: RuleBase, per_decision: int, seed: int) -> Iterator[tuple[str, Case]]:
    """Cases varying the facts behind each required single-valued decision."""
    for decision in rulebase.decisions.values():
        if not (decision.single and decision.required):
            continue
        conditions = [(r.when.facts, r.when.any_groups) for r in relevant_rules(rulebase, decision.id)]
        for _, case, _ in witnesses(
            [((), ())], also=conditions, seed=seed, exhaustive_limit=per_decision, samples=per_decision
        ):
            yield f"enumerated for {decision.id}", case


def sampled_cases(count: int, seed: int) -> Iterator[tuple[str, Case]]:
    """Valid cases drawn from the package's Hypothesis strategies."""
    for data in generate_cases(count, seed):
        try:
            yield "sampled", case_from_data(data, Locator(data["id"]))
        except CaseFileError:
            continue


def find_gaps(
    advisor: Advisor, *, count: int = 500, per_decision: int = 2000, seed: int = 0, out_dir: Path | None = None
) -> GapReport:
    """Run the enumerated and sampled cases through the engine and collect each distinct problem once."""
    gaps: dict[str, Gap] = {}
    totals = {"enumerated": 0, "sampled": 0}
    sources: Iterable[tuple[str, Case]] = [
        *enumerated_cases(advisor.rulebase, per_decision, seed),
        *sampled_cases(count, seed),
    ]
    for source, case in sources:
        totals["sampled" if source == "sampled" else "enumerated"] += 1
        try:
            advisor.run(case)
        except EngineError as exc:
            key = str(exc)
            if key not in gaps:
                gaps[key] = Gap(key, source, case.model_dump(mode="json"))
    found = list(gaps.values())
    if out_dir is not None:
        found = [_write(gap, out_dir, number) for number, gap in enumerate(found, 1)]
    return GapReport(totals["enumerated"], totals["sampled"], found)


def _write(gap: Gap, out_dir: Path, number: int) -> Gap:
    path = out_dir / f"gap-{number:03d}.yaml"
    witness = dict(gap.witness, id=f"gap-{number:03d}")
    header = f"# Witness for: {gap.problem}\n# Found by: {gap.source}\n"
    write_atomic(path, header + yaml.safe_dump(witness, sort_keys=False, allow_unicode=True))
    return Gap(gap.problem, gap.source, witness, path)
