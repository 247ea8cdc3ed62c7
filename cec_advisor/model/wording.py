"""Plain English for the district: a reader's phrase for every fact and decision value, and a label for each.

The rules and the engine speak in values (``anchors.union.commitment:
exploring``, ``plan_type: transformation``). A superintendent reads phrases:
the union is "only exploring", the plan is a "transformation plan". This
module is the one table that turns the first into the second:

- :func:`phrase` gives the words for one value of one fact path (every path
  in :data:`~cec_advisor.model.facts.FACT_SCALES`) or decision (every decision in
  ``rules/decisions.yaml``, plus ``service`` and ``element``), ``unknown``
  and booleans included; rule ``because`` and ``warn`` texts are filled with
  these phrases (:func:`cec_advisor.rulebase.model.fill_placeholders`);
- :func:`decision_phrase` is :func:`phrase` for a key decision in a plan's
  summary (a decision no rule concluded is "not decided"; K2's wording);
- :func:`plain_word` reads a value without its table ("yes", "very
  accomplished"), for a diagram's short boxes;
- :func:`label` names a fact path or decision as a noun phrase ("whether the
  union will commit", "the emphasis"), for the sentences that say what is
  still open (:mod:`cec_advisor.render.sentences`).

Values the table does not know (a decision of a private rule base) fall back to
their own words with ``_`` read as a space. The other spelling of a value, as
YAML writes it (``true``, ``far_below``) for rule files, case files, ``--set``
and the trainers' tools, is :func:`cec_advisor.model.scales.yaml_word`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from cec_advisor.model.case import ENTRY_POINTS, INDICATOR_MEANS
from cec_advisor.model.scales import UNKNOWN, Scalar, same_value, yaml_word

NOT_KNOWN = "not yet known"
NOT_ASSESSED = "not yet assessed"
NOT_RATED = "not yet rated"
NOT_DECIDED = "not decided"
"""A decision no rule concluded, in a plan's summary and diagram."""

INDICATOR_NAMES = {
    "A": "establishing the curriculum",
    "B": "executing the curriculum",
    "C": "clarifying and communicating the curriculum",
    "D": "defining the assessment system",
    "E": "assessing what each student knows and needs next",
    "F": "frequent, timely descriptive feedback",
    "G": "using assessment data to drive instruction",
    "H": "using assessment data to recognise growth",
    "I": "differentiating instruction",
    "J": "aligning interventions",
    "K": "aligning enrichments",
    "L": "optimal learning environment",
    "M": "examining learning practices",
    "N": "judging quality work",
    "O": "training and support",
    "P": "organising and allocating resources",
}
"""Appendix C focus-on-learning indicators A-P, as the system assessment names them."""
INDICATOR_RATINGS = {1: "absent", 2: "beginning", 3: "in place in parts", 4: "in place system-wide"}
"""What each Appendix C rating means (002 Appendix C)."""
GROUP_NAMES: dict[Scalar, str] = {
    "curriculum": "curriculum",
    "assessment": "assessment",
    "differentiation": "differentiation",
    "focus": "focus on learning",
}
"""The Appendix C indicator groups (the ``need`` values) in words."""

_COMMITMENT: dict[Scalar, str] = {
    "none": "refuses to take part",
    "exploring": "only exploring",
    "informal": "agreed informally",
    "formal": "formally committed",
    UNKNOWN: NOT_KNOWN,
}
_STRUCTURE: dict[Scalar, str] = {
    "absent": "absent",
    "forming": "still forming",
    "functioning": "functioning",
    "effective": "effective",
    UNKNOWN: NOT_ASSESSED,
}
_LOW_MEDIUM_HIGH: dict[Scalar, str] = {"low": "low", "medium": "moderate", "high": "high", UNKNOWN: NOT_KNOWN}

FACT_PHRASES: dict[str, dict[Scalar, str]] = {
    "achievement.history_of_low_achievement": {
        True: "a history of low achievement",
        False: "no history of low achievement",
        UNKNOWN: NOT_KNOWN,
    },
    "achievement.status": {
        "far_below": "far below the state average",
        "below": "below the state average",
        "near": "near the state average",
        "above": "above the state average",
        "far_above": "far above the state average",
        UNKNOWN: NOT_KNOWN,
    },
    "achievement.systemic_failure": {
        True: "shows systemic organisational failure",
        False: "shows no systemic organisational failure",
        UNKNOWN: NOT_KNOWN,
    },
    "achievement.trend": {
        "declining": "declining",
        "flat": "flat",
        "improving": "improving",
        "sustained_growth": "sustained growth",
        UNKNOWN: NOT_KNOWN,
    },
    "anchors.administration.commitment": _COMMITMENT,
    "anchors.board.commitment": _COMMITMENT,
    "anchors.union.commitment": _COMMITMENT,
    "anchors.interest_based_experience": {True: "some experience", False: "no experience yet", UNKNOWN: NOT_KNOWN},
    "anchors.relationship": {
        "adversarial": "adversarial",
        "strained": "strained",
        "cooperative": "cooperative",
        "collaborative": "collaborative",
        UNKNOWN: NOT_KNOWN,
    },
    "anchors.union.frame": {
        "industrial": "industrial",
        "professional": "professional",
        "social_justice": "social justice",
        UNKNOWN: NOT_KNOWN,
    },
    "anchors.union.kind": {
        "union": "a union",
        "association": "an association",
        "representative_group": "a representative group",
        UNKNOWN: NOT_KNOWN,
    },
    "anchors.written_agreement": {
        "none": "not yet drafted",
        "draft": "still a draft",
        "signed": "signed",
        UNKNOWN: NOT_KNOWN,
    },
    "context.strategic_plan": {
        "none": "not yet written",
        "outdated": "out of date",
        "current": "current",
        UNKNOWN: NOT_KNOWN,
    },
    "context.teacher_evaluation": {
        "none": "not in place",
        "compliance": "a compliance exercise",
        "growth_oriented": "oriented to growth",
        UNKNOWN: NOT_KNOWN,
    },
    "context.whole_child_needs": _LOW_MEDIUM_HIGH,
    "culture.distributed_leadership": {
        "low": "barely shared",
        "emerging": "beginning to be shared",
        "established": "widely shared",
        UNKNOWN: NOT_KNOWN,
    },
    "culture.leadership_turnover": _LOW_MEDIUM_HIGH,
    "culture.trust": {"low": "low", "mixed": "mixed", "high": "high", UNKNOWN: NOT_KNOWN},
    "focus_on_learning.assessed": {
        True: "a system assessment has rated the practices",
        False: "no system assessment yet",
    },
    "grant.sig": {
        True: "a School Improvement Grant partnership",
        False: "not a School Improvement Grant partnership",
        UNKNOWN: NOT_KNOWN,
    },
    "level": {"district": "a district", "school": "a single school"},
    "request.made": {True: "the district asked for a service", False: "no service was requested"},
    "structures.district_leadership_team": _STRUCTURE,
    "structures.instructional_teams": _STRUCTURE,
    "structures.partnership_council": _STRUCTURE,
    "structures.school_leadership_teams": _STRUCTURE,
    "structures.team_skills": {"low": "low", "developing": "developing", "strong": "strong", UNKNOWN: NOT_ASSESSED},
}
"""The reader's phrase for each value of each enumerated or yes/no fact."""
_ENTRY_WORDS = {
    "system_assessment": "a system assessment",
    "strategic_planning": "strategic planning",
    "grant_criteria": "grant criteria",
    "district_request": "a request from the district",
}
for _point in ENTRY_POINTS:
    FACT_PHRASES[f"entry_points.{_point}"] = {
        True: f"the work began with {_ENTRY_WORDS[_point]}",
        False: f"the work did not begin with {_ENTRY_WORDS[_point]}",
    }

FACT_LABELS: dict[str, str] = {
    "achievement.history_of_low_achievement": "whether there is a history of low achievement",
    "achievement.status": "where achievement stands against the state average",
    "achievement.systemic_failure": "whether the organisation shows systemic failure",
    "achievement.trend": "which way achievement is heading",
    "anchors.administration.commitment": "whether the administration will commit",
    "anchors.board.commitment": "whether the board will commit",
    "anchors.union.commitment": "whether the union will commit",
    "anchors.interest_based_experience": "whether the anchors have experience of interest-based problem solving",
    "anchors.relationship": "what the labor-management relationship is like",
    "anchors.union.frame": "which frame of unionism the union works in",
    "anchors.union.kind": "what kind of teachers' organisation represents the teachers",
    "anchors.written_agreement": "whether the anchors have signed a written compact",
    "context.capacity": "how many services the organisation can take on at once",
    "context.strategic_plan": "whether there is a current strategic plan",
    "context.teacher_evaluation": "how teacher evaluation works today",
    "context.whole_child_needs": "how high whole-child needs are",
    "culture.distributed_leadership": "how far leadership is shared",
    "culture.leadership_turnover": "how many key leaders are expected to leave",
    "culture.trust": "the level of trust",
    "focus_on_learning.assessed": "whether a system assessment has rated the practices",
    "focus_on_learning.overall": "how far the focus-on-learning practices are in place",
    "grant.sig": "whether this is a School Improvement Grant partnership",
    "level": "whether this is a district or a single school",
    "request.deadline_months": "when the requested service is due",
    "request.made": "whether the district asked for a service",
    "request.service": "which service the district asked for",
    "state": "the state",
    "structures.district_leadership_team": "how far the district leadership team has developed",
    "structures.instructional_teams": "how far the instructional teams have developed",
    "structures.partnership_council": "how far the Partnership Council has developed",
    "structures.school_leadership_teams": "how far the school leadership teams have developed",
    "structures.team_skills": "how strong team skills are",
}
"""Each fact path as a noun phrase, for sentences about what is not yet known."""
for _point in ENTRY_POINTS:
    FACT_LABELS[f"entry_points.{_point}"] = f"whether the work began with {_ENTRY_WORDS[_point]}"
for _letter, _meaning in INDICATOR_NAMES.items():
    FACT_LABELS[f"focus_on_learning.{_letter}"] = f"the rating of indicator {_letter} ({_meaning})"
for _group, _letters in INDICATOR_MEANS.items():
    if _group != "overall":
        FACT_LABELS[f"focus_on_learning.{_group}"] = (
            f"how far the {GROUP_NAMES[_group]} practices (indicators {_letters[0]}-{_letters[-1]}) are in place"
        )

DECISION_PHRASES: dict[str, dict[Scalar, str]] = {
    "commitment": {"established": "established", "partial": "partial", "absent": "absent", "undetermined": NOT_KNOWN},
    "transformation_possible": {True: "yes", False: "not yet", "undetermined": NOT_KNOWN},
    "defer_later_work": {True: "structures and content wait until every anchor commits"},
    "commitment_milestone": {True: "the anchors' formal agreement is a milestone of the plan"},
    "diagnose_first": {True: "the system assessment comes before any content service"},
    "assessment_version": {"short": "the short version", "long": "the full-length version"},
    "culture_level": {"weak": "weak", "some": "partly collaborative", "strong": "strong", UNKNOWN: NOT_KNOWN},
    "practices_level": {
        "weak": "mostly absent or only beginning",
        "some": "partly in place",
        "strong": "in place system-wide",
        UNKNOWN: NOT_KNOWN,
    },
    "achievement_level": {"poor": "poor", "moderate": "moderate", "strong": "strong", UNKNOWN: NOT_KNOWN},
    "readiness": {
        "broken": "organisationally broken",
        "struggling": "struggling",
        "developing": "developing",
        "accomplished": "accomplished",
        "very_accomplished": "very accomplished",
    },
    "emphasis": {"culture": "culture-based", "achievement": "achievement-based", "undetermined": NOT_KNOWN},
    "plan_type": {"support": "support plan", "transformation": "transformation plan", "undetermined": NOT_KNOWN},
    "horizon": {str(n): f"{n} school year{'' if n == 1 else 's'}" for n in range(1, 5)},
    "track": {"improve": "improvement work", "sustain": "sustainability partnership"},
    "phasing": {"multi_year": "a multi-year, phased plan"},
    "need": dict(GROUP_NAMES),
    "slo_foundations": {"needed": "its foundations come first"},
    "delivery_model": {"coaching": "the capacity-building coaching model"},
    "assumed_capacity": {str(n): f"{n} service{'s' if n != 1 else ''} at a time" for n in range(1, 11)},
}
"""The reader's phrase for each value of each decision in ``rules/decisions.yaml``."""

DECISION_LABELS: dict[str, str] = {
    "commitment": "the collaborative commitment",
    "transformation_possible": "whether transformational change is possible yet",
    "defer_later_work": "whether later work waits for the anchors",
    "commitment_milestone": "whether the anchors' agreement is a milestone of the plan",
    "diagnose_first": "whether the diagnosis comes first",
    "assessment_version": "which version of the system assessment to use",
    "culture_level": "the strength of the collaborative culture",
    "practices_level": "how far the focus-on-learning practices are in place",
    "achievement_level": "the level of achievement",
    "readiness": "the readiness baseline",
    "emphasis": "the emphasis",
    "plan_type": "the plan type",
    "horizon": "how many years the plan covers",
    "track": "whether this is improvement work or a sustainability partnership",
    "phasing": "the phasing of the plan",
    "need": "the greatest areas of need",
    "slo_foundations": "whether the requested student-growth work needs its foundations first",
    "delivery_model": "how the services are delivered",
    "assumed_capacity": "how many services can run at once",
    "service": "which services the plan includes",
    "element": "which elements of the Framework for Change are served",
}
"""Each decision as a noun phrase, for sentences about what is still open."""

ELEMENT_NAMES = {
    "student-learning": "Empowering Students Through Learning",
    "pedagogy": "Implementing Emerging Pedagogy",
    "profession": "Transforming the Profession",
    "labor-management": "Fostering Labor-Management Collaboration",
}
"""The four elements of CEC's Framework for Change (the ``element`` values)."""


def _number(value: float) -> str:
    """A number rounded to two places, without trailing zeros."""
    return f"{round(value, 2):g}"


def phrase(path: str, value: Scalar, services: Mapping[str, str] | None = None) -> str:
    """The reader's words for ``value`` of the fact path or decision ``path``.

    ``services`` maps service ids to names (for ``request.service`` and the
    ``service`` decision); without it a service id is read with its dashes as spaces.
    """
    if isinstance(value, str) and value == UNKNOWN and path.startswith("focus_on_learning."):
        return NOT_RATED
    table = FACT_PHRASES.get(path) or DECISION_PHRASES.get(path)
    if table is not None:
        found = next((words for key, words in table.items() if same_value(key, value)), None)
        if found is not None:
            return found
    if isinstance(value, str) and value == UNKNOWN:
        return NOT_KNOWN
    if path in ("request.service", "service") and isinstance(value, str):
        return (services or {}).get(value, value.replace("-", " "))
    if path == "element" and isinstance(value, str) and value in ELEMENT_NAMES:
        return ELEMENT_NAMES[value]
    if not isinstance(value, bool) and isinstance(value, (int, float)):
        return _number_phrase(path, value)
    return yaml_word(value).replace("_", " ")


def _number_phrase(path: str, value: float) -> str:
    """A number in words for its fact: an indicator's rating, a mean, months, services at a time."""
    letter = path.removeprefix("focus_on_learning.")
    if letter in INDICATOR_NAMES and value in INDICATOR_RATINGS:
        return f"rated {_number(value)} of 4 ({INDICATOR_RATINGS[int(value)]})"
    if path.startswith("focus_on_learning."):
        return f"rated {_number(value)} of 4 on average"
    if path == "request.deadline_months":
        return "less than a month" if value < 1 else f"{_number(value)} month{'s' if value != 1 else ''}"
    if path == "context.capacity":
        return f"{_number(value)} service{'s' if value != 1 else ''} at a time"
    return _number(value)


def plain_word(value: Scalar | None) -> str:
    """A value in plain words without its phrase table (a diagram's box): ``None`` is "not decided", booleans
    are yes / no, and ``_`` is read as a space. :func:`phrase` is the fuller reading of a known fact or decision."""
    if value is None:
        return NOT_DECIDED
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value).replace("_", " ")


def decision_phrase(decision: str, value: Scalar | None, transformation_possible: Scalar | None) -> str:
    """A key decision as a plan's summary shows it (:func:`phrase`), never contradicting another (K2).

    With an anchor refusing, "transformational change possible" reads "not yet",
    and a transformation plan type says it waits for the anchors, so the page
    never shows "possible: no" beside a bare "transformation plan".
    """
    if value is None:
        return NOT_DECIDED
    shown = phrase(decision, value)
    if decision == "plan_type" and value == "transformation" and transformation_possible is False:
        return f"{shown}, once all three anchors commit"
    return shown


def label(path: str) -> str:
    """A fact path or decision as a noun phrase ("whether the union will commit", "the emphasis")."""
    if path in FACT_LABELS:
        return FACT_LABELS[path]
    if path in DECISION_LABELS:
        return DECISION_LABELS[path]
    return "the " + path.rsplit(".", 1)[-1].replace("_", " ")


def join_words(items: Sequence[str], conjunction: str = "and") -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {conjunction} {items[-1]}"
