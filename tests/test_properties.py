"""Property tests over generated case files, through the real engine, and over hostile input."""

from __future__ import annotations

from typing import Any

import yaml
from hypothesis import given
from hypothesis import strategies as st

from cec_advisor.advisor import Advisor
from cec_advisor.errors import CaseFileError
from cec_advisor.model.case import parse_case
from cec_advisor.render.json import render_json

from .strategies import case_data, case_file_bytes, yaml_values

ADVISOR = Advisor()
EXEMPT = {"commitment_work", "diagnosis", "closing"}
"""One compiled rule base for all examples (Hypothesis does not mix with function-scoped fixtures)."""


def _plan(data: dict[str, Any]) -> Any:
    case = parse_case(case_file_bytes(data), "generated.yaml", ADVISOR.rulebase.catalogue.ids)
    return case, ADVISOR.plan(case)


@given(case_data())
def test_every_valid_case_gets_a_consistent_justified_plan(data: dict[str, Any]) -> None:
    """Any valid case plans without conflict or gap: a non-empty plan whose every reason names a rule."""
    _, plan = _plan(data)
    assert plan.services
    for decision in ADVISOR.rulebase.decisions.values():
        if decision.required:
            assert plan.value(decision.id) in decision.values
    rule_ids = set(ADVISOR.rulebase.by_id)
    assert all(r.rule in rule_ids for s in plan.services for r in s.reasons)
    assert all(s.reasons for s in plan.services)


@given(case_data())
def test_content_waits_for_the_commitment_milestone(data: dict[str, Any]) -> None:
    """While the anchors' agreement is pending, commitment work is in year 1 and content starts after it (K1, K21)."""
    _, plan = _plan(data)
    if plan.milestone_phase == 1:
        for service in plan.services:
            if service.urgency == "commitment_work":
                assert service.phase == 1
            if service.step == 5 and service.urgency not in ("from_the_start", "closing"):
                assert service.phase >= 2


@given(case_data())
def test_no_content_before_the_system_assessment_without_diagnosis(data: dict[str, Any]) -> None:
    """Without a focus_on_learning block, no Step 5 service comes before the system assessment."""
    case, plan = _plan(data)
    if case.focus_on_learning is None:
        ids = [s.id for s in plan.services]
        assert "system-assessment" in ids
        position = ids.index("system-assessment")
        assert all(ids.index(s.id) > position for s in plan.services if s.step == 5)


@given(case_data())
def test_capacity_and_deferral_hold(data: dict[str, Any]) -> None:
    """No phase exceeds capacity; with an anchor refusing, exactly the Step 4-5 and three-anchor services wait.

    Whether transformational change is possible is false while an anchor
    refuses or is only exploring, true with every anchor at least informally
    committed, and open otherwise (K2, K19).
    """
    case, plan = _plan(data)
    for phase in range(1, plan.horizon + 1):
        started = [s for s in plan.services if s.phase == phase and s.urgency not in EXEMPT]
        assert len(started) + sum(1 for s in plan.services if s.first_round_phase == phase) <= plan.capacity
    commitments = (
        case.anchors.board.commitment,
        case.anchors.administration.commitment,
        case.anchors.union.commitment,
    )
    refuses = "none" in commitments
    holding_back = refuses or "exploring" in commitments
    expected = False if holding_back else ("undetermined" if "unknown" in commitments else True)
    assert plan.value("transformation_possible") == expected
    waits = [s for s in plan.services if s.step >= 4 or s.id == "strategic-planning"]
    if refuses:
        assert all(s.deferred for s in waits if s.urgency != "from_the_start")


@given(case_data())
def test_output_is_deterministic(data: dict[str, Any]) -> None:
    """The same case planned twice gives byte-identical JSON."""
    _, first = _plan(data)
    _, second = _plan(data)
    assert render_json(first) == render_json(second)


@given(st.binary(max_size=2000))
def test_random_bytes_only_ever_raise_case_file_errors(raw: bytes) -> None:
    """Arbitrary bytes either load or raise CaseFileError, never anything else."""
    try:
        parse_case(raw, "fuzz.yaml")
    except CaseFileError as exc:
        assert str(exc).startswith("fuzz.yaml") and "\n" not in str(exc)


@given(yaml_values)
def test_random_yaml_only_ever_raises_case_file_errors(value: Any) -> None:
    """Any YAML document either loads as a case or raises CaseFileError with a single line."""
    raw = yaml.safe_dump(value, allow_unicode=True).encode("utf-8")
    try:
        parse_case(raw, "fuzz.yaml")
    except CaseFileError as exc:
        assert "\n" not in str(exc)


@given(case_data(), st.sampled_from(["anchors", "culture", "context", "structures"]), st.text(max_size=12))
def test_mutated_cases_fail_cleanly(data: dict[str, Any], block: str, key: str) -> None:
    """A valid case with a stray key in a block is refused by name, never with a crash."""
    data[block] = {**data[block], f"x{key}": "value"}
    try:
        parse_case(case_file_bytes(data), "mutated.yaml")
    except CaseFileError as exc:
        assert exc.field is not None and exc.field.startswith(block)
