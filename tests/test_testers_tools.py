"""Gap analysis, the rule-case runner and the case generator."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
import tomllib
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from cec_advisor.advisor import Advisor
from cec_advisor.cli.main import main
from cec_advisor.errors import EngineError, UserError
from cec_advisor.verify.gaps import find_gaps
from cec_advisor.verify.keywords import keyword_matcher
from cec_advisor.verify.strategies import generate_cases

from .conftest import ROOT, RULE_CASES


def test_real_rule_base_has_no_gap_or_conflict(advisor: Advisor, tmp_path: Path) -> None:
    """Enumerated and sampled cases give every required decision exactly one value."""
    report = find_gaps(advisor, count=60, per_decision=300, out_dir=tmp_path)
    assert report.enumerated > 1000 and report.sampled == 60
    assert report.gaps == []


def _remove_the_unknown_trust_rule(rules: Path) -> None:
    """Leave emphasis undecided when trust is unknown: a gap."""
    path = rules / "step3-direction.yaml"
    text = path.read_text()
    start, end = text.index("  - id: K9-emphasis-unknown"), text.index("  # ---------------- K10")
    path.write_text(text[:start] + text[end:])


def test_a_gap_is_found_with_a_witness_that_reproduces_it(rules_copy: Path, tmp_path: Path) -> None:
    """With the rule for an unknown trust removed, the analysis finds the gap and writes a witness case."""
    _remove_the_unknown_trust_rule(rules_copy)
    broken = Advisor(rules_copy)
    report = find_gaps(broken, count=0, per_decision=300, out_dir=tmp_path / "gaps")
    assert any("no rule concluded emphasis" in gap.problem for gap in report.gaps)
    gap = next(g for g in report.gaps if "no rule concluded emphasis" in g.problem)
    assert gap.file is not None and gap.file.exists()
    with pytest.raises(EngineError, match="no rule concluded emphasis"):
        broken.plan_file(gap.file)
    result = CliRunner().invoke(
        main,
        ["gaps", "--count", "0", "--per-decision", "200", "--rules", str(rules_copy), "--out", str(tmp_path / "cli")],
    )
    assert result.exit_code == 1 and "gap(s) or conflict(s) found" in result.stdout


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


def test_generate_is_valid_varied_and_reproducible(tmp_path: Path) -> None:
    """Generated corpora validate, have unique ids, vary, and repeat exactly for the same seed."""
    first, second = generate_cases(40, 5), generate_cases(40, 5)
    assert first == second and generate_cases(40, 6) != first
    assert len({c["id"] for c in first}) == 40
    assert len({str(c.get("culture")) for c in first}) > 5
    out = tmp_path / "corpus"
    result = CliRunner().invoke(main, ["generate", "--count", "25", "--seed", "1", "--out", str(out)])
    assert result.exit_code == 0 and len(list(out.glob("*.yaml"))) == 25
    assert CliRunner().invoke(main, ["validate", *map(str, sorted(out.glob("*.yaml")))]).exit_code == 0


def test_generate_refuses_a_seed_whose_ids_could_not_validate(tmp_path: Path) -> None:
    """A seed beyond 2**32-1 is refused (its gen-<seed>-<n> ids would pass 64 characters); the largest works."""
    huge = str(10**70)
    refused = CliRunner().invoke(main, ["generate", "--count", "1", "--seed", huge, "--out", str(tmp_path / "a")])
    assert refused.exit_code == 2 and "--seed" in refused.output
    out = tmp_path / "b"
    made = CliRunner().invoke(main, ["generate", "--count", "2", "--seed", str(2**32 - 1), "--out", str(out)])
    assert made.exit_code == 0, made.output
    checked = CliRunner().invoke(main, ["validate", *map(str, sorted(out.glob("*.yaml")))])
    assert checked.exit_code == 0, checked.output


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


def _cli(args: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """Run ``cec-advisor`` in its own process, in ``cwd``."""
    return subprocess.run(
        [sys.executable, "-m", "cec_advisor", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={**os.environ, **env},
    )


@pytest.mark.parametrize(
    "args",
    [
        ["generate", "--count", "5", "--out", "out"],
        ["gaps", "--count", "5", "--per-decision", "5", "--out", "out"],
    ],
    ids=["generate", "gaps"],
)
def test_generate_and_gaps_leave_no_hypothesis_folder(tmp_path: Path, args: list[str]) -> None:
    """Run in a fresh folder, generate and gaps leave their output there and nothing else (no .hypothesis/)."""
    result = _cli(args, tmp_path)
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == (["out"] if args[0] == "generate" else [])


def test_drawing_cases_restores_hypothesis_storage() -> None:
    """A draw borrows a temporary storage folder and gives Hypothesis its own back (the test suite's database)."""
    from hypothesis.configuration import storage_directory

    before = storage_directory(intent_to_write=False).home_directory
    generate_cases(3, 11)
    assert storage_directory(intent_to_write=False).home_directory == before


def test_generate_removes_the_files_of_an_earlier_generate(tmp_path: Path) -> None:
    """A smaller corpus into an old folder leaves exactly the new files; the user's own files stay, and are counted."""
    out = tmp_path / "corpus"
    assert CliRunner().invoke(main, ["generate", "--count", "12", "--seed", "3", "--out", str(out)]).exit_code == 0
    (out / "mine.yaml").write_text("format: cec-case/1\n")
    (out / "notes.txt").write_text("keep me\n")
    result = CliRunner().invoke(main, ["generate", "--count", "4", "--seed", "5", "--out", str(out)])
    assert result.exit_code == 0, result.output
    cases = sorted(p.name for p in out.glob("gen-*.yaml"))
    assert cases == [f"gen-5-{n}.yaml" for n in range(4)]
    assert (out / "mine.yaml").exists() and (out / "notes.txt").exists()
    assert f"12 case file(s) of an earlier generate removed from {out}" in result.stderr
    assert f"1 other .yaml file(s) in {out} were not written by generate and were kept" in result.stderr


def test_generated_folder_never_removes_what_its_command_did_not_write(tmp_path: Path) -> None:
    """Only names the manifest lists and the command writes are removed: not another command's, not a forged path."""
    from cec_advisor.verify.generated import GeneratedFolder

    (tmp_path / "gap-001.yaml").write_text("x")
    (tmp_path / "gen-1-1.yaml").write_text("x")
    (tmp_path / "other.yaml").write_text("x")
    forged = {"command": "generate", "files": ["gen-1-1.yaml", "other.yaml", "../x.yaml", "gap-001.yaml"]}
    (tmp_path / ".cec-advisor-generate.json").write_text(json.dumps(forged))
    folder = GeneratedFolder(tmp_path, "generate")
    folder.begin(["gen-2-0.yaml"])
    (tmp_path / "gen-2-0.yaml").write_text("x")
    tidied = folder.finish()
    assert tidied.removed == ("gen-1-1.yaml",)
    assert sorted(p.name for p in tmp_path.glob("*.yaml")) == ["gap-001.yaml", "gen-2-0.yaml", "other.yaml"]
    assert tidied.others == ("gap-001.yaml", "other.yaml")


def test_gaps_removes_stale_witnesses_once_the_gap_is_gone(tmp_path: Path) -> None:
    """Witnesses of an earlier gaps run that this run does not write again are removed; a fixed gap leaves none."""
    out = tmp_path / "gaps"
    out.mkdir()
    (out / "gap-001.yaml").write_text("# Witness for: an old gap\n")
    (out / ".cec-advisor-gaps.json").write_text(json.dumps({"command": "gaps", "files": ["gap-001.yaml"]}))
    result = CliRunner().invoke(main, ["gaps", "--count", "0", "--per-decision", "5", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert not (out / "gap-001.yaml").exists()
    assert "1 witness file(s) of an earlier run removed" in result.stderr


def test_gaps_json_lists_each_gap_with_its_witness(rules_copy: Path, tmp_path: Path) -> None:
    """`gaps --format json` gives the counts and each gap's problem, source, witness file and witness data; exit 1."""
    _remove_the_unknown_trust_rule(rules_copy)
    out = tmp_path / "gaps"
    options = ["--count", "0", "--per-decision", "200", "--rules", str(rules_copy), "--out", str(out), "-f", "json"]
    result = CliRunner().invoke(main, ["gaps", *options])
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["enumerated"] > 0 and data["sampled"] == 0
    gap = next(g for g in data["gaps"] if "no rule concluded emphasis" in g["problem"])
    assert Path(gap["file"]).parent == out and gap["witness"]["format"] == "cec-case/1"


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
    result = _cli(["test", "-k", "K16-whole-child", "-f", "json"], elsewhere, PYTHONPATH=str(target))
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


@pytest.mark.parametrize("command", ["generate", "gaps"])
def test_without_hypothesis_generate_and_gaps_say_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, command: str
) -> None:
    """Hypothesis is an optional extra: without it generate and gaps exit 2 with one line naming the extra."""
    monkeypatch.setitem(sys.modules, "hypothesis", None)  # type: ignore[arg-type]
    for name in ("cec_advisor.verify.strategies", "cec_advisor.verify.gaps"):
        monkeypatch.delitem(sys.modules, name, raising=False)
    result = CliRunner().invoke(main, [command, "--count", "1", "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert result.stderr == (
        "Error: generate and gaps need Hypothesis, which is not installed; "
        "install it with: pip install 'cec-advisor[testers]'\n"
    )


def test_hypothesis_is_an_extra_that_the_test_extra_pulls_in() -> None:
    """A plain install leaves Hypothesis out; the testers extra and the test extra (CI's) bring it; the rest imports."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert not any(d.startswith("hypothesis") for d in project["dependencies"])
    extras = project["optional-dependencies"]
    assert any(d.startswith("hypothesis") for d in extras["testers"])
    assert any(d.startswith("hypothesis") for d in extras["test"])
    blocked = (
        "import sys; sys.modules['hypothesis'] = None; "
        "import cec_advisor.cli.main, cec_advisor.verify.lint, cec_advisor.verify.coverage, "
        "cec_advisor.verify.rulecases, cec_advisor.consult.batch"
    )
    result = subprocess.run([sys.executable, "-c", blocked], capture_output=True, text=True, check=False, cwd=ROOT)
    assert result.returncode == 0, result.stderr


def _stderr_on_a_terminal(args: list[str], cwd: Path, term: str) -> tuple[int, bytes]:
    """Run ``cec-advisor`` with its standard error on a pseudo-terminal; return the exit code and what it drew."""
    primary, secondary = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "cec_advisor", *args],
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=secondary,
        env={**os.environ, "TERM": term},
    )
    os.close(secondary)
    seen = b""
    while True:
        try:
            chunk = os.read(primary, 65536)
        except OSError:  # EIO: the process closed the terminal
            break
        if not chunk:
            break
        seen += chunk
    os.close(primary)
    return process.wait(timeout=300), seen


@pytest.mark.parametrize(
    ("args", "label"),
    [
        (["generate", "--count", "30", "--out", "out"], b"Generating cases"),
        (["gaps", "--count", "5", "--per-decision", "5", "--out", "out"], b"Searching for gaps"),
    ],
    ids=["generate", "gaps"],
)
def test_progress_bar_on_a_terminal_only(tmp_path: Path, args: list[str], label: bytes) -> None:
    """generate and gaps draw a progress bar on a terminal, none under TERM=dumb, none when stderr is piped."""
    code, drawn = _stderr_on_a_terminal(args, tmp_path, "xterm")
    assert code == 0 and label in drawn and b"100%" in drawn
    code, drawn = _stderr_on_a_terminal(args, tmp_path, "dumb")
    assert code == 0 and label not in drawn and b"\x1b[" not in drawn
    piped = _cli(args, tmp_path, TERM="xterm")
    assert piped.returncode == 0 and label.decode() not in piped.stderr
