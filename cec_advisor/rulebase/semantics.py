"""What a rule's tests mean: which facts it reads, whether a test holds, its placeholders filled."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from cec_advisor.model.scales import UNKNOWN, one_of
from cec_advisor.model.wording import phrase
from cec_advisor.rulebase.files import ThenModel, UndeterminedModel
from cec_advisor.rulebase.model import (
    Condition,
    FactTest,
    Rule,
)

PLACEHOLDER = re.compile(r"\{([a-z_A-Z0-9.]+)\}")


def reads(condition: Condition, then: ThenModel) -> tuple[str, ...]:
    """The case facts a firing of the rule reports: those tested, plus the requested service when it tests a request."""
    paths = condition.fact_paths()
    about_request = then.recommend_requested or "request.made" in paths
    return (*paths, "request.service") if about_request and "request.service" not in paths else paths


def holds(test: FactTest, value: Any) -> bool:
    """Whether a fact test holds for a known value (``unknown`` included)."""
    if test.op == "in":
        return one_of(value, test.values)
    if value == UNKNOWN or isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    bound = test.values[0]
    assert isinstance(bound, (int, float))
    return {"lt": value < bound, "lte": value <= bound, "gt": value > bound, "gte": value >= bound}[test.op]


def fact_tests(rule: Rule) -> Iterator[FactTest]:
    """Every fact test of a rule, in the order written (any-group options included)."""
    yield from rule.when.facts
    for group in rule.when.any_groups:
        for option in group:
            yield from option


def fill_placeholders(text: str, facts: Mapping[str, Any], services: Mapping[str, str] | None = None) -> str:
    """Replace each ``{fact.path}`` or ``{decision}`` in ``text`` with the reader's phrase for its value.

    A fact missing from ``facts`` is ``unknown``. The phrases are
    :func:`cec_advisor.model.wording.phrase`'s ("only exploring", "not yet known");
    ``services`` (id to name) names a requested service.
    """

    def value(match: re.Match[str]) -> str:
        return phrase(match.group(1), facts.get(match.group(1), UNKNOWN), services)

    return PLACEHOLDER.sub(value, text)


def settling_services(question: UndeterminedModel, facts: Mapping[str, Any]) -> dict[str, tuple[str, ...]]:
    """The facts this case leaves unknown among ``question.missing``, grouped by the service that settles them.

    A rule may list several candidate facts; only those unknown here are named
    (all of them if none is, which a rule's condition should rule out).
    """
    missing = tuple(path for path in question.missing if path not in facts) or question.missing
    groups: dict[str, list[str]] = {}
    for path in missing:
        groups.setdefault(question.settle.get(path, question.settle_with), []).append(path)
    return {service: tuple(paths) for service, paths in groups.items()}
