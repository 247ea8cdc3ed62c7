"""lint: clean on the shipped rules, and one fixture rule base per check code, each caught with its code."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from cec_advisor.cli import main
from cec_advisor.lint import CHECKS, lint

from .conftest import RULES

EXTRA_RULE = """
  - id: {id}
    k: [K9]
    title: A fixture rule
    rationale: Test fixture.
    source: "002 Step 3"
    because: Test fixture.
    salience: {salience}
    when:
{when}
    then:
{then}
"""


def _add_rule(rules: Path, rule_id: str, when: str, then: str, salience: int = 60) -> None:
    path = rules / "step3-direction.yaml"
    indent = lambda text: "\n".join("      " + line for line in text.strip().splitlines())  # noqa: E731
    path.write_text(
        path.read_text() + EXTRA_RULE.format(id=rule_id, when=indent(when), then=indent(then), salience=salience)
    )


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))


def test_shipped_rules_are_clean() -> None:
    """The shipped rule base has no findings, and the command exits 0."""
    assert lint(RULES) == []
    result = CliRunner().invoke(main, ["lint", str(RULES)])
    assert result.exit_code == 0 and "No findings." in result.stdout


def _only(rules: Path, code: str) -> list:  # type: ignore[type-arg]
    findings = lint(rules)
    assert findings, f"expected {code}"
    assert {f.code for f in findings} == {code}, [str(f) for f in findings]
    return findings


def test_cec100_malformed_file(rules_copy: Path) -> None:
    """Invalid YAML in a rule file."""
    (rules_copy / "step5-support.yaml").write_text("format: cec-rules/1\nrules: [\n")
    finding = _only(rules_copy, "CEC100")[0]
    assert finding.file.endswith("step5-support.yaml") and finding.line == 3


def test_cec101_unknown_fact(rules_copy: Path) -> None:
    """An unknown fact path, with the line where it is written."""
    _edit(
        rules_copy / "step1-commitment.yaml",
        "anchors.interest_based_experience: false",
        "anchors.interest_experience: false",
    )
    finding = _only(rules_copy, "CEC101")[0]
    assert "did you mean 'anchors.interest_based_experience'" in finding.message and finding.line


def test_cec102_value_outside_scale(rules_copy: Path) -> None:
    """A value outside the fact's scale."""
    _edit(rules_copy / "step3-direction.yaml", "culture.trust: low\n    then:", "culture.trust: lowish\n    then:")
    assert "'lowish' is not allowed" in _only(rules_copy, "CEC102")[0].message


def test_cec103_unknown_service(rules_copy: Path) -> None:
    """A rule recommending a service the catalogue lacks."""
    _edit(rules_copy / "step5-support.yaml", "recommend: [data-use]", "recommend: [data-usage]")
    assert "unknown service 'data-usage'" in _only(rules_copy, "CEC103")[0].message


def test_cec104_duplicate_id(rules_copy: Path) -> None:
    """Two rules with one id."""
    _edit(rules_copy / "step5-support.yaml", "  - id: K16-whole-child\n", "  - id: K14-data-use\n")
    assert "duplicate rule id 'K14-data-use'" in _only(rules_copy, "CEC104")[0].message


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ('    source: "002 Step 4 (last paragraphs); 004"\n', ""),
        ("rationale: Principals become collaborative leaders", 'rationale: ""\n    #'),
    ],
)
def test_cec105_missing_source_or_rationale(rules_copy: Path, old: str, new: str) -> None:
    """A rule without a source, or with an empty rationale."""
    _edit(rules_copy / ("step4-structures.yaml" if "Step 4" in old else "step5-support.yaml"), old, new)
    finding = _only(rules_copy, "CEC105")[0]
    assert "source" in finding.message or "rationale" in finding.message


def test_cec106_prerequisite_cycle(rules_copy: Path) -> None:
    """Services that require each other."""
    _edit(
        rules_copy / "services.yaml",
        "    handoff: Experienced team members train new teams in the same skills.",
        "    prerequisites: [instructional-teams]\n    handoff: Experienced team members train new teams.",
    )
    assert "prerequisite cycle" in _only(rules_copy, "CEC106")[0].message


def test_cec107_unknown_key(rules_copy: Path) -> None:
    """A misspelt key in a rule."""
    _edit(
        rules_copy / "step5-support.yaml",
        "    rationale: Principals become",
        "    rationnale: x\n    rationale: Principals become",
    )
    assert "unknown key 'rationnale'" in _only(rules_copy, "CEC107")[0].message


def test_cec201_unused_service(rules_copy: Path) -> None:
    """A catalogue service no rule can recommend."""
    path = rules_copy / "services.yaml"
    path.write_text(
        path.read_text()
        + """
  - id: board-retreat
    name: Board retreat
    summary: A retreat.
    step: 1
    element: labor-management
    delivery: [facilitating]
    handoff: The board plans its own retreats.
    owner: the board
    source: "002 Step 1"
"""
    )
    assert "board-retreat is never recommended" in _only(rules_copy, "CEC201")[0].message


def test_cec202_salience_tie(rules_copy: Path) -> None:
    """Two rules with equal salience concluding emphasis differently on the same facts, with a witness."""
    _add_rule(rules_copy, "K9-test-tie", "culture.trust: low", "conclude: {emphasis: achievement}")
    finding = _only(rules_copy, "CEC202")[0]
    assert "K9-culture-low-trust and K9-test-tie with equal salience" in finding.message
    assert finding.witness == {"culture.trust": "low"}


def test_cec203_never_true(rules_copy: Path) -> None:
    """A condition no valid case can meet (a group mean below 1)."""
    _add_rule(rules_copy, "K9-test-never", "focus_on_learning.curriculum: {lt: 1}", "recommend: [data-use]")
    finding = _only(rules_copy, "CEC203")[0]
    assert "K9-test-never can never fire" in finding.message and finding.witness is None


def test_cec204_subsumed(rules_copy: Path) -> None:
    """A narrower copy of a rule that concludes nothing more, with a witness where both fire."""
    _add_rule(
        rules_copy, "K9-test-narrow", "anchors.relationship: adversarial", "recommend: [interest-based-bargaining]"
    )
    finding = _only(rules_copy, "CEC204")[0]
    assert "K9-test-narrow is subsumed by K3-adversarial-relationship" in finding.message
    assert finding.witness == {"anchors.relationship": "adversarial"}


def test_cec205_conflict(rules_copy: Path) -> None:
    """Two rules (different salience) concluding plan type differently on the same facts, confirmed by the engine."""
    _add_rule(rules_copy, "K9-test-conflict", "culture.trust: low", "conclude: {plan_type: support}", salience=20)
    finding = _only(rules_copy, "CEC205")[0]
    assert "K10-culture-means-transformation" not in finding.message or "K9-test-conflict" in finding.message
    assert finding.witness is not None


def test_every_code_is_documented_and_exit_codes() -> None:
    """Every check code has a description; findings exit 1, a bad folder exits 2."""
    assert set(CHECKS) == {f"CEC10{i}" for i in range(8)} | {f"CEC20{i}" for i in range(1, 6)}
    assert CliRunner().invoke(main, ["lint", "/no/such/folder"]).exit_code == 2
