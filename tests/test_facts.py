"""Facts: unknowns are left out, derived facts are computed, the registry covers the case format."""

from __future__ import annotations

from cec_advisor.model.case import parse_case
from cec_advisor.model.facts import FACT_SCALES, case_facts

CASE = b"""format: cec-case/1
id: f
name: F
level: district
entry_points: [grant_criteria]
culture: {trust: low, distributed_leadership: unknown}
focus_on_learning: {A: 1, B: 2, D: 4}
request: {service: slo-training, deadline_months: 3}
"""


def test_unknown_facts_are_left_out() -> None:
    """An unknown or absent fact does not appear, so rules test 'unknown' as absence."""
    facts = case_facts(parse_case(CASE, "f.yaml"))
    assert facts["culture.trust"] == "low"
    assert "culture.distributed_leadership" not in facts
    assert "anchors.board.commitment" not in facts


def test_group_means_use_known_indicators_only() -> None:
    """A group mean averages its rated indicators; a group with none rated has no mean."""
    facts = case_facts(parse_case(CASE, "f.yaml"))
    assert facts["focus_on_learning.curriculum"] == 1.5
    assert facts["focus_on_learning.assessment"] == 4
    assert "focus_on_learning.focus" not in facts
    assert facts["focus_on_learning.assessed"] is True


def test_flags_for_entry_points_assessment_and_request() -> None:
    """Entry points, the assessment block and the request become explicit flags."""
    facts = case_facts(parse_case(CASE, "f.yaml"))
    assert facts["entry_points.grant_criteria"] is True
    assert facts["entry_points.district_request"] is False
    assert facts["request.made"] is True
    assert facts["request.service"] == "slo-training"
    assert facts["request.deadline_months"] == 3
    bare = case_facts(parse_case(b"format: cec-case/1\nid: b\nname: B\nlevel: school\n", "b.yaml"))
    assert bare["focus_on_learning.assessed"] is False
    assert bare["request.made"] is False


def test_every_flattened_fact_has_a_scale() -> None:
    """The registry rules are checked against knows every fact a case can produce."""
    facts = case_facts(parse_case(CASE, "f.yaml"))
    assert set(facts) <= set(FACT_SCALES)
    assert FACT_SCALES["anchors.union.frame"].values == ("industrial", "professional", "social_justice")
