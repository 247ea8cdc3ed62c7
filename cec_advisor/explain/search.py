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
from cec_advisor.model.case import BLOCK_FACTS, INDICATOR_MEANS, Case, case_from_data, fact_edit, put_fact, with_changes
from cec_advisor.model.facts import FACT_SCALES, Facts, case_facts
from cec_advisor.model.scales import UNKNOWN
from cec_advisor.rulebase.model import FactTest, Rule, RuleBase
from cec_advisor.rulebase.semantics import fact_tests

if TYPE_CHECKING:  # handed an advisor, which runs the engine; the formatters (explain.formatters) load no durable
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
    """Whether the case with ``combo`` applied is valid and its plan has the service, not deferred."""
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
    data = _case_data(case)
    changes: list[Change] = []
    for path, test in paths:
        for change in _changes_for(path, test, current, service_id, data):
            if change not in changes:
                changes.append(change)
    # Diagnostic facts first; changing or adding the district's request is tried last.
    return sorted(changes, key=lambda change: change.path == "request")


def _case_data(case: Case) -> dict[str, Any]:
    """The case as data to edit: every block in full, but a request as the case file gives it (no defaults)."""
    data = case.model_dump(mode="python")
    if case.request is not None:
        data["request"] = case.request.model_dump(exclude_defaults=True)
    return data


def _changes_for(
    path: str, test: FactTest | None, current: Facts, service_id: str, data: dict[str, Any]
) -> Iterator[Change]:
    """The changes worth trying for one fact a rule tests: a yes/no fact turned round, other facts' values nearest
    first; a mean of indicators as all its indicators rated alike. A new request names ``service_id``."""
    block, _, rest = path.partition(".")
    if block == "focus_on_learning" and rest in INDICATOR_MEANS:
        letters = INDICATOR_MEANS[rest]
        for rating in (1, 2, 3, 4):
            yield _change(data, path, rating, service_id, f"focus_on_learning.{letters[0]}-{letters[-1]}")
        return
    if path in BLOCK_FACTS.values() or block == "entry_points":
        if path == "request.made" and data.get("request") is None:  # shown as the service it asks for
            edit, request = fact_edit(data, path, True, service=service_id)
            yield Change(edit, request, "request.service", service_id)
        else:
            yield _change(data, path, not current[path], service_id)
        return
    if path == "request.service":  # the whole request block, so --set keeps its other keys
        for value in test.values if test else ():
            if value != UNKNOWN:
                edited = with_changes(data, {})
                put_fact(edited, path, value, service=service_id)
                yield Change("request", edited["request"], path, value)
        return
    if block == "request" and data.get(block) is None:  # a request is made above, for the service
        return
    yield from (_change(data, path, value, service_id) for value in _values_to_try(path, test, current))


def _values_to_try(path: str, test: FactTest | None, current: Facts) -> list[Any]:
    """The values worth trying for a fact other than its own: the scale's (or, for a wide or open scale, the
    test's) nearest the current value first, then ``unknown`` where the fact may be unknown."""
    scale = FACT_SCALES[path]
    values: list[Any] = list(scale.known_values())
    if scale.kind == "int" and len(values) > 10 and test is not None:
        values = sorted({int(test.values[0]) - 1, int(test.values[0])})
    if scale.kind in ("code", "service", "number") and test is not None:
        values = [v for v in test.values if v != UNKNOWN]
    now = current.get(path, UNKNOWN)
    if now in values:  # nearest values first: "informal" before "none" for a formal union
        scale_order = list(values)
        values.sort(key=lambda value: abs(scale_order.index(value) - scale_order.index(now)))
    return [value for value in [*values, *([] if scale.required else [UNKNOWN])] if now != value]


def _change(data: dict[str, Any], fact: str, value: Any, service_id: str, shown_fact: str = "") -> Change:
    """The change that gives ``fact`` the value ``value`` in ``data`` (:func:`~cec_advisor.model.case.fact_edit`),
    shown as ``shown_fact`` (by default the fact itself) = ``value``."""
    path, new = fact_edit(data, fact, value, service=service_id)
    return Change(path, new, shown_fact or fact, value)


__all__ = ["smallest_change"]
