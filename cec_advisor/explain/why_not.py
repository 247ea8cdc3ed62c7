"""Why not: what keeps a service out of the plan, or defers it (``cec-advisor why-not``).

Each rule that could recommend the service is evaluated on the case as its
rule file writes it (the first condition that fails); rules that defer later
work, or the horizon, say what holds a deferred service back. The smallest
change that brings the service in is searched by :mod:`cec_advisor.explain.search`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cec_advisor.explain.changes import Change
from cec_advisor.explain.common import NOT_CONCLUDED, known_service
from cec_advisor.explain.search import smallest_change
from cec_advisor.model.case import BLOCK_FACTS, Case
from cec_advisor.model.facts import Facts, case_facts
from cec_advisor.model.scales import UNKNOWN, Scalar, one_of, yaml_word
from cec_advisor.plan.build import Plan
from cec_advisor.plan.schedule import STRUCTURE_STEP
from cec_advisor.render.catalogue import recommending_rules
from cec_advisor.rulebase.model import COMPARISON_SYMBOLS, ELEMENT_DECISION, SERVICE_DECISION, FactTest, Rule, RuleBase
from cec_advisor.rulebase.semantics import holds

if TYPE_CHECKING:  # handed an advisor, which runs the engine; the formatters (explain.formatters) load no durable
    from cec_advisor.advisor import Advisor


@dataclass(frozen=True)
class Blocker:
    """What keeps a service out of the plan, or defers it, according to one rule.

    ``kind`` is ``failed`` (a rule that could recommend the service: ``needed``
    is its first condition that fails here, ``actual`` the case's value),
    ``defers`` (a rule whose conclusion defers the service: ``actual`` is what
    holds here, ``needed`` what would stop the rule applying) or ``horizon``
    (the rule that set the plan's horizon, which the service does not fit).
    ``because`` is the rule's own sentence for this case (``defers``, ``horizon``).
    """

    rule: str
    title: str
    needed: str
    actual: str
    kind: str = "failed"
    because: str = ""

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready data, keys in the order of the fields."""
        return dict(self.__dict__)


@dataclass
class WhyNot:
    """Why a service is not in the plan (or deferred), and the smallest change found that brings it in."""

    service: str
    status: str
    blockers: list[Blocker]
    change: list[Change] | None
    tried: int
    placement: str = ""
    """Where a deferred service sits, in the plan's words ("Later work: it waits until every anchor commits.")."""

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready data."""
        return {
            "service": self.service,
            "status": self.status,
            "placement": self.placement or None,
            "blockers": [b.as_dict() for b in self.blockers],
            "smallest_change": None if self.change is None else {c.fact: c.shown for c in self.change},
            "plans_tried": self.tried,
        }


def why_not(advisor: Advisor, case: Case, service_id: str, *, budget: int = 3000) -> WhyNot:
    """Explain why ``service_id`` is absent or deferred, and search for the smallest change that brings it in.

    The search does not count simply asking for the service (the request route
    of K7-honour-request): it looks for diagnostic facts whose change makes the
    rules recommend the service, fewest changes first, each checked by a re-plan.
    A service in the plan (and not deferred) is an answer too: status ``in_plan``.
    """
    rulebase = advisor.rulebase
    known_service(rulebase, service_id)
    plan = advisor.plan(case)
    service = plan.service(service_id)
    if service is not None and not service.deferred:
        return WhyNot(service_id, "in_plan", [], [], 0)
    facts = case_facts(case)
    candidates = recommending_rules(rulebase, service_id)
    search = [rule for rule, _ in candidates if not rule.then.recommend_requested]
    waiting = _waiting_reasons(plan, rulebase, facts, service_id)
    if waiting:
        search += [rule for rule in rulebase.rules if "defer_later_work" in rule.then.conclude]
    if service is None:
        blockers = [_blocker(rule, facts, plan, service_id) for rule, _ in candidates] + waiting
    else:
        blockers = waiting or _horizon_reasons(plan, rulebase, service_id)
    change, tried = smallest_change(advisor, case, service_id, search, budget)
    placement = service.placement if service is not None else ""
    return WhyNot(service_id, "deferred" if service else "absent", blockers, change, tried, placement)


def _waiting_reasons(plan: Plan, rulebase: RuleBase, facts: Facts, service_id: str) -> list[Blocker]:
    """The rules that defer later work, when this service is such work (a structure, content, or work that
    needs every anchor): they defer it in the plan, or would once a rule recommends it."""
    catalogued = rulebase.catalogue[service_id]
    if not (catalogued.step >= STRUCTURE_STEP or catalogued.needs_all_anchors):
        return []
    reasons = []
    for outcome in plan.decisions:
        if outcome.decision == "defer_later_work" and outcome.value is True:
            for reason in outcome.reasons:
                rule = rulebase.by_id[reason.rule]
                held, undo = _holding(rule, facts, plan)
                reasons.append(Blocker(rule.id, rule.title, undo, held, "defers", reason.because))
    return reasons


def _horizon_reasons(plan: Plan, rulebase: RuleBase, service_id: str) -> list[Blocker]:
    """The rule that set the horizon a recommended service does not fit."""
    placed = plan.service(service_id)
    placement = placed.placement if placed is not None else ""
    a_year = f"{plan.capacity} new service{'' if plan.capacity == 1 else 's'} a year"
    reasons = []
    for outcome in plan.decisions:
        if outcome.decision == "horizon" and outcome.value is not None:
            needed = f"room within the {yaml_word(outcome.value)}-year horizon at {a_year}"
            for reason in outcome.reasons:
                title = rulebase.by_id[reason.rule].title
                reasons.append(Blocker(reason.rule, title, needed, placement, "horizon", reason.because))
    return reasons


def _holding(rule: Rule, facts: Facts, plan: Plan) -> tuple[str, str]:
    """What of a fired rule's conditions holds on this case, and what would stop the rule applying."""
    held: list[str] = []
    undo: list[str] = []
    for test in rule.when.facts:
        held.append(test.describe())
        undo.append(_negated(test))
    for group in rule.when.any_groups:
        options = [o for o in group if all(holds(t, facts.get(t.path, UNKNOWN)) for t in o)]
        held.append(" or ".join(" and ".join(t.describe() for t in o) for o in options))
        undo.append(" and ".join(" or ".join(_negated(t) for t in o) for o in options))
    for decision_test in rule.when.decisions:
        concluded = " or ".join(yaml_word(v) for v in _values(plan, decision_test.decision)) or NOT_CONCLUDED
        held.append(f"{decision_test.decision} is {concluded}")
        values = decision_test.values
        name = decision_test.decision
        undo.append(_is(name, values) if decision_test.negated else _is_not(name, values))
    return " and ".join(held), " or ".join(undo)


def _negated(test: FactTest) -> str:
    """A fact test turned round: ``culture.trust is not low``, ``request.deadline_months >= 12``."""
    if test.op == "in":
        return _is_not(test.path, test.values)
    return f"{test.path} {COMPARISON_SYMBOLS[_OPPOSITE[test.op]]} {test.values[0]}"


_OPPOSITE = {"lt": "gte", "lte": "gt", "gt": "lte", "gte": "lt"}


def _is(name: str, values: tuple[Scalar, ...]) -> str:
    """``emphasis is culture or achievement``."""
    return f"{name} is " + " or ".join(yaml_word(v) for v in values)


def _is_not(name: str, values: tuple[Scalar, ...]) -> str:
    """``x is not a``, ``x is neither a nor b``, ``x is not a, b or c``."""
    words = [yaml_word(v) for v in values]
    if len(words) == 1:
        return f"{name} is not {words[0]}"
    if len(words) == 2:
        return f"{name} is neither {words[0]} nor {words[1]}"
    return f"{name} is not {', '.join(words[:-1])} or {words[-1]}"


def _blocker(rule: Rule, facts: Facts, plan: Plan, service_id: str) -> Blocker:
    """The first written condition of ``rule`` that fails on this case."""
    for test in rule.when.facts:
        if not holds(test, facts.get(test.path, UNKNOWN)):
            return Blocker(rule.id, rule.title, test.describe(), _fact_here(test.path, facts))
    for group in rule.when.any_groups:
        if not any(all(holds(t, facts.get(t.path, UNKNOWN)) for t in option) for option in group):
            needed = "; ".join(" and ".join(t.describe() for t in option) for option in group)
            actual = ", ".join(_fact_here(p, facts) for p in {t.path: 0 for o in group for t in o})
            return Blocker(rule.id, rule.title, f"one of: {needed}", actual)
    for decision_test in rule.when.decisions:
        concluded = _values(plan, decision_test.decision)
        found = any(one_of(v, concluded) for v in decision_test.values)
        if found == decision_test.negated:
            name, values = decision_test.decision, decision_test.values
            actual = " and ".join(yaml_word(v) for v in concluded) or NOT_CONCLUDED
            needed = _is_not(name, values) if decision_test.negated else _is(name, values)
            return Blocker(rule.id, rule.title, needed, f"{name} is {actual}")
    if rule.then.recommend_requested:
        return Blocker(
            rule.id,
            rule.title,
            f"request.service is {service_id}",
            _fact_here("request.service", facts),
        )
    return Blocker(rule.id, rule.title, "all its conditions hold", "it fired, but the service is still not in the plan")


def _fact_here(path: str, facts: Facts) -> str:
    """``culture.trust is low``; a fact of a block the case does not have says so."""
    here = f"{path} is {yaml_word(facts.get(path, UNKNOWN))}"
    for block, present in BLOCK_FACTS.items():
        if path.startswith(f"{block}.") and path != present and facts.get(present) is False:
            return f"{here} (the case has no {block} block: {present} is false)"
    return here


def _values(plan: Plan, decision: str) -> list[Scalar]:
    """Every value the plan's run concluded for a decision."""
    if decision == SERVICE_DECISION:
        return [s.id for s in plan.services]
    if decision == ELEMENT_DECISION:
        return list(dict.fromkeys(s.element for s in plan.services))
    if decision == "need":
        return list(plan.greatest_areas_of_need)
    value = plan.value(decision)
    return [] if value is None else [value]


__all__ = ["Blocker", "WhyNot", "why_not"]
