"""Gap analysis, the rule-case runner and the case generator."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from cec_advisor.advisor import Advisor
from cec_advisor.cli import main
from cec_advisor.errors import EngineError, UserError
from cec_advisor.gaps import find_gaps
from cec_advisor.rulecases import keyword_matcher
from cec_advisor.strategies import generate_cases

from .conftest import RULE_CASES


def test_real_rule_base_has_no_gap_or_conflict(advisor: Advisor, tmp_path: Path) -> None:
    """Enumerated and sampled cases give every required decision exactly one value."""
    report = find_gaps(advisor, count=60, per_decision=300, out_dir=tmp_path)
    assert report.enumerated > 1000 and report.sampled == 60
    assert report.gaps == []


def test_a_gap_is_found_with_a_witness_that_reproduces_it(rules_copy: Path, tmp_path: Path) -> None:
    """With the rule for an unknown trust removed, the analysis finds the gap and writes a witness case."""
    path = rules_copy / "step3-direction.yaml"
    text = path.read_text()
    start, end = text.index("  - id: K9-emphasis-unknown"), text.index("  # ---------------- K10")
    path.write_text(text[:start] + text[end:])
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
                    {"name": "fires_wrongly_claimed", "facts": {"context.whole_child_needs": "low"}, "expect": "fires"},
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
    ],
)
def test_keyword_expressions(expression: str, name: str, expected: bool) -> None:
    """-k understands words, and, or, not and parentheses."""
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
