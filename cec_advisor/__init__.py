"""CEC Advisor: a rule-based expert system for CEC's Collaborative Pathway to Continuous Improvement.

Read a case file, run the Pathway rules on the durable-rules engine, and get a
justified, ordered services plan::

    from cec_advisor import Advisor
    plan = Advisor().plan_file(Path("cases/riverside-adversarial.yaml"))
"""

from __future__ import annotations

__version__ = "0.1.0"

from cec_advisor.advisor import Advisor
from cec_advisor.errors import CaseFileError, CecError, EngineError, RuleFileError, UserError
from cec_advisor.plan import Plan

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
