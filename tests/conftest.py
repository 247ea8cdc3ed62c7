"""Shared fixtures and the Hypothesis settings profiles (``HYPOTHESIS_PROFILE=ci|dev|thorough``)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, settings

from cec_advisor.advisor import Advisor
from cec_advisor.cli.main import main
from cec_advisor.rulebase.load import load_rulebase

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "cases"
RULES = ROOT / "rules"
RULE_CASES = Path(__file__).resolve().parent / "rule_cases"
SAMPLE_CASES = sorted(CASES.glob("*.yaml"))
SUMMARY_DECISION_IDS = tuple(d.id for d in load_rulebase(RULES).decisions.values() if d.summary is not None)
"""The decisions a plan's summary shows (``summary:`` in decisions.yaml), in order."""

settings.register_profile("dev", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("ci", max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("thorough", max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))


@pytest.fixture(scope="session")
def advisor() -> Advisor:
    """The shipped rule base, compiled once for the whole test session."""
    return Advisor()


@pytest.fixture
def rules_copy(tmp_path: Path) -> Path:
    """A private copy of ``rules/`` that a test may edit."""
    target = tmp_path / "rules"
    shutil.copytree(RULES, target)
    return target


def cli_json(*args: str) -> object:
    """Run a ``cec-advisor`` command in process with ``--format json``; it must succeed; return its JSON."""
    result = CliRunner().invoke(main, [*args, "--format", "json"])
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def run_cli(args: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
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


def invoke_cli(*args: str) -> tuple[int, str, str]:
    """Run a ``cec-advisor`` command in process; return its exit code, standard output and standard error."""
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr
