"""Build the ordered, phased, justified plan from what the engine concluded.

Nothing here decides *what* to offer: every service, decision, warning and
open question comes from a rule firing. This module applies the ordering and
phasing policies those decisions call for:

- order: catalogue prerequisites first; if ``step1_first`` was concluded
  (K1), every Step 1 service before any service of Steps 2-5; if
  ``diagnose_first`` (K4), the system assessment before any Step 5 service;
  deferred work (``defer_later_work``, K2: Steps 4-5 and any
  service that needs all three anchors at the table) last; otherwise Pathway step,
  then the rank of the greatest area of need a service targets (K12), then
  catalogue order;
- phases: walked in plan order, never going back; no phase holds more
  services than the case's capacity (or the ``assumed_capacity`` a rule set,
  K14/K19); in a multi-year plan (``phasing``, K11) Step 5 content starts in a
  phase after the last Step 4 structure; deferred work starts after all other work.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable
from dataclasses import dataclass

from cec_advisor.case import INDICATOR_GROUPS, Case
from cec_advisor.catalogue import ELEMENTS
from cec_advisor.engine import Firing, RuleWarning, RunResult
from cec_advisor.errors import EngineError
from cec_advisor.facts import Facts
from cec_advisor.rulebase import SERVICE_DECISION, RuleBase, fill_placeholders
from cec_advisor.scales import UNKNOWN, Scalar

PLAN_FORMAT = "cec-plan/1"
CONTENT_STEP = 5
STRUCTURE_STEP = 4


@dataclass(frozen=True)
class Reason:
    """Why a service is in the plan: the rule, a sentence, the facts behind it, the source."""

    rule: str
    because: str
    facts: dict[str, Scalar]
    source: str


@dataclass(frozen=True)
class PlannedService:
    """One service in plan order."""

    order: int
    id: str
    name: str
    summary: str
    step: int
    element: str
    phase: int
    delivery: tuple[str, ...]
    coaching: tuple[str, ...]
    handoff: str
    owner: str
    diagnostic: bool
    requested: bool
    deferred: bool
    after: tuple[str, ...]
    hands_over_to: tuple[str, ...]
    reasons: tuple[Reason, ...]


@dataclass(frozen=True)
class DecisionOutcome:
    """A decision's value and the rules that concluded it."""

    decision: str
    title: str
    value: Scalar | None
    reasons: tuple[Reason, ...]
    options: tuple[Scalar, ...] = ()


@dataclass(frozen=True)
class OpenQuestion:
    """A decision the case cannot settle yet (K19)."""

    decision: str
    missing: tuple[str, ...]
    settle_with: str
    rules: tuple[str, ...]


@dataclass(frozen=True)
class Plan:
    """The justified, ordered services plan for one case."""

    case_id: str
    case_name: str
    level: str
    decisions: tuple[DecisionOutcome, ...]
    greatest_areas_of_need: tuple[str, ...]
    weakest_indicators: tuple[str, ...]
    capacity: int
    capacity_assumed: bool
    services: tuple[PlannedService, ...]
    elements_untouched: tuple[str, ...]
    warnings: tuple[RuleWarning, ...]
    undetermined: tuple[OpenQuestion, ...]
    trace: tuple[Firing, ...]
    coaching_model: bool

    def value(self, decision: str) -> Scalar | None:
        """The value of a decision, or ``None`` when no rule concluded it."""
        return next((d.value for d in self.decisions if d.decision == decision), None)

    def service(self, service_id: str) -> PlannedService | None:
        """The planned service with ``service_id``, if it is in the plan."""
        return next((s for s in self.services if s.id == service_id), None)


def build_plan(case: Case, facts: Facts, result: RunResult, rulebase: RuleBase) -> Plan:
    """Turn one run's conclusions into a :class:`Plan`."""
    catalogue = rulebase.catalogue
    needs = _rank_needs(result.all_values("need"), facts)
    reasons, decided = _reasons(result.firings, rulebase)
    recommended = [str(s) for s in result.all_values(SERVICE_DECISION)]
    deferred = {
        s
        for s in recommended
        if result.value("defer_later_work") is True
        and (catalogue[s].step >= STRUCTURE_STEP or catalogue[s].needs_all_anchors)
    }
    ordered = _order(recommended, result, rulebase, needs, deferred)
    capacity, assumed = _capacity(case, result, len(ordered))
    phases = _phases(ordered, result, rulebase, deferred, capacity)
    in_plan = set(ordered)
    services = []
    for index, service_id in enumerate(ordered):
        service = catalogue[service_id]
        after = tuple(p for p in service.prerequisites if p in in_plan)
        handing = tuple(
            other
            for other in ordered
            if service_id in catalogue[other].prerequisites and phases[other] == phases[service_id]
        )
        services.append(
            PlannedService(
                order=index + 1,
                id=service_id,
                name=service.name,
                summary=service.summary,
                step=service.step,
                element=service.element,
                phase=phases[service_id],
                delivery=service.delivery,
                coaching=tuple(catalogue.coaching[mode] for mode in service.delivery)
                if result.value("delivery_model") == "coaching"
                else (),
                handoff=service.handoff,
                owner=service.owner,
                diagnostic=service.diagnostic,
                requested=service_id in result.requested,
                deferred=service_id in deferred,
                after=after,
                hands_over_to=handing,
                reasons=tuple(reasons.get(service_id, ())),
            )
        )
    covered = {catalogue[s].element for s in ordered if not catalogue[s].diagnostic}
    return Plan(
        case_id=case.id,
        case_name=case.name,
        level=case.level,
        decisions=tuple(
            DecisionOutcome(
                d.id, d.title, result.value(d.id) if d.single else None, tuple(decided.get(d.id, ())), d.values
            )
            for d in rulebase.decisions.values()
        ),
        greatest_areas_of_need=needs,
        weakest_indicators=tuple(name for name in "ABCDEFGHIJKLMNOP" if facts.get(f"focus_on_learning.{name}") == 1),
        capacity=capacity,
        capacity_assumed=assumed,
        services=tuple(services),
        elements_untouched=tuple(e for e in ELEMENTS if e not in covered),
        warnings=tuple(result.warnings),
        undetermined=_open_questions(result),
        trace=tuple(result.firings),
        coaching_model=result.value("delivery_model") == "coaching",
    )


def _rank_needs(needs: Iterable[Scalar], facts: Facts) -> tuple[str, ...]:
    """Rank the areas of need weakest first (lowest group mean), ties in Appendix C order."""
    order = list(INDICATOR_GROUPS)
    found = [str(n) for n in needs]

    def key(group: str) -> tuple[float, int]:
        mean = facts.get(f"focus_on_learning.{group}")
        return (float(mean) if isinstance(mean, (int, float)) else 5.0, order.index(group))

    return tuple(sorted(found, key=key))


def _reason(firing: Firing, rulebase: RuleBase) -> Reason:
    rule = rulebase.by_id[firing.rule]
    facts = {k: v for k, v in firing.facts.items() if k != SERVICE_DECISION}
    return Reason(rule.id, fill_placeholders(rule.because, dict(firing.facts)), facts, rule.source)


def _reasons(firings: list[Firing], rulebase: RuleBase) -> tuple[dict[str, list[Reason]], dict[str, list[Reason]]]:
    """Collect a reason for every firing: per service it recommended, and per decision it concluded."""
    services: dict[str, list[Reason]] = {}
    decisions: dict[str, list[Reason]] = {}
    for firing in firings:
        reason = _reason(firing, rulebase)
        for service in firing.services:
            services.setdefault(service, []).append(reason)
        for decision in firing.decisions:
            decisions.setdefault(decision, []).append(reason)
    return services, decisions


def _order(
    services: list[str], result: RunResult, rulebase: RuleBase, needs: tuple[str, ...], deferred: set[str]
) -> list[str]:
    """Topologically order the services under the constraints the rules concluded."""
    catalogue = rulebase.catalogue
    before: dict[str, set[str]] = {s: set() for s in services}
    for service in services:
        before[service].update(p for p in catalogue[service].prerequisites if p in before)
    if result.value("step1_first") is True:
        first = [s for s in services if catalogue[s].step == 1]
        for service in services:
            if catalogue[service].step > 1:
                before[service].update(first)
    if result.value("diagnose_first") is True and "system-assessment" in before:
        for service in services:
            if catalogue[service].step == CONTENT_STEP:
                before[service].add("system-assessment")
    for service in deferred:
        before[service].update(s for s in services if s not in deferred)

    def priority(service: str) -> tuple[int, int, int, int]:
        info = catalogue[service]
        ranks = [needs.index(t) for t in info.targets if t in needs]
        rank = min(ranks) if ranks and info.step == CONTENT_STEP else len(needs)
        return (service in deferred, info.step, rank, catalogue.position[service])

    waiting = {s: set(b) for s, b in before.items()}
    ready = [(priority(s), s) for s, b in waiting.items() if not b]
    heapq.heapify(ready)
    ordered: list[str] = []
    while ready:
        _, service = heapq.heappop(ready)
        ordered.append(service)
        for other, blockers in waiting.items():
            if service in blockers:
                blockers.discard(service)
                if not blockers:
                    heapq.heappush(ready, (priority(other), other))
    if len(ordered) != len(services):
        stuck = sorted(set(services) - set(ordered))
        raise EngineError(f"the ordering constraints on {', '.join(stuck)} form a cycle")
    return ordered


def _capacity(case: Case, result: RunResult, count: int) -> tuple[int, bool]:
    """The number of concurrent services a phase may hold, and whether it was assumed."""
    if case.context.capacity != UNKNOWN:
        return int(case.context.capacity), False
    assumed = result.value("assumed_capacity")
    return (int(str(assumed)), True) if assumed is not None else (max(count, 1), True)


def _phases(
    ordered: list[str], result: RunResult, rulebase: RuleBase, deferred: set[str], capacity: int
) -> dict[str, int]:
    """Assign each service a phase, walking the plan in order."""
    catalogue = rulebase.catalogue
    multi_year = result.value("phasing") == "multi_year"
    phases: dict[str, int] = {}
    load: dict[int, int] = {}
    current = 1
    last_structure = 0
    last_active = 0
    for service in ordered:
        step = catalogue[service].step
        phase = current
        if multi_year and step == CONTENT_STEP and last_structure:
            phase = max(phase, last_structure + 1)
        if service in deferred:
            phase = max(phase, last_active + 1)
        while load.get(phase, 0) >= capacity:
            phase += 1
        phases[service] = phase
        load[phase] = load.get(phase, 0) + 1
        current = phase
        if step == STRUCTURE_STEP and service not in deferred:
            last_structure = phase
        if service not in deferred:
            last_active = phase
    return phases


def _open_questions(result: RunResult) -> tuple[OpenQuestion, ...]:
    """Merge identical open questions raised by several rules."""
    merged: dict[tuple[str, tuple[str, ...], str], list[str]] = {}
    for item in result.undetermined:
        merged.setdefault((item.decision, item.missing, item.settle_with), []).append(item.rule)
    return tuple(OpenQuestion(d, m, s, tuple(rules)) for (d, m, s), rules in merged.items())
