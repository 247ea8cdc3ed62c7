"""The validated rule base as the engine and the tools see it: rules, conditions, tests, decisions."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from cec_advisor.model.scales import Scalar, yaml_word
from cec_advisor.rulebase.catalogue import Catalogue
from cec_advisor.rulebase.files import (
    Phase,
    ThenModel,
)

SERVICE_DECISION = "service"
ELEMENT_DECISION = "element"
COMPARISONS = ("lt", "lte", "gt", "gte")
COMPARISON_SYMBOLS = {"lt": "<", "lte": "<=", "gt": ">", "gte": ">="}
Comparison = Literal["lt", "lte", "gt", "gte"]
COMPARISON_WORDS: dict[str, Comparison] = {"below": "lt", "at most": "lte", "above": "gt", "at least": "gte"}
"""Each comparison as a rule file writes it (``{below: 3}``), and the operator it stands for."""

MAX_RULES = 400
"""Most rules a rule base may hold; a larger one is refused at load, before anything is compiled.

Measured with ``benchmarks/bench_scaling.py --factor N`` (every rule copied N
times; durable-rules 2.0.28, 149 rules): 2x (298 rules) and 3x (447) plan every
sample case and 2,000 generated ones; 4x (596) fails with engine error 303 and
5x-8x crash the process. What overflows is not the number of rules itself
(durable-rules' own cap is 4,096 rules per ruleset) but what copies share: the
alternatives hung on one test, which :data:`cec_advisor.engine.compile.MAX_LINKS_PER_TEST`
bounds rule by rule. This cap keeps a margin below the measured break and stops
a huge rule base in about a second instead of minutes into ``lint``.
"""


@dataclass(frozen=True)
class FactTest:
    """A test of one case fact: ``op`` is ``in`` (any of ``values``) or a comparison (``lt`` for ``below``, ...)."""

    path: str
    op: Literal["in"] | Comparison
    values: tuple[Scalar, ...]

    def describe(self) -> str:
        """The test in words, e.g. ``culture.trust is low or mixed`` or ``focus_on_learning.curriculum < 3``."""
        if self.op == "in":
            return f"{self.path} is " + " or ".join(yaml_word(v) for v in self.values)
        return f"{self.path} {COMPARISON_SYMBOLS[self.op]} {self.values[0]}"


@dataclass(frozen=True)
class DecisionTest:
    """A test that a decision was concluded with one of ``values`` (or, if ``negated``, none of them)."""

    decision: str
    values: tuple[Scalar, ...]
    negated: bool = False


@dataclass(frozen=True)
class Condition:
    """A rule's parsed ``when``: all fact tests, every ``any of`` group and every decision test hold."""

    facts: tuple[FactTest, ...]
    any_groups: tuple[tuple[tuple[FactTest, ...], ...], ...]
    decisions: tuple[DecisionTest, ...]

    def fact_paths(self) -> tuple[str, ...]:
        """Every fact path the condition reads, in the order written."""
        paths = [t.path for t in self.facts]
        for group in self.any_groups:
            for option in group:
                paths.extend(t.path for t in option)
        return tuple(dict.fromkeys(paths))


@dataclass(frozen=True)
class Tier:
    """A tier of firing order (``tiers.yaml``): every rule of a lower ``rank`` fires first (rank 0 first of all)."""

    id: str
    meaning: str
    rank: int


@dataclass(frozen=True)
class Rule:
    """A validated rule, ready to compile."""

    id: str
    title: str
    k: tuple[str, ...]
    rationale: str
    source: str
    because: str
    step: int
    tier: Tier
    phase: Phase
    when: Condition
    then: ThenModel
    file: str
    line: int


@dataclass(frozen=True)
class Decision:
    """A decision the rules conclude."""

    id: str
    title: str
    values: tuple[Scalar, ...]
    single: bool
    required: bool
    source: str
    summary: str | None = None
    """The label a plan's summary shows it under; ``None`` when the summary leaves it out."""
    plan_field: bool = False
    """Whether the JSON plan carries its value at the top level."""
    outcome: int | None = None
    """Its place among coverage's outcome decisions (1 first); ``None`` when it is not one."""


@dataclass(frozen=True)
class RuleBase:
    """Everything the engine needs: decisions, catalogue, tiers (in firing order) and rules (in definition order)."""

    decisions: dict[str, Decision]
    catalogue: Catalogue
    tiers: tuple[Tier, ...]
    rules: tuple[Rule, ...]
    digest: str
    by_id: dict[str, Rule] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_id", {rule.id: rule for rule in self.rules})

    def outcome_decisions(self) -> tuple[Decision, ...]:
        """The decisions whose value combinations coverage counts, in their declared places."""
        places = {d.outcome: d for d in self.decisions.values() if d.outcome is not None}
        return tuple(places[place] for place in sorted(places))
