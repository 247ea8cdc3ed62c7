"""The plan builder: order, phases, deferral, capacity and justification, on the sample cases."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cec_advisor.advisor import Advisor
from cec_advisor.plan.build import Plan

from .conftest import CASES, SAMPLE_CASES, invoke_cli


def _plan(advisor: Advisor, name: str) -> Plan:
    return advisor.plan_file(CASES / f"{name}.yaml")


def _ids(plan: Plan) -> list[str]:
    return [s.id for s in plan.services]


EXEMPT = {"commitment_work", "diagnosis", "closing"}


@pytest.mark.parametrize("path", SAMPLE_CASES, ids=lambda p: p.stem)
def test_order_respects_prerequisites_and_phases_never_go_back(advisor: Advisor, path: Path) -> None:
    """Prerequisites come first (a grant requirement excepted, K21), orders run 1..n, and phases never decrease."""
    plan = advisor.plan_file(path)
    ids = _ids(plan)
    assert [s.order for s in plan.services] == list(range(1, len(ids) + 1))
    for service in plan.services:
        if service.urgency == "from_the_start":
            continue
        for prerequisite in advisor.rulebase.catalogue[service.id].prerequisites:
            if prerequisite in ids:
                assert ids.index(prerequisite) < ids.index(service.id)
    phases = [s.phase for s in plan.services]
    assert phases == sorted(phases) and phases[0] == 1
    assert all(s.phase == plan.horizon + 1 for s in plan.services if s.deferred)
    assert all(s.phase <= plan.horizon for s in plan.services if not s.deferred)


@pytest.mark.parametrize("path", SAMPLE_CASES, ids=lambda p: p.stem)
def test_no_year_starts_more_than_capacity(advisor: Advisor, path: Path) -> None:
    """No school year starts more new services than capacity, besides commitment and diagnosis work (K14, K11)."""
    plan = advisor.plan_file(path)
    for period in range(1, plan.horizon + 1):
        started = [s for s in plan.services if s.phase == period and s.urgency not in EXEMPT]
        rounds = [s for s in plan.services if s.first_round_phase == period]
        assert len(started) + len(rounds) <= plan.capacity


def test_commitment_is_a_milestone_not_a_wall(advisor: Advisor) -> None:
    """While commitment is pending, commitment work opens year 1, content waits for the milestone, and
    Step 1 capacity building and structures run alongside (K1, K21; Rockford 2014-15)."""
    plan = _plan(advisor, "riverside-adversarial")
    assert plan.value("commitment") == "absent" and plan.milestone_phase == 1
    year_one = [s for s in plan.services if s.phase == 1]
    assert [s.id for s in year_one][:2] == ["collaborative-compact", "commitment-conversations"]
    assert all(s.step != 5 for s in year_one)
    assert {"interest-based-bargaining", "district-leadership-team"} <= {s.id for s in year_one}
    assert any(s.step == 1 and s.phase > 1 for s in plan.services), "Step 1 capacity building runs alongside"


def test_established_district_never_opens_with_an_optional_link(advisor: Advisor) -> None:
    """TURN is an optional link: in an established district's plan it comes after the work the district needs."""
    plan = _plan(advisor, "strong-culture-one-weak-group")
    assert plan.value("commitment") == "established"
    ids = _ids(plan)
    assert ids[0] != "turn-coordination" and ids.index("turn-coordination") == len(ids) - 1


def test_sig_requirements_start_in_year_one(advisor: Advisor) -> None:
    """A SIG school's grant diagnosis, project manager and progress monitoring sit in year 1 (K21, 000, 001)."""
    for case in ("sig-school", "sig-district-not-in"):
        plan = _plan(advisor, case)
        for service in ("sig-diagnosis", "transformation-project-manager", "progress-monitoring"):
            placed = plan.service(service)
            assert placed is not None and placed.phase == 1 and not placed.deferred, (case, service)
        closing = plan.service("post-grant-sustainability")
        assert closing is not None and closing.phase == plan.horizon


def test_close_deadline_gets_a_first_round_in_year_one(advisor: Advisor) -> None:
    """A request due in 4 months gets a first round in year 1, an item of its own (K21, App. D)."""
    plan = _plan(advisor, "pera-slo-request")
    slo = plan.service("slo-training")
    assert slo is not None and slo.first_round_phase == 1
    assert "K7-deadline-collision" in {w.rule for w in plan.warnings}


def test_greatest_need_is_among_the_first_services(advisor: Advisor) -> None:
    """The content aimed at the greatest area of need is the first content service (K12, K21)."""
    plan = _plan(advisor, "strong-culture-one-weak-group")
    content = [s for s in plan.services if s.step == 5 and s.urgency is None]
    assert plan.greatest_areas_of_need[0] == "curriculum"
    assert content[0].id == "standards-based-curriculum" and content[0].phase == 1


def test_capacity_one_gives_a_bounded_plan_with_later_work(advisor: Advisor) -> None:
    """At capacity 1 the plan stays within its horizon; the rest is later work, with a warning (K11)."""
    case = advisor.load(CASES / "riverside-adversarial.yaml")
    plan = advisor.plan(case.model_copy(update={"context": case.context.model_copy(update={"capacity": 1})}))
    assert max(s.phase for s in plan.services if not s.deferred) <= plan.horizon == 4
    later = [s for s in plan.services if s.deferred]
    assert later and all(s.phase == 5 for s in later)
    warning = next(w for w in plan.warnings if w.rule == "K11-horizon-transformation")
    assert str(len(later)) in warning.message


def test_structures_in_pathway_order(advisor: Advisor) -> None:
    """Team skills, then DLT, then SLTs, then instructional teams (K13)."""
    ids = _ids(_plan(advisor, "riverside-adversarial"))
    sequence = ["team-effectiveness", "district-leadership-team", "school-leadership-teams", "instructional-teams"]
    assert [ids.index(s) for s in sequence] == sorted(ids.index(s) for s in sequence)


def test_transformation_content_follows_structures(advisor: Advisor) -> None:
    """In a multi-year plan, Step 5 content starts in a year after the first structures (K11)."""
    plan = _plan(advisor, "achievement-transformation")
    assert plan.value("phasing") == "multi_year"
    first_structure = min(s.phase for s in plan.services if s.step == 4)
    assert min(s.phase for s in plan.services if s.step == 5) > first_structure


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


@pytest.mark.parametrize("path", SAMPLE_CASES, ids=lambda p: p.stem)
def test_placement_words_come_from_the_schedule(advisor: Advisor, path: Path) -> None:
    """Each service says when it runs in words generated from its own period, never from rule text (K21)."""
    plan = advisor.plan_file(path)
    for service in plan.services:
        expected = "Later work" if service.deferred else f"Year {service.phase}"
        assert service.placement.startswith(expected), (service.id, service.placement)


def test_no_rule_text_promises_timing(advisor: Advisor) -> None:
    """Rule reasons and warnings never claim a time ("from the start", "immediately"): the schedule says when."""
    for rule in advisor.rulebase.rules:
        for text in (rule.because, rule.then.warn or ""):
            lowered = text.lower()
            assert not any(word in lowered for word in ("from the start", "immediately", "at once")), rule.id


def test_a_district_like_rockford_2014_gets_the_first_year_cec_gave_it(advisor: Advisor) -> None:
    """Year 1: interest-based bargaining for the anchors, the system assessment, the requested strategic
    plan and a new DLT, side by side; content waits for the anchors' agreement (CEC case study, 2015)."""
    plan = _plan(advisor, "rockford-2014")
    year_one = {s.id for s in plan.services if s.phase == 1}
    assert {"interest-based-bargaining", "system-assessment", "strategic-planning", "district-leadership-team"} <= (
        year_one
    )
    assert all(s.step != 5 for s in plan.services if s.phase == 1)


@pytest.mark.parametrize("path", SAMPLE_CASES, ids=lambda p: p.stem)
def test_no_plan_opens_with_an_optional_link(advisor: Advisor, path: Path) -> None:
    """TURN never leads a plan, whatever the case (K21)."""
    plan = advisor.plan_file(path)
    optional = [s for s in plan.services if s.urgency == "optional"]
    assert all(s.order == max(o.order for o in plan.services if o.phase == s.phase) for s in optional)


SAMPLE = str(CASES / "riverside-adversarial.yaml")


def test_plan_defaults_to_markdown() -> None:
    """`plan CASE` prints the Markdown plan."""
    code, out, err = invoke_cli("plan", SAMPLE)
    assert code == 0 and err == ""
    assert out.startswith("# Services plan: Riverside School District 42")


def test_plan_json() -> None:
    """`plan CASE --format json` prints the JSON plan."""
    code, out, _ = invoke_cli("plan", SAMPLE, "--format", "json")
    assert code == 0
    assert json.loads(out)["case"]["id"] == "riverside-42"


def test_plan_trace_is_an_opt_in_appendix() -> None:
    """The rule firings are not in the district's plan unless `--trace` asks for them; JSON always has them."""
    for fmt in ("markdown", "html"):
        code, plain, _ = invoke_cli("plan", SAMPLE, "-f", fmt)
        assert code == 0 and "how the advisor decided" not in plain.lower()
        code, traced, _ = invoke_cli("plan", SAMPLE, "-f", fmt, "--trace")
        assert code == 0 and "Appendix: how the advisor decided" in traced
        assert "K3-adversarial-relationship" in traced
    _, data, _ = invoke_cli("plan", SAMPLE, "-f", "json")
    assert json.loads(data)["trace"]
    _, traced_data, _ = invoke_cli("plan", SAMPLE, "-f", "json", "--trace")
    assert traced_data == data


def test_plan_to_file(tmp_path: Path) -> None:
    """`--output` writes the plan to a file and leaves no temporary file behind."""
    target = tmp_path / "out" / "plan.json"
    code, out, _ = invoke_cli("plan", SAMPLE, "-f", "json", "-o", str(target))
    assert code == 0 and out == ""
    assert json.loads(target.read_text())["plan_type"] == "transformation"
    assert [p.name for p in target.parent.iterdir()] == ["plan.json"]
