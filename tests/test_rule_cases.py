"""Per-rule YAML test cases, run as parametrised pytest cases (``pytest -k K3`` runs one rule's)."""

from __future__ import annotations

import pytest

from cec_advisor.advisor import Advisor
from cec_advisor.verify.rulecases import LoadedRuleCase, check_rule_case, load_rule_case_files, load_rule_cases

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
