"""N-version checking of the rule base: every case through durable-rules and through CLIPS, compared.

The two engines share the validated rule base and nothing else: the durable
adapter compiles it to durable's network, :mod:`cec_advisor.verify.clips`
translates it to CLIPS. Where they disagree on a case (a decision, a service,
a warning, an open question, or the order and content of the firings) one of
them is wrong, most likely the adapter's handling of one of durable's traps
(negation, firing order, repeated activations). Each disagreement names the case
and its witness: the case file itself, or for a generated case the file
written to the witness folder.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from cec_advisor.advisor import Advisor
from cec_advisor.engine.trace import Firing, RunResult
from cec_advisor.errors import CecError, EngineError
from cec_advisor.io.fileio import write_atomic
from cec_advisor.io.sources import collect_case_files
from cec_advisor.io.yamlsource import Locator
from cec_advisor.model.case import Case, case_from_data
from cec_advisor.model.facts import case_facts
from cec_advisor.model.scales import yaml_word
from cec_advisor.rulebase.model import ELEMENT_DECISION, SERVICE_DECISION
from cec_advisor.verify.clips import ClipsEngine

ASPECTS = ("decision", "services", "warnings", "open questions", "firings")
"""What is compared, in the order a disagreement is reported."""


@dataclass(frozen=True)
class Disagreement:
    """One way the two engines differ on one case: what durable concluded and what CLIPS did."""

    case: str
    witness: str
    aspect: str
    durable: str
    clips: str

    def as_dict(self) -> dict[str, str]:
        """JSON-ready data."""
        return {
            "case": self.case,
            "witness": self.witness,
            "aspect": self.aspect,
            "durable": self.durable,
            "clips": self.clips,
        }


@dataclass
class CrosscheckReport:
    """Every case run through both engines: how many, the disagreements, and the cases that could not be run."""

    checked: int = 0
    disagreements: list[Disagreement] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)
    """(source, message) for each case file that could not be read or validated."""

    @property
    def disagreeing_cases(self) -> int:
        """How many cases have at least one disagreement."""
        return len({d.case for d in self.disagreements})

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready data."""
        return {
            "checked": self.checked,
            "disagreeing_cases": self.disagreeing_cases,
            "disagreements": [d.as_dict() for d in self.disagreements],
            "errors": [{"source": source, "message": message} for source, message in self.errors],
        }


def _firing_text(firing: Firing | None) -> str:
    if firing is None:
        return "nothing"
    facts = ", ".join(f"{path} = {yaml_word(value)}" for path, value in firing.facts.items())
    return f"{firing.rule} ({facts})" if facts else firing.rule


def _listed(values: Iterable[Any]) -> str:
    words = [yaml_word(v) if not isinstance(v, tuple) else ": ".join(str(x) for x in v) for v in values]
    return "; ".join(words) or "none"


def differences(durable: RunResult, clips: RunResult) -> Iterator[tuple[str, str, str]]:
    """Each (aspect, durable's, CLIPS's) on which two runs of one case differ, in :data:`ASPECTS` order."""
    for decision in sorted(set(durable.values) | set(clips.values)):
        if decision in (SERVICE_DECISION, ELEMENT_DECISION):
            continue
        mine, theirs = durable.values.get(decision, []), clips.values.get(decision, [])
        if mine != theirs:
            yield f"decision {decision}", _listed(mine), _listed(theirs)
    if durable.all_values(SERVICE_DECISION) != clips.all_values(SERVICE_DECISION):
        yield "services", _listed(durable.all_values(SERVICE_DECISION)), _listed(clips.all_values(SERVICE_DECISION))
    if durable.warnings != clips.warnings:
        yield (
            "warnings",
            _listed((w.rule, w.message) for w in durable.warnings),
            _listed((w.rule, w.message) for w in clips.warnings),
        )
    if durable.undetermined != clips.undetermined:
        questions = [(q.rule, q.decision, q.settle_with) for q in durable.undetermined]
        others = [(q.rule, q.decision, q.settle_with) for q in clips.undetermined]
        yield "open questions", _listed(questions), _listed(others)
    yield from _firing_difference(durable.firings, clips.firings)


def _firing_difference(durable: list[Firing], clips: list[Firing]) -> Iterator[tuple[str, str, str]]:
    """The first firing at which the two traces part (rule, matched facts, conclusions), if they do."""
    for number in range(max(len(durable), len(clips))):
        mine = durable[number] if number < len(durable) else None
        theirs = clips[number] if number < len(clips) else None
        if mine != theirs:
            where = f"firings: #{number + 1} of {len(durable)} (durable) and {len(clips)} (CLIPS)"
            yield where, _firing_text(mine), _firing_text(theirs)
            return


class Crosscheck:
    """Both engines over one rule base, ready to compare any number of cases."""

    def __init__(self, advisor: Advisor) -> None:
        self.advisor = advisor
        self.clips = ClipsEngine(advisor.rulebase)

    def compare(self, case: Case, witness: str, report: CrosscheckReport) -> list[Disagreement]:
        """Run one case through both engines and add what they disagree on to ``report``."""
        facts = case_facts(case)
        report.checked += 1
        try:
            durable = self.advisor.engine.run(facts)
        except EngineError as exc:
            found = [Disagreement(case.id, witness, "run", f"failed: {exc}", "ran without error")]
        else:
            clips = self.clips.run(facts)
            found = [Disagreement(case.id, witness, *d) for d in differences(durable, clips)]
        report.disagreements.extend(found)
        return found

    def check_files(self, sources: list[Path], report: CrosscheckReport) -> None:
        """Compare every case file under ``sources`` (folders expand to their YAML files); the file is the witness."""
        for path in collect_case_files(sources):
            try:
                case = self.advisor.load(Path(path))
            except CecError as exc:
                report.errors.append((str(path), str(exc)))
                continue
            self.compare(case, str(path), report)

    def check_generated(self, cases: list[dict[str, Any]], witness_dir: Path, report: CrosscheckReport) -> None:
        """Compare generated case documents; each one they disagree on is written to ``witness_dir`` as its witness."""
        for data in cases:
            case = case_from_data(data, Locator(f"<generated {data['id']}>"), self.advisor.rulebase.catalogue.ids)
            target = witness_dir / f"{case.id}.yaml"
            if self.compare(case, str(target), report):
                witness_dir.mkdir(parents=True, exist_ok=True)
                write_atomic(target, yaml.safe_dump(data, sort_keys=False, allow_unicode=True))


__all__ = ["ASPECTS", "Crosscheck", "CrosscheckReport", "Disagreement", "differences"]
