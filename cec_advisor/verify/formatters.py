"""The testers' results as text: coverage (text and HTML), lint findings, gaps, rule-case runs and crosscheck.

The results are data from :mod:`~cec_advisor.verify.coverage`, :mod:`~cec_advisor.verify.crosscheck`,
:mod:`~cec_advisor.verify.lint`, :mod:`~cec_advisor.verify.gaps` and
:mod:`~cec_advisor.verify.testrun` (each with ``as_dict()`` for JSON); this
module only words them. Functions that the CLI prints line by line return
:data:`Line` pairs, whose role (ok, fail, warn) the CLI may show in colour.
"""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # types only: formatting a rule-case run must not load gaps' Hypothesis or the engines
    from cec_advisor.verify.coverage import CoverageReport
    from cec_advisor.verify.crosscheck import CrosscheckReport
    from cec_advisor.verify.gaps import GapReport
    from cec_advisor.verify.generated import Tidied
    from cec_advisor.verify.lint import Finding
    from cec_advisor.verify.rulecases import RuleCaseResult
    from cec_advisor.verify.testrun import RuleCaseRun

__all__ = [
    "MATRIX",
    "Line",
    "coverage_html",
    "coverage_text",
    "crosscheck_lines",
    "gaps_lines",
    "gaps_tidied",
    "generate_lines",
    "lint_lines",
    "rule_case_lines",
    "rule_cases_summary",
]

Line = tuple[str, str | None]
"""One line of output and its role (``ok``, ``fail``, ``warn``) or ``None``."""

MATRIX = ("emphasis", "plan_type")
"""The outcome decisions the text report crosses in a matrix: rows, then columns."""


def _words(decision: str) -> str:
    return decision.replace("_", " ")


def coverage_text(report: CoverageReport, *, show_conditions: bool = False) -> str:
    """A readable coverage report with the outcome matrix."""
    decisions = report.outcome_decisions
    lines = [
        f"Cases: {len(report.cases)} planned, {len(report.errors)} could not be planned",
        f"Rule coverage: {report.rule_percent:.1f}% ({len(report.fired) - len(report.never_fired)} of "
        f"{len(report.fired)} rules fired)",
        f"Condition coverage: {report.condition_percent:.1f}% of condition outcomes (true and false) seen",
        f"Outcome coverage: {len(report.outcomes)} of {len(report.possible_outcomes)} combinations of "
        f"{' x '.join(decisions)} reached",
        f"Services: {len(report.all_services) - len(report.never_recommended)} of {len(report.all_services)} "
        "recommended at least once",
    ]
    if report.never_fired:
        lines += ["", "Rules never fired:", *(f"  {r}" for r in report.never_fired)]
    if report.never_recommended:
        lines += ["", "Services never recommended:", *(f"  {s}" for s in report.never_recommended)]
    half = [c for c in report.conditions if not (c.true and c.false)]
    lines += ["", f"Conditions not seen both true and false: {len(half)}"]
    if show_conditions:
        lines += [f"  {c.rule} #{c.index}: {c.text} (true {c.true}, false {c.false})" for c in half]
    if all(decision in decisions for decision in MATRIX):
        lines += _matrix(report)
    lines += ["", f"Reached combinations ({', '.join(_words(d) for d in decisions)}: cases):"]
    lines += [f"  {', '.join(o)}: {n}" for o, n in sorted(report.outcomes.items())]
    if report.errors:
        lines += ["", "Could not be planned:", *(f"  {e}" for _, e in report.errors)]
    return "\n".join(lines) + "\n"


def _matrix(report: CoverageReport) -> list[str]:
    """Cases per value pair of the :data:`MATRIX` decisions, every value of each in its declared order."""
    row, column = (report.outcome_decisions.index(decision) for decision in MATRIX)
    rows = list(dict.fromkeys(o[row] for o in report.possible_outcomes))
    columns = list(dict.fromkeys(o[column] for o in report.possible_outcomes))
    lines = ["", f"Outcome matrix (cases per {' x '.join(_words(d) for d in MATRIX)}):"]
    lines.append(f"  {'':14}" + "".join(f"{value:>16}" for value in columns))
    for value in rows:
        counts = [sum(n for o, n in report.outcomes.items() if o[row] == value and o[column] == c) for c in columns]
        lines.append(f"  {value:14}" + "".join(f"{count:>16}" for count in counts))
    return lines


def coverage_html(report: CoverageReport) -> str:
    """The coverage report as a self-contained HTML page."""
    rows = "".join(
        f"<tr><td>{escape(rule)}</td><td>{len(cases)}</td><td>{escape(', '.join(cases[:8]))}"
        f"{' …' if len(cases) > 8 else ''}</td></tr>"
        for rule, cases in report.fired.items()
    )
    gap = ' class="gap"'
    conditions = "".join(
        f"<tr{gap if not (c.true and c.false) else ''}><td>{escape(c.rule)}</td>"
        f"<td>{escape(c.text)}</td><td>{c.true}</td><td>{c.false}</td></tr>"
        for c in report.conditions
    )
    never = "".join(f"<li>{escape(', '.join(o))}</li>" for o in report.never_reached)
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Rule coverage</title><style>'
        "body{font-family:system-ui,sans-serif;margin:2rem}td,th{border:1px solid #ccc;padding:.2rem .5rem}"
        "table{border-collapse:collapse}.gap{background:#fff4e0}</style></head><body>"
        f"<h1>Rule coverage</h1><p>{len(report.cases)} cases; rules {report.rule_percent:.1f}%; "
        f"conditions {report.condition_percent:.1f}%; outcomes {len(report.outcomes)} of "
        f"{len(report.possible_outcomes)}.</p>"
        f"<h2>Rules</h2><table><tr><th>Rule</th><th>Fired</th><th>Cases</th></tr>{rows}</table>"
        f"<h2>Conditions</h2><table><tr><th>Rule</th><th>Condition</th><th>True</th><th>False</th></tr>"
        f"{conditions}</table><h2>Outcomes never reached</h2><ul>{never}</ul></body></html>\n"
    )


def lint_lines(findings: list[Finding]) -> list[Line]:
    """Each finding on its line (a warning), then the count, or ``No findings.``."""
    lines: list[Line] = [(str(finding), "warn") for finding in findings]
    lines.append((f"{len(findings)} finding(s)", "fail") if findings else ("No findings.", "ok"))
    return lines


def gaps_lines(report: GapReport) -> list[str]:
    """How many cases ran, each gap with its witness file, and the count."""
    lines = [f"{report.enumerated} enumerated and {report.sampled} sampled cases run through the engine"]
    lines += [f"  {gap.problem} (witness: {gap.file})" for gap in report.gaps]
    lines.append(f"{len(report.gaps)} gap(s) or conflict(s) found")
    return lines


def gaps_tidied(report: GapReport, out_dir: Path) -> str | None:
    """The note that witness files of an earlier run were removed (``None`` when none were)."""
    if report.tidied and report.tidied.removed:
        return f"{len(report.tidied.removed)} witness file(s) of an earlier run removed from {out_dir}"
    return None


def rule_case_lines(result: RuleCaseResult, *, quiet: bool = False) -> list[Line]:
    """``pass`` or ``FAIL`` and the case's id, then each problem indented (nothing for a pass when ``quiet``)."""
    if quiet and result.passed:
        return []
    head = (f"pass {result.case.test_id}", "ok") if result.passed else (f"FAIL {result.case.test_id}", "fail")
    return [head, *((f"     {problem}", None) for problem in result.problems)]


def rule_cases_summary(run: RuleCaseRun) -> Line:
    """``N passed, M failed``, a failure when any failed."""
    return f"{run.passed} passed, {run.failed} failed", "fail" if run.failed else "ok"


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def crosscheck_lines(report: CrosscheckReport) -> list[Line]:
    """Each case file that could not be read, each disagreement (case, witness, both engines' answers), the count."""
    lines: list[Line] = [(f"{source}: {message}", "fail") for source, message in report.errors]
    for d in report.disagreements:
        lines += [(f"{d.case} ({d.witness}): {d.aspect}", "fail"), (f"    durable: {d.durable}", None)]
        lines.append((f"    CLIPS:   {d.clips}", None))
    checked = _count(report.checked, "case")
    if report.disagreements:
        count = _count(len(report.disagreements), "disagreement")
        lines.append((f"{checked} checked: the engines disagree on {report.disagreeing_cases} ({count})", "fail"))
    else:
        lines.append((f"{checked} checked: durable-rules and CLIPS agree on every one", "ok"))
    return lines


def generate_lines(count: int, out_dir: Path, tidied: Tidied) -> list[tuple[str, bool]]:
    """What ``generate`` says when done, each line with whether it goes to standard error."""
    lines = [(f"{count} case files written to {out_dir}", False)]
    if tidied.removed:
        lines.append((f"{len(tidied.removed)} case file(s) of an earlier generate removed from {out_dir}", True))
    if tidied.others:
        others = len(tidied.others)
        lines.append((f"{others} other .yaml file(s) in {out_dir} were not written by generate and were kept", True))
    return lines
