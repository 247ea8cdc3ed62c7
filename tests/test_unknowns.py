"""K19 as a property: an unknown fact never decides a key decision silently, and is never cited as known.

For any valid case and any case fact set to ``unknown``, the case is also
planned with the fact at each of its known values (its completions). Every key
decision whose value differs between the completions must be reported as
open in the plan with the unknown: its value is ``undetermined`` or it has an
open question. And every rule that fired on the case with the unknown either
does not require that fact or requires it to be ``unknown`` explicitly (an
any-group may hold through another option), so no reason rests on a value
the case does not have.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from hypothesis import given
from hypothesis import strategies as st

from cec_advisor.advisor import Advisor
from cec_advisor.model.case import parse_case, with_changes
from cec_advisor.model.facts import FACT_SCALES
from cec_advisor.model.scales import UNKNOWN
from cec_advisor.plan.build import Plan
from cec_advisor.rulebase.semantics import holds

from .conftest import SAMPLE_CASES
from .strategies import case_data, case_file_bytes

ADVISOR = Advisor()
SUMMARY_IDS = tuple(decision.id for decision in ADVISOR.rulebase.decisions.values() if decision.summary is not None)
"""The decisions a plan's summary shows."""
_DERIVED = ("entry_points.", "request.", "focus_on_learning.assessed")
SETTABLE = tuple(
    path
    for path, scale in FACT_SCALES.items()
    if not scale.required
    and scale.known_values()
    and not path.startswith(_DERIVED)
    and not (path.startswith("focus_on_learning.") and len(path.rsplit(".", 1)[1]) > 1)
)
"""Case-file facts that may be unknown and have a finite scale (derived means and requests excluded)."""


def _plan(data: dict[str, Any], advisor: Advisor = ADVISOR) -> Plan:
    return advisor.plan(parse_case(case_file_bytes(data), "generated.yaml", advisor.rulebase.catalogue.ids))


def _reported_open(plan: Plan, decision: str) -> bool:
    return plan.value(decision) == "undetermined" or any(q.decision == decision for q in plan.undetermined)


def silent_unknowns(data: dict[str, Any], path: str, advisor: Advisor = ADVISOR) -> list[str]:
    """What goes wrong when ``path`` is unknown in ``data``: key decisions decided silently, facts cited as known."""
    if path.startswith("focus_on_learning.") and "focus_on_learning" not in data:
        return []
    problems: list[str] = []
    unknown = _plan(with_changes(data, {path: UNKNOWN}), advisor)
    completions = [_plan(with_changes(data, {path: value}), advisor) for value in FACT_SCALES[path].known_values()]
    for decision in SUMMARY_IDS:
        values = {str(plan.value(decision)) for plan in completions}
        if len(values) > 1 and not _reported_open(unknown, decision):
            found = unknown.value(decision)
            problems.append(f"{decision} is {found} with {path} unknown, but its completions give {sorted(values)}")
    for firing in unknown.trace:
        tests = [t for t in advisor.rulebase.by_id[firing.rule].when.facts if t.path == path]
        if tests and not any(holds(test, UNKNOWN) for test in tests):
            problems.append(f"{firing.rule} cites {path} as known")
    return problems


@given(case_data(identity=False), st.sampled_from(SETTABLE))
def test_an_unknown_fact_never_decides_silently(data: dict[str, Any], path: str) -> None:
    """Setting any fact to unknown leaves every key decision it could change open, and no reason cites it as known."""
    assert silent_unknowns(data, path) == []


def test_sample_cases_keep_their_unknowns_honest() -> None:
    """Over every sample case and every fact, unknowns are reported, never decided silently (K19)."""
    problems = []
    for sample in SAMPLE_CASES:
        data = yaml.safe_load(sample.read_text(encoding="utf-8"))
        for path in SETTABLE:
            problems += [f"{sample.stem}: {p}" for p in silent_unknowns(data, path)]
    assert problems == []


def test_the_check_catches_a_rule_base_that_guesses(rules_copy: Path) -> None:
    """A rule base that defaults an open emphasis to culture is caught: the union's unknown commitment decides it."""
    path = rules_copy / "step3-direction.yaml"
    text = path.read_text(encoding="utf-8")
    guessing = text.replace("conclude: {emphasis: undetermined}", "conclude: {emphasis: culture}")
    lines = [line for line in guessing.splitlines() if "undetermined: {decision: emphasis," not in line]
    assert guessing != text and len(lines) < len(guessing.splitlines())
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    data = yaml.safe_load(next(p for p in SAMPLE_CASES if p.stem == "unknown-union").read_text(encoding="utf-8"))
    data = with_changes(data, {"anchors.relationship": "cooperative"})
    assert silent_unknowns(data, "anchors.union.commitment") == []
    found = silent_unknowns(data, "anchors.union.commitment", Advisor(rules_copy))
    assert any(p.startswith("emphasis is culture") for p in found), found
