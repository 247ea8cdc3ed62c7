"""The durable-rules adapter: isolation, chaining, the trace, and every failure as EngineError."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cec_advisor.advisor import Advisor
from cec_advisor.engine import durable as engine_module
from cec_advisor.engine.durable import engine_errors
from cec_advisor.errors import EngineError
from cec_advisor.model.case import parse_case
from cec_advisor.model.facts import case_facts

from .conftest import CASES, ROOT

TRUST_LOW_ADVERSARIAL = b"""format: cec-case/1
id: e
name: E
level: district
anchors:
  board: {commitment: formal}
  administration: {commitment: formal}
  union: {commitment: formal}
  relationship: adversarial
culture: {trust: low}
context: {capacity: 3}
"""


def test_many_cases_in_one_process_outlive_the_session_cap(advisor: Advisor) -> None:
    """Running far more cases than the engine's 1,024 live sessions works and gives the same result each time."""
    case = advisor.load(CASES / "riverside-adversarial.yaml")
    facts = case_facts(case)
    first = advisor.engine.run(facts)
    for _ in range(1_100):
        again = advisor.engine.run(facts)
    assert again.firings == first.firings
    assert again.values == first.values


def test_cases_do_not_leak_into_each_other(advisor: Advisor) -> None:
    """A case planned after a very different one gets exactly the plan it gets alone."""
    calm = advisor.load(CASES / "sustained-high-performer.yaml")
    alone = advisor.plan(calm)
    advisor.plan(advisor.load(CASES / "riverside-adversarial.yaml"))
    assert advisor.plan(calm) == alone


def test_rules_chain_through_conclusions(advisor: Advisor) -> None:
    """Conclusions are facts other rules match: commitment -> emphasis -> plan type -> phasing."""
    result = advisor.run(advisor.load(CASES / "board-refuses.yaml"))
    order = [f.rule for f in result.firings]
    assert order.index("K1-commitment-absent-refusal") < order.index("K9-culture-no-commitment")
    assert order.index("K9-culture-no-commitment") < order.index("K10-culture-means-transformation")
    assert order.index("K10-culture-means-transformation") < order.index("K11-transformation-is-multi-year")
    chained = next(f for f in result.firings if f.rule == "K10-culture-means-transformation")
    assert chained.facts == {"emphasis": "culture"}


def test_an_any_group_fires_once_with_the_facts_it_matched(advisor: Advisor) -> None:
    """A rule whose any-group holds twice still fires once, recording the facts it read."""
    result = advisor.run(parse_case(TRUST_LOW_ADVERSARIAL, "e.yaml"))
    weak = [f for f in result.firings if f.rule == "K8-culture-weak"]
    assert len(weak) == 1
    assert weak[0].facts == {"culture.trust": "low", "anchors.relationship": "adversarial"}
    assert weak[0].concluded == ("culture_level = weak",)


def test_an_action_that_raises_is_an_error_not_a_partial_plan(
    advisor: Advisor, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The engine swallows action exceptions; the adapter turns them into EngineError naming the rule."""

    def broken(text: str, facts: dict[str, object], services: dict[str, str] | None = None) -> str:
        raise RuntimeError("template exploded")

    monkeypatch.setattr(engine_module, "fill_placeholders", broken)
    case = advisor.load(CASES / "unknown-facts.yaml")
    with pytest.raises(EngineError, match=r"rule K14-capacity-unknown failed: RuntimeError\('template exploded'\)"):
        advisor.plan(case)
    monkeypatch.undo()
    assert advisor.plan(case).services


def test_conflicting_rules_are_refused(rules_copy: Path) -> None:
    """Two rules concluding different values of a single-valued decision make the run fail loudly."""
    path = rules_copy / "step3-direction.yaml"
    text = path.read_text()
    extra = """
  - id: K9-test-conflicting-rule
    title: A deliberately conflicting rule
    rationale: Test fixture.
    source: "002 Step 3"
    because: Test fixture.
    tier: services
    when:
      - culture.trust: low
    then:
      conclude: {emphasis: achievement}
"""
    path.write_text(text + extra)
    advisor = Advisor(rules_copy)
    with pytest.raises(
        EngineError,
        match=r"rules conflict: emphasis was concluded as culture by .*K9-culture-low-trust.*"
        r"achievement by K9-test-conflicting-rule",
    ):
        advisor.plan(parse_case(TRUST_LOW_ADVERSARIAL, "e.yaml"))


def test_a_gap_in_a_required_decision_is_refused(rules_copy: Path) -> None:
    """When no rule concludes a required decision, the run fails instead of returning a half plan."""
    path = rules_copy / "step3-direction.yaml"
    text = path.read_text()
    start = text.index("  - id: K9-emphasis-unknown")
    end = text.index("  # ---------------- K10")
    path.write_text(text[:start] + text[end:])
    advisor = Advisor(rules_copy)
    case = advisor.load(CASES / "culture-unknown.yaml")
    with pytest.raises(EngineError, match="no rule concluded emphasis for this case"):
        advisor.plan(case)


def test_engine_failures_are_translated_in_one_place() -> None:
    """Any exception escaping the engine becomes EngineError with what was being done."""
    with (
        pytest.raises(EngineError, match="rule engine failed while running the case: boom"),
        engine_errors("running the case"),
    ):
        raise Exception("boom")
    observed = engine_module.durable_engine.MessageObservedException({"id": 1})
    with pytest.raises(EngineError, match="already been observed"), engine_errors("asserting"):
        raise observed


def test_only_the_adapter_imports_durable() -> None:
    """durable is imported by engine/durable.py and nowhere else in the package."""
    importers = [
        path.relative_to(ROOT / "cec_advisor").as_posix()
        for path in (ROOT / "cec_advisor").rglob("*.py")
        if re.search(r"^\s*(import durable|from durable)", path.read_text(), re.MULTILINE)
    ]
    assert importers == ["engine/durable.py"]


def test_two_rule_bases_live_side_by_side(rules_copy: Path, advisor: Advisor) -> None:
    """A second, different rule base compiles under its own name and does not disturb the first."""
    path = rules_copy / "step5-support.yaml"
    path.write_text(path.read_text().replace('conclude: {assumed_capacity: "2"}', 'conclude: {assumed_capacity: "5"}'))
    other = Advisor(rules_copy)
    case = advisor.load(CASES / "unknown-facts.yaml")
    assert other.plan(case).capacity == 5
    assert advisor.plan(case).capacity == 2


def test_thousands_of_distinct_cases_in_one_process(advisor: Advisor) -> None:
    """Thousands of different cases in one process: no session cap, no spurious duplicate fact, no drift."""
    from cec_advisor.verify.witness import VARIED_GRID, grid_cases

    cases = grid_cases(VARIED_GRID)
    assert len(cases) == 768
    first = [advisor.plan(case) for case in cases]
    for _ in range(3):
        again = [advisor.plan(case) for case in cases]
    assert again == first
