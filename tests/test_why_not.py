"""why-not: the first failed condition, the deferring rule, and the smallest change that brings a service in."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from cec_advisor.advisor import Advisor
from cec_advisor.cli.main import main
from cec_advisor.explain.changes import apply_changes
from cec_advisor.explain.why_not import why_not
from cec_advisor.io.yamlsource import Locator
from cec_advisor.model.case import case_from_data
from cec_advisor.model.facts import FACT_SCALES

from .conftest import CASES, SAMPLE_CASES, cli_json


def test_why_not_exit_codes_follow_the_scheme() -> None:
    """`why-not` answers with exit 0 for a service in the plan too (pointing to why); 2 only for bad input."""
    case = str(CASES / "riverside-adversarial.yaml")
    inside = CliRunner().invoke(main, ["why-not", case, "district-leadership-team"])
    assert inside.exit_code == 0
    assert f"district-leadership-team is in the plan. To see why: cec-advisor why {case}" in inside.stdout
    assert cli_json("why-not", case, "district-leadership-team")["status"] == "in_plan"
    unknown = CliRunner().invoke(main, ["why-not", case, "no-such-service"])
    assert unknown.exit_code == 2 and unknown.stderr.startswith("Error: no service 'no-such-service'")
    missing = CliRunner().invoke(main, ["why-not", str(CASES / "no-such-case.yaml"), "district-leadership-team"])
    assert missing.exit_code == 2 and missing.stderr.count("\n") == 1


@pytest.mark.parametrize("path", SAMPLE_CASES, ids=lambda p: p.stem)
def test_why_not_finds_a_change_that_really_brings_a_service_in(advisor: Advisor, path: Path) -> None:
    """For some excluded service of every sample, the smallest change found works when the case is re-planned."""
    case = advisor.load(path)
    plan = advisor.plan(case)
    excluded = [s for s in advisor.rulebase.catalogue.ids if plan.service(s) is None or plan.service(s).deferred]  # type: ignore[union-attr]
    for service_id in excluded:
        answer = why_not(advisor, case, service_id, budget=300)
        if answer.change:
            break
    else:
        pytest.fail(f"no change found for any of {excluded}")
    assert answer.blockers
    changed = case_from_data(
        apply_changes(case.model_dump(mode="python"), answer.change), Locator("x"), advisor.rulebase.catalogue.ids
    )
    replanned = advisor.plan(changed).service(service_id)
    assert replanned is not None and not replanned.deferred


def test_why_not_names_first_failed_condition_and_minimal_change() -> None:
    """The blocker shows what the rule needed and the case's value; the change is minimal and round-trips to what-if."""
    case = str(CASES / "board-refuses.yaml")
    data = cli_json("why-not", case, "district-leadership-team")
    assert data["status"] == "deferred"
    assert data["smallest_change"] == {"anchors.board.commitment": "exploring"}
    data = cli_json("why-not", str(CASES / "school-strategic-planning.yaml"), "union-leadership-development")
    first = next(b for b in data["blockers"] if b["rule"] == "K3-union-weak-commitment")
    assert first["needed"] == "anchors.union.commitment is none or exploring"
    assert first["actual"] == "anchors.union.commitment is formal"
    assert data["smallest_change"] == {"anchors.union.commitment": "exploring"}
    text = CliRunner().invoke(main, ["why-not", case, "district-leadership-team"]).stdout
    command = text.strip().splitlines()[-1].removeprefix("Compare the plans: cec-advisor ")
    args = [part.strip("'") for part in command.split(" ")]
    after = CliRunner().invoke(main, [*args, "--format", "json"])
    assert after.exit_code == 0
    assert any(
        s["service"] == "district-leadership-team" and s["change"] == "no longer deferred"
        for s in json.loads(after.stdout)["services"]
    )


def test_why_not_deferred_service_reads_as_sentences() -> None:
    """A deferred service names the rule that defers it, what holds here and what would stop the rule applying,
    in sentences a trainer can read aloud (no rule text glued after "here")."""
    case = str(CASES / "board-refuses.yaml")
    data = cli_json("why-not", case, "district-leadership-team")
    (blocker,) = data["blockers"]
    assert (blocker["rule"], blocker["kind"]) == ("K2-anchor-refuses", "defers")
    assert blocker["actual"] == "anchors.board.commitment is none"
    assert blocker["needed"] == "anchors.board.commitment is not none"
    assert data["placement"] == "Later work: it waits until every anchor commits."
    text = CliRunner().invoke(main, ["why-not", case, "district-leadership-team"]).stdout
    assert text.startswith(
        "district-leadership-team is in the plan, but deferred. Later work: it waits until every anchor commits.\n"
    )
    assert "needs no anchor at commitment none" not in text and "; here At least" not in text
    assert (
        "K2-anchor-refuses (With an anchor refusing, transformational change is not yet possible): here "
        "anchors.board.commitment is none. At least one anchor refuses to take part, so only foundational "
        "commitment work and the diagnosis can start now. The rule stops applying once anchors.board.commitment "
        "is not none." in text
    )


def test_why_not_names_the_horizon_for_later_work_and_turns_negated_tests_round(advisor: Advisor) -> None:
    """A service deferred because it does not fit the horizon names the horizon rule (it named nothing);
    a rule that needs a decision *not* concluded says "is neither ... nor", not the opposite."""
    riverside = advisor.load(CASES / "riverside-adversarial.yaml")
    answer = why_not(advisor, riverside, "instructional-model", budget=1)
    assert [(b.rule, b.kind) for b in answer.blockers] == [("K11-horizon-transformation", "horizon")]
    assert answer.blockers[0].needed == "room within the 4-year horizon at 3 new services a year"
    board = advisor.load(CASES / "board-refuses.yaml")
    answer = why_not(advisor, board, "system-assessment", budget=1)
    emphasis = next(b for b in answer.blockers if b.rule == "K9-emphasis-unknown")
    assert (emphasis.needed, emphasis.actual) == ("emphasis is neither culture nor achievement", "emphasis is culture")


def test_why_not_says_an_absent_service_would_still_wait(advisor: Advisor) -> None:
    """An absent service that would be deferred once recommended says which rule would defer it, and the search
    looks past that rule too (it found no change before)."""
    case = advisor.load(CASES / "teaching" / "refusal-b.yaml")
    answer = why_not(advisor, case, "team-effectiveness", budget=300)
    assert answer.status == "absent"
    assert [(b.rule, b.kind) for b in answer.blockers if b.kind != "failed"] == [("K2-anchor-refuses", "defers")]
    assert answer.change is not None
    assert {c.fact for c in answer.change} == {"structures.district_leadership_team", "anchors.board.commitment"}


WHY_NOT_SWEEP = ["board-refuses", "riverside-adversarial", "pera-slo-request", "unknown-facts"]


@pytest.mark.parametrize("name", WHY_NOT_SWEEP)
def test_why_not_every_service_is_explained_in_its_own_terms(advisor: Advisor, name: str) -> None:
    """For every service of the catalogue, an absent or deferred one has at least one blocker, and each blocker's
    need and case value are conditions on facts or decisions (never a rule's prose)."""
    case = advisor.load(CASES / f"{name}.yaml")
    names = {*FACT_SCALES, *advisor.rulebase.decisions}
    for service_id in advisor.rulebase.catalogue.ids:
        answer = why_not(advisor, case, service_id, budget=1)
        if answer.status == "in_plan":
            continue
        assert answer.blockers, service_id
        for blocker in answer.blockers:
            if blocker.kind == "horizon":
                assert blocker.needed.startswith("room within the") and blocker.actual == answer.placement
                continue
            for words in (blocker.needed, blocker.actual):
                first = words.removeprefix("one of: ").split(" ")[0]
                assert first in names, (service_id, blocker)
