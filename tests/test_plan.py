"""The plan builder: order, phases, deferral, capacity and justification, on the sample cases."""

from __future__ import annotations

from pathlib import Path

import pytest

from cec_advisor.advisor import Advisor
from cec_advisor.plan import Plan

from .conftest import CASES, SAMPLE_CASES


def _plan(advisor: Advisor, name: str) -> Plan:
    return advisor.plan_file(CASES / f"{name}.yaml")


def _ids(plan: Plan) -> list[str]:
    return [s.id for s in plan.services]


@pytest.mark.parametrize("path", SAMPLE_CASES, ids=lambda p: p.stem)
def test_order_respects_prerequisites_and_phases_never_go_back(advisor: Advisor, path: Path) -> None:
    """Every prerequisite in the plan comes first, orders run 1..n, and phases never decrease."""
    plan = advisor.plan_file(path)
    ids = _ids(plan)
    assert [s.order for s in plan.services] == list(range(1, len(ids) + 1))
    for service in plan.services:
        for prerequisite in advisor.rulebase.catalogue[service.id].prerequisites:
            if prerequisite in ids:
                assert ids.index(prerequisite) < ids.index(service.id)
    phases = [s.phase for s in plan.services]
    assert phases == sorted(phases) and phases[0] == 1


@pytest.mark.parametrize("path", SAMPLE_CASES, ids=lambda p: p.stem)
def test_no_phase_holds_more_than_capacity(advisor: Advisor, path: Path) -> None:
    """No phase holds more concurrent services than the case (or the assumption) allows."""
    plan = advisor.plan_file(path)
    for phase in {s.phase for s in plan.services}:
        assert sum(1 for s in plan.services if s.phase == phase) <= plan.capacity


def test_step1_comes_first_while_commitment_is_not_established(advisor: Advisor) -> None:
    """With commitment absent, every Step 1 service precedes every service of Steps 2-5."""
    plan = _plan(advisor, "riverside-adversarial")
    steps = [s.step for s in plan.services]
    assert plan.value("commitment") == "absent"
    assert max(i for i, step in enumerate(steps) if step == 1) < min(i for i, step in enumerate(steps) if step > 1)


def test_structures_in_pathway_order(advisor: Advisor) -> None:
    """Team skills, then DLT, then SLTs, then instructional teams (K13)."""
    ids = _ids(_plan(advisor, "riverside-adversarial"))
    sequence = ["team-effectiveness", "district-leadership-team", "school-leadership-teams", "instructional-teams"]
    assert [ids.index(s) for s in sequence] == sorted(ids.index(s) for s in sequence)


def test_transformation_content_follows_structures(advisor: Advisor) -> None:
    """In a multi-year plan, Step 5 content starts in a later phase than the last structure."""
    plan = _plan(advisor, "achievement-transformation")
    assert plan.value("phasing") == "multi_year"
    last_structure = max(s.phase for s in plan.services if s.step == 4)
    assert min(s.phase for s in plan.services if s.step == 5) > last_structure


def test_refusal_defers_later_work_but_keeps_foundations(advisor: Advisor) -> None:
    """With an anchor refusing, Steps 4-5 and three-anchor strategic planning wait until the foundations (K2)."""
    plan = _plan(advisor, "board-refuses")
    assert plan.value("transformation_possible") is False
    assert all(s.deferred == (s.step >= 4 or s.id == "strategic-planning") for s in plan.services)
    assert plan.service("strategic-planning") is not None
    assert any(s.step == 1 for s in plan.services)
    first_deferred = min(s.phase for s in plan.services if s.deferred)
    assert all(s.phase < first_deferred for s in plan.services if not s.deferred)
    assert [w.rule for w in plan.warnings] == ["K2-anchor-refuses"]


def test_no_content_before_the_system_assessment_without_diagnosis(advisor: Advisor) -> None:
    """Without a system assessment, it comes before every Step 5 service (K4)."""
    plan = _plan(advisor, "signed-compact-no-diagnosis")
    ids = _ids(plan)
    assert plan.value("diagnose_first") is True
    assert all(ids.index("system-assessment") < ids.index(s.id) for s in plan.services if s.step == 5)


def test_requested_service_stays_after_its_foundations_with_a_warning(advisor: Advisor) -> None:
    """An SLO request stays in the plan, after curriculum and assessments, with the deadline warning (K7)."""
    plan = _plan(advisor, "pera-slo-request")
    ids = _ids(plan)
    slo = plan.service("slo-training")
    assert slo is not None and slo.requested
    assert ids.index("standards-based-curriculum") < ids.index("slo-training")
    assert ids.index("assessment-system") < ids.index("slo-training")
    assert "K7-deadline-collision" in {w.rule for w in plan.warnings}


def test_greatest_areas_of_need_are_ranked_weakest_first(advisor: Advisor) -> None:
    """Areas of need are ordered by their group mean, weakest first (K12)."""
    plan = _plan(advisor, "riverside-adversarial")
    assert plan.greatest_areas_of_need == ("assessment", "curriculum", "differentiation", "focus")
    assert plan.weakest_indicators == ("C", "D", "G", "J")


def test_sustained_high_performer_gets_no_turnaround_work(advisor: Advisor) -> None:
    """A sustained high performer gets the sustainability partnership and no turnaround content (K20)."""
    plan = _plan(advisor, "sustained-high-performer")
    ids = set(_ids(plan))
    assert {"sustainability-partnership", "teacher-leader-pipeline"} <= ids
    assert not ids & {"standards-based-curriculum", "assessment-system", "instructional-model", "data-use"}
    assert set(plan.elements_untouched) == {"pedagogy", "labor-management", "student-learning"}
    assert not [w for w in plan.warnings if w.rule.startswith("K18")], "K18 checks improvement plans only"


def test_unknowns_are_reported_with_the_diagnosis_that_settles_them(advisor: Advisor) -> None:
    """Undetermined decisions name the missing facts, and the settling diagnosis is in the plan (K19)."""
    plan = _plan(advisor, "culture-unknown")
    assert plan.value("emphasis") == "undetermined"
    assert plan.value("plan_type") == "undetermined"
    questions = {q.decision: q for q in plan.undetermined}
    assert questions["emphasis"].missing == ("culture.trust",), "only facts this case leaves unknown are named"
    assert all(q.settle_with in _ids(plan) for q in plan.undetermined)


def test_capacity_assumption_is_visible(advisor: Advisor) -> None:
    """An unknown capacity is replaced by the rule's assumption, and the plan says so."""
    plan = _plan(advisor, "unknown-facts")
    assert (plan.capacity, plan.capacity_assumed) == (2, True)
    assert "K14-capacity-unknown" in {w.rule for w in plan.warnings}


@pytest.mark.parametrize("path", SAMPLE_CASES, ids=lambda p: p.stem)
def test_every_service_is_justified_by_existing_rules(advisor: Advisor, path: Path) -> None:
    """Each service has at least one reason, naming a rule of the rule base and its seed source."""
    plan = advisor.plan_file(path)
    assert plan.services
    for service in plan.services:
        assert service.reasons
        for reason in service.reasons:
            assert reason.rule in advisor.rulebase.by_id
            assert reason.source == advisor.rulebase.by_id[reason.rule].source
            assert "{" not in reason.because
