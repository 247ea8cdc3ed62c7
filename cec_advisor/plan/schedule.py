"""The plan's timeline: the school year each service starts in, the order, and what waits beyond the horizon.

Nothing here decides *what* to offer or how urgent it is: the rules conclude
each service's urgency class (K21, ``then.schedule``), the milestone (K1),
diagnosis first (K4), deferral (K2), phasing (K11) and the horizon (K11). The
scheduler applies them, period by period (a period is one school year):

1. a service may start in a period only when every hard constraint allows it:
   its prerequisites have started (content that builds on content waits a
   year); while the anchors' agreement is pending, work that needs the
   anchors aligned (content, three-anchor planning) starts after the
   milestone at the end of year 1; content follows the system assessment
   (K4) and, in a transformation plan, the first structures (K11). Grant
   requirements (``from_the_start``) are exempt from the milestone, the
   deferral and ordinary prerequisites (K21, K22); three-anchor vehicles
   (strategic planning, the DLT) help build the agreement, so they do not wait;
2. among the services that may start, the most urgent goes first: commitment
   work, the diagnosis, grant requirements, early work, the district's
   request and the foundations it builds on, then structures and the
   greatest area of need, the other needs and Step 1 capacity building, the
   rest, a closing step in the last year, and optional links last;
3. a period holds at most ``capacity`` services besides the commitment and
   diagnosis work; a close deadline's first round (``first_round``) is an item
   of its own in year 1, needing none of the full service's prerequisites;
4. what does not fit the horizon, or waits for a refusing anchor, is later
   work, placed in the period after the horizon.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property

from cec_advisor.model.wording import GROUP_NAMES
from cec_advisor.rulebase.catalogue import Catalogue

CONTENT_STEP = 5
STRUCTURE_STEP = 4
"""The Pathway steps of content work and of the collaborative structure that carries it (catalogue ``step``)."""
EXEMPT = frozenset({"commitment_work", "diagnosis", "closing"})
"""Urgency classes that do not count against capacity (the work that opens every plan)."""
EARLY = frozenset({"from_the_start"})
"""Urgency classes not held back by the milestone, the diagnosis or the deferral (K21)."""
URGENCY_RANK: dict[str | None, float] = {
    "commitment_work": 0,
    "diagnosis": 1,
    "from_the_start": 1,
    "early": 2,
    "requested": 1.5,
    None: 5,
    "closing": 8,
    "optional": 9,
}
URGENCY_WORDS = {
    "commitment_work": "commitment work that opens the plan",
    "diagnosis": "the diagnosis, at the start",
    "from_the_start": "a grant requirement, started at once",
    "requested": "the district's own request, placed as early as its foundations allow",
    "early": "urgent for this district, so among the first services",
    "closing": "the closing step of the plan's last year",
    "optional": "an optional link, after the work the district needs",
}


STEP_WORDS = {
    1: "Step 1 capacity building, alongside the other work",
    2: "direction-setting work, as early as capacity allows",
    STRUCTURE_STEP: "a collaborative structure that carries the work",
}


@dataclass(frozen=True)
class Placement:
    """Where one service sits: its period, whether it is later work, and why (words generated from the schedule)."""

    service: str
    period: int
    later: bool
    urgency: str | None
    why: str


@dataclass(frozen=True)
class ScheduleInput:
    """What the rules concluded that the scheduler applies."""

    services: tuple[str, ...]
    urgency: Mapping[str, str]
    first_rounds: Mapping[str, str]
    needs: tuple[str, ...]
    deferred: frozenset[str]
    milestone: bool
    diagnose_first: bool
    multi_year: bool
    capacity: int
    horizon: int


@dataclass(frozen=True)
class Timeline:
    """The scheduled plan: services in order, each placed, plus the first rounds and the milestone."""

    order: tuple[str, ...]
    placements: dict[str, Placement]
    first_rounds: dict[str, int]
    milestone_period: int | None
    horizon: int
    overflow: tuple[str, ...]


def schedule(plan: ScheduleInput, catalogue: Catalogue) -> Timeline:
    """Place every service in a period, in order, under the constraints and urgency the rules concluded."""
    scheduler = _Scheduler(plan, catalogue)
    return scheduler.run()


class _Scheduler:
    def __init__(self, plan: ScheduleInput, catalogue: Catalogue) -> None:
        self.plan = plan
        self.catalogue = catalogue
        self.in_plan = set(plan.services)
        self.started: dict[str, int] = {}
        self.order: list[str] = []
        self.why: dict[str, str] = {}

    def run(self) -> Timeline:
        plan = self.plan
        waiting = [s for s in plan.services if s not in plan.deferred or self._urgency(s) in EARLY]
        first_rounds = {service: 1 for service in plan.first_rounds if service in self.in_plan}
        for period in range(1, plan.horizon + 1):
            load = len(first_rounds) if period == 1 else 0
            while True:
                ready = [s for s in waiting if self._earliest(s) <= period]
                fits = [s for s in ready if self._urgency(s) in EXEMPT or load < plan.capacity]
                if not fits:
                    break
                service = min(fits, key=self._priority)
                waiting.remove(service)
                self.started[service] = period
                self.order.append(service)
                self.why[service] = self._reason(service, period)
                if self._urgency(service) not in EXEMPT:
                    load += 1
        # ``waiting`` never held the deferred work, so what is left is what did not fit the horizon.
        overflow = tuple(sorted(waiting, key=self._priority))
        later = [s for s in plan.services if s not in self.started]
        later_order = _topological(later, self.catalogue, self._priority)
        placements = {s: Placement(s, self.started[s], False, self._urgency(s), self.why[s]) for s in self.order}
        for service in later_order:
            placements[service] = Placement(
                service, plan.horizon + 1, True, self._urgency(service), self._later_reason(service)
            )
        milestone = 1 if plan.milestone else None
        return Timeline(
            order=(*self.order, *later_order),
            placements=placements,
            first_rounds=first_rounds,
            milestone_period=milestone,
            horizon=plan.horizon,
            overflow=overflow,
        )

    def _urgency(self, service: str) -> str | None:
        return self.plan.urgency.get(service)

    def _priority(self, service: str) -> tuple[float, int, int]:
        info = self.catalogue[service]
        urgency = self._urgency(service)
        rank: float = URGENCY_RANK.get(urgency, 5)
        if urgency is None:
            rank = self._base_rank(service)
        if service in self._foundations:  # the foundations of the district's request share its urgency (K7)
            rank = min(rank, URGENCY_RANK["requested"])
        return (rank, info.step, self.catalogue.position[service])

    @cached_property
    def _foundations(self) -> set[str]:
        """Every service a requested one builds on, directly or through others."""
        requested = [s for s in self.plan.services if self._urgency(s) == "requested"]
        found: set[str] = set()
        stack = [p for s in requested for p in self.catalogue[s].prerequisites]
        while stack:
            service = stack.pop()
            if service in self.in_plan and service not in found:
                found.add(service)
                stack.extend(self.catalogue[service].prerequisites)
        return found

    def _base_rank(self, service: str) -> float:
        info = self.catalogue[service]
        if info.step == CONTENT_STEP:
            ranks = [self.plan.needs.index(t) for t in info.targets if t in self.plan.needs]
            if ranks:
                return 2 + min(ranks) * 0.5
            return 4
        if info.step == STRUCTURE_STEP:
            return 2
        return 3

    def _constraints(self, service: str) -> list[tuple[int, str]]:
        """Each constraint on the start of ``service`` as (earliest period, why), in the plan's own words."""
        plan = self.plan
        info = self.catalogue[service]
        urgency = self._urgency(service)
        found: list[tuple[int, str]] = []
        for prerequisite in info.prerequisites:
            if prerequisite not in self.in_plan:
                continue
            if urgency in EARLY and self._urgency(prerequisite) not in (*EARLY, *EXEMPT):
                continue  # a grant requirement does not wait for ordinary work it usually builds on (K21)
            name = self.catalogue[prerequisite].name
            if prerequisite not in self.started:
                found.append((10_000, f"it builds on {name}"))
                continue
            gap = 1 if info.step == CONTENT_STEP and self.catalogue[prerequisite].step == CONTENT_STEP else 0
            year = self.started[prerequisite]
            found.append((year + gap, f"it builds on {name}, which starts in year {year}"))
        if urgency == "closing":
            found.append((plan.horizon, f"the plan's last year (year {plan.horizon})"))
        if urgency in EARLY:
            return found
        if plan.milestone and info.step == CONTENT_STEP:
            found.append((2, "after the three anchors' agreement, the milestone at the end of year 1"))
        if plan.diagnose_first and info.step == CONTENT_STEP and "system-assessment" in self.in_plan:
            assessed = self.started.get("system-assessment")
            if assessed is None:
                found.append((10_000, "after the system assessment"))
            else:
                found.append((assessed + 1, f"after the system assessment (year {assessed})"))
        if plan.multi_year and info.step == CONTENT_STEP:
            structures = [
                self.started[s] for s in self.in_plan if self.catalogue[s].step == STRUCTURE_STEP and s in self.started
            ]
            pending = [s for s in self.in_plan if self.catalogue[s].step == STRUCTURE_STEP and s not in self.started]
            if structures:
                found.append((min(structures) + 1, "after the first collaborative structures are in place"))
            elif pending:
                found.append((10_000, "after the first collaborative structures"))
        return found

    def _earliest(self, service: str) -> int:
        return max([1, *(year for year, _ in self._constraints(service))])

    def _reason(self, service: str, period: int) -> str:
        urgency = self._urgency(service)
        if urgency in URGENCY_WORDS and urgency != "optional":
            return f"Year {period}: {URGENCY_WORDS[urgency]}."
        binding = [why for year, why in self._constraints(service) if year == period and period > 1]
        if binding:
            return f"Year {period}: {binding[0]}."
        earliest = self._earliest(service)
        if period > earliest:
            return f"Year {period}: the first year with room ({self.plan.capacity} new services a year)."
        if urgency == "optional":
            return f"Year {period}: {URGENCY_WORDS['optional']}."
        info = self.catalogue[service]
        targeted = [t for t in self.plan.needs if t in info.targets]
        if info.step == CONTENT_STEP and targeted:
            greatest = targeted[0] == self.plan.needs[0]
            need = GROUP_NAMES.get(targeted[0], targeted[0])
            return f"Year {period}: aimed at {'the greatest' if greatest else 'an'} area of need ({need})."
        return f"Year {period}: {STEP_WORDS.get(info.step, 'as early as capacity allows')}."

    def _later_reason(self, service: str) -> str:
        if service in self.plan.deferred and self._urgency(service) not in EARLY:
            return "Later work: it waits until every anchor commits."
        return (
            f"Later work: it does not fit the {self.plan.horizon}-year horizon at "
            f"{self.plan.capacity} new services a year, after the more urgent work."
        )


def _topological(
    services: Iterable[str], catalogue: Catalogue, priority: Callable[[str], tuple[float, int, int]]
) -> list[str]:
    """``services`` ordered so that prerequisites come first, ties by ``priority``."""
    pending = list(services)
    done: list[str] = []
    while pending:
        free = [s for s in pending if not any(p in pending for p in catalogue[s].prerequisites)]
        chosen = min(free or pending, key=priority)
        pending.remove(chosen)
        done.append(chosen)
    return done
