"""test: the per-rule YAML cases run from the CLI: selection with -k, exit codes, JSON and JUnit reports."""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from cec_advisor.cli.main import main
from cec_advisor.errors import UserError
from cec_advisor.verify.keywords import keyword_matcher

from .conftest import ROOT, RULE_CASES, run_cli


def test_rule_case_runner_selects_and_reports() -> None:
    """`test -k` runs the selected rule cases and closes with the N passed, N failed line."""
    result = CliRunner().invoke(main, ["test", str(RULE_CASES), "-k", "K7-deadline or (K16 and silent)"])
    assert result.exit_code == 0
    lines = result.stdout.strip().splitlines()
    assert lines[-1] == "3 passed, 0 failed"
    assert "pass K16-whole-child::silent_medium_whole_child_needs" in lines


def test_rule_case_runner_reports_failures(tmp_path: Path) -> None:
    """A rule case whose expectation is wrong fails with the reason, and the exit code is 1."""
    folder = tmp_path / "cases"
    folder.mkdir()
    (folder / "_base.yaml").write_text((RULE_CASES / "_base.yaml").read_text())
    (folder / "K16-whole-child.yaml").write_text(
        yaml.safe_dump(
            {
                "rule": "K16-whole-child",
                "cases": [
                    {"name": "fires_wrongly_claimed", "facts": {"context.whole_child_needs": "low"}},
                ],
            }
        )
    )
    result = CliRunner().invoke(main, ["test", str(folder)])
    assert result.exit_code == 1
    assert "FAIL K16-whole-child::fires_wrongly_claimed" in result.stdout
    assert "expected K16-whole-child to fire, but it did not fire" in result.stdout
    assert result.stdout.strip().endswith("0 passed, 1 failed")


@pytest.mark.parametrize(
    ("expression", "name", "expected"),
    [
        ("K3", "K3-adversarial-relationship::fires_x", True),
        ("K3 and not silent", "K3-adversarial-relationship::silent_x", False),
        ("(K1 or K2) and fires", "K2-anchor-refuses::fires_y", True),
        ("not (K1 or K2)", "K2-anchor-refuses::fires_y", False),
        ("", "anything", True),
        ("(K1 or K2)and fires", "K2-anchor-refuses::fires_y", True),
        ("k2", "K2-anchor-refuses::fires_y", True),
    ],
)
def test_keyword_expressions(expression: str, name: str, expected: bool) -> None:
    """-k understands words (any case), and, or, not and parentheses (with or without spaces around them)."""
    assert keyword_matcher(expression)(name) is expected


def test_bad_keyword_expression() -> None:
    """A malformed -k expression is a clear user error."""
    with pytest.raises(UserError, match="not closed"):
        keyword_matcher("(K1 or K2")


@pytest.mark.parametrize(
    "expression",
    ["(" * 200 + "K1" + ")" * 200, "not " * 2000 + "K1", "(" * 2000, "not " * 10_000],
)
def test_deeply_nested_keyword_expression_is_a_usage_error(expression: str) -> None:
    """`test -k` nesting ( or not beyond the limit exits 2 with one short line, not an internal error."""
    result = CliRunner().invoke(main, ["test", str(RULE_CASES), "-k", expression])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and len(result.stderr) < 200
    assert result.stderr.startswith("Error: -k '") and "more than 64 deep" in result.stderr


def test_keyword_nesting_up_to_the_limit_works() -> None:
    """64 levels of ( and of not still parse and match."""
    assert keyword_matcher("(" * 64 + "K1" + ")" * 64)("K1-x::fires_a") is True
    assert keyword_matcher("not " * 64 + "K1")("K1-x::fires_a") is True


@pytest.mark.parametrize(("text", "kind"), [("- a\n- b\n", "a list"), ("just text\n", "a single value")])
def test_a_base_case_that_is_not_a_mapping_is_one_located_error(tmp_path: Path, text: str, kind: str) -> None:
    """A rule-case folder whose _base.yaml is a list or a scalar exits 2 with one line naming the file and line."""
    folder = tmp_path / "cases"
    folder.mkdir()
    (folder / "_base.yaml").write_text("# the base\n" + text)
    (folder / "K16-whole-child.yaml").write_text((RULE_CASES / "K16-whole-child.yaml").read_text())
    result = CliRunner().invoke(main, ["test", str(folder)])
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: {folder / '_base.yaml'}:2: the base case must be a mapping of case keys (a case file), not {kind}\n"
    )


def test_shipped_rule_cases_run_outside_a_checkout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With no folder given and no ./tests/rule_cases, `test` runs the rule cases shipped with the rules."""
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["test", "-k", "K16-whole-child"])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip().splitlines()[-1] == "2 passed, 0 failed"


def test_the_wheel_ships_the_rule_cases_and_test_runs_them(tmp_path: Path) -> None:
    """The built wheel holds every rule-case file, and its `cec-advisor test` runs them from any folder."""
    wheels = tmp_path / "wheels"
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(ROOT), "-w", str(wheels), "--no-deps", "-q"],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert built.returncode == 0, built.stderr[-2000:]
    (wheel,) = wheels.glob("cec_advisor-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        shipped = {Path(n).name for n in archive.namelist() if n.startswith("cec_advisor/_rule_cases/")}
    assert shipped == {p.name for p in RULE_CASES.glob("*.yaml")}
    target = tmp_path / "site"
    installed = subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target), str(wheel)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert installed.returncode == 0, installed.stderr[-2000:]
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    result = run_cli(["test", "-k", "K16-whole-child", "-f", "json"], elsewhere, PYTHONPATH=str(target))
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert Path(data["folder"]).resolve() == (target / "cec_advisor" / "_rule_cases").resolve()
    assert data["passed"] == 2


def test_nothing_selected_exits_5_as_pytest_does() -> None:
    """A -k that matches no rule case exits 5 and says so on stderr."""
    result = CliRunner().invoke(main, ["test", str(RULE_CASES), "-k", "no-such-rule"])
    assert result.exit_code == 5
    assert result.stderr == f"no rule case in {RULE_CASES} matches -k 'no-such-rule'\n"


@pytest.mark.parametrize(
    ("layout", "problem"),
    [({}, "not a folder of rule cases: it has no _base.yaml"), ({"_base.yaml": "x"}, "no rule cases")],
    ids=["not-a-rule-case-folder", "only-a-base"],
)
def test_a_folder_without_rule_cases_exits_2(tmp_path: Path, layout: dict[str, str], problem: str) -> None:
    """A folder that holds no rule cases is bad input (exit 2, one line), not a failing or empty run."""
    folder = tmp_path / "cases"
    folder.mkdir()
    for name, text in layout.items():
        (folder / name).write_text(text)
    result = CliRunner().invoke(main, ["test", str(folder)])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: {folder}: {problem}") and result.stderr.count("\n") == 1


def test_test_json_reports_each_case(tmp_path: Path) -> None:
    """`test --format json` gives the folder, the counts and each case with its outcome and problems."""
    folder = _one_failing_case(tmp_path)
    result = CliRunner().invoke(main, ["test", str(folder), "-f", "json"])
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert (data["passed"], data["failed"]) == (0, 1)
    (case,) = data["cases"]
    assert case["id"] == "K16-whole-child::fires_wrongly_claimed" and case["outcome"] == "failed"
    assert case["problems"] == ["expected K16-whole-child to fire, but it did not fire"]


def _one_failing_case(tmp_path: Path) -> Path:
    folder = tmp_path / "cases"
    folder.mkdir()
    (folder / "_base.yaml").write_text((RULE_CASES / "_base.yaml").read_text())
    case = {"name": "fires_wrongly_claimed", "facts": {"context.whole_child_needs": "low"}}
    (folder / "K16-whole-child.yaml").write_text(yaml.safe_dump({"rule": "K16-whole-child", "cases": [case]}))
    return folder


def test_junit_xml_report_for_ci(tmp_path: Path) -> None:
    """--junit-xml writes a JUnit report that parses: one testcase per case, the failure with its reason."""
    report = tmp_path / "reports" / "rule-cases.xml"
    result = CliRunner().invoke(main, ["test", str(RULE_CASES), "-k", "K16-whole-child", "--junit-xml", str(report)])
    assert result.exit_code == 0, result.output
    suite = ET.parse(report).getroot().find("testsuite")
    assert suite is not None and (suite.get("tests"), suite.get("failures")) == ("2", "0")
    assert {c.get("name") for c in suite.iter("testcase")} == {
        "fires_high_whole_child_needs",
        "silent_medium_whole_child_needs",
    }
    failing = CliRunner().invoke(main, ["test", str(_one_failing_case(tmp_path)), "--junit-xml", str(report)])
    assert failing.exit_code == 1
    case = ET.parse(report).getroot().find("testsuite/testcase")
    assert case is not None and case.get("classname") == "K16-whole-child"
    failure = case.find("failure")
    assert failure is not None and failure.get("message") == "expected K16-whole-child to fire, but it did not fire"


def test_junit_xml_holds_no_character_xml_refuses() -> None:
    """A control character in a problem (from a case's data) is escaped, so the report still parses."""
    from cec_advisor.verify.reports_ci import junit_xml
    from cec_advisor.verify.rulecases import RuleCaseResult, load_rule_cases

    loaded = load_rule_cases(RULE_CASES)[0]
    text = junit_xml([RuleCaseResult(loaded, ("name 'a\x1b[31mb\x00' is wrong",), 0.01)])
    failure = ET.fromstring(text.split("?>", 1)[1]).find("testsuite/testcase/failure")
    assert failure is not None and failure.get("message") == "name 'a\\x1b[31mb\\x00' is wrong"
