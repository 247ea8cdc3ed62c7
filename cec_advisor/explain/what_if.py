"""What if: the difference a change of case facts makes to the plan (``cec-advisor what-if``).

Both plans come from the real engine; every difference (a decision, a
service, a warning, an open question) names the rules behind it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from cec_advisor.engine.trace import Firing
from cec_advisor.errors import CecError, UserError
from cec_advisor.explain.changes import Change, apply_changes
from cec_advisor.explain.common import ORDERING_DECISIONS
from cec_advisor.io.yamlsource import Locator
from cec_advisor.model.case import Case, case_from_data
from cec_advisor.model.scales import Scalar, same_value
from cec_advisor.plan.build import OpenQuestion, Plan, PlannedService
from cec_advisor.rulebase.model import SERVICE_DECISION, RuleBase

if TYPE_CHECKING:  # handed an advisor, which runs the engine; the formatters (explain.formatters) load no durable
    from cec_advisor.advisor import Advisor


@dataclass(frozen=True)
class DecisionDiff:
    """A decision whose value changed, with the rules that concluded it before and after."""

    decision: str
    before: Scalar | None
    after: Scalar | None
    rules_before: tuple[str, ...]
    rules_after: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready data, keys in the order of the fields."""
        return self.__dict__ | {"rules_before": list(self.rules_before), "rules_after": list(self.rules_after)}


@dataclass(frozen=True)
class ServiceDiff:
    """A service added, removed, moved, re-phased, deferred or no longer deferred."""

    service: str
    change: str
    before: str
    after: str
    rules: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready data, keys in the order of the fields."""
        return self.__dict__ | {"rules": list(self.rules)}


@dataclass(frozen=True)
class WarningDiff:
    """A warning raised only before the change (``removed``), only after (``added``), or reworded (``changed``)."""

    rule: str
    change: str
    before: str
    after: str

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready data, keys in the order of the fields."""
        return dict(self.__dict__)


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
            "decisions": [d.as_dict() for d in self.decisions],
            "services": [s.as_dict() for s in self.services],
            "warnings": [w.as_dict() for w in self.warnings],
            "open_questions": [q.as_dict() for q in self.open_questions],
            "rules_started_firing": self.rules_started,
            "rules_stopped_firing": self.rules_stopped,
        }


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
    """Where a service sits: ``year N`` or ``later work``."""
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


__all__ = ["DecisionDiff", "QuestionDiff", "ServiceDiff", "WarningDiff", "WhatIf", "what_if"]
