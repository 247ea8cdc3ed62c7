"""why: the proof tree behind a service, down to case facts, on every sample case."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from cec_advisor.advisor import Advisor
from cec_advisor.cli.main import main
from cec_advisor.explain.why import why
from cec_advisor.model.case import ENTRY_POINTS, INDICATOR_MEANS

from .conftest import CASES, SAMPLE_CASES, cli_json


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
    tree = cli_json("why", case, "instructional-model")
    assert tree["claim"].startswith("instructional-model is service") and tree["in_plan"] is True
    absent = CliRunner().invoke(main, ["why", case, "sustainability-partnership"])
    assert absent.exit_code == 0, absent.stderr
    assert absent.stdout.startswith("sustainability-partnership is not in this plan")
    assert f"cec-advisor why-not {case} sustainability-partnership" in absent.stdout
    data = cli_json("why", case, "sustainability-partnership")
    assert (data["service"], data["in_plan"], data["children"]) == ("sustainability-partnership", False, [])
    unknown = CliRunner().invoke(main, ["why", case, "no-such-service"])
    assert unknown.exit_code == 2 and unknown.stderr.startswith("Error: no service 'no-such-service'")
    missing = CliRunner().invoke(main, ["why", str(CASES / "no-such-case.yaml"), "instructional-model"])
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
    leaves = _leaves(cli_json("why", str(CASES / "pera-slo-request.yaml"), "slo-training"))
    made = next(leaf for leaf in leaves if leaf.get("fact") == "request.made")
    assert made["derived_from"] == "the case file has a request block"
    assert next(leaf for leaf in leaves if leaf.get("fact") == "request.service")["derived_from"] is None


def _leaves(node: dict) -> list[dict]:  # type: ignore[type-arg]
    return [node] if not node["children"] else [leaf for child in node["children"] for leaf in _leaves(child)]
