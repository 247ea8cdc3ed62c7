"""The consultants' commands in words: every line ``batch``, ``validate``, ``services`` and ``interview`` print.

The results come as data from :mod:`~cec_advisor.consult.batch`,
:mod:`~cec_advisor.consult.validate`, the catalogue and the interview; this
module only words them. A report is a list of :class:`Line`: its text, the
stream it goes to and its colour role, which the command prints in order.
Text from files (names, errors) is made printable here, so data never drives
the terminal.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from cec_advisor.errors import CecError
from cec_advisor.io.safetext import printable
from cec_advisor.render.catalogue import describe_service, list_services

if TYPE_CHECKING:  # the results' types only: wording a result loads neither the batch nor the interview
    from cec_advisor.consult.batch import BatchReport
    from cec_advisor.consult.interview import Question
    from cec_advisor.consult.validate import ValidationReport
    from cec_advisor.rulebase.model import RuleBase

INTERVIEW_START = (
    "Answer each question: 'unknown' if you do not know, 'why' for the rule that needs it, 'quit' to stop."
)
"""What the interview says before its first question."""

__all__ = [
    "INTERVIEW_START",
    "Line",
    "answer_refused",
    "batch_interrupted",
    "batch_lines",
    "error_lines",
    "interview_done",
    "interview_saved",
    "question_prompt",
    "question_why",
    "services_text",
    "validation_lines",
]


@dataclass(frozen=True)
class Line:
    """One line a command prints: its text, whether it goes to standard error, and its colour role (if any)."""

    text: str
    err: bool = False
    role: str | None = None


def error_lines(errors: Iterable[CecError | str]) -> list[Line]:
    """One ``Error:`` line each on standard error, kept to one line whatever the error holds."""
    return [Line(printable(f"Error: {error}", one_line=True), err=True) for error in errors]


def batch_lines(report: BatchReport, out_dir: Path, summary_format: str, *, quiet: bool) -> list[Line]:
    """The batch's closing line (unless ``quiet``), then the cases not planned and the batch's files not written."""
    lines: list[Line] = []
    if not quiet:
        reused = f" ({report.reused} unchanged since the last run)" if report.reused else ""
        lines.append(
            Line(
                f"{report.planned} planned{reused}, {len(report.failed)} failed; "
                f"plans and summary.{summary_format} in {out_dir}"
            )
        )
    if report.failed:
        lines.append(Line(f"{len(report.failed)} case file(s) could not be planned:", err=True, role="fail"))
        lines += [Line(f"  {error}", err=True) for _, error in report.failed]
    lines += [Line(line.text, err=True, role="fail") for line in error_lines(report.output_errors)]
    return lines


def batch_interrupted(out_dir: Path) -> str:
    """What an interrupted batch leaves behind and how to go on."""
    return (
        f"plan files already in {out_dir} are complete; the summary was not updated; "
        "run the same command with --resume to go on"
    )


def validation_lines(report: ValidationReport, *, quiet: bool) -> list[Line]:
    """Each problem on standard error, each valid file as ``FILE: ok`` (unless ``quiet``), then the count invalid."""
    lines: list[Line] = []
    for checked in report.files:
        lines += [Line(printable(str(problem), one_line=True), err=True, role="fail") for problem in checked.problems]
        if checked.ok and not quiet:
            lines.append(Line(printable(f"{checked.path}: ok", one_line=True), role="ok"))
    if report.invalid:
        lines.append(Line(f"{report.invalid} of {len(report.files)} file(s) invalid", err=True, role="fail"))
    return lines


def services_text(rulebase: RuleBase, service_id: str | None) -> str:
    """The catalogue as a list, or one service with the rules that can recommend it."""
    return list_services(rulebase) if service_id is None else describe_service(rulebase, service_id)


def question_prompt(question: Question) -> str:
    """The question as the interview asks it: its wording, then the fact it fills and the answers allowed."""
    return f"\n{question.text}\n  [{question.path}] {question.options}"


def answer_refused(problem: str) -> str:
    """What the interview says when the case format refuses an answer (the question is then asked again)."""
    return f"  Not taken: {problem}."


def question_why(question: Question) -> str:
    """The interview's answer to ``why``: the rule that needs the fact and what it tests."""
    return f"  {question.why()}"


def interview_saved(why: str, out: Path | None, *, anything: bool) -> str:
    """What the interview says when it stops early: whether and where the answers so far were saved."""
    if not anything:
        return f"{why}; nothing answered, nothing saved."
    if out is None:
        return f"{why}; the answers so far are printed above: save them and resume with --from."
    return f"{why}; answers saved to {out}. Resume with: cec-advisor interview --from {out}"


def interview_done(asked: int, out: Path) -> str:
    """What the interview says when the finished case file is written."""
    return f"{asked} question(s) answered; case file written to {out}"
