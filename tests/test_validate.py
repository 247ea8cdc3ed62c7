"""Validating case files: every problem of each file, as data for tools and as lines for people."""

from __future__ import annotations

from pathlib import Path

import pytest

from cec_advisor.consult.formatters import validation_lines
from cec_advisor.consult.validate import validate_files
from cec_advisor.errors import UserError

from .conftest import CASES, invoke_cli

STEADY = CASES / "steady-district.yaml"
TWO_PROBLEMS = "format: cec-case/1\nid: Bad Id\nname: Bad\n"


def test_every_problem_of_a_file_is_reported_and_counted(tmp_path: Path) -> None:
    """A file with two problems gets both, located; a valid file is ok; the report counts one invalid file."""
    (tmp_path / "a-bad.yaml").write_text(TWO_PROBLEMS)
    (tmp_path / "b-good.yaml").write_text(STEADY.read_text(encoding="utf-8"))
    report = validate_files([tmp_path])
    assert report.as_dict()["invalid"] == 1
    bad, good = report.files
    assert {(p.line, p.field) for p in bad.problems} == {(2, "id"), (1, "level")}
    assert good.as_dict() == {"file": str(tmp_path / "b-good.yaml"), "ok": True, "problems": []}


def test_quiet_lines_leave_out_the_valid_files(tmp_path: Path) -> None:
    """For people: problems on stderr, `FILE: ok` on stdout unless quiet, and the count of invalid files last."""
    (tmp_path / "a-bad.yaml").write_text(TWO_PROBLEMS)
    (tmp_path / "b-good.yaml").write_text(STEADY.read_text(encoding="utf-8"))
    report = validate_files([tmp_path])
    loud = validation_lines(report, quiet=False)
    assert [line.err for line in loud] == [True, True, False, True]
    assert loud[2].text == f"{tmp_path / 'b-good.yaml'}: ok"
    assert loud[-1].text == "1 of 2 file(s) invalid"
    assert [line.text for line in validation_lines(report, quiet=True)] == [loud[0].text, loud[1].text, loud[3].text]


def test_no_case_file_is_a_user_error(tmp_path: Path) -> None:
    """A folder without case files is a user error, not an empty success."""
    with pytest.raises(UserError, match="no case files"):
        validate_files([tmp_path])


SAMPLE = str(CASES / "riverside-adversarial.yaml")


def test_validate_reports_every_problem(tmp_path: Path) -> None:
    """`validate` lists all problems of each bad file, says ok for good ones, and exits 2."""
    bad = tmp_path / "bad.yaml"
    bad.write_text("format: cec-case/1\nid: x\nname: X\nlevel: county\nculture: {trust: medium, trst: low}\n")
    code, out, err = invoke_cli("validate", SAMPLE, str(bad))
    assert code == 2
    assert out.strip() == f"{SAMPLE}: ok"
    assert err.count(str(bad)) == 3
    assert "level: 'county'" in err and "culture.trst: unknown key" in err and "culture.trust: 'medium'" in err
    assert "1 of 2 file(s) invalid" in err
    assert invoke_cli("validate", SAMPLE)[0] == 0
