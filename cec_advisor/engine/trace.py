"""What one run of the rules concluded, as plain data: rule firings, decision values, warnings, open questions.

The engine adapter (:mod:`cec_advisor.engine.durable`) fills a :class:`RunResult`; the
planner, the explanations and coverage read it. This module imports no engine,
so nothing that only reads a run or renders a plan loads durable.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from cec_advisor.model.scales import Scalar, same_value


@dataclass(frozen=True)
class Firing:
    """One rule firing: which rule, the facts it matched, and what it concluded."""

    rule: str
    step: int
    facts: dict[str, Scalar]
    concluded: tuple[str, ...]
    decisions: tuple[str, ...] = ()
    services: tuple[str, ...] = ()


@dataclass(frozen=True)
class RuleWarning:
    """A warning a rule raised, with its message already filled in."""

    rule: str
    message: str


@dataclass(frozen=True)
class Undetermined:
    """A decision the case cannot settle, what is missing, and the diagnosis that would settle it."""

    rule: str
    decision: str
    missing: tuple[str, ...]
    settle_with: str


@dataclass
class RunResult:
    """Everything one run concluded, in firing order."""

    firings: list[Firing] = field(default_factory=list)
    values: dict[str, list[tuple[Scalar, str]]] = field(default_factory=dict)
    requested: list[str] = field(default_factory=list)
    warnings: list[RuleWarning] = field(default_factory=list)
    undetermined: list[Undetermined] = field(default_factory=list)
    failure: str | None = None

    def value(self, decision: str) -> Scalar | None:
        """The value of a single-valued decision, or ``None`` if no rule concluded it."""
        found = self.values.get(decision)
        return found[0][0] if found else None

    def all_values(self, decision: str) -> list[Scalar]:
        """Every distinct value concluded for ``decision``, in firing order."""
        return list(dict.fromkeys(value for value, _ in self.values.get(decision, [])))

    def concluders(self, decision: str, value: Scalar) -> list[str]:
        """The rules that concluded ``decision = value``, in firing order."""
        return [rule for found, rule in self.values.get(decision, []) if same_value(found, value)]
