"""Consultation: build a case file by asking only what the rules need next.

The interview walks the rules in Pathway order. A rule is *live* while no
answer so far makes one of its fact tests fail (tests of concluded decisions
are treated as possibly true, so nothing needed is ever skipped). The next
question is the first unanswered fact that a live rule tests; a fact that no
live rule tests any more is never asked, because no answer to it could change
a plan. ``why`` names the rule that needs the fact and what it tests.
Answers already in a ``--from`` file are not asked again.

Every answer is judged by the case model itself (:class:`~cec_advisor.model.case.Case`
and the catalogue check of :func:`~cec_advisor.model.case.case_from_data`), at its
prompt: the partial case with the answer added must have no problem other than
keys not answered yet. A refused answer says why and is asked again, so the
finished case always validates. A ``--from`` file is judged the same way, and
every problem in it is reported before anything is asked. Reading answers from
a case file and writing them back as one is :mod:`~cec_advisor.consult.casefile`'s job.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from cec_advisor.errors import CaseFileError
from cec_advisor.io.validation import data_path, located_all
from cec_advisor.io.yamlsource import Locator, dotted
from cec_advisor.model.case import (
    CASE_FORMAT,
    ENTRY_POINTS,
    INDICATOR_MEANS,
    INDICATORS,
    Case,
    case_from_data,
    fact_sources,
    set_path,
    unknown_service,
)
from cec_advisor.model.facts import FACT_SCALES
from cec_advisor.model.scales import UNKNOWN
from cec_advisor.model.wording import INDICATOR_NAMES
from cec_advisor.rulebase.model import FactTest, Rule, RuleBase
from cec_advisor.rulebase.semantics import fact_tests, holds

IDENTITY = ("id", "name", "level")
ASSESSED = "focus_on_learning.assessed"
REQUESTED = "request.made"
SERVICE = "request.service"
ENTRY = "entry_points"

__all__ = [
    "ASSESSED",
    "ENTRY",
    "IDENTITY",
    "QUESTIONS",
    "REQUESTED",
    "SERVICE",
    "Interview",
    "Question",
    "case_data",
    "options_for",
    "parse_answer",
    "partial_problems",
]

QUESTIONS: dict[str, str] = {
    "id": "Case id (lowercase letters, digits and '-', e.g. riverside-42)",
    "name": "Name of the district or school",
    "level": "Is this a district or a single school?",
    "state": "Two-letter state code (e.g. IL)",
    ENTRY: "Which diagnostic entry points brought the case? (comma-separated, or none)",
    "anchors.board.commitment": "How committed is the board of education to working with the other two anchors?",
    "anchors.administration.commitment": "How committed is the administration (superintendent)?",
    "anchors.union.commitment": "How committed is the teachers union or representative group?",
    "anchors.union.frame": "Which frame of unionism does the union work in?",
    "anchors.written_agreement": "Is there a written constitution or compact memorialising collaboration?",
    "anchors.relationship": "How would you describe the labor-management relationship?",
    "anchors.interest_based_experience": "Are the anchors trained in interest-based bargaining or problem solving?",
    "structures.district_leadership_team": "What state is the district leadership team (DLT) in?",
    "structures.school_leadership_teams": "What state are the school leadership teams (SLTs) in?",
    "structures.instructional_teams": "What state are the instructional teams / PLCs in?",
    "structures.partnership_council": "What state is the Partnership Council for Continuous Improvement in?",
    "structures.team_skills": "How strong are team skills (norms, decision making, roles, evidence of progress)?",
    "culture.trust": "What is the level of trust across the organisation?",
    "culture.distributed_leadership": "How far is leadership distributed beyond the top?",
    "culture.leadership_turnover": "How many key leaders are expected to leave soon?",
    "achievement.status": "Where is student achievement against the state average?",
    "achievement.trend": "What is the achievement trend?",
    "achievement.history_of_low_achievement": "Is there a history of low achievement (grant criteria)?",
    "achievement.systemic_failure": "Is there systemic organisational failure (grant criteria)?",
    ASSESSED: "Has a system assessment rated the Appendix C focus-on-learning indicators?",
    REQUESTED: "Did the district ask for a specific service?",
    SERVICE: "Which service did the district ask for? (a catalogue id; see `cec-advisor services`)",
    "request.deadline_months": "How many months until the mandated deadline, if any?",
    "grant.sig": "Is this a School Improvement Grant (SIG) partnership?",
    "context.strategic_plan": "Is there a strategic plan?",
    "context.whole_child_needs": "How high are whole-child needs (adverse childhood experiences)?",
    "context.capacity": "How many services can the organisation absorb at once (1-10)?",
    "context.teacher_evaluation": "How does teacher evaluation work today?",
}
for _letter, _meaning in INDICATOR_NAMES.items():
    QUESTIONS[f"focus_on_learning.{_letter}"] = f"Indicator {_letter}, {_meaning}: rating 1-4?"


@dataclass(frozen=True)
class Question:
    """One question: the fact it fills, its wording, the allowed answers and the rule that needs it."""

    path: str
    text: str
    options: str
    rule: Rule | None

    def why(self) -> str:
        """Explain which rule needs this fact and what it tests."""
        if self.rule is None and self.path == SERVICE:
            return "A case with a request must name the service asked for."
        if self.rule is None:
            return "Every case file needs an id, a name and a level."
        tests = "; ".join(t.describe() for t in fact_tests(self.rule) if self.path in fact_sources(t.path))
        return f"Rule {self.rule.id} ({self.rule.title}) needs this: it tests {tests}. Source: {self.rule.source}."


class Interview:
    """The state of one consultation: the answers so far and what to ask next."""

    def __init__(
        self, rulebase: RuleBase, answers: dict[str, Any] | None = None, comments: dict[str, list[str]] | None = None
    ) -> None:
        self.rulebase = rulebase
        self.answers: dict[str, Any] = dict(answers or {})
        self.comments: dict[str, list[str]] = dict(comments or {})
        """A resumed file's own comments, by block (see :func:`user_comments`): written back with the answers."""

    def next_question(self) -> Question | None:
        """The next question to ask, or ``None`` when nothing more can change the plan."""
        for path in IDENTITY:
            if path not in self.answers:
                return self._question(path, None)
        if self.answers.get(REQUESTED) is True and SERVICE not in self.answers:
            return self._question(SERVICE, None)  # the case format requires it once a request is made
        for rule in self.rulebase.rules:
            if not self._live(rule):
                continue
            for test in fact_tests(rule):
                for source in fact_sources(test.path):
                    if source not in self.answers and self._askable(source):
                        return self._question(source, rule)
        return None

    def answer(self, question: Question, text: str) -> str | None:
        """Record an answer to ``question``; return a message saying what was wrong, or ``None`` if taken.

        The answer is taken only if the case so far, with it added, has no
        problem for the case model other than keys not answered yet.
        """
        try:
            value = parse_answer(question.path, text)
        except ValueError as exc:
            return str(exc)
        answers = {**self.answers, question.path: value}
        problems = partial_problems(case_data(answers), Locator("interview"), self.rulebase.catalogue.ids)
        if problems:
            first = problems[0]
            return first.problem if first.field in (None, question.path) else f"{first.field}: {first.problem}"
        self.answers = answers
        if question.path == ASSESSED and value is False:
            self.answers.update({f"focus_on_learning.{x}": UNKNOWN for x in INDICATORS})
        if question.path == REQUESTED and value is False:
            self.answers.update({SERVICE: UNKNOWN, "request.deadline_months": UNKNOWN})
        return None

    def case_data(self) -> dict[str, Any]:
        """The answers as case-file data (what :func:`~cec_advisor.consult.casefile.case_yaml` writes)."""
        return case_data(self.answers)

    def case(self) -> Case:
        """The answers as a validated case; raises :class:`CaseFileError` (file ``interview``) if they are not one."""
        return case_from_data(self.case_data(), Locator("interview"), self.rulebase.catalogue.ids)

    def _question(self, path: str, rule: Rule | None) -> Question:
        return Question(path, QUESTIONS[path], options_for(path), rule)

    def _askable(self, path: str) -> bool:
        if path.startswith("focus_on_learning.") and path != ASSESSED:
            return self.answers.get(ASSESSED) is True
        if path.startswith("request.") and path != REQUESTED:
            return self.answers.get(REQUESTED) is True
        return True

    def _live(self, rule: Rule) -> bool:
        if any(self._fails(test) for test in rule.when.facts):
            return False
        for group in rule.when.any_groups:
            if all(any(self._fails(test) for test in option) for option in group):
                return False
        return True

    def _fails(self, test: FactTest) -> bool:
        known, value = self._value(test.path)
        return known and not holds(test, value)

    def _value(self, path: str) -> tuple[bool, Any]:
        """(known, value) of a fact path, derived from the answers where needed."""
        if path.startswith("entry_points."):
            if ENTRY not in self.answers:
                return False, None
            return True, path.removeprefix("entry_points.") in self.answers[ENTRY]
        group = path.removeprefix("focus_on_learning.")
        if group in INDICATOR_MEANS:
            if self.answers.get(ASSESSED) is False:
                return True, UNKNOWN
            ratings = [self.answers.get(f"focus_on_learning.{x}") for x in INDICATOR_MEANS[group]]
            if ASSESSED not in self.answers or any(r is None for r in ratings):
                return False, None
            known = [int(r) for r in ratings if r is not None and r != UNKNOWN]
            return True, round(sum(known) / len(known), 2) if known else UNKNOWN
        if path in self.answers:
            return True, self.answers[path]
        if (path.startswith("focus_on_learning.") and self.answers.get(ASSESSED) is False) or (
            path.startswith("request.") and self.answers.get(REQUESTED) is False
        ):
            return True, UNKNOWN
        return False, None


def case_data(answers: dict[str, Any]) -> dict[str, Any]:
    """Answers (dotted paths) as case-file data; an assessment or request answered "no" is written as null."""
    data: dict[str, Any] = {"format": CASE_FORMAT}
    for path, value in answers.items():
        if path in (ASSESSED, REQUESTED):
            block = path.split(".")[0]
            if value is True:
                data.setdefault(block, {})
            else:
                data[block] = None  # answered: there is none (so a resumed interview does not ask again)
            continue
        if path.startswith("request.") and answers.get(REQUESTED) is not True:
            continue
        if path.startswith("focus_on_learning.") and answers.get(ASSESSED) is not True:
            continue
        set_path(data, path, value)
    return data


def partial_problems(data: Any, locator: Locator, service_ids: Iterable[str] = ()) -> list[CaseFileError]:
    """Every problem of (possibly partial) case data, in line order; keys not answered yet are not problems.

    The judge is the one :func:`~cec_advisor.model.case.case_from_data` uses: the
    :class:`~cec_advisor.model.case.Case` model, then the catalogue for
    ``request.service``. Only "required key is missing" is forgiven.
    """
    if not isinstance(data, dict):
        try:
            case_from_data(data, locator, service_ids)
        except CaseFileError as exc:
            return [exc]
        return []
    problems: list[CaseFileError] = []
    try:
        Case.model_validate(data)
    except ValidationError as exc:
        missing = {dotted(data_path(item["loc"], data)) for item in exc.errors() if item["type"] == "missing"}
        problems = [
            problem
            for problem in located_all(exc, locator, Case, CaseFileError, data)
            if isinstance(problem, CaseFileError) and problem.field not in missing
        ]
    request = data.get("request")
    service = request.get("service") if isinstance(request, dict) else None
    if isinstance(service, str) and not any(p.field == SERVICE for p in problems):
        unknown = unknown_service(service, locator, service_ids)
        if unknown is not None:
            problems.append(unknown)
    return sorted(problems, key=lambda p: (p.line or 0, p.field or ""))


def options_for(path: str) -> str:
    """The allowed answers to a question, in words."""
    if path == "id":
        return "lowercase letters, digits and '-'"
    if path == "name":
        return "any text"
    if path == "level":
        return "district | school"
    if path == ENTRY:
        return f"{' | '.join(ENTRY_POINTS)} (comma-separated) | none"
    if path in (ASSESSED, REQUESTED):
        return "yes | no (unknown counts as no)"
    scale = FACT_SCALES[path]
    meaning = f" - {scale.meaning}" if scale.meaning else ""
    return scale.describe().replace("true | false", "yes | no") + meaning


def parse_answer(path: str, text: str) -> Any:
    """Turn a typed answer into the case value it means, or raise ``ValueError`` for an unreadable yes/no.

    Only the reading is done here: ``yes`` is true, a number is a number, ``3``
    picks the third option of a list, ``unknown`` (or ``?``) is unknown. Whether
    the value is allowed is for the case model to say (see :meth:`Interview.answer`).
    """
    answer = text.strip()
    if path in IDENTITY:
        return answer
    if path == ENTRY:
        if answer.lower() in ("", "none", "unknown", "?"):
            return []
        return list(dict.fromkeys(p.strip() for p in answer.split(",") if p.strip()))
    if path in (ASSESSED, REQUESTED):
        if answer.lower() in ("unknown", "?"):
            return False  # an assessment or a request nobody knows of counts as none
        return _yes_no(answer, allow_unknown=False)
    if answer.lower() in ("unknown", "?", "dont know", "don't know"):
        return UNKNOWN
    scale = FACT_SCALES[path]
    if scale.kind == "bool":
        return _yes_no(answer, allow_unknown=True)
    if scale.kind == "int" and re.fullmatch(r"-?\d+", answer):
        return int(answer)
    if scale.kind == "enum" and answer.isdigit() and 1 <= int(answer) <= len(scale.values):
        return scale.values[int(answer) - 1]
    return answer


def _yes_no(answer: str, *, allow_unknown: bool) -> bool:
    lowered = answer.lower()
    if lowered in ("y", "yes", "true"):
        return True
    if lowered in ("n", "no", "false"):
        return False
    raise ValueError("answer yes or no" + (" (or unknown)" if allow_unknown else ""))
