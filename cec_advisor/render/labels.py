"""Names shared by the human-readable renderers: the Pathway steps, the summary's decisions, the elements.

Values are put into words by :mod:`cec_advisor.model.wording` (a reader's phrase) alone.
"""

from __future__ import annotations

from cec_advisor.model.wording import ELEMENT_NAMES as ELEMENT_NAMES

STEP_NAMES = {
    1: "Establish collaborative commitments",
    2: "Assess readiness by diagnosing needs",
    3: "Define the work by setting direction",
    4: "Utilize collaborative structures and processes",
    5: "Target support",
}
SUMMARY_DECISIONS = (
    ("commitment", "Collaborative commitment (Step 1)"),
    ("transformation_possible", "Transformational change possible"),
    ("readiness", "Readiness baseline (Step 2)"),
    ("emphasis", "Emphasis (Step 3)"),
    ("plan_type", "Plan type (Step 3)"),
    ("track", "Improvement or sustainability (Step 3)"),
)
