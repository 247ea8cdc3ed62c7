"""The command line: output formats, files, exit codes and one-line errors."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from cec_advisor.cli.main import main

from .conftest import CASES, ROOT, invoke_cli

SAMPLE = str(CASES / "riverside-adversarial.yaml")


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"format: cec-case/1\nid: x\nname: X\nlevel: county\n", r"bad\.yaml:4: level: 'county' is not allowed"),
        (b"", r"bad\.yaml: file is empty"),
        (b"- 1\n- 2\n", r"bad\.yaml:1: a case file must be a mapping"),
        (b"\xff\xfe\xfd", r"bad\.yaml:1: file is not UTF-8 text"),
        (
            b"format: cec-case/1\nid: x\nname: X\nlevel: school\nculture: {trst: low}\n",
            r"bad\.yaml:5: culture\.trst: unknown key 'trst'; did you mean 'trust'\?",
        ),
        (
            b"a: !!python/object/apply:os.system [ls]\n",
            r"bad\.yaml:1: a: YAML tag .*python/object/apply.* is not allowed",
        ),
    ],
)
def test_bad_case_is_one_line_exit_2(tmp_path: Path, content: bytes, expected: str) -> None:
    """A bad case file gives one `Error:` line with file and line, exit code 2, and no traceback."""
    path = tmp_path / "bad.yaml"
    path.write_bytes(content)
    code, out, err = invoke_cli("plan", str(path))
    assert code == 2 and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ")
    assert re.search(expected, lines[0]), lines[0]


def test_missing_case_file(tmp_path: Path) -> None:
    """A missing case file is a clear one-line error."""
    code, _, err = invoke_cli("plan", str(tmp_path / "none.yaml"))
    assert code == 2 and "no such file" in err


def test_bad_rules_directory(tmp_path: Path) -> None:
    """A bad --rules directory is reported like a bad case file."""
    code, _, err = invoke_cli("plan", SAMPLE, "--rules", str(tmp_path))
    assert code == 2 and "decisions.yaml: no such file" in err


def test_unknown_format_is_a_usage_error() -> None:
    """An unknown --format is refused by the option parser with exit code 2."""
    code, _, err = invoke_cli("plan", SAMPLE, "--format", "pdf")
    assert code == 2 and "pdf" in err


def test_module_entry_point_runs_without_traceback(tmp_path: Path) -> None:
    """`python -m cec_advisor` works and a bad file never prints a traceback."""
    ok = subprocess.run(
        [sys.executable, "-m", "cec_advisor", "plan", SAMPLE, "-f", "json"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert ok.returncode == 0 and json.loads(ok.stdout)["commitment"] == "absent"
    bad = tmp_path / "bad.yaml"
    bad.write_text("format: cec-case/1\nid: x\nname: X\nlevel: school\ngrant: {sig: maybe}\n")
    failed = subprocess.run(
        [sys.executable, "-m", "cec_advisor", "plan", str(bad)], capture_output=True, text=True, cwd=ROOT, check=False
    )
    assert failed.returncode == 2
    assert "Traceback" not in failed.stderr
    assert (
        failed.stderr.strip() == f"Error: {bad}:5: grant.sig: 'maybe' is not allowed; expected true | false | unknown"
    )


def test_a_blank_name_is_refused_like_an_empty_one(tmp_path: Path) -> None:
    """A name of only spaces is refused with the file, line and field, like an empty name."""
    case = tmp_path / "blank.yaml"
    case.write_text('format: cec-case/1\nid: x\nname: "   "\nlevel: school\n')
    result = CliRunner().invoke(main, ["plan", str(case)])
    assert result.exit_code == 2
    assert f"{case}:3: name: must not be blank" in result.stderr


def test_progress_bar_stays_off_on_a_dumb_terminal(tmp_path: Path) -> None:
    """Under TERM=dumb the batch writes no cursor escapes to the terminal, even when stderr is a TTY."""
    import os
    import pty
    import subprocess
    import sys

    primary, secondary = pty.openpty()
    env = {**os.environ, "TERM": "dumb"}
    command = [sys.executable, "-m", "cec_advisor", "batch", str(CASES), "--out", str(tmp_path / "out"), "-f", "json"]
    process = subprocess.run(command, stderr=secondary, stdout=subprocess.DEVNULL, env=env, timeout=300, check=False)
    os.close(secondary)
    seen = b""
    while True:
        try:
            chunk = os.read(primary, 65536)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    os.close(primary)
    assert process.returncode == 0
    assert b"\x1b[" not in seen


@pytest.mark.parametrize(
    "args",
    [
        ["plan", str(CASES / "steady-district.yaml"), "-o", ""],
        ["batch", str(CASES / "steady-district.yaml"), "--out", ""],
        ["generate", "--count", "1", "--out", ""],
        ["schema", "-o", ""],
    ],
    ids=["plan", "batch", "generate", "schema"],
)
def test_an_empty_output_path_is_refused(tmp_path: Path, args: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """An empty output path is a usage error naming the option; nothing is written into the current folder."""
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2
    assert "an output path must not be empty" in result.output
    assert list(tmp_path.iterdir()) == []


ESCAPE_NAME = 'format: cec-case/1\nid: esc\nname: "Acme\\e[2J\\e]0;pwn\\a"\nlevel: school\n'


@pytest.mark.parametrize("command", ["plan", "explain", "why-not", "validate"])
def test_control_characters_in_case_data_never_reach_the_terminal(tmp_path: Path, command: str) -> None:
    """A name holding ESC and BEL sequences is printed escaped (\\x1b), never as raw terminal control codes."""
    case = tmp_path / "esc.yaml"
    case.write_text(ESCAPE_NAME)
    args = [command, str(case), *(["union-leadership-development"] if command == "why-not" else [])]
    result = CliRunner().invoke(main, args)
    assert "\x1b" not in result.output and "\x07" not in result.output
    if command in ("plan", "explain"):
        assert "\\x1b" in result.output


def test_control_characters_in_file_names_are_escaped_in_errors(tmp_path: Path) -> None:
    """A file name holding ESC and a newline stays one escaped line in the error report."""
    bad = tmp_path / "bad\x1b[31m\nname.yaml"
    result = CliRunner().invoke(main, ["validate", str(bad)])
    assert result.exit_code == 2
    assert "\x1b" not in result.output
    line = next(line for line in result.output.splitlines() if "bad\\x1b[31m" in line)
    assert "\\x0aname.yaml" in line, "the file name stays on its error line"


def test_help_lists_every_exit_code() -> None:
    """`cec-advisor --help` lists the one exit-code scheme every command follows."""
    from cec_advisor.cli.main import EXIT_CODES

    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    assert "Exit codes:" in result.output
    for code in EXIT_CODES:
        assert re.search(rf"(?m)^\s+{code}\s+\S", result.output), code


def test_an_internal_error_exits_4_in_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    """A bug (any unexpected exception) is one line and exit 4, apart from 1 (findings) and 2 (bad input)."""
    from cec_advisor.advisor import Advisor

    def broken(self: Advisor, path: Path) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(Advisor, "plan_file", broken)
    result = CliRunner().invoke(main, ["plan", str(CASES / "steady-district.yaml")])
    assert result.exit_code == 4
    assert result.stderr == "Error: internal error: RuntimeError: boom (set CEC_ADVISOR_DEBUG=1 for details)\n"
