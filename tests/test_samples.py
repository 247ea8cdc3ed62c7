"""The sample cases: each is valid, explains itself, and together they exercise the whole rule base."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cec_advisor.advisor import Advisor

from .conftest import SAMPLE_CASES


def test_at_least_ten_archetypes() -> None:
    """cases/ holds at least ten sample cases with unique ids."""
    assert len(SAMPLE_CASES) >= 10
    ids = [re.search(r"^id: (\S+)", p.read_text(), re.MULTILINE).group(1) for p in SAMPLE_CASES]  # type: ignore[union-attr]
    assert len(set(ids)) == len(ids)


@pytest.mark.parametrize("path", SAMPLE_CASES, ids=lambda p: p.stem)
def test_sample_opens_with_what_it_teaches(advisor: Advisor, path: Path) -> None:
    """Each sample case validates and opens with a comment of at least two lines."""
    advisor.load(path)
    head = path.read_text().splitlines()[:2]
    assert all(line.startswith("# ") for line in head)


def test_every_rule_fires_in_some_sample(advisor: Advisor) -> None:
    """The sample cases together fire every rule of the rule base."""
    fired = {f.rule for path in SAMPLE_CASES for f in advisor.plan_file(path).trace}
    assert sorted(set(advisor.rulebase.by_id) - fired) == []


def test_every_pathway_decision_is_exercised(advisor: Advisor) -> None:
    """Every decision K1..K23 is cited by a rule that fires in some sample case."""
    fired = {f.rule for path in SAMPLE_CASES for f in advisor.plan_file(path).trace}
    exercised = {k for rule in fired for k in advisor.rulebase.by_id[rule].k}
    assert exercised == {f"K{n}" for n in range(1, 24)}


def test_samples_cover_every_value_of_the_key_decisions(advisor: Advisor) -> None:
    """Across the samples every value of each outcome decision (commitment, emphasis, plan type, readiness) appears."""
    plans = [advisor.plan_file(p) for p in SAMPLE_CASES]
    for decision in advisor.rulebase.outcome_decisions():
        seen = {p.value(decision.id) for p in plans}
        assert seen == set(decision.values), decision.id
