"""gaps: decisions that get no value or two on some valid case, each with a witness case file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from cec_advisor.advisor import Advisor
from cec_advisor.cli.main import main
from cec_advisor.errors import EngineError
from cec_advisor.verify.gaps import find_gaps


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
