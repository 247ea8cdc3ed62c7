"""The rule base loads, and every kind of authoring mistake is a located RuleFileError."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from benchmarks._common import scaled_rules
from cec_advisor.advisor import Advisor
from cec_advisor.cli.main import main
from cec_advisor.engine import compile as compile_module
from cec_advisor.engine.compile import MAX_LINKS_PER_TEST, MAX_PATTERNS_PER_TEST, check_capacity, compile_rule
from cec_advisor.errors import RuleFileError
from cec_advisor.rulebase.load import load_rulebase
from cec_advisor.rulebase.model import MAX_RULES, Rule

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
            "focus_on_learning.curriculum: {below: 3}\n    then:\n      conclude: {need: curriculum}",
            "focus_on_learning.curriculum: {below: high}\n    then:\n      conclude: {need: curriculum}",
            "{below: high}",
            "needs a number",
        ),
        (
            "step3-direction.yaml",
            "culture.trust: low\n    then:",
            "culture.trust: {below: 2}\n    then:",
            "culture.trust: {below: 2}",
            "needs a numeric fact",
        ),
        (
            "step1-commitment.yaml",
            "    tier: commitment\n    when:\n      - anchors.board.commitment: formal",
            "    tier: commitment\n    colour: red\n    when:\n      - anchors.board.commitment: formal",
            "colour: red",
            "unknown key 'colour'",
        ),
        (
            "step2-diagnosis.yaml",
            "because: >-\n      Achievement is {achievement.status}.\n",
            "because: >-\n      Achievement is {culture.trust}.\n",
            "Achievement is {culture.trust}",
            "placeholder {culture.trust}",
        ),
        (
            "x-cross-cutting.yaml",
            "    phase: review\n    tier: services\n    when:\n      - track: improve\n",
            "    tier: services\n    when:\n      - track: improve\n",
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
            "k: [K3, K7]",
            "k: [K3, K24]",
            "k: [K3, K24]",
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
    title: A rule
    rationale: Why.
    source: "002 Step 1"
    tier: commitment
    when:
      - anchors.board.commitment: formal
    then:
      conclude: {commitment: established}
    because: Because.
"""


def _one_rule_base(tmp_path: Path, old: str, new: str) -> Path:
    """A rules directory with the shipped decisions, tiers and catalogue and one rule file, edited."""
    folder = tmp_path / "rules"
    folder.mkdir(parents=True)
    for name in ("decisions.yaml", "services.yaml", "tiers.yaml"):
        (folder / name).write_text((RULES / name).read_text())
    assert old in ONE_RULE
    (folder / "x.yaml").write_text(ONE_RULE.replace(old, new, 1))
    return folder


def _one_rule(tmp_path: Path, old: str, new: str) -> Rule:
    """The rule of :func:`_one_rule_base`, loaded."""
    return load_rulebase(_one_rule_base(tmp_path, old, new)).by_id["K1-one-rule"]


BOARD_TEST = "- anchors.board.commitment: formal"
FOCUS_A = "K1-one-rule.when.focus_on_learning.A"


@pytest.mark.parametrize(
    ("old", "new", "line", "field", "words"),
    [
        ("tier: commitment", "tier: 5", 9, "rules[0].tier", "valid string"),
        ("tier: commitment", "tier: comitment", 9, "K1-one-rule.tier", "unknown tier 'comitment'; did you mean"),
        ("- id: K1-one-rule", "- id: one rule", 5, "rules[0].id", "'one rule' does not match"),
        ("- id: K1-one-rule", "- id: 7", 5, "rules[0].id", "valid string"),
        ("    title: A rule", "    k: []\n    title: A rule", 6, "rules[0].k", "needs at least one"),
        ("    title: A rule", "    k: [1]\n    title: A rule", 6, "rules[0].k[0]", "valid string"),
        ("    title: A rule", "    k: [K1]\n    title: A rule", 6, "K1-one-rule.k", "only repeats K1"),
        ("    title: A rule", "    k: [K19, K1]\n    title: A rule", 6, "K1-one-rule.k", "lists K1, the decision"),
        ("title: A rule", "title: ''", 6, "rules[0].title", "must not be empty"),
        ('source: "002 Step 1"', "source: 2", 8, "rules[0].source", "valid string"),
        ("tier: commitment", "tier: commitment\n    step: 6", 10, "rules[0].step", "6 is not allowed"),
        ("tier: commitment", "tier: commitment\n    phase: later", 10, "rules[0].phase", "'later' is not allowed"),
        (f"when:\n      {BOARD_TEST}", "when: x", 10, "rules[0].when", "expected a list"),
        (f"when:\n      {BOARD_TEST}", "when: []", 10, "rules[0].when", "needs at least one"),
        (BOARD_TEST, "- x", 11, "K1-one-rule.when", "each condition is a list item of one key"),
        (BOARD_TEST, "- {culture.trust: low, level: district}", 11, "K1-one-rule.when", "a list item of one key"),
        (BOARD_TEST, "- focus_on_learning.A: {below: 3, above: x}", 11, FOCUS_A, "needs a number"),
        (BOARD_TEST, "- focus_on_learning.A: {under: 3}", 11, FOCUS_A, "unknown test 'under'"),
        (BOARD_TEST, "- any of: [{level: school}]", 11, "K1-one-rule.when.any of", "at least two mappings"),
        ("conclude: {commitment: established}", "schedule: never", 13, "rules[0].then.schedule", "'never'"),
        (
            "conclude: {commitment: established}",
            "undetermined: {decision: commitment, missing: [], settle_with: system-assessment}",
            13,
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


@pytest.mark.parametrize(
    ("old", "new", "line", "field", "words"),
    [
        ("tier: commitment", "salience: 90", 9, "rules[0].salience", "write 'tier: <id>' with a tier of tiers.yaml"),
        (f"      {BOARD_TEST}", "      anchors.board.commitment: formal", 10, "rules[0].when", "'when' mapping"),
        (BOARD_TEST, "- focus_on_learning.A: {lt: 3}", 11, FOCUS_A, "write 'below'"),
        (BOARD_TEST, "- focus_on_learning.A: {lte: 3}", 11, FOCUS_A, "write 'at most'"),
        (BOARD_TEST, "- focus_on_learning.A: {gt: 3}", 11, FOCUS_A, "write 'above'"),
        (BOARD_TEST, "- focus_on_learning.A: {gte: 3}", 11, FOCUS_A, "'at least'"),
        (
            BOARD_TEST,
            "- focus_on_learning.A: {gte: 2, lt: 4}",
            11,
            "K1-one-rule.when.focus_on_learning.A",
            "'at least'",
        ),
        (BOARD_TEST, "- any: [{level: school}, {level: district}]", 11, "K1-one-rule.when.any", "write '- any of:'"),
        (
            BOARD_TEST,
            "- any_missing: [{culture.trust: unknown}, {achievement.status: unknown}]",
            11,
            "K1-one-rule.when.any_missing",
            "'any_missing' is the old spelling; write '- any of:'",
        ),
    ],
)
def test_the_first_formats_spellings_are_refused_with_the_new_one_named(
    tmp_path: Path, old: str, new: str, line: int, field: str, words: str
) -> None:
    """salience, a when mapping, lt/lte/gt/gte and any_<name> are refused at their line, naming the new spelling."""
    with pytest.raises(RuleFileError) as caught:
        load_rulebase(_one_rule_base(tmp_path, old, new))
    error = caught.value
    assert (error.line, error.field, error.code) == (line, field, "CEC107")
    assert "is the old spelling; write" in error.problem and words in error.problem


def test_an_old_salience_is_one_line_and_exit_2_from_the_cli(tmp_path: Path) -> None:
    """`plan --rules` on a rule still written with salience exits 2 with one line naming the file, line and field."""
    rules = _one_rule_base(tmp_path, "tier: commitment", "salience: 90")
    result = CliRunner().invoke(main, ["plan", "--rules", str(rules), str(CASES / "riverside-adversarial.yaml")])
    assert result.exit_code == 2
    problem = "'salience' is the old spelling; write 'tier: <id>' with a tier of tiers.yaml"
    assert result.stderr == (
        f"Error: {rules / 'x.yaml'}:9: rules[0].salience: {problem} (tiers fire in the order listed there)\n"
    )


def test_worded_comparisons_become_the_tests_they_name(tmp_path: Path) -> None:
    """below / at most / above / at least read as <, <=, >, >=; two of them make a range that both bound the fact."""
    rule = _one_rule(
        tmp_path, BOARD_TEST, "- focus_on_learning.A: {at least: 2.5, below: 3.5}\n      - context.capacity: 2"
    )
    assert [t.describe() for t in rule.when.facts][:2] == ["focus_on_learning.A >= 2.5", "focus_on_learning.A < 3.5"]
    for word, symbol in (("at most", "<="), ("above", ">")):
        other = _one_rule(tmp_path / word.replace(" ", "-"), BOARD_TEST, f"- focus_on_learning.A: {{{word}: 3}}")
        assert [t.describe() for t in other.when.facts] == [f"focus_on_learning.A {symbol} 3"]


def test_any_of_lists_alternatives_and_a_rule_may_have_several(tmp_path: Path) -> None:
    """Each `- any of:` item is one group of alternatives; an alternative's tests all hold together."""
    alternatives = (
        "- any of:\n          - level: district\n            culture.trust: low\n          - culture.trust: mixed\n"
        "      - any of: [{achievement.status: below}, {achievement.status: far_below}]"
    )
    rule = _one_rule(tmp_path, BOARD_TEST, alternatives)
    first, second = rule.when.any_groups
    assert [[t.describe() for t in option] for option in first] == [
        ["level is district", "culture.trust is low"],
        ["culture.trust is mixed"],
    ]
    assert len(second) == 2 and rule.when.facts == ()


def test_k_is_the_decision_the_id_names_unless_the_rule_lists_more(tmp_path: Path) -> None:
    """A rule without k serves the decision its id names; a written k keeps every decision it lists."""
    assert _one_rule(tmp_path / "a", "    title: A rule", "    title: A rule").k == ("K1",)
    assert _one_rule(tmp_path / "b", "    title: A rule", "    k: [K1, K19]\n    title: A rule").k == ("K1", "K19")


def test_because_as_block_text_is_the_sentence_on_one_line(tmp_path: Path) -> None:
    """`because: >-` folds its lines into the one sentence a plan quotes, colons and all."""
    rule = _one_rule(tmp_path, "because: Because.", "because: >-\n      Trust is low: so the\n      work starts there.")
    assert rule.because == "Trust is low: so the work starts there."


def test_tiers_fire_in_the_order_tiers_yaml_lists_them(rules_copy: Path) -> None:
    """Moving the delivery tier to the top of tiers.yaml makes K15-coaching-delivery fire as soon as it can."""
    case = CASES / "riverside-adversarial.yaml"

    def position() -> int:
        advisor = Advisor(rules_copy)
        fired = [firing.rule for firing in advisor.plan(advisor.load(case)).trace]
        return fired.index("K15-coaching-delivery")

    shipped = position()
    tiers = rules_copy / "tiers.yaml"
    text = tiers.read_text()
    delivery = text[text.index("  - id: delivery") :]
    tiers.write_text(text.replace(delivery, "").replace("tiers:\n", "tiers:\n" + delivery))
    assert load_rulebase(rules_copy).tiers[0].id == "delivery"
    assert position() < shipped


@pytest.mark.parametrize(
    ("old", "new", "line", "field", "words"),
    [
        ("  - id: services", "  - id: commitment", 28, "tiers[8].id", "duplicate tier id 'commitment'"),
        ("format: cec-tiers/1", "format: cec-tiers/0", 8, "format", "'cec-tiers/0' is not allowed"),
        ("    meaning: Support or", "    colour: red\n    meaning: Support or", 27, "tiers[7].colour", "unknown key"),
    ],
)
def test_a_bad_tiers_file_is_one_located_line(
    rules_copy: Path, old: str, new: str, line: int, field: str, words: str
) -> None:
    """A duplicate tier, a wrong format or an unknown key in tiers.yaml names the file, line and field."""
    _edit(rules_copy / "tiers.yaml", old, new)
    with pytest.raises(RuleFileError) as caught:
        load_rulebase(rules_copy)
    error = caught.value
    assert (error.file, error.line, error.field) == (str(rules_copy / "tiers.yaml"), line, field)
    assert words in error.problem


def test_yaml11_booleans_in_a_rule_file_are_refused(tmp_path: Path) -> None:
    """Rule files go through the same reader: `recommend_requested: yes` is refused with the YAML 1.1 hint."""
    rules = _one_rule_base(tmp_path, "conclude: {commitment: established}", "recommend_requested: yes")
    with pytest.raises(RuleFileError) as caught:
        load_rulebase(rules)
    assert (caught.value.line, caught.value.field) == (13, "rules[0].then.recommend_requested")
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
        f"  - id: K5-shared-{n:03d}\n    title: Shared\n    rationale: R.\n    source: '002'\n"
        f"    because: B.\n    tier: services\n    when:\n      - {test}\n    then:\n      warn: Shared.\n"
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
    rules = _one_rule_base(tmp_path, "tier: commitment", "tier: commitment")
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
