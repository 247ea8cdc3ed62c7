"""Consultation: asks only what the rules need, explains itself, and rebuilds a sample case exactly."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from cec_advisor.advisor import Advisor
from cec_advisor.case import case_from_data
from cec_advisor.cli import main
from cec_advisor.interview import ASSESSED, ENTRY, REQUESTED, Interview, Question, answers_from_file
from cec_advisor.render.json import render_json
from cec_advisor.yamlsource import Locator

from .conftest import CASES, SAMPLE_CASES


def _reply(sample: dict[str, Any], question: Question) -> str:
    """What a consultant holding the sample case would type."""
    value = sample.get(question.path)
    if question.path in (ASSESSED, REQUESTED):
        return "yes" if value else "no"
    if question.path == ENTRY:
        return ",".join(value or []) or "none"
    if value is None:
        return "unknown"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _interview_from(advisor: Advisor, path: Path) -> tuple[Interview, list[str]]:
    sample = answers_from_file(path, advisor.rulebase)
    session = Interview(advisor.rulebase)
    asked = []
    while (question := session.next_question()) is not None:
        asked.append(question.path)
        assert session.answer(question, _reply(sample, question)) is None
    return session, asked


@pytest.mark.parametrize("path", SAMPLE_CASES, ids=lambda p: p.stem)
def test_interview_rebuilds_each_sample_to_the_same_plan(advisor: Advisor, path: Path) -> None:
    """Answering as the sample case says yields a valid case whose plan is byte-identical to the sample's."""
    session, asked = _interview_from(advisor, path)
    assert len(asked) == len(set(asked)), "a question was asked twice"
    case = case_from_data(session.case_data(), Locator("interview"), advisor.rulebase.catalogue.ids)
    assert render_json(advisor.plan(case)) == render_json(advisor.plan_file(path))


def test_questions_that_no_longer_matter_are_skipped(advisor: Advisor) -> None:
    """Without a system assessment no indicator is asked; without a request no request details are."""
    _, asked = _interview_from(advisor, CASES / "signed-compact-no-diagnosis.yaml")
    assert ASSESSED in asked and not any(p.startswith("focus_on_learning.") and p != ASSESSED for p in asked)
    assert REQUESTED in asked and "request.service" not in asked
    assert "anchors.union.kind" not in asked, "no rule tests the union's kind"


def test_why_names_the_rule_that_needs_the_fact(advisor: Advisor) -> None:
    """`why` cites the first live rule that tests the fact, with what it tests and its source."""
    session = Interview(advisor.rulebase, {"id": "x", "name": "X", "level": "district"})
    question = session.next_question()
    assert question is not None and question.path == "anchors.board.commitment"
    assert question.why().startswith("Rule K1-commitment-established-formal (All three anchors are formally")
    assert "anchors.board.commitment is formal" in question.why() and "002 Step 1" in question.why()


def test_bad_answers_are_explained_and_asked_again(advisor: Advisor) -> None:
    """An answer outside the scale is refused with the allowed values; numbers pick options."""
    session = Interview(advisor.rulebase, {"id": "x", "name": "X", "level": "district"})
    question = session.next_question()
    assert question is not None
    assert "expected none | exploring | informal | formal | unknown" in str(session.answer(question, "maybe"))
    assert session.answer(question, "4") is None and session.answers[question.path] == "formal"


SCRIPT = (
    "\n".join(
        [
            "tiny-district",
            "Tiny District",
            "district",
            "why",
            "formal",
            "formal",
            "sure",
            "formal",  # board (after `why`), administration, union (bad, then ok)
        ]
    )
    + "\n"
)


def test_cli_interview_saves_partial_and_resumes(tmp_path: Path) -> None:
    """Driven by scripted input: `why` explains, a bad answer is asked again, EOF saves a resumable file."""
    target = tmp_path / "tiny.yaml"
    first = CliRunner().invoke(main, ["interview", "--out", str(target)], input=SCRIPT)
    assert first.exit_code == 1
    assert "Rule K1-commitment-established-formal" in first.stderr
    assert "Not taken: 'sure' is not allowed; expected none | exploring | informal | formal | unknown" in first.stderr
    saved = target.read_text()
    assert saved.startswith("# Case file written by `cec-advisor interview`.")
    assert "INCOMPLETE" in saved and "commitment: formal" in saved
    answers = "\n".join(["unknown"] * 80) + "\n"
    second = CliRunner().invoke(main, ["interview", "--from", str(target), "--out", str(target)], input=answers)
    assert second.exit_code == 0, second.stderr
    assert "[anchors.board.commitment]" not in second.stderr, "a known answer was asked again"
    assert "INCOMPLETE" not in target.read_text()
    assert CliRunner().invoke(main, ["validate", str(target)]).exit_code == 0
    planned = CliRunner().invoke(main, ["plan", str(target), "-f", "json"])
    assert planned.exit_code == 0 and '"commitment": "established"' in planned.stdout
