"""[tool.cec-advisor] in pyproject.toml: found upward, checked key by key, every problem one located line."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from cec_advisor.cli.config import Config, load_config
from cec_advisor.cli.main import main
from cec_advisor.errors import LocatedError

from .conftest import CASES, ROOT

FULL = """\
[project]
name = "district-rules"

[tool.cec-advisor]
rules = "our-rules"

[tool.cec-advisor.coverage]
fail-under = 95

[tool.cec-advisor.lint]
select = ["CEC2"]
ignore = ["CEC204"]
"""


def test_settings_are_read_from_the_nearest_pyproject_upward(tmp_path: Path) -> None:
    """From a subfolder, the nearest pyproject.toml with the table is read; rules is relative to that file."""
    (tmp_path / "pyproject.toml").write_text(FULL)
    inner = tmp_path / "a" / "b"
    inner.mkdir(parents=True)
    (tmp_path / "a" / "pyproject.toml").write_text('[project]\nname = "not-ours"\n')
    config = load_config(inner)
    assert config == Config(
        file=tmp_path / "pyproject.toml",
        rules=tmp_path / "our-rules",
        coverage_fail_under=95.0,
        lint_select=("CEC2",),
        lint_ignore=("CEC204",),
    )


def test_no_configuration_means_the_defaults(tmp_path: Path) -> None:
    """Without a pyproject.toml holding the table, every setting is unset."""
    (tmp_path / "pyproject.toml").write_text('[tool.ruff]\nline-length = 100 # "cec-advisor" in a comment\n')
    assert load_config(tmp_path).file != tmp_path / "pyproject.toml"


def test_another_tools_broken_pyproject_is_passed_over(tmp_path: Path) -> None:
    """A pyproject.toml that never names cec-advisor is not even parsed: its syntax error is not ours to report."""
    (tmp_path / "pyproject.toml").write_text("[tool.black\nline-length = \n")
    assert load_config(tmp_path).file != tmp_path / "pyproject.toml"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('[tool.cec-advisor]\nrule = "rules"\n', ":2: tool.cec-advisor.rule: unknown key; did you mean 'rules'?"),
        (
            "[tool.cec-advisor]\nrules = 3\n",
            ":2: tool.cec-advisor.rules: must be a folder name (text), not the number 3",
        ),
        (
            "[tool.cec-advisor.coverage]\nfail-under = 101\n",
            ":2: tool.cec-advisor.coverage.fail-under: must be from 0 to 100, not 101",
        ),
        (
            '[tool.cec-advisor.coverage]\nfail-under = "90"\n',
            ":2: tool.cec-advisor.coverage.fail-under: must be a number from 0 to 100, not text '90'",
        ),
        (
            '[tool.cec-advisor]\nrules = "r"\n\n[tool.cec-advisor.lint]\nselect = ["CEC2"]\nignore = ["CEC9"]\n',
            ":6: tool.cec-advisor.lint.ignore: 'CEC9' matches no check code (codes: CEC100-107, CEC201-205)",
        ),
        (
            '[tool.cec-advisor]\nlint = {ignore = "CEC204"}\n',
            ':2: tool.cec-advisor.lint.ignore: must be a list of check codes or prefixes, e.g. ["CEC204"], not text',
        ),
        ("[tool.cec-advisor]\nlint = 3\n", ":2: tool.cec-advisor.lint: must be a table, not the number 3"),
        ('[tool.cec-advisor]\nrules = "r\n', ":2: not valid TOML: "),
    ],
    ids=[
        "unknown-key",
        "rules-type",
        "fail-under-range",
        "fail-under-type",
        "bad-code",
        "not-a-list",
        "not-a-table",
        "toml-syntax",
    ],
)
def test_every_problem_is_one_line_with_the_file_line_and_key(tmp_path: Path, text: str, expected: str) -> None:
    """A bad setting is a LocatedError naming the file, the line and the dotted key."""
    (tmp_path / "pyproject.toml").write_text(text)
    with pytest.raises(LocatedError) as raised:
        load_config(tmp_path)
    message = str(raised.value)
    assert message.startswith(f"{tmp_path / 'pyproject.toml'}{expected}") and "\n" not in message


def test_a_bad_setting_stops_the_command_with_exit_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """lint and coverage report a bad pyproject.toml as one Error line and exit 2."""
    (tmp_path / "pyproject.toml").write_text("[tool.cec-advisor.coverage]\nfail-under = true\n")
    monkeypatch.chdir(tmp_path)
    for args in (["lint"], ["coverage", str(CASES)]):
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 2
        assert result.stderr == (
            f"Error: {tmp_path / 'pyproject.toml'}:2: tool.cec-advisor.coverage.fail-under: "
            "must be a number from 0 to 100, not true or false\n"
        )


def test_reading_the_configuration_stays_light() -> None:
    """config loads no third-party module (no pydantic, YAML, click or engine): every command may read it first."""
    probe = "import sys, cec_advisor.cli.config; print(sorted({m.split('.')[0] for m in sys.modules}))"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=ROOT)
    assert not {"pydantic", "yaml", "click", "durable"} & set(ast.literal_eval(result.stdout))
