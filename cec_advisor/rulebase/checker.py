"""Check each rule of a rule file against the facts, decisions and catalogue, and parse its ``when``."""

from __future__ import annotations

import re
from typing import Any

from cec_advisor.errors import RuleFileError
from cec_advisor.io.validation import suggest, validate_model
from cec_advisor.io.yamlsource import PathKey, YamlDocument
from cec_advisor.model.facts import FACT_SCALES
from cec_advisor.model.scales import UNKNOWN, Scalar, one_of, yaml_word
from cec_advisor.rulebase.catalogue import ELEMENTS, Catalogue
from cec_advisor.rulebase.files import (
    RuleFileModel,
    RuleModel,
    UndeterminedModel,
)
from cec_advisor.rulebase.model import (
    COMPARISONS,
    ELEMENT_DECISION,
    SERVICE_DECISION,
    Condition,
    Decision,
    DecisionTest,
    FactTest,
    Rule,
)
from cec_advisor.rulebase.semantics import PLACEHOLDER, reads


class RuleChecker:
    """Validates rule files against the facts, decisions and catalogue."""

    def __init__(self, decisions: dict[str, Decision], catalogue: Catalogue) -> None:
        self.decisions = dict(decisions)
        self.decisions[SERVICE_DECISION] = Decision(
            SERVICE_DECISION, "Recommended services", catalogue.ids, False, False, "docs/pathway.md"
        )
        self.decisions[ELEMENT_DECISION] = Decision(
            ELEMENT_DECISION, "Framework elements served", ELEMENTS, False, False, "002"
        )
        self.catalogue = catalogue

    def check_file(self, document: YamlDocument) -> list[Rule]:
        parsed = validate_model(RuleFileModel, document.data, document.locator, RuleFileError)
        self.locator = document.locator
        return [self.check_rule(model, index, parsed.step) for index, model in enumerate(parsed.rules)]

    def fail(self, path: PathKey, field: str, problem: str, *, code: str = "CEC100") -> RuleFileError:
        return RuleFileError(self.locator.file, self.locator.line_of(path), field, problem, code=code)

    def check_rule(self, model: RuleModel, index: int, file_step: int) -> Rule:
        base: PathKey = ("rules", index)
        for position, code in enumerate(model.k):
            if not re.fullmatch(r"K([1-9]|1[0-9]|2[0-3])", code):
                raise self.fail((*base, "k", position), f"{model.id}.k", f"{code!r} is not a Pathway decision K1..K23")
        condition = self.check_when(model, base)
        self.check_then(model, base, condition)
        return Rule(
            id=model.id,
            title=model.title,
            k=model.k,
            rationale=model.rationale.strip(),
            source=model.source,
            because=model.because.strip(),
            step=model.step or file_step,
            salience=model.salience,
            phase=model.phase,
            when=condition,
            then=model.then,
            file=self.locator.file,
            line=self.locator.line_of(base) or 0,
        )

    def check_when(self, model: RuleModel, base: PathKey) -> Condition:
        facts: list[FactTest] = []
        groups: list[tuple[tuple[FactTest, ...], ...]] = []
        decisions: list[DecisionTest] = []
        where: PathKey = (*base, "when")
        for key, value in model.when.items():
            at: PathKey = (*where, key)
            if key == "any" or key.startswith("any_"):
                groups.append(self.check_any(model.id, key, value, at))
            elif key == "lacks":
                if model.phase != "review":
                    raise self.fail(at, f"{model.id}.when.lacks", "'lacks' is only allowed in rules with phase: review")
                decisions.extend(self.check_lacks(model.id, value, at))
            elif key in self.decisions:
                decisions.append(DecisionTest(key, self.decision_values(model.id, key, value, at)))
            elif key in FACT_SCALES:
                facts.extend(self.fact_tests(model.id, key, value, at))
            else:
                choices = [*FACT_SCALES, *self.decisions, "any", "lacks"]
                raise self.fail(
                    at, f"{model.id}.when", f"unknown fact or decision {key!r}{suggest(key, choices)}", code="CEC101"
                )
        if not facts and not groups and not any(not d.negated for d in decisions) and model.phase != "review":
            raise self.fail(where, f"{model.id}.when", "needs at least one fact or decision test")
        return Condition(tuple(facts), tuple(groups), tuple(decisions))

    def check_any(self, rule_id: str, key: str, value: Any, at: PathKey) -> tuple[tuple[FactTest, ...], ...]:
        if not isinstance(value, list) or len(value) < 2 or not all(isinstance(v, dict) and v for v in value):
            raise self.fail(at, f"{rule_id}.when.{key}", "expected a list of at least two mappings of fact tests")
        options = []
        for position, option in enumerate(value):
            tests = []
            for path, test in option.items():
                if path not in FACT_SCALES:
                    raise self.fail(
                        (*at, position, path),
                        f"{rule_id}.when.{key}",
                        f"unknown fact {path!r}{suggest(path, FACT_SCALES)} (any-groups test case facts only)",
                        code="CEC101",
                    )
                tests.extend(self.fact_tests(rule_id, path, test, (*at, position, path)))
            options.append(tuple(tests))
        return tuple(options)

    def check_lacks(self, rule_id: str, value: Any, at: PathKey) -> list[DecisionTest]:
        if not isinstance(value, dict) or not value:
            raise self.fail(at, f"{rule_id}.when.lacks", "expected a mapping of decision: value(s)")
        tests = []
        for decision, wanted in value.items():
            if decision not in self.decisions:
                raise self.fail(
                    (*at, decision),
                    f"{rule_id}.when.lacks",
                    f"unknown decision {decision!r}{suggest(decision, self.decisions)}",
                    code="CEC101",
                )
            tests.append(
                DecisionTest(decision, self.decision_values(rule_id, decision, wanted, (*at, decision)), negated=True)
            )
        return tests

    def decision_values(self, rule_id: str, decision: str, value: Any, at: PathKey) -> tuple[Scalar, ...]:
        values = value if isinstance(value, list) else [value]
        allowed = self.decisions[decision].values
        for item in values:
            if (
                isinstance(item, (dict, list))
                or item not in allowed
                or isinstance(item, bool) != any(isinstance(a, bool) and a == item for a in allowed)
            ):
                shown = " | ".join(yaml_word(a) for a in allowed)
                if decision == SERVICE_DECISION:
                    shown = f"a service id{suggest(str(item), [str(a) for a in allowed])}"
                raise self.fail(
                    at,
                    f"{rule_id}.when.{decision}",
                    f"{item!r} is not a value of {decision}; expected {shown}",
                    code="CEC102",
                )
        if not values:
            raise self.fail(at, f"{rule_id}.when.{decision}", "expected at least one value")
        return tuple(values)

    def fact_tests(self, rule_id: str, path: str, value: Any, at: PathKey) -> list[FactTest]:
        """One test, or a range (``{gte: 2.5, lt: 3.5}``: several comparisons that must all hold)."""
        if isinstance(value, dict) and len(value) > 1 and all(op in COMPARISONS for op in value):
            return [self.fact_test(rule_id, path, {op: operand}, at) for op, operand in value.items()]
        return [self.fact_test(rule_id, path, value, at)]

    def fact_test(self, rule_id: str, path: str, value: Any, at: PathKey) -> FactTest:
        scale = FACT_SCALES[path]
        label = f"{rule_id}.when.{path}"
        if isinstance(value, dict):
            if len(value) != 1:
                raise self.fail(
                    at, label, "a test mapping holds one of: not, lt, lte, gt, gte (or several comparisons: a range)"
                )
            ((op, operand),) = value.items()
            if op == "not":
                finite = scale.known_values()
                if not finite:
                    raise self.fail(
                        at, label, f"'not' needs a finite scale; {path} is {scale.describe()}", code="CEC102"
                    )
                excluded = self.scale_values(label, scale, operand, at)
                everything = (*finite, *(() if scale.required else (UNKNOWN,)))
                remaining = tuple(v for v in everything if not one_of(v, excluded))
                if not remaining:
                    raise self.fail(at, label, "this test can never hold: it excludes every value", code="CEC203")
                return FactTest(path, "in", remaining)
            if op in COMPARISONS:
                if scale.kind not in ("int", "number"):
                    raise self.fail(
                        at, label, f"'{op}' needs a numeric fact; {path} is {scale.describe()}", code="CEC102"
                    )
                if isinstance(operand, bool) or not isinstance(operand, (int, float)):
                    raise self.fail(at, label, f"'{op}' needs a number, not {operand!r}", code="CEC102")
                return FactTest(path, op, (operand,))
            raise self.fail(at, label, f"unknown test {op!r}; expected not, lt, lte, gt or gte", code="CEC102")
        values = self.scale_values(label, scale, value, at)
        return FactTest(path, "in", values)

    def scale_values(self, label: str, scale: Any, value: Any, at: PathKey) -> tuple[Scalar, ...]:
        values = value if isinstance(value, list) else [value]
        if not values:
            raise self.fail(at, label, "expected at least one value")
        for item in values:
            try:
                scale.check(item)
            except ValueError as exc:
                raise self.fail(at, label, str(exc), code="CEC102") from None
            if scale.kind == "service" and item != UNKNOWN and item not in self.catalogue:
                raise self.fail(
                    at, label, f"unknown service {item!r}{suggest(item, self.catalogue.ids)}", code="CEC103"
                )
        return tuple(values)

    def check_then(self, model: RuleModel, base: PathKey, condition: Condition) -> None:
        then = model.then
        where: PathKey = (*base, "then")
        if not (
            then.conclude
            or then.recommend
            or then.recommend_requested
            or then.warn
            or then.undetermined
            or then.schedule
        ):
            raise self.fail(where, f"{model.id}.then", "concludes nothing")
        for decision, value in then.conclude.items():
            at: PathKey = (*where, "conclude", decision)
            if decision in (SERVICE_DECISION, ELEMENT_DECISION):
                raise self.fail(at, f"{model.id}.then.conclude", f"use 'recommend' to conclude {decision}")
            if decision not in self.decisions:
                raise self.fail(
                    at,
                    f"{model.id}.then.conclude",
                    f"unknown decision {decision!r}{suggest(decision, self.decisions)}",
                    code="CEC101",
                )
            self.decision_values(model.id, decision, value, at)
        for position, service in enumerate(then.recommend):
            self.check_service(service, (*where, "recommend", position), f"{model.id}.then.recommend")
        if then.recommend_requested and FactTest("request.made", "in", (True,)) not in condition.facts:
            raise self.fail(
                (*where, "recommend_requested"),
                f"{model.id}.then.recommend_requested",
                "needs the test 'request.made: true' in 'when'",
            )
        if then.undetermined is not None:
            self.check_undetermined(model.id, then.undetermined, (*where, "undetermined"))
        texts = [("because", model.because), *([("then.warn", then.warn)] if then.warn else [])]
        readable = {*reads(condition, then), *(d.decision for d in condition.decisions if not d.negated)}
        for name, text in texts:
            for placeholder in PLACEHOLDER.findall(text):
                if placeholder not in readable:
                    raise self.fail(
                        (*base, *name.split(".")),
                        f"{model.id}.{name}",
                        f"placeholder {{{placeholder}}} is not a fact or decision tested in 'when'",
                    )

    def check_undetermined(self, rule_id: str, model: UndeterminedModel, at: PathKey) -> None:
        if model.decision not in self.decisions:
            raise self.fail(
                (*at, "decision"),
                f"{rule_id}.then.undetermined.decision",
                f"unknown decision {model.decision!r}{suggest(model.decision, self.decisions)}",
                code="CEC101",
            )
        for position, path in enumerate(model.missing):
            if path not in FACT_SCALES:
                raise self.fail(
                    (*at, "missing", position),
                    f"{rule_id}.then.undetermined.missing",
                    f"unknown fact {path!r}{suggest(path, FACT_SCALES)}",
                    code="CEC101",
                )
        self.check_service(model.settle_with, (*at, "settle_with"), f"{rule_id}.then.undetermined.settle_with")
        for path, service in model.settle.items():
            if path not in model.missing:
                raise self.fail(
                    (*at, "settle", path),
                    f"{rule_id}.then.undetermined.settle",
                    f"{path!r} is not one of the missing facts",
                    code="CEC101",
                )
            self.check_service(service, (*at, "settle", path), f"{rule_id}.then.undetermined.settle")

    def check_service(self, service: str, at: PathKey, label: str) -> None:
        """Refuse a service id that is not in the catalogue (CEC103), suggesting the nearest."""
        if service not in self.catalogue:
            raise self.fail(
                at, label, f"unknown service {service!r}{suggest(service, self.catalogue.ids)}", code="CEC103"
            )
