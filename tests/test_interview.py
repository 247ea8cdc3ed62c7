"""Consultation: asks only what the rules need, explains itself, and rebuilds a sample case exactly."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from cec_advisor.advisor import Advisor
from cec_advisor.cli.main import main
from cec_advisor.consult.casefile import answers_from_file
from cec_advisor.consult.interview import ASSESSED, ENTRY, REQUESTED, Interview, Question
from cec_advisor.errors import CaseFileError
from cec_advisor.io.yamlsource import Locator
from cec_advisor.model.case import case_from_data
from cec_advisor.render.json import render_json

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
    assert first.exit_code == 130  # end of input: saved, reported as an interruption
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


def _partial(tmp_path: Path, text: str) -> Path:
    """A partial case file holding ``text``."""
    path = tmp_path / "partial.yaml"
    path.write_text(text)
    return path


ALL_UNKNOWN = "\n".join(["unknown"] * 80) + "\n"
LONG_NAME = "N" * 1000


def test_an_answer_the_case_model_refuses_is_asked_again_and_nothing_is_lost(tmp_path: Path) -> None:
    """A 1000-character name is refused at its prompt with the model's reason; the interview goes on and finishes."""
    target = tmp_path / "new.yaml"
    script = f"tiny\n{LONG_NAME}\nTiny\ndistrict\n" + ALL_UNKNOWN
    result = CliRunner().invoke(main, ["interview", "--out", str(target)], input=script)
    assert result.exit_code == 0, result.stderr
    assert "Not taken: String should have at most 300 characters." in result.stderr
    saved = target.read_text()
    assert "name: Tiny\n" in saved and "INCOMPLETE" not in saved
    assert CliRunner().invoke(main, ["validate", str(target)]).exit_code == 0


def test_a_partial_file_with_bad_values_is_reported_field_by_field_before_any_question(tmp_path: Path) -> None:
    """Every bad value of a --from file is one located error line; exit 2 and nothing is asked."""
    path = _partial(
        tmp_path,
        f"format: cec-case/1\nid: tiny\nname: {LONG_NAME}\n"
        "anchors:\n  board:\n    commitment: maybe\ncontext:\n  capacity: 99\n",
    )
    result = CliRunner().invoke(main, ["interview", "--from", str(path)], input=ALL_UNKNOWN)
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"Error: {path}:3: name: String should have at most 300 characters",
        f"Error: {path}:6: anchors.board.commitment: 'maybe' is not allowed; "
        "expected none | exploring | informal | formal | unknown",
        f"Error: {path}:8: context.capacity: 99 is not allowed; expected a whole number from 1 to 10 | unknown",
    ]


@pytest.mark.parametrize(
    ("line", "field"),
    [
        ("entry_points: 5", "entry_points"),
        ("entry_points: null", "entry_points"),
        ("entry_points: {a: 1}", "entry_points"),
        ("entry_points: [nowhere]", "entry_points[0]"),
        ("anchors: 5", "anchors"),
        ("anchors: null", "anchors"),
        ("anchors: [1, 2]", "anchors"),
        ("anchors: {board: [1]}", "anchors.board"),
        ("anchors: {board: {commitment: {a: 1}}}", "anchors.board.commitment"),
        ("focus_on_learning: {A: x}", "focus_on_learning.A"),
        ("focus_on_learning: {A: null}", "focus_on_learning.A"),
        ("focus_on_learning: [1, 2]", "focus_on_learning"),
        ("focus_on_learning: 5", "focus_on_learning"),
        ("request: 5", "request"),
        ("request: [a]", "request"),
        ("request: {service: 5}", "request.service"),
        ("request: {service: no-such-service}", "request.service"),
        ("request: {servise: mou}", "request.servise"),
        ("state: null", "state"),
        ("state: {a: 1}", "state"),
        ("name: [a]", "name"),
        ("level: [district]", "level"),
        ("bogus: 1", "bogus"),
        ("culture: {trust: [high]}", "culture.trust"),
    ],
)
def test_a_badly_shaped_partial_file_is_a_located_user_error(tmp_path: Path, line: str, field: str) -> None:
    """Lists, mappings, numbers or nulls where the format wants otherwise: one `file:line: field:` line, exit 2."""
    path = _partial(tmp_path, f"format: cec-case/1\nid: tiny\n{line}\n")
    result = CliRunner().invoke(main, ["interview", "--from", str(path)], input="Tiny\ndistrict\n" + ALL_UNKNOWN)
    assert result.exit_code == 2, result.stderr
    assert len(result.stderr.splitlines()) == 1
    assert result.stderr.startswith(f"Error: {path}:3: {field}: ")


@pytest.mark.parametrize("document", ["- 1\n- 2\n", "5\n"])
def test_a_partial_file_that_is_not_a_mapping_is_a_user_error(tmp_path: Path, document: str) -> None:
    """A list or a single value instead of a case is one located error line, exit 2."""
    path = _partial(tmp_path, document)
    result = CliRunner().invoke(main, ["interview", "--from", str(path)], input=ALL_UNKNOWN)
    assert result.exit_code == 2
    assert len(result.stderr.splitlines()) == 1
    assert result.stderr.startswith(f"Error: {path}:1: a case file must be a mapping of keys")


def test_null_assessment_and_request_mean_none_and_are_not_asked_again(tmp_path: Path) -> None:
    """`focus_on_learning: null` and `request: null` in a --from file are answers (there is none), not crashes."""
    path = _partial(
        tmp_path, "format: cec-case/1\nid: tiny\nname: Tiny\nlevel: district\nfocus_on_learning: null\nrequest: null\n"
    )
    target = tmp_path / "done.yaml"
    result = CliRunner().invoke(main, ["interview", "--from", str(path), "--out", str(target)], input=ALL_UNKNOWN)
    assert result.exit_code == 0, result.stderr
    assert f"[{ASSESSED}]" not in result.stderr and f"[{REQUESTED}]" not in result.stderr
    assert CliRunner().invoke(main, ["validate", str(target)]).exit_code == 0


def test_a_no_to_the_assessment_survives_a_resume(advisor: Advisor) -> None:
    """Answering no to the assessment question is saved, so a resumed interview does not ask it again."""
    session = Interview(advisor.rulebase, {"id": "tiny", "name": "Tiny", "level": "district", ASSESSED: False})
    assert session.case_data()["focus_on_learning"] is None


def test_a_request_must_name_a_catalogue_service(tmp_path: Path) -> None:
    """A resumed request without a service asks for it first, and `unknown` is refused there, not at the end."""
    path = _partial(tmp_path, "format: cec-case/1\nid: tiny\nname: Tiny\nlevel: district\nrequest: {}\n")
    target = tmp_path / "out.yaml"
    result = CliRunner().invoke(
        main, ["interview", "--from", str(path), "--out", str(target)], input="unknown\nwhy\nquit\n"
    )
    assert result.exit_code == 0  # quit on purpose: not a failure
    first_question = result.stderr.split("[", 1)[1].split("]", 1)[0]
    assert first_question == "request.service"
    assert "Not taken: 'unknown' is not a service in the catalogue." in result.stderr
    assert "A case with a request must name the service asked for." in result.stderr


def test_when_the_finished_case_is_refused_the_answers_are_saved(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Should the final check refuse the case, the answers are saved as a resumable file and one error line is given."""
    import cec_advisor.consult.interview

    def refuse(*_: object) -> None:
        raise CaseFileError("interview", None, "name", "refused")

    monkeypatch.setattr(cec_advisor.consult.interview, "case_from_data", refuse)
    target = tmp_path / "new.yaml"
    script = "tiny\nTiny\ndistrict\n" + ALL_UNKNOWN
    result = CliRunner().invoke(main, ["interview", "--out", str(target)], input=script)
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == "Error: interview: name: refused"
    saved = target.read_text()
    assert "INCOMPLETE" in saved and "name: Tiny" in saved
    resumed = CliRunner().invoke(main, ["interview", "--from", str(target)], input="")
    assert "[name]" not in resumed.stderr
    printed = CliRunner().invoke(main, ["interview"], input=script)
    assert printed.exit_code == 2 and "INCOMPLETE" in printed.stdout and "name: Tiny" in printed.stdout


def test_quitting_without_out_prints_the_answers(tmp_path: Path) -> None:
    """Without --out, `quit` prints the answers so far as a resumable partial case file on stdout."""
    result = CliRunner().invoke(main, ["interview"], input="tiny\nTiny\ndistrict\nformal\nquit\n")
    assert result.exit_code == 0  # quit on purpose: not a failure
    assert "INCOMPLETE" in result.stdout and "commitment: formal" in result.stdout
    path = _partial(tmp_path, result.stdout)
    resumed = CliRunner().invoke(main, ["interview", "--from", str(path)], input="")
    assert "[anchors.board.commitment]" not in resumed.stderr and "[id]" not in resumed.stderr


def test_resuming_keeps_the_files_own_comments(tmp_path: Path) -> None:
    """A person's comments in a --from file survive the resume and the save, above the block they were in."""
    path = _partial(
        tmp_path,
        "# Visit notes: Tiny, March 2026\n"
        "format: cec-case/1\nid: tiny\nname: Tiny\nlevel: district\n"
        "# board chair says yes informally\n"
        "anchors:\n  board:\n    # re-check after the election\n    commitment: informal\n"
        "# end of notes\n",
    )
    result = CliRunner().invoke(main, ["interview", "--from", str(path), "--out", str(path)], input="formal\nquit\n")
    assert result.exit_code == 0, result.output
    saved = path.read_text(encoding="utf-8")
    for comment in (
        "# Visit notes: Tiny, March 2026",
        "# board chair says yes informally",
        "# re-check after the election",
        "# end of notes",
    ):
        assert saved.count(comment) == 1, (comment, saved)
    assert saved.index("# board chair says yes informally") < saved.index("anchors:")
    assert saved.count("# Case file written by `cec-advisor interview`.") == 1
    again = CliRunner().invoke(main, ["interview", "--from", str(path), "--out", str(path)], input="quit\n")
    assert again.exit_code == 0 and path.read_text(encoding="utf-8") == saved  # stable: nothing doubles


def test_quitting_at_once_saves_nothing_and_says_so(tmp_path: Path) -> None:
    """`quit` before any answer exits 0, writes no file and says nothing was saved."""
    target = tmp_path / "new.yaml"
    result = CliRunner().invoke(main, ["interview", "--out", str(target)], input="quit\n")
    assert result.exit_code == 0
    assert result.stderr.splitlines()[-1] == "Interview stopped; nothing answered, nothing saved."
    assert not target.exists()


def test_quitting_with_out_names_the_file_to_resume_from(tmp_path: Path) -> None:
    """`quit` after an answer saves it to --out and gives the command that resumes from that file."""
    target = tmp_path / "new.yaml"
    result = CliRunner().invoke(main, ["interview", "--out", str(target)], input="tiny\nquit\n")
    assert result.exit_code == 0
    assert result.stderr.splitlines()[-1] == (
        f"Interview stopped; answers saved to {target}. Resume with: cec-advisor interview --from {target}"
    )
    assert "id: tiny" in target.read_text()
