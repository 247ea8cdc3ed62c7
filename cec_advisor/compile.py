"""Compile a :class:`~cec_advisor.rulebase.RuleBase` into durable-rules ruleset definitions.

Pure data work (this module does not import ``durable``). The engine sees
three kinds of fact:

- one ``case`` fact per run, holding every known case fact under its dotted
  path (unknown facts are absent, so ``unknown`` compiles to ``$nex``);
- one ``d`` fact per conclusion (``decision`` and ``value``), asserted by rule
  actions so that rules chain: commitment → emphasis → plan type → services;
- one ``review`` fact, asserted after every decide-phase rule has finished,
  which anchors review-phase rules. Their negations (``lacks``) are therefore
  evaluated only once nothing more can be concluded, which avoids the
  engine's negation-ordering trap.

Salience 0..100 (higher fires first) becomes the engine's ``pri`` (lower fires
first); equal salience fires in definition order.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cec_advisor.rulebase import DecisionTest, FactTest, Rule, RuleBase
from cec_advisor.scales import UNKNOWN

CASE_ALIAS = "case"
REVIEW_ALIAS = "review"
_OPERATORS = {"lt": "$lt", "lte": "$lte", "gt": "$gt", "gte": "$gte"}


@dataclass(frozen=True)
class CompiledRule:
    """A rule's engine definition plus what its action needs to read the match."""

    rule: Rule
    definition: dict[str, Any]
    decision_aliases: tuple[tuple[str, str], ...]


def compile_rulebase(rulebase: RuleBase) -> tuple[CompiledRule, ...]:
    """Compile every rule, in definition order."""
    return tuple(compile_rule(rule) for rule in rulebase.rules)


def compile_rule(rule: Rule) -> CompiledRule:
    """Compile one rule into ``{"all": [patterns...], "pri": n}`` (the action is added by the engine)."""
    patterns: list[dict[str, Any]] = []
    if rule.phase == "review":
        patterns.append({REVIEW_ALIAS: {"kind": "review"}})
    tests = [_fact_test(test) for test in rule.when.facts]
    tests.extend(_any_group(group) for group in rule.when.any_groups)
    if tests:
        patterns.append({CASE_ALIAS: {"$and": [{"kind": "case"}, *tests]}})
    aliases: list[tuple[str, str]] = []
    for index, test in enumerate(rule.when.decisions):
        if test.negated:
            patterns.append({f"n{index}$not": _decision_pattern(test)})
        else:
            alias = f"d{index}"
            aliases.append((alias, test.decision))
            patterns.append({alias: _decision_pattern(test)})
    definition = {"all": patterns, "pri": 100 - rule.salience}
    return CompiledRule(rule, definition, tuple(aliases))


def _fact_test(test: FactTest) -> dict[str, Any]:
    if test.op != "in":
        return {_OPERATORS[test.op]: {test.path: test.values[0]}}
    options = [{"$nex": {test.path: 1}} if value == UNKNOWN else {test.path: value} for value in test.values]
    return options[0] if len(options) == 1 else {"$or": options}


def _any_group(group: tuple[tuple[FactTest, ...], ...]) -> dict[str, Any]:
    options = []
    for option in group:
        tests = [_fact_test(test) for test in option]
        options.append(tests[0] if len(tests) == 1 else {"$and": tests})
    return {"$or": options}


def _decision_pattern(test: DecisionTest) -> dict[str, Any]:
    values = [{"value": value} for value in test.values]
    value_test = values[0] if len(values) == 1 else {"$or": values}
    return {"$and": [{"kind": "d"}, {"decision": test.decision}, value_test]}
