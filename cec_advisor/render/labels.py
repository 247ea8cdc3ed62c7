"""Names shared by the human-readable renderers: the Pathway steps, the summary's decisions, the elements.

Values are put into words by :mod:`cec_advisor.model.wording` (a reader's phrase) alone.
"""

from __future__ import annotations

from cec_advisor.model.wording import ELEMENT_NAMES as ELEMENT_NAMES
from cec_advisor.plan.build import DecisionOutcome, Plan

STEP_NAMES = {
    1: "Establish collaborative commitments",
    2: "Assess readiness by diagnosing needs",
    3: "Define the work by setting direction",
    4: "Utilize collaborative structures and processes",
    5: "Target support",
}


def summary_decisions(plan: Plan) -> list[tuple[DecisionOutcome, str]]:
    """The decisions a plan's summary shows, each with its label, in decisions.yaml's order (``summary:``)."""
    return [(outcome, outcome.summary) for outcome in plan.decisions if outcome.summary is not None]
