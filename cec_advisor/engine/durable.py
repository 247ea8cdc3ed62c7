"""The durable-rules adapter: the only module that imports ``durable``.

It is built around the engine's traps, measured on durable-rules 2.0.28 and listed here:

- *process-global state, unfreed rulesets*: one quiet host per process; each
  rule base is registered once, under a name derived from its content digest,
  and reused for every case;
- *timer and dispatcher threads*: the host's ``_run`` is a no-op, so nothing
  runs on another thread and evaluation is synchronous;
- *session cap (1,024) and 32-bit sid hashes*: each case runs in its own sid,
  which is deleted in a ``finally`` from outside the actions, so one session
  is live at a time;
- *swallowed action exceptions*: every action is wrapped; a failure is kept
  and raised as :class:`EngineError` after the run, as is any ``exception``
  left in the session state;
- *duplicate and unhandled facts*: conclusions carry explicit ids, each is
  asserted once per run, and a conclusion no rule tests is recorded but not
  stored in the engine;
- *negation ordering*: review-phase rules are anchored on a fact asserted
  after the decide phase has finished (see :mod:`cec_advisor.engine.compile`);
- *no trace API*: the action wrapper records the trace: rule id, the facts it
  matched and what it concluded, in firing order;
- *JSON in the hot path*: the engine's Python layer encodes and decodes JSON on
  every assertion and action; it is given orjson instead of the standard
  library (measured: 1.5x faster per case), with the same output for our facts.
"""

from __future__ import annotations

import contextlib
import copy
import itertools
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import orjson
from durable import engine as durable_engine

from cec_advisor.engine.compile import CASE_ALIAS, CompiledRule, compile_rulebase
from cec_advisor.engine.trace import Firing, RuleWarning, RunResult, Undetermined
from cec_advisor.errors import EngineError
from cec_advisor.io.interrupts import held_interrupts
from cec_advisor.model.facts import Facts
from cec_advisor.model.scales import UNKNOWN, Scalar, yaml_word
from cec_advisor.rulebase.model import ELEMENT_DECISION, SERVICE_DECISION, Rule, RuleBase
from cec_advisor.rulebase.semantics import fill_placeholders, reads, settling_services


class _OrjsonForDurable:
    """The slice of the ``json`` module durable's Python layer uses, backed by orjson."""

    @staticmethod
    def dumps(value: Any, ensure_ascii: bool = True, **_: Any) -> str:
        # durable always passes ensure_ascii=False; orjson writes UTF-8 either way, which it then reads back.
        return orjson.dumps(value).decode()

    @staticmethod
    def loads(text: str | bytes) -> Any:
        return orjson.loads(text)


durable_engine.json = _OrjsonForDurable


class _QuietHost(durable_engine.Host):  # type: ignore[misc]
    """A host without the dispatcher and timer threads (we need neither)."""

    def _run(self) -> None:
        return None


class _Run:
    """The state of the run in progress, reached from actions through the session id."""

    def __init__(self, rulebase: RuleBase, tested: frozenset[tuple[str, Any]], facts: Facts) -> None:
        self.rulebase = rulebase
        self.tested = tested
        self.facts = facts
        self.result = RunResult()
        self.asserted: set[str] = set()
        self.fired: set[tuple[str, ...]] = set()


_ACTIVE: dict[str, _Run] = {}
_HOST_LOCK = threading.Lock()
_HOST: _QuietHost | None = None
_REGISTERED: set[str] = set()
_SIDS = itertools.count(1)


def _host() -> _QuietHost:
    global _HOST
    if _HOST is None:
        _HOST = _QuietHost()
    return _HOST


@contextmanager
def engine_errors(doing: str) -> Iterator[None]:
    """Translate any exception raised by the engine into :class:`EngineError` (the one place that does)."""
    try:
        yield
    except EngineError:
        raise
    except (durable_engine.MessageNotHandledException, durable_engine.MessageObservedException) as exc:
        raise EngineError(f"rule engine failed while {doing}: {exc.message}") from None
    except Exception as exc:  # the C extension raises bare Exception and its own error type
        raise EngineError(f"rule engine failed while {doing}: {exc}") from None


class Engine:
    """A rule base compiled into the engine once per process, able to run any number of cases."""

    def __init__(self, rulebase: RuleBase) -> None:
        self.rulebase = rulebase
        self.ruleset = f"cec_{rulebase.digest}"
        self.compiled = compile_rulebase(rulebase)
        self.tested = tested_conclusions(rulebase)
        with _HOST_LOCK:
            if self.ruleset not in _REGISTERED:
                definition = {c.rule.id: {**copy.deepcopy(c.definition), "run": _action(c)} for c in self.compiled}
                with engine_errors("compiling the rule base"):
                    _host().register_rulesets({self.ruleset: definition})
                _REGISTERED.add(self.ruleset)

    def run(self, facts: Facts) -> RunResult:
        """Run the rules on one case's facts in a fresh, isolated session and return what they concluded."""
        sid = str(next(_SIDS))
        run = _Run(self.rulebase, self.tested, facts)
        host = _host()
        _ACTIVE[sid] = run
        try:
            with held_interrupts(), engine_errors("running the case"):
                host.assert_fact(self.ruleset, {**facts, "id": "case", "kind": "case", "sid": sid})
                self._assert_review(host, sid)
                state = host.get_state(self.ruleset, sid)
            if run.result.failure is not None:
                raise EngineError(run.result.failure)
            if state.get("exception"):
                raise EngineError(f"rule engine failed while running the case: {state['exception']}")
        finally:
            _ACTIVE.pop(sid, None)
            with engine_errors("closing the case session"):
                host.delete_state(self.ruleset, sid)
        check_consistency(self.rulebase, run.result)
        return run.result

    def _assert_review(self, host: _QuietHost, sid: str) -> None:
        try:
            host.assert_fact(self.ruleset, {"id": "review", "kind": "review", "sid": sid})
        except durable_engine.MessageNotHandledException:
            return  # the rule base has no review-phase rules


def tested_conclusions(rulebase: RuleBase) -> frozenset[tuple[str, Any]]:
    """Every (decision, value) some rule's condition tests: only these need to be asserted into the engine."""
    return frozenset(
        (test.decision, value) for rule in rulebase.rules for test in rule.when.decisions for value in test.values
    )


def check_consistency(rulebase: RuleBase, result: RunResult) -> None:
    """Raise :class:`EngineError` when a single-valued decision got several values or a required one got none."""
    for decision in rulebase.decisions.values():
        values = result.all_values(decision.id)
        if decision.single and len(values) > 1:
            found = "; ".join(f"{v} by {', '.join(result.concluders(decision.id, v))}" for v in values)
            raise EngineError(f"rules conflict: {decision.id} was concluded as {found}")
        if decision.required and not values:
            raise EngineError(f"no rule concluded {decision.id} for this case (a gap in the rule base)")


def _action(compiled: CompiledRule) -> Callable[[Any], None]:
    """Build the engine action of one rule: record the firing, then assert its conclusions."""
    rule = compiled.rule
    paths = reads(rule.when, rule.then)

    def action(c: Any) -> None:
        run = _ACTIVE.get(str(c.s.sid))
        if run is None:
            return
        try:
            _fire(c, run, compiled, paths)
        except Exception as exc:  # an action must never fail silently (engine issue 305)
            run.result.failure = run.result.failure or f"rule {rule.id} failed: {exc!r}"

    return action


def _fire(c: Any, run: _Run, compiled: CompiledRule, paths: tuple[str, ...]) -> None:
    """One firing of a rule on a match: its conclusions, services, warning and open questions, then the trace.

    An any-group compiles to ``$or``, which the engine expands into one activation per alternative
    that holds; the rule has fired once for this match all the same, so a repeat is ignored.
    """
    rule, then = compiled.rule, compiled.rule.then
    case = getattr(c, CASE_ALIAS)
    matched: dict[str, Any] = case._d if case is not None else {}
    facts: dict[str, Scalar] = {path: matched.get(path, UNKNOWN) for path in paths}
    for alias, decision in compiled.decision_aliases:
        facts[decision] = getattr(c, alias)._d["value"]
    match_key = (rule.id, *(str(getattr(c, alias)._d["id"]) for alias, _ in compiled.decision_aliases))
    if match_key in run.fired:
        return
    run.fired.add(match_key)
    concluded: list[str] = []
    for decision, value in then.conclude.items():
        _conclude(c, run, rule.id, decision, value, concluded)
    services, open_questions = _recommend(c, run, rule, matched, concluded)
    if then.warn:
        message = fill_placeholders(then.warn.strip(), facts, run.rulebase.catalogue.names)
        run.result.warnings.append(RuleWarning(rule.id, message))
        concluded.append(f"warning: {message}")
    for settle_with, missing in open_questions.items():
        decision = then.undetermined.decision if then.undetermined else ""
        run.result.undetermined.append(Undetermined(rule.id, decision, missing, settle_with))
        concluded.append(f"{decision} undetermined (settle with {settle_with})")
    run.result.firings.append(
        Firing(rule.id, rule.step, facts, tuple(concluded), tuple(then.conclude), tuple(dict.fromkeys(services)))
    )


def _recommend(
    c: Any, run: _Run, rule: Rule, matched: dict[str, Any], concluded: list[str]
) -> tuple[list[str], dict[str, tuple[str, ...]]]:
    """Assert the services a firing recommends (its own, the requested one, those settling open questions).

    Each non-diagnostic service also asserts the Framework element it serves (K18). Returns the
    services in order and the open questions by the service that settles them.
    """
    then = rule.then
    services = list(then.recommend)
    if then.recommend_requested:
        requested = str(matched["request.service"])
        services.append(requested)
        run.result.requested.append(requested)
    open_questions = settling_services(then.undetermined, run.facts) if then.undetermined else {}
    services.extend(open_questions)
    for service in services:
        _conclude(c, run, rule.id, SERVICE_DECISION, service, concluded)
        info = run.rulebase.catalogue[service]
        if not info.diagnostic:  # a diagnosis serves no Framework element by itself (K18)
            _conclude(c, run, rule.id, ELEMENT_DECISION, info.element, concluded, record=False)
    return services, open_questions


def _conclude(
    c: Any, run: _Run, rule_id: str, decision: str, value: Scalar, concluded: list[str], *, record: bool = True
) -> None:
    """Record ``decision = value`` for ``rule_id`` and assert it (once per run) so other rules can chain on it."""
    if record:
        run.result.values.setdefault(decision, []).append((value, rule_id))
        concluded.append(f"recommend {value}" if decision == SERVICE_DECISION else f"{decision} = {yaml_word(value)}")
    if (decision, value) not in run.tested:
        return  # no rule tests this conclusion: recorded above, nothing for the engine to match
    key = f"{decision}={value!r}"
    if key in run.asserted:
        return
    run.asserted.add(key)
    with contextlib.suppress(durable_engine.MessageNotHandledException):
        c.assert_fact({"id": f"d:{key}", "kind": "d", "decision": decision, "value": value})
