"""Trainers' explanations: derived from the engine's trace and the rule files, on every sample case."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from cec_advisor.advisor import Advisor
from cec_advisor.cli.main import main
from cec_advisor.errors import UserError
from cec_advisor.explain.changes import apply_changes, parse_setting
from cec_advisor.explain.how import walk
from cec_advisor.explain.text import UNCHANGED
from cec_advisor.explain.what_if import what_if
from cec_advisor.explain.why import why
from cec_advisor.explain.why_not import why_not
from cec_advisor.io.yamlsource import Locator
from cec_advisor.model.case import ENTRY_POINTS, INDICATOR_MEANS, case_from_data
from cec_advisor.model.facts import FACT_SCALES
from cec_advisor.render.diagram import build_diagram, to_mermaid
from cec_advisor.rulebase.load import load_rulebase
from cec_advisor.rulebase.semantics import fill_placeholders

from .conftest import CASES, SAMPLE_CASES

TEACHING = sorted((CASES / "teaching").glob("*-a.yaml"))
KEY = tuple(decision.id for decision in load_rulebase().decisions.values() if decision.summary is not None)
"""The decisions a plan's summary shows (``summary:`` in decisions.yaml), in order."""


def _json(*args: str) -> object:
    result = CliRunner().invoke(main, [*args, "--format", "json"])
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.parametrize("path", SAMPLE_CASES, ids=lambda p: p.stem)
def test_explain_walks_the_trace_step_by_step(advisor: Advisor, path: Path) -> None:
    """`explain` shows every firing once, grouped by Pathway step, in firing order, with the rule's own because."""
    plan = advisor.plan_file(path)
    data = _json("explain", str(path))
    assert [s["step"] for s in data["steps"]] == [1, 2, 3, 4, 5]
    shown = [f["rule"] for s in data["steps"] for f in s["firings"]]
    assert sorted(shown) == sorted(f.rule for f in plan.trace)
    for step in data["steps"]:
        expected = [f.rule for f in plan.trace if f.step == step["step"]]
        assert [f["rule"] for f in step["firings"]] == expected
        for firing in step["firings"]:
            rule = advisor.rulebase.by_id[firing["rule"]]
            assert firing["because"] == fill_placeholders(
                rule.because, firing["facts"], advisor.rulebase.catalogue.names
            )
            assert firing["source"] == rule.source


def test_explain_text_and_step_mode_off_a_terminal() -> None:
    """The text walk names each step; with --step and no terminal it does not wait for Enter."""
    result = CliRunner().invoke(main, ["explain", str(CASES / "board-refuses.yaml"), "--step"])
    assert result.exit_code == 0
    for n in range(1, 6):
        assert f"\nStep {n}: " in result.stdout
    assert "K2-anchor-refuses: With an anchor refusing" in result.stdout
    assert "Enter for Step" not in result.stdout


@pytest.mark.parametrize("path", SAMPLE_CASES, ids=lambda p: p.stem)
def test_why_proves_every_service_down_to_case_facts(advisor: Advisor, path: Path) -> None:
    """For each service, the proof tree names only rules that fired and ends in facts: a fact labelled
    "case fact" is written in the case file (or left unknown), and every derived fact is labelled derived."""
    case = advisor.load(path)
    plan = advisor.plan(case)
    written = _paths(yaml.safe_load(path.read_text()))
    fired = {f.rule for f in plan.trace}
    for service in plan.services:
        tree = why(plan, advisor.rulebase, service.id, case).as_dict()
        recommended = tree["children"][0]
        assert {c["rule"] for c in recommended["children"]} == {r.rule for r in service.reasons}
        stack = [tree]
        while stack:
            node = stack.pop()
            assert node.get("rule") is None or node["rule"] in fired
            if "fact" in node:
                derived = node["fact"] in DERIVED
                assert node["claim"].startswith("derived fact" if derived else "case fact"), node["claim"]
                assert bool(node["derived_from"]) == derived
                assert derived or node["fact"] in written or node["value"] == "unknown", node["fact"]
            stack.extend(node["children"])


def _paths(data: object, prefix: str = "") -> set[str]:
    if not isinstance(data, dict):
        return {prefix.removesuffix(".")}
    return {p for key, value in data.items() for p in _paths(value, f"{prefix}{key}.")}


DERIVED = {
    "request.made",
    "focus_on_learning.assessed",
    *(f"focus_on_learning.{name}" for name in INDICATOR_MEANS),
    *(f"entry_points.{point}" for point in ENTRY_POINTS),
}


def test_why_cli_text_json_and_absent_service() -> None:
    """`why` shows the chain in text and JSON; a service not in the plan is an answer (exit 0) that points
    to why-not; only a service the catalogue lacks, or a bad case file, exits 2."""
    case = str(CASES / "riverside-adversarial.yaml")
    text = CliRunner().invoke(main, ["why", case, "instructional-model"]).stdout
    assert "K14-differentiation-need recommends it" in text and "concluded by K12-need-differentiation" in text
    tree = _json("why", case, "instructional-model")
    assert tree["claim"].startswith("instructional-model is service") and tree["in_plan"] is True
    absent = CliRunner().invoke(main, ["why", case, "sustainability-partnership"])
    assert absent.exit_code == 0, absent.stderr
    assert absent.stdout.startswith("sustainability-partnership is not in this plan")
    assert f"cec-advisor why-not {case} sustainability-partnership" in absent.stdout
    data = _json("why", case, "sustainability-partnership")
    assert (data["service"], data["in_plan"], data["children"]) == ("sustainability-partnership", False, [])
    unknown = CliRunner().invoke(main, ["why", case, "no-such-service"])
    assert unknown.exit_code == 2 and unknown.stderr.startswith("Error: no service 'no-such-service'")
    missing = CliRunner().invoke(main, ["why", str(CASES / "no-such-case.yaml"), "instructional-model"])
    assert missing.exit_code == 2 and missing.stderr.count("\n") == 1


def test_why_not_exit_codes_follow_the_scheme() -> None:
    """`why-not` answers with exit 0 for a service in the plan too (pointing to why); 2 only for bad input."""
    case = str(CASES / "riverside-adversarial.yaml")
    inside = CliRunner().invoke(main, ["why-not", case, "district-leadership-team"])
    assert inside.exit_code == 0
    assert f"district-leadership-team is in the plan. To see why: cec-advisor why {case}" in inside.stdout
    assert _json("why-not", case, "district-leadership-team")["status"] == "in_plan"
    unknown = CliRunner().invoke(main, ["why-not", case, "no-such-service"])
    assert unknown.exit_code == 2 and unknown.stderr.startswith("Error: no service 'no-such-service'")
    missing = CliRunner().invoke(main, ["why-not", str(CASES / "no-such-case.yaml"), "district-leadership-team"])
    assert missing.exit_code == 2 and missing.stderr.count("\n") == 1


def test_why_labels_derived_facts_with_what_they_come_from() -> None:
    """A mean of indicators, whether a request was made and the like are labelled derived, naming their source;
    the facts the case file states stay "case fact"."""
    text = CliRunner().invoke(main, ["why", str(CASES / "riverside-adversarial.yaml"), "instructional-model"]).stdout
    assert "case fact focus_on_learning.differentiation" not in text
    assert (
        "derived fact focus_on_learning.differentiation = 1.67: the mean of the rated indicators I-K "
        "(I = 2, J = 1, K = 2)" in text
    )
    assert "case fact anchors.union.commitment = exploring" in text
    text = CliRunner().invoke(main, ["why", str(CASES / "pera-slo-request.yaml"), "slo-training"]).stdout
    assert "case fact request.made" not in text
    assert "derived fact request.made = true: the case file has a request block" in text
    assert "case fact request.service = slo-training" in text
    leaves = _leaves(_json("why", str(CASES / "pera-slo-request.yaml"), "slo-training"))
    made = next(leaf for leaf in leaves if leaf.get("fact") == "request.made")
    assert made["derived_from"] == "the case file has a request block"
    assert next(leaf for leaf in leaves if leaf.get("fact") == "request.service")["derived_from"] is None


def _leaves(node: dict) -> list[dict]:  # type: ignore[type-arg]
    return [node] if not node["children"] else [leaf for child in node["children"] for leaf in _leaves(child)]


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
    data = _json("why-not", case, "district-leadership-team")
    assert data["status"] == "deferred"
    assert data["smallest_change"] == {"anchors.board.commitment": "exploring"}
    data = _json("why-not", str(CASES / "school-strategic-planning.yaml"), "union-leadership-development")
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
    data = _json("why-not", case, "district-leadership-team")
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


@pytest.mark.parametrize("pair", TEACHING, ids=lambda p: p.stem.removesuffix("-a"))
def test_teaching_pairs_flip_exactly_what_they_claim(advisor: Advisor, pair: Path) -> None:
    """Each teaching pair differs in one fact and flips exactly the decision its comment names."""
    other = pair.with_name(pair.name.replace("-a.yaml", "-b.yaml"))
    claim = pair.read_text().splitlines()[1]
    assert claim.startswith("# flips: ")
    flips = claim.removeprefix("# flips: ").split()[0]
    a, b = yaml.safe_load(pair.read_text()), yaml.safe_load(other.read_text())
    differing = _differences(a, b) - {"id", "name"}
    assert len(differing) == 1, differing
    pa, pb = advisor.plan_file(pair), advisor.plan_file(other)
    assert [k for k in (*KEY, "defer_later_work") if pa.value(k) != pb.value(k)] == [flips]


def _differences(a: dict, b: dict, prefix: str = "") -> set[str]:  # type: ignore[type-arg]
    keys = set(a) | set(b)
    found: set[str] = set()
    for key in keys:
        if isinstance(a.get(key), dict) and isinstance(b.get(key), dict):
            found |= _differences(a[key], b[key], f"{prefix}{key}.")
        elif a.get(key) != b.get(key):
            found.add(f"{prefix}{key}")
    return found


def test_what_if_reproduces_a_teaching_pair(advisor: Advisor) -> None:
    """what-if from one side of a pair gives exactly the other side's plan differences."""
    case = advisor.load(CASES / "teaching" / "trust-a.yaml")
    diff, before, after = what_if(advisor, case, [parse_setting("culture.trust=low")])
    assert [d.decision for d in diff.decisions if d.decision in KEY] == ["emphasis"]
    emphasis = next(d for d in diff.decisions if d.decision == "emphasis")
    assert (emphasis.before, emphasis.after) == ("achievement", "culture")
    assert emphasis.rules_after == ("K9-culture-low-trust",)
    added = {s.service for s in diff.services if s.change == "added"}
    assert added == {s.id for s in after.services} - {s.id for s in before.services}
    assert "K9-culture-low-trust" in diff.rules_started


def test_what_if_cli_json_and_bad_settings() -> None:
    """what-if --format json gives the diff as data; a bad value is a one-line error naming the fact."""
    data = _json(
        "what-if",
        str(CASES / "riverside-adversarial.yaml"),
        "--set",
        "anchors.union.commitment=formal",
        "--set",
        "anchors.board.commitment=formal",
        "--set",
        "anchors.union.frame=professional",
    )
    assert data["changes"] == {
        "anchors.union.commitment": "formal",
        "anchors.board.commitment": "formal",
        "anchors.union.frame": "professional",
    }
    commitment = next(d for d in data["decisions"] if d["decision"] == "commitment")
    assert commitment["after"] == "established" and commitment["rules_after"] == ["K1-commitment-established-formal"]
    removed = next(s for s in data["services"] if s["service"] == "union-leadership-development")
    assert removed["change"] == "removed"
    assert removed["rules"] == ["K3-union-weak-commitment", "K3-union-industrial-frame"]
    bad = CliRunner().invoke(
        main, ["what-if", str(CASES / "riverside-adversarial.yaml"), "--set", "culture.trust=great"]
    )
    assert bad.exit_code == 2 and "culture.trust: 'great' is not allowed" in bad.stderr
    assert CliRunner().invoke(main, ["what-if", str(CASES / "riverside-adversarial.yaml"), "--set", "x"]).exit_code == 2


def test_what_if_diffs_warnings_and_open_questions() -> None:
    """A change that only rewords, drops or raises a warning, or opens or settles an open question, is a change:
    text and JSON show it with the rules behind it (it said "Nothing in the plan changes")."""
    case = str(CASES / "pera-slo-request.yaml")
    result = CliRunner().invoke(main, ["what-if", case, "--set", "request.deadline_months=6"])
    assert result.exit_code == 0 and UNCHANGED not in result.stdout
    assert "~ warning reworded (K7-deadline-collision): " in result.stdout and "due in 6 months" in result.stdout
    data = _json("what-if", case, "--set", "request.deadline_months=24")
    assert {"rule": "K7-deadline-collision", "change": "removed"}.items() <= data["warnings"][0].items()
    assert data["open_questions"] == []
    assert all(s["rules"] for s in data["services"])
    text = CliRunner().invoke(main, ["what-if", case, "--set", "request.deadline_months=24"]).stdout
    assert "- warning no longer raised (K7-deadline-collision): The requested service" in text
    settled = _json("what-if", str(CASES / "high-performer-team-unknown.yaml"), "--set", "achievement.trend=improving")
    assert (settled["decisions"], settled["services"], settled["warnings"]) == ([], [], [])
    (question,) = settled["open_questions"]
    assert (question["decision"], question["change"]) == ("track", "settled")
    assert question["rules_before"] == ["K20-conditions-unknown"] and question["rules_after"] == []
    text = (
        CliRunner()
        .invoke(main, ["what-if", str(CASES / "culture-unknown.yaml"), "--set", "achievement.systemic_failure=false"])
        .stdout
    )
    assert UNCHANGED not in text
    assert "~ open question on readiness changed (no longer unknown: achievement.systemic_failure)" in text


def test_what_if_null_makes_a_fact_unknown(advisor: Advisor) -> None:
    """--set PATH=null removes the fact: the text says it is now unknown (never "= none", a real answer), the
    JSON says "unknown", and the plan is the one the case without that key gives (an open question)."""
    case = str(CASES / "pera-slo-request.yaml")
    text = CliRunner().invoke(main, ["what-if", case, "--set", "anchors.union.commitment=null"]).stdout
    assert text.startswith("Changed facts: anchors.union.commitment removed (now unknown)\n")
    assert "= none" not in text
    data = _json("what-if", case, "--set", "anchors.union.commitment=null")
    assert data["changes"] == {"anchors.union.commitment": "unknown"}
    opened = {q["decision"] for q in data["open_questions"] if q["change"] == "opened"}
    assert "commitment" in opened
    removed = yaml.safe_load((CASES / "pera-slo-request.yaml").read_text())
    del removed["anchors"]["union"]["commitment"]
    plan = advisor.plan(case_from_data(removed, Locator("x"), advisor.rulebase.catalogue.ids))
    assert "commitment" in {q.decision for q in plan.undetermined}
    assert _json("what-if", case, "--set", "request=null")["changes"] == {"request.made": False}
    assert _json("what-if", case, "--set", "entry_points=null")["changes"] == {"entry_points": []}
    text = CliRunner().invoke(main, ["what-if", case, "--set", "anchors.union=null"]).stdout
    assert text.startswith("Changed facts: anchors.union removed (every fact in it now unknown)\n")
    assert parse_setting("culture.trust=~") == parse_setting("culture.trust=null")


@pytest.mark.parametrize("word", ["yes", "no", "on", "off", "Yes", "NO"])
def test_what_if_values_follow_the_case_file_yaml_rule(word: str) -> None:
    """--set reads VALUE as a case file does: yes/no/on/off are refused in one line with the hint (safe_load read
    yes as true); true/false are booleans and a quoted word is text."""
    case = str(CASES / "pera-slo-request.yaml")
    result = CliRunner().invoke(main, ["what-if", case, "--set", f"grant.sig={word}"])
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: --set grant.sig: {word!r} reads as a boolean in YAML 1.1; write true or false, "
        "or quote it if you meant the text\n"
    )
    with pytest.raises(UserError):
        parse_setting(f"grant.sig={word}")
    assert parse_setting("grant.sig=true").value is True
    assert parse_setting(f"name='{word}'").value == word


def test_what_if_later_work_is_not_re_phased() -> None:
    """Later work stays later work when the horizon changes: no "re-phased" line whose before and after agree."""
    data = _json("what-if", str(CASES / "pera-slo-request.yaml"), "--set", "anchors.union.commitment=null")
    assert all(s["before"] != s["after"] for s in data["services"])
    deferred = next(s for s in data["services"] if s["service"] == "standards-based-curriculum")
    assert (deferred["change"], deferred["before"], deferred["after"]) == ("deferred", "year 2", "later work")


@pytest.mark.parametrize("path", SAMPLE_CASES, ids=lambda p: p.stem)
def test_diagram_marks_exactly_the_path_taken(advisor: Advisor, path: Path) -> None:
    """Each decision column has exactly its concluded value highlighted; the others are greyed."""
    plan = advisor.plan_file(path)
    model = build_diagram(plan)
    for (title, nodes), decision in zip(model.columns, KEY, strict=False):
        taken = [n for n in nodes if n.taken]
        assert len(taken) == 1, title
        assert taken[0].id.startswith(decision)
    mermaid = to_mermaid(model)
    assert mermaid.startswith("flowchart LR") and "class " in mermaid and "notTaken" in mermaid
    assert "```mermaid" in CliRunner().invoke(main, ["plan", str(path)]).stdout


@pytest.mark.skipif(shutil.which("dot") is None and not os.environ.get("CI"), reason="Graphviz not installed")
def test_dot_output_is_valid_graphviz(advisor: Advisor, tmp_path: Path) -> None:
    """Graphviz's own `dot` accepts the --dot output and draws it."""
    result = CliRunner().invoke(main, ["diagram", str(CASES / "board-refuses.yaml"), "--dot"])
    assert result.exit_code == 0 and result.stdout.startswith("digraph pathway {")
    drawn = subprocess.run(["dot", "-Tsvg"], input=result.stdout, capture_output=True, text=True, check=False)
    assert drawn.returncode == 0, drawn.stderr
    assert "<svg" in drawn.stdout and "commitment_absent" in drawn.stdout


def test_walk_is_the_trace_grouped(advisor: Advisor) -> None:
    """The walk is the trace regrouped by step (1 to 5), in firing order, nothing added or dropped."""
    plan = advisor.plan_file(CASES / "riverside-adversarial.yaml")
    walked = walk(plan, advisor.rulebase)
    assert [s.step for s in walked.steps] == [1, 2, 3, 4, 5]
    for step in walked.steps:
        assert [f.rule for f in step.firings] == [f.rule for f in plan.trace if f.step == step.step]
    assert sum(len(s.firings) for s in walked.steps) == len(plan.trace)
