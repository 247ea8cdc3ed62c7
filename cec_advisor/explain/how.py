"""How: the Pathway walked step by step, read from a plan's trace (``cec-advisor explain``).

Each step lists the rule firings the engine made for it, in firing order, each
with the rule's title and source, the facts it matched, what it concluded and
its ``because`` filled in for this case. Nothing is re-decided.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cec_advisor.engine.trace import Firing
from cec_advisor.model.scales import Scalar
from cec_advisor.plan.build import Plan
from cec_advisor.render.labels import STEP_NAMES
from cec_advisor.rulebase.model import RuleBase
from cec_advisor.rulebase.semantics import fill_placeholders


@dataclass(frozen=True)
class WalkedFiring:
    """One firing as a trainer reads it: rule, title, source, facts, what it concluded, and its because."""

    rule: str
    title: str
    source: str
    step: int
    facts: dict[str, Scalar]
    concluded: str
    because: str

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready data, keys in the order of the fields."""
        return {
            "rule": self.rule,
            "title": self.title,
            "source": self.source,
            "step": self.step,
            "facts": dict(self.facts),
            "concluded": self.concluded,
            "because": self.because,
        }


@dataclass(frozen=True)
class StepWalk:
    """The firings of one Pathway step, in firing order."""

    step: int
    title: str
    firings: tuple[WalkedFiring, ...]

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready data: the step, its title and its firings."""
        return {"step": self.step, "title": self.title, "firings": [f.as_dict() for f in self.firings]}


@dataclass(frozen=True)
class Walk:
    """The Pathway walked for one case: every step (1-5), each with its firings."""

    case_id: str
    case_name: str
    steps: tuple[StepWalk, ...]

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready data: the case's id and name, and the steps."""
        return {"case": {"id": self.case_id, "name": self.case_name}, "steps": [s.as_dict() for s in self.steps]}


def walk(plan: Plan, rulebase: RuleBase) -> Walk:
    """The Pathway walked step by step: each step's rule firings in the order the engine made them."""
    steps = tuple(
        StepWalk(step, title, tuple(walked_firing(f, rulebase) for f in plan.trace if f.step == step))
        for step, title in STEP_NAMES.items()
    )
    return Walk(plan.case_id, plan.case_name, steps)


def walked_firing(firing: Firing, rulebase: RuleBase) -> WalkedFiring:
    """One firing with its rule's title, source and ``because`` (filled in with the firing's facts)."""
    rule = rulebase.by_id[firing.rule]
    because = fill_placeholders(rule.because, firing.facts, rulebase.catalogue.names)
    return WalkedFiring(
        rule.id, rule.title, rule.source, firing.step, dict(firing.facts), "; ".join(firing.concluded), because
    )


__all__ = ["StepWalk", "Walk", "WalkedFiring", "walk", "walked_firing"]
