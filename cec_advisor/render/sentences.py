"""Sentences about a whole plan, shared by the Markdown and HTML renderers.

The open questions as sentences (what is not known, which service settles it,
what it keeps open), the delivery modes with the coaching after each, and
services listed by name. Values and facts are worded by :mod:`cec_advisor.model.wording`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from cec_advisor.model.wording import INDICATOR_NAMES, join_words, label, phrase
from cec_advisor.plan.build import Plan


def _subjects(paths: Sequence[str]) -> tuple[str, bool]:
    """The unknown facts as one subject, and whether it is plural; indicator ratings are named together."""
    letters = [p.removeprefix("focus_on_learning.") for p in paths]
    rated = [x for x in letters if x in INDICATOR_NAMES]
    parts = [label(p) for p in paths if p.removeprefix("focus_on_learning.") not in INDICATOR_NAMES]
    if len(rated) == 1:
        parts.append(label(f"focus_on_learning.{rated[0]}"))
    elif rated:
        named = join_words([f"{x} ({INDICATOR_NAMES[x]})" for x in rated])
        parts.append(f"the ratings of indicators {named}")
    return join_words(parts), len(parts) > 1 or len(rated) > 1


@dataclass(frozen=True)
class OpenSentence:
    """One open question in words: what is not known, what settles it, what it keeps open, the rules behind it."""

    text: str
    rules: tuple[str, ...]


def open_question_sentences(plan: Plan) -> list[OpenSentence]:
    """The plan's open questions as sentences, one per set of unknown facts that keep the same decisions open.

    "Whether the union will commit is not yet known; service 2, Three-anchor
    commitment conversations ("agree to agree"), will settle it (this keeps
    open: the collaborative commitment and the emphasis)."
    """
    per_fact: dict[tuple[str, str], tuple[list[str], list[str]]] = {}
    for question in plan.undetermined:
        for path in question.missing:
            decisions, rules = per_fact.setdefault((path, question.settle_with), ([], []))
            decisions += [question.decision] if question.decision not in decisions else []
            rules += [r for r in question.rules if r not in rules]
    groups: dict[tuple[str, tuple[str, ...]], tuple[list[str], list[str]]] = {}
    for (path, settle_with), (decisions, rules) in per_fact.items():
        paths, cited = groups.setdefault((settle_with, tuple(decisions)), ([], []))
        paths.append(path)
        cited += [r for r in rules if r not in cited]
    sentences = []
    for (settle_with, kept_open), (paths, cited) in groups.items():
        subject, plural = _subjects(paths)
        service = plan.service(settle_with)
        settler = f"service {service.order}, {service.name}," if service else phrase("service", settle_with)
        kept = join_words([label(d) for d in kept_open])
        text = (
            f"{subject[:1].upper()}{subject[1:]} {'are' if plural else 'is'} not yet known; {settler} will settle "
            f"{'them' if plural else 'it'} (this keeps open: {kept})."
        )
        sentences.append(OpenSentence(text, tuple(cited)))
    return sentences


def delivery_modes(plan: Plan) -> list[tuple[str, str]]:
    """Each delivery mode the plan's services use, in first-use order, with the coaching that follows it."""
    modes: dict[str, str] = {}
    for service in plan.services:
        coaching = service.coaching or ("",) * len(service.delivery)
        for mode, text in zip(service.delivery, coaching, strict=False):
            modes.setdefault(mode, text)
    order = ("training", "facilitating", "networking", "mentoring")
    return sorted(modes.items(), key=lambda item: order.index(item[0]) if item[0] in order else len(order))


def delivery_intro(plan: Plan) -> str:
    """The sentence that introduces the delivery modes (and, in the coaching model, the coaching after each)."""
    if plan.coaching_model:
        return (
            "Each service below is delivered in one or more of these ways. After each, CEC coaches the people who "
            "lead the work, until local people can carry it on without CEC:"
        )
    return "Each service below is delivered in one or more of these ways:"


def service_names(plan: Plan, service_ids: Sequence[str]) -> str:
    """Planned services by name, separated by semicolons (a name may hold commas)."""
    found = (plan.service(s) for s in service_ids)
    return "; ".join(s.name for s in found if s is not None)


__all__ = ["OpenSentence", "delivery_intro", "delivery_modes", "open_question_sentences", "service_names"]
