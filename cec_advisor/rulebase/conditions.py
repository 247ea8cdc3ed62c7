"""Read a rule's ``when`` list into a :class:`~cec_advisor.rulebase.model.Condition`, checking every test.

The shape (documented for rule writers in :mod:`cec_advisor.rulebase.files`)::

    when:
      - culture.trust: [mixed, high]          # a fact and its test
      - emphasis: achievement                 # a decision and its value(s)
      - focus_on_learning.curriculum: {below: 3}
      - any of:                               # alternatives, at least one holds
          - level: district
            structures.district_leadership_team: absent
          - structures.team_skills: low
      - lacks: {emphasis: [culture]}          # review phase only

Fact tests keep the order written, alternatives after them (the engine tests
them so); decision tests keep theirs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cec_advisor.errors import RuleFileError
from cec_advisor.io.validation import suggest
from cec_advisor.io.yamlsource import Locator, PathKey
from cec_advisor.model.facts import FACT_SCALES
from cec_advisor.model.scales import UNKNOWN, Scalar, Scale, one_of, yaml_word
from cec_advisor.rulebase.catalogue import Catalogue
from cec_advisor.rulebase.files import Phase
from cec_advisor.rulebase.model import (
    COMPARISON_WORDS,
    COMPARISONS,
    SERVICE_DECISION,
    Condition,
    Decision,
    DecisionTest,
    FactTest,
)
from cec_advisor.rulebase.spellings import old_spelling_error

ANY_OF = "any of"
LACKS = "lacks"
TEST_WORDS = ("not", *COMPARISON_WORDS)
"""The keys of a test mapping (``{below: 3}``, ``{not: [low]}``)."""


@dataclass(frozen=True)
class RuleFileContext:
    """What checking one rule file needs: the decisions and catalogue to check names against, and the file's lines."""

    decisions: dict[str, Decision]
    catalogue: Catalogue
    locator: Locator

    def fail(self, path: PathKey, field: str, problem: str, *, code: str = "CEC100") -> RuleFileError:
        """A one-line error at the line of ``path`` in this file."""
        return RuleFileError(self.locator.file, self.locator.line_of(path), field, problem, code=code)


@dataclass(frozen=True)
class ConditionReader:
    """Reads the ``when`` of the rules of one file."""

    context: RuleFileContext

    def read(self, rule_id: str, phase: Phase, when: tuple[Any, ...], at: PathKey) -> Condition:
        """The condition ``when`` states; a problem is a :class:`RuleFileError` at its line."""
        facts: list[FactTest] = []
        groups: list[tuple[tuple[FactTest, ...], ...]] = []
        decisions: list[DecisionTest] = []
        for position, item in enumerate(when):
            key, value = self.one_condition(rule_id, item, (*at, position))
            key_at: PathKey = (*at, position, key)
            if key == ANY_OF or key == "any" or key.startswith("any_"):
                groups.append(self.any_of(rule_id, key, value, key_at))
            elif key == LACKS:
                if phase != "review":
                    raise self.context.fail(
                        key_at, f"{rule_id}.when.lacks", "'lacks' is only allowed in rules with phase: review"
                    )
                decisions.extend(self.lacks(rule_id, value, key_at))
            elif key in self.context.decisions:
                decisions.append(DecisionTest(key, self.decision_values(rule_id, key, value, key_at)))
            elif key in FACT_SCALES:
                facts.extend(self.fact_tests(rule_id, key, value, key_at))
            else:
                choices = [*FACT_SCALES, *self.context.decisions, ANY_OF, LACKS]
                raise self.context.fail(
                    key_at, f"{rule_id}.when", f"unknown fact or decision {key!r}{suggest(key, choices)}", code="CEC101"
                )
        if not facts and not groups and not any(not d.negated for d in decisions) and phase != "review":
            raise self.context.fail(at, f"{rule_id}.when", "needs at least one fact or decision test")
        return Condition(tuple(facts), tuple(groups), tuple(decisions))

    def one_condition(self, rule_id: str, item: Any, at: PathKey) -> tuple[str, Any]:
        """The key and test of one item of ``when``, which must be a mapping of exactly one key."""
        if not isinstance(item, dict) or len(item) != 1:
            raise self.context.fail(
                at, f"{rule_id}.when", "each condition is a list item of one key, e.g. '- culture.trust: low'"
            )
        ((key, value),) = item.items()
        return str(key), value

    def any_of(self, rule_id: str, key: str, value: Any, at: PathKey) -> tuple[tuple[FactTest, ...], ...]:
        """The alternatives of an ``any of`` item: two or more mappings of fact tests."""
        label = f"{rule_id}.when.{ANY_OF}"
        if key != ANY_OF:
            raise old_spelling_error(self.context.locator, at, key, f"{rule_id}.when.{key}")
        if not isinstance(value, list) or len(value) < 2 or not all(isinstance(v, dict) and v for v in value):
            raise self.context.fail(at, label, "expected a list of at least two mappings of fact tests")
        options = []
        for position, option in enumerate(value):
            tests = []
            for path, test in option.items():
                if path not in FACT_SCALES:
                    raise self.context.fail(
                        (*at, position, path),
                        label,
                        f"unknown fact {path!r}{suggest(path, FACT_SCALES)} (alternatives test case facts only)",
                        code="CEC101",
                    )
                tests.extend(self.fact_tests(rule_id, path, test, (*at, position, path)))
            options.append(tuple(tests))
        return tuple(options)

    def lacks(self, rule_id: str, value: Any, at: PathKey) -> list[DecisionTest]:
        """The negated decision tests of a ``lacks`` item."""
        if not isinstance(value, dict) or not value:
            raise self.context.fail(at, f"{rule_id}.when.lacks", "expected a mapping of decision: value(s)")
        tests = []
        for decision, wanted in value.items():
            if decision not in self.context.decisions:
                raise self.context.fail(
                    (*at, decision),
                    f"{rule_id}.when.lacks",
                    f"unknown decision {decision!r}{suggest(decision, self.context.decisions)}",
                    code="CEC101",
                )
            values = self.decision_values(rule_id, decision, wanted, (*at, decision))
            tests.append(DecisionTest(decision, values, negated=True))
        return tests

    def decision_values(self, rule_id: str, decision: str, value: Any, at: PathKey) -> tuple[Scalar, ...]:
        """The values of a decision test or conclusion, each one of the decision's values (CEC102 if not)."""
        values = value if isinstance(value, list) else [value]
        allowed = self.context.decisions[decision].values
        for item in values:
            if (
                isinstance(item, (dict, list))
                or item not in allowed
                or isinstance(item, bool) != any(isinstance(a, bool) and a == item for a in allowed)
            ):
                shown = " | ".join(yaml_word(a) for a in allowed)
                if decision == SERVICE_DECISION:
                    shown = f"a service id{suggest(str(item), [str(a) for a in allowed])}"
                raise self.context.fail(
                    at,
                    f"{rule_id}.when.{decision}",
                    f"{item!r} is not a value of {decision}; expected {shown}",
                    code="CEC102",
                )
        if not values:
            raise self.context.fail(at, f"{rule_id}.when.{decision}", "expected at least one value")
        return tuple(values)

    def fact_tests(self, rule_id: str, path: str, value: Any, at: PathKey) -> list[FactTest]:
        """One test, or a range (``{at least: 2.5, below: 3.5}``: comparisons that must all hold)."""
        if isinstance(value, dict):
            for op in value:
                if op in COMPARISONS:
                    raise old_spelling_error(self.context.locator, at, op, f"{rule_id}.when.{path}")
            if len(value) > 1 and all(op in COMPARISON_WORDS for op in value):
                return [self.fact_test(rule_id, path, {op: operand}, at) for op, operand in value.items()]
        return [self.fact_test(rule_id, path, value, at)]

    def fact_test(self, rule_id: str, path: str, value: Any, at: PathKey) -> FactTest:
        """One test of one fact: values, ``not``, or a comparison."""
        scale = FACT_SCALES[path]
        label = f"{rule_id}.when.{path}"
        if not isinstance(value, dict):
            return FactTest(path, "in", self.scale_values(label, scale, value, at))
        if len(value) != 1:
            raise self.context.fail(
                at, label, "a test mapping holds one of: not, below, at most, above, at least (or comparisons: a range)"
            )
        ((op, operand),) = value.items()
        if op == "not":
            return self.all_but(label, path, scale, operand, at)
        if op in COMPARISON_WORDS:
            if scale.kind not in ("int", "number"):
                raise self.context.fail(
                    at, label, f"'{op}' needs a numeric fact; {path} is {scale.describe()}", code="CEC102"
                )
            if isinstance(operand, bool) or not isinstance(operand, (int, float)):
                raise self.context.fail(at, label, f"'{op}' needs a number, not {operand!r}", code="CEC102")
            return FactTest(path, COMPARISON_WORDS[op], (operand,))
        raise self.context.fail(
            at, label, f"unknown test {op!r}; expected not, below, at most, above or at least", code="CEC102"
        )

    def all_but(self, label: str, path: str, scale: Scale, excluded: Any, at: PathKey) -> FactTest:
        """``{not: [...]}``: every value of a finite scale but those (``unknown`` too, when the fact may be unknown)."""
        finite = scale.known_values()
        if not finite:
            raise self.context.fail(
                at, label, f"'not' needs a finite scale; {path} is {scale.describe()}", code="CEC102"
            )
        left_out = self.scale_values(label, scale, excluded, at)
        everything = (*finite, *(() if scale.required else (UNKNOWN,)))
        remaining = tuple(v for v in everything if not one_of(v, left_out))
        if not remaining:
            raise self.context.fail(at, label, "this test can never hold: it excludes every value", code="CEC203")
        return FactTest(path, "in", remaining)

    def scale_values(self, label: str, scale: Scale, value: Any, at: PathKey) -> tuple[Scalar, ...]:
        """The values a test lists, each on the fact's scale (services: in the catalogue)."""
        values = value if isinstance(value, list) else [value]
        if not values:
            raise self.context.fail(at, label, "expected at least one value")
        for item in values:
            try:
                scale.check(item)
            except ValueError as exc:
                raise self.context.fail(at, label, str(exc), code="CEC102") from None
            if scale.kind == "service" and item != UNKNOWN and item not in self.context.catalogue:
                raise self.context.fail(
                    at, label, f"unknown service {item!r}{suggest(item, self.context.catalogue.ids)}", code="CEC103"
                )
        return tuple(values)
