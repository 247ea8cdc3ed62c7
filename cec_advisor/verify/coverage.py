"""Rule coverage over a corpus of case files: rules, conditions, decision outcomes and services.

- rule coverage: which rules fired, how often and in which cases, and which never did;
- condition coverage: every condition of every rule (each fact test, each any-group,
  each decision test), evaluated on every case (fact tests on the case's facts,
  decision tests on what the engine concluded for it), seen true and seen false;
- outcome coverage: which combinations of the outcome decisions' values
  (``outcome:`` in decisions.yaml: commitment x emphasis x plan type x
  readiness) the corpus reaches, and which it never does;
- service reachability: services the corpus never gets recommended.
"""

from __future__ import annotations

import itertools
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cec_advisor.advisor import Advisor
from cec_advisor.engine.trace import RunResult
from cec_advisor.errors import CecError
from cec_advisor.io.sources import collect_case_files
from cec_advisor.model.facts import Facts, case_facts
from cec_advisor.model.scales import UNKNOWN, one_of
from cec_advisor.rulebase.model import SERVICE_DECISION, DecisionTest, FactTest, Rule
from cec_advisor.rulebase.semantics import holds


@dataclass
class ConditionCoverage:
    """One condition of one rule and how often the corpus made it true and false."""

    rule: str
    index: int
    text: str
    true: int = 0
    false: int = 0


@dataclass
class CoverageReport:
    """Everything a corpus exercised."""

    cases: list[str] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)
    fired: dict[str, list[str]] = field(default_factory=dict)
    conditions: list[ConditionCoverage] = field(default_factory=list)
    outcomes: Counter[tuple[str, ...]] = field(default_factory=Counter)
    possible_outcomes: list[tuple[str, ...]] = field(default_factory=list)
    services: Counter[str] = field(default_factory=Counter)
    all_services: list[str] = field(default_factory=list)
    outcome_decisions: tuple[str, ...] = ()
    """The decisions an outcome combines, in the order of its values."""

    @property
    def never_fired(self) -> list[str]:
        """Rules that fired in no case."""
        return [rule for rule, cases in self.fired.items() if not cases]

    @property
    def rule_percent(self) -> float:
        """Share of rules that fired at least once."""
        return 100.0 * sum(1 for cases in self.fired.values() if cases) / max(len(self.fired), 1)

    @property
    def condition_percent(self) -> float:
        """Share of condition outcomes (true and false, per condition) seen."""
        seen = sum((c.true > 0) + (c.false > 0) for c in self.conditions)
        return 100.0 * seen / max(2 * len(self.conditions), 1)

    @property
    def never_reached(self) -> list[tuple[str, ...]]:
        """Outcome combinations the corpus never reaches."""
        return [o for o in self.possible_outcomes if o not in self.outcomes]

    @property
    def never_recommended(self) -> list[str]:
        """Services no case in the corpus gets."""
        return [s for s in self.all_services if not self.services[s]]

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready data."""
        return {
            "cases": len(self.cases),
            "errors": [{"file": f, "error": e} for f, e in self.errors],
            "rule_coverage": round(self.rule_percent, 2),
            "condition_coverage": round(self.condition_percent, 2),
            "rules": {rule: {"fired": len(cases), "cases": cases} for rule, cases in self.fired.items()},
            "never_fired": self.never_fired,
            "conditions": [c.__dict__ for c in self.conditions],
            "outcomes": {
                "decisions": list(self.outcome_decisions),
                "reached": [{"values": list(o), "cases": n} for o, n in sorted(self.outcomes.items())],
                "never_reached": [list(o) for o in self.never_reached],
            },
            "services": {s: self.services[s] for s in self.all_services},
            "never_recommended": self.never_recommended,
        }


def measure(advisor: Advisor, sources: list[Path]) -> CoverageReport:
    """Plan every case file under ``sources`` and record what the rule base saw."""
    rulebase = advisor.rulebase
    report = CoverageReport(
        fired={rule.id: [] for rule in rulebase.rules},
        conditions=[
            ConditionCoverage(rule.id, i, text)
            for rule in rulebase.rules
            for i, (text, _) in enumerate(conditions_of(rule))
        ],
        possible_outcomes=[
            tuple(str(v) for v in combo)
            for combo in itertools.product(*(d.values for d in rulebase.outcome_decisions()))
        ],
        all_services=list(rulebase.catalogue.ids),
        outcome_decisions=tuple(d.id for d in rulebase.outcome_decisions()),
    )
    index = {(c.rule, c.index): c for c in report.conditions}
    for path in collect_case_files(sources):
        try:
            case = advisor.load(Path(path))
            result = advisor.run(case)
        except CecError as exc:
            report.errors.append((str(path), str(exc)))
            continue
        report.cases.append(case.id)
        facts = case_facts(case)
        for firing_rule in dict.fromkeys(f.rule for f in result.firings):
            report.fired[firing_rule].append(case.id)
        for rule in rulebase.rules:
            for i, (_, check) in enumerate(conditions_of(rule)):
                outcome = index[(rule.id, i)]
                if check(facts, result):
                    outcome.true += 1
                else:
                    outcome.false += 1
        report.outcomes[tuple(str(result.value(d)) for d in report.outcome_decisions)] += 1
        report.services.update(str(s) for s in result.all_values(SERVICE_DECISION))
    return report


def conditions_of(rule: Rule) -> list[tuple[str, Any]]:
    """Each condition of a rule, described, with a check on (facts, run result)."""
    found: list[tuple[str, Any]] = []
    for test in rule.when.facts:
        found.append((test.describe(), _fact_check(test)))
    for group in rule.when.any_groups:
        text = "any of: " + " | ".join(" and ".join(t.describe() for t in option) for option in group)
        found.append((text, _group_check(group)))
    for decision in rule.when.decisions:
        verb = "was not concluded as" if decision.negated else "is"
        shown = " or ".join(str(v) for v in decision.values)
        found.append((f"{decision.decision} {verb} {shown}", _decision_check(decision)))
    return found


def _fact_check(test: FactTest) -> Any:
    return lambda facts, _: holds(test, facts.get(test.path, UNKNOWN))


def _group_check(group: tuple[tuple[FactTest, ...], ...]) -> Any:
    def check(facts: Facts, _: RunResult) -> bool:
        return any(all(holds(t, facts.get(t.path, UNKNOWN)) for t in option) for option in group)

    return check


def _decision_check(test: DecisionTest) -> Any:
    def check(_: Facts, result: RunResult) -> bool:
        values = result.all_values(test.decision)
        found = any(one_of(v, test.values) for v in values)
        return found != test.negated

    return check
