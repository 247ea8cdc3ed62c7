"""The rule base loads, and every kind of authoring mistake is a located RuleFileError."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from benchmarks._common import scaled_rules
from cec_advisor.cli.main import main
from cec_advisor.engine import compile as compile_module
from cec_advisor.engine.compile import MAX_LINKS_PER_TEST, MAX_PATTERNS_PER_TEST, check_capacity, compile_rule
from cec_advisor.errors import RuleFileError
from cec_advisor.rulebase.load import load_rulebase
from cec_advisor.rulebase.model import MAX_RULES

from .conftest import CASES, RULE_CASES, RULES


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


ONE_RULE = """format: cec-rules/1
step: 1
title: One rule
rules:
  - id: K1-one-rule
    k: [K1]
    title: A rule
    rationale: Why.
    source: "002 Step 1"
    salience: 90
    when:
      anchors.board.commitment: formal
    then:
      conclude: {commitment: established}
    because: Because.
"""


def _one_rule_base(tmp_path: Path, old: str, new: str) -> Path:
    """A rules directory with the shipped decisions and catalogue and one rule file, edited."""
    folder = tmp_path / "rules"
    folder.mkdir()
    for name in ("decisions.yaml", "services.yaml"):
        (folder / name).write_text((RULES / name).read_text())
    assert old in ONE_RULE
    (folder / "x.yaml").write_text(ONE_RULE.replace(old, new, 1))
    return folder


@pytest.mark.parametrize(
    ("old", "new", "line", "field", "words"),
    [
        ("salience: 90", "salience: 1e29", 10, "rules[0].salience", "'1e29' is not allowed"),
        ("salience: 90", "salience: 1.0e+29", 10, "rules[0].salience", "1e+29 is not allowed"),
        ("salience: 90", "salience: -5", 10, "rules[0].salience", "-5 is not allowed"),
        ("salience: 90", "salience: 50.5", 10, "rules[0].salience", "50.5 is not allowed"),
        ("salience: 90", 'salience: "50"', 10, "rules[0].salience", "'50' is not allowed"),
        ("salience: 90", "salience: true", 10, "rules[0].salience", "true is not allowed"),
        ("- id: K1-one-rule", "- id: one rule", 5, "rules[0].id", "'one rule' does not match"),
        ("- id: K1-one-rule", "- id: 7", 5, "rules[0].id", "valid string"),
        ("k: [K1]", "k: []", 6, "rules[0].k", "needs at least one"),
        ("k: [K1]", "k: [1]", 6, "rules[0].k[0]", "valid string"),
        ("title: A rule", "title: ''", 7, "rules[0].title", "must not be empty"),
        ('source: "002 Step 1"', "source: 2", 9, "rules[0].source", "valid string"),
        ("salience: 90", "salience: 90\n    step: 6", 11, "rules[0].step", "6 is not allowed"),
        ("salience: 90", "salience: 90\n    phase: later", 11, "rules[0].phase", "'later' is not allowed"),
        ("when:\n      anchors.board.commitment: formal", "when: [x]", 11, "rules[0].when", "mapping"),
        ("conclude: {commitment: established}", "schedule: never", 14, "rules[0].then.schedule", "'never'"),
        (
            "conclude: {commitment: established}",
            "undetermined: {decision: commitment, missing: [], settle_with: system-assessment}",
            14,
            "rules[0].then.undetermined.missing",
            "needs at least one",
        ),
        ("  - id: K1-one-rule", "  - 5\n  - id: K1-one-rule", 5, "rules[0]", "mapping"),
        ("step: 1\n", "step: 0\n", 2, "step", "0 is not allowed"),
    ],
)
def test_a_bad_field_of_a_single_rule_is_reported_on_that_field(
    tmp_path: Path, old: str, new: str, line: int, field: str, words: str
) -> None:
    """A rule file whose only rule has one bad field names that field and its line, not an empty 'rules' list."""
    with pytest.raises(RuleFileError) as caught:
        load_rulebase(_one_rule_base(tmp_path, old, new))
    error = caught.value
    assert (error.line, error.field) == (line, field)
    assert words in error.problem
    assert "Tuple" not in error.problem


def test_a_bad_salience_is_one_line_and_exit_2_from_the_cli(tmp_path: Path) -> None:
    """`plan --rules` with salience 1e29 exits 2 with one line naming the file, line and field."""
    rules = _one_rule_base(tmp_path, "salience: 90", "salience: 1e29")
    result = CliRunner().invoke(main, ["plan", "--rules", str(rules), str(CASES / "riverside-adversarial.yaml")])
    assert result.exit_code == 2
    problem = "'1e29' is not allowed; expected a whole number from 0 to 100"
    assert result.stderr == f"Error: {rules / 'x.yaml'}:10: rules[0].salience: {problem}\n"


def test_yaml11_booleans_in_a_rule_file_are_refused(tmp_path: Path) -> None:
    """Rule files go through the same reader: `recommend_requested: yes` is refused with the YAML 1.1 hint."""
    rules = _one_rule_base(tmp_path, "conclude: {commitment: established}", "recommend_requested: yes")
    with pytest.raises(RuleFileError) as caught:
        load_rulebase(rules)
    assert (caught.value.line, caught.value.field) == (14, "rules[0].then.recommend_requested")
    assert "'yes' reads as a boolean in YAML 1.1" in caught.value.problem


@pytest.mark.parametrize("command", ["lint", "plan", "test"])
def test_a_rule_base_larger_than_the_engine_holds_is_refused_at_load(tmp_path: Path, command: str) -> None:
    """Three copies of every rule (more than MAX_RULES) stop lint, plan and test with exit 2 and one line."""
    rules_copy = scaled_rules(3, tmp_path / "rules")
    count = len(load_rulebase(RULES).rules) * 3
    assert count > MAX_RULES
    args = {
        "lint": ["lint", str(rules_copy)],
        "plan": ["plan", "--rules", str(rules_copy), str(CASES / "riverside-adversarial.yaml")],
        "test": ["test", str(RULE_CASES), "--rules", str(rules_copy)],
    }[command]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: {rules_copy}: the rule base holds {count} rules, more than the {MAX_RULES} "
        "the rule engine can run; remove or merge rules\n"
    )


def _shared_alternatives(count: int, test: str) -> str:
    """A rule file of ``count`` rules that each make the same test first."""
    rules = "".join(
        f"  - id: K5-shared-{n:03d}\n    k: [K5]\n    title: Shared\n    rationale: R.\n    source: '002'\n"
        f"    because: B.\n    when:\n      {test}\n    then:\n      warn: Shared.\n"
        for n in range(count)
    )
    return f"format: cec-rules/1\nstep: 5\ntitle: Shared\nrules:\n{rules}"


def test_too_many_alternatives_on_one_test_are_refused_at_the_rule(rules_copy: Path) -> None:
    """40 rules starting with `culture.trust: [low, mixed]` overflow the engine's match stack: exit 2 at that rule."""
    path = rules_copy / "z-shared.yaml"
    path.write_text(_shared_alternatives(40, "culture.trust: [low, mixed]"))
    result = CliRunner().invoke(main, ["plan", "--rules", str(rules_copy), str(CASES / "riverside-adversarial.yaml")])
    assert result.exit_code == 2
    match = re.fullmatch(r"Error: (.+):(\d+): (K5-shared-\d+)\.when: with this rule, (\d+) lists .*\n", result.stderr)
    assert match is not None, result.stderr
    assert match[1] == str(path) and int(match[2]) == _line_of(path, f"- id: {match[3]}")
    assert int(match[4]) == MAX_LINKS_PER_TEST + 1
    assert f"(culture.trust is mixed), more than the {MAX_LINKS_PER_TEST} the rule engine holds" in result.stderr


def test_too_many_conditions_ending_on_one_test_are_refused(tmp_path: Path) -> None:
    """257 rules whose only test is the same one exceed the engine's table for it (error 108): exit 2 at that rule."""
    rules = _one_rule_base(tmp_path, "salience: 90", "salience: 90")
    path = rules / "z-shared.yaml"
    path.write_text(_shared_alternatives(MAX_PATTERNS_PER_TEST + 1, "culture.trust: low"))
    result = CliRunner().invoke(main, ["plan", "--rules", str(rules), str(CASES / "riverside-adversarial.yaml")])
    assert result.exit_code == 2
    last = f"K5-shared-{MAX_PATTERNS_PER_TEST:03d}"
    assert result.stderr == (
        f"Error: {path}:{_line_of(path, f'- id: {last}')}: {last}.when: with this rule, {MAX_PATTERNS_PER_TEST + 1} "
        f"rule conditions end on the same test (culture.trust is low), more than the {MAX_PATTERNS_PER_TEST} "
        "the rule engine holds: test another fact first, or merge rules\n"
    )


def test_the_shipped_rule_base_has_room_to_grow(monkeypatch: pytest.MonkeyPatch) -> None:
    """Twice the shipped rules fit under MAX_RULES, and its busiest test holds at most half of MAX_LINKS_PER_TEST."""
    rules = load_rulebase(RULES).rules
    assert 2 * len(rules) <= MAX_RULES
    monkeypatch.setattr(compile_module, "MAX_LINKS_PER_TEST", MAX_LINKS_PER_TEST // 2)
    check_capacity(tuple(compile_rule(rule) for rule in rules))
