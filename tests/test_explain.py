"""explain: the step-by-step walk of the trace, on every sample case."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from cec_advisor.advisor import Advisor
from cec_advisor.cli.main import main
from cec_advisor.explain.how import walk
from cec_advisor.rulebase.semantics import fill_placeholders

from .conftest import CASES, SAMPLE_CASES, cli_json


@pytest.mark.parametrize("path", SAMPLE_CASES, ids=lambda p: p.stem)
def test_explain_walks_the_trace_step_by_step(advisor: Advisor, path: Path) -> None:
    """`explain` shows every firing once, grouped by Pathway step, in firing order, with the rule's own because."""
    plan = advisor.plan_file(path)
    data = cli_json("explain", str(path))
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


def test_walk_is_the_trace_grouped(advisor: Advisor) -> None:
    """The walk is the trace regrouped by step (1 to 5), in firing order, nothing added or dropped."""
    plan = advisor.plan_file(CASES / "riverside-adversarial.yaml")
    walked = walk(plan, advisor.rulebase)
    assert [s.step for s in walked.steps] == [1, 2, 3, 4, 5]
    for step in walked.steps:
        assert [f.rule for f in step.firings] == [f.rule for f in plan.trace if f.step == step.step]
    assert sum(len(s.firings) for s in walked.steps) == len(plan.trace)
