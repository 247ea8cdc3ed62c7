"""Explanations for trainers: how (the walk), why (proof trees), why not, and what if.

Everything here is read from a plan's trace (the rule firings the engine made)
and from the rule files; nothing re-decides anything. ``why_not`` evaluates a
rule's written conditions against the case, and searches for the smallest
change of case facts that brings a service in by re-planning each candidate
through the real engine.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from cec_advisor.engine.trace import Firing
from cec_advisor.errors import CecError, LocatedError, UserError
from cec_advisor.io.validation import suggest
from cec_advisor.io.yamlsource import Locator, SafeComposer, parse_yaml
from cec_advisor.model.case import INDICATOR_MEANS, Case, case_from_data, with_changes
from cec_advisor.model.facts import FACT_SCALES, Facts, case_facts
from cec_advisor.model.scales import UNKNOWN, Scalar, one_of, same_value, yaml_word
from cec_advisor.plan.build import OpenQuestion, Plan, PlannedService
from cec_advisor.plan.schedule import STRUCTURE_STEP
from cec_advisor.render.catalogue import recommending_rules
from cec_advisor.render.labels import STEP_NAMES
from cec_advisor.rulebase.model import COMPARISON_SYMBOLS, ELEMENT_DECISION, SERVICE_DECISION, FactTest, Rule, RuleBase
from cec_advisor.rulebase.semantics import fact_tests, fill_placeholders, holds

if TYPE_CHECKING:  # why-not and what-if are handed an advisor; only they run the engine (explain_text loads no durable)
    from cec_advisor.advisor import Advisor

ORDERING_DECISIONS = (
    "commitment_milestone",
    "diagnose_first",
    "defer_later_work",
    "phasing",
    "horizon",
    "assumed_capacity",
)


# ---------------------------------------------------------------- how: the walk


@dataclass(frozen=True)
class StepWalk:
    """The firings of one Pathway step, in firing order."""

    step: int
    title: str
    firings: tuple[Firing, ...]


def walk(plan: Plan) -> list[StepWalk]:
    """The Pathway walked step by step: each step's rule firings in the order the engine made them."""
    return [StepWalk(step, STEP_NAMES[step], tuple(f for f in plan.trace if f.step == step)) for step in STEP_NAMES]


def firing_data(firing: Firing, rulebase: RuleBase) -> dict[str, Any]:
    """One firing as a trainer reads it: rule, title, source, facts, what it concluded, and its because."""
    rule = rulebase.by_id[firing.rule]
    return {
        "rule": rule.id,
        "title": rule.title,
        "source": rule.source,
        "step": firing.step,
        "facts": dict(firing.facts),
        "concluded": "; ".join(firing.concluded),
        "because": fill_placeholders(rule.because, firing.facts, rulebase.catalogue.names),
    }


# ---------------------------------------------------------------- why: proof trees


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

    def lines(self, depth: int = 0) -> Iterator[str]:
        """The tree as indented text lines."""
        pad = "  " * depth
        rule = f"  [{self.rule}: {self.title}; {self.source}]" if self.rule else ""
        yield f"{pad}- {self.claim}{rule}"
        if self.because:
            yield f"{pad}    {self.because}"
        for child in self.children:
            yield from child.lines(depth + 1)


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
    rule = rulebase.by_id[firing.rule]
    pairs: list[tuple[str, Scalar]] = [(d, rule.then.conclude[d]) for d in firing.decisions]
    pairs += [(SERVICE_DECISION, s) for s in firing.services]
    return pairs


class _Prover:
    """Builds proof trees from a plan's trace."""

    def __init__(self, plan: Plan, rulebase: RuleBase, case: Case | None = None) -> None:
        self.plan = plan
        self.rulebase = rulebase
        self.case = case
        self.decision_names = {*rulebase.decisions, SERVICE_DECISION, ELEMENT_DECISION}

    def concluders(self, decision: str, value: Scalar) -> list[Firing]:
        return [
            f
            for f in self.plan.trace
            if any(d == decision and same_value(v, value) for d, v in _concluded(f, self.rulebase))
        ]

    def firing_node(self, firing: Firing, claim: str, seen: frozenset[str]) -> ProofNode:
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

    def lines(self) -> Iterator[str]:
        """The answer as text lines."""
        return self.tree.lines()


def why(plan: Plan, rulebase: RuleBase, service_id: str, case: Case | None = None) -> Why:
    """The proof tree of a service in the plan: the rules that recommended and placed it, down to case facts.

    A service that is not in the plan is an answer too (``in_plan`` false);
    only a service the catalogue does not hold is refused. With ``case``, a
    derived fact names the ratings it comes from.
    """
    _known_service(rulebase, service_id)
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


# ---------------------------------------------------------------- why not


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


@dataclass(frozen=True)
class Change:
    """One change to a case: the case-file path to set (``None`` removes it), and the fact as a user reads it."""

    path: str
    value: Any
    fact: str
    shown: Any

    def setting(self) -> str:
        """The change as a ``--set PATH=VALUE`` argument that :func:`parse_setting` reads back exactly."""
        import json

        return f"{self.path}={json.dumps(self.value)}"


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
            "blockers": [b.__dict__ for b in self.blockers],
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
    _known_service(rulebase, service_id)
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
    change, tried = _smallest_change(advisor, case, service_id, search, budget)
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
        concluded = " or ".join(yaml_word(v) for v in _values(plan, decision_test.decision)) or "not concluded"
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
            actual = " and ".join(yaml_word(v) for v in concluded) or "not concluded"
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
    for block, present in REMOVED_BLOCKS.items():
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


def _smallest_change(
    advisor: Advisor, case: Case, service_id: str, rules: list[Rule], budget: int
) -> tuple[list[Change] | None, int]:
    """Breadth-first over sets of 1, 2, then 3 changes; the first set whose re-plan includes the service wins."""
    base = case.model_dump(mode="python", exclude_defaults=False)
    changes = _candidate_changes(advisor.rulebase, rules, case, service_id)
    tried = 0
    for size in (1, 2, 3):
        for combo in itertools.combinations(changes, size):
            if _overlaps(combo):
                continue
            if tried >= budget:
                return None, tried
            tried += 1
            if _brings_in(advisor, base, combo, service_id):
                return list(combo), tried
    return None, tried


def _overlaps(combo: tuple[Change, ...]) -> bool:
    """Two changes to the same place (or one inside the other) cannot both apply."""
    paths = [c.path for c in combo]
    return len(set(paths)) < len(paths) or any(a.startswith(b + ".") for a in paths for b in paths)


def _brings_in(advisor: Advisor, base: dict[str, Any], combo: tuple[Change, ...], service_id: str) -> bool:
    data = apply_changes(base, combo)
    try:
        plan = advisor.plan(case_from_data(data, Locator("why-not"), advisor.rulebase.catalogue.ids))
    except CecError:
        return False
    found = plan.service(service_id)
    return found is not None and not found.deferred


def apply_changes(base: dict[str, Any], changes: tuple[Change, ...] | list[Change]) -> dict[str, Any]:
    """Return a copy of case data with ``changes`` applied (see :func:`~cec_advisor.model.case.with_changes`)."""
    return with_changes(base, {change.path: change.value for change in changes})


def _candidate_changes(rulebase: RuleBase, rules: list[Rule], case: Case, service_id: str) -> list[Change]:
    """Changes worth trying: facts the candidate rules test, then facts behind the decisions they need."""
    paths: list[tuple[str, FactTest | None]] = []
    frontier = list(rules)
    seen_rules: set[str] = set()
    for _ in range(3):
        next_frontier: list[Rule] = []
        for rule in frontier:
            if rule.id in seen_rules:
                continue
            seen_rules.add(rule.id)
            paths += [(t.path, t) for t in fact_tests(rule)]
            if rule.then.recommend_requested:
                paths.append(("request.service", None))
            for needed in rule.when.decisions:
                next_frontier += [r for r in rulebase.rules if needed.decision in r.then.conclude]
        frontier = next_frontier
    current = case_facts(case)
    changes: list[Change] = []
    for path, test in paths:
        for change in _changes_for(path, test, current, service_id, case):
            if change not in changes:
                changes.append(change)
    # Diagnostic facts first; changing or adding the district's request is tried last.
    return sorted(changes, key=lambda change: change.path == "request")


def _changes_for(path: str, test: FactTest | None, current: Facts, service_id: str, case: Case) -> Iterator[Change]:
    group = path.removeprefix("focus_on_learning.")
    if group in INDICATOR_MEANS:
        for rating in (1, 2, 3, 4):
            letters = INDICATOR_MEANS[group]
            ratings = dict(case.focus_on_learning.model_dump() if case.focus_on_learning else {})
            ratings.update(dict.fromkeys(letters, rating))
            yield Change("focus_on_learning", ratings, f"focus_on_learning.{letters[0]}-{letters[-1]}", rating)
        return
    if path == "focus_on_learning.assessed":
        yield Change("focus_on_learning", None if case.focus_on_learning else {}, path, not current[path])
        return
    if path.startswith("entry_points."):
        point = path.removeprefix("entry_points.")
        points = [p for p in case.entry_points if p != point] + ([] if point in case.entry_points else [point])
        yield Change("entry_points", points, path, point not in case.entry_points)
        return
    if path == "request.made":
        if case.request is None:
            yield Change("request", {"service": service_id}, "request.service", service_id)
        else:
            yield Change("request", None, "request.made", False)
        return
    if path == "request.service":
        request = case.request.model_dump(exclude_defaults=True) if case.request else {}
        for value in test.values if test else ():
            if value != UNKNOWN:
                yield Change("request", {**request, "service": value}, "request.service", value)
        return
    scale = FACT_SCALES[path]
    values: list[Any] = list(scale.known_values())
    if scale.kind == "int" and len(values) > 10 and test is not None:
        values = sorted({int(test.values[0]) - 1, int(test.values[0])})
    if scale.kind in ("code", "service", "number") and test is not None:
        values = [v for v in test.values if v != UNKNOWN]
    if path.startswith("request.") and case.request is None:
        return
    if path.startswith("focus_on_learning.") and case.focus_on_learning is None:
        for value in values:
            yield Change("focus_on_learning", {path.split(".")[1]: value}, path, value)
        return
    now = current.get(path, UNKNOWN)
    if now in values:  # nearest values first: "informal" before "none" for a formal union
        scale_order = list(values)
        values.sort(key=lambda value: abs(scale_order.index(value) - scale_order.index(now)))
    for value in [*values, *([] if scale.required else [UNKNOWN])]:
        if now != value:
            yield Change(path, value, path, value)


# ---------------------------------------------------------------- what if


@dataclass(frozen=True)
class DecisionDiff:
    """A decision whose value changed, with the rules that concluded it before and after."""

    decision: str
    before: Scalar | None
    after: Scalar | None
    rules_before: tuple[str, ...]
    rules_after: tuple[str, ...]


@dataclass(frozen=True)
class ServiceDiff:
    """A service added, removed, moved, re-phased, deferred or no longer deferred."""

    service: str
    change: str
    before: str
    after: str
    rules: tuple[str, ...]


@dataclass(frozen=True)
class WarningDiff:
    """A warning raised only before the change (``removed``), only after (``added``), or reworded (``changed``)."""

    rule: str
    change: str
    before: str
    after: str


@dataclass(frozen=True)
class QuestionDiff:
    """A decision left open only before the change (``settled``), only after (``opened``), or open on other facts."""

    decision: str
    change: str
    before: tuple[OpenQuestion, ...]
    after: tuple[OpenQuestion, ...]

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready data: the unknown facts, the settling services and the rules, before and after."""
        data: dict[str, Any] = {"decision": self.decision, "change": self.change}
        for when, questions in (("before", self.before), ("after", self.after)):
            data[f"missing_{when}"] = list(dict.fromkeys(m for q in questions for m in q.missing))
            data[f"settle_with_{when}"] = list(dict.fromkeys(q.settle_with for q in questions))
            data[f"rules_{when}"] = list(dict.fromkeys(r for q in questions for r in q.rules))
        return data


@dataclass
class WhatIf:
    """The difference between a case's plan and the plan after changing some facts."""

    changes: list[Change]
    decisions: list[DecisionDiff]
    services: list[ServiceDiff]
    rules_started: list[str]
    rules_stopped: list[str]
    warnings: list[WarningDiff] = field(default_factory=list)
    open_questions: list[QuestionDiff] = field(default_factory=list)

    @property
    def plan_changes(self) -> bool:
        """Whether anything a reader of the plan sees differs: a decision, a service, a warning or an open question."""
        return bool(self.decisions or self.services or self.warnings or self.open_questions)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready data; a removed fact shows as ``unknown`` (a removed block as the fact it sets)."""
        return {
            "changes": {c.fact: c.shown for c in self.changes},
            "decisions": [
                d.__dict__ | {"rules_before": list(d.rules_before), "rules_after": list(d.rules_after)}
                for d in self.decisions
            ],
            "services": [s.__dict__ | {"rules": list(s.rules)} for s in self.services],
            "warnings": [w.__dict__ for w in self.warnings],
            "open_questions": [q.as_dict() for q in self.open_questions],
            "rules_started_firing": self.rules_started,
            "rules_stopped_firing": self.rules_stopped,
        }


REMOVED_BLOCKS: dict[str, str] = {"request": "request.made", "focus_on_learning": "focus_on_learning.assessed"}
"""Case-file blocks whose absence is itself a fact (false), not an unknown."""


def parse_setting(text: str) -> Change:
    """Parse ``PATH=VALUE`` into a change.

    VALUE is read as one YAML value by the case-file reader's rules: numbers,
    text, ``true``/``false`` (an unquoted yes/no/on/off is refused, as in a case
    file), a flow mapping or list; text that is not YAML is taken as written.
    ``null`` (or ``~``) removes the key: a fact becomes ``unknown``; removing
    ``request`` or ``focus_on_learning`` sets the fact its absence means
    (``request.made`` / ``focus_on_learning.assessed`` false), and removing
    ``entry_points`` leaves none.
    """
    if "=" not in text:
        raise UserError(f"--set {text!r}: expected PATH=VALUE, e.g. culture.trust=high")
    path, raw = text.split("=", 1)
    path = path.strip()
    value = _setting_value(path, raw)
    if value is None:
        if path in REMOVED_BLOCKS:
            return Change(path, None, REMOVED_BLOCKS[path], False)
        if path == "entry_points":  # a list, empty when left out: every entry_points.* fact is false
            return Change(path, None, path, [])
        return Change(path, None, path, UNKNOWN)
    return Change(path, value, path, value)


def _setting_value(path: str, raw: str) -> Any:
    """One ``--set`` value, read as a case file reads its values (see :func:`parse_setting`)."""
    import yaml

    if not raw.strip():
        return ""
    try:
        node = yaml.compose(raw, Loader=SafeComposer)
    except yaml.YAMLError:
        return raw
    if node is None:
        return None

    def refuse(file: str, line: int | None, field: str | None, problem: str) -> LocatedError:
        return LocatedError(file, None, field, problem)

    return parse_yaml(raw.encode("utf-8"), f"--set {path}", refuse).data


def what_if(advisor: Advisor, case: Case, changes: list[Change]) -> tuple[WhatIf, Plan, Plan]:
    """Plan the case and the changed case, and say what differs and which rules made each difference."""
    base = case.model_dump(mode="python")
    changed_data = apply_changes(base, changes)
    where = f"--set {', '.join(c.path for c in changes)}"
    try:
        changed = case_from_data(changed_data, Locator(where), advisor.rulebase.catalogue.ids)
    except CecError as exc:
        raise UserError(str(exc)) from None
    before, after = advisor.plan(case), advisor.plan(changed)
    fired_before = [f.rule for f in before.trace]
    fired_after = [f.rule for f in after.trace]
    started = [r for r in dict.fromkeys(fired_after) if r not in fired_before]
    stopped = [r for r in dict.fromkeys(fired_before) if r not in fired_after]
    decisions = []
    for outcome_before, outcome_after in zip(before.decisions, after.decisions, strict=True):
        if not same_value(outcome_before.value, outcome_after.value):
            decisions.append(
                DecisionDiff(
                    outcome_before.decision,
                    outcome_before.value,
                    outcome_after.value,
                    tuple(r.rule for r in outcome_before.reasons),
                    tuple(r.rule for r in outcome_after.reasons),
                )
            )
    ordering = [r for d in decisions if d.decision in ORDERING_DECISIONS for r in (*d.rules_before, *d.rules_after)]
    services = _service_diffs(before, after, ordering, _schedule_changes(before, after, advisor.rulebase))
    diff = WhatIf(
        changes, decisions, services, started, stopped, _warning_diffs(before, after), _question_diffs(before, after)
    )
    return diff, before, after


def _where(service: PlannedService) -> str:
    return "later work" if service.deferred else f"year {service.phase}"


def _schedule_changes(before: Plan, after: Plan, rulebase: RuleBase) -> dict[str, list[str]]:
    """The scheduling rules (``then.schedule``, K21) that fire for a service in one plan only, per service;
    key ``""`` holds them all (each one changes the shared timeline)."""
    changed: dict[str, list[str]] = {"": []}
    runs = [{(f.rule, t) for f in plan.trace for t in _schedule_targets(f, rulebase)} for plan in (before, after)]
    for firing in (*before.trace, *after.trace):
        for target in _schedule_targets(firing, rulebase):
            if ((firing.rule, target) in runs[0]) != ((firing.rule, target) in runs[1]):
                for key in (target, ""):
                    if firing.rule not in changed.setdefault(key, []):
                        changed[key].append(firing.rule)
    return changed


def _schedule_targets(firing: Firing, rulebase: RuleBase) -> list[str]:
    """The services a scheduling rule's firing places: those it recommends and the one it tests."""
    if rulebase.by_id[firing.rule].then.schedule is None:
        return []
    tested = firing.facts.get(SERVICE_DECISION)
    return [*firing.services, *([str(tested)] if tested is not None else [])]


def _service_diffs(
    before: Plan, after: Plan, ordering_rules: list[str], scheduling: dict[str, list[str]]
) -> list[ServiceDiff]:
    """Services added, removed, or placed differently; a placement change names the rules behind it: the
    ordering decisions that changed, the services added or removed ahead of it, and the scheduling rules
    that changed for it (or, when no rule is named that way, every scheduling rule that changed)."""
    diffs = []
    old = {s.id: s for s in before.services}
    new = {s.id: s for s in after.services}
    for service in after.services:
        if service.id not in old:
            where = f"order {service.order}, {_where(service)}"
            diffs.append(ServiceDiff(service.id, "added", "", where, tuple(r.rule for r in service.reasons)))
    for service in before.services:
        if service.id not in new:
            where = f"order {service.order}, {_where(service)}"
            diffs.append(ServiceDiff(service.id, "removed", where, "", tuple(r.rule for r in service.reasons)))
    for service_id in [s.id for s in after.services if s.id in old]:
        a, b = old[service_id], new[service_id]
        ahead = [r.rule for s in before.services if s.id not in new and s.order < a.order for r in s.reasons]
        ahead += [r.rule for s in after.services if s.id not in old and s.order < b.order for r in s.reasons]
        named = [*ordering_rules, *ahead, *scheduling.get(service_id, [])]
        placement_rules = tuple(dict.fromkeys(named or scheduling[""]))
        if a.deferred != b.deferred:
            change = "deferred" if b.deferred else "no longer deferred"
            diffs.append(ServiceDiff(service_id, change, _where(a), _where(b), placement_rules))
        elif a.phase != b.phase and not a.deferred:  # later work moves with the horizon: not a re-phasing
            diffs.append(ServiceDiff(service_id, "re-phased", _where(a), _where(b), placement_rules))
        elif a.order != b.order:
            diffs.append(ServiceDiff(service_id, "moved", f"order {a.order}", f"order {b.order}", placement_rules))
    return diffs


def _warning_diffs(before: Plan, after: Plan) -> list[WarningDiff]:
    """Warnings raised only before or only after; a rule whose one warning was reworded is ``changed``."""
    old = [w for w in before.warnings if w not in after.warnings]
    new = [w for w in after.warnings if w not in before.warnings]
    diffs = []
    for rule in dict.fromkeys(w.rule for w in (*old, *new)):
        was = [w.message for w in old if w.rule == rule]
        now = [w.message for w in new if w.rule == rule]
        if len(was) == 1 and len(now) == 1:
            diffs.append(WarningDiff(rule, "changed", was[0], now[0]))
            continue
        diffs += [WarningDiff(rule, "removed", message, "") for message in was]
        diffs += [WarningDiff(rule, "added", "", message) for message in now]
    return diffs


def _question_diffs(before: Plan, after: Plan) -> list[QuestionDiff]:
    """Decisions whose open questions differ: newly open, settled, or open on other facts or by other rules."""
    diffs = []
    for decision in dict.fromkeys(q.decision for q in (*before.undetermined, *after.undetermined)):
        was = tuple(q for q in before.undetermined if q.decision == decision)
        now = tuple(q for q in after.undetermined if q.decision == decision)
        if set(was) != set(now):
            change = "opened" if not was else "settled" if not now else "changed"
            diffs.append(QuestionDiff(decision, change, was, now))
    return diffs


# ---------------------------------------------------------------- helpers


def _known_service(rulebase: RuleBase, service_id: str) -> None:
    if service_id not in rulebase.catalogue:
        raise UserError(f"no service {service_id!r} in the catalogue{suggest(service_id, rulebase.catalogue.ids)}")
