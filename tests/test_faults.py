"""Fault injection: hostile files and file-system objects never hang the tool or end in a traceback."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import CASES, RULES


class _Result:
    def __init__(self, completed: subprocess.CompletedProcess[str]) -> None:
        self.exit_code = completed.returncode
        self.output = completed.stdout + completed.stderr


def _run(args: list[str]) -> _Result:
    """Run the CLI in its own process with a deadline: a hang fails the test instead of stalling the suite."""
    command = [sys.executable, "-m", "cec_advisor", *args]
    return _Result(subprocess.run(command, capture_output=True, text=True, timeout=60, check=False))


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    """A named pipe with no writer: opening it for reading the ordinary way blocks forever."""
    path = tmp_path / "pipe.yaml"
    os.mkfifo(path)
    return path


@pytest.mark.parametrize("command", [["plan"], ["validate"], ["explain"], ["coverage"]])
def test_a_fifo_is_refused_not_waited_on(fifo: Path, command: list[str]) -> None:
    """A FIFO given as a case file is refused at once with a one-line error naming it (exit 2)."""
    result = _run([*command, str(fifo)])
    assert result.exit_code == 2, result.output
    assert f"{fifo}: not a regular file" in result.output
    assert "Traceback" not in result.output


def test_a_fifo_in_a_batch_is_an_error_for_that_file_only(tmp_path: Path, fifo: Path) -> None:
    """In a batch folder the FIFO is listed as failed; the good case is planned."""
    shutil.copy(CASES / "steady-district.yaml", fifo.parent / "good.yaml")
    out = tmp_path / "out"
    result = _run(["batch", str(fifo.parent), "--out", str(out), "-f", "json"])
    assert result.exit_code == 2
    assert "1 planned, 1 failed" in result.output
    assert (out / "elm-park-2.json").is_file()


def test_a_fifo_in_the_rules_folder_is_refused(tmp_path: Path) -> None:
    """A FIFO among the rule files is refused with its name; the run does not hang."""
    rules = tmp_path / "rules"
    shutil.copytree(RULES, rules)
    os.mkfifo(rules / "zz-pipe.yaml")
    result = _run(["plan", str(CASES / "steady-district.yaml"), "--rules", str(rules)])
    assert result.exit_code == 2, result.output
    assert "zz-pipe.yaml: not a regular file" in result.output


def test_a_device_is_refused(tmp_path: Path) -> None:
    """/dev/zero is not read endlessly: it is refused like a FIFO."""
    result = _run(["plan", "/dev/zero"])
    assert result.exit_code == 2 and "not a regular file" in result.output
