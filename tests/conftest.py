"""Shared fixtures and the Hypothesis settings profiles (``HYPOTHESIS_PROFILE=ci|dev|thorough``)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from cec_advisor.advisor import Advisor

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "cases"
RULES = ROOT / "rules"
RULE_CASES = Path(__file__).resolve().parent / "rule_cases"
SAMPLE_CASES = sorted(CASES.glob("*.yaml"))

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
