"""The smallest change of case facts that brings a service into the plan (for ``why-not``).

Candidate changes come from the facts the recommending rules test (and the
facts behind the decisions they need); sets of one, two, then three changes
are each re-planned through the real engine, and the first that brings the
service in (not deferred) wins.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from cec_advisor.errors import CecError
from cec_advisor.explain.changes import Change, apply_changes
from cec_advisor.io.yamlsource import Locator
from cec_advisor.model.case import INDICATOR_MEANS, Case, case_from_data
from cec_advisor.model.facts import FACT_SCALES, Facts, case_facts
from cec_advisor.model.scales import UNKNOWN
from cec_advisor.rulebase.model import FactTest, Rule, RuleBase
from cec_advisor.rulebase.semantics import fact_tests

if TYPE_CHECKING:  # handed an advisor, which runs the engine; the formatters (explain.text) load no durable
    from cec_advisor.advisor import Advisor


def smallest_change(
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


__all__ = ["smallest_change"]
