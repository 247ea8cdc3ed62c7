"""Renderers: the JSON plan contract (docs/pathway.md) for every sample case, and a readable Markdown plan."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cec_advisor.advisor import Advisor
from cec_advisor.model.case import parse_case
from cec_advisor.render.json import render_json
from cec_advisor.render.markdown import render_markdown
from cec_advisor.rulebase.load import load_rulebase

from .conftest import CASES, SAMPLE_CASES

ELEMENTS = {"student-learning", "pedagogy", "profession", "labor-management"}
DELIVERY = {"training", "facilitating", "networking", "mentoring"}
GROUPS = {"curriculum", "assessment", "differentiation", "focus"}
TOP_LEVEL = [decision for decision in load_rulebase().decisions.values() if decision.plan_field]
"""The decisions the JSON plan carries at its top level (``plan_field`` in decisions.yaml)."""


def assert_meets_contract(data: dict, rule_ids: set[str]) -> None:
    """Check one plan against the JSON contract and its value sets."""
    assert set(data["case"]) >= {"id", "name"}
    for decision in TOP_LEVEL:
        if decision.id == "transformation_possible":
            assert data[decision.id] is None or isinstance(data[decision.id], bool)
        else:
            assert data[decision.id] in decision.values, decision.id
    open_decisions = {question["decision"] for question in data["undetermined"]}
    if data["transformation_possible"] is None:
        assert "transformation_possible" in open_decisions, "null means undetermined, with its open question"
    for decision in ("commitment", "emphasis", "plan_type"):
        if data[decision] == "undetermined":
            assert decision in open_decisions or decision == "plan_type"
    assert set(data["greatest_areas_of_need"]) <= GROUPS
    assert len(set(data["greatest_areas_of_need"])) == len(data["greatest_areas_of_need"])
    services = data["services"]
    assert services, "a plan is never empty"
    assert [s["order"] for s in services] == list(range(1, len(services) + 1))
    for service in services:
        assert service["step"] in {1, 2, 3, 4, 5}
        assert service["element"] in ELEMENTS
        assert service["delivery"] and set(service["delivery"]) <= DELIVERY
        assert isinstance(service["phase"], int) and service["phase"] >= 1
        assert isinstance(service["requested"], bool) and isinstance(service["deferred"], bool)
        assert service["reasons"]
        assert service["owner"].strip(), "every service names who owns it after hand-off (K23)"
        for reason in service["reasons"]:
            assert set(reason) >= {"rule", "because", "facts", "source"}
            assert reason["rule"] in rule_ids
    for warning in data["warnings"]:
        assert set(warning) >= {"rule", "message"} and warning["rule"] in rule_ids
    for item in data["undetermined"]:
        assert set(item) >= {"decision", "missing", "settle_with"}
    for firing in data["trace"]:
        assert set(firing) >= {"rule", "step", "facts", "concluded"} and firing["rule"] in rule_ids


@pytest.mark.parametrize("path", SAMPLE_CASES, ids=lambda p: p.stem)
def test_every_sample_plan_meets_the_json_contract(advisor: Advisor, path: Path) -> None:
    """`plan --format json` output meets the contract for every sample case."""
    data = json.loads(render_json(advisor.plan_file(path)))
    assert_meets_contract(data, set(advisor.rulebase.by_id))


@pytest.mark.parametrize("path", SAMPLE_CASES, ids=lambda p: p.stem)
def test_output_is_byte_identical_across_runs(advisor: Advisor, path: Path) -> None:
    """The same case and rules give the same bytes, in JSON and Markdown."""
    first = advisor.plan_file(path)
    advisor.plan_file(CASES / "riverside-adversarial.yaml")
    second = advisor.plan_file(path)
    assert render_json(first) == render_json(second)
    assert render_markdown(first) == render_markdown(second)


def test_markdown_reads_as_a_plan(advisor: Advisor) -> None:
    """The Markdown plan: decisions with reasons, warnings, delivery, years and services; the trace is opt-in."""
    plan = advisor.plan_file(CASES / "board-refuses.yaml")
    text = render_markdown(plan)
    for heading in (
        "# Services plan: Lakeview",
        "## At a glance",
        "## Warnings",
        "## Why these decisions",
        "## How CEC delivers",
        "## The plan, year by year",
        "### Year 1",
    ):
        assert heading in text
    assert "**later work**" in text and "it waits until every anchor commits" in text
    assert "### Later work (after year 4)" in text
    assert "K2-anchor-refuses" in text
    assert "Hand-off:" in text and "Coaching after" in text
    assert "how the advisor decided" not in text.lower()
    traced = render_markdown(plan, trace=True)
    assert "## Appendix: how the advisor decided" in traced
    assert traced.startswith(text.rstrip("\n")), "the appendix only adds to the plan"


def test_markdown_escapes_case_text(advisor: Advisor) -> None:
    """A case name with markup shows as text, not as HTML or Markdown."""
    case = parse_case(b"format: cec-case/1\nid: x\nname: '<script>alert(1)</script> *bold*'\nlevel: school\n", "x.yaml")
    text = render_markdown(advisor.plan(case))
    assert "<script>" not in text
    assert "\\<script\\>" in text and "\\*bold\\*" in text
    assert json.loads(render_json(advisor.plan(case)))["case"]["name"] == "<script>alert(1)</script> *bold*"


@pytest.mark.parametrize("newline", ["\n", "\r", "\r\n"])
def test_markdown_folds_every_line_ending_in_free_text(newline: str) -> None:
    """A case name holding a CR, LF or CRLF cannot start a heading of its own in the Markdown (CommonMark)."""
    from cec_advisor.advisor import Advisor
    from cec_advisor.model.case import parse_case
    from cec_advisor.render.markdown import render_markdown

    name = f"Acme{newline}# Injected heading"
    raw = f'format: cec-case/1\nid: x\nname: "{name.encode("unicode_escape").decode()}"\nlevel: school\n'
    plan = Advisor().plan(parse_case(raw.encode(), "x.yaml"))
    assert plan.case_name == name
    text = render_markdown(plan)
    assert not any(line.startswith("# Injected") for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))


def test_summary_and_top_level_decisions_come_from_decisions_yaml(rules_copy: Path) -> None:
    """A summary label edited in decisions.yaml shows in the plan; a decision without plan_field leaves the JSON."""
    path = rules_copy / "decisions.yaml"
    text = path.read_text(encoding="utf-8")
    assert "    summary: Emphasis (Step 3)\n" in text and "    plan_field: true\n    outcome: 4\n" in text
    path.write_text(
        text.replace("summary: Emphasis (Step 3)", "summary: Focus of the work").replace(
            "    plan_field: true\n    outcome: 4\n", "    outcome: 4\n"
        ),
        encoding="utf-8",
    )
    advisor = Advisor(rules_copy)
    plan = advisor.plan_file(CASES / "sig-school.yaml")
    assert "| Focus of the work | **" in render_markdown(plan) and "Emphasis (Step 3)" not in render_markdown(plan)
    data = json.loads(render_json(plan))
    assert "readiness" not in data and data["emphasis"] == plan.value("emphasis")
