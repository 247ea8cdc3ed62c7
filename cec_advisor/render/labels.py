"""Names and value wording shared by the human-readable renderers."""

from __future__ import annotations

from cec_advisor.model.scales import Scalar
from cec_advisor.model.wording import ELEMENT_NAMES as ELEMENT_NAMES
from cec_advisor.model.wording import phrase
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


def show_value(value: Scalar | None) -> str:
    """A decision value as words: ``None`` is "not decided", booleans are yes/no, ``_`` becomes a space."""
    if value is None:
        return "not decided"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value).replace("_", " ")


def show_decision(decision: str, value: Scalar | None, transformation_possible: Scalar | None) -> str:
    """A key decision as a reader should see it (``wording.phrase``), never contradicting another (K2).

    With an anchor refusing, "transformational change possible" reads "not yet",
    and a transformation plan type says it waits for the anchors, so the page
    never shows "possible: no" beside a bare "transformation plan".
    """
    if value is None:
        return "not decided"
    shown = phrase(decision, value)
    if decision == "plan_type" and value == "transformation" and transformation_possible is False:
        return f"{shown}, once all three anchors commit"
    return shown
