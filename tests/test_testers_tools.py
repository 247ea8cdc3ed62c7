"""The testers' extra, and what generate and gaps share: no .hypothesis folder, a progress bar on a terminal."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

from cec_advisor.cli.main import main

from .conftest import ROOT, run_cli


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
    result = run_cli(args, tmp_path)
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == (["out"] if args[0] == "generate" else [])


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
    piped = run_cli(args, tmp_path, TERM="xterm")
    assert piped.returncode == 0 and label.decode() not in piped.stderr


def test_test_runs_the_rule_cases_without_hypothesis() -> None:
    """`cec-advisor test` needs no Hypothesis (a consultant's install runs the shipped rule cases)."""
    code = (
        "import sys; sys.modules['hypothesis'] = None\n"
        "from cec_advisor.cli.main import main\n"
        "main(['test', '-q', '-k', 'K1'], prog_name='cec-advisor')\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert "passed, 0 failed" in done.stdout
