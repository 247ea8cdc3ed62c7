"""Check each rule of a rule file against the facts, decisions, tiers and catalogue; return validated rules.

The ``when`` is read by :mod:`cec_advisor.rulebase.conditions`; this module
checks the rest of a rule: its Pathway decisions (``k``), its tier, what it
concludes (``then``) and the placeholders of its sentences.
"""

from __future__ import annotations

import re

from cec_advisor.errors import RuleFileError
from cec_advisor.io.validation import suggest, validate_model
from cec_advisor.io.yamlsource import PathKey, YamlDocument
from cec_advisor.model.facts import FACT_SCALES
from cec_advisor.rulebase.catalogue import ELEMENTS, Catalogue
from cec_advisor.rulebase.conditions import ConditionReader, RuleFileContext
from cec_advisor.rulebase.files import RuleFileModel, RuleModel, UndeterminedModel
from cec_advisor.rulebase.model import (
    ELEMENT_DECISION,
    SERVICE_DECISION,
    Condition,
    Decision,
    FactTest,
    Rule,
    Tier,
)
from cec_advisor.rulebase.semantics import PLACEHOLDER, reads
from cec_advisor.rulebase.spellings import refuse_old_rule_spellings

K_CODE = re.compile(r"K([1-9]|1[0-9]|2[0-3])")
"""A Pathway decision, K1..K23 (docs/pathway.md)."""


class RuleChecker:
    """Validates rule files against the facts, decisions, tiers and catalogue."""

    def __init__(self, decisions: dict[str, Decision], catalogue: Catalogue, tiers: tuple[Tier, ...]) -> None:
        self.decisions = dict(decisions)
        self.decisions[SERVICE_DECISION] = Decision(
            SERVICE_DECISION, "Recommended services", catalogue.ids, False, False, "docs/pathway.md"
        )
        self.decisions[ELEMENT_DECISION] = Decision(
            ELEMENT_DECISION, "Framework elements served", ELEMENTS, False, False, "002"
        )
        self.catalogue = catalogue
        self.tiers = {tier.id: tier for tier in tiers}

    def check_file(self, document: YamlDocument) -> list[Rule]:
        """Every rule of one rule file, validated; the first problem is a :class:`RuleFileError` at its line."""
        refuse_old_rule_spellings(document.data, document.locator)
        parsed = validate_model(RuleFileModel, document.data, document.locator, RuleFileError)
        context = RuleFileContext(self.decisions, self.catalogue, document.locator)
        return [self.check_rule(context, model, index, parsed.step) for index, model in enumerate(parsed.rules)]

    def check_rule(self, context: RuleFileContext, model: RuleModel, index: int, file_step: int) -> Rule:
        """One rule, validated: ``k``, ``tier``, ``when`` and ``then``."""
        base: PathKey = ("rules", index)
        k = pathway_decisions(context, model, base)
        tier = self.tier(context, model, base)
        condition = ConditionReader(context).read(model.id, model.phase, model.when, (*base, "when"))
        check_then(context, model, base, condition)
        return Rule(
            id=model.id,
            title=model.title,
            k=k,
            rationale=model.rationale.strip(),
            source=model.source,
            because=model.because.strip(),
            step=model.step or file_step,
            tier=tier,
            phase=model.phase,
            when=condition,
            then=model.then,
            file=context.locator.file,
            line=context.locator.line_of(base) or 0,
        )

    def tier(self, context: RuleFileContext, model: RuleModel, base: PathKey) -> Tier:
        """The tier a rule names, which ``tiers.yaml`` must declare."""
        tier = self.tiers.get(model.tier)
        if tier is None:
            listed = ", ".join(self.tiers)
            raise context.fail(
                (*base, "tier"),
                f"{model.id}.tier",
                f"unknown tier {model.tier!r}{suggest(model.tier, self.tiers)}; the tiers in tiers.yaml: {listed}",
            )
        return tier


def pathway_decisions(context: RuleFileContext, model: RuleModel, base: PathKey) -> tuple[str, ...]:
    """The Pathway decisions a rule serves: the one its id names, or ``k`` when it lists that one and more."""
    named = model.id.split("-", 1)[0]
    if model.k is None:
        return (named,)
    for position, code in enumerate(model.k):
        if not K_CODE.fullmatch(code):
            raise context.fail((*base, "k", position), f"{model.id}.k", f"{code!r} is not a Pathway decision K1..K23")
    if model.k == (named,):
        raise context.fail(
            (*base, "k"), f"{model.id}.k", f"only repeats {named}, the decision the id names; leave 'k' out"
        )
    if model.k[0] != named:
        raise context.fail(
            (*base, "k"), f"{model.id}.k", f"lists {named}, the decision the id names, first, then the others it serves"
        )
    return model.k


def check_then(context: RuleFileContext, model: RuleModel, base: PathKey, condition: Condition) -> None:
    """Check what a rule concludes, recommends and leaves open, and the placeholders of its sentences."""
    then = model.then
    where: PathKey = (*base, "then")
    if not (
        then.conclude or then.recommend or then.recommend_requested or then.warn or then.undetermined or then.schedule
    ):
        raise context.fail(where, f"{model.id}.then", "concludes nothing")
    for decision, value in then.conclude.items():
        at: PathKey = (*where, "conclude", decision)
        if decision in (SERVICE_DECISION, ELEMENT_DECISION):
            raise context.fail(at, f"{model.id}.then.conclude", f"use 'recommend' to conclude {decision}")
        if decision not in context.decisions:
            raise context.fail(
                at,
                f"{model.id}.then.conclude",
                f"unknown decision {decision!r}{suggest(decision, context.decisions)}",
                code="CEC101",
            )
        ConditionReader(context).decision_values(model.id, decision, value, at)
    for position, service in enumerate(then.recommend):
        check_service(context, service, (*where, "recommend", position), f"{model.id}.then.recommend")
    if then.recommend_requested and FactTest("request.made", "in", (True,)) not in condition.facts:
        raise context.fail(
            (*where, "recommend_requested"),
            f"{model.id}.then.recommend_requested",
            "needs the test 'request.made: true' in 'when'",
        )
    if then.undetermined is not None:
        check_undetermined(context, model.id, then.undetermined, (*where, "undetermined"))
    check_placeholders(context, model, base, condition)


def check_placeholders(context: RuleFileContext, model: RuleModel, base: PathKey, condition: Condition) -> None:
    """Refuse a ``{placeholder}`` in ``because`` or ``warn`` that names nothing the rule tests."""
    texts = [("because", model.because), *([("then.warn", model.then.warn)] if model.then.warn else [])]
    readable = {*reads(condition, model.then), *(d.decision for d in condition.decisions if not d.negated)}
    for name, text in texts:
        for placeholder in PLACEHOLDER.findall(text):
            if placeholder not in readable:
                raise context.fail(
                    (*base, *name.split(".")),
                    f"{model.id}.{name}",
                    f"placeholder {{{placeholder}}} is not a fact or decision tested in 'when'",
                )


def check_undetermined(context: RuleFileContext, rule_id: str, model: UndeterminedModel, at: PathKey) -> None:
    """Check an open question: its decision, its missing facts and the services that settle them."""
    if model.decision not in context.decisions:
        raise context.fail(
            (*at, "decision"),
            f"{rule_id}.then.undetermined.decision",
            f"unknown decision {model.decision!r}{suggest(model.decision, context.decisions)}",
            code="CEC101",
        )
    for position, path in enumerate(model.missing):
        if path not in FACT_SCALES:
            raise context.fail(
                (*at, "missing", position),
                f"{rule_id}.then.undetermined.missing",
                f"unknown fact {path!r}{suggest(path, FACT_SCALES)}",
                code="CEC101",
            )
    check_service(context, model.settle_with, (*at, "settle_with"), f"{rule_id}.then.undetermined.settle_with")
    for path, service in model.settle.items():
        if path not in model.missing:
            raise context.fail(
                (*at, "settle", path),
                f"{rule_id}.then.undetermined.settle",
                f"{path!r} is not one of the missing facts",
                code="CEC101",
            )
        check_service(context, service, (*at, "settle", path), f"{rule_id}.then.undetermined.settle")


def check_service(context: RuleFileContext, service: str, at: PathKey, label: str) -> None:
    """Refuse a service id that is not in the catalogue (CEC103), suggesting the nearest."""
    if service not in context.catalogue:
        raise context.fail(
            at, label, f"unknown service {service!r}{suggest(service, context.catalogue.ids)}", code="CEC103"
        )
