"""coverage: 100% over cases/, an outcome matrix, and a dead rule caught by --fail-under."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from cec_advisor.advisor import Advisor
from cec_advisor.cli.main import main
from cec_advisor.errors import RuleFileError
from cec_advisor.verify.coverage import measure

from .conftest import CASES

DEAD_RULE = """
  - id: K9-test-dead-rule
    title: A rule no case can reach
    rationale: Test fixture.
    source: "002 Step 3"
    because: Test fixture.
    tier: services
    when:
      - culture.trust: low
      - emphasis: achievement
    then:
      recommend: [data-use]
"""


def test_corpus_fires_every_rule_and_prints_the_matrix() -> None:
    """Over cases/ every rule fires, --fail-under 100 passes, and the outcome matrix is printed."""
    result = CliRunner().invoke(main, ["coverage", str(CASES), "--fail-under", "100"])
    assert result.exit_code == 0, result.stderr
    assert "Rule coverage: 100.0%" in result.stdout
    assert "Outcome matrix (cases per emphasis x plan type):" in result.stdout
    assert "culture" in result.stdout and "Reached combinations" in result.stdout


def test_dead_rule_is_reported_and_fails_the_threshold(rules_copy: Path) -> None:
    """A rule that can never fire is listed as never fired and makes --fail-under 100 exit 1."""
    path = rules_copy / "step3-direction.yaml"
    path.write_text(path.read_text() + DEAD_RULE)
    result = CliRunner().invoke(main, ["coverage", str(CASES), "--rules", str(rules_copy), "--fail-under", "100"])
    assert result.exit_code == 1
    assert "Rules never fired:\n  K9-test-dead-rule" in result.stdout
    assert "never fired: K9-test-dead-rule" in result.stderr


def test_condition_and_service_coverage(advisor: Advisor) -> None:
    """Each condition is counted true and false over the corpus; every service is reached."""
    report = measure(advisor, [CASES])
    assert report.rule_percent == 100.0
    weak = next(c for c in report.conditions if c.rule == "K8-culture-weak")
    assert weak.true > 0 and weak.false > 0 and weak.true + weak.false == len(report.cases)
    assert report.never_recommended == []
    assert ("absent", "culture", "transformation", "broken") in report.outcomes
    assert len(report.never_reached) == len(report.possible_outcomes) - len(report.outcomes)


def test_json_and_html_forms() -> None:
    """--format json gives the same figures as data; --format html is a self-contained page."""
    data = json.loads(CliRunner().invoke(main, ["coverage", str(CASES), "-f", "json"]).stdout)
    assert data["rule_coverage"] == 100.0 and data["never_fired"] == []
    assert data["outcomes"]["decisions"] == [d.id for d in Advisor().rulebase.outcome_decisions()]
    page = CliRunner().invoke(main, ["coverage", str(CASES), "-f", "html"]).stdout
    assert page.startswith("<!DOCTYPE html>") and "<script" not in page


def test_pyproject_sets_the_rules_and_fail_under(
    rules_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """[tool.cec-advisor] gives coverage its rules and fail-under (named when it fails the run); --fail-under wins."""
    path = rules_copy / "step3-direction.yaml"
    path.write_text(path.read_text() + DEAD_RULE)
    settings = '[tool.cec-advisor]\nrules = "rules"\n\n[tool.cec-advisor.coverage]\nfail-under = 100\n'
    (tmp_path / "pyproject.toml").write_text(settings)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["coverage", str(CASES)])
    assert result.exit_code == 1
    assert (
        f"is below 100% (fail-under in {tmp_path / 'pyproject.toml'}); never fired: K9-test-dead-rule" in result.stderr
    )
    assert CliRunner().invoke(main, ["coverage", str(CASES), "--fail-under", "50"]).exit_code == 0


def test_outcome_decisions_come_from_decisions_yaml(rules_copy: Path) -> None:
    """Coverage crosses the decisions decisions.yaml marks with an outcome place, in that order."""
    path = rules_copy / "decisions.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("    outcome: 4\n", "", 1), encoding="utf-8")
    result = CliRunner().invoke(main, ["coverage", str(CASES), "--rules", str(rules_copy)])
    assert "combinations of commitment x emphasis x plan_type reached" in result.stdout
    assert "Reached combinations (commitment, emphasis, plan type: cases):" in result.stdout


def test_two_decisions_in_one_outcome_place_do_not_load(rules_copy: Path) -> None:
    """decisions.yaml giving two decisions the same outcome place is a rule-file error at the second one's line."""
    path = rules_copy / "decisions.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("outcome: 4", "outcome: 1", 1), encoding="utf-8")
    with pytest.raises(RuleFileError, match="outcome place 1 is taken") as raised:
        Advisor(rules_copy)
    assert raised.value.line is not None and "outcome: 1" in path.read_text().splitlines()[raised.value.line - 1]
