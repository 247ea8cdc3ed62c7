"""The advisor's core entry point: load a rule base once, then plan any number of cases.

The CLI and every other front end go through :class:`Advisor`; nothing else
wires the case loader, the engine and the plan builder together.
"""

from __future__ import annotations

from pathlib import Path

from cec_advisor.engine.durable import Engine
from cec_advisor.engine.trace import RunResult
from cec_advisor.model.case import Case, load_case
from cec_advisor.model.facts import case_facts
from cec_advisor.plan.build import Plan, build_plan
from cec_advisor.rulebase.load import load_rulebase
from cec_advisor.rulebase.model import RuleBase


class Advisor:
    """A validated rule base compiled into the engine, ready to plan cases."""

    def __init__(self, rules_dir: Path | None = None) -> None:
        self.rulebase: RuleBase = load_rulebase(rules_dir)
        self.engine = Engine(self.rulebase)

    def load(self, path: Path) -> Case:
        """Read and validate a case file (a requested service must be in this catalogue)."""
        return load_case(path, self.rulebase.catalogue.ids)

    def run(self, case: Case) -> RunResult:
        """Run the rules on ``case`` and return the raw conclusions and trace."""
        return self.engine.run(case_facts(case))

    def plan(self, case: Case) -> Plan:
        """Plan ``case``: run the rules, then order, phase and justify the services."""
        facts = case_facts(case)
        return build_plan(case, facts, self.engine.run(facts), self.rulebase)

    def plan_file(self, path: Path) -> Plan:
        """Load and plan one case file."""
        return self.plan(self.load(path))
