"""The Markdown plan: what a consultant hands to a district team.

Decisions and why first, warnings and open questions where nobody can miss
them, how CEC delivers (each delivery mode and its coaching, said once), then
the services year by year with their reasons, delivery and hand-off. The
trace of rule firings is an opt-in appendix (``trace=True``) for whoever
wants to check. Every sentence about *why* comes from a rule's ``because``
(via the plan), with values in the reader's words (:mod:`cec_advisor.model.wording`).
"""

from __future__ import annotations

from cec_advisor.model.wording import decision_phrase, join_words, phrase
from cec_advisor.plan.build import Plan, PlannedService, Reason
from cec_advisor.render.diagram import build_diagram, to_mermaid
from cec_advisor.render.labels import ELEMENT_NAMES, STEP_NAMES, summary_decisions
from cec_advisor.render.sentences import delivery_intro, delivery_modes, open_question_sentences, service_names


def render_markdown(plan: Plan, *, trace: bool = False) -> str:
    """The plan as a Markdown document ending in a newline; ``trace`` adds the rule firings as an appendix."""
    lines: list[str] = [f"# Services plan: {_text(plan.case_name)}", ""]
    lines.append(
        f"Prepared with CEC Advisor for {_text(plan.case_name)}, following CEC's Collaborative Pathway to "
        f"Continuous Improvement. Case reference: `{plan.case_id}`."
    )
    lines += _glance_section(plan)
    lines += _alert_sections(plan)
    lines += _why_section(plan)
    lines += [
        "## The path through the Pathway",
        "",
        "Highlighted: the decisions taken for this case; grey: the branches not taken.",
        "",
        "```mermaid",
        to_mermaid(build_diagram(plan)).rstrip("\n"),
        "```",
        "",
    ]
    lines += _delivery_section(plan)
    lines += _services_section(plan)
    lines += _elements_section(plan)
    if trace:
        lines += _trace_appendix(plan)
    return "\n".join(lines)


def _glance_section(plan: Plan) -> list[str]:
    """The key decisions in a table, each with the first reason, then the areas of need and the capacity."""
    lines = ["", "## At a glance", "", "| Decision | Result | Why |", "|---|---|---|"]
    for outcome, label in summary_decisions(plan):
        why = outcome.reasons[0].because if outcome.reasons else "no rule concluded this"
        shown = decision_phrase(outcome.decision, outcome.value, plan.value("transformation_possible"))
        lines.append(f"| {label} | **{shown}** | {_text(why)} |")
    needs = ", ".join(phrase("need", n) for n in plan.greatest_areas_of_need) or "none identified"
    lines.append(f"| Greatest areas of need | **{needs}** | weakest first, from the Appendix C indicator groups |")
    capacity = f"{plan.capacity} at a time" + (" (assumed)" if plan.capacity_assumed else "")
    lines.append(f"| Services at once | **{capacity}** | no school year starts more new services than this |")
    lines.append("")
    return lines


def _alert_sections(plan: Plan) -> list[str]:
    """The warnings, then the open questions as sentences, each section only when there is something in it."""
    lines = []
    if plan.warnings:
        lines += ["## Warnings", ""]
        for warning in plan.warnings:
            cited = f" *({warning.rule})*" if warning.rule else ""
            lines += [f"> **Warning:** {_text(warning.message)}{cited}", ""]
    if plan.undetermined:
        lines += ["## Open questions", ""]
        for question in open_question_sentences(plan):
            lines.append(f"- {_text(question.text)} *({', '.join(question.rules)})*")
        lines.append("")
    return lines


def _why_section(plan: Plan) -> list[str]:
    """Each key decision with every reason behind it."""
    lines = ["## Why these decisions", ""]
    for outcome, label in summary_decisions(plan):
        shown = decision_phrase(outcome.decision, outcome.value, plan.value("transformation_possible"))
        lines.append(f"**{label}: {shown}**")
        lines += _reason_lines(outcome.reasons)
        lines.append("")
    return lines


def _elements_section(plan: Plan) -> list[str]:
    """How many services serve each element of the Framework for Change (an element none serves is bold)."""
    lines = ["## Framework for Change", ""]
    for element, name in ELEMENT_NAMES.items():
        count = sum(1 for s in plan.services if s.element == element and not s.diagnostic)
        lines.append(
            f"- {name}: {count} service{'s' if count != 1 else ''}" if count else f"- {name}: **not addressed**"
        )
    lines.append("")
    return lines


def _trace_appendix(plan: Plan) -> list[str]:
    """Every rule firing, in firing order, with what it concluded."""
    lines = [
        "## Appendix: how the advisor decided",
        "",
        "Each line is one rule firing, in the order the engine fired them.",
        "",
    ]
    for index, firing in enumerate(plan.trace, 1):
        lines.append(f"{index}. `{firing.rule}` (Step {firing.step}): {_text('; '.join(firing.concluded))}")
    lines.append("")
    return lines


def _delivery_section(plan: Plan) -> list[str]:
    """Each delivery mode the plan uses, with the coaching that follows it: said once for every service."""
    modes = delivery_modes(plan)
    lines = ["## How CEC delivers", ""]
    lines += [_text(delivery_intro(plan)), ""]
    if plan.coaching_model:
        lines += [f"- **{mode.capitalize()}.** {_text(coaching)}" for mode, coaching in modes]
    else:
        lines += [f"- **{mode.capitalize()}**" for mode, _ in modes]
    lines.append("")
    return lines


def _services_section(plan: Plan) -> list[str]:
    """The services year by year (later work last), with the first rounds and the milestone where they fall."""
    lines = ["## The plan, year by year", ""]
    lines.append(
        f"The plan covers {plan.horizon} school year{'s' if plan.horizon != 1 else ''}. Each year starts at most "
        f"{plan.capacity} new service{'s' if plan.capacity != 1 else ''} besides the commitment and diagnosis work; "
        "what does not fit is listed as later work, to be planned when the first services hand over."
    )
    if plan.value("phasing") == "multi_year":
        lines.append(
            "This is a multi-year transformation plan: culture and structures come first; curriculum, "
            "assessment and data work follow as the structures establish."
        )
    lines.append("")
    period = 0
    for service in plan.services:
        if service.phase != period:
            period = service.phase
            later = all(s.deferred for s in plan.services if s.phase == period)
            lines += [f"### Later work (after year {plan.horizon})" if later else f"### Year {period}", ""]
            if period == 1:
                lines += _first_rounds(plan)
        lines += _service_lines(service, plan)
        if service.phase == 1 and plan.milestone_phase == 1 and _last_in_period(plan, service):
            lines += [
                "**Milestone, end of year 1:** the board, administration and union sign a formal, written "
                "agreement to work together. Content work starts after it.",
                "",
            ]
    return lines


def _first_rounds(plan: Plan) -> list[str]:
    """The first rounds of requested services that year 1 starts ahead of their foundations."""
    lines = []
    for service in plan.services:
        if service.first_round_phase == 1:
            lines += [
                f"**First round: {service.name}**, to meet the district's deadline. It is an item of its own "
                f"and needs none of the full service's foundations; the full service follows them "
                f"({'later work' if service.deferred else f'year {service.phase}'}).",
                "",
            ]
    return lines


def _last_in_period(plan: Plan, service: PlannedService) -> bool:
    """Whether ``service`` is the last one of its year."""
    same = [s for s in plan.services if s.phase == service.phase]
    return same[-1] is service


def _service_lines(service: PlannedService, plan: Plan) -> list[str]:
    """One service: its step and element, flags, summary, placement, reasons, delivery and hand-off."""
    tags = [f"Step {service.step}: {STEP_NAMES[service.step]}", ELEMENT_NAMES[service.element]]
    flags = []
    if service.requested:
        flags.append("requested by the district")
    if service.deferred:
        flags.append("**later work**")
    lines = [
        f"**{service.order}. {_text(service.name)}** (`{service.id}`)",
        "",
        f"*{' · '.join(tags)}*" + (f" · {', '.join(flags)}" if flags else ""),
        "",
        _text(service.summary),
        "",
        f"When: {_text(service.placement)}" if service.placement else "",
        "",
        "Why:",
        "",
    ]
    lines += _reason_lines(service.reasons)
    lines += ["", "How it runs:", ""]
    lines.append(f"- Delivery: {join_words(list(service.delivery))}.")
    if service.after:
        lines.append(f"- Builds on: {_text(service_names(plan, service.after))}.")
    if service.hands_over_to:
        lines.append(f"- Overlaps with and hands over to: {_text(service_names(plan, service.hands_over_to))}.")
    lines.append(f"- Hand-off: {_text(service.handoff)} Owner after hand-off: {_text(service.owner)}.")
    lines.append("")
    return lines


def _reason_lines(reasons: tuple[Reason, ...]) -> list[str]:
    """Each reason as a list item citing its rule and source."""
    return [f"- {_text(r.because)} *({r.rule}; {r.source})*" for r in reasons] or ["- no rule concluded this"]


def _text(text: str) -> str:
    """Escape what Markdown or embedded HTML would interpret in free text."""
    for char in ("\\", "`", "*", "_", "[", "]", "<", ">", "|"):
        text = text.replace(char, "\\" + char)
    # CommonMark ends a line at LF, CR or CR LF: fold all three, so no text can start a heading or a list.
    return text.replace("\r\n", " ").replace("\r", " ").replace("\n", " ")
