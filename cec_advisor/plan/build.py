"""Build the ordered, scheduled, justified plan from what the engine concluded.

Nothing here decides *what* to offer: every service, decision, warning and
open question comes from a rule firing. This module gathers the reasons per
service and per decision, reads the urgency classes the K21 rules concluded
(``then.schedule``), and hands the timeline to :mod:`cec_advisor.plan.schedule`,
which places each service in a school year within the horizon (K11) under
the milestone (K1), diagnosis first (K4), deferral (K2), prerequisites and
capacity (the case's, or the ``assumed_capacity`` a rule set, K14/K19).
What does not fit the horizon is later work, with a warning from the
horizon rule.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from cec_advisor.engine.trace import Firing, RuleWarning, RunResult
from cec_advisor.model.case import INDICATOR_GROUPS, INDICATORS, Case
from cec_advisor.model.facts import Facts
from cec_advisor.model.scales import UNKNOWN, Scalar
from cec_advisor.plan.schedule import STRUCTURE_STEP, ScheduleInput, Timeline, schedule
from cec_advisor.rulebase.catalogue import ELEMENTS, Catalogue
from cec_advisor.rulebase.model import SERVICE_DECISION, RuleBase
from cec_advisor.rulebase.semantics import fill_placeholders

PLAN_FORMAT = "cec-plan/1"


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
    urgency: str | None = None
    """The urgency class a K21 rule concluded, if any."""
    placement: str = ""
    """Why the service sits in its period, in words generated from the schedule (never from rule text)."""
    first_round_phase: int | None = None
    """The period of a close deadline's first round, an item of its own (K21)."""


@dataclass(frozen=True)
class DecisionOutcome:
    """A decision's value and the rules that concluded it."""

    decision: str
    title: str
    value: Scalar | None
    reasons: tuple[Reason, ...]
    options: tuple[Scalar, ...] = ()
    summary: str | None = None
    """The label a plan's summary shows it under (``None``: not shown there), from decisions.yaml."""
    plan_field: bool = False
    """Whether the JSON plan carries its value at the top level, from decisions.yaml."""


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
    horizon: int = 1
    """School years the plan covers; later work sits in the period after (K11)."""
    milestone_phase: int | None = None
    """The period at whose end the anchors' formal agreement is expected (K1), if it is pending."""

    def value(self, decision: str) -> Scalar | None:
        """The value of a decision, or ``None`` when no rule concluded it."""
        return next((d.value for d in self.decisions if d.decision == decision), None)

    def service(self, service_id: str) -> PlannedService | None:
        """The planned service with ``service_id``, if it is in the plan."""
        return next((s for s in self.services if s.id == service_id), None)


def build_plan(case: Case, facts: Facts, result: RunResult, rulebase: RuleBase) -> Plan:
    """Turn one run's conclusions into a :class:`Plan`: ranked needs, the scheduled services, warnings, trace."""
    catalogue = rulebase.catalogue
    needs = _rank_needs(result.all_values("need"), facts)
    reasons, decided = _reasons(result.firings, rulebase)
    recommended = [str(s) for s in result.all_values(SERVICE_DECISION)]
    capacity, assumed = _capacity(case, result, len(recommended))
    timeline = _timeline(recommended, needs, capacity, result, rulebase)
    ordered = list(timeline.order)
    warnings = list(result.warnings)
    if timeline.overflow:
        warnings.append(_overflow_warning(timeline, capacity, result, catalogue))
    covered = {catalogue[s].element for s in ordered if not catalogue[s].diagnostic}
    return Plan(
        case_id=case.id,
        case_name=case.name,
        level=case.level,
        decisions=tuple(
            DecisionOutcome(
                d.id,
                d.title,
                result.value(d.id) if d.single else None,
                tuple(decided.get(d.id, ())),
                d.values,
                summary=d.summary,
                plan_field=d.plan_field,
            )
            for d in rulebase.decisions.values()
        ),
        greatest_areas_of_need=needs,
        weakest_indicators=tuple(name for name in INDICATORS if facts.get(f"focus_on_learning.{name}") == 1),
        capacity=capacity,
        capacity_assumed=assumed,
        services=_planned_services(timeline, result, catalogue, reasons),
        elements_untouched=tuple(e for e in ELEMENTS if e not in covered),
        warnings=tuple(warnings),
        horizon=timeline.horizon,
        milestone_phase=timeline.milestone_period,
        undetermined=_open_questions(result),
        trace=tuple(result.firings),
        coaching_model=result.value("delivery_model") == "coaching",
    )


def _timeline(
    recommended: list[str], needs: tuple[str, ...], capacity: int, result: RunResult, rulebase: RuleBase
) -> Timeline:
    """Schedule the recommended services with what the rules concluded about order, deferral and the horizon."""
    catalogue = rulebase.catalogue
    deferred = frozenset(
        s
        for s in recommended
        if result.value("defer_later_work") is True
        and (catalogue[s].step >= STRUCTURE_STEP or catalogue[s].needs_all_anchors)
    )
    urgency, first_rounds = _urgency(result, rulebase)
    horizon = result.value("horizon")
    return schedule(
        ScheduleInput(
            services=tuple(recommended),
            urgency=urgency,
            first_rounds=first_rounds,
            needs=needs,
            deferred=deferred,
            milestone=result.value("commitment_milestone") is True,
            diagnose_first=result.value("diagnose_first") is True,
            multi_year=result.value("phasing") == "multi_year",
            capacity=capacity,
            horizon=int(str(horizon)) if horizon is not None else 1,
        ),
        catalogue,
    )


def _planned_services(
    timeline: Timeline, result: RunResult, catalogue: Catalogue, reasons: dict[str, list[Reason]]
) -> tuple[PlannedService, ...]:
    """The services in their scheduled order, each with its place, delivery, hand-over and reasons."""
    ordered = list(timeline.order)
    in_plan = set(ordered)
    coaching = result.value("delivery_model") == "coaching"
    services = []
    for index, service_id in enumerate(ordered):
        service = catalogue[service_id]
        placed = timeline.placements[service_id]
        handing = tuple(
            other
            for other in ordered
            if service_id in catalogue[other].prerequisites
            and timeline.placements[other].period == placed.period + 1
            and not timeline.placements[other].later
        )
        services.append(
            PlannedService(
                order=index + 1,
                id=service_id,
                name=service.name,
                summary=service.summary,
                step=service.step,
                element=service.element,
                phase=placed.period,
                delivery=service.delivery,
                coaching=tuple(catalogue.coaching[mode] for mode in service.delivery) if coaching else (),
                handoff=service.handoff,
                owner=service.owner,
                diagnostic=service.diagnostic,
                requested=service_id in result.requested,
                deferred=placed.later,
                after=tuple(p for p in service.prerequisites if p in in_plan),
                hands_over_to=handing,
                reasons=tuple(reasons.get(service_id, ())),
                urgency=placed.urgency,
                placement=placed.why,
                first_round_phase=timeline.first_rounds.get(service_id),
            )
        )
    return tuple(services)


def _overflow_warning(timeline: Timeline, capacity: int, result: RunResult, catalogue: Catalogue) -> RuleWarning:
    """The warning that some recommended services do not fit the horizon and wait as later work (K11)."""
    horizon = result.value("horizon")
    horizon_rule = next(iter(result.concluders("horizon", horizon)), "") if horizon is not None else ""
    names = "; ".join(catalogue[s].name for s in timeline.overflow)
    one = len(timeline.overflow) == 1
    return RuleWarning(
        horizon_rule,
        f"{_count(len(timeline.overflow), 'recommended service')} "
        f"{'does' if one else 'do'} not fit the plan's "
        f"{timeline.horizon}-year horizon at {_count(capacity, 'new service')} a year and "
        f"{'is' if one else 'are'} listed as later work, to be planned when the "
        f"first ones hand over: {names}.",
    )


def _count(number: int, noun: str) -> str:
    """``1 new service``, ``3 new services``."""
    return f"{number} {noun}{'' if number == 1 else 's'}"


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
    return Reason(rule.id, fill_placeholders(rule.because, firing.facts, rulebase.catalogue.names), facts, rule.source)


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


URGENCY_ORDER = ("commitment_work", "diagnosis", "from_the_start", "early", "requested", "closing", "optional")


def _urgency(result: RunResult, rulebase: RuleBase) -> tuple[dict[str, str], dict[str, str]]:
    """Each service's most urgent class concluded by a K21 rule, and the services that get a first round.

    A rule's class applies to the services it recommends and to the service
    it tests (``when: service: ...``).
    """
    urgency: dict[str, str] = {}
    first_rounds: dict[str, str] = {}
    for firing in result.firings:
        kind = rulebase.by_id[firing.rule].then.schedule
        if kind is None:
            continue
        tested = firing.facts.get(SERVICE_DECISION)
        targets = [*firing.services, *([str(tested)] if tested is not None else [])]
        for service in targets:
            if kind == "first_round":
                first_rounds.setdefault(service, firing.rule)
            elif service not in urgency or URGENCY_ORDER.index(kind) < URGENCY_ORDER.index(urgency[service]):
                urgency[service] = kind
    return urgency, first_rounds


def _capacity(case: Case, result: RunResult, count: int) -> tuple[int, bool]:
    """The number of concurrent services a phase may hold, and whether it was assumed."""
    if case.context.capacity != UNKNOWN:
        return int(case.context.capacity), False
    assumed = result.value("assumed_capacity")
    return (int(str(assumed)), True) if assumed is not None else (max(count, 1), True)


def _open_questions(result: RunResult) -> tuple[OpenQuestion, ...]:
    """Merge identical open questions raised by several rules."""
    merged: dict[tuple[str, tuple[str, ...], str], list[str]] = {}
    for item in result.undetermined:
        merged.setdefault((item.decision, item.missing, item.settle_with), []).append(item.rule)
    return tuple(OpenQuestion(d, m, s, tuple(rules)) for (d, m, s), rules in merged.items())
