"""Witness cases: valid case files that satisfy a set of fact tests.

Used by ``lint`` (is this condition ever true? do these two rules overlap?) and
by the gap analysis. Each fact path tested gets a short list of candidate
values from its scale (boundary values for wide numeric scales); assignments
are built into real case data on the rule cases' neutral base case
(:func:`neutral_case`), validated, flattened with
:func:`~cec_advisor.model.facts.case_facts` (so derived facts such as group means
are honoured), and checked with the same ``holds`` the engine's rules mean.
The search is exhaustive when the product of candidates is small and a
seeded random sample when it is not, so results are deterministic.
"""

from __future__ import annotations

import copy
import itertools
import random
from collections.abc import Iterable, Iterator, Sequence
from functools import cache
from typing import Any

from cec_advisor.errors import CaseFileError
from cec_advisor.io.yamlsource import Locator
from cec_advisor.model.case import INDICATOR_MEANS, Case, case_from_data, put_fact
from cec_advisor.model.facts import FACT_SCALES, Facts, case_facts
from cec_advisor.model.scales import UNKNOWN
from cec_advisor.rulebase.model import FactTest
from cec_advisor.rulebase.semantics import holds
from cec_advisor.verify.rulecases import default_rule_cases_dir, load_base_case

EXHAUSTIVE_LIMIT = 20_000
"""Largest candidate product searched exhaustively; beyond it the search samples."""

SAMPLES = 4_000
"""Assignments tried when sampling."""

WITNESS_IDENTITY = {"id": "witness", "name": "Witness case"}
"""The id and name a witness case carries in place of the base case's."""


@cache
def neutral_case() -> dict[str, Any]:
    """A case in the middle of every scale, on which witnesses change only what they must.

    It is the rule cases' neutral base (``_base.yaml`` of the shipped rule cases), named as a witness: one
    source for both. Callers copy it before changing it.
    """
    return {**load_base_case(default_rule_cases_dir()), **WITNESS_IDENTITY}


FactCondition = tuple[Sequence[FactTest], Sequence[Sequence[Sequence[FactTest]]]]
"""A rule's fact side as the witness search takes it: fact tests that must all hold, and any-groups
(each: options, each option: tests that must all hold). Not :class:`cec_advisor.rulebase.model.Condition`,
which also holds the decision tests."""


def candidates(path: str, tests: Iterable[FactTest]) -> list[Any]:
    """Values worth trying for a fact path: its scale's values, or boundary values of the tests for wide scales."""
    scale = FACT_SCALES[path]
    group = path.removeprefix("focus_on_learning.")
    if group in INDICATOR_MEANS:
        values: list[Any] = [1, 2, 3, 4]
    elif scale.kind in ("int", "number") and scale.high - scale.low > 10:
        bounds = {int(v) for t in tests if t.path == path and t.op != "in" for v in t.values}
        values = sorted({b + d for b in bounds for d in (-1, 0, 1) if scale.low <= b + d <= scale.high}) or [
            int(scale.low)
        ]
    elif scale.known_values():
        values = list(scale.known_values())
    else:
        values = [v for t in tests if t.path == path and t.op == "in" for v in t.values if v != UNKNOWN]
    if not scale.required:
        values.append(UNKNOWN)
    return list(dict.fromkeys(values))


def build_case(assignment: dict[str, Any], base: dict[str, Any] | None = None) -> Case | None:
    """Case data with ``assignment`` (fact path → value) applied to the neutral case; ``None`` if invalid."""
    data = copy.deepcopy(base or neutral_case())
    for path, value in assignment.items():
        _assign(data, path, value)
    try:
        return case_from_data(data, Locator("witness"))
    except CaseFileError:
        return None


def _assign(data: dict[str, Any], path: str, value: Any) -> None:
    """Give the fact ``path`` the value ``value`` in case data; a request made for it asks for ``data-use``."""
    put_fact(data, path, value, service="data-use")


def satisfied(facts: Facts, condition: FactCondition) -> bool:
    """Whether a case's facts satisfy every fact test and every any-group."""
    tests, groups = condition
    if not all(holds(t, facts.get(t.path, UNKNOWN)) for t in tests):
        return False
    return all(any(all(holds(t, facts.get(t.path, UNKNOWN)) for t in option) for option in group) for group in groups)


def witnesses(
    conditions: Sequence[FactCondition],
    *,
    also: Sequence[FactCondition] = (),
    seed: int = 0,
    exhaustive_limit: int = EXHAUSTIVE_LIMIT,
    samples: int = SAMPLES,
) -> Iterator[tuple[dict[str, Any], Case, Facts]]:
    """Yield assignments (and their cases and facts) that satisfy every condition at once.

    The facts tested by ``also`` are varied too, without having to hold.
    """
    every = [*conditions, *also]
    tests = [t for c in every for t in c[0]] + [t for c in every for g in c[1] for o in g for t in o]
    paths = list(dict.fromkeys(t.path for t in tests))
    lists = [candidates(path, tests) for path in paths]
    size = 1
    for values in lists:
        size *= len(values)
    if size <= exhaustive_limit:
        combos: Iterable[tuple[Any, ...]] = itertools.product(*lists)
    else:
        chooser = random.Random(seed)
        combos = (tuple(chooser.choice(values) for values in lists) for _ in range(samples))
    for combo in combos:
        assignment = dict(zip(paths, combo, strict=True))
        case = build_case(assignment)
        if case is None:
            continue
        facts = case_facts(case)
        if all(satisfied(facts, condition) for condition in conditions):
            yield assignment, case, facts


def first_witness(conditions: Sequence[FactCondition], *, seed: int = 0) -> dict[str, Any] | None:
    """The first assignment that satisfies every condition, or ``None``."""
    return next((assignment for assignment, _, _ in witnesses(conditions, seed=seed)), None)


def grid_cases(values: dict[str, Sequence[Any]]) -> list[Case]:
    """One valid case for every combination of ``values`` (fact path → values to try), on the neutral case."""
    paths = list(values)
    cases = [build_case(dict(zip(paths, combo, strict=True))) for combo in itertools.product(*values.values())]
    return [case for case in cases if case is not None]


VARIED_GRID: dict[str, Sequence[Any]] = {
    "culture.trust": ["low", "mixed", "high", "unknown"],
    "anchors.relationship": ["adversarial", "strained", "cooperative", "unknown"],
    "achievement.status": ["far_below", "near", "far_above", "unknown"],
    "anchors.board.commitment": ["none", "exploring", "formal", "unknown"],
    "context.whole_child_needs": ["low", "high", "unknown"],
}
"""768 distinct cases across the decisions that matter most, for endurance runs."""
