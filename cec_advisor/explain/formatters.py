"""The trainers' explanations as text: explain (the walk), why, why-not and what-if, as the CLI prints them.

The data comes from :mod:`~cec_advisor.explain.how`, :mod:`~cec_advisor.explain.why`,
:mod:`~cec_advisor.explain.why_not` and :mod:`~cec_advisor.explain.what_if`; this module only words it.
Each line is meant to be read aloud: rule ids and fact paths stay as the
rule files write them, so a trainer can look them up.
"""

from __future__ import annotations

from collections.abc import Iterator

from cec_advisor.explain.changes import Change
from cec_advisor.explain.common import NOT_CONCLUDED
from cec_advisor.explain.how import StepWalk, Walk
from cec_advisor.explain.what_if import QuestionDiff, WarningDiff, WhatIf
from cec_advisor.explain.why import ProofNode, Why
from cec_advisor.explain.why_not import Blocker, WhyNot
from cec_advisor.model.facts import FACT_SCALES
from cec_advisor.model.scales import UNKNOWN, yaml_word

UNCHANGED = "No decision, service, warning or open question changes."
"""What ``what-if`` says when the plans differ at most in which rules fired (the rules are listed below it)."""


def _shown(case_file: str) -> str:
    """The case file as a command line names it; standard input (``-``) must be given again."""
    return "CASE_FILE" if case_file == "-" else case_file


def change_words(change: Change) -> str:
    """A change to a case: ``culture.trust = high``; a removed fact ``... removed (now unknown)``."""
    if change.value is None and change.shown == UNKNOWN:
        now = "now unknown" if change.fact in FACT_SCALES else "every fact in it now unknown"
        return f"{change.fact} removed ({now})"
    if change.value is None:
        return f"{change.path} removed ({change.fact} = {yaml_word(change.shown)})"
    return f"{change.fact} = {yaml_word(change.shown)}"


def walk_heading(walked: Walk) -> str:
    """The first line of the walk: whose Pathway it is."""
    return f"How the Pathway decided for {walked.case_name} ({walked.case_id})"


def step_lines(step: StepWalk) -> list[str]:
    """One Pathway step of the walk (after a blank line): each firing's rule, facts, conclusion and because."""
    lines = ["", f"Step {step.step}: {step.title}"]
    if not step.firings:
        lines.append("  (no rule of this step applied)")
    for index, firing in enumerate(step.firings, 1):
        facts = ", ".join(f"{path} = {yaml_word(value)}" for path, value in firing.facts.items()) or "none"
        lines += [
            f"  {index}. {firing.rule}: {firing.title} ({firing.source})",
            f"     facts: {facts}",
            f"     concluded: {firing.concluded}",
            f"     because: {firing.because}",
        ]
    return lines


def why_lines(answer: Why, case_file: str) -> list[str]:
    """The proof tree, or, for a service not in the plan, that answer and the command that explains it."""
    if not answer.in_plan:
        return [
            f"{answer.service} is not in this plan. "
            f"To see why, and what would bring it in: cec-advisor why-not {_shown(case_file)} {answer.service}"
        ]
    return list(proof_lines(answer.tree))


def proof_lines(node: ProofNode, depth: int = 0) -> Iterator[str]:
    """A proof tree as indented text lines: each claim with its rule (id, title, source), then its because."""
    pad = "  " * depth
    rule = f"  [{node.rule}: {node.title}; {node.source}]" if node.rule else ""
    yield f"{pad}- {node.claim}{rule}"
    if node.because:
        yield f"{pad}    {node.because}"
    for child in node.children:
        yield from proof_lines(child, depth + 1)


def why_not_lines(answer: WhyNot, case_file: str) -> list[str]:
    """Why a service is absent or deferred, rule by rule, and the smallest change found."""
    service = answer.service
    if answer.status == "in_plan":
        return [f"{service} is in the plan. To see why: cec-advisor why {_shown(case_file)} {service}"]
    if answer.status == "deferred":
        lines = [f"{service} is in the plan, but deferred. {answer.placement}".rstrip(), "What holds it back:"]
    else:
        lines = [
            f"{service} is not in the plan.",
            "What stands in the way (the first condition that failed, per rule):",
        ]
    failed = [b for b in answer.blockers if answer.status == "deferred" or b.kind == "failed"]
    lines += [f"  - {blocker_words(blocker)}" for blocker in failed]
    if not failed:
        lines.append("  - no rule in the rule base can recommend it")
    waiting = [b for b in answer.blockers if b not in failed]
    if waiting:
        lines.append("Once a rule recommends it, it would still wait as later work:")
        lines += [f"  - {blocker_words(blocker)}" for blocker in waiting]
    tried = f"{answer.tried} re-plan{'' if answer.tried == 1 else 's'} tried"
    if answer.change:
        settings = " ".join(f"--set '{c.setting()}'" for c in answer.change)
        lines.append(f"Smallest change found ({tried}, each through the engine):")
        lines += [f"  {change_words(change)}" for change in answer.change]
        lines.append(f"Compare the plans: cec-advisor what-if {_shown(case_file)} {settings}")
    else:
        lines.append(f"No change of up to 3 facts brings it in ({tried}).")
    return lines


def blocker_words(blocker: Blocker) -> str:
    """One rule's part in keeping a service out or deferring it, as a sentence."""
    rule = f"{blocker.rule} ({blocker.title})"
    if blocker.kind == "defers":
        return f"{rule}: here {blocker.actual}. {blocker.because} The rule stops applying once {blocker.needed}."
    if blocker.kind == "horizon":
        return f"{rule}: {blocker.because} It would need {blocker.needed}."
    return f"{rule}: needs {blocker.needed}; here {blocker.actual}"


def what_if_lines(diff: WhatIf) -> list[str]:
    """What differs between the two plans, and the rules behind each difference."""
    lines = ["Changed facts: " + ", ".join(change_words(c) for c in diff.changes)]
    if not diff.plan_changes:
        lines.append(UNCHANGED)
    for d in diff.decisions:
        lines.append(
            f"  {d.decision}: {_value(d.before)} -> {_value(d.after)}"
            f"  (was {', '.join(d.rules_before) or 'no rule'}; now {', '.join(d.rules_after) or 'no rule'})"
        )
    marks = {"added": "+", "removed": "-", "opened": "+", "settled": "-"}
    for s in diff.services:
        where = f"{s.before} -> {s.after}" if s.before and s.after else (s.after or s.before)
        rules = f"  rules: {', '.join(s.rules)}" if s.rules else ""
        lines.append(f"  {marks.get(s.change, '~')} {s.service} {s.change} ({where}){rules}")
    for q in diff.open_questions:
        lines.append(f"  {marks.get(q.change, '~')} {_question_words(q)}")
    for w in diff.warnings:
        lines += _warning_lines(w, marks.get(w.change, "~"))
    if diff.rules_started or diff.rules_stopped:
        lines.append(f"Rules that now fire: {', '.join(diff.rules_started) or 'none'}")
        lines.append(f"Rules that no longer fire: {', '.join(diff.rules_stopped) or 'none'}")
    return lines


def _value(value: object) -> str:
    """A decision's value; a decision no rule concluded is ``not concluded``."""
    return NOT_CONCLUDED if value is None else yaml_word(value)


def _question_words(q: QuestionDiff) -> str:
    """An open question that differs: opened, settled, or what changed in it, with the rules behind it."""
    data = q.as_dict()
    missing_before, missing_after = data["missing_before"], data["missing_after"]
    settle_before, settle_after = ", ".join(data["settle_with_before"]), ", ".join(data["settle_with_after"])
    rules = ", ".join(dict.fromkeys([*data["rules_before"], *data["rules_after"]]))
    if q.change == "opened":
        what = f"unknown: {', '.join(missing_after)}; settle with {settle_after}"
        return f"open question on {q.decision} ({what})  rules: {rules}"
    if q.change == "settled":
        what = f"was unknown: {', '.join(missing_before)}; settle with {settle_before}"
        return f"open question on {q.decision} settled ({what})  rules: {rules}"
    parts = []
    gone = [m for m in missing_before if m not in missing_after]
    new = [m for m in missing_after if m not in missing_before]
    if gone:
        parts.append(f"no longer unknown: {', '.join(gone)}")
    if new:
        parts.append(f"now unknown: {', '.join(new)}")
    if settle_before != settle_after:
        parts.append(f"settle with {settle_before} -> {settle_after}")
    if not parts:
        parts.append(f"raised by {', '.join(data['rules_after'])}, was {', '.join(data['rules_before'])}")
    return f"open question on {q.decision} changed ({'; '.join(parts)})  rules: {rules}"


def _warning_lines(w: WarningDiff, mark: str) -> list[str]:
    """A warning raised, no longer raised, or reworded (with what it said before)."""
    rule = w.rule or "the schedule"
    if w.change == "added":
        return [f"  {mark} warning now raised ({rule}): {w.after}"]
    if w.change == "removed":
        return [f"  {mark} warning no longer raised ({rule}): {w.before}"]
    return [f"  {mark} warning reworded ({rule}): {w.after}", f"      was: {w.before}"]
