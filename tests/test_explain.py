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
from cec_advisor.case import case_from_data
from cec_advisor.cli import main
from cec_advisor.diagram import build_diagram, to_mermaid
from cec_advisor.explain import apply_changes, parse_setting, walk, what_if, why, why_not
from cec_advisor.rulebase import fill_placeholders
from cec_advisor.yamlsource import Locator

from .conftest import CASES, SAMPLE_CASES

TEACHING = sorted((CASES / "teaching").glob("*-a.yaml"))
KEY = ("commitment", "transformation_possible", "readiness", "emphasis", "plan_type", "track")


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
    """For each service, the proof tree names only rules that fired and ends in case facts."""
    plan = advisor.plan_file(path)
    fired = {f.rule for f in plan.trace}
    for service in plan.services:
        tree = why(plan, advisor.rulebase, service.id).as_dict()
        recommended = tree["children"][0]
        assert {c["rule"] for c in recommended["children"]} == {r.rule for r in service.reasons}
        stack = [tree]
        while stack:
            node = stack.pop()
            assert node.get("rule") is None or node["rule"] in fired
            if not node["children"] and node["claim"].startswith(("case fact", "it builds on")):
                continue
            stack.extend(node["children"])


def test_why_cli_text_json_and_refusal() -> None:
    """`why` shows the chain in text and JSON, and refuses a service that is not in the plan."""
    case = str(CASES / "riverside-adversarial.yaml")
    text = CliRunner().invoke(main, ["why", case, "instructional-model"]).stdout
    assert "K14-differentiation-need recommends it" in text and "concluded by K12-need-differentiation" in text
    assert "case fact focus_on_learning.differentiation = 1.67" in text
    tree = _json("why", case, "instructional-model")
    assert tree["claim"].startswith("instructional-model is service")
    refused = CliRunner().invoke(main, ["why", case, "sustainability-partnership"])
    assert refused.exit_code == 2 and "ask why-not instead" in refused.stderr


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
    """The walk is the trace regrouped by step, nothing added or dropped."""
    plan = advisor.plan_file(CASES / "riverside-adversarial.yaml")
    assert sum(len(s.firings) for s in walk(plan)) == len(plan.trace)
