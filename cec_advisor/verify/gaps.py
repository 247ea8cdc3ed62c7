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

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from cec_advisor.advisor import Advisor
from cec_advisor.errors import CaseFileError, EngineError
from cec_advisor.io.fileio import write_atomic
from cec_advisor.io.yamlsource import Locator
from cec_advisor.model.case import Case, case_from_data
from cec_advisor.rulebase.model import Rule, RuleBase
from cec_advisor.verify.generated import GeneratedFolder, Tidied
from cec_advisor.verify.strategies import generate_cases
from cec_advisor.verify.witness import witnesses


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
    tidied: Tidied | None = None
    """What became of the files already in the output folder (``None`` without one)."""

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready data."""
        return {
            "enumerated": self.enumerated,
            "sampled": self.sampled,
            "gaps": [
                {
                    "problem": gap.problem,
                    "source": gap.source,
                    "file": None if gap.file is None else str(gap.file),
                    "witness": gap.witness,
                }
                for gap in self.gaps
            ],
            "stale_witnesses_removed": list(self.tidied.removed) if self.tidied else [],
        }


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


def sampled_cases(
    count: int, seed: int, progress: Callable[[int, int], None] | None = None
) -> Iterator[tuple[str, Case]]:
    """Valid cases drawn from the package's Hypothesis strategies (``progress`` as for :func:`generate_cases`)."""
    for data in generate_cases(count, seed, progress=progress):
        try:
            yield "sampled", case_from_data(data, Locator(data["id"]))
        except CaseFileError:
            continue


def find_gaps(
    advisor: Advisor,
    *,
    count: int = 500,
    per_decision: int = 2000,
    seed: int = 0,
    out_dir: Path | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> GapReport:
    """Run the enumerated and sampled cases through the engine and collect each distinct problem once.

    ``progress(steps, total)`` hears of each case drawn and each case run.
    Witnesses go to ``out_dir`` as ``gap-NNN.yaml``; those an earlier run left
    there and this one does not write again are removed (:mod:`cec_advisor.verify.generated`).
    """
    gaps: dict[str, Gap] = {}
    enumerated = list(enumerated_cases(advisor.rulebase, per_decision, seed))
    total = len(enumerated) + 2 * count
    done = 0

    def tick(steps: int, _: int = 0) -> None:
        nonlocal done
        done += steps
        if progress is not None:
            progress(steps, total)

    sampled = list(sampled_cases(count, seed, tick))
    for source, case in [*enumerated, *sampled]:
        try:
            advisor.run(case)
        except EngineError as exc:
            key = str(exc)
            if key not in gaps:
                gaps[key] = Gap(key, source, case.model_dump(mode="json"))
        tick(1)
    tick(total - done)
    found = list(gaps.values())
    if out_dir is None:
        return GapReport(len(enumerated), len(sampled), found)
    folder = GeneratedFolder(out_dir, "gaps")
    folder.begin(_name(number) for number in range(1, len(found) + 1))
    found = [_write(gap, out_dir, number) for number, gap in enumerate(found, 1)]
    return GapReport(len(enumerated), len(sampled), found, folder.finish())


def _name(number: int) -> str:
    return f"gap-{number:03d}.yaml"


def _write(gap: Gap, out_dir: Path, number: int) -> Gap:
    path = out_dir / _name(number)
    witness = dict(gap.witness, id=path.stem)
    header = f"# Witness for: {gap.problem}\n# Found by: {gap.source}\n"
    write_atomic(path, header + yaml.safe_dump(witness, sort_keys=False, allow_unicode=True))
    return Gap(gap.problem, gap.source, witness, path)
