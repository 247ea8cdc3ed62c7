"""Names and value wording shared by the human-readable renderers."""

from __future__ import annotations

from cec_advisor.scales import Scalar

STEP_NAMES = {
    1: "Establish collaborative commitments",
    2: "Assess readiness by diagnosing needs",
    3: "Define the work by setting direction",
    4: "Utilize collaborative structures and processes",
    5: "Target support",
}
ELEMENT_NAMES = {
    "student-learning": "Empowering Students Through Learning",
    "pedagogy": "Implementing Emerging Pedagogy",
    "profession": "Transforming the Profession",
    "labor-management": "Fostering Labor-Management Collaboration",
}
SUMMARY_DECISIONS = (
    ("commitment", "Collaborative commitment (Step 1)"),
    ("transformation_possible", "Transformational change possible"),
    ("readiness", "Readiness baseline (Step 2)"),
    ("emphasis", "Emphasis (Step 3)"),
    ("plan_type", "Plan type (Step 3)"),
)


def show_value(value: Scalar | None) -> str:
    """A decision value as words: ``None`` is "not decided", booleans are yes/no, ``_`` becomes a space."""
    if value is None:
        return "not decided"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value).replace("_", " ")
