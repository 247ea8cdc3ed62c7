"""Per-rule YAML test cases, run as parametrised pytest cases (``pytest -k K3`` runs one rule's)."""

from __future__ import annotations

from pathlib import Path

import pytest

from cec_advisor.advisor import Advisor
from cec_advisor.errors import RuleFileError
from cec_advisor.verify.rulecases import (
    BASE_CASE,
    LoadedRuleCase,
    check_rule_case,
    load_rule_case_files,
    load_rule_cases,
)

from .conftest import RULE_CASES, SAMPLE_CASES

ALL = load_rule_cases(RULE_CASES)


@pytest.mark.parametrize("loaded", ALL, ids=[c.test_id.replace("::", "_") for c in ALL])
def test_rule_case(advisor: Advisor, loaded: LoadedRuleCase) -> None:
    """The rule fires or stays silent as the case says, and the plan holds what it expects."""
    assert check_rule_case(advisor, loaded) == []


def test_every_rule_has_a_firing_and_a_silent_case(advisor: Advisor) -> None:
    """Each rule has a rule-case file with one firing case and one silent case (or a reason it always fires)."""
    files = {parsed.rule: parsed for parsed, _ in load_rule_case_files(RULE_CASES)}
    assert set(files) == set(advisor.rulebase.by_id), "rule-case files and rules differ"
    for rule, parsed in files.items():
        kinds = {case.expect for case in parsed.cases}
        assert "fires" in kinds, rule
        assert "silent" in kinds or parsed.always_fires, rule


def test_always_firing_rules_fire_in_every_sample(advisor: Advisor) -> None:
    """A rule that claims to hold for every case does fire in every sample case."""
    claims = [parsed.rule for parsed, _ in load_rule_case_files(RULE_CASES) if parsed.always_fires]
    for path in SAMPLE_CASES:
        fired = {f.rule for f in advisor.plan_file(path).trace}
        assert set(claims) <= fired, path.name


ONE_CASE = """rule: K10-culture-means-transformation
cases:
- name: fires_low_trust
  facts: {culture.trust: low}
  decisions: {plan_type: transformation}
"""


def _case_folder(tmp_path: Path, old: str, new: str) -> Path:
    """A folder of rule cases: the shipped base case and one rule-case file, edited."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    (tmp_path / BASE_CASE).write_text((RULE_CASES / BASE_CASE).read_text())
    assert old in ONE_CASE
    (tmp_path / "K10-culture-means-transformation.yaml").write_text(ONE_CASE.replace(old, new, 1))
    return tmp_path


def test_the_case_name_prefix_is_the_expectation(advisor: Advisor, tmp_path: Path) -> None:
    """fires_ expects the rule to fire and silent_ to stay silent: the same facts pass under one and fail the other."""
    (loaded,) = load_rule_cases(_case_folder(tmp_path / "a", "rule:", "rule:"))
    assert check_rule_case(advisor, loaded) == []
    (loaded,) = load_rule_cases(_case_folder(tmp_path / "b", "fires_low_trust", "silent_low_trust"))
    assert check_rule_case(advisor, loaded) == [
        "expected K10-culture-means-transformation to stay silent, but it fired"
    ]


@pytest.mark.parametrize(
    ("old", "new", "line", "field", "words"),
    [
        ("- name: fires_low_trust", "- name: low_trust", 3, "cases[0].name", "start it with fires_ or silent_"),
        ("  facts:", "  expect: fires\n  facts:", 4, "cases[0].expect", "the case name's prefix (fires_ or silent_)"),
    ],
)
def test_a_case_without_its_expectation_in_the_name_is_one_located_line(
    tmp_path: Path, old: str, new: str, line: int, field: str, words: str
) -> None:
    """A name without fires_/silent_, or the old expect key, is refused at its file and line."""
    folder = _case_folder(tmp_path, old, new)
    with pytest.raises(RuleFileError) as caught:
        load_rule_cases(folder)
    error = caught.value
    assert (error.file, error.line, error.field) == (str(folder / "K10-culture-means-transformation.yaml"), line, field)
    assert words in error.problem and "\n" not in str(error)
