r"""A second, independent rule engine: the validated rule base translated to CLIPS and run through clipspy.

The translation reads only the validated rule base (:mod:`cec_advisor.rulebase`)
and imports nothing from the durable compiler or adapter, so ``crosscheck``
can tell a fault of the adapter from the meaning of the rules. The shared
pieces are the rules' own semantics (which facts a firing reports, how
placeholders are filled, which diagnosis settles an open question) and the
plain data types of a run (:mod:`cec_advisor.engine.trace`).

How the Pathway's semantics map onto CLIPS:

- one ``case`` fact per run, with a slot per fact path (as durable's one case
  fact); an unknown fact's slot holds the symbol ``nil``, so ``unknown`` is
  ``(eq ?x nil)``. A rule binds the slots it reads in one pattern and tests
  them in one ``test`` (an any-group is an ``or`` of ``and``\ s there);
- one ``(d (id ID) (n DECISION) (v VALUE))`` fact per conclusion, asserted once
  per run, so rules chain as they do in durable;
- review-phase rules wait for a ``(review)`` fact asserted after the first
  ``run`` has finished, so their negations (``lacks``) see every conclusion;
- the firing order: the rules of an earlier tier (``tiers.yaml``) first, within
  a tier in definition order. Each rule gets its own CLIPS salience from that
  total order, so the
  conflict strategy only orders activations of one rule; the depth strategy
  fires the newest of those first, as durable does;
- a rule fires once per match: durable activates a rule once per alternative
  of an any-group that holds and the adapter keeps the first; here the
  alternatives are one test, so there is one activation to begin with.

Values keep their types: strings are CLIPS strings, booleans the symbols
``true``/``false``, numbers numbers, so ``true`` never equals 1 and 1 never
equals 1.0 (as :func:`cec_advisor.model.scales.same_value`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cec_advisor.engine.trace import Firing, RuleWarning, RunResult, Undetermined
from cec_advisor.errors import UserError
from cec_advisor.model.facts import FACT_SCALES, Facts
from cec_advisor.model.scales import UNKNOWN, Scalar, yaml_word
from cec_advisor.rulebase.model import ELEMENT_DECISION, SERVICE_DECISION, DecisionTest, FactTest, Rule, RuleBase
from cec_advisor.rulebase.semantics import fill_placeholders, reads, settling_services

REBUILD_EVERY = 2000
"""Runs after which the CLIPS environment is built afresh: one environment slows down over thousands of runs."""
_COMPARE = {"lt": "<", "lte": "<=", "gt": ">", "gte": ">="}
_TEMPLATES = (
    "(deftemplate case " + " ".join(f"(slot {path} (default nil))" for path in FACT_SCALES) + ")",
    "(deftemplate d (slot id) (slot n) (slot v))",
    "(deftemplate review)",
)
_ASSERT_NEW = (
    "(loop-for-count (?i 0 (- (div (length$ ?new) 3) 1)) "
    "(assert (d (id (nth$ (+ (* ?i 3) 1) ?new)) (n (nth$ (+ (* ?i 3) 2) ?new)) (v (nth$ (+ (* ?i 3) 3) ?new)))))"
)
"""The action's second half: assert the decision facts the Python half returns, three values (id, name, value) each."""
INSTALL_HINT = "crosscheck needs clipspy, the testers' extra: pip install 'cec-advisor[testers]'"


def clips_value(value: Scalar) -> str:
    """A value as a CLIPS constant: a quoted string, the symbol ``true``/``false`` (YAML's word), or the number."""
    if isinstance(value, bool):
        return yaml_word(value)
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return repr(value)


def _joined(operator: str, expressions: list[str]) -> str:
    """``(and ...)`` or ``(or ...)`` of the expressions; CLIPS wants two at least, so one stands alone."""
    return expressions[0] if len(expressions) == 1 else f"({operator} {' '.join(expressions)})"


def _fact_test(test: FactTest, variable: str) -> str:
    """One fact test as a CLIPS expression on the variable bound to its slot (``eq`` is type-strict)."""
    if test.op != "in":
        return f"(and (numberp {variable}) ({_COMPARE[test.op]} {variable} {clips_value(test.values[0])}))"
    return _joined(
        "or", [f"(eq {variable} {'nil' if value == UNKNOWN else clips_value(value)})" for value in test.values]
    )


def _decision_pattern(test: DecisionTest, variable: str) -> str:
    """A decision test: the concluded decision fact (its id bound to ``variable``), or its absence if negated."""
    values = "|".join(clips_value(v) for v in test.values)
    if test.negated:
        return f"(not (d (n {clips_value(test.decision)}) (v {values})))"
    return f"(d (id {variable}) (n {clips_value(test.decision)}) (v {values}))"


def _case_patterns(rule: Rule) -> list[str]:
    """The case pattern binding every slot the rule tests, and one ``test`` of all its fact tests and any-groups."""
    paths = rule.when.fact_paths()
    if not paths:
        return []
    variable = {path: f"?s{n}" for n, path in enumerate(paths)}
    tests = [_fact_test(test, variable[test.path]) for test in rule.when.facts]
    for group in rule.when.any_groups:
        options = [_joined("and", [_fact_test(t, variable[t.path]) for t in option]) for option in group]
        tests.append(_joined("or", options))
    slots = " ".join(f"({path} {variable[path]})" for path in paths)
    return [f"(case {slots})", f"(test {_joined('and', tests)})"]


def translate(rule: Rule, salience: int) -> str:
    """One rule as a CLIPS ``defrule`` whose action calls back with the rule id and the decision facts it matched."""
    patterns = ["(review)"] if rule.phase == "review" else []
    patterns.extend(_case_patterns(rule))
    matched = []
    for index, test in enumerate(rule.when.decisions):
        patterns.append(_decision_pattern(test, f"?d{index}"))
        if not test.negated:
            matched.append(f"?d{index}")
    return (
        f"(defrule {rule.id} (declare (salience {salience})) {' '.join(patterns) or '(initial-fact)'} "
        f"=> (bind ?new (cec-fire {clips_value(rule.id)} {' '.join(matched)})) {_ASSERT_NEW})"
    )


def clips_saliences(rulebase: RuleBase) -> dict[str, int]:
    """Each rule's CLIPS salience: distinct, in the order durable fires them (tier first, then definition order)."""
    rules = rulebase.rules
    order = sorted(range(len(rules)), key=lambda i: (rules[i].tier.rank, i))
    return {rules[i].id: len(order) - rank for rank, i in enumerate(order)}


@dataclass
class _Run:
    """One case in progress: its facts, what it concluded so far, and the decision facts asserted."""

    facts: Facts
    result: RunResult = field(default_factory=RunResult)
    fired: set[tuple[str, ...]] = field(default_factory=set)
    decision_values: dict[str, Scalar] = field(default_factory=dict)
    new_facts: list[Any] = field(default_factory=list)
    """The decision facts the firing in progress concludes, flat: id, name, value, id, ..."""


class ClipsEngine:
    """The rule base in a CLIPS environment, able to run any number of cases one after another."""

    def __init__(self, rulebase: RuleBase) -> None:
        try:
            import clips
        except ImportError:
            raise UserError(INSTALL_HINT) from None
        self._clips = clips
        self.rulebase = rulebase
        self.saliences = clips_saliences(rulebase)
        self.runs = 0
        self._run: _Run | None = None
        self.environment = self._build()

    def _build(self) -> Any:
        environment = self._clips.Environment()
        for template in _TEMPLATES:
            environment.build(template)
        environment.define_function(self._fire, "cec-fire")
        environment.strategy = self._clips.Strategy.DEPTH
        for rule in self.rulebase.rules:
            environment.build(translate(rule, self.saliences[rule.id]))
        self._templates = {name: environment.find_template(name) for name in ("case", "review")}
        return environment

    def _value(self, value: Scalar) -> Any:
        """A value as clipspy asserts it: booleans as the symbols ``true``/``false``, the rest as they are."""
        return self._clips.Symbol(yaml_word(value)) if isinstance(value, bool) else value

    def run(self, facts: Facts) -> RunResult:
        """Run the rules on one case's facts: the decide phase, then the review phase."""
        self.runs += 1
        if self.runs % REBUILD_EVERY == 0:
            self.environment = self._build()
        environment = self.environment
        environment.reset()
        self._run = run = _Run(facts)
        try:
            slots = {path: self._value(value) for path, value in facts.items() if path in FACT_SCALES}
            self._templates["case"].assert_fact(**slots)
            environment.run()
            self._templates["review"].assert_fact()
            environment.run()
        finally:
            self._run = None
        return run.result

    def _fire(self, rule_id: str, *decision_ids: Any) -> list[Any]:
        """The action of every rule: record the firing once per match; return the decision facts to assert.

        The facts go back to CLIPS as one flat list (id, name, value, id, ...) that the rule's own action
        asserts: asserting from Python inside a run makes every later run slower.
        """
        run = self._run
        assert run is not None, "a rule fired outside a run"
        rule = self.rulebase.by_id[str(rule_id)]
        key = (rule.id, *(str(d) for d in decision_ids))
        if key in run.fired:
            return []
        run.fired.add(key)
        run.new_facts = []
        reported: dict[str, Scalar] = {path: run.facts.get(path, UNKNOWN) for path in reads(rule.when, rule.then)}
        positive = [test for test in rule.when.decisions if not test.negated]
        for test, fact_id in zip(positive, decision_ids, strict=True):
            reported[test.decision] = run.decision_values[str(fact_id)]
        concluded: list[str] = []
        for decision, value in rule.then.conclude.items():
            self._conclude(run, rule.id, decision, value, concluded)
        services, questions = self._services(run, rule, concluded)
        if rule.then.warn:
            message = fill_placeholders(rule.then.warn.strip(), reported, self.rulebase.catalogue.names)
            run.result.warnings.append(RuleWarning(rule.id, message))
            concluded.append(f"warning: {message}")
        decision = rule.then.undetermined.decision if rule.then.undetermined else ""
        for settle_with, missing in questions.items():
            run.result.undetermined.append(Undetermined(rule.id, decision, missing, settle_with))
            concluded.append(f"{decision} undetermined (settle with {settle_with})")
        run.result.firings.append(
            Firing(rule.id, rule.step, reported, tuple(concluded), tuple(rule.then.conclude), services)
        )
        return run.new_facts

    def _services(
        self, run: _Run, rule: Rule, concluded: list[str]
    ) -> tuple[tuple[str, ...], dict[str, tuple[str, ...]]]:
        """Conclude the services a firing recommends (with the elements they serve); return them and its questions."""
        then = rule.then
        services = list(then.recommend)
        if then.recommend_requested:
            requested = str(run.facts["request.service"])
            services.append(requested)
            run.result.requested.append(requested)
        questions = settling_services(then.undetermined, run.facts) if then.undetermined else {}
        services.extend(questions)
        for service in services:
            self._conclude(run, rule.id, SERVICE_DECISION, service, concluded)
            if not self.rulebase.catalogue[service].diagnostic:
                element = self.rulebase.catalogue[service].element
                self._conclude(run, rule.id, ELEMENT_DECISION, element, concluded, record=False)
        return tuple(dict.fromkeys(services)), questions

    def _conclude(
        self, run: _Run, rule_id: str, decision: str, value: Scalar, concluded: list[str], *, record: bool = True
    ) -> None:
        """Record ``decision = value`` for ``rule_id``; once per run, queue its fact for other rules to match."""
        if record:
            run.result.values.setdefault(decision, []).append((value, rule_id))
            concluded.append(
                f"recommend {value}" if decision == SERVICE_DECISION else f"{decision} = {yaml_word(value)}"
            )
        fact_id = f"d:{decision}={value!r}"
        if fact_id not in run.decision_values:
            run.decision_values[fact_id] = value
            run.new_facts.extend((fact_id, decision, self._value(value)))


__all__ = ["INSTALL_HINT", "REBUILD_EVERY", "ClipsEngine", "clips_saliences", "clips_value", "translate"]
