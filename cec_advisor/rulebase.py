"""The rule base: decisions, service catalogue and rules, loaded from ``rules/``.

Layout of a rules directory:

- ``decisions.yaml``: the decisions the rules conclude (commitment, emphasis ...),
  their values and whether each is single-valued;
- ``services.yaml``: the service catalogue (:mod:`cec_advisor.catalogue`);
- every other ``*.yaml``: rule files, read in file-name order.

A rule's ``when`` is a mapping. Its keys are fact paths (``culture.trust``),
decision ids (``emphasis``), ``any`` / ``any_<name>`` (a list of fact-test
mappings, at least one of which holds) or, in review-phase rules only,
``lacks`` (decisions that must *not* have been concluded). A fact test is a
value, a list of values (any of them), or ``{not: [...]}``, ``{lt: n}``,
``{lte: n}``, ``{gt: n}``, ``{gte: n}``, or a range of comparisons that all
hold (``{gte: 2.5, lt: 3.5}``). ``unknown`` matches a fact that is
unknown or left out. Everything is checked at load; problems are
:class:`~cec_advisor.errors.RuleFileError` lines with file and line.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, StrictBool, StrictStr

from cec_advisor.catalogue import ELEMENTS, Catalogue, load_catalogue
from cec_advisor.errors import RuleFileError, UserError
from cec_advisor.facts import FACT_SCALES
from cec_advisor.fileio import NotARegularFileError, read_regular
from cec_advisor.scales import UNKNOWN, Scalar, Scale, one_of, yaml_word
from cec_advisor.validation import NonEmpty, StrictModel, suggest, validate_model
from cec_advisor.wording import phrase
from cec_advisor.yamlsource import Locator, PathKey, YamlDocument, read_yaml

RULE_ID_PATTERN = r"^K([1-9]|1[0-9]|2[0-3])-[a-z0-9]+(-[a-z0-9]+)*$"
DECISION_ID_PATTERN = r"^[a-z][a-z0-9_]*$"
SERVICE_DECISION = "service"
ELEMENT_DECISION = "element"
COMPARISONS = ("lt", "lte", "gt", "gte")
COMPARISON_SYMBOLS = {"lt": "<", "lte": "<=", "gt": ">", "gte": ">="}
"""How each comparison of a fact test is written in text: ``culture.trust < 3``."""
Phase = Literal["decide", "review"]
_PLACEHOLDER = re.compile(r"\{([a-z_A-Z0-9.]+)\}")


MAX_RULES = 400
"""Most rules a rule base may hold; a larger one is refused at load, before anything is compiled.

Measured with ``benchmarks/bench_scaling.py --factor N`` (every rule copied N
times; durable-rules 2.0.28, 149 rules): 2x (298 rules) and 3x (447) plan every
sample case and 2,000 generated ones; 4x (596) fails with engine error 303 and
5x-8x crash the process. What overflows is not the number of rules itself
(durable-rules' own cap is 4,096 rules per ruleset) but what copies share: the
alternatives hung on one test, which :data:`cec_advisor.compile.MAX_LINKS_PER_TEST`
bounds rule by rule. This cap keeps a margin below the measured break and stops
a huge rule base in about a second instead of minutes into ``lint``.
"""
STEP = Scale("int", low=1, high=5, required=True, meaning="Pathway step")
SALIENCE = Scale("int", low=0, high=100, required=True, meaning="Higher fires first")


class DecisionModel(StrictModel):
    """One decision the rules conclude."""

    id: StrictStr = Field(pattern=DECISION_ID_PATTERN)
    title: StrictStr = Field(min_length=1)
    values: NonEmpty[StrictStr | StrictBool]
    single: StrictBool
    required: StrictBool = False
    source: StrictStr = Field(min_length=1)


class DecisionsFile(StrictModel):
    """The layout of ``decisions.yaml``."""

    format: Literal["cec-decisions/1"]
    decisions: NonEmpty[DecisionModel]


class UndeterminedModel(StrictModel):
    """A decision the case facts cannot settle (K19)."""

    decision: StrictStr
    missing: NonEmpty[StrictStr]
    settle_with: StrictStr
    settle: dict[StrictStr, StrictStr] = Field(default_factory=dict)
    """Missing facts that another diagnosis settles (fact → service); the rest are ``settle_with``'s."""

    def settling_services(self) -> tuple[str, ...]:
        """Every service this open question may recommend, ``settle_with`` first."""
        return tuple(dict.fromkeys([self.settle_with, *self.settle.values()]))


class ThenModel(StrictModel):
    """What a rule concludes when it fires."""

    conclude: dict[str, StrictStr | StrictBool] = Field(default_factory=dict)
    recommend: tuple[str, ...] = ()
    recommend_requested: StrictBool = False
    warn: StrictStr | None = None
    undetermined: UndeterminedModel | None = None
    """A decision left open; its ``settle_with`` service is recommended as well (K19)."""
    schedule: (
        Literal[
            "commitment_work", "diagnosis", "from_the_start", "early", "requested", "first_round", "closing", "optional"
        ]
        | None
    ) = None
    """The urgency class (K21) of the services this rule recommends or tests (``service: ...``)."""


class RuleModel(StrictModel):
    """One rule as written in a rule file."""

    id: StrictStr = Field(pattern=RULE_ID_PATTERN)
    title: StrictStr = Field(min_length=1, max_length=120)
    k: NonEmpty[StrictStr]
    rationale: StrictStr = Field(min_length=1)
    source: StrictStr = Field(min_length=1)
    because: StrictStr = Field(min_length=1)
    step: Annotated[int | None, STEP] = None
    salience: Annotated[int, SALIENCE] = 50
    phase: Phase = "decide"
    when: dict[str, Any]
    then: ThenModel


class RuleFileModel(StrictModel):
    """The layout of a rule file."""

    format: Literal["cec-rules/1"]
    step: Annotated[int, STEP]
    title: StrictStr = Field(min_length=1)
    rules: NonEmpty[RuleModel]


@dataclass(frozen=True)
class FactTest:
    """A test of one case fact: ``op`` is ``in`` (any of ``values``) or a comparison."""

    path: str
    op: Literal["in", "lt", "lte", "gt", "gte"]
    values: tuple[Scalar, ...]

    def describe(self) -> str:
        """The test in words, e.g. ``culture.trust is low or mixed`` or ``focus_on_learning.curriculum < 3``."""
        if self.op == "in":
            return f"{self.path} is " + " or ".join(yaml_word(v) for v in self.values)
        return f"{self.path} {COMPARISON_SYMBOLS[self.op]} {self.values[0]}"


@dataclass(frozen=True)
class DecisionTest:
    """A test that a decision was concluded with one of ``values`` (or, if ``negated``, none of them)."""

    decision: str
    values: tuple[Scalar, ...]
    negated: bool = False


@dataclass(frozen=True)
class Condition:
    """A rule's parsed ``when``: all fact tests, each any-group, and all decision tests hold."""

    facts: tuple[FactTest, ...]
    any_groups: tuple[tuple[tuple[FactTest, ...], ...], ...]
    decisions: tuple[DecisionTest, ...]

    def fact_paths(self) -> tuple[str, ...]:
        """Every fact path the condition reads, in the order written."""
        paths = [t.path for t in self.facts]
        for group in self.any_groups:
            for option in group:
                paths.extend(t.path for t in option)
        return tuple(dict.fromkeys(paths))


@dataclass(frozen=True)
class Rule:
    """A validated rule, ready to compile."""

    id: str
    title: str
    k: tuple[str, ...]
    rationale: str
    source: str
    because: str
    step: int
    salience: int
    phase: Phase
    when: Condition
    then: ThenModel
    file: str
    line: int


@dataclass(frozen=True)
class Decision:
    """A decision the rules conclude."""

    id: str
    title: str
    values: tuple[Scalar, ...]
    single: bool
    required: bool
    source: str


@dataclass(frozen=True)
class RuleBase:
    """Everything the engine needs: decisions, catalogue and rules (in definition order)."""

    decisions: dict[str, Decision]
    catalogue: Catalogue
    rules: tuple[Rule, ...]
    digest: str
    by_id: dict[str, Rule] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_id", {rule.id: rule for rule in self.rules})


def default_rules_dir() -> Path:
    """The rule base shipped with the advisor (the repository's ``rules/`` when run from a checkout)."""
    here = Path(__file__).resolve().parent
    checkout = here.parent / "rules"
    return checkout if (checkout / "decisions.yaml").is_file() else here / "_rules"


def load_rulebase(directory: Path | None = None) -> RuleBase:
    """Load and validate a rules directory (default: :func:`default_rules_dir`)."""
    root = directory or default_rules_dir()
    if not root.is_dir():
        raise RuleFileError(str(root), None, None, "rules directory not found")
    digest = hashlib.sha256()
    decisions = _load_decisions(root / "decisions.yaml")
    catalogue = load_catalogue(root / "services.yaml")
    rule_files = sorted(p for p in root.glob("*.yaml") if p.name not in ("decisions.yaml", "services.yaml"))
    if not rule_files:
        raise RuleFileError(str(root), None, None, "no rule files (*.yaml) found")
    for path in [root / "decisions.yaml", root / "services.yaml", *rule_files]:
        try:
            content = read_regular(path, 1 << 24)
        except NotARegularFileError:
            raise RuleFileError(
                str(path), None, None, "not a regular file (a FIFO, device or socket); refused"
            ) from None
        except OSError:
            continue  # missing or unreadable: read_yaml below reports it with the file named
        digest.update(path.name.encode() + b"\0" + content + b"\0")
    documents = [read_yaml(path, RuleFileError) for path in rule_files]
    count = sum(_rule_count(document.data) for document in documents)
    if count > MAX_RULES:
        raise UserError(
            f"{root}: the rule base holds {count} rules, more than the {MAX_RULES} the rule engine can run; "
            "remove or merge rules"
        )
    checker = _RuleChecker(decisions, catalogue)
    rules: list[Rule] = []
    seen: dict[str, str] = {}
    for document in documents:
        for rule in checker.check_file(document):
            if rule.id in seen:
                raise RuleFileError(
                    rule.file,
                    rule.line,
                    "id",
                    f"duplicate rule id {rule.id!r} (first in {seen[rule.id]})",
                    code="CEC104",
                )
            seen[rule.id] = f"{rule.file}:{rule.line}"
            rules.append(rule)
    return RuleBase(decisions, catalogue, tuple(rules), digest.hexdigest()[:16])


def _rule_count(data: Any) -> int:
    """How many rules a parsed rule file lists (before they are validated)."""
    rules = data.get("rules") if isinstance(data, dict) else None
    return len(rules) if isinstance(rules, list) else 0


def _load_decisions(path: Path) -> dict[str, Decision]:
    document = read_yaml(path, RuleFileError)
    parsed = validate_model(DecisionsFile, document.data, document.locator, RuleFileError)
    decisions: dict[str, Decision] = {}
    for index, model in enumerate(parsed.decisions):
        if model.id in decisions or model.id in (SERVICE_DECISION, ELEMENT_DECISION):
            line = document.locator.line_of(("decisions", index, "id"))
            raise RuleFileError(
                document.locator.file,
                line,
                f"decisions[{index}].id",
                f"duplicate or reserved decision id {model.id!r}",
                code="CEC104",
            )
        decisions[model.id] = Decision(model.id, model.title, model.values, model.single, model.required, model.source)
    return decisions


class _RuleChecker:
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
                shown = " | ".join(str(a).lower() if isinstance(a, bool) else str(a) for a in allowed)
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
            for placeholder in _PLACEHOLDER.findall(text):
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
    :func:`cec_advisor.wording.phrase`'s ("only exploring", "not yet known");
    ``services`` (id to name) names a requested service.
    """

    def value(match: re.Match[str]) -> str:
        return phrase(match.group(1), facts.get(match.group(1), UNKNOWN), services)

    return _PLACEHOLDER.sub(value, text)


__all__ = [
    "COMPARISON_SYMBOLS",
    "MAX_RULES",
    "Condition",
    "Decision",
    "DecisionTest",
    "FactTest",
    "Locator",
    "NonEmpty",
    "Rule",
    "RuleBase",
    "default_rules_dir",
    "fill_placeholders",
    "load_rulebase",
]
