"""The rule base loads, and every kind of authoring mistake is a located RuleFileError."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cec_advisor.errors import RuleFileError
from cec_advisor.rulebase import load_rulebase

from .conftest import RULES


def test_shipped_rule_base_loads() -> None:
    """The shipped rules load; every rule cites a seed and decisions K1..K23 are all covered."""
    rulebase = load_rulebase(RULES)
    assert len(rulebase.rules) >= 60
    cited = {k for rule in rulebase.rules for k in rule.k}
    assert cited == {f"K{n}" for n in range(1, 24)}
    assert all(re.match(r"^00[0-4]", rule.source) for rule in rulebase.rules)
    assert all(re.match(r"^00[0-4]", s.source) for s in rulebase.catalogue.services)


def test_minimum_catalogue_is_present() -> None:
    """Every service id of the minimum catalogue (docs/pathway.md) exists."""
    ids = set(load_rulebase(RULES).catalogue.ids)
    minimum = {
        "union-leadership-development",
        "interest-based-bargaining",
        "local-union-system-assessment",
        "pera-joint-committee",
        "shared-accountability",
        "shared-leadership",
        "turn-coordination",
        "collaborative-compact",
        "system-assessment",
        "strategic-planning",
        "sig-diagnosis",
        "district-leadership-team",
        "school-leadership-teams",
        "instructional-teams",
        "team-effectiveness",
        "partnership-council",
        "organizational-facilitators",
        "transformation-project-manager",
        "standards-based-curriculum",
        "assessment-system",
        "data-use",
        "progress-monitoring",
        "instructional-model",
        "interventions-and-enrichment",
        "danielson-framework",
        "teacher-evaluation",
        "slo-training",
        "leadership-coaching",
        "induction-and-mentoring",
        "student-ownership",
        "learning-environment",
        "perception-surveys",
        "whole-child-partnerships",
        "on-the-same-page",
        "sustainability-partnership",
        "teacher-leader-pipeline",
    }
    assert minimum <= ids


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture edit target not found: {old!r}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _line_of(path: Path, needle: str) -> int:
    """The line of the last occurrence (a duplicate is reported where it repeats)."""
    return max(i for i, line in enumerate(path.read_text().splitlines(), 1) if needle in line)


@pytest.mark.parametrize(
    ("file", "old", "new", "needle", "words"),
    [
        (
            "step1-commitment.yaml",
            "anchors.relationship: [adversarial, strained]",
            "anchors.relationshp: [adversarial, strained]",
            "anchors.relationshp",
            "unknown fact or decision 'anchors.relationshp'; did you mean 'anchors.relationship'?",
        ),
        (
            "step1-commitment.yaml",
            "anchors.relationship: [adversarial, strained]",
            "anchors.relationship: [adversarial, hostile]",
            "hostile",
            "'hostile' is not allowed",
        ),
        (
            "step1-commitment.yaml",
            "recommend: [interest-based-bargaining]",
            "recommend: [interest-based-bargainin]",
            "interest-based-bargainin]",
            "unknown service 'interest-based-bargainin'",
        ),
        (
            "step3-direction.yaml",
            "conclude: {emphasis: culture}",
            "conclude: {emphasis: cultural}",
            "emphasis: cultural",
            "'cultural' is not a value of emphasis",
        ),
        (
            "step3-direction.yaml",
            "focus_on_learning.curriculum: {lt: 3}\n    then:\n      conclude: {need: curriculum}",
            "focus_on_learning.curriculum: {lt: high}\n    then:\n      conclude: {need: curriculum}",
            "{lt: high}",
            "needs a number",
        ),
        (
            "step3-direction.yaml",
            "culture.trust: low\n    then:",
            "culture.trust: {lt: 2}\n    then:",
            "culture.trust: {lt: 2}",
            "needs a numeric fact",
        ),
        (
            "step1-commitment.yaml",
            "    salience: 90\n    when:\n      anchors.board.commitment: formal",
            "    salience: 90\n    colour: red\n    when:\n      anchors.board.commitment: formal",
            "colour: red",
            "unknown key 'colour'",
        ),
        (
            "step2-diagnosis.yaml",
            "because: Achievement is {achievement.status}.",
            "because: Achievement is {culture.trust}.",
            "Achievement is {culture.trust}",
            "placeholder {culture.trust}",
        ),
        (
            "x-cross-cutting.yaml",
            "    phase: review\n    when:\n      track: improve\n      plan_type: [support, transformation]\n"
            "      focus_on_learning.assessed: true\n      lacks: {element: pedagogy, defer_later_work: true}",
            "    when:\n      track: improve\n      plan_type: [support, transformation]\n"
            "      focus_on_learning.assessed: true\n      lacks: {element: pedagogy, defer_later_work: true}",
            "lacks: {element: pedagogy, defer_later_work: true}",
            "only allowed in rules with phase: review",
        ),
        (
            "step1-commitment.yaml",
            "  - id: K1-commitment-partial\n",
            "  - id: K1-commitment-established-formal\n",
            "id: K1-commitment-established-formal",
            "duplicate rule id",
        ),
        (
            "step1-commitment.yaml",
            "k: [K3]\n    title: A union in the industrial",
            "k: [K24]\n    title: A union in the industrial",
            "k: [K24]",
            "not a Pathway decision",
        ),
    ],
)
def test_rule_file_faults_are_located(rules_copy: Path, file: str, old: str, new: str, needle: str, words: str) -> None:
    """Each fault is reported at the file and line where it was written, with what is wrong."""
    path = rules_copy / file
    _edit(path, old, new)
    with pytest.raises(RuleFileError) as caught:
        load_rulebase(rules_copy)
    error = caught.value
    assert words in str(error)
    assert error.file == str(path)
    expected = _line_of(path, needle)
    assert error.line is not None and abs(error.line - expected) <= 1


def test_duplicate_rule_id_across_files(rules_copy: Path) -> None:
    """The same rule id in two files is refused, naming where it first appeared."""
    _edit(rules_copy / "step5-support.yaml", "  - id: K16-whole-child\n", "  - id: K1-commitment-milestone\n")
    with pytest.raises(
        RuleFileError, match=r"duplicate rule id 'K1-commitment-milestone' \(first in .*step1-commitment.yaml"
    ):
        load_rulebase(rules_copy)


def test_catalogue_prerequisite_cycle(rules_copy: Path) -> None:
    """A prerequisite cycle in the catalogue is refused and drawn."""
    _edit(
        rules_copy / "services.yaml",
        "handoff: Experienced team members train new teams in the same skills.",
        "prerequisites: [instructional-teams]\n    handoff: Experienced team members train new teams.",
    )
    with pytest.raises(RuleFileError, match=r"prerequisite cycle: .*team-effectiveness"):
        load_rulebase(rules_copy)


def test_catalogue_unknown_prerequisite_and_duplicate(rules_copy: Path) -> None:
    """Unknown prerequisites and duplicate service ids are refused."""
    services = rules_copy / "services.yaml"
    _edit(services, "prerequisites: [system-assessment]", "prerequisites: [system-assesment]")
    with pytest.raises(RuleFileError, match="unknown service 'system-assesment'; did you mean 'system-assessment'"):
        load_rulebase(rules_copy)
    _edit(services, "prerequisites: [system-assesment]", "prerequisites: [system-assessment]")
    _edit(services, "  - id: turn-coordination\n", "  - id: shared-leadership\n")
    with pytest.raises(RuleFileError, match="duplicate service id 'shared-leadership'"):
        load_rulebase(rules_copy)


def test_missing_rules_directory(tmp_path: Path) -> None:
    """A rules directory that does not exist is a clear error."""
    with pytest.raises(RuleFileError, match="rules directory not found"):
        load_rulebase(tmp_path / "absent")


def test_digest_follows_content(rules_copy: Path) -> None:
    """The digest that names the compiled ruleset changes with any rule edit."""
    before = load_rulebase(rules_copy).digest
    _edit(rules_copy / "step5-support.yaml", "rationale: Principals become", "rationale: Principals grow into")
    assert load_rulebase(rules_copy).digest != before
