"""CEC Advisor: a rule-based expert system for CEC's Collaborative Pathway to Continuous Improvement.

Read a case file, run the Pathway rules on the durable-rules engine, and get a
justified, ordered services plan::

    from cec_advisor import Advisor
    plan = Advisor().plan_file(Path("cases/riverside-adversarial.yaml"))
"""

from __future__ import annotations

__version__ = "0.1.0"

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cec_advisor.advisor import Advisor
    from cec_advisor.errors import CaseFileError, CecError, EngineError, RuleFileError, UserError
    from cec_advisor.plan.build import Plan

_EXPORTS = {
    "Advisor": "cec_advisor.advisor",
    "Plan": "cec_advisor.plan.build",
    **dict.fromkeys(("CaseFileError", "CecError", "EngineError", "RuleFileError", "UserError"), "cec_advisor.errors"),
}


def __getattr__(name: str) -> Any:
    """Load the public names on first use: ``import cec_advisor`` alone stays light (the CLI checks memory first)."""
    if name in _EXPORTS:
        import importlib

        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'cec_advisor' has no attribute {name!r}")


__all__ = [
    "Advisor",
    "CaseFileError",
    "CecError",
    "EngineError",
    "Plan",
    "RuleFileError",
    "UserError",
    "__version__",
]
