"""what-if: the plan with facts changed against the plan as it is; the teaching pairs flip what they claim."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from cec_advisor.advisor import Advisor
from cec_advisor.cli.main import main
from cec_advisor.errors import UserError
from cec_advisor.explain.changes import parse_setting
from cec_advisor.explain.formatters import UNCHANGED
from cec_advisor.explain.what_if import what_if
from cec_advisor.io.yamlsource import Locator
from cec_advisor.model.case import case_from_data

from .conftest import CASES, SUMMARY_DECISION_IDS, cli_json

TEACHING = sorted((CASES / "teaching").glob("*-a.yaml"))


@pytest.mark.parametrize("pair", TEACHING, ids=lambda p: p.stem.removesuffix("-a"))
def test_teaching_pairs_flip_exactly_what_they_claim(advisor: Advisor, pair: Path) -> None:
    """Each teaching pair differs in one fact and flips exactly the decision its comment names."""
    other = pair.with_name(pair.name.replace("-a.yaml", "-b.yaml"))
    claim = pair.read_text().splitlines()[1]
    assert claim.startswith("# flips: ")
    flips = claim.removeprefix("# flips: ").split()[0]
    a, b = yaml.safe_load(pair.read_text()), yaml.safe_load(other.read_text())
    differing = _differences(a, b) - {"id", "name"}
    assert len(differing) == 1, differing
    pa, pb = advisor.plan_file(pair), advisor.plan_file(other)
    assert [k for k in (*SUMMARY_DECISION_IDS, "defer_later_work") if pa.value(k) != pb.value(k)] == [flips]


def _differences(a: dict, b: dict, prefix: str = "") -> set[str]:  # type: ignore[type-arg]
    keys = set(a) | set(b)
    found: set[str] = set()
    for key in keys:
        if isinstance(a.get(key), dict) and isinstance(b.get(key), dict):
            found |= _differences(a[key], b[key], f"{prefix}{key}.")
        elif a.get(key) != b.get(key):
            found.add(f"{prefix}{key}")
    return found


def test_what_if_reproduces_a_teaching_pair(advisor: Advisor) -> None:
    """what-if from one side of a pair gives exactly the other side's plan differences."""
    case = advisor.load(CASES / "teaching" / "trust-a.yaml")
    diff, before, after = what_if(advisor, case, [parse_setting("culture.trust=low")])
    assert [d.decision for d in diff.decisions if d.decision in SUMMARY_DECISION_IDS] == ["emphasis"]
    emphasis = next(d for d in diff.decisions if d.decision == "emphasis")
    assert (emphasis.before, emphasis.after) == ("achievement", "culture")
    assert emphasis.rules_after == ("K9-culture-low-trust",)
    added = {s.service for s in diff.services if s.change == "added"}
    assert added == {s.id for s in after.services} - {s.id for s in before.services}
    assert "K9-culture-low-trust" in diff.rules_started


def test_what_if_cli_json_and_bad_settings() -> None:
    """what-if --format json gives the diff as data; a bad value is a one-line error naming the fact."""
    data = cli_json(
        "what-if",
        str(CASES / "riverside-adversarial.yaml"),
        "--set",
        "anchors.union.commitment=formal",
        "--set",
        "anchors.board.commitment=formal",
        "--set",
        "anchors.union.frame=professional",
    )
    assert data["changes"] == {
        "anchors.union.commitment": "formal",
        "anchors.board.commitment": "formal",
        "anchors.union.frame": "professional",
    }
    commitment = next(d for d in data["decisions"] if d["decision"] == "commitment")
    assert commitment["after"] == "established" and commitment["rules_after"] == ["K1-commitment-established-formal"]
    removed = next(s for s in data["services"] if s["service"] == "union-leadership-development")
    assert removed["change"] == "removed"
    assert removed["rules"] == ["K3-union-weak-commitment", "K3-union-industrial-frame"]
    bad = CliRunner().invoke(
        main, ["what-if", str(CASES / "riverside-adversarial.yaml"), "--set", "culture.trust=great"]
    )
    assert bad.exit_code == 2 and "culture.trust: 'great' is not allowed" in bad.stderr
    assert CliRunner().invoke(main, ["what-if", str(CASES / "riverside-adversarial.yaml"), "--set", "x"]).exit_code == 2


def test_what_if_diffs_warnings_and_open_questions() -> None:
    """A change that only rewords, drops or raises a warning, or opens or settles an open question, is a change:
    text and JSON show it with the rules behind it (it said "Nothing in the plan changes")."""
    case = str(CASES / "pera-slo-request.yaml")
    result = CliRunner().invoke(main, ["what-if", case, "--set", "request.deadline_months=6"])
    assert result.exit_code == 0 and UNCHANGED not in result.stdout
    assert "~ warning reworded (K7-deadline-collision): " in result.stdout and "due in 6 months" in result.stdout
    data = cli_json("what-if", case, "--set", "request.deadline_months=24")
    assert {"rule": "K7-deadline-collision", "change": "removed"}.items() <= data["warnings"][0].items()
    assert data["open_questions"] == []
    assert all(s["rules"] for s in data["services"])
    text = CliRunner().invoke(main, ["what-if", case, "--set", "request.deadline_months=24"]).stdout
    assert "- warning no longer raised (K7-deadline-collision): The requested service" in text
    settled = cli_json(
        "what-if", str(CASES / "high-performer-team-unknown.yaml"), "--set", "achievement.trend=improving"
    )
    assert (settled["decisions"], settled["services"], settled["warnings"]) == ([], [], [])
    (question,) = settled["open_questions"]
    assert (question["decision"], question["change"]) == ("track", "settled")
    assert question["rules_before"] == ["K20-conditions-unknown"] and question["rules_after"] == []
    text = (
        CliRunner()
        .invoke(main, ["what-if", str(CASES / "culture-unknown.yaml"), "--set", "achievement.systemic_failure=false"])
        .stdout
    )
    assert UNCHANGED not in text
    assert "~ open question on readiness changed (no longer unknown: achievement.systemic_failure)" in text


def test_what_if_null_makes_a_fact_unknown(advisor: Advisor) -> None:
    """--set PATH=null removes the fact: the text says it is now unknown (never "= none", a real answer), the
    JSON says "unknown", and the plan is the one the case without that key gives (an open question)."""
    case = str(CASES / "pera-slo-request.yaml")
    text = CliRunner().invoke(main, ["what-if", case, "--set", "anchors.union.commitment=null"]).stdout
    assert text.startswith("Changed facts: anchors.union.commitment removed (now unknown)\n")
    assert "= none" not in text
    data = cli_json("what-if", case, "--set", "anchors.union.commitment=null")
    assert data["changes"] == {"anchors.union.commitment": "unknown"}
    opened = {q["decision"] for q in data["open_questions"] if q["change"] == "opened"}
    assert "commitment" in opened
    removed = yaml.safe_load((CASES / "pera-slo-request.yaml").read_text())
    del removed["anchors"]["union"]["commitment"]
    plan = advisor.plan(case_from_data(removed, Locator("x"), advisor.rulebase.catalogue.ids))
    assert "commitment" in {q.decision for q in plan.undetermined}
    assert cli_json("what-if", case, "--set", "request=null")["changes"] == {"request.made": False}
    assert cli_json("what-if", case, "--set", "entry_points=null")["changes"] == {"entry_points": []}
    text = CliRunner().invoke(main, ["what-if", case, "--set", "anchors.union=null"]).stdout
    assert text.startswith("Changed facts: anchors.union removed (every fact in it now unknown)\n")
    assert parse_setting("culture.trust=~") == parse_setting("culture.trust=null")


@pytest.mark.parametrize("word", ["yes", "no", "on", "off", "Yes", "NO"])
def test_what_if_values_follow_the_case_file_yaml_rule(word: str) -> None:
    """--set reads VALUE as a case file does: yes/no/on/off are refused in one line with the hint (safe_load read
    yes as true); true/false are booleans and a quoted word is text."""
    case = str(CASES / "pera-slo-request.yaml")
    result = CliRunner().invoke(main, ["what-if", case, "--set", f"grant.sig={word}"])
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: --set grant.sig: {word!r} reads as a boolean in YAML 1.1; write true or false, "
        "or quote it if you meant the text\n"
    )
    with pytest.raises(UserError):
        parse_setting(f"grant.sig={word}")
    assert parse_setting("grant.sig=true").value is True
    assert parse_setting(f"name='{word}'").value == word


def test_what_if_later_work_is_not_re_phased() -> None:
    """Later work stays later work when the horizon changes: no "re-phased" line whose before and after agree."""
    data = cli_json("what-if", str(CASES / "pera-slo-request.yaml"), "--set", "anchors.union.commitment=null")
    assert all(s["before"] != s["after"] for s in data["services"])
    deferred = next(s for s in data["services"] if s["service"] == "standards-based-curriculum")
    assert (deferred["change"], deferred["before"], deferred["after"]) == ("deferred", "year 2", "later work")
