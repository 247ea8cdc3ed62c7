"""Why: the proof tree behind a service in the plan, read from the plan's trace (``cec-advisor why``).

Each node is a claim and the rule firing behind it; the leaves are case facts,
or facts derived from them (saying from what). Nothing is re-decided.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cec_advisor.engine.trace import Firing
from cec_advisor.explain.common import ORDERING_DECISIONS, known_service
from cec_advisor.model.case import INDICATOR_MEANS, Case
from cec_advisor.model.scales import UNKNOWN, Scalar, same_value, yaml_word
from cec_advisor.plan.build import Plan
from cec_advisor.rulebase.model import ELEMENT_DECISION, SERVICE_DECISION, RuleBase
from cec_advisor.rulebase.semantics import fill_placeholders


@dataclass
class ProofNode:
    """One node of a proof tree: a claim, the rule behind it (if any), and what that rule used.

    A leaf that is a fact names it (``fact``, ``value``); a derived fact (a mean
    of indicators, whether a block is there) also says what it is derived from.
    """

    claim: str
    rule: str | None = None
    title: str = ""
    source: str = ""
    because: str = ""
    children: list[ProofNode] = field(default_factory=list)
    fact: str | None = None
    value: Scalar | None = None
    derived_from: str = ""

    def as_dict(self) -> dict[str, Any]:
        """The tree as JSON-ready data."""
        data: dict[str, Any] = {"claim": self.claim}
        if self.rule:
            data.update({"rule": self.rule, "title": self.title, "source": self.source, "because": self.because})
        if self.fact is not None:
            data.update({"fact": self.fact, "value": self.value, "derived_from": self.derived_from or None})
        data["children"] = [child.as_dict() for child in self.children]
        return data


def fact_node(name: str, value: Scalar, case: Case | None = None) -> ProofNode:
    """A leaf of a proof tree: a fact the case file states, or one derived from it (saying from what)."""
    shown = f"{name} = {yaml_word(value)}"
    derived_from = derivation(name, value, case)
    if derived_from:
        return ProofNode(f"derived fact {shown}: {derived_from}", fact=name, value=value, derived_from=derived_from)
    return ProofNode(f"case fact {shown}", fact=name, value=value)


def derivation(name: str, value: Scalar, case: Case | None = None) -> str:
    """What a derived fact is derived from (:mod:`cec_advisor.model.facts`), or ``""`` for a fact the case file states.

    With the case, a mean names the ratings it averages.
    """
    group = name.removeprefix("focus_on_learning.")
    if name.startswith("focus_on_learning.") and group in INDICATOR_MEANS:
        letters = INDICATOR_MEANS[group]
        mean = f"the mean of the rated indicators {letters[0]}-{letters[-1]}"
        if case is None:
            return mean
        if case.focus_on_learning is None:
            return f"{mean}; the case file has no focus_on_learning block"
        ratings = {letter: getattr(case.focus_on_learning, letter) for letter in letters}
        unrated = [letter for letter, rating in ratings.items() if rating == UNKNOWN]
        if len(unrated) == len(letters):
            return f"no indicator {letters[0]}-{letters[-1]} is rated"
        if group == "overall":
            return f"{mean}; left out as unrated: {', '.join(unrated)}" if unrated else mean
        return f"{mean} ({', '.join(f'{letter} = {yaml_word(rating)}' for letter, rating in ratings.items())})"
    if name == "focus_on_learning.assessed":
        has = "has a" if value is True else "has no"
        return f"the case file {has} focus_on_learning block (the system assessment)"
    if name == "request.made":
        return f"the case file {'has a' if value is True else 'has no'} request block"
    if name.startswith("entry_points."):
        point = name.removeprefix("entry_points.")
        return f"entry_points {'lists' if value is True else 'does not list'} {point}"
    return ""


def _concluded(firing: Firing, rulebase: RuleBase) -> list[tuple[str, Scalar]]:
    """The (decision, value) pairs a firing concluded, recommended services as the ``service`` decision."""
    rule = rulebase.by_id[firing.rule]
    pairs: list[tuple[str, Scalar]] = [(d, rule.then.conclude[d]) for d in firing.decisions]
    pairs += [(SERVICE_DECISION, s) for s in firing.services]
    return pairs


class _Prover:
    """Builds proof trees from a plan's trace."""

    def __init__(self, plan: Plan, rulebase: RuleBase, case: Case | None = None) -> None:
        """Prove from ``plan``'s trace; with ``case``, a derived fact names the ratings it comes from."""
        self.plan = plan
        self.rulebase = rulebase
        self.case = case
        self.decision_names = {*rulebase.decisions, SERVICE_DECISION, ELEMENT_DECISION}

    def concluders(self, decision: str, value: Scalar) -> list[Firing]:
        """The firings that concluded ``decision`` = ``value``, in firing order."""
        return [
            f
            for f in self.plan.trace
            if any(d == decision and same_value(v, value) for d, v in _concluded(f, self.rulebase))
        ]

    def firing_node(self, firing: Firing, claim: str, seen: frozenset[str]) -> ProofNode:
        """A firing as a node: its rule and because, a child per fact it matched (a decision proved in turn)."""
        rule = self.rulebase.by_id[firing.rule]
        because = fill_placeholders(rule.because, firing.facts, self.rulebase.catalogue.names)
        node = ProofNode(claim, rule.id, rule.title, rule.source, because)
        for name, value in firing.facts.items():
            if name in self.decision_names:
                node.children.append(self.decision_node(name, value, seen | {rule.id}))
            else:
                node.children.append(fact_node(name, value, self.case))
        return node

    def decision_node(self, decision: str, value: Scalar, seen: frozenset[str]) -> ProofNode:
        """A concluded decision as a node, proved by each firing that concluded it (none already on this branch)."""
        label = (
            f"service {value} is recommended" if decision == SERVICE_DECISION else f"{decision} = {yaml_word(value)}"
        )
        node = ProofNode(label)
        for firing in self.concluders(decision, value):
            if firing.rule in seen:
                continue
            node.children.append(self.firing_node(firing, f"concluded by {firing.rule}", seen))
        return node


@dataclass
class Why:
    """The answer to "why is this service in the plan": its proof tree, or that it is not in the plan."""

    service: str
    in_plan: bool
    tree: ProofNode

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready data: the service, whether it is in the plan, and the tree's root."""
        return {"service": self.service, "in_plan": self.in_plan, **self.tree.as_dict()}


def why(plan: Plan, rulebase: RuleBase, service_id: str, case: Case | None = None) -> Why:
    """The proof tree of a service in the plan: the rules that recommended and placed it, down to case facts.

    A service that is not in the plan is an answer too (``in_plan`` false);
    only a service the catalogue does not hold is refused. With ``case``, a
    derived fact names the ratings it comes from.
    """
    known_service(rulebase, service_id)
    service = plan.service(service_id)
    if service is None:
        return Why(service_id, False, ProofNode(f"{service_id} is not in this plan"))
    prover = _Prover(plan, rulebase, case)
    when = f"later work (after year {plan.horizon})" if service.deferred else f"year {service.phase}"
    where = f"service {service.order} of {len(plan.services)}, {when}"
    root = ProofNode(f"{service_id} is {where}")
    recommended = ProofNode("recommended because")
    for firing in prover.concluders(SERVICE_DECISION, service_id):
        recommended.children.append(prover.firing_node(firing, f"{firing.rule} recommends it", frozenset()))
    root.children.append(recommended)
    placed = ProofNode("placed where it is because")
    if service.placement:
        placed.children.append(ProofNode(service.placement))
    for prerequisite in service.after:
        placed.children.append(ProofNode(f"it builds on {prerequisite} (prerequisite in services.yaml)"))
    for decision in ORDERING_DECISIONS:
        value = plan.value(decision)
        if value is not None:
            placed.children.append(prover.decision_node(decision, value, frozenset()))
    if placed.children:
        root.children.append(placed)
    return Why(service_id, True, root)


__all__ = ["ProofNode", "Why", "derivation", "fact_node", "why"]
