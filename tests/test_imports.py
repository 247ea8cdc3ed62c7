"""Every module imports on its own in a fresh interpreter (no import cycles hidden by import order)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from .conftest import ROOT

MODULES = sorted(
    ".".join(path.relative_to(ROOT).with_suffix("").parts)
    for path in (ROOT / "cec_advisor").rglob("*.py")
    if path.name != "__main__.py"
)


@pytest.mark.parametrize("module", MODULES)
def test_module_imports_alone(module: str) -> None:
    """Importing the module first, in a new process, works."""
    result = subprocess.run(
        [sys.executable, "-c", f"import {module.removesuffix('.__init__')}"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-1500:]
