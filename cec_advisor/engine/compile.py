"""Compile a :class:`~cec_advisor.rulebase.model.RuleBase` into durable-rules ruleset definitions.

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

A rule's tier (its rank in ``tiers.yaml``, 0 first) is the engine's ``pri``
(lower fires first); rules of one tier fire in definition order.

The engine shares a test between the rules that make it after the same earlier
tests, and keeps fixed-size tables per shared test. :func:`check_capacity`
refuses, at the rule that would overflow one, a rule base those tables cannot
hold, instead of letting the engine fail or crash on some case.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from cec_advisor.errors import RuleFileError
from cec_advisor.model.scales import UNKNOWN, yaml_word
from cec_advisor.rulebase.model import COMPARISON_SYMBOLS, DecisionTest, FactTest, Rule, RuleBase

CASE_ALIAS = "case"
REVIEW_ALIAS = "review"
_OPERATORS = {"lt": "$lt", "lte": "$lte", "gt": "$gt", "gte": "$gte"}
_SYMBOLS = {_OPERATORS[op]: symbol for op, symbol in COMPARISON_SYMBOLS.items()}

MAX_LINKS_PER_TEST = 32
"""Most lists of alternatives (``[a, b]``, ``any of``) and ``unknown`` tests that may hang on one shared test.

When a fact passes a test, durable-rules 2.0.28 pushes every such link of the
test at once onto a match stack of 64 entries (``MAX_STACK_SIZE``, events.c)
that also holds the sibling tests still pending. Measured with the shipped
rules and ``cases/riverside-adversarial.yaml``: 49 links on
``culture.trust is low`` plan; 50 crash the process (segmentation fault); the
ruleset itself is refused past 128 (error 107). The shipped rules need 16 at
most; 32 leaves the other half of the stack to the pending tests.
"""

MAX_PATTERNS_PER_TEST = 256
"""Most rule patterns that may end on one shared test (``BETA_LIST_LENGTH``; measured: 257 → engine error 108)."""


@dataclass(frozen=True)
class CompiledRule:
    """A rule's engine definition plus what its action needs to read the match."""

    rule: Rule
    definition: dict[str, Any]
    decision_aliases: tuple[tuple[str, str], ...]


def compile_rulebase(rulebase: RuleBase) -> tuple[CompiledRule, ...]:
    """Compile every rule, in definition order; refuse a rule base the engine cannot hold (:func:`check_capacity`)."""
    compiled = tuple(compile_rule(rule) for rule in rulebase.rules)
    check_capacity(compiled)
    return compiled


@dataclass
class _Test:
    """One test in the engine's network: shared by every pattern that reaches it through the same tests."""

    test: tuple[str, str, str] | None = None
    """``(operator, path, JSON operand)``; ``None`` for the start and for the join after a list of alternatives."""
    parent: _Test | None = None
    children: dict[tuple[str, str, str], _Test] = field(default_factory=dict)
    links: int = 0
    patterns: int = 0


def check_capacity(compiled: tuple[CompiledRule, ...]) -> None:
    """Refuse the first rule that overflows a per-test table of the engine.

    Rebuilds the sharing of durable-rules' network from the definitions and
    counts, per shared test, the links it holds (:data:`MAX_LINKS_PER_TEST`)
    and the patterns that end on it (:data:`MAX_PATTERNS_PER_TEST`). Raises a
    :class:`~cec_advisor.errors.RuleFileError` at that rule.
    """
    start = _Test()
    for item in compiled:
        for pattern in item.definition["all"]:
            ((_, condition),) = pattern.items()
            end = _add(start, condition, item.rule)
            end.patterns += 1
            if end.patterns > MAX_PATTERNS_PER_TEST:
                raise _overflow(
                    item.rule, f"{end.patterns} rule conditions end on the same test", end, MAX_PATTERNS_PER_TEST
                )


def _add(parent: _Test, condition: dict[str, Any], rule: Rule) -> _Test:
    """Add one condition below ``parent`` as the engine does; return the test it ends on."""
    ((key, value),) = condition.items()
    if key == "$and":
        for part in value:
            parent = _add(parent, part, rule)
        return parent
    if key == "$or":
        for part in value:
            _link(_add(parent, part, rule), rule)
        return _Test(parent=parent)
    if key.startswith("$"):
        ((path, operand),) = value.items()
    else:
        path, operand = key, value
    test = (key if key.startswith("$") else "", path, json.dumps(operand))
    child = parent.children.get(test)
    if child is None:
        child = parent.children[test] = _Test(test, parent)
        if key == "$nex":
            _link(parent, rule)
    return child


def _link(test: _Test, rule: Rule) -> None:
    test.links += 1
    if test.links > MAX_LINKS_PER_TEST:
        raise _overflow(
            rule,
            f"{test.links} lists of alternatives or 'unknown' tests follow the same test",
            test,
            MAX_LINKS_PER_TEST,
        )


def _overflow(rule: Rule, what: str, test: _Test, limit: int) -> RuleFileError:
    return RuleFileError(
        rule.file,
        rule.line,
        f"{rule.id}.when",
        f"with this rule, {what} ({_describe(test)}), more than the {limit} the rule engine holds: "
        "test another fact first, or merge rules",
    )


def _describe(test: _Test) -> str:
    """A shared test in words: ``culture.trust is low``, ``commitment is established``, ``the case facts``."""
    while test.test is None and test.parent is not None:
        test = test.parent  # a join after alternatives: describe what came before
    if test.test is None:
        return "the start"
    operator, path, operand = test.test
    value = yaml_word(json.loads(operand))
    if path == "kind":
        return {"case": "the case facts", "d": "the decisions", "review": "the review phase"}.get(value, value)
    if path == "value" and test.parent is not None and test.parent.test is not None:
        path = json.loads(test.parent.test[2])  # a decision's value, below the test of its name
    if operator == "$nex":
        return f"{path} is unknown"
    return f"{path} {_SYMBOLS[operator]} {value}" if operator in _SYMBOLS else f"{path} is {value}"


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
    definition = {"all": patterns, "pri": rule.tier.rank}
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
